"""Numba loop kernels for the window ops that NumPy does slowly (imported on first use).

col2im adds overlapping windows back into an image; NumPy needs kh*kw strided adds with
short contiguous runs (C elements), a single loop is 3-10x faster at CNN sizes. The
max-pool kernels take each window's maximum (and route to its first one) in one pass
instead of comparing every tap slice with the output. All take the unpadded image and
skip taps that fall on padding, so no padded copy is made. Compiled once per dtype and
cached on disk. They stay serial: parallel (prange) versions were faster alone but made
the next BLAS call in a W5 training step 3x slower (OpenMP and OpenBLAS threads competing
for 2 cores), 36 ms per step vs 28 ms.
"""

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def col2im(cols, out, strides, dilations, pads):
    """``out[b, y*sh + i*dh - top, x*sw + j*dw - left] += cols[b, y, x, i, j]``."""
    n, oh, ow, kh, kw, c = cols.shape
    h, w = out.shape[1], out.shape[2]
    for b in range(n):
        for y in range(oh):
            for i in range(kh):
                r = y * strides[0] + i * dilations[0] - pads[0]
                if r < 0 or r >= h:
                    continue
                for x in range(ow):
                    for j in range(kw):
                        s = x * strides[1] + j * dilations[1] - pads[1]
                        if 0 <= s < w:
                            for ch in range(c):
                                out[b, r, s, ch] += cols[b, y, x, i, j, ch]


@numba.njit(cache=True, nogil=True)
def _max_pool_routes(x, y, src, out, ksize, strides, pads, pick):
    """For each window and channel, its first element equal to the window's max ``y``
    (rows first; none for a NaN max): pick (MaxPoolGradGrad) sets ``out[window] =
    src[that element]``, otherwise (MaxPoolGrad) ``out[that element] += src[window]``."""
    n, oh, ow, c = y.shape
    h, w = x.shape[1], x.shape[2]
    for b in range(n):
        done = np.empty(c, np.bool_)
        for i in range(oh):
            r0 = i * strides[0] - pads[0]
            for j in range(ow):
                s0 = j * strides[1] - pads[1]
                done[:] = False
                for r in range(max(r0, 0), min(r0 + ksize[0], h)):
                    for s in range(max(s0, 0), min(s0 + ksize[1], w)):
                        for ch in range(c):
                            if not done[ch] and x[b, r, s, ch] == y[b, i, j, ch]:
                                done[ch] = True
                                if pick:
                                    out[b, i, j, ch] = src[b, r, s, ch]
                                else:
                                    out[b, r, s, ch] += src[b, i, j, ch]


def max_pool_route(x, y, g, dx, ksize, strides, pads):
    """MaxPoolGrad: ``dx[first max of a window] += g[window]``."""
    _max_pool_routes(x, y, g, dx, ksize, strides, pads, False)


def max_pool_pick(x, y, gg, out, ksize, strides, pads):
    """MaxPoolGradGrad: ``out[window] = gg[first max of the window]`` (route's adjoint)."""
    _max_pool_routes(x, y, gg, out, ksize, strides, pads, True)


@numba.njit(cache=True, nogil=True)
def max_pool(x, out, ksize, strides, pads, lowest):
    """``out[b, i, j] = max of x over the window (i, j)``; taps on padding are skipped."""
    n, oh, ow, c = out.shape
    h, w = x.shape[1], x.shape[2]
    for b in range(n):
        for i in range(oh):
            r0 = i * strides[0] - pads[0]
            for j in range(ow):
                s0 = j * strides[1] - pads[1]
                for ch in range(c):
                    out[b, i, j, ch] = lowest
                for r in range(max(r0, 0), min(r0 + ksize[0], h)):
                    for s in range(max(s0, 0), min(s0 + ksize[1], w)):
                        for ch in range(c):
                            v = x[b, r, s, ch]
                            if v > out[b, i, j, ch] or v != v:  # NaN wins, as np.maximum
                                out[b, i, j, ch] = v


def _disposable_caches():
    """Numba's files for these kernels (in the package's ``__pycache__`` or Numba's user
    cache) may be damaged like any cache: one that fails to load is deleted and the kernel
    compiled afresh (see ``backends.kernel_cache``)."""
    from ..backends.kernel_cache import disposable

    for kernel in (col2im, _max_pool_routes, max_pool):
        disposable(kernel, f"window_kernels.{kernel.py_func.__name__}")


_disposable_caches()
