"""``gf.losses``: TF1's loss functions with weights and reductions, composed from ``nn`` ops.

Each loss computes a per-element loss, then ``compute_weighted_loss`` multiplies it by
``weights`` (a scalar, or a tensor that broadcasts to the loss's shape), reduces it as
``reduction`` says and adds the result to the ``GraphKeys.LOSSES`` collection.

One deliberate difference from TF1: TF1 computes every loss in float32 (float64
inputs give a float32 loss); here a float64 loss stays float64, so gradients can be
checked tightly. Other dtypes are computed in float32, as in TF1.
"""

import numbers

from . import dtypes, errors, tf1_names
from .graph import GraphKeys, Tensor, add_to_collection, get_collection, name_scope
from .nn import ops as nn
from .ops import elementwise as ew
from .ops.broadcast import broadcast_to
from .ops.movement import squeeze
from .ops.reduce import reduce_sum
from .ops.shape_ops import rank, shape, size
from .ops.sources import convert_to_tensor
from .ops.squeezing import may_squeeze, remove_squeezable_dimensions, squeeze_last_where


class Reduction:
    """How ``compute_weighted_loss`` reduces the weighted per-element losses."""

    NONE = "none"  # the weighted losses, unreduced
    SUM = "weighted_sum"  # their sum
    MEAN = "weighted_mean"  # sum / sum of the weights (broadcast to the loss shape)
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"  # sum / number of elements
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"  # sum / number of nonzero weights
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"invalid reduction {key!r}; use one of gf.losses.Reduction")


# -- weighting and reduction ------------------------------------------------------------------

