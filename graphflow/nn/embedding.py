"""``nn.embedding_lookup``: rows of an embedding matrix, or of one split into shards, for
ids of any shape. A composite of gathers, so its gradient (dense: graphflow has no
``IndexedSlices``) and every backend come with them."""

from .. import dtypes, errors
from ..graph import control_dependencies, name_scope
from ..ops import elementwise as ew
from ..ops.clip import clip_by_norm
from ..ops.gather import check_indices, gather, scatter_add, where_indices
from ..ops.movement import concat, reshape
from ..ops.shape_ops import shape, size
from ..ops.sources import convert_to_tensor
from ..ops.sources import range as range_op


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """The rows of ``params`` at ``ids``: shape ``ids.shape + params.shape[1:]``.

    ``params`` is a tensor (or Variable), or a list of shards that together hold the rows,
    as TF1 splits them: with ``partition_strategy="mod"`` id ``i`` is row ``i // n`` of
    shard ``i % n``; with ``"div"`` the ids are split into contiguous blocks, the first
    ``total % n`` shards holding one row more. ``max_norm`` clips each looked-up embedding
    to that L2 norm. An id outside the table fails the run naming the op and the line.
    ``validate_indices`` is accepted and unused, as in TF1."""
    shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if params is None or not shards:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "embedding_lookup needs params: a tensor or a list of shards")
    with name_scope(name, "embedding_lookup") as scope:
        shards = [convert_to_tensor(p, name="params") for p in shards]
        ids = convert_to_tensor(ids, name="ids")
        if not ids.dtype.is_integer:
            raise errors.at_user_line(
                errors.DTypeError,
                f"embedding_lookup's ids must be int32 or int64, got {errors.describe(ids)}")
        if len(shards) == 1:
            out = gather(shards[0], ids)
        else:
            out = _sharded_lookup(shards, ids, partition_strategy)
        return ew.identity(_clip(out, ids, max_norm), name=scope)


def _sharded_lookup(shards, ids, strategy):
    """TF1's partitioned lookup: each id goes to a shard, each shard gathers its rows, and
    the rows are put back in the order of the ids."""
    n = len(shards)
    element = shards[0].shape[1:]
    for s in shards[1:]:
        try:
            element = element.merge_with(s.shape[1:])
        except ValueError:
            raise errors.at_user_line(
                errors.ShapeError, "embedding_lookup's shards must have rows of one shape, got "
                + ", ".join(f"{errors.describe(s)}" for s in shards)) from None
    flat = reshape(ids, [-1])
    if strategy == "mod":
        assignments, rows = flat % n, flat // n
    elif strategy == "div":
        total = _total_rows(shards, flat.dtype)
        flat = check_indices(flat, total, "embedding id")
        per, extras = total // n, total % n
        assignments = ew.maximum(flat // (per + 1), (flat - extras) // per)
        rows = ew.where(assignments < extras, flat % (per + 1), (flat - extras) % per)
    else:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"embedding_lookup's partition_strategy must be 'mod' or 'div', not {strategy!r}")
    pieces, positions = [], []
    for p, shard in enumerate(shards):
        at = reshape(where_indices(ew.equal(assignments, p)), [-1])  # positions of its ids
        pieces.append(gather(shard, gather(rows, at)))
        positions.append(at)
    # pieces hold the rows shard by shard: the inverse of that order puts them back
    order = concat(positions, 0)
    count = size(flat, out_type=dtypes.int64)
    inverse = scatter_add(range_op(ew.cast(0, dtypes.int64), count), order, reshape(count, [1]))
    out = gather(concat(pieces, 0), inverse)

    dims = convert_to_tensor(element.as_list(), dtypes.int32) if element.is_fully_defined() \
        else shape(shards[0])[1:]  # (a list, [] for 1-D shards, would be float32)
    out = reshape(out, concat([shape(ids), dims], 0))
    out.set_shape(ids.shape.concatenate(element))
    return out


def _total_rows(shards, dtype):
    """The number of rows of all shards (known statically when their first dims are)."""
    firsts = [s.shape[0] if s.shape.ndims else None for s in shards]
    if None not in firsts:
        if sum(firsts) < len(shards):  # TF1 divides by zero at run time
            raise errors.at_user_line(
                errors.InvalidArgumentError,
                f"embedding_lookup with partition_strategy='div' needs at least one row per "
                f"shard, got {sum(firsts)} rows in {len(shards)} shards")
        return convert_to_tensor(sum(firsts), dtype)
    total = ew.add_n([ew.cast(shape(s)[0], dtype) for s in shards])
    enough = check_indices(convert_to_tensor(len(shards) - 1, dtype), total,
                           "embedding_lookup with partition_strategy='div' needs a row per "
                           "shard: the last shard's index")
    with control_dependencies([enough.op]):
        return ew.identity(total)


def _clip(x, ids, max_norm):
    """Each embedding in ``x`` (the axes after those of ``ids``) clipped to ``max_norm``."""
    if max_norm is None:
        return x
    rank, ids_rank = x.shape.ndims, ids.shape.ndims
    if rank is not None and ids_rank is not None:
        return clip_by_norm(x, max_norm, list(range(ids_rank, rank)))
    # ranks known only at run time: one embedding per row of a matrix
    count = size(ids)
    rows = reshape(x, [count, size(x) // ew.maximum(count, 1)])
    return reshape(clip_by_norm(rows, max_norm, [1]), shape(x))
