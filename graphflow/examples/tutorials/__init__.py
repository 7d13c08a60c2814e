"""TF1's ``tensorflow.examples.tutorials``: the helpers its tutorials import."""