def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``losses * weights`` reduced by ``reduction``; divisions by a zero count give 0.
    The result (of ``losses``' dtype) is added to ``loss_collection`` if given."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss"):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        if input_dtype not in (dtypes.float32, dtypes.float64):
            losses = ew.cast(losses, dtypes.float32)
        weights_t = _weights(weights, losses)
        weighted = ew.multiply(losses, weights_t)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _div_no_nan(loss, reduce_sum(ew.ones_like(losses) * weights_t))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _div_no_nan(loss, _num_present(losses, weights, weights_t))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _div_no_nan(loss, _num_elements(losses))
        loss = ew.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _weights(weights, losses):
    """``weights`` as a tensor of the losses' dtype, checked to broadcast to their shape
    (TF1: a scalar, or the losses' rank with each dimension 1 or equal)."""
    w = convert_to_tensor(weights)
    if w.dtype != losses.dtype:
        w = ew.cast(w, losses.dtype)
    wr, lr = w.shape.ndims, losses.shape.ndims
    if wr == 0:
        return w
    if wr is None or lr is None:  # checked by the run (TF1 asserts it there)
        return broadcast_to(w, shape(losses))
    fits = wr == lr and all(a is None or b is None or a in (1, b)
                            for a, b in zip(w.shape.dims, losses.shape.dims))
    if not fits:
        raise errors.at_user_line(
            errors.ShapeError, f"weights of shape {w.shape} cannot be broadcast to the losses' "
                               f"shape {losses.shape}: give a scalar or the losses' rank, "
                               "with each dimension 1 or equal")
    return w


def _div_no_nan(numerator, denominator):
    """``numerator / denominator``, or 0 where the denominator is 0 (with finite gradients)."""
    zero = ew.equal(denominator, 0)
    safe = ew.where(zero, ew.ones_like(denominator), denominator)
    return ew.where(zero, ew.zeros_like(numerator), numerator / safe, name="value")


def _num_elements(losses):
    return ew.cast(size(losses), losses.dtype, name="num_elements")


def _num_present(losses, weights, weights_t):
    """The number of losses whose (broadcast) weight is nonzero."""
    if isinstance(weights, numbers.Real) and weights != 0:
        return _num_elements(losses)
    with name_scope(None, "num_present"):
        present = ew.cast(ew.not_equal(weights_t, 0), losses.dtype)
        return reduce_sum(present * ew.ones_like(losses))


# -- the losses -------------------------------------------------------------------------------

def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``|predictions - labels|``."""
    with name_scope(scope, "absolute_difference") as scope:
        labels, predictions = _pair(labels, predictions, "predictions")
        losses = ew.abs(predictions - labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``(predictions - labels) ** 2``."""
    with name_scope(scope, "mean_squared_error") as scope:
        labels, predictions = _pair(labels, predictions, "predictions")
        losses = ew.square(predictions - labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``max(0, 1 - y * logits)`` with labels in {0, 1} taken as y in {-1, 1}."""
    with name_scope(scope, "hinge_loss") as scope:
        labels, logits = _pair(labels, logits, "logits")
        signs = 2 * labels - 1
        losses = nn.relu(1 - signs * logits)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted sigmoid cross-entropy; ``label_smoothing`` moves labels towards 1/2:
    ``labels * (1 - s) + s / 2``."""
    with name_scope(scope, "sigmoid_cross_entropy_loss") as scope:
        logits = convert_to_tensor(logits)
        labels = ew.cast(convert_to_tensor(multi_class_labels), logits.dtype)
        _check_compatible(labels, logits, "multi_class_labels", "logits")
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted softmax cross-entropy over the last axis (one loss per example);
    ``label_smoothing`` s gives labels ``onehot * (1 - s) + s / num_classes``. No gradient
    flows into the labels."""
    with name_scope(scope, "softmax_cross_entropy_loss") as scope:
        logits = convert_to_tensor(logits)
        labels = ew.cast(convert_to_tensor(onehot_labels), logits.dtype)
        _check_compatible(labels, logits, "onehot_labels", "logits")
        if label_smoothing > 0:
            num_classes = ew.cast(shape(labels)[-1], logits.dtype)
            labels = labels * (1 - label_smoothing) + label_smoothing / num_classes
        labels = ew.stop_gradient(labels, name="labels_stop_gradient")
        losses = nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted cross-entropy of integer class ``labels`` (shape ``[batch]``, or
    ``[batch, 1]``) against ``logits`` ``[batch, classes]``."""
    with name_scope(scope, "sparse_softmax_cross_entropy_loss") as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        labels, logits = remove_squeezable_dimensions(labels, logits, expected_rank_diff=1)
        weights = _squeeze_weights(_tensor_or_number(weights), labels)
        losses = nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                             name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _squeeze_weights(weights, labels):
    """Weights with one more axis than the labels lose it (TF1)."""
    if not isinstance(weights, Tensor):
        return weights
    lr, wr = labels.shape.ndims, weights.shape.ndims
    if lr is not None and wr is not None:
        return squeeze(weights, [-1]) if wr == lr + 1 else weights
    if may_squeeze(weights):
        return squeeze_last_where(weights, ew.equal(rank(weights) - rank(labels), 1))
    return weights


def _pair(labels, predictions, what):
    """Labels and predictions as float tensors of one dtype (the predictions', or float32).
    (TF1 squeezes a trailing size-1 axis of sparse labels and of the metrics' inputs, not
    here: mean_squared_error([n, 1], [n]) is refused, or broadcast if the ranks are
    unknown, as in TF1.)"""
    predictions = convert_to_tensor(predictions)
    if not predictions.dtype.is_floating:
        predictions = ew.cast(predictions, dtypes.float32)
    labels = ew.cast(convert_to_tensor(labels), predictions.dtype)
    _check_compatible(labels, predictions, "labels", what)
    return labels, predictions


def _tensor_or_number(weights):
    return weights if isinstance(weights, numbers.Real) else convert_to_tensor(weights)


def _check_compatible(labels, other, label_name, other_name):
    if not labels.shape.is_compatible_with(other.shape):
        raise errors.at_user_line(
            errors.ShapeError, f"{label_name} of shape {labels.shape} do not match "
                               f"{other_name} of shape {other.shape}")


# -- the LOSSES collection --------------------------------------------------------------------

def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Add ``loss`` to ``loss_collection`` (nothing if the collection is None)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in ``loss_collection`` (those whose names match ``scope``, if given)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The tensors in ``GraphKeys.REGULARIZATION_LOSSES``."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or a float32 0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return ew.add_n(losses, name=name)
    return convert_to_tensor(0.0, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of ``get_losses()`` and (by default) the regularization losses."""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "get_total_loss found no losses in the collections")
    return ew.add_n(losses, name=name)


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.losses", __name__)  # a TF1 name we lack: say so
