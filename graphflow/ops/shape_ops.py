"""Shape queries: ops whose value depends only on their input's shape."""

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .base import SHAPE, OpDef, Spec
from .sources import convert_to_tensor


def _shape_op(type, fn, out_shape):
    def infer(inputs, *, out_type):
        return Spec(out_shape(inputs[0].shape), out_type)

    return OpDef(type, SHAPE, infer, lambda x, *, out_type: np.asarray(fn(x), out_type.np),
                 differentiable=False)


SHAPE_OP = _shape_op("Shape", np.shape, lambda s: TensorShape([s.ndims]))
SIZE = _shape_op("Size", np.size, lambda s: TensorShape([]))
RANK = _shape_op("Rank", np.ndim, lambda s: TensorShape([]))


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002 (TF1 name)
    """The shape of ``input`` as a 1-D int tensor, known at run time (``None`` dims too)."""
    return SHAPE_OP(convert_to_tensor(input), out_type=dtypes.as_dtype(out_type),
                    name=name or "Shape")


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002 (TF1 name)
    """The number of elements of ``input`` as a scalar int tensor."""
    return SIZE(convert_to_tensor(input), out_type=dtypes.as_dtype(out_type), name=name or "Size")


def rank(input, name=None):  # noqa: A002 (TF1 name)
    return RANK(convert_to_tensor(input), out_type=dtypes.int32, name=name or "Rank")


def _kept_shape(x, *, axis, out_type):
    rank = np.ndim(x)
    if any(not -rank <= a < rank for a in axis):
        raise ValueError(f"axis {list(axis)} is out of range for a tensor of rank {rank}")
    kept = {a % rank for a in axis}
    return np.asarray([1 if i in kept else d for i, d in enumerate(np.shape(x))], out_type.np)


def _kept_shape_infer(inputs, *, axis, out_type):
    return Spec(TensorShape([inputs[0].shape.ndims]), out_type)


# The shape a reduction over ``axis`` has with keepdims (TF1's reduced_shape): reduction
# gradients reshape their output gradient to it when only the run knows the input's rank
KEPT_SHAPE = OpDef("ReducedShape", SHAPE, _kept_shape_infer, _kept_shape,
                   differentiable=False)


def kept_shape(input, axis, name=None):  # noqa: A002
    """``shape(input)`` with the dims in ``axis`` (ints, negative counted from the end) as 1."""
    return KEPT_SHAPE(convert_to_tensor(input), axis=tuple(int(a) for a in axis),
                      out_type=dtypes.int32, name=name or "ReducedShape")
