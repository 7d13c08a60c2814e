"""Regenerate ``rnn_training_expected.py`` from real TensorFlow, with a Python that has
TensorFlow and tf_keras (``tf.layers`` and ``tf.nn.rnn_cell`` need the legacy Keras)::

    /work/scratch/tfvenv/bin/python tests/tf1_programs/make_rnn_training_expected.py
"""
from make_compute_expected import main

if __name__ == "__main__":
    main("rnn_training_program", "make_rnn_training_expected.py")
