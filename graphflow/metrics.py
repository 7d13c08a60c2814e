"""Streaming metrics (TF1's ``tf.metrics``): running totals kept in local variables.

Each metric returns ``(value, update_op)``: running ``update_op`` adds a batch to the
totals and gives the metric so far, including that batch; ``value`` reads the totals.
The totals are local variables (``gf.local_variables_initializer()`` resets them).
"""

from . import dtypes, errors, tf1_names
from .graph import GraphKeys, add_to_collection, name_scope
from .ops import elementwise as ew
from .ops.reduce import reduce_sum
from .ops.shape_ops import size
from .ops.sources import convert_to_tensor, zeros
from .ops.squeezing import remove_squeezable_dimensions
from .ops.state import Variable

METRIC_VARIABLES = "metric_variables"  # TF1's GraphKeys.METRIC_VARIABLES


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often ``predictions`` equals ``labels``, over every batch seen.

    Returns ``(accuracy, update_op)``: float32 scalars under the scope ``accuracy/``, with
    local variables ``total`` (sum of the weighted hits) and ``count`` (sum of the weights);
    ``weights`` (broadcast to the labels' shape) default to 1. 0 while ``count`` is 0.
    """
    with name_scope(name, "accuracy"):
        labels = convert_to_tensor(labels)
        predictions = convert_to_tensor(predictions)
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        if not predictions.shape.is_compatible_with(labels.shape):
            raise errors.at_user_line(
                errors.ShapeError, f"accuracy needs labels and predictions of one shape, got "
                f"{labels.shape} and {predictions.shape}")
        if predictions.dtype != labels.dtype:
            predictions = ew.cast(predictions, labels.dtype)
        hits = ew.cast(ew.equal(predictions, labels), dtypes.float32)
        return _streaming_mean(hits, weights, metrics_collections, updates_collections)


def _streaming_mean(values, weights, metrics_collections, updates_collections):
    """TF1's ``metrics.mean`` inside the caller's scope: sum(w * v) / sum(w) over batches."""
    total = _metric_variable("total")
    count = _metric_variable("count")
    if weights is None:
        batch_count = ew.cast(size(values), dtypes.float32)
    else:
        weights = ew.cast(convert_to_tensor(weights), dtypes.float32)
        _, weights = remove_squeezable_dimensions(values, weights)
        weights = weights * ew.ones_like(values)  # broadcast to the values' shape
        values = values * weights
        batch_count = reduce_sum(weights)
    update_total = total.assign_add(reduce_sum(values))
    update_count = count.assign_add(batch_count)
    value = _ratio_or_zero(total, count, name="value")
    update_op = _ratio_or_zero(update_total, update_count, name="update_op")
    for key in metrics_collections or ():
        add_to_collection(key, value)
    for key in updates_collections or ():
        add_to_collection(key, update_op)
    return value, update_op


def _metric_variable(name):
    return Variable(zeros([], dtypes.float32), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, METRIC_VARIABLES])


def _ratio_or_zero(numerator, denominator, name):
    """``numerator / denominator``, 0 where the denominator is not positive (TF1's
    ``div_no_nan(n, maximum(d, 0))``)."""
    positive = denominator > 0
    safe = ew.where(positive, denominator, ew.ones_like(denominator))
    return ew.where(positive, numerator / safe, ew.zeros_like(numerator), name=name)


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.metrics", __name__)  # a TF1 name we lack: say so
