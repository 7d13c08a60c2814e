"""``tf.nn.rnn_cell``: TF1's RNN cells, their wrappers and the LSTM state tuple."""

from .. import tf1_names as _tf1_names
from .cell_base import LSTMStateTuple, RNNCell  # noqa: F401
from .cell_wrappers import (  # noqa: F401
    DeviceWrapper,
    DropoutWrapper,
    MultiRNNCell,
    ResidualWrapper,
)
from .cells import BasicLSTMCell, BasicRNNCell, GRUCell, LSTMCell  # noqa: F401

__getattr__ = _tf1_names.module_getattr("tf.nn.rnn_cell", __name__)  # a TF1 name we lack
