"""Cells made of cells: ``MultiRNNCell`` (a stack) and the wrappers ``DropoutWrapper``,
``ResidualWrapper``, ``DeviceWrapper``.

A wrapper has no variable scope of its own (TF1): the wrapped cell's variables keep their
names, so wrapping a cell for training does not change its checkpoint.
"""

import hashlib
import numbers

from .. import errors, nest
from ..graph import device as on_device
from ..graph import name_scope
from ..ops.base import static_value
from ..ops.elementwise import divide, floor
from ..ops.movement import concat, split
from ..ops.random import random_uniform
from ..ops.sources import convert_to_tensor
from ..shapes import as_shape
from ..variable_scope import variable_scope
from . import ops as nn
from .cell_base import LSTMStateTuple, RNNCell, check_like_cell


class MultiRNNCell(RNNCell):
    """``cells`` applied in order, each one's output the next one's input; cell ``i``'s
    variables live under ``multi_rnn_cell/cell_i/``. The state is the tuple of the cells'
    states (``state_is_tuple=False``: concatenated along the columns). Giving one cell
    object twice shares its variables, as in TF1."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not isinstance(cells, (list, tuple)):
            raise errors.at_user_line(errors.DTypeError, f"cells must be a list or tuple, "
                                      f"but received: {cells!r}")
        if not cells:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      "Must specify at least one cell for MultiRNNCell.")
        for i, cell in enumerate(cells):
            check_like_cell(f"cells[{i}]", cell)
        if not state_is_tuple and any(nest.is_sequence(c.state_size) for c in cells):
            raise errors.at_user_line(
                errors.InvalidArgumentError, "Some cells return tuples of states, but the "
                "flag state_is_tuple is not set. State sizes are: "
                f"{[c.state_size for c in cells]}")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        sizes = tuple(cell.state_size for cell in self._cells)
        return sizes if self._state_is_tuple else sum(sizes)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        if not self._state_is_tuple:
            return super().zero_state(batch_size, dtype)
        with name_scope("MultiRNNCellZeroState"):
            return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)

    def call(self, inputs, state):
        if self._state_is_tuple:
            if not nest.is_sequence(state) or len(state) != len(self._cells):
                raise errors.at_user_line(
                    errors.InvalidArgumentError, f"Expected state to be a tuple of length "
                    f"{len(self._cells)}, but received: {state!r}")
            states = list(state)
        else:
            states = split(state, [cell.state_size for cell in self._cells], axis=1)
        x, new_states = inputs, []
        for i, (cell, cell_state) in enumerate(zip(self._cells, states)):
            with variable_scope(f"cell_{i}"):
                x, new_state = cell(x, cell_state)
            new_states.append(new_state)
        return x, tuple(new_states) if self._state_is_tuple else concat(new_states, 1)

    @property
    def variables(self):
        return _unique(v for cell in self._cells for v in cell.variables)

    @property
    def trainable_variables(self):
        if not self.trainable:
            return []
        return _unique(v for cell in self._cells for v in cell.trainable_variables)

    weights = variables
    trainable_weights = trainable_variables


def _unique(variables):
    out = []
    for v in variables:
        if all(v is not seen for seen in out):
            out.append(v)
    return out


class _Wrapper(RNNCell):
    """A cell around ``cell``: same sizes and zero state, no variable scope of its own."""

    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        check_like_cell("cell", cell)
        self.cell = cell

    wrapped_cell = property(lambda self: self.cell)
    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)
    variables = property(lambda self: self.cell.variables)
    trainable_variables = property(lambda self: self.cell.trainable_variables)
    weights, trainable_weights = variables, trainable_variables
    built = property(lambda self: getattr(self.cell, "built", True), lambda self, value: None)

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self._wrap(inputs, state, scope)

    def _wrap(self, inputs, state, scope):
        raise NotImplementedError


def _default_state_filter(substate):
    """TF1: never drop an LSTM's memory ``c``, drop everything else."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_Wrapper):
    """Dropout on the cell's inputs, outputs and new state (each with its keep
    probability: a number, or a scalar tensor so one graph trains and evaluates). A keep
    probability that is the constant 1 adds no op. ``variational_recurrent``: one mask per
    run, the same at every step (then give ``dtype``, and ``input_size`` for input
    dropout). ``dropout_state_filter_visitor(substate)`` says which parts of the state to
    drop (True, False, or a tuple of them for the substate's parts); by default all but an
    LSTM's ``c``."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise errors.at_user_line(errors.DTypeError, "dropout_state_filter_visitor must "
                                      f"be callable. Received: {dropout_state_filter_visitor}")
        self._state_filter = dropout_state_filter_visitor or _default_state_filter
        with name_scope("DropoutWrapperInit"):
            self._input_keep_prob = _keep_prob(input_keep_prob, "input_keep_prob")
            self._state_keep_prob = _keep_prob(state_keep_prob, "state_keep_prob")
            self._output_keep_prob = _keep_prob(output_keep_prob, "output_keep_prob")
        self._seed = seed
        self._noise = {}
        if variational_recurrent:
            if dtype is None:
                raise errors.at_user_line(errors.InvalidArgumentError, "When "
                                          "variational_recurrent=True, dtype must be provided")
            if _drops(self._input_keep_prob):
                if input_size is None:
                    raise errors.at_user_line(
                        errors.InvalidArgumentError, "When variational_recurrent=True and "
                        "input_keep_prob < 1.0 or is unknown, input_size must be provided")
                self._noise["input"] = self._batch_noise(input_size, "input", dtype)
            self._noise["state"] = self._batch_noise(cell.state_size, "state", dtype)
            self._noise["output"] = self._batch_noise(cell.output_size, "output", dtype)

    def _batch_noise(self, sizes, salt, dtype):
        """One ``[1, size]`` uniform draw per leaf of ``sizes``: the run's fixed mask."""
        return [random_uniform([1] + as_shape(size).as_list(), dtype=dtype,
                               seed=self._gen_seed(salt, i))
                for i, size in enumerate(nest.flatten(sizes))]

    def _gen_seed(self, salt, index):
        """Each dropped tensor's op seed, derived from ``seed`` as TF1 does."""
        if self._seed is None:
            return None
        digest = hashlib.md5(f"{self._seed}{salt}_{index}".encode()).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _dropout(self, values, salt, keep_prob, dropped=None):
        flat = nest.flatten(values)
        dropped = dropped if dropped is not None else [True] * len(flat)
        noise = self._noise.get(salt)
        out = []
        for i, (value, drop) in enumerate(zip(flat, dropped)):
            if not drop:
                out.append(value)
            elif noise is not None:
                kept = divide(value, keep_prob) * floor(keep_prob + noise[i])
                kept.set_shape(value.shape)
                out.append(kept)
            else:
                out.append(nn.dropout(value, keep_prob=keep_prob,
                                      seed=self._gen_seed(salt, i)))
        return nest.pack_sequence_as(values, out)

    def _wrap(self, inputs, state, scope):
        if _drops(self._input_keep_prob):
            inputs = self._dropout(convert_to_tensor(inputs), "input", self._input_keep_prob)
        output, new_state = self.cell(inputs, state, scope=scope)
        if _drops(self._state_keep_prob):
            dropped = _filtered(self._state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, dropped)
        if _drops(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state


def _keep_prob(value, what):
    """A float when the value is known while building (checked to be in [0, 1]), else the
    scalar tensor."""
    if isinstance(value, numbers.Real):
        known = value
    else:
        value = convert_to_tensor(value, name=what)
        known = static_value(value)
    if known is None:
        return value
    if not 0 <= float(known) <= 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"Parameter {what} must be between 0 and 1: {float(known)}")
    return float(known)


