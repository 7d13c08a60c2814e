"""``tf.contrib``: the few contrib names TF1 tutorials use most (``tf.contrib.rnn``,
``tf.contrib.layers.fully_connected``, ``flatten``, ``xavier_initializer``,
``tf.contrib.seq2seq.sequence_loss``). Any other contrib name is TF1's and graphflow lacks
it: the one-line missing-name error says so."""

from .. import tf1_names as _tf1_names
from . import layers, rnn, seq2seq  # noqa: F401

__getattr__ = _tf1_names.module_getattr("tf.contrib", __name__)  # a TF1 name we lack
