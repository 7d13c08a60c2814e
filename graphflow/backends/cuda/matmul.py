"""CUDA matrix product: a shared-memory tiled kernel with register blocking.

Each block computes a ``block_m x block_n`` tile of C with ``(block_m / thread_m) *
(block_n / thread_n)`` threads; each thread keeps ``thread_m x thread_n`` accumulators in
registers. K advances in slabs of ``block_k``: A's slab is stored transposed in shared
memory (``As[k][m]``) so the inner product loop reads both operands along contiguous rows.
The shared slabs are double buffered: the next slab's global loads are issued into
registers before the current slab is multiplied, and stored into the other buffer after,
so one barrier per slab suffices and load latency hides behind the FMAs. A thread owns
rows ``ty + i * threads_y`` and columns ``tx + j * threads_x`` (interleaved, not a
contiguous 8x8 patch): a warp's shared-memory reads hit distinct banks and its stores to C
are coalesced. Transposed operands and broadcast batch axes are just other strides; the
load mapping follows each operand's contiguous axis so global loads stay coalesced.
Ragged edges load zeros and skip stores, so any M, N, K works. float16 is computed in
float32 (shared slabs and accumulators) and rounded once, as the reference does.

Compiled for sm_90, the float32 kernel's PTX keeps every accumulator and fragment in
registers (no local memory) and does 64 FMAs per 16 scalar shared loads per k step
(numba emits no 128-bit ld.shared.v4 here, so the interleaved layout, which has no bank
conflicts with scalar loads, is the better one).
"""

import functools
import math
from collections import namedtuple

import numpy as np

from ...ops import linalg
from .grid import c_strides, cuda_module

Tile = namedtuple("Tile", "block_m block_n block_k thread_m thread_n")
# 128x128 tiles, 8x8 outputs per thread: 256 threads, 64 FMAs per 16 shared loads per k.
TILE = Tile(block_m=128, block_n=128, block_k=8, thread_m=8, thread_n=8)
# Below FULL_GRID blocks of TILE (an H200 has 132 SMs), most SMs would idle: e.g. an MLP
# layer, 128x784 @ 784x256, is 2 big tiles. 64x64 tiles, 4x4 per thread (256 threads),
# give 4x the blocks.
SMALL_TILE = Tile(block_m=64, block_n=64, block_k=8, thread_m=4, thread_n=4)
FULL_GRID = 132
MAX_GRID_Z = 65535


# numba.cuda, bound when the first kernel is built; a module global, as the simulator
# swaps the kernels' global ``cuda`` for its fake module
cuda = None


def _bind():
    global cuda
    cuda = cuda_module()


@functools.cache
def gemm_kernel(dtype, tile, transpose_a, transpose_b):
    """The kernel for one dtype, tile shape and pair of operand layouts."""
    _bind()
    from numba import from_dtype

    bm, bn, bk, tm, tn = tile
    ty_n, tx_n = bm // tm, bn // tn
    threads = ty_n * tx_n
    if bm % tm or bn % tn or (bm * bk) % threads or (bn * bk) % threads:
        raise ValueError(f"tile {tile} does not divide into whole loads per thread")
    per_a, per_b = bm * bk // threads, bn * bk // threads
    # float16 is computed in float32 and rounded once, as the reference does
    nb_type = from_dtype(np.dtype(np.float32 if np.dtype(dtype) == np.float16 else dtype))

    @cuda.jit(device=True, inline=True)
    def a_coords(e):
        """(m, k) within the slab of load number e; consecutive e follow A's contiguous axis."""
        if transpose_a:
            return e % bm, e // bm
        return e // bk, e % bk

    @cuda.jit(device=True, inline=True)
    def b_coords(e):
        """(k, n) within the slab of load number e."""
        if transpose_b:
            return e % bk, e // bk
        return e // bn, e % bn

    @cuda.jit
    def kernel(a, b, c, m_size, n_size, k_size, sam, sak, sbk, sbn, batch_shape, a_batch,
               b_batch, z0):
        a_s = cuda.shared.array((2, bk, bm), nb_type)
        b_s = cuda.shared.array((2, bk, bn), nb_type)
        a_reg = cuda.local.array(per_a, nb_type)
        b_reg = cuda.local.array(per_b, nb_type)
        a_frag = cuda.local.array(tm, nb_type)
        b_frag = cuda.local.array(tn, nb_type)
        acc = cuda.local.array((tm, tn), nb_type)

        tid = cuda.threadIdx.x
        tx, ty = tid % tx_n, tid // tx_n
        row0, col0 = cuda.blockIdx.y * bm, cuda.blockIdx.x * bn
        # batch offsets: broadcast batch axes have stride 0
        z, a_off, b_off = z0 + cuda.blockIdx.z, 0, 0
        for d in range(len(batch_shape) - 1, -1, -1):
            i = z % batch_shape[d]
            z //= batch_shape[d]
            a_off += i * a_batch[d]
            b_off += i * b_batch[d]
        c_off = (z0 + cuda.blockIdx.z) * m_size * n_size

        for i in range(tm):
            for j in range(tn):
                acc[i, j] = 0
        slabs = (k_size + bk - 1) // bk

        # first slab: global -> registers -> shared buffer 0
        for p in range(per_a):
            m, k = a_coords(tid + p * threads)
            gm, gk = row0 + m, k
            a_reg[p] = a[a_off + gm * sam + gk * sak] if gm < m_size and gk < k_size else 0
        for p in range(per_b):
            k, n = b_coords(tid + p * threads)
            gk, gn = k, col0 + n
            b_reg[p] = b[b_off + gk * sbk + gn * sbn] if gk < k_size and gn < n_size else 0
        for p in range(per_a):
            m, k = a_coords(tid + p * threads)
            a_s[0, k, m] = a_reg[p]
        for p in range(per_b):
            k, n = b_coords(tid + p * threads)
            b_s[0, k, n] = b_reg[p]
        cuda.syncthreads()

        for s in range(slabs):
            cur = s % 2
            k0 = (s + 1) * bk
            more = s + 1 < slabs
            if more:  # issue the next slab's loads before the math
                for p in range(per_a):
                    m, k = a_coords(tid + p * threads)
                    gm, gk = row0 + m, k0 + k
                    a_reg[p] = (a[a_off + gm * sam + gk * sak]
                                if gm < m_size and gk < k_size else 0)
                for p in range(per_b):
                    k, n = b_coords(tid + p * threads)
                    gk, gn = k0 + k, col0 + n
                    b_reg[p] = (b[b_off + gk * sbk + gn * sbn]
                                if gk < k_size and gn < n_size else 0)
            for kk in range(bk):
                for i in range(tm):
                    a_frag[i] = a_s[cur, kk, ty + i * ty_n]
                for j in range(tn):
                    b_frag[j] = b_s[cur, kk, tx + j * tx_n]
                for i in range(tm):
                    for j in range(tn):
                        acc[i, j] += a_frag[i] * b_frag[j]
            if more:  # the other buffer was last read before the previous barrier
                for p in range(per_a):
                    m, k = a_coords(tid + p * threads)
                    a_s[1 - cur, k, m] = a_reg[p]
                for p in range(per_b):
                    k, n = b_coords(tid + p * threads)
                    b_s[1 - cur, k, n] = b_reg[p]
            cuda.syncthreads()

        for i in range(tm):
            r = row0 + ty + i * ty_n
            if r < m_size:
                for j in range(tn):
                    col = col0 + tx + j * tx_n
                    if col < n_size:
                        c[c_off + r * n_size + col] = acc[i, j]

    return kernel, threads


