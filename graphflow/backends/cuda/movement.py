"""CUDA movement ops: reshapes (views, no copy), transposes, slices, joins, splits, tile,
pad and broadcast_to.

Most are one strided copy (``cuda_grid.copy_view``): a view of the source, described by
an offset and element strides (negative for reversed slices, 0 for broadcast axes), is
copied into a view of the destination. A 2-D transpose (also batched: the last two axes
swapped) goes through 32x33 shared-memory tiles so both its reads and writes coalesce.
Tile and Pad have their own index maps (modulo; reflection).
"""

import functools
import math

import numpy as np

from ...ops import broadcast, checks, indexing, movement
from ...shapes import run_axis
from .grid import (
    c_strides,
    copy_view,
    cuda_module,
    element_grid,
    fill,
    flat,
    host_ints,
    nonempty,
)

TRANSPOSE_TILE = 32  # the shared tile is TRANSPOSE_TILE x (TRANSPOSE_TILE + 1): no bank clash
TRANSPOSE_ROWS = 8  # threads per block: TRANSPOSE_TILE x TRANSPOSE_ROWS
_PAD_MODES = {"CONSTANT": 0, "REFLECT": 1, "SYMMETRIC": 2}

# numba.cuda, bound when the first kernel is built; a module global, as the simulator
# swaps the kernels' global ``cuda`` for its fake module
cuda = None


def _bind():
    global cuda
    cuda = cuda_module()


@functools.cache
def _index_kernels():
    _bind()

    @cuda.jit
    def tile(src, dst, src_shape, src_strides, out_shape, n):
        for e in range(cuda.grid(1), n, cuda.gridsize(1)):
            rest, s = e, 0
            for k in range(len(out_shape) - 1, -1, -1):
                c = rest % out_shape[k]
                rest //= out_shape[k]
                s += (c % src_shape[k]) * src_strides[k]
            dst[e] = src[s]

    @cuda.jit
    def pad(src, dst, src_shape, src_strides, out_shape, before, mode, value, n):
        """mode 0: constant; 1: reflect (edge not repeated); 2: symmetric (repeated)."""
        for e in range(cuda.grid(1), n, cuda.gridsize(1)):
            rest, s, inside = e, 0, True
            for k in range(len(out_shape) - 1, -1, -1):
                c = rest % out_shape[k] - before[k]
                rest //= out_shape[k]
                d = src_shape[k]
                if c < 0 or c >= d:
                    if mode == 0:
                        inside = False
                    elif mode == 1:
                        period = 2 * (d - 1)
                        c = 0 if d == 1 else c % period
                        if c >= d:
                            c = period - c
                    else:
                        c %= 2 * d
                        if c >= d:
                            c = 2 * d - 1 - c
                s += c * src_strides[k]
            dst[e] = src[s] if inside else value

    return tile, pad


@functools.cache
def _transpose_kernel(dtype, tile_size, rows):
    _bind()
    from numba import from_dtype

    nb_type = from_dtype(np.dtype(dtype))
    padded = tile_size + 1  # a constant: shared shapes cannot be expressions

    @cuda.jit
    def kernel(src, dst, height, width):
        """dst[z, c, r] = src[z, r, c] for (height, width) matrices z."""
        tile = cuda.shared.array((tile_size, padded), nb_type)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        r0, c0 = cuda.blockIdx.y * tile_size, cuda.blockIdx.x * tile_size
        base = cuda.blockIdx.z * height * width
        for k in range(0, tile_size, rows):
            r, c = r0 + ty + k, c0 + tx
            if r < height and c < width:
                tile[ty + k, tx] = src[base + r * width + c]
        cuda.syncthreads()
        for k in range(0, tile_size, rows):
            r, c = c0 + ty + k, r0 + tx  # row r of dst is column r of src
            if r < width and c < height:
                dst[base + r * height + c] = tile[tx, ty + k]

    return kernel


def _copy_all(x, alloc, shape, offset, strides):
    """A new C-contiguous array of ``shape`` holding the view (offset, strides) of x."""
    out = alloc(shape, x.dtype)
    copy_view(x, offset, strides, out, 0, c_strides(shape), shape)
    return out


def _broadcast_strides(shape, target):
    """x's strides aligned to ``target``, 0 where x broadcasts."""
    strides, lead = c_strides(shape), len(target) - len(shape)
    if lead < 0 or any(d not in (1, t) for d, t in zip(shape, target[lead:])):
        raise ValueError(f"cannot broadcast shape {tuple(shape)} to {tuple(target)}")
    return tuple(0 if i < lead or shape[i - lead] == 1 else strides[i - lead]
                 for i in range(len(target)))


# -- views ------------------------------------------------------------------------------------

