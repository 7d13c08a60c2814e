"""Reductions over axes (sum, mean, max, min, prod, any, all) and argmax/argmin."""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape, normalize_axes, normalize_axis
from .base import REDUCE, OpDef, Spec, require_dtype, static_ints
from .broadcast import broadcast_to
from .elementwise import BOOL, NUMERIC, SELECT, cast, equal, ones_like, zeros_like
from .movement import expand_dims, reshape
from .shape_ops import kept_shape, shape, size
from .sources import convert_to_tensor


def reduced_shape(shape, axes, keepdims):
    """The static shape after reducing ``axes`` (None = all) of ``shape``."""
    if shape.ndims is None:
        return TensorShape([]) if axes is None and not keepdims else TensorShape(None)
    if axes is None:
        axes = range(shape.ndims)
    if keepdims:
        return TensorShape([1 if i in axes else d for i, d in enumerate(shape.dims)])
    return TensorShape([d for i, d in enumerate(shape.dims) if i not in axes])


def _np_axis(axis):
    return None if axis is None else tuple(axis)


def reduction(type, reduce_fn, allowed=NUMERIC, differentiable=True, combine=None):
    """Declare a reduction: ``reduce_fn(x, axis, keepdims) -> array`` of x's dtype."""

    def infer(inputs, *, axis, keepdims):
        (x,) = inputs
        require_dtype(x, allowed, type)
        return Spec(reduced_shape(x.shape, axis, keepdims), x.dtype)

    def reference(x, *, axis, keepdims):
        out = reduce_fn(x, _np_axis(axis), keepdims)
        return np.asarray(out).astype(x.dtype, copy=False)

    return OpDef(type, REDUCE, infer, reference, differentiable=differentiable,
                 combine=combine)


def _mean(x, axis, keepdims):
    if x.dtype.kind == "f":
        return np.mean(x, axis=axis, keepdims=keepdims)
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
    count = max(x.size, 1) // max(np.size(total), 1) if x.size else 1
    return np.trunc(total / count)  # TF1 integer mean truncates toward zero


def _extreme(fn, which):
    def reduce(x, axis, keepdims):
        if x.size:  # every reduced axis is non-empty: no identity needed (finfo is slow)
            return fn(x, axis=axis, keepdims=keepdims)
        lim = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
        if x.dtype.kind == "f":
            initial = -np.inf if which == "max" else np.inf
        else:
            initial = lim.min if which == "max" else lim.max
        return fn(x, axis=axis, keepdims=keepdims, initial=initial)

    return reduce


SUM = reduction("Sum", lambda x, a, k: np.sum(x, axis=a, keepdims=k, dtype=x.dtype),
                combine=("({0} + {1})", "zero", None))
MEAN = reduction("Mean", _mean, combine=("({0} + {1})", "zero", "mean"))
MAX = reduction("Max", _extreme(np.max, "max"), combine=("maximum({0}, {1})", "lowest", None))
MIN = reduction("Min", _extreme(np.min, "min"), combine=("minimum({0}, {1})", "highest", None))
PROD = reduction("Prod", lambda x, a, k: np.prod(x, axis=a, keepdims=k, dtype=x.dtype),
                 combine=("({0} * {1})", "one", None))
ANY = reduction("Any", lambda x, a, k: np.any(x, axis=a, keepdims=k), BOOL, False,
                combine=("({0} | {1})", "false", None))
ALL = reduction("All", lambda x, a, k: np.all(x, axis=a, keepdims=k), BOOL, False,
                combine=("({0} & {1})", "true", None))


def _reduce_fn(opdef, default_name):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        x = convert_to_tensor(input_tensor)
        if axis is None:
            axis = reduction_indices
        keep = bool(keepdims if keepdims is not None else keep_dims)
        axes = normalize_axes(_static_axis(axis), x.shape.ndims)
        return opdef(x, axis=axes, keepdims=keep, name=name or default_name)

    fn.__name__ = default_name
    fn.__doc__ = (f"{opdef.type} of ``input_tensor`` over ``axis`` (int, list, or None for "
                  "all axes); ``keepdims`` keeps reduced axes as size 1.")
    return fn


def _static_axis(axis):
    return static_ints(axis, "the reduction axis") if isinstance(axis, Tensor) else axis


