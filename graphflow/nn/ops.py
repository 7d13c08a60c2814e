"""Neural-network functions built from primitives, in numerically stable forms.

Each is a composite under its own name scope (``Softmax/...``): the graph shows
the primitives, autodiff needs no extra rules, and fusion sees plain elementwise ops.
"""

import numbers

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from ..ops import elementwise as ew
from ..ops.broadcast import broadcast_to, sum_to
from ..ops.checks import check_shape
from ..ops.custom import custom_gradient
from ..ops.gather import check_indices
from ..ops.linalg import matmul
from ..ops.movement import concat, expand_dims, reshape, squeeze
from ..ops.random import random_uniform
from ..ops.reduce import reduce_max, reduce_mean, reduce_sum
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor, range
from ..shapes import TensorShape, broadcast_shapes

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
        if bias.shape.ndims is None:  # a vector at run time: then value keeps its shape
            bias = reshape(bias, [-1])
        if bias.shape.ndims != 1:
            raise errors.at_user_line(
                errors.ShapeError, f"bias_add needs a 1-D bias, got shape {bias.shape}")
        value, bias = _bias_fits(value, bias, 1 if data_format and data_format.startswith(
            "NC") else -1)
        if data_format is not None and data_format.startswith("NC"):
            rank = value.shape.ndims
            bias = reshape(bias, [-1] + [1] * (rank - 2) if rank is not None else concat(
                [[-1], ew.ones_like(shape(value)[2:])], 0))  # a 1 per axis after the channels
        return ew.add(value, bias, name=scope)


def _bias_fits(value, bias, axis):
    """TF1's BiasAdd wants a value of rank 2 or more with as many channels (on ``axis``) as
    the bias has elements: checked while building where the shapes tell, else when run
    (the add alone would broadcast a [n, 1] value to [n, k])."""
    rank, size = value.shape.ndims, bias.shape.dims[0]
    channels = None if rank is None or rank < 2 else value.shape.dims[axis]
    if rank is not None and rank < 2 or None not in (channels, size) and channels != size:
        raise errors.at_user_line(
            errors.ShapeError, f"bias_add needs a value of rank 2 or more with one channel "
                               f"per element of the bias: value {value.name!r} of shape "
                               f"{value.shape}, bias {bias.name!r} of shape {bias.shape}")
    if rank is None:
        value = check_shape(value, min_rank=2,
                            what="bias_add needs a value of rank 2 or more, not shape {shape}")
    if channels is None or size is None:
        bias = check_shape(bias, shape(value)[axis:axis + 1 or None],
                           what="bias_add needs one bias per channel of the value, {dims}, "
                                "not a bias of shape {shape}")
    return value, bias


def xw_plus_b(x, weights, biases, name=None):
    """``matmul(x, weights) + biases``, the bias on the last axis (TF1's dense layer step)."""
    with name_scope(name, "xw_plus_b") as scope:
        return bias_add(matmul(x, weights), biases, name=scope)


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
        if labels.shape.ndims is None and logits.shape.ndims is not None:
            labels = broadcast_to(labels, shape(logits))  # TF1 infers the loss from logits
        return _cross_entropy(labels, logits, axis, scope)