def launch_reshape(op, args, alloc):
    x, target = args
    target = list(host_ints(target))
    if -1 in target:
        known = math.prod(d for d in target if d != -1)
        if known == 0 or x.size % known:
            raise ValueError(f"cannot reshape array of size {x.size} into shape {target}")
        target[target.index(-1)] = x.size // known
    if math.prod(target) != x.size:
        raise ValueError(f"cannot reshape array of size {x.size} into shape {target}")
    return [x.reshape(tuple(target))]


def launch_expand_dims(op, args, alloc):
    (x,) = args
    shape = list(x.shape)
    shape.insert(run_axis(op._attrs["axis"], len(shape) + 1), 1)
    return [x.reshape(tuple(shape))]


def launch_squeeze(op, args, alloc):
    (x,) = args
    axis, shape = op._attrs["axis"], tuple(x.shape)
    if axis is None:
        return [x.reshape(tuple(d for d in shape if d != 1))]
    axes = {run_axis(a, len(shape)) for a in axis}
    if any(shape[a] != 1 for a in axes):
        raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                         f"to one (shape {shape}, axes {sorted(axes)})")
    return [x.reshape(tuple(d for i, d in enumerate(shape) if i not in axes))]


# -- permutations and slices ------------------------------------------------------------------

def launch_transpose(op, args, alloc):
    (x,) = args
    shape = tuple(x.shape)
    perm = op._attrs["perm"] or tuple(range(len(shape)))[::-1]
    out_shape = tuple(shape[p] for p in perm)
    rank = len(shape)
    batch = math.prod(shape[:-2]) if rank >= 2 else 1
    if (rank >= 2 and tuple(perm) == tuple(range(rank - 2)) + (rank - 1, rank - 2)
            and x.size and batch <= 65535):
        out = alloc(out_shape, x.dtype)
        t, rows = TRANSPOSE_TILE, TRANSPOSE_ROWS
        kernel = _transpose_kernel(np.dtype(x.dtype).type, t, rows)
        grid = (math.ceil(shape[-1] / t), math.ceil(shape[-2] / t), batch)
        kernel[grid, (t, rows)](flat(x), flat(out), shape[-2], shape[-1])
        return [out]
    strides = c_strides(shape)
    return [_copy_all(x, alloc, out_shape, 0, tuple(strides[p] for p in perm))]


def _slice_view(shape, spec):
    """(offset, shape, strides) of ``x[spec]`` for a C-contiguous x of ``shape``."""
    strides, offset, dims, steps, axis = c_strides(shape), 0, [], [], 0
    for item in indexing.expand_spec(spec, len(shape)):
        if item[0] == "newaxis":
            dims.append(1)
            steps.append(0)
            continue
        d, s = shape[axis], strides[axis]
        axis += 1
        if item[0] == "index":
            i = item[1]
            if not -d <= i < d:
                raise IndexError(f"index {i} is out of bounds for axis {axis - 1} with size {d}")
            offset += (i % d) * s
        else:
            start, stop, step = slice(*item[1:]).indices(d)
            n = len(range(start, stop, step))
            offset += start * s if n else 0
            dims.append(n)
            steps.append(step * s)
    return offset, tuple(dims), tuple(steps)


def launch_strided_slice(op, args, alloc):
    (x,) = args
    offset, shape, strides = _slice_view(tuple(x.shape), op._attrs["spec"])
    return [_copy_all(x, alloc, shape, offset, strides)]


def launch_strided_slice_grad(op, args, alloc):
    g, target = args
    target = host_ints(target)
    offset, shape, strides = _slice_view(target, op._attrs["spec"])
    out = alloc(target, g.dtype)
    fill(out, 0)
    copy_view(g, 0, _broadcast_strides(tuple(g.shape), shape), out, offset, strides, shape)
    return [out]


# -- joins and splits ---------------------------------------------------------------------------

def launch_concat(op, args, alloc):
    first = tuple(args[0].shape)
    axis = run_axis(op._attrs["axis"], len(first))
    out_shape = first[:axis] + (sum(x.shape[axis] for x in args),) + first[axis + 1:]
    out = alloc(out_shape, args[0].dtype)
    out_strides, at = c_strides(out_shape), 0
    for x in args:
        shape = tuple(x.shape)
        copy_view(x, 0, c_strides(shape), out, at * out_strides[axis], out_strides, shape)
        at += shape[axis]
    return [out]


def launch_pack(op, args, alloc):
    shape = tuple(args[0].shape)
    axis = run_axis(op._attrs["axis"], len(shape) + 1)
    out_shape = shape[:axis] + (len(args),) + shape[axis:]
    out = alloc(out_shape, args[0].dtype)
    strides = c_strides(out_shape)
    inner = strides[:axis] + strides[axis + 1:]
    for i, x in enumerate(args):
        copy_view(x, 0, c_strides(shape), out, i * strides[axis], inner, shape)
    return [out]