def gemm(a, b, out, m, n, k, transpose_a=False, transpose_b=False, batch_shape=(),
         a_batch=(), b_batch=()):
    """``out[z] = op(a[z]) @ op(b[z])`` for flat device arrays laid out as C-contiguous
    (batch..., M, K) / (batch..., K, N) matrices (or their transposes); batch strides in
    elements, 0 for a broadcast axis."""
    batch = math.prod(batch_shape)
    if not (m and n and batch):
        return out
    if k == 0:
        from .grid import fill

        fill(out, 0)
        return out
    tile = TILE
    if math.ceil(m / tile.block_m) * math.ceil(n / tile.block_n) * batch < FULL_GRID:
        tile = SMALL_TILE
    kernel, threads = gemm_kernel(np.dtype(out.dtype).type, tile, bool(transpose_a),
                                  bool(transpose_b))
    sam, sak = (1, m) if transpose_a else (k, 1)
    sbk, sbn = (1, k) if transpose_b else (n, 1)
    if not batch_shape:
        batch_shape, a_batch, b_batch = (1,), (0,), (0,)
    for z0 in range(0, batch, MAX_GRID_Z):  # the grid's z extent is at most 65535
        grid = (math.ceil(n / tile.block_n), math.ceil(m / tile.block_m),
                min(batch - z0, MAX_GRID_Z))
        kernel[grid, threads](a.reshape(a.size), b.reshape(b.size), out.reshape(out.size), m,
                              n, k, sam, sak, sbk, sbn, tuple(batch_shape), tuple(a_batch),
                              tuple(b_batch), z0)
    return out


def _batch_strides(shape, batch_shape):
    """Strides (elements) of ``shape``'s batch axes aligned to ``batch_shape``; 0 where
    the operand broadcasts."""
    strides = c_strides(shape)[:-2]
    dims = shape[:-2]
    lead = len(batch_shape) - len(dims)
    return tuple(0 if i < lead or dims[i - lead] == 1 else strides[i - lead]
                 for i in range(len(batch_shape)))


def launch_matmul(op, args, alloc):
    """MatMul: transposes and broadcast batch axes, as np.matmul."""
    a, b = args
    a_shape, b_shape = tuple(a.shape), tuple(b.shape)
    linalg.check_matrices(a_shape, b_shape)
    ta, tb = op._attrs["transpose_a"], op._attrs["transpose_b"]
    m, k = (a_shape[-1], a_shape[-2]) if ta else a_shape[-2:]
    n = b_shape[-2] if tb else b_shape[-1]
    kb = b_shape[-1] if tb else b_shape[-2]
    if k != kb:
        raise ValueError(f"matmul's inner dimensions differ: {k} and {kb}")
    batch_shape = tuple(np.broadcast_shapes(a_shape[:-2], b_shape[:-2]))
    out = alloc(batch_shape + (m, n), a.dtype)
    return [gemm(a, b, out, m, n, k, ta, tb, batch_shape, _batch_strides(a_shape, batch_shape),
                 _batch_strides(b_shape, batch_shape))]


LAUNCHERS = {linalg.MATMUL: launch_matmul}
