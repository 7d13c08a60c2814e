"""Index-driven ops: gather and its transpose scatter_add, one_hot, where(condition), and
a run-time check that indices fall in range."""

import contextlib

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape, normalize_axis, run_axis
from .base import MOVEMENT, OpDef, Spec, require_dtype, static_ints, static_value
from .elementwise import BOOL, INT
from .shape_ops import rank as rank_of
from .shape_ops import shape
from .sources import convert_to_tensor, shape_tensor, static_shape_of


def _gather_infer(inputs, *, axis):
    params, indices = inputs
    require_dtype(indices, INT, "gather's indices")
    if params.shape.ndims is None or indices.shape.ndims is None:
        return Spec(TensorShape(None), params.dtype)
    dims = params.shape.dims
    return Spec(TensorShape(dims[:axis] + indices.shape.dims + dims[axis + 1:]), params.dtype)


def _gather_reference(params, indices, *, axis):
    _refuse_outside(indices, params.shape[run_axis(axis, params.ndim, "gather's axis")],
                    "gather")
    return np.take(params, indices, axis=axis)


def _refuse_outside(indices, n, what):
    """TF1's CPU error for the first index outside ``[0, n)``: none wraps, as NumPy would."""
    bad = (indices < 0) | (indices >= n)
    if bad.any():
        raise ValueError(f"{what} index {indices[bad].flat[0]} is not in [0, {n})")


GATHER = OpDef("GatherV2", MOVEMENT, _gather_infer, _gather_reference)


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Slices of ``params`` along ``axis`` at ``indices`` (any shape of ints).

    With ``batch_dims = b`` the first b axes of ``params`` and ``indices`` are batch axes
    (of equal sizes): each batch element gathers from its own slice of ``params``, and the
    result has shape ``params[:axis] + indices[b:] + params[axis + 1:]`` (``axis``, by
    default b, must be at least b)."""
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if batch_dims:
        return _batched_gather(params, indices, axis, batch_dims, name or "GatherV2")
    axis = normalize_axis(static_ints(0 if axis is None else axis, "gather's axis"),
                          params.shape.ndims)
    return GATHER(params, indices, axis=axis, name=name or "GatherV2")


def _batched_gather(params, indices, axis, batch_dims, name):
    """``gather`` with batch axes, composed of primitives (so its gradient and every
    backend come with them): the batch axes and the gathered axis are flattened into one,
    each batch element's indices offset to its own block of it."""
    from ..graph import control_dependencies, name_scope
    from .elementwise import abs, cast  # noqa: A004 (TF1's name)
    from .movement import concat, reshape, transpose
    from .reduce import reduce_max, reduce_prod
    from .sources import range as range_

    rank, index_rank = params.shape.ndims, indices.shape.ndims
    b = static_ints(batch_dims, "gather's batch_dims")
    # TF1: the axis defaults to batch_dims as given (-1 counts from params' last axis)
    axis = static_ints(b if axis is None else axis, "gather's axis")
    if b < 0 and index_rank is None:
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"gather's batch_dims ({b}) counts axes from the end "
            f"of indices: it needs indices of known rank, got {errors.describe(indices)}")
    axis = normalize_axis(axis, rank)  # negative while params' rank is unknown
    b = b + index_rank if b < 0 else b
    if b < 0 or 0 <= axis < b or index_rank is not None and b > index_rank or (
            rank is not None and b >= rank):
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"gather's batch_dims ({b}) must be at most axis ({axis}) and the rank of indices "
            f"({index_rank}), and less than the rank of params ({rank})")
    try:
        batch_shape = params.shape[:b].merge_with(indices.shape[:b])
    except ValueError:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"gather with batch_dims={b}: the batch axes of params {params.shape} and of "
            f"indices {indices.shape} differ") from None
    with name_scope(name):
        checks = []
        if not batch_shape.is_fully_defined():  # compared when the sizes are known
            gap = reduce_max(abs(shape(indices)[:b] - shape(params)[:b]))
            checks.append(check_indices(
                gap, 1, "gather with batch_dims: a batch size of indices differing from "
                        "params' by").op)
        if axis < 0 or axis != b and None in (rank, index_rank):
            if axis < 0:  # counted from the front, it must be in [b, rank)
                params_rank = rank_of(params)
                checks.append(check_indices(
                    params_rank + axis - b, params_rank - b,
                    f"gather's axis ({axis}) counted from the front minus batch_dims ({b}):").op)
            return _gather_as_rank4(params, indices, axis, b, checks)
        # the gathered axis right after the batch axes
        moved = params if axis == b else transpose(
            params, list(range(b)) + [axis] + [i for i in range(b, rank) if i != axis])
        dims, index_dims = shape(moved), shape(indices)
        size = dims[b]
        indices = check_indices(indices, cast(size, indices.dtype), "gather index")
        batch = reduce_prod(dims[:b])
        offsets = reshape(range_(cast(0, indices.dtype), cast(batch, indices.dtype)) *
                          cast(size, indices.dtype), [-1, 1])
        per_batch = reduce_prod(index_dims[b:])  # not -1: a batch may be empty
        with control_dependencies(checks):
            flat = reshape(reshape(indices, concat([[batch], [per_batch]], 0)) + offsets, [-1])
        rows = reshape(moved, concat([[batch * size], dims[b + 1:]], 0))
        out = reshape(GATHER(rows, flat, axis=0),
                      concat([dims[:b], index_dims[b:], dims[b + 1:]], 0))
        if axis != b:  # batch, indices, params before the axis, after it -> batch, before,
            q, before = index_rank - b, axis - b  # indices, after
            out = transpose(out, list(range(b))
                            + [b + q + i for i in range(before)]
                            + [b + i for i in range(q)]
                            + list(range(b + q + before, index_rank + rank - b - 1)))
        out.set_shape(batch_shape.concatenate(params.shape[b:axis]).concatenate(
            indices.shape[b:]).concatenate(params.shape[axis + 1:]))
        return out


