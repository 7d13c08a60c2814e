"""CUDA index-driven ops: GatherV2, ScatterAddNd, OneHot, CheckIndices, Where.

Two of them must talk to the host, which no other launcher does: CheckIndices reads back
one int64 (the position of the first bad index, found with an atomic min) to raise the
reference's error, and Where reads back its row count, which is its output's shape.
GatherV2 does not check (that is CheckIndices' job, and a check would cost a host sync):
an out-of-range index gathers zeros, as TF1's GPU kernel does, where the reference raises.
ScatterAddNd adds with atomics (float sums in a run-dependent order); an index out of
range, negative ones included, is skipped (the gradient of the zeros such a gather gives),
where the reference raises. Neither wraps a negative index nor reads outside its arrays.
"""

import functools
import math

import numpy as np

from ...ops import gather as gather_ops
from ...shapes import run_axis
from .grid import cuda_module, element_grid, fill, flat, host_ints

WHERE_CHUNK = 4096  # elements per block of Where's count and write passes

# numba.cuda, bound when the first kernel is built; a module global, as the simulator
# swaps the kernels' global ``cuda`` for its fake module
cuda = None


def _bind():
    global cuda
    cuda = cuda_module()


@functools.cache
def _kernels():
    _bind()

    @cuda.jit
    def gather(params, indices, out, dim, inner, count):
        """out[o, p, i] = params[o, indices[p], i] (zero for an index out of range)."""
        n = out.size
        for e in range(cuda.grid(1), n, cuda.gridsize(1)):
            i, rest = e % inner, e // inner
            p, o = rest % count, rest // count
            k = indices[p]
            out[e] = params[(o * dim + k) * inner + i] if 0 <= k < dim else 0

    @cuda.jit
    def scatter_add(updates, indices, out, dim, inner, count):
        for e in range(cuda.grid(1), updates.size, cuda.gridsize(1)):
            i, rest = e % inner, e // inner
            p, o = rest % count, rest // count
            k = indices[p]
            if 0 <= k < dim:
                cuda.atomic.add(out, (o * dim + k) * inner + i, updates[e])

    @cuda.jit
    def one_hot(indices, out, depth, inner, on, off):
        """out[o, d, i] = on if indices[o, i] == d else off."""
        for e in range(cuda.grid(1), out.size, cuda.gridsize(1)):
            i, rest = e % inner, e // inner
            d, o = rest % depth, rest // depth
            out[e] = on if indices[o * inner + i] == d else off

    @cuda.jit
    def first_bad(indices, limits, flag):
        """limits: one limit, or one per position along the indices' last axis."""
        for e in range(cuda.grid(1), indices.size, cuda.gridsize(1)):
            k = indices[e]
            if k < 0 or k >= limits[e % len(limits)]:
                cuda.atomic.min(flag, 0, e)

    @cuda.jit
    def count_true(cond, counts, chunk):
        """counts[block] = number of true elements in the block's chunk."""
        start = cuda.blockIdx.x * chunk
        if cuda.threadIdx.x == 0:
            total = 0
            for e in range(start, min(start + chunk, cond.size)):
                if cond[e]:
                    total += 1
            counts[cuda.blockIdx.x] = total

    @cuda.jit
    def exclusive_scan(counts, offsets):
        """offsets[k] = sum(counts[:k]), for k up to len(counts) (one thread: few chunks)."""
        if cuda.grid(1) == 0:
            total = 0
            for k in range(counts.size):
                offsets[k] = total
                total += counts[k]
            offsets[counts.size] = total

    @cuda.jit
    def write_coordinates(cond, offsets, out, chunk, shape):
        """Row offsets[block] + j of out: the coordinates of the chunk's j-th true element,
        in order (one thread walks a chunk; chunks run in parallel)."""
        start = cuda.blockIdx.x * chunk
        if cuda.threadIdx.x == 0:
            row = offsets[cuda.blockIdx.x]
            for e in range(start, min(start + chunk, cond.size)):
                if cond[e]:
                    rest = e
                    for d in range(len(shape) - 1, -1, -1):
                        out[row, d] = rest % shape[d]
                        rest //= shape[d]
                    row += 1

    return dict(gather=gather, scatter_add=scatter_add, one_hot=one_hot, first_bad=first_bad,
                count_true=count_true, exclusive_scan=exclusive_scan,
                write_coordinates=write_coordinates)


