"""Regenerate ``rnn_expected.py`` from real TensorFlow, with a Python that has TensorFlow
and tf_keras (the ``tf.nn.rnn_cell`` classes live in the legacy Keras)::

    /work/scratch/tfvenv/bin/python tests/tf1_programs/make_rnn_expected.py
"""
from make_compute_expected import main

if __name__ == "__main__":
    main("rnn_program", "make_rnn_expected.py")
