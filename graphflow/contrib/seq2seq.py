"""``tf.contrib.seq2seq.sequence_loss``: weighted cross-entropy of a sequence of logits."""

from .. import errors, tf1_names
from ..graph import name_scope
from ..nn.ops import sparse_softmax_cross_entropy_with_logits
from ..ops import elementwise as ew
from ..ops.movement import reshape
from ..ops.reduce import reduce_sum
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor


def _div_no_nan(numerator, denominator):
    """``numerator / denominator``, 0 where the denominator is 0 (TF1's div_no_nan)."""
    zero = ew.equal(denominator, 0)
    safe = ew.where(zero, ew.ones_like(denominator), denominator)
    return ew.where(zero, ew.zeros_like(numerator * safe), numerator / safe)


def _count_nonzero(weights, axis=None):
    return reduce_sum(ew.cast(ew.not_equal(weights, 0), weights.dtype), axis=axis)


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Cross-entropy of ``logits`` [batch, time, classes] against int ``targets``
    [batch, time], times ``weights`` [batch, time] (0 masks a step out).

    ``average_across_*`` divide the sum along time and/or batch by the sum of the weights;
    ``sum_over_*`` divide it by the number of nonzero weights (a division by 0 gives 0).
    Both averaged or both summed: a scalar; else averaging along one axis (which wins over
    summing along the other, as TF1) or summing along one gives a vector over the other
    axis; none of them: the [batch, time] losses. ``softmax_loss_function(labels=,
    logits=)`` replaces the sparse softmax cross-entropy.
    """
    logits = convert_to_tensor(logits, name="logits")
    targets = convert_to_tensor(targets, name="targets")
    weights = convert_to_tensor(weights, logits.dtype, name="weights")
    for tensor, rank, what in ((logits, 3, "Logits"), (targets, 2, "Targets"),
                               (weights, 2, "Weights")):
        if tensor.shape.ndims not in (None, rank):
            raise errors.at_user_line(
                errors.ShapeError, f"{what} must be a [batch_size x sequence_length"
                f"{' x logits' if rank == 3 else ''}] tensor, got {errors.describe(tensor)}")
    for axis, average, add_up in (("timesteps", average_across_timesteps, sum_over_timesteps),
                                  ("batch", average_across_batch, sum_over_batch)):
        if average and add_up:
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"average_across_{axis} and sum_over_{axis} "
                "cannot be set to True at same time.")
    with name_scope(name, "sequence_loss"):
        classes = shape(logits)[2]
        flat_logits = reshape(logits, [-1, classes])
        flat_targets = reshape(targets, [-1])
        loss = softmax_loss_function or sparse_softmax_cross_entropy_with_logits
        crossent = loss(labels=flat_targets, logits=flat_logits) * reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return _div_no_nan(reduce_sum(crossent), reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            return _div_no_nan(reduce_sum(crossent), _count_nonzero(weights))
        crossent = reshape(crossent, shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return _div_no_nan(reduce_sum(crossent, axis=axis), reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            return _div_no_nan(reduce_sum(crossent, axis=axis), _count_nonzero(weights, axis))
        return crossent


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.contrib.seq2seq", __name__)  # a TF1 name we lack
