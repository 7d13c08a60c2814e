"""TF1's RNN cells: ``BasicRNNCell``, ``GRUCell``, ``BasicLSTMCell``, ``LSTMCell``.

Each is composed from matmul, bias_add, split and elementwise ops (autodiff and fusion need
nothing new). Variables and gate order are TF1's, so a TF1 checkpoint's values give TF1's
numbers: one ``kernel`` of ``[input_depth + h_depth, k * num_units]`` for the concatenated
``[inputs, h]``, gates ``i, j, f, o`` for the LSTMs (input, new input, forget, output) and
``r, u`` (reset, update) for the GRU.
"""

from .. import errors
from ..initializers import Constant
from ..ops import elementwise as ew
from ..ops.linalg import matmul
from ..ops.movement import concat, split
from ..ops.sources import convert_to_tensor
from . import ops as nn
from .cell_base import ZEROS, LSTMStateTuple, RNNCell

_ACTIVATIONS = {"tanh": ew.tanh, "sigmoid": ew.sigmoid, "relu": nn.relu, "relu6": nn.relu6,
                "elu": nn.elu, "softplus": nn.softplus, "linear": lambda x: x}


def _activation(activation):
    """A callable, a Keras activation name ("relu"), or None for tanh."""
    if not activation:
        return ew.tanh
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"unknown activation {activation!r}: give a "
                f"function, or one of {sorted(_ACTIVATIONS)}")
        return _ACTIVATIONS[activation]
    return activation


def _units(num_units, what="num_units"):
    if not isinstance(num_units, int) or isinstance(num_units, bool) or num_units < 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"{what} must be a positive integer, got {num_units!r}")
    return num_units


def _input_depth(inputs_shape, cell):
    depth = inputs_shape[-1] if inputs_shape.ndims else None
    if depth is None:
        raise errors.at_user_line(
            errors.ShapeError, f"{type(cell).__name__} expected inputs.shape[-1] to be "
            f"known, received shape: {inputs_shape}")
    return depth


def _linear(inputs, h, kernel, bias):
    """``concat([inputs, h], 1) @ kernel + bias``: one matmul for every gate."""
    y = matmul(concat([inputs, h], 1), kernel)
    return nn.bias_add(y, bias) if bias is not None else y


class BasicRNNCell(RNNCell):
    """``output = new_state = activation([inputs, state] @ kernel + bias)``."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units], initializer=ZEROS)

    def call(self, inputs, state):
        output = self._activation(_linear(inputs, state, self._kernel, self._bias))
        return output, output


class GRUCell(RNNCell):
    """Gated recurrent unit: ``r, u = sigmoid([x, h] @ gates/kernel + gates/bias)``,
    ``c = activation([x, r * h] @ candidate/kernel + candidate/bias)``,
    ``new_h = u * h + (1 - u) * c``. The gate bias starts at 1 (TF1), the candidate's at 0,
    unless ``bias_initializer`` is given."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        rows, n = _input_depth(inputs_shape, self) + self._num_units, self._num_units
        bias_init = self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [rows, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable("gates/bias", [2 * n],
                                            initializer=bias_init or Constant(1.0))
        self._candidate_kernel = self.add_variable("candidate/kernel", [rows, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable("candidate/bias", [n],
                                                 initializer=bias_init or ZEROS)

    def call(self, inputs, state):
        gates = ew.sigmoid(_linear(inputs, state, self._gate_kernel, self._gate_bias))
        r, u = split(gates, 2, axis=1)
        c = self._activation(_linear(inputs, r * state, self._candidate_kernel,
                                     self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


def _lstm_state(cell, state, c_depth, h_depth):
    """``(c, h)`` from a tuple state, or from the columns of a concatenated one."""
    if cell._state_is_tuple:
        c, h = state
        return c, h
    c, h = split(state, [c_depth, h_depth], axis=1)
    return c, h


def _new_lstm_state(cell, c, h):
    return LSTMStateTuple(c, h) if cell._state_is_tuple else concat([c, h], 1)


class BasicLSTMCell(RNNCell):
    """LSTM without peepholes or projection:
    ``new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * activation(j)``,
    ``new_h = activation(new_c) * sigmoid(o)``. State ``LSTMStateTuple(c, h)``, or with
    ``state_is_tuple=False`` the two concatenated along the columns."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = _units(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        n = self._num_units
        self._kernel = self.add_variable("kernel", [_input_depth(inputs_shape, self) + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n], initializer=ZEROS)

    def call(self, inputs, state):
        c, h = _lstm_state(self, state, self._num_units, self._num_units)
        i, j, f, o = split(_linear(inputs, h, self._kernel, self._bias), 4, axis=1)
        forget_bias = convert_to_tensor(self._forget_bias, f.dtype)
        act, add, mul = self._activation, ew.add, ew.multiply  # TF1's op names: Add, Mul
        new_c = add(mul(c, ew.sigmoid(add(f, forget_bias))), mul(ew.sigmoid(i), act(j)))
        new_h = mul(act(new_c), ew.sigmoid(o))
        return new_h, _new_lstm_state(self, new_c, new_h)


class LSTMCell(RNNCell):
    """LSTM with optional peepholes (``w_f_diag``, ``w_i_diag``, ``w_o_diag``), cell
    clipping, and a projection of the output (``projection/kernel``, then ``proj_clip``).
    ``initializer`` is for the kernels and peepholes (None: the scope's, else
    glorot_uniform); the bias starts at 0. State ``LSTMStateTuple(c, m)``."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise errors.at_user_line(
                errors.UnimplementedError, "LSTMCell: num_unit_shards and num_proj_shards "
                "(partitioned variables) are not supported")
        self._num_units = _units(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip, self._proj_clip = cell_clip, proj_clip
        self._initializer = initializer
        self._num_proj = _units(num_proj, "num_proj") if num_proj else None
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def _h_depth(self):
        return self._num_proj or self._num_units

    @property
    def state_size(self):
        n, m = self._num_units, self._h_depth
        return LSTMStateTuple(n, m) if self._state_is_tuple else n + m

    output_size = property(lambda self: self._h_depth)

    def build(self, inputs_shape):
        n, init = self._num_units, self._initializer
        rows = _input_depth(inputs_shape, self) + self._h_depth
        self._kernel = self.add_variable("kernel", [rows, 4 * n], initializer=init)
        self._bias = self.add_variable("bias", [4 * n], initializer=ZEROS)
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_variable("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_variable("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [n, self._num_proj],
                                                  initializer=init)

    def call(self, inputs, state):
        c_prev, m_prev = _lstm_state(self, state, self._num_units, self._h_depth)
        i, j, f, o = split(_linear(inputs, m_prev, self._kernel, self._bias), 4, axis=1)
        act, sigmoid = self._activation, ew.sigmoid
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sigmoid(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = ew.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = ew.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, _new_lstm_state(self, c, m)
