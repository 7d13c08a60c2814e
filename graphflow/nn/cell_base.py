"""TF1's RNN cell protocol (``tf.nn.rnn_cell.RNNCell``): ``cell(inputs, state)`` gives
``(output, new_state)``; ``state_size``, ``output_size``, ``zero_state``.

A cell is a layer: its first call captures a variable scope of its own (the snake_case
class name made unique, ``basic_lstm_cell``, ``basic_lstm_cell_1``..., or ``name``, or the
``scope`` argument), makes its variables there with ``get_variable`` (``build``), and every
later call reuses them, whatever scope it is called in. So the variables of a cell that
``static_rnn`` runs inside ``variable_scope("rnn")`` are ``rnn/basic_lstm_cell/kernel``, as in
TF1, and a checkpoint's names match TF1's. The ops of every call go in the name scope that
the cell's scope first opened.
"""

import collections
import re

from .. import dtypes, errors, nest
from ..graph import GraphKeys, Tensor, get_default_graph, name_scope
from ..initializers import Zeros
from ..ops import elementwise as ew
from ..ops.movement import stack
from ..ops.sources import convert_to_tensor, zeros
from ..shapes import as_shape
from ..variable_scope import get_variable, variable_scope


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM's state ``(c, h)``: the memory cell and the hidden state (the output)."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise errors.at_user_line(errors.DTypeError, f"Inconsistent dtypes for internal "
                                      f"state: {c.dtype.name} vs {h.dtype.name}")
        return c.dtype


