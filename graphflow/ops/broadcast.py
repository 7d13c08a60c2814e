"""broadcast_to and its transpose sum_to: the pair that moves gradients across broadcasting.

``sum_to(g, shape)`` sums the dims that broadcasting added or stretched, so
gradient rules of broadcasting ops never deal with shapes themselves: the autodiff
driver applies it in one place.  Both take the target shape as an int tensor, so
they work with ``None`` dims whose sizes are known only at run time.
"""

import numpy as np

from ..shapes import broadcast_shapes
from .base import MOVEMENT, REDUCE, OpDef, Spec, require_dtype
from .elementwise import INT
from .shape_ops import shape
from .sources import convert_to_tensor, shape_tensor, static_shape_of


def _broadcast_to_infer(inputs):
    x, shape_t = inputs
    require_dtype(shape_t, INT, "broadcast_to's shape")
    target = static_shape_of(shape_t)
    broadcast_shapes(x.shape, target)  # raises if they cannot broadcast
    return Spec(target, x.dtype)


BROADCAST_TO = OpDef("BroadcastTo", MOVEMENT, _broadcast_to_infer,
                     lambda x, s: np.broadcast_to(x, tuple(int(d) for d in s)),
                     shape_inputs=(1,))


def broadcast_to(input, shape, name=None):  # noqa: A002 (TF1 name)
    """``input`` repeated along broadcast dims to ``shape`` (NumPy broadcasting)."""
    return BROADCAST_TO(convert_to_tensor(input), shape_tensor(shape),
                        name=name or "BroadcastTo")


def _sum_to_infer(inputs):
    g, shape_t = inputs
    return Spec(static_shape_of(shape_t), g.dtype)


def _sum_to_reference(g, target):
    target = tuple(int(d) for d in target)
    if g.shape == target:
        return g
    lead = g.ndim - len(target)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(target) if d == 1 and g.shape[lead + i] != 1)
    return np.sum(g, axis=axes, keepdims=True, dtype=g.dtype).reshape(target)


SUM_TO = OpDef("SumToShape", REDUCE, _sum_to_infer, _sum_to_reference, shape_inputs=(1,))


def sum_to(g, target_shape, name=None):
    """Sum ``g`` over the dims broadcasting added to reach it from ``target_shape``."""
    return SUM_TO(g, shape_tensor(target_shape), name=name or "SumToShape")


@BROADCAST_TO.gradient
def _broadcast_to_grad(op, g):
    return [sum_to(g, shape(op.inputs[0])), None]


@SUM_TO.gradient
def _sum_to_grad(op, g):
    return [broadcast_to(g, shape(op.inputs[0])), None]
