"""N-dimensional indices: ``gather_nd``, ``scatter_nd`` and ``sparse_to_dense``.

A row of ``indices`` (its last axis, K coordinates) names a slice of a tensor's first K
axes. ``gather_nd`` and ``scatter_nd`` are composites: each row becomes its position in
those K axes flattened into one, and ``gather`` / ``scatter_add`` along that axis do the
rest. So each one's gradient is the other, as in TF1, and every backend runs them with the
kernels it has. A row outside the shape fails the run naming the row (TF1's CPU kernels
check too). ``sparse_to_dense`` is an op of its own: its checks (rows sorted and unique)
and TF1's "the last of repeated rows wins" are no composite; its gradient is a gather_nd.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import control_dependencies, name_scope
from .base import MOVEMENT, OpDef, Spec, require_dtype, static_ints
from .broadcast import broadcast_to, sum_to
from .elementwise import INT, abs, cast, less, where  # noqa: A004 (TF1's name)
from .gather import check_indices, gather, scatter_add
from .movement import concat, expand_dims, reshape
from .reduce import reduce_max, reduce_prod, reduce_sum
from .shape_ops import shape as shape_of
from .shape_ops import size
from .sources import convert_to_tensor, shape_tensor, static_shape_of
from .sources import range as range_

I64 = dtypes.int64


def _refuse(cls, message):
    raise errors.at_user_line(cls, message)


def _index_tensor(indices, what):
    indices = convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        _refuse(errors.DTypeError, f"{what} needs int32 or int64 indices, got "
                                   f"{indices.dtype.name} ({indices.name})")
    if indices.shape.ndims == 0:
        _refuse(errors.ShapeError, f"{what}'s indices must be at least a vector (their last "
                                   f"axis holds the coordinates), got a scalar")
    return indices


def _depth(indices):
    """K, the number of coordinates in a row, if known statically."""
    return None if indices.shape.ndims is None else indices.shape.dims[-1]


def _split(shape_t, k):
    """A shape vector's first ``k`` sizes and the others (``k`` a scalar int64 tensor, so the
    split also works when the rank or the depth is known only at run time)."""
    return (gather(shape_t, range_(k)),
            gather(shape_t, range_(k, size(shape_t, out_type=I64))))


def _positions(indices, dims, what=None):
    """Each row of ``indices`` [..., K] as its position in axes of sizes ``dims`` [K]
    flattened in row-major order (int64, shape [...]); a row outside fails the run, naming
    it as ``what`` (None: the caller checked them)."""
    if what is not None:
        indices = check_indices(indices, cast(dims, indices.dtype), what)
    k = range_(size(dims, out_type=I64))
    # an axis' stride is the product of the sizes after it: a [K, K] table, K is small
    later = less(expand_dims(k, 1), expand_dims(k, 0))
    strides = reduce_prod(where(later, expand_dims(dims, 0), 1), axis=1)
    return reduce_sum(cast(indices, I64) * strides, axis=-1)


# -- gather_nd --------------------------------------------------------------------------------

def gather_nd(params, indices, name=None, batch_dims=0):
    """The slices of ``params`` that the rows of ``indices`` name: for indices of shape
    ``[..., K]`` the result has shape ``indices.shape[:-1] + params.shape[K:]``. With
    ``batch_dims = b`` the first b axes of both are batch axes (of equal sizes), each batch
    element indexing its own slice of ``params``. Its gradient is a scatter-add."""
    with name_scope(name, "GatherNd") as scope:
        params = convert_to_tensor(params)
        indices = _index_tensor(indices, "gather_nd")
        b = static_ints(batch_dims, "gather_nd's batch_dims")
        if not isinstance(b, int) or b < 0:
            _refuse(errors.InvalidArgumentError,
                    f"gather_nd's batch_dims must be an int >= 0, got {batch_dims!r}")
        rank, k = params.shape.ndims, _depth(indices)
        if rank is not None and k is not None and b + k > rank:
            _refuse(errors.ShapeError,
                    f"gather_nd's index rows have {k} coordinates, more than the "
                    f"{rank - b} axes of params {params.shape}" + (
                        f" after its {b} batch axes" if b else ""))
        if rank == 0:
            _refuse(errors.ShapeError, "gather_nd's params must be at least a vector")
        out = (_batched(params, indices, b, scope) if b else
               _gather_rows(params, indices, scope))
        if rank is not None and k is not None and indices.shape.ndims is not None:
            out.set_shape(indices.shape[:-1].concatenate(params.shape[b + k:]))
        return out


def _gather_rows(params, indices, name, what="gather_nd's indices"):
    pshape, ishape = shape_of(params, out_type=I64), shape_of(indices, out_type=I64)
    dims, rest = _split(pshape, ishape[-1])
    flat = _positions(indices, dims, what)
    rows = reshape(params, concat([reduce_prod(dims, keepdims=True), rest], 0))
    return reshape(gather(rows, flat), concat([ishape[:-1], rest], 0), name=name)


def _batched(params, indices, b, name):
    """gather_nd with batch axes: the batch axes of both are flattened into one, and each
    row gets its batch element's number as a first coordinate."""
    if indices.shape.ndims is not None and b >= indices.shape.ndims:
        _refuse(errors.ShapeError, f"gather_nd's batch_dims ({b}) must be less than the "
                                   f"rank of indices {indices.shape}")
    try:
        params.shape[:b].merge_with(indices.shape[:b])
    except ValueError:
        _refuse(errors.ShapeError, f"gather_nd with batch_dims={b}: the batch axes of params "
                                   f"{params.shape} and of indices {indices.shape} differ")
    pshape, ishape = shape_of(params, out_type=I64), shape_of(indices, out_type=I64)
    batch = pshape[:b]
    gap = reduce_max(abs(ishape[:b] - batch))  # the sizes are compared when known only now
    gap = check_indices(gap, convert_to_tensor(1, I64), "gather_nd with batch_dims: a batch "
                        "size of indices differing from params' by")
    checked = check_indices(indices, cast(gather(pshape, range_(b, b + ishape[-1])),
                                          indices.dtype), "gather_nd's indices")
    n = reduce_prod(batch, keepdims=True)
    m = reduce_prod(ishape[b:-1], keepdims=True)
    with control_dependencies([gap.op]):
        rows = reshape(checked, concat([n, m, ishape[-1:]], 0))
    ids = reshape(range_(cast(n[0], indices.dtype)), [-1, 1, 1])
    one = convert_to_tensor([1], I64)
    rows = concat([broadcast_to(ids, concat([n, m, one], 0)), rows], 2)
    out = _gather_rows(reshape(params, concat([n, pshape[b:]], 0)), rows, None, what=None)
    return reshape(out, concat([batch, ishape[b:-1], shape_of(out, out_type=I64)[2:]], 0),
                   name=name)


