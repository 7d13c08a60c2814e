"""TensorArray: a list of tensors in the graph, for values made one per loop iteration.

As in TF1, a ``TensorArray`` is a Python object around one graph tensor (dtype
``variant``) whose value is a host list of arrays (``TensorList``); ``write`` and
``unstack`` return a new TensorArray whose tensor depends on the write, so loops carry
it as a loop variable. Every index is written once (TF1's rule, checked).

Gradients flow through TensorArrays as TensorLists of gradients, entries missing where
the gradient is zero: a ``read`` hands back a list with one entry, a ``stack`` the rows
of its gradient, and ``write``/``unstack`` pass the list on and take their values out.
"""

import numpy as np

from .. import errors
from ..dtypes import as_dtype, int32, variant
from ..graph import get_default_graph
from ..shapes import TensorShape, as_shape
from .base import CONTAINER, OpDef, Spec
from .shape_ops import shape as shape_of
from .sources import convert_to_tensor


class TensorList:
    """The value of a TensorArray tensor: ``items`` (arrays, None where not written), the
    element ``dtype`` (NumPy), ``dynamic`` (grows on writes past its end)."""

    __slots__ = ("items", "dtype", "dynamic", "element_shape")

    def __init__(self, size, dtype, dynamic=False, element_shape=None):
        self.items, self.dtype, self.dynamic = [None] * size, dtype, dynamic
        self.element_shape = element_shape  # TensorShape: what every element must fit

    def write(self, i, value, what):
        if i < 0 or i >= len(self.items) and not self.dynamic:
            raise IndexError(f"{what}: index {i} is out of range for a TensorArray of size "
                             f"{len(self.items)}")
        if i >= len(self.items):
            self.items.extend([None] * (i + 1 - len(self.items)))
        if self.items[i] is not None:
            raise ValueError(f"{what}: could not write to TensorArray index {i} because it "
                             "has already been written to")
        value = np.array(value, self.dtype)  # a copy: the value may be a buffer a plan reuses
        if self.element_shape is not None and not self.element_shape.is_compatible_with(
                value.shape):
            raise ValueError(f"{what}: could not write to TensorArray index {i}: the value's "
                             f"shape {list(value.shape)} is not the elements' "
                             f"{self.element_shape}")
        self.items[i] = value

    def read(self, i, what):
        if i < 0 or i >= len(self.items):
            raise IndexError(f"{what}: tried to read from index {i} but the TensorArray's "
                             f"size is {len(self.items)}")
        if self.items[i] is None:  # zeros if the elements' shape is known (TF1's rule)
            shape = self.written_shape()
            if shape is None:
                raise ValueError(f"{what}: could not read from TensorArray index {i} because "
                                 "it has not yet been written to")
            return np.zeros(shape, self.dtype)
        return self.items[i]

    def written_shape(self):
        """The elements' shape: a written element's, else the declared one if fully known."""
        for item in self.items:
            if item is not None:
                return item.shape
        if self.element_shape is not None and self.element_shape.is_fully_defined():
            return tuple(self.element_shape.as_list())
        return None


def box(value):
    """A host object as a 0-d object array: how values travel between steps."""
    out = np.empty((), object)
    out[()] = value
    return out


def unbox(array):
    return array[()] if isinstance(array, np.ndarray) else array


class GradientList:
    """The gradient of a TensorArray tensor: ``entries`` {index: array}, zeros elsewhere
    (a read's gradient has one entry: sparse, so a loop of n reads sums in O(n))."""

    __slots__ = ("entries",)

    def __init__(self, entries):
        self.entries = entries


def gradient_list(entries):
    """A GradientList of copies of ``entries`` {index: array}."""
    return GradientList({int(i): np.array(g) for i, g in entries.items()})


def add_lists(a, b, in_place=False):
    """The entrywise sum of two gradient lists; ``in_place``: into ``a`` (a sum made
    earlier, no one else's)."""
    a, b = unbox(a), unbox(b)
    out = a if in_place else GradientList(dict(a.entries))
    for i, g in b.entries.items():
        x = out.entries.get(i)
        out.entries[i] = g if x is None else x + g
    return box(out)


# -- the ops ------------------------------------------------------------------------------
def _handle():
    return Spec(TensorShape([]), variant)


CREATE = OpDef("TensorArrayV3", CONTAINER,
               lambda inputs, **attrs: _handle(),
               lambda size, *, dtype, element_shape, dynamic_size: box(TensorList(
                   int(size), dtype.np, dynamic_size, element_shape)),
               differentiable=False)


def _write(ta, index, value):
    tl = unbox(ta)
    tl.write(int(index), value, "write")
    return box(tl)


def _read(ta, index, *, dtype, element_shape):
    return unbox(ta).read(int(index), "read")


WRITE = OpDef("TensorArrayWriteV3", CONTAINER, lambda inputs, **attrs: _handle(), _write)
READ = OpDef("TensorArrayReadV3", CONTAINER,
             lambda inputs, *, dtype, element_shape: Spec(element_shape, dtype), _read)