def launch_unpack(op, args, alloc):
    (x,) = args
    shape = tuple(x.shape)
    movement.check_unpack(shape, op._attrs["num"], op._attrs["axis"])
    axis = run_axis(op._attrs["axis"], len(shape))
    strides = c_strides(shape)
    part, inner = shape[:axis] + shape[axis + 1:], strides[:axis] + strides[axis + 1:]
    return [_copy_all(x, alloc, part, i * strides[axis], inner) for i in range(shape[axis])]


def _split(x, axis, sizes, alloc):
    shape, strides, at, outs = tuple(x.shape), c_strides(tuple(x.shape)), 0, []
    for size in movement.resolve_split(sizes, shape[axis]):
        part = shape[:axis] + (size,) + shape[axis + 1:]
        outs.append(_copy_all(x, alloc, part, at * strides[axis], strides))
        at += size
    return outs


def launch_split(op, args, alloc):
    (x,) = args
    return _split(x, run_axis(op._attrs["axis"], x.ndim), op._attrs["sizes"], alloc)


def launch_split_v(op, args, alloc):
    x, sizes = args
    return _split(x, run_axis(op._attrs["axis"], x.ndim), host_ints(sizes), alloc)


# -- tile, pad, broadcast ---------------------------------------------------------------------

def launch_tile(op, args, alloc):
    (x,) = args
    shape = tuple(x.shape)
    multiples = tuple(op._attrs["multiples"])
    movement.check_per_axis(shape, multiples, "tile needs one multiple")
    out_shape = tuple(d * m for d, m in zip(shape, multiples))
    out = alloc(out_shape, x.dtype)
    if out.size:
        src_shape, src_strides = nonempty(shape, c_strides(shape))
        out_dims = nonempty(out_shape, c_strides(out_shape))[0]
        _index_kernels()[0][element_grid(out.size)](flat(x), flat(out), src_shape, src_strides,
                                                    out_dims, out.size)
    return [out]


def launch_pad(op, args, alloc):
    (x,) = args
    a, shape = op._attrs, tuple(x.shape)
    pads = tuple(tuple(int(v) for v in p) for p in a["paddings"])
    movement.check_per_axis(shape, pads, "pad needs one (before, after) pair")
    out_shape = tuple(d + b + e for d, (b, e) in zip(shape, pads))
    out = alloc(out_shape, x.dtype)
    mode = _PAD_MODES[a["mode"]]
    if mode:
        for axis, (d, (b, e)) in enumerate(zip(shape, pads)):
            movement.check_mirror_padding(d, b, e, a["mode"], axis)
    if out.size:
        value = np.asarray(a["constant_values"]).astype(x.dtype).item()
        if not x.size:  # constant padding of an empty array: all pad
            fill(out, value)
            return [out]
        src_shape, src_strides = nonempty(shape, c_strides(shape))
        out_dims = nonempty(out_shape, c_strides(out_shape))[0]
        before = tuple(b for b, _ in pads) or (0,)
        _index_kernels()[1][element_grid(out.size)](flat(x), flat(out), src_shape, src_strides,
                                                    out_dims, before, mode, value, out.size)
    return [out]


def launch_broadcast_to(op, args, alloc):
    x, target = args
    target = host_ints(target)
    return [_copy_all(x, alloc, target, 0, _broadcast_strides(tuple(x.shape), target))]


def launch_check_shape(op, args, alloc):
    """The input itself if its shape passes (the shape is on the host: no sync)."""
    x, *dims = args
    checks.shape_fits(x.shape, dims[0] if dims else None, op._attrs["min_rank"],
                      op._attrs["what"], op._attrs.get("pattern"))
    return [x]


def launch_check_slice(op, args, alloc):
    """The input itself if tf.slice's block fits its shape (on the host: no sync)."""
    (x,) = args
    return [indexing.check_slice_reference(x, **op._attrs)]


LAUNCHERS = {
    movement.RESHAPE: launch_reshape, movement.EXPAND_DIMS: launch_expand_dims,
    movement.SQUEEZE: launch_squeeze, movement.TRANSPOSE: launch_transpose,
    indexing.STRIDED_SLICE: launch_strided_slice,
    indexing.STRIDED_SLICE_GRAD: launch_strided_slice_grad, movement.CONCAT: launch_concat,
    movement.PACK: launch_pack, movement.UNPACK: launch_unpack, movement.SPLIT: launch_split,
    movement.SPLIT_V: launch_split_v, movement.TILE: launch_tile, movement.PAD: launch_pad,
    broadcast.BROADCAST_TO: launch_broadcast_to, checks.CHECK_SHAPE: launch_check_shape,
    indexing.CHECK_SLICE: launch_check_slice,
}
