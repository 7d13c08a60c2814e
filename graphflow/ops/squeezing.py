"""TF1's squeezing of a trailing size-1 axis (labels ``[n, 1]`` against predictions ``[n]``)
for losses and metrics: decided while building when the ranks are known, else when run
(TF1 puts a ``cond`` around the squeeze; here the shape is computed in the graph)."""

from .. import dtypes
from .elementwise import cast, equal
from .gather import gather
from .movement import reshape, squeeze
from .shape_ops import rank, shape
from .sources import range as range_


def squeeze_last_where(x, condition):
    """``x`` without its last axis (of size 1) if the scalar bool ``condition`` holds when
    run, else ``x`` (a last axis of another size fails the run)."""
    return reshape(x, gather(shape(x), range_(rank(x) - cast(condition, dtypes.int32))))


def may_squeeze(t):
    """Whether ``t`` may have a last axis of size 1."""
    return t.shape.ndims is None or t.shape.ndims > 0 and t.shape.dims[-1] in (1, None)


def remove_squeezable_dimensions(labels, predictions, expected_rank_diff=0):
    """Drop the last axis of ``predictions`` if its rank exceeds the labels' by
    ``expected_rank_diff + 1``, or of ``labels`` if it exceeds it by
    ``expected_rank_diff - 1`` (TF1's rule)."""
    lr, pr = labels.shape.ndims, predictions.shape.ndims
    if lr is not None and pr is not None:
        if pr - lr == expected_rank_diff + 1 and may_squeeze(predictions):
            predictions = squeeze(predictions, [-1])
        elif pr - lr == expected_rank_diff - 1 and may_squeeze(labels):
            labels = squeeze(labels, [-1])
        return labels, predictions
    gap = rank(predictions) - rank(labels)
    if may_squeeze(predictions):
        predictions = squeeze_last_where(predictions, equal(gap, expected_rank_diff + 1))
    if may_squeeze(labels):
        labels = squeeze_last_where(labels, equal(gap, expected_rank_diff - 1))
    return labels, predictions