def _named_only(function, sentinel, labels, logits):
    """TF1 takes labels and logits of the cross-entropies by name only: TF 0.x's order was
    ``(logits, labels)``, and such a call, taken positionally, would train on swapped roles."""
    if sentinel is not None:
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"Only call `{function}` with named arguments "
                                         "(labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"{function} needs both labels= and logits=")


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """Like the v2 function, but no gradient flows into ``labels`` (TF1's older API).
    Labels and logits are taken by name only, as in TF1."""
    _named_only("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    axis = dim if axis is None else axis
    with name_scope(name, "softmax_cross_entropy_with_logits_sg"):
        labels = ew.stop_gradient(convert_to_tensor(labels))
        return softmax_cross_entropy_with_logits_v2(labels, logits, axis=axis)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """Cross-entropy of integer class ``labels`` against ``logits`` (classes on the last
    axis, whose number may be known only at run time); arguments by name only (TF1)."""
    _named_only("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits") as scope:
        logits = convert_to_tensor(logits)
        labels = _labels_fit(convert_to_tensor(labels), logits)
        classes = ew.cast(shape(logits)[-1], labels.dtype)
        labels = check_indices(labels, classes, "label")  # TF1 fails the run, never drops one
        hot = ew.equal(expand_dims(labels, -1), range(ew.cast(0, labels.dtype), classes))
        return _cross_entropy(hot, logits, -1, scope)


def _labels_fit(labels, logits):
    """Sparse labels have the logits' shape without its last axis (TF1's rule): checked
    while building where the shapes tell, else when run (labels [n, 1] against logits
    [n, k] would broadcast to a [n, n] loss)."""
    lr, gr = labels.shape.ndims, logits.shape.ndims
    if None not in (lr, gr) and (lr != gr - 1 or not labels.shape.is_compatible_with(
            TensorShape(logits.shape.dims[:-1]))):
        raise errors.at_user_line(
            errors.ShapeError, f"sparse softmax cross-entropy needs labels of the logits' "
                               f"shape without its last axis: labels {labels.name!r} of shape "
                               f"{labels.shape}, logits {logits.name!r} of shape {logits.shape}")
    if labels.shape.is_fully_defined() and logits.shape.is_fully_defined():
        return labels
    checked = check_shape(labels, shape(logits)[:-1],
                          what="sparse softmax cross-entropy needs labels of the logits' shape "
                               "without its last axis, {dims}, not {shape}")
    if gr is not None:  # TF1: the loss has that shape
        checked.set_shape(TensorShape(logits.shape.dims[:-1]))
    return checked


def _cross_entropy(labels, logits, axis, name):
    """``-sum(labels * log_softmax(logits))`` with TF1's gradients, which are its fused
    op's: ``(softmax - labels) * g`` for the logits (the derivative when each row of labels
    sums to 1, as TF1 assumes) and ``-log_softmax * g`` for the labels. Derived op by op,
    the logits' gradient took a dozen small steps (each a kernel launch on a GPU).
    ``labels`` may be the bool one-hot of sparse labels: the loss then picks each row's
    log-probability instead of multiplying (a -inf logit elsewhere in the row stays out)."""
    one_hot = labels.dtype == dtypes.bool_

    def forward(z, p):
        with name_scope("LogSoftmax"):  # log_softmax's ops, whose parts the gradient reuses
            shifted = _shifted(z, axis)
            exp = ew.exp(shifted)
            total = reduce_sum(exp, axis=axis, keepdims=True)
            log_total = ew.log(total)
        if one_hot:
            picked = reduce_sum(ew.where(p, shifted, ew.zeros_like(shifted)), axis=axis)
            loss = squeeze(log_total, [axis]) - picked
        else:
            loss = ew.negative(reduce_sum(p * (shifted - log_total), axis=axis))

        def grad(g):  # (each summed back to its input's shape when the two broadcast)
            g = expand_dims(g, axis)
            target = ew.cast(p, z.dtype) if one_hot else p
            dz = sum_to((exp / total - target) * g, shape(z))
            return dz, None if one_hot else sum_to((log_total - shifted) * g, shape(p))

        return loss, grad

    return custom_gradient(forward, name=name)(logits, labels)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """``max(x, 0) - x * z + log1p(exp(-|x|))`` for logits x and labels z (by name only)."""
    _named_only("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "logistic_loss") as scope:
        x = convert_to_tensor(logits)
        z = convert_to_tensor(labels, x.dtype)
        relu_x, neg_abs = _relu_and_neg_abs(x)
        return ew.add(relu_x - x * z, ew.log1p(ew.exp(neg_abs)), name=scope)


# -- dropout and normalization ----------------------------------------------------------------

def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Keep each element with probability ``keep_prob`` (``1 - rate``) and scale what is
    kept by ``1 / keep_prob``; dropped elements become 0 (TF1's ``nn.dropout``).

    Give exactly one of ``keep_prob`` and ``rate``; either may be a scalar tensor (a
    placeholder lets one graph train and evaluate). ``noise_shape`` is the shape of the
    random mask, broadcast against ``x`` (``[n, 1]`` drops whole rows); ``None`` entries
    take ``x``'s size there. A fresh mask is drawn each run (TF1 seeding).
    """
    if keep_prob is not None and rate is not None:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "dropout takes keep_prob or rate, not both")
    if keep_prob is None and rate is None:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "dropout needs a rate (or keep_prob) to drop elements with")
    with name_scope(name, "dropout") as scope:
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise errors.at_user_line(
                errors.DTypeError, f"dropout scales x, so x must be a float tensor, got "
                                   f"{x.dtype.name} ({x.name})")
        if rate is not None:
            if _is_number(rate):
                _check_fraction(rate, "rate", upper_open=True)
                if rate == 0:
                    return x
            rate = _scalar_tensor(rate, x.dtype, "rate")
            keep_prob = ew.subtract(1, rate, name="keep_prob")
        else:
            if _is_number(keep_prob):
                _check_fraction(keep_prob, "keep_prob", upper_open=False)
                if keep_prob == 1:
                    return x
            keep_prob = _scalar_tensor(keep_prob, x.dtype, "keep_prob")
            rate = ew.subtract(1, keep_prob, name="rate")
        draw = random_uniform(_noise_shape(x, noise_shape), dtype=x.dtype, seed=seed)
        kept = ew.cast(ew.greater_equal(draw, rate), x.dtype)
        if not _broadcasts_into(kept.shape, x.shape):
            # a noise_shape known less well than x: TF1 keeps x's shape, so the mask must
            # broadcast into x (checked by the run)
            kept = broadcast_to(kept, shape(x))
        return ew.multiply(ew.truediv(x, keep_prob), kept, name=scope)


def _broadcasts_into(small, big):
    """True if ``small`` is known to broadcast to exactly ``big`` (False if they clash: the
    op using them reports it)."""
    try:
        return broadcast_shapes(small, big) == big
    except ValueError:
        return False


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_fraction(value, what, upper_open):
    if not (0 <= value < 1 if upper_open else 0 < value <= 1):
        bounds = "[0, 1)" if upper_open else "(0, 1]"
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"dropout's {what} must be in {bounds}, got {value}")


def _scalar_tensor(value, dtype, what):
    t = convert_to_tensor(value, dtype, name=what)
    if t.shape.ndims is None:  # a scalar at run time (else the run fails): x keeps its shape
        t = reshape(t, [], name=what)
    if t.shape.ndims != 0:
        raise errors.at_user_line(errors.ShapeError,
                                  f"dropout's {what} must be a scalar, got shape {t.shape}")
    return t


def _noise_shape(x, noise_shape):
    """The mask's shape: ``x``'s, or ``noise_shape`` with None entries taken from ``x``."""
    if noise_shape is None:
        return x.shape.as_list() if x.shape.is_fully_defined() else shape(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape.as_list() if isinstance(noise_shape, TensorShape) else noise_shape)
    if x.shape.ndims is not None and len(dims) != x.shape.ndims:
        raise errors.at_user_line(
            errors.ShapeError, f"dropout's noise_shape {dims} does not have x's rank "
                               f"{x.shape.ndims} (x: {x.name}, shape {x.shape})")
    for i, d in enumerate(dims):
        if d is None:
            dims[i] = x.shape[i] if x.shape.ndims is not None and x.shape[i] is not None \
                else shape(x)[i]
    return dims


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """``(mean, variance)`` of ``x`` over ``axes``; the variance is the mean squared
    deviation from the mean (computed around the mean, not as ``E[x^2] - E[x]^2``).
    ``shift`` is accepted and unused, as in TF1. float16 is computed in float32."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments"):
        x = convert_to_tensor(x)
        y = ew.cast(x, dtypes.float32) if x.dtype == dtypes.float16 else x
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        # stop_gradient: the deviations sum to zero, so the mean's path adds nothing
        variance = reduce_mean(ew.square(y - ew.stop_gradient(mean)), axes, keepdims=True,
                               name="variance")
        if not keep:
            mean = squeeze(mean, axes)
            variance = squeeze(variance, axes)
        if y is not x:
            mean, variance = ew.cast(mean, x.dtype), ew.cast(variance, x.dtype)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale * (x - mean) / sqrt(variance + eps) + offset``, computed as TF1 does:
    ``x * inv + (offset - mean * inv)`` with ``inv = rsqrt(variance + eps) * scale``.
    ``offset`` and ``scale`` may be None (0 and 1)."""
    with name_scope(name, "batchnorm"):
        x = convert_to_tensor(x)
        mean = convert_to_tensor(mean, x.dtype)
        inv = ew.rsqrt(convert_to_tensor(variance, x.dtype) + variance_epsilon)
        if scale is not None:
            inv = inv * convert_to_tensor(scale, x.dtype)
        shift = -mean * inv if offset is None else convert_to_tensor(offset, x.dtype) - mean * inv
        return x * inv + shift
