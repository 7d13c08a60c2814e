"""Neural-network functions built from primitives, in numerically stable forms.

Each is a composite under its own name scope (``Softmax/...``): the graph shows
the primitives, autodiff needs no extra rules, and fusion sees plain elementwise ops.
"""

from .. import errors
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.movement import expand_dims, reshape
from ..ops.reduce import reduce_max, reduce_sum
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor, range

sigmoid = ew.sigmoid
tanh = ew.tanh


def relu(features, name=None):
    """``max(features, 0)``; its gradient is 0 at 0, as in TF1. (A primitive, not a
    composite: it is the most common activation, and its TF1 gradient differs from
    ``maximum``'s at the kink.)"""
    return ew.RELU(convert_to_tensor(features), name=name or "Relu")


def relu6(features, name=None):
    """``min(max(features, 0), 6)``."""
    with name_scope(name, "Relu6") as scope:
        # 6 first: at the tie x == 6 the gradient goes to the constant (TF1: 0 < x < 6)
        return ew.minimum(6, relu(features), name=scope)


def leaky_relu(features, alpha=0.2, name=None):
    """``x`` where positive, ``alpha * x`` elsewhere."""
    with name_scope(name, "LeakyRelu") as scope:
        x = convert_to_tensor(features)
        return ew.where(x > 0, x, x * alpha, name=scope)


def elu(features, name=None):
    """``x`` where positive, ``exp(x) - 1`` elsewhere."""
    with name_scope(name, "Elu") as scope:
        x = convert_to_tensor(features)
        return ew.where(x > 0, x, ew.expm1(ew.minimum(x, 0)), name=scope)


def _relu_and_neg_abs(x):
    """``max(x, 0)`` and ``-|x|`` chosen by one ``x >= 0`` test: finite for any x, and
    their gradients at 0 are 1 and -1, so softplus' slope there is sigmoid(0) = 0.5."""
    positive = x >= 0
    zeros = ew.zeros_like(x)
    return ew.where(positive, x, zeros), ew.where(positive, -x, x)


def softplus(features, name=None):
    """``log(1 + exp(x))``, as ``max(x, 0) + log1p(exp(-|x|))`` so it never overflows."""
    with name_scope(name, "Softplus") as scope:
        relu_x, neg_abs = _relu_and_neg_abs(convert_to_tensor(features))
        return ew.add(relu_x, ew.log1p(ew.exp(neg_abs)), name=scope)


def _shifted(logits, axis):
    """``logits - max(logits)`` along ``axis``: exp of it cannot overflow."""
    x = convert_to_tensor(logits)
    return x - ew.stop_gradient(reduce_max(x, axis=axis, keepdims=True))


def softmax(logits, axis=None, name=None, dim=None):
    """``exp(x) / sum(exp(x))`` along ``axis`` (default: the last)."""
    axis = _axis(axis, dim)
    with name_scope(name, "Softmax") as scope:
        e = ew.exp(_shifted(logits, axis))
        return ew.truediv(e, reduce_sum(e, axis=axis, keepdims=True), name=scope)


def log_softmax(logits, axis=None, name=None, dim=None):
    """``x - log(sum(exp(x)))`` along ``axis``, computed after subtracting the max."""
    axis = _axis(axis, dim)
    with name_scope(name, "LogSoftmax") as scope:
        s = _shifted(logits, axis)
        return ew.subtract(s, ew.log(reduce_sum(ew.exp(s), axis=axis, keepdims=True)), name=scope)


def _axis(axis, dim):
    return -1 if axis is None and dim is None else (axis if axis is not None else dim)


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias`` with the 1-D ``bias`` on the channel axis (last, or 1 for NC...)."""
    with name_scope(name, "BiasAdd") as scope:
        value, bias = convert_to_tensor(value), convert_to_tensor(bias)
        if bias.shape.ndims != 1:
            raise errors.at_user_line(
                errors.ShapeError, f"bias_add needs a 1-D bias, got shape {bias.shape}")
        if data_format is not None and data_format.startswith("NC"):
            rank = value.shape.ndims
            bias = reshape(bias, [-1] + [1] * (rank - 2))
        return ew.add(value, bias, name=scope)


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2``."""
    with name_scope(name, "L2Loss") as scope:
        t = convert_to_tensor(t)
        return ew.truediv(reduce_sum(ew.square(t)), 2, name=scope)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1, name=None, dim=None):
    """``-sum(labels * log_softmax(logits))`` along ``axis``; gradients reach labels too."""
    axis = dim if dim is not None else axis
    with name_scope(name, "softmax_cross_entropy_with_logits") as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, logits.dtype)
        return ew.negative(reduce_sum(labels * log_softmax(logits, axis=axis), axis=axis),
                           name=scope)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None, dim=None):
    """Like the v2 function, but no gradient flows into ``labels`` (TF1's older API)."""
    with name_scope(name, "softmax_cross_entropy_with_logits_sg"):
        labels = ew.stop_gradient(convert_to_tensor(labels))
        return softmax_cross_entropy_with_logits_v2(labels, logits, axis=axis, dim=dim)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Cross-entropy of integer class ``labels`` against ``logits`` (classes on the last
    axis, whose number may be known only at run time)."""
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits") as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        classes = ew.cast(shape(logits)[-1], labels.dtype)
        hot = ew.equal(expand_dims(labels, -1), range(ew.cast(0, labels.dtype), classes))
        picked = ew.cast(hot, logits.dtype) * log_softmax(logits)
        return ew.negative(reduce_sum(picked, axis=-1), name=scope)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """``max(x, 0) - x * z + log1p(exp(-|x|))`` for logits x and labels z."""
    with name_scope(name, "logistic_loss") as scope:
        x = convert_to_tensor(logits)
        z = convert_to_tensor(labels, x.dtype)
        relu_x, neg_abs = _relu_and_neg_abs(x)
        return ew.add(relu_x - x * z, ew.log1p(ew.exp(neg_abs)), name=scope)