def _drops(keep_prob):
    return not isinstance(keep_prob, float) or keep_prob < 1


def _filtered(visitor, state):
    """Per leaf of ``state`` (in ``nest.flatten`` order), whether dropout applies to it:
    ``visitor`` answers True/False for a whole substate, or a tuple of answers for its
    parts, each True part being asked again."""
    answer = visitor(state)
    if not nest.is_sequence(state) or isinstance(state, dict):
        return [bool(answer)] * len(nest.flatten(state))
    answers = [answer] * len(state) if isinstance(answer, bool) else list(answer)
    out = []
    for part, keep_going in zip(state, answers):
        out += _filtered(visitor, part) if keep_going else [False] * len(nest.flatten(part))
    return out


class ResidualWrapper(_Wrapper):
    """The cell's output plus its input (``residual_fn(inputs, outputs)`` if given); the
    two must have the same structure and shapes."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _wrap(self, inputs, state, scope):
        outputs, new_state = self.cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, outputs), new_state
        inputs = nest.map_structure(convert_to_tensor, inputs)
        nest.assert_same_structure(inputs, outputs)

        def add(x, y):
            if not x.shape.is_compatible_with(y.shape):
                raise errors.at_user_line(
                    errors.ShapeError, f"ResidualWrapper adds the cell's input to its output, "
                    f"but their shapes differ: {x.shape} and {y.shape}")
            return x + y

        return nest.map_structure(add, inputs, outputs), new_state


class DeviceWrapper(_Wrapper):
    """Runs the cell (and makes its zero state) on ``device``."""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"), on_device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _wrap(self, inputs, state, scope):
        with on_device(self._device):
            return self.cell(inputs, state, scope=scope)