def _stack(ta, *, dtype, element_shape):
    tl = unbox(ta)
    items = [tl.read(i, "stack") for i in range(len(tl.items))]
    if not items:
        if element_shape.is_fully_defined():
            return np.zeros((0, *element_shape.as_list()), dtype.np)
        raise ValueError(f"stack: cannot stack an empty TensorArray whose element shape "
                         f"({element_shape}) is not fully known")
    return np.stack(items)


def _gather(ta, indices, *, dtype, element_shape):
    tl = unbox(ta)
    items = [tl.read(int(i), "gather") for i in np.ravel(indices)]
    if not items:
        return np.zeros((0, *(element_shape.as_list() or ())), dtype.np)
    return np.stack(items).reshape(np.shape(indices) + items[0].shape)


def _rows_spec(lead):
    return lambda inputs, *, dtype, element_shape: Spec(
        as_shape([lead(inputs)]).concatenate(element_shape), dtype)


STACK = OpDef("TensorArrayStack", CONTAINER, _rows_spec(lambda inputs: None), _stack)
GATHER = OpDef("TensorArrayGatherV3", CONTAINER,
               _rows_spec(lambda inputs: inputs[1].shape.dims[0]
                          if inputs[1].shape.ndims == 1 else None), _gather)


def _scatter(ta, indices, value, what="scatter"):
    tl = unbox(ta)
    value = np.asarray(value)
    if len(np.ravel(indices)) != (value.shape[0] if value.ndim else -1):
        raise ValueError(f"{what}: {len(np.ravel(indices))} indices for a value of shape "
                         f"{list(value.shape)}")
    for k, i in enumerate(np.ravel(indices)):
        tl.write(int(i), value[k], what)
    return box(tl)


def _unstack(ta, value):
    value = np.asarray(value)
    if value.ndim == 0:
        raise ValueError("unstack: cannot unstack a scalar")
    return _scatter(ta, np.arange(value.shape[0]), value, "unstack")


SCATTER = OpDef("TensorArrayScatterV3", CONTAINER, lambda inputs, **attrs: _handle(), _scatter)
UNSTACK = OpDef("TensorArrayUnstack", CONTAINER, lambda inputs, **attrs: _handle(), _unstack)
SIZE = OpDef("TensorArraySizeV3", CONTAINER, lambda inputs: Spec(TensorShape([]), int32),
             lambda ta: np.int32(len(unbox(ta).items)), differentiable=False)


# -- gradients ----------------------------------------------------------------------------
# a gradient list with entries at ``indices`` (a scalar: one entry), rows of ``values``
def _spread(indices, values):
    rows = np.reshape(values, (-1, *np.shape(values)[np.ndim(indices):]))
    entries = {}
    for i, row in zip(np.ravel(indices), rows):  # an index gathered twice: its rows add up
        i = int(i)
        entries[i] = entries[i] + row if i in entries else np.array(row)
    return box(GradientList(entries))


SPREAD = OpDef("TensorArrayGradSpread", CONTAINER, lambda inputs: _handle(), _spread,
               differentiable=False)
# rows of a gradient list at ``indices``, shaped like the value ``shape`` says, zeros where
# no gradient came
PICK = OpDef("TensorArrayGradPick", CONTAINER,
             lambda inputs, *, dtype, like: Spec(like, dtype),
             lambda g, indices, shape, *, dtype, like: _pick(unbox(g), indices, shape, dtype),
             differentiable=False)
# the sum of two gradient lists (autodiff's add_n for variant tensors)
ADD_LISTS = OpDef("TensorArrayGradAdd", CONTAINER, lambda inputs: _handle(),
                  lambda a, b: add_lists(a, b), differentiable=False)
EMPTY = OpDef("TensorArrayGradZeros", CONTAINER, lambda inputs: _handle(),
              lambda: box(gradient_list({})), differentiable=False)


def _pick(tl, indices, shape, dtype):
    shape = tuple(int(d) for d in shape)
    indices = np.asarray(indices)
    row = shape[indices.ndim:]
    flat = np.ravel(indices)
    out = np.zeros((len(flat), *row), dtype.np)
    for k, i in enumerate(flat):
        g = tl.entries.get(int(i))
        if g is not None:
            out[k] = g
    return out.reshape(shape)


@WRITE.gradient
def _write_grad(op, g):
    if g is None:
        return [None, None, None]
    value = op.inputs[2]
    return [g, None, PICK(g, op.inputs[1], shape_of(value), dtype=value.dtype,
                          like=value.shape)]


@READ.gradient
def _read_grad(op, g):
    return [SPREAD(op.inputs[1], g), None]


@STACK.gradient
def _stack_grad(op, g):
    n = shape_of(g)[0]
    from .sources import range as range_op
    return [SPREAD(range_op(n), g)]


