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