def _snake_case(name):
    """``BasicLSTMCell`` -> ``basic_lstm_cell``: a break before each capitalized word and
    between a lowercase letter and a capital."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


class RNNCell:
    """An RNN cell: subclasses give ``state_size``, ``output_size``, ``call(inputs, state)``
    and, when they have variables, ``build(inputs_shape)`` (which calls ``add_variable``)."""

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, **kwargs):
        if kwargs:
            raise errors.at_user_line(errors.DTypeError, f"{type(self).__name__} got "
                                      f"unexpected arguments {sorted(kwargs)}")
        self.trainable = trainable
        self._name = name
        self._base_name = name or _snake_case(type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._reuse = _reuse
        self._scope = self._graph = None
        self._variables = []
        self.built = False

    @property
    def state_size(self):
        """An int, a TensorShape, or a nested tuple of them (``LSTMStateTuple(n, n)``)."""
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def name(self):
        return self._scope.name.rsplit("/", 1)[-1] if self._scope else self._base_name

    @property
    def dtype(self):
        return self._dtype

    @property
    def scope_name(self):
        return self._scope.name if self._scope else None

    def build(self, inputs_shape):
        """Make the variables (once, on the first call, in the cell's variable scope);
        ``call`` may also make them with ``get_variable``, as TF1's cells may."""

    def call(self, inputs, state):
        raise NotImplementedError

    def __call__(self, inputs, state, scope=None):
        """``(output, new_state)`` for one step; ``scope`` names the cell's variable scope
        on its first call (later calls keep the first scope, as TF1)."""
        inputs = convert_to_tensor(inputs, name="inputs")
        graph = get_default_graph().root  # (called inside a loop or cond: its graph's)
        if self._scope is None:
            self._scope, self._graph = self._capture_scope(scope), graph
        elif graph is not self._graph:
            raise errors.at_user_line(errors.InvalidArgumentError, f"cell {self.name!r} was "
                                      "built in another graph")
        reuse = True if self.built else self._reuse
        made = len(graph.get_collection_ref(GraphKeys.GLOBAL_VARIABLES))
        # (the name scope of the graph the ops go into: a loop's body, when called in one)
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False), \
                get_default_graph().name_scope(self._scope.original_name_scope):
            if not self.built:
                _check_float("inputs", inputs)
                if self._dtype is None:
                    self._dtype = inputs.dtype
                self.build(inputs.shape)
                self.built = True
            state = nest.map_structure(lambda s: convert_to_tensor(s, name="state"), state)
            for s in nest.flatten(state):
                _check_float("state", s)
            result = self.call(inputs, state)
        # variables ``call`` made with get_variable are the cell's too (not an optimizer's
        # slots made later under the same scope)
        prefix = self._scope.name + "/"
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)[made:]:
            if v.op.name.startswith(prefix) and all(v is not f for f in self._variables):
                self._variables.append(v)
        return result

    def _capture_scope(self, scope):
        if scope is not None:
            captured = variable_scope(scope)
        elif self._reuse:
            captured = variable_scope(self._base_name)
        else:
            captured = variable_scope(None, default_name=self._base_name)
        with captured as found:
            return found

    def add_variable(self, name, shape, dtype=None, initializer=None, regularizer=None,
                     trainable=None, **kwargs):
        """``get_variable(name)`` in the cell's scope, recorded in ``variables``; TF1's
        ``Layer.add_variable`` (``add_weight``) arguments, in its order. ``dtype`` None: the
        cell's; ``initializer`` None: the scope's, else glorot_uniform; a cell that is not
        trainable makes none of its variables trainable."""
        trainable = self.trainable and (trainable is None or trainable)
        var = get_variable(name, shape, dtype or self._dtype, initializer, regularizer,
                           trainable=trainable, **kwargs)
        if all(var is not v for v in self._variables):
            self._variables.append(var)
        return var

    add_weight = add_variable

    @property
    def variables(self):
        """The variables ``build`` made, then any ``call`` made with ``get_variable``."""
        return list(self._variables)

    @property
    def trainable_variables(self):
        if not self.trainable or self._graph is None:
            return []
        trainable = self._graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        return [v for v in self.variables if any(v is t for t in trainable)]

    weights = variables
    trainable_weights = trainable_variables

    def zero_state(self, batch_size, dtype):
        """Zeros shaped ``[batch_size] + s`` for each ``s`` in ``state_size``;
        ``batch_size`` may be an int or a scalar int tensor."""
        with name_scope(type(self).__name__ + "ZeroState"):
            return nest.map_structure(lambda size: zeros_for_batch(batch_size, size, dtype),
                                      self.state_size)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """``zero_state``, with batch size and dtype taken from ``inputs`` if given."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            static = inputs.shape[0] if inputs.shape.ndims else None
            batch_size = static if static is not None else _batch_of(inputs)
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "batch_size and dtype cannot be None while "
                f"constructing initial state: batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)


def _batch_of(x):
    from ..ops.shape_ops import shape

    return shape(x)[0]


def zeros_for_batch(batch_size, size, dtype):
    """Zeros of shape ``[batch_size] + size`` with the static shape known as far as can be."""
    inner = as_shape(size).as_list()
    if isinstance(batch_size, Tensor):
        batch = ew.cast(batch_size, dtypes.int32) if batch_size.dtype != dtypes.int32 \
            else batch_size
        out = zeros(stack([batch] + inner), dtype)
        out.set_shape([None] + inner)
        return out
    return zeros([int(batch_size)] + inner, dtype)


def _check_float(what, t):
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise errors.at_user_line(
            errors.DTypeError, f"RNN cell only supports floating point inputs, but received "
            f"dtype: {t.dtype.name} (the {what}, {errors.describe(t)})")


def check_like_cell(what, cell):
    """TypeError unless ``cell`` has the RNN cell protocol."""
    missing = [m for m in ("output_size", "state_size", "zero_state")
               if not _has(cell, m)] + ([] if callable(cell) else ["__call__"])
    if missing:
        raise errors.at_user_line(errors.DTypeError, f"The argument {what!r} ({cell!r}) is "
                                  f"not an RNNCell: it lacks {', '.join(missing)}")


def _has(obj, attribute):
    try:
        getattr(obj, attribute)
    except (AttributeError, NotImplementedError):
        return False
    return True


ZEROS = Zeros()  # TF1's bias initializer; initializers hold no state
