"""Sources: constants, placeholders, and tensors made from a shape (zeros, fill, range, eye)."""

import builtins
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape, as_shape
from .base import DEFAULT, PLACEHOLDER, SOURCE, OpDef, Spec, require_dtype, static_value


def _const_infer(inputs, *, value, dtype):
    return Spec(TensorShape(value.shape), dtype)


CONST = OpDef("Const", SOURCE, _const_infer, lambda *, value, dtype: value, differentiable=False)


def _placeholder_infer(inputs, *, dtype, shape):
    return Spec(shape, dtype)


PLACEHOLDER_OP = OpDef("Placeholder", PLACEHOLDER, _placeholder_infer, differentiable=False)


def constant(value, dtype=None, shape=None, name="Const"):
    """A tensor with a fixed value (TF1 rules: Python float -> float32, int -> int32).

    With ``shape``, a scalar ``value`` is broadcast to it and a value with the same
    number of elements is reshaped to it.
    """
    try:
        dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.infer_dtype(value)
        arr = dtypes.convert_value(value, dtype)
    except TypeError as e:
        raise _conversion_error(value, e) from None
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=dtype.np)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise errors.ShapeError(
                f"constant: a value of shape {arr.shape} cannot be made shape {shape}")
    arr = np.array(arr, dtype=dtype.np)  # own copy: the graph's value never changes
    arr.flags.writeable = False
    return CONST(value=arr, dtype=dtype, name=name)


def placeholder(dtype, shape=None, name=None):
    """An input that must be fed at ``Session.run``; ``None`` dims take any size."""
    return PLACEHOLDER_OP(dtype=dtypes.as_dtype(dtype), shape=as_shape(shape),
                          name=name or "Placeholder")


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """A Tensor for ``value``: tensors pass through, lists holding tensors are stacked,
    anything else becomes a constant (of ``dtype`` if given)."""
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise _conversion_error(value, f"expected a {dtypes.as_dtype(dtype).name} tensor, "
                                           f"got {errors.describe(value)}")
        return value
    if isinstance(value, (list, tuple)) and _holds_tensor(value):
        from .movement import stack

        return stack([convert_to_tensor(v, dtype) for v in value], name=name or "packed")
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, preferred_dtype, name=name or "Const")
        except TypeError:
            pass
    return constant(value, dtype, name=name or "Const")


def _holds_tensor(value):
    return any(isinstance(v, Tensor) or (isinstance(v, (list, tuple)) and _holds_tensor(v))
               for v in value)


def _conversion_error(value, cause):
    loc = errors.user_location()
    where = f" at {loc}: {loc.code}" if loc else ""
    what = value.name if hasattr(value, "name") else f"{value!r:.80}"
    return errors.DTypeError(f"cannot use {what}{where}\n  {cause}")


def shape_tensor(shape):
    """A shape argument (list of ints, TensorShape, or int tensor) as an int32 tensor."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, Tensor):
        require_dtype(shape, "is_integer", "a shape argument")
        return shape
    return convert_to_tensor(shape, dtypes.int32, name="shape")


def static_shape_of(shape_t):
    """The TensorShape a shape tensor describes, as far as it is known statically: a
    constant, ``shape(x)``, and vectors put together from their elements and slices
    (``[tf.shape(x)[0], 784]``, ``concat([shape(x)[:1], [4]], 0)``) keep the dims known
    while building, as TF1's ``constant_value_as_shape`` does."""
    value = _partial_value(shape_t)
    if value is not None and value.ndim == 1:
        return TensorShape([int(d) if d >= 0 else None for d in value])
    n = shape_t.shape[0] if shape_t.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


_UNKNOWN = np.iinfo(np.int64).min  # an element of a shape vector that only the run knows


def _partial_value(t, depth=0):
    """An int tensor's value with ``_UNKNOWN`` for elements that only the run knows, when
    the tensor is ``shape(x)``, a constant, or made of those by stack, concat, slices and
    expand_dims: the ops TF1's shape inference reads there (not gather, reshape, squeeze or
    identity, so static shapes are never more specific than TF1's; tf.slice, one op with
    strided slices here, is read too); else None."""
    value = static_value(t)
    if value is not None:
        return np.asarray(value, np.int64)
    op = t.op
    if depth > 32 or not t.dtype.is_integer:
        return None
    from .indexing import STRIDED_SLICE
    from .movement import CONCAT, EXPAND_DIMS, PACK
    from .shape_ops import SHAPE_OP

    if op.opdef is SHAPE_OP:
        dims = op.inputs[0].shape.dims
        return None if dims is None else np.array([_UNKNOWN if d is None else d for d in dims],
                                                  np.int64)
    # only moved elements may be unknown (a slice's bounds are attrs, concat's axis too)
    if op.opdef not in (PACK, CONCAT, STRIDED_SLICE, EXPAND_DIMS):
        return None
    values = [_partial_value(x, depth + 1) for x in op.inputs]
    if any(v is None or np.size(v) > 64 for v in values):
        return None
    try:
        out = op.opdef.reference(*values, **op._attrs)
    except Exception:  # the run reports it, with the op and its line
        return None
    return np.asarray(out[t.value_index] if isinstance(out, (tuple, list)) else out, np.int64)


