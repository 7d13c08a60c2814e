"""``tf.contrib.rnn``: TF1's contrib aliases of the core RNN cells and static RNNs."""

from .. import tf1_names as _tf1_names
from ..nn import static_bidirectional_rnn, static_rnn  # noqa: F401 (tf.nn's, as TF1)
from ..nn.rnn_cell import (  # noqa: F401
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    ResidualWrapper,
    RNNCell,
)

__getattr__ = _tf1_names.module_getattr("tf.contrib.rnn", __name__)  # a TF1 name we lack
