"""Regenerate ``rnn_cells_expected.py`` (the TF1 numbers of ``rnn_cells_program.py``).

Like ``make_layers_expected.py``: ``tf.nn.rnn_cell`` needs the legacy Keras, so run with a
Python that has TensorFlow and tf_keras::

    TF_USE_LEGACY_KERAS=1 python tests/tf1_programs/make_rnn_cells_expected.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_layers_expected import write_expected  # noqa: E402

if __name__ == "__main__":
    write_expected("rnn_cells", "tf.nn.rnn_cell")