def _gather_as_rank4(params, indices, axis, b, checks):
    """A batched gather on an axis after the batch axes, for params or indices of unknown
    rank: params as ``[batch, before, n, after]`` and indices as ``[batch, per batch
    element]``, whose ranks are known (the axis may count from the end)."""
    from ..graph import control_dependencies
    from .movement import concat, reshape, stack
    from .reduce import reduce_prod

    dims, index_dims = shape(params), shape(indices)
    after = dims[:0] if axis == -1 else dims[axis + 1:]
    blocks = reshape(params, stack([reduce_prod(dims[:b]), reduce_prod(dims[b:axis]),
                                    dims[axis], reduce_prod(after)]))
    with control_dependencies(checks):
        rows = reshape(indices, stack([reduce_prod(index_dims[:b]),
                                       reduce_prod(index_dims[b:])]))
    out = _batched_gather(blocks, rows, 2, 1, "rank4")
    return reshape(out, concat([dims[:axis], index_dims[b:], after], 0))


def _scatter_add_infer(inputs, *, axis):
    updates, indices, shape_t = inputs
    require_dtype(indices, INT, "scatter_add's indices")
    return Spec(static_shape_of(shape_t), updates.dtype)


def _scatter_add_reference(updates, indices, shape, *, axis):
    out = np.zeros(tuple(int(d) for d in shape), updates.dtype)
    axis = run_axis(axis, out.ndim)  # as given when the rank was unknown while building
    _refuse_outside(indices, out.shape[axis], "scatter_add")  # (np.add.at wraps -1)
    np.add.at(out, (slice(None),) * axis + (indices,), updates)
    return out


SCATTER_ADD = OpDef("ScatterAddNd", MOVEMENT, _scatter_add_infer, _scatter_add_reference,
                    shape_inputs=(2,))