# -- scatter_nd -------------------------------------------------------------------------------

def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with each slice of ``updates`` added at the row of ``indices``
    that names it (repeated rows add up): the transpose of ``gather_nd``. ``updates`` has
    shape ``indices.shape[:-1] + shape[K:]``."""
    with name_scope(name, "ScatterNd") as scope:
        indices = _index_tensor(indices, "scatter_nd")
        updates = convert_to_tensor(updates)
        target = cast(shape_tensor(shape), I64)
        out_shape, k = static_shape_of(target), _depth(indices)
        if out_shape.ndims is not None and k is not None and indices.shape.ndims is not None:
            expected = (indices.shape[:-1].concatenate(out_shape[k:])
                        if k <= out_shape.ndims else None)
            if expected is None or not updates.shape.is_compatible_with(expected):
                _refuse(errors.ShapeError,
                        f"scatter_nd's updates {updates.shape} must have the shape of "
                        f"indices {indices.shape} without its last axis, followed by the "
                        f"shape {out_shape} after its first {k} axes")
        ishape = shape_of(indices, out_type=I64)
        dims, rest = _split(target, ishape[-1])
        flat = reshape(_positions(indices, dims, "scatter_nd's indices"), [-1])
        rows = reshape(updates, concat([reduce_prod(ishape[:-1], keepdims=True), rest], 0))
        out = scatter_add(rows, flat, concat([reduce_prod(dims, keepdims=True), rest], 0))
        out = reshape(out, target, name=scope)
        out.set_shape(out_shape)
        return out


# -- sparse_to_dense --------------------------------------------------------------------------

def _sparse_to_dense_infer(inputs, *, validate_indices):
    indices, shape_t, values, default = inputs
    require_dtype(indices, INT, "sparse_to_dense's sparse_indices")
    require_dtype(shape_t, INT, "sparse_to_dense's output_shape")
    for t, ranks, what in [(indices, (0, 1, 2), "sparse_indices"),
                           (shape_t, (0, 1), "output_shape"),
                           (values, (0, 1), "sparse_values"), (default, (0,), "default_value")]:
        if t.shape.ndims not in ranks + (None,):
            raise ValueError(f"sparse_to_dense's {what} must have rank "
                             f"{' or '.join(map(str, ranks))}, got shape {t.shape}")
    if values.dtype != default.dtype:
        raise TypeError(f"sparse_to_dense's default_value ({default.dtype.name}) must have "
                        f"the dtype of sparse_values ({values.dtype.name})")
    return Spec(static_shape_of(shape_t), values.dtype)


def _sparse_to_dense_reference(indices, shape, values, default, *, validate_indices):
    shape = np.ravel(shape).astype(np.int64)
    rows = indices.reshape(-1, 1) if indices.ndim < 2 else indices  # one coordinate each
    n, r = rows.shape
    if r != len(shape):
        raise ValueError(f"output_shape has {len(shape)} elements, but the rows of "
                         f"sparse_indices have {r} coordinates")
    if values.ndim and values.shape != (n,):
        raise ValueError(f"sparse_values has shape {list(values.shape)}, should be [] or [{n}]")
    bad = ((rows < 0) | (rows >= shape)).any(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"sparse_indices[{i}] = {rows[i].tolist()} is out of bounds: need "
                         f"0 <= index < {shape.tolist()}")
    strides = np.array([int(np.prod(shape[j + 1:])) for j in range(r)], np.int64)
    flat = rows.astype(np.int64) @ strides
    if validate_indices and n > 1:
        steps = np.diff(flat)
        if (steps <= 0).any():
            i = int(np.argmax(steps <= 0)) + 1
            raise ValueError(
                f"sparse_indices[{i}] = {rows[i].tolist()} is repeated" if steps[i - 1] == 0
                else f"sparse_indices[{i}] = {rows[i].tolist()} is out of order (sparse_to_dense "
                     f"wants rows in row-major order; validate_indices=False allows any order)")
    out = np.full(int(np.prod(shape)), default, values.dtype)
    # repeated rows: the last one wins, as in TF1 (np.unique keeps each first occurrence,
    # here of the reversed list)
    last = n - 1 - np.unique(flat[::-1], return_index=True)[1]
    out[flat[last]] = np.broadcast_to(values, (n,))[last]
    return out.reshape(shape)


SPARSE_TO_DENSE = OpDef("SparseToDense", MOVEMENT, _sparse_to_dense_infer,
                        _sparse_to_dense_reference, shape_inputs=(1,))


@SPARSE_TO_DENSE.gradient
def _sparse_to_dense_grad(op, g):
    """TF1's: each value gets the gradient at its row, the default what is left."""
    indices, shape_t, values, _ = op.inputs
    if indices.shape.ndims == 2:
        rows = indices
    elif indices.shape.ndims is not None:
        rows = reshape(indices, [-1, 1])
    else:  # as many coordinates as the output has axes (the forward checked it)
        rows = reshape(indices, concat([[-1], reshape(size(shape_t), [1])], 0))
    picked = gather_nd(g, rows)
    return [None, None, sum_to(picked, shape_of(values)), reduce_sum(g) - reduce_sum(picked)]


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """A dense tensor of ``output_shape`` holding ``sparse_values`` at the rows of
    ``sparse_indices`` (``[N, rank]``; a vector or scalar index a 1-D output) and
    ``default_value`` elsewhere. ``sparse_values`` is ``[N]`` or one scalar for all. With
    ``validate_indices`` the rows must be sorted in row-major order and unique; a row out of
    bounds always fails the run."""
    with name_scope(name, "SparseToDense") as scope:
        values = convert_to_tensor(sparse_values)
        default = convert_to_tensor(default_value, values.dtype)
        indices = convert_to_tensor(sparse_indices)
        return SPARSE_TO_DENSE(indices, shape_tensor(output_shape), values, default,
                               validate_indices=bool(validate_indices), name=scope)