@GATHER.gradient
def _gather_grad(op, g):
    return [SPREAD(op.inputs[1], g), None]


@SCATTER.gradient
def _scatter_grad(op, g):
    value = op.inputs[2]
    return [g, None, PICK(g, op.inputs[1], shape_of(value), dtype=value.dtype,
                          like=value.shape)]


@UNSTACK.gradient
def _unstack_grad(op, g):
    value = op.inputs[1]
    from .sources import range as range_op
    indices = range_op(shape_of(value)[0])
    return [g, PICK(g, indices, shape_of(value), dtype=value.dtype, like=value.shape)]


def element_dtype(t):
    """The element dtype of the TensorArray whose tensor is ``t``, if the graph says it
    (None: a placeholder standing for one, in a body)."""
    while t.op.opdef in (WRITE, SCATTER, UNSTACK):
        t = t.op.inputs[0]
    return t.op._attrs["dtype"] if t.op.opdef is CREATE else None


def add_gradient_lists(terms):
    """The sum of variant gradient terms (autodiff)."""
    total = terms[0]
    for t in terms[1:]:
        total = ADD_LISTS(total, t)
    return total


def zero_gradient_list():
    return EMPTY()


# -- the TF1 class ------------------------------------------------------------------------
class TensorArray:
    """TF1's ``tf.TensorArray(dtype, size=0, dynamic_size=False, ...)``: see the module
    docstring. ``handle``/``flow`` are its graph tensor."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = as_dtype(dtype)
        self._element_shape = as_shape(element_shape)
        self._infer_shape = infer_shape
        self._dynamic = bool(dynamic_size)
        handle = flow if handle is None else handle
        if handle is None:
            if size is None:
                raise errors.at_user_line(errors.InvalidArgumentError,
                                          "TensorArray needs a size (or a handle)")
            size = convert_to_tensor(size, int32)
            handle = CREATE(size, dtype=self._dtype, element_shape=self._element_shape,
                            dynamic_size=self._dynamic,
                            name=name or tensor_array_name or "TensorArray")
        self._handle = handle

    @classmethod
    def _wrap(cls, like, handle, element_shape=None):
        ta = object.__new__(cls)
        ta._dtype, ta._infer_shape, ta._dynamic = like._dtype, like._infer_shape, like._dynamic
        ta._element_shape = like._element_shape if element_shape is None else element_shape
        ta._handle = handle
        return ta

    dtype = property(lambda self: self._dtype)
    handle = property(lambda self: self._handle)
    flow = property(lambda self: self._handle)
    element_shape = property(lambda self: self._element_shape)
    dynamic_size = property(lambda self: self._dynamic)

    def _merged(self, shape):
        """The element shape after a write of ``shape`` (TF1's infer_shape)."""
        if not self._infer_shape:
            return self._element_shape
        try:
            return self._element_shape.merge_with(shape)
        except ValueError:
            raise errors.at_user_line(
                errors.ShapeError, f"TensorArray elements have shape {self._element_shape}, "
                f"the value written has shape {shape}") from None

    def write(self, index, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        shape = self._merged(value.shape)
        with get_default_graph().name_scope(name or "TensorArrayWrite"):  # (TF1's names)
            handle = WRITE(self._handle, convert_to_tensor(index, int32), value,
                           name="TensorArrayWriteV3")
        return TensorArray._wrap(self, handle, shape)

    def read(self, index, name=None):
        return READ(self._handle, convert_to_tensor(index, int32), name=name or
                    "TensorArrayReadV3", dtype=self._dtype, element_shape=self._element_shape)

    def stack(self, name=None):
        with get_default_graph().name_scope(name or "TensorArrayStack"):  # (TF1's names)
            return STACK(self._handle, name="TensorArrayGatherV3", dtype=self._dtype,
                         element_shape=self._element_shape)

    def gather(self, indices, name=None):
        return GATHER(self._handle, convert_to_tensor(indices, int32),
                      name=name or "TensorArrayGatherV3", dtype=self._dtype,
                      element_shape=self._element_shape)

    def unstack(self, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        shape = self._merged(value.shape[1:]) if value.shape.ndims else self._element_shape
        return TensorArray._wrap(self, UNSTACK(self._handle, value,
                                               name=name or "TensorArrayUnstack"), shape)

    def scatter(self, indices, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        shape = self._merged(value.shape[1:]) if value.shape.ndims else self._element_shape
        return TensorArray._wrap(self, SCATTER(self._handle, convert_to_tensor(indices, int32),
                                               value, name=name or "TensorArrayScatter"),
                                 shape)

    def size(self, name=None):
        return SIZE(self._handle, name=name or "TensorArraySize")

    def identity(self):
        return self

    def close(self, name=None):
        from .control import no_op
        return no_op(name=name or "TensorArrayClose")

    def __repr__(self):
        return f"<gf.TensorArray dtype={self._dtype.name} element_shape={self._element_shape}>"