reduce_sum = _reduce_fn(SUM, "Sum")
reduce_mean = _reduce_fn(MEAN, "Mean")
reduce_max = _reduce_fn(MAX, "Max")
reduce_min = _reduce_fn(MIN, "Min")
reduce_prod = _reduce_fn(PROD, "Prod")
reduce_any = _reduce_fn(ANY, "Any")
reduce_all = _reduce_fn(ALL, "All")


def _arg_infer(inputs, *, axis, keepdims, output_type):
    (x,) = inputs
    require_dtype(x, NUMERIC, "argmax/argmin")
    if x.shape.ndims == 0:
        raise ValueError("argmax/argmin need a tensor of rank >= 1")
    return Spec(reduced_shape(x.shape, axis, False), output_type)


def _arg_op(type, fn):
    def reference(x, *, axis, keepdims, output_type):
        if not -x.ndim <= axis[0] < x.ndim:  # (a shape-less input: the axis was not checked)
            raise ValueError(f"{type}'s axis {axis[0]} is out of range for a value of shape "
                             f"{x.shape}")
        if x.shape[axis[0]] == 0:
            raise ValueError(f"{type} of an empty axis")
        return fn(x, axis=axis[0]).astype(output_type.np)

    return OpDef(type, REDUCE, _arg_infer, reference, differentiable=False)


ARGMAX = _arg_op("ArgMax", np.argmax)
ARGMIN = _arg_op("ArgMin", np.argmin)


def _arg_fn(opdef, default_name):
    def fn(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
        x = convert_to_tensor(input)
        if axis is not None and dimension is not None:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      "Cannot specify both 'dimension' and 'axis'")
        if axis is None:
            axis = 0 if dimension is None else dimension
        axis = normalize_axis(_static_axis(axis), x.shape.ndims)
        return opdef(x, axis=(axis,), keepdims=False, output_type=dtypes.as_dtype(output_type),
                     name=name or default_name)

    fn.__name__ = default_name
    fn.__doc__ = f"The index of the {default_name[3:].lower()} value along ``axis`` (default 0)."
    return fn


argmax = _arg_fn(ARGMAX, "ArgMax")
argmin = _arg_fn(ARGMIN, "ArgMin")


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002 (TF1 name)
    """TF1's older name of ``argmax``, with the axis called ``dimension`` (required)."""
    return argmax(input, dimension=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002 (TF1 name)
    """TF1's older name of ``argmin``, with the axis called ``dimension`` (required)."""
    return argmin(input, dimension=dimension, output_type=output_type, name=name)


# -- gradient rules -------------------------------------------------------------------------

def _kept(op, t):
    """``t`` (shaped like the reduction's output) with the reduced axes back as size 1."""
    axes = op.attrs["axis"]
    if op.attrs["keepdims"] or axes is None:  # all axes: a scalar broadcasts as the ones would
        return t
    if op.inputs[0].shape.ndims is None:  # where the axes go is known only at run time
        return reshape(t, kept_shape(op.inputs[0], axes))
    for a in sorted(axes):
        t = expand_dims(t, a)
    return t


def _spread(op, g):
    """The output gradient broadcast back over the reduced axes, to the input's shape."""
    return broadcast_to(_kept(op, g), shape(op.inputs[0]))


@SUM.gradient
def _sum_grad(op, g):
    return [_spread(op, g)]


@MEAN.gradient
def _mean_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    count = cast(size(x), g.dtype) / cast(size(y), g.dtype)
    return [_spread(op, g) / count]


def _extreme_grad(op, g):
    """``g`` shared equally among the elements that attained the max (or min)."""
    x = op.inputs[0]
    hit = cast(equal(x, _kept(op, op.outputs[0])), g.dtype)
    ties = reduce_sum(hit, axis=op.attrs["axis"], keepdims=True)
    return [hit / ties * _kept(op, g)]


MAX.gradient(_extreme_grad)
MIN.gradient(_extreme_grad)


@PROD.gradient
def _prod_grad(op, g):
    """d prod / d x_i is the product of the others; exact with zeros (0 or 1 of them)."""
    x, axis = op.inputs[0], op.attrs["axis"]
    is_zero = equal(x, zeros_like(x))
    nonzero = SELECT(is_zero, ones_like(x), x)
    zeros = reduce_sum(cast(is_zero, x.dtype), axis=axis, keepdims=True)
    others_if_zero = SELECT(equal(zeros, ones_like(zeros)),
                            reduce_prod(nonzero, axis=axis, keepdims=True), zeros_like(zeros))
    others = SELECT(is_zero, others_if_zero, _kept(op, op.outputs[0]) / nonzero)
    return [others * _kept(op, g)]
