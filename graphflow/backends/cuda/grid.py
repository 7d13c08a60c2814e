"""Shared plumbing of the CUDA kernels: the numba.cuda module, launch sizes, index helpers.

Kernels are built on first use by cached factories (nothing touches numba.cuda at
import), so the CPU-only test suite never needs a CUDA toolchain.
"""

import functools
import math

import numpy as np

# Threads per block of the one-thread-per-element kernels, and the most blocks they launch
# (grid-stride loops cover the rest: 1024 blocks of 256 keep every SM of an H200 busy).
ELEMENT_THREADS = 256
MAX_BLOCKS = 1024


# numba.cuda, bound when the first kernel is built; a module global, as the simulator
# swaps the kernels' global ``cuda`` for its fake module
cuda = None


def _bind():
    global cuda
    cuda = cuda_module()


def cuda_module():
    """numba.cuda, imported through cuda_env (its NumPy 2.5 shim); no device check, so
    kernels also compile to PTX on a machine without a GPU."""
    from .env import _import_cuda

    return _import_cuda()


def simulated():
    """True under NUMBA_ENABLE_CUDASIM: no warp shuffles there."""
    from numba import config

    return bool(config.ENABLE_CUDASIM)


def element_grid(n):
    """(blocks, threads) for a grid-stride loop over ``n`` elements (n > 0)."""
    threads = ELEMENT_THREADS
    return min(MAX_BLOCKS, math.ceil(n / threads)), threads


def c_strides(shape):
    """Element strides of a C-contiguous array of ``shape``."""
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= int(d)
    return tuple(reversed(strides))


def nonempty(shape, strides):
    """(shape, strides) as tuples of at least one entry (numba has no empty UniTuple)."""
    shape, strides = tuple(int(d) for d in shape), tuple(int(s) for s in strides)
    return (shape, strides) if shape else ((1,), (0,))


def flat(array):
    """A 1-D view of a C-contiguous device array (no copy)."""
    return array.reshape(array.size)


def host_ints(value):
    """A shape input (``OpDef.shape_inputs``, passed on the host) as a tuple of ints."""
    return tuple(int(v) for v in np.ravel(value))


@functools.cache
def element_kernels():
    """Grid-stride kernels shared by several launchers: fill and strided copy."""
    _bind()

    @cuda.jit
    def fill(dst, value, n):
        for i in range(cuda.grid(1), n, cuda.gridsize(1)):
            dst[i] = value

    @cuda.jit
    def strided_copy(src, src_off, src_strides, dst, dst_off, dst_strides, shape, n):
        """dst[dst_off + idx . dst_strides] = src[src_off + idx . src_strides] over shape."""
        for i in range(cuda.grid(1), n, cuda.gridsize(1)):
            rest, s, d = i, src_off, dst_off
            for k in range(len(shape) - 1, -1, -1):
                c = rest % shape[k]
                rest //= shape[k]
                s += c * src_strides[k]
                d += c * dst_strides[k]
            dst[d] = src[s]

    return fill, strided_copy


def fill(dst, value):
    """Set every element of device array ``dst`` to ``value``."""
    if dst.size:
        kernel = element_kernels()[0]
        kernel[element_grid(dst.size)](flat(dst), value, dst.size)


def copy_view(src, src_off, src_strides, dst, dst_off, dst_strides, shape):
    """Copy a strided view of ``src`` into a strided view of ``dst`` (both device arrays,
    offsets and strides in elements)."""
    n = math.prod(shape)
    if n:
        if not shape:  # a scalar
            shape, src_strides, dst_strides = (1,), (0,), (0,)
        shape, src_strides, dst_strides = (tuple(int(v) for v in t) for t in
                                           (shape, src_strides, dst_strides))
        kernel = element_kernels()[1]
        kernel[element_grid(n)](flat(src), int(src_off), src_strides, flat(dst), int(dst_off),
                                dst_strides, shape, n)
