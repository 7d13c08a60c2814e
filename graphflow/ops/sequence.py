"""``reverse_sequence``: reverse the first ``seq_lengths[b]`` steps of each batch element,
composed from a batched gather (its gradient is the same reversal)."""

from .. import dtypes, errors
from ..graph import name_scope
from .elementwise import cast, identity, less, where
from .gather import gather
from .movement import expand_dims, transpose
from .shape_ops import shape
from .sources import convert_to_tensor
from .sources import range as range_


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """``input`` with, for each ``b`` along ``batch_axis``, the first ``seq_lengths[b]``
    slices along ``seq_axis`` in reverse order and the rest as they were (TF1)."""
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim or 0)
    with name_scope(name, "ReverseSequence") as scope:
        x = convert_to_tensor(input, name="input")
        rank = x.shape.ndims
        if seq_axis is None or rank is None:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "reverse_sequence needs seq_axis and an input "
                f"of known rank, got seq_axis={seq_axis}, {errors.describe(x)}")
        seq_axis, batch_axis = seq_axis % rank, batch_axis % rank
        if seq_axis == batch_axis:
            raise errors.at_user_line(errors.InvalidArgumentError, "reverse_sequence's "
                                      f"seq_axis and batch_axis are both {seq_axis}")
        # batch first, sequence second: a gather with one batch axis along axis 1 reverses
        perm = [batch_axis, seq_axis] + [a for a in range(rank) if a not in (batch_axis,
                                                                            seq_axis)]
        moved = transpose(x, perm) if perm != list(range(rank)) else x
        lengths = expand_dims(cast(seq_lengths, dtypes.int32), 1)  # [B, 1]
        steps = expand_dims(range_(shape(moved)[1]), 0)  # [1, T]
        reversed_steps = lengths - 1 - steps  # [B, T]
        source = where(less(steps, lengths), reversed_steps, steps + 0 * lengths)
        out = gather(moved, source, axis=1, batch_dims=1)
        if perm != list(range(rank)):
            inverse = [perm.index(a) for a in range(rank)]
            out = transpose(out, inverse)
        out = identity(out, name=scope)
        out.set_shape(x.shape)
        return out