def scatter_add(updates, indices, shape, axis=0, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` along ``axis`` (repeated
    indices accumulate): the transpose of ``gather``."""
    return SCATTER_ADD(updates, indices, shape_tensor(shape), axis=axis,
                       name=name or "ScatterAdd")


GATHER.gradient(lambda op, g: [scatter_add(g, op.inputs[1], shape(op.inputs[0]),
                                           op.attrs["axis"]), None])
SCATTER_ADD.gradient(lambda op, g: [gather(g, op.inputs[1], axis=op.attrs["axis"]), None, None])


def _one_hot_infer(inputs, *, depth, on_value, off_value, axis, dtype):
    (indices,) = inputs
    require_dtype(indices, INT, "one_hot's indices")
    if indices.shape.ndims is None:
        return Spec(TensorShape(None), dtype)
    dims = list(indices.shape.dims)
    dims.insert(len(dims) if axis == -1 else axis, depth)
    return Spec(TensorShape(dims), dtype)


def _one_hot_reference(indices, *, depth, on_value, off_value, axis, dtype):
    hot = indices[..., None] == np.arange(depth)
    out = np.where(hot, on_value, off_value).astype(dtype.np)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


ONE_HOT = OpDef("OneHot", MOVEMENT, _one_hot_infer, _one_hot_reference, differentiable=False)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A new axis of size ``depth``: ``on_value`` at each index, ``off_value`` elsewhere.

    The dtype is TF1's: ``dtype``, else that of ``on_value`` or ``off_value`` (``on_value=5``
    gives int32, ``"a"`` a string), else float32; the values must have it (TypeError
    otherwise, as in TF1: 1.5 is no int32, 5 and 0.5 are two dtypes)."""
    indices = convert_to_tensor(indices)
    want = None if dtype is None else dtypes.as_dtype(dtype)
    given = {what: _value_and_dtype(value, want, what) for what, value in
             (("on_value", on_value), ("off_value", off_value)) if value is not None}
    for what, (_, found) in given.items():
        if want is not None and found != want:
            raise errors.at_user_line(errors.DTypeError, f"one_hot's {what} is {found.name}, "
                                                         f"not the dtype {want.name} asked for")
    found = {d for _, d in given.values()}
    if len(found) > 1:
        raise errors.at_user_line(
            errors.DTypeError, f"one_hot's on_value is {given['on_value'][1].name} and its "
                               f"off_value {given['off_value'][1].name}: give them one dtype")
    dtype = want or (found.pop() if found else dtypes.float32)
    if dtype.is_string and len(given) < 2:
        raise errors.at_user_line(errors.DTypeError,
                                  "one_hot of strings needs both on_value and off_value")
    on = given["on_value"][0] if "on_value" in given else _value_and_dtype(1, dtype, "")[0]
    off = given["off_value"][0] if "off_value" in given else _value_and_dtype(0, dtype, "")[0]
    axis = -1 if axis is None else int(axis)
    if indices.shape.ndims is not None and axis != -1:
        axis = normalize_axis(axis, indices.shape.ndims + 1)
    return ONE_HOT(indices, depth=int(static_ints(depth, "one_hot's depth")),
                   on_value=on, off_value=off, axis=axis, dtype=dtype, name=name or "one_hot")


def _value_and_dtype(value, hint, what):
    """An on/off value as a Python scalar (bytes for strings) and its dtype: ``hint`` when it
    converts to it (TF1's dtype_hint), else its own."""
    if isinstance(value, Tensor):
        dtype, value = value.dtype, static_value(value)
        if value is None:
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"one_hot's {what} must be known while the graph "
                                             "is built")
    else:
        dtype = dtypes.infer_dtype(value)
        if hint is not None:
            with contextlib.suppress(TypeError, ValueError):
                dtypes.convert_value(value, hint)
                dtype = hint
    converted = dtypes.convert_value(value, dtype)
    if converted.ndim:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"one_hot's {what} must be a scalar, not {value!r:.40}")
    return converted.item(), dtype


def _where_infer(inputs):
    (cond,) = inputs
    require_dtype(cond, BOOL, "where's condition")
    return Spec(TensorShape([None, cond.shape.ndims]), dtypes.int64)


WHERE_INDICES = OpDef("Where", MOVEMENT, _where_infer,
                      lambda cond: np.argwhere(cond).astype(np.int64), differentiable=False)


def where_indices(condition, name=None):
    return WHERE_INDICES(condition, name=name or "Where")


def _check_indices_infer(inputs, *, what):
    indices, limit = inputs
    require_dtype(indices, INT, what)
    if limit.shape.ndims not in (0, 1, None):
        raise ValueError(f"the limit of {what} must be a scalar or a vector, not {limit.shape}")
    return Spec(indices.shape, indices.dtype)


def bad_row_message(what, position, row, limits):
    """The error of a row of indices (the last axis) that does not fit in ``limits``."""
    row = ", ".join(str(int(i)) for i in row)
    shape = ", ".join(str(int(n)) for n in limits)
    at = f"[{', '.join(str(int(i)) for i in position)}]" if len(position) else ""
    return f"{what}{at} = [{row}] does not index into shape [{shape}]"


def _check_indices_reference(indices, limit, *, what):
    bad = (indices < 0) | (indices >= limit)
    if bad.any():
        if limit.ndim:  # a limit per position along the last axis: report the whole row
            position = np.argwhere(bad)[0][:-1]
            raise ValueError(bad_row_message(what, position, indices[tuple(position)], limit))
        raise ValueError(f"{what} {indices[bad].ravel()[0]} is outside the valid range "
                         f"[0, {int(limit)})")
    return indices


# passes its indices through unchanged, or fails the run naming the first bad one
CHECK_INDICES = OpDef("CheckIndices", MOVEMENT, _check_indices_infer, _check_indices_reference,
                      shape_inputs=(1,), same_elements=True, differentiable=False)


def check_indices(indices, limit, what="index", name=None):
    """``indices`` unchanged if every one is in ``[0, limit)``; otherwise the run fails with
    an InvalidArgumentError naming the op and the line that created it. A vector ``limit``
    holds one limit per position along the indices' last axis (rows of coordinates, as
    gather_nd's), and the error names the whole row."""
    indices = convert_to_tensor(indices)
    return CHECK_INDICES(indices, convert_to_tensor(limit, indices.dtype), what=what,
                         name=name or "CheckIndices")