def _run(name, size, *args):
    if size:
        _kernels()[name][element_grid(size)](*args)


def launch_gather(op, args, alloc):
    params, indices = args
    shape = tuple(params.shape)
    axis = run_axis(op._attrs["axis"], len(shape))  # as given when the rank was unknown
    out = alloc(shape[:axis] + tuple(indices.shape) + shape[axis + 1:], params.dtype)
    if out.size:
        _run("gather", out.size, flat(params), flat(indices), flat(out), shape[axis],
             math.prod(shape[axis + 1:]), indices.size)
    return [out]


def launch_scatter_add(op, args, alloc):
    updates, indices, target = args
    shape = host_ints(target)
    axis = run_axis(op._attrs["axis"], len(shape))  # as given when the rank was unknown
    out = alloc(shape, updates.dtype)
    fill(out, 0)
    if updates.size:
        _run("scatter_add", updates.size, flat(updates), flat(indices), flat(out), shape[axis],
             math.prod(shape[axis + 1:]), indices.size)
    return [out]


def launch_one_hot(op, args, alloc):
    (indices,) = args
    a = op._attrs
    dims = tuple(indices.shape)
    axis = run_axis(a["axis"], len(dims) + 1)
    dtype = a["dtype"].np
    out = alloc(dims[:axis] + (a["depth"],) + dims[axis:], dtype)
    on, off = (np.asarray(v).astype(dtype).item() for v in (a["on_value"], a["off_value"]))
    if out.size:
        _run("one_hot", out.size, flat(indices), flat(out), a["depth"],
             math.prod(dims[axis:]), on, off)
    return [out]


def launch_check_indices(op, args, alloc):
    """The indices themselves (no copy) if all are in [0, limit); reads back one flag (and,
    to name it, the bad index or the row of indices it is in)."""
    indices, limit = args
    limit = np.asarray(limit)
    limits = tuple(int(n) for n in limit.ravel())
    if indices.size and limits:
        flag = alloc((1,), np.int64)
        fill(flag, indices.size)
        _run("first_bad", indices.size, flat(indices), limits, flag)
        where = int(flag.copy_to_host()[0])
        if where < indices.size:
            what = op._attrs["what"]
            if limit.ndim:  # a limit per position of the last axis: name the row
                start = where - where % len(limits)
                row = flat(indices)[start:start + len(limits)].copy_to_host()
                position = np.unravel_index(where // len(limits), indices.shape[:-1])
                raise ValueError(gather_ops.bad_row_message(what, position, row, limits))
            value = flat(indices)[where:where + 1].copy_to_host()[0]
            raise ValueError(f"{what} {value} is outside the valid range [0, {limits[0]})")
    return [indices]


def launch_where(op, args, alloc):
    """The coordinates of the true elements, in C order; reads back their count."""
    (cond,) = args
    shape = tuple(cond.shape)
    if not cond.size:
        return [alloc((0, len(shape)), np.int64)]
    chunks = math.ceil(cond.size / WHERE_CHUNK)
    counts = alloc((chunks,), np.int64)
    offsets = alloc((chunks + 1,), np.int64)
    k = _kernels()
    k["count_true"][chunks, 1](flat(cond), counts, WHERE_CHUNK)
    k["exclusive_scan"][1, 1](counts, offsets)
    rows = int(offsets[chunks:].copy_to_host()[0])
    out = alloc((rows, len(shape)), np.int64)
    if rows and shape:
        k["write_coordinates"][chunks, 1](flat(cond), offsets, out, WHERE_CHUNK, shape)
    return [out]


LAUNCHERS = {gather_ops.GATHER: launch_gather, gather_ops.SCATTER_ADD: launch_scatter_add,
             gather_ops.ONE_HOT: launch_one_hot, gather_ops.CHECK_INDICES: launch_check_indices,
             gather_ops.WHERE_INDICES: launch_where}
