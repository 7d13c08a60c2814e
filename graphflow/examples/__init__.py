"""Example models from the tutorial, importable and runnable as scripts
(``python -m graphflow.examples.resnet``)."""