# -- tensors made from a shape ----------------------------------------------------------------

def _fill_infer(inputs):
    dims, value = inputs
    if value.shape.ndims not in (0, None):
        raise ValueError(f"fill's value must be a scalar, got shape {value.shape}")
    if dims.shape.ndims not in (1, None):
        raise ValueError(f"fill's dims must be a vector, got shape {dims.shape}")
    return Spec(static_shape_of(dims), value.dtype)


FILL = OpDef("Fill", SOURCE, _fill_infer,
             lambda dims, value: np.full(tuple(int(d) for d in dims), value, dtype=value.dtype),
             shape_inputs=(0,))


@FILL.gradient
def _fill_grad(op, g):
    from .reduce import reduce_sum

    return [None, reduce_sum(g)]


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with the scalar ``value``."""
    return FILL(shape_tensor(dims), convert_to_tensor(value), name=name or "Fill")


def zeros(shape, dtype=dtypes.float32, name=None):
    return fill(shape, constant(0, dtype), name=name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    return fill(shape, constant(1, dtype), name=name or "ones")


def _range_infer(inputs):
    for t in inputs:
        if t.shape.ndims not in (0, None):
            raise ValueError(f"range's start, limit and delta must be scalars, got {t.shape}")
    values = [static_value(t) for t in inputs]
    if all(v is not None for v in values):
        if values[2] == 0:
            raise ValueError("range's delta must not be zero")
        n = _range_length(*values)
    else:
        n = None
    return Spec(TensorShape([n]), inputs[0].dtype)


def _range_length(start, limit, delta):
    """The length of ``np.arange(start, limit, delta)``, without making it (range(2**40)
    would be 8 TiB; only its shape is wanted here)."""
    if all(np.issubdtype(np.asarray(v).dtype, np.integer) for v in (start, limit, delta)):
        return len(builtins.range(int(start), int(limit), int(delta)))
    try:
        estimate = math.ceil((float(limit) - float(start)) / float(delta))
    except (OverflowError, ValueError):  # inf or nan
        raise ValueError(f"range({start}, {limit}, {delta}) has no finite length") from None
    # NumPy's own count where it is small (its float rounding is the run's)
    return len(np.arange(start, limit, delta)) if estimate < 1 << 20 else max(0, estimate)


RANGE = OpDef("Range", SOURCE, _range_infer,
              lambda start, limit, delta: np.arange(start, limit, delta, dtype=start.dtype),
              differentiable=False)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 (TF1 name)
    """``[start, start+delta, ...)`` up to ``limit``; ``range(n)`` counts from 0."""
    if limit is None:
        start, limit = 0, start
    if dtype is None:
        args = (start, limit, delta)
        tensor_dtypes = [a.dtype for a in args if isinstance(a, Tensor)]
        if tensor_dtypes:
            dtype = tensor_dtypes[0]
        else:
            floats = any(dtypes.infer_dtype(a).is_floating for a in args)
            dtype = dtypes.float32 if floats else dtypes.int32
    args = [convert_to_tensor(a, dtype) for a in (start, limit, delta)]
    return RANGE(*args, name=name)


def _eye_infer(inputs, *, num_rows, num_columns, dtype):
    return Spec(TensorShape([num_rows, num_columns]), dtype)


EYE = OpDef("Eye", SOURCE, _eye_infer,
            lambda *, num_rows, num_columns, dtype: np.eye(num_rows, num_columns, dtype=dtype.np),
            differentiable=False)


def eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """The identity matrix (``num_rows`` x ``num_columns``)."""
    return EYE(num_rows=int(num_rows), num_columns=int(num_columns or num_rows),
               dtype=dtypes.as_dtype(dtype), name=name or "eye")


# -- a tensor with a default value ------------------------------------------------------------

def _with_default_infer(inputs, *, shape):
    (x,) = inputs
    if not shape.is_compatible_with(x.shape):
        raise ValueError(f"the default value's shape {x.shape} does not fit the shape {shape}")
    return Spec(shape, x.dtype)


PLACEHOLDER_WITH_DEFAULT = OpDef("PlaceholderWithDefault", DEFAULT, _with_default_infer,
                                 lambda x, *, shape: x)


@PLACEHOLDER_WITH_DEFAULT.gradient
def _with_default_grad(op, g):
    return [g]


def placeholder_with_default(input, shape, name=None):  # noqa: A002 (TF1 name)
    """A tensor that takes ``input``'s value unless it is fed. ``shape`` may be less
    specific than ``input``'s (``[None, 3]``): feeds are checked against it."""
    return PLACEHOLDER_WITH_DEFAULT(convert_to_tensor(input), shape=as_shape(shape),
                                    name=name or "PlaceholderWithDefault")
