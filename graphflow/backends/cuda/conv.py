"""CUDA convolution and pooling over NHWC tensors (the geometry of graphflow.ops.conv).

Conv2D and Conv2DBackpropFilter copy every window into an im2col matrix (one thread per
element; pads read as 0) and run the tiled matmul of ``cuda_matmul`` on it;
Conv2DBackpropInput runs the matmul first and folds the columns back into the image with
a *gather* col2im: each input pixel sums the columns that read it, so there are no atomics
and the result is deterministic. A 1x1 convolution with stride 1 and no pads is the matmul
alone (no column copy). Pooling kernels take one thread per output element (per
input element for the gradients, which likewise gather over the windows that contain
them). The max-pool routing matches the reference: a window's gradient goes to its first
element (rows, then columns) equal to the window's max.
"""

import functools

import numpy as np

from ...ops import conv
from .grid import cuda_module, element_grid, host_ints
from .matmul import gemm

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
    def im2col(x, cols, oh, ow, kh, kw, sh, sw, dh, dw, top, left):
        """cols[(b, y, x), (i, j, ch)] = padded x[b, y*sh + i*dh, x*sw + j*dw, ch]."""
        n, h, w, c = x.shape
        rows, width = cols.shape
        for e in range(cuda.grid(1), rows * width, cuda.gridsize(1)):
            p, q = e // width, e % width
            ch, tap = q % c, q // c
            i, j = tap // kw, tap % kw
            b, rest = p // (oh * ow), p % (oh * ow)
            r = (rest // ow) * sh + i * dh - top
            s = (rest % ow) * sw + j * dw - left
            cols[p, q] = x[b, r, s, ch] if 0 <= r < h and 0 <= s < w else 0

    @cuda.jit
    def col2im(cols, dx, oh, ow, kh, kw, sh, sw, dh, dw, top, left):
        """dx[b, r, s, ch] = sum of the columns of the windows whose taps land on it."""
        n, h, w, c = dx.shape
        for e in range(cuda.grid(1), n * h * w * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            s, rest = rest % w, rest // w
            r, b = rest % h, rest // h
            acc = 0.0
            for i in range(kh):
                yy = r + top - i * dh
                if yy < 0 or yy % sh:
                    continue
                y = yy // sh
                if y >= oh:
                    continue
                for j in range(kw):
                    xx = s + left - j * dw
                    if xx < 0 or xx % sw:
                        continue
                    xo = xx // sw
                    if xo < ow:
                        acc += cols[(b * oh + y) * ow + xo, (i * kw + j) * c + ch]
            dx[b, r, s, ch] = acc

    @cuda.jit(device=True)
    def first_max(x, y, b, i, j, ch, kh, kw, sh, sw, top, left):
        """(row, col) of the first element of window (i, j) equal to its max, or (-1, -1)."""
        h, w = x.shape[1], x.shape[2]
        r0, s0 = i * sh - top, j * sw - left
        target = y[b, i, j, ch]
        for r in range(max(r0, 0), min(r0 + kh, h)):
            for s in range(max(s0, 0), min(s0 + kw, w)):
                if x[b, r, s, ch] == target:
                    return r, s
        return -1, -1

    @cuda.jit
    def max_pool(x, out, kh, kw, sh, sw, top, left, lowest):
        n, oh, ow, c = out.shape
        h, w = x.shape[1], x.shape[2]
        for e in range(cuda.grid(1), n * oh * ow * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            j, rest = rest % ow, rest // ow
            i, b = rest % oh, rest // oh
            r0, s0 = i * sh - top, j * sw - left
            best = lowest
            for r in range(max(r0, 0), min(r0 + kh, h)):
                for s in range(max(s0, 0), min(s0 + kw, w)):
                    v = x[b, r, s, ch]
                    if v > best or v != v:  # NaN wins, as np.maximum
                        best = v
            out[b, i, j, ch] = best

    @cuda.jit
    def max_pool_grad(x, y, g, dx, kh, kw, sh, sw, top, left):
        """dx[p] = sum of g over the windows whose first max is p."""
        n, h, w, c = dx.shape
        oh, ow = y.shape[1], y.shape[2]
        for e in range(cuda.grid(1), n * h * w * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            s, rest = rest % w, rest // w
            r, b = rest % h, rest // h
            acc = 0.0
            for i in range(max(0, -((kh - 1 - r - top) // sh)), min(oh, (r + top) // sh + 1)):
                for j in range(max(0, -((kw - 1 - s - left) // sw)),
                               min(ow, (s + left) // sw + 1)):
                    fr, fs = first_max(x, y, b, i, j, ch, kh, kw, sh, sw, top, left)
                    if fr == r and fs == s:
                        acc += g[b, i, j, ch]
            dx[b, r, s, ch] = acc

    @cuda.jit
    def max_pool_pick(x, y, gg, out, kh, kw, sh, sw, top, left):
        """out[window] = gg[the window's first max] (MaxPoolGradGrad)."""
        n, oh, ow, c = out.shape
        for e in range(cuda.grid(1), n * oh * ow * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            j, rest = rest % ow, rest // ow
            i, b = rest % oh, rest // oh
            fr, fs = first_max(x, y, b, i, j, ch, kh, kw, sh, sw, top, left)
            out[b, i, j, ch] = gg[b, fr, fs, ch] if fr >= 0 else 0

    @cuda.jit
    def avg_pool(x, out, kh, kw, sh, sw, top, left):
        """The mean of each window's non-pad elements."""
        n, oh, ow, c = out.shape
        h, w = x.shape[1], x.shape[2]
        for e in range(cuda.grid(1), n * oh * ow * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            j, rest = rest % ow, rest // ow
            i, b = rest % oh, rest // oh
            r0, s0 = i * sh - top, j * sw - left
            acc = 0.0
            for r in range(max(r0, 0), min(r0 + kh, h)):
                for s in range(max(s0, 0), min(s0 + kw, w)):
                    acc += x[b, r, s, ch]
            count = (min(r0 + kh, h) - max(r0, 0)) * (min(s0 + kw, w) - max(s0, 0))
            out[b, i, j, ch] = acc / count

    @cuda.jit
    def avg_pool_grad(g, dx, kh, kw, sh, sw, top, left):
        """dx[p] = sum over the windows containing p of g / (the window's element count)."""
        n, h, w, c = dx.shape
        oh, ow = g.shape[1], g.shape[2]
        for e in range(cuda.grid(1), n * h * w * c, cuda.gridsize(1)):
            ch, rest = e % c, e // c
            s, rest = rest % w, rest // w
            r, b = rest % h, rest // h
            acc = 0.0
            for i in range(max(0, -((kh - 1 - r - top) // sh)), min(oh, (r + top) // sh + 1)):
                r0 = i * sh - top
                rows = min(r0 + kh, h) - max(r0, 0)
                for j in range(max(0, -((kw - 1 - s - left) // sw)),
                               min(ow, (s + left) // sw + 1)):
                    s0 = j * sw - left
                    acc += g[b, i, j, ch] / (rows * (min(s0 + kw, w) - max(s0, 0)))
            dx[b, r, s, ch] = acc

    return dict(im2col=im2col, col2im=col2im, max_pool=max_pool, max_pool_grad=max_pool_grad,
                max_pool_pick=max_pool_pick, avg_pool=avg_pool, avg_pool_grad=avg_pool_grad)


def _run(name, size, *args):
    if size:
        _kernels()[name][element_grid(size)](*args)


def _conv_geometry(op, in_hw, k_hw):
    a = op._attrs
    (oh, top, _), (ow, left, _) = conv.conv_geometry(
        tuple(in_hw), tuple(k_hw), a["strides"], a["dilations"], a["padding"])
    return oh, ow, (*k_hw, *a["strides"], *a["dilations"], top, left)


def _pointwise(k_hw, params, in_hw, out_hw):
    """A 1x1 window with stride 1 and no pads: im2col and col2im are the identity."""
    return (tuple(k_hw) == (1, 1) and tuple(params[2:4]) == (1, 1)
            and tuple(in_hw) == tuple(out_hw))


def _im2col(x, k_hw, geometry, alloc):
    oh, ow, params = geometry
    n, c = x.shape[0], x.shape[3]
    if _pointwise(k_hw, params, x.shape[1:3], (oh, ow)):
        return x.reshape((n * oh * ow, c))
    cols = alloc((n * oh * ow, k_hw[0] * k_hw[1] * c), x.dtype)
    _run("im2col", cols.size, x, cols, oh, ow, *params)
    return cols


def _check_out_backprop(g, oh, ow):
    if tuple(g.shape[1:3]) != (oh, ow):
        raise ValueError(f"out_backprop has spatial shape {tuple(g.shape[1:3])}, but the "
                         f"convolution produces {(oh, ow)}")


def launch_conv2d(op, args, alloc):
    x, f = args
    conv.check_conv_operands(tuple(x.shape), tuple(f.shape))
    kh, kw, c, o = f.shape
    oh, ow, params = geometry = _conv_geometry(op, x.shape[1:3], (kh, kw))
    out = alloc((x.shape[0], oh, ow, o), x.dtype)
    cols = _im2col(x, (kh, kw), geometry, alloc)
    gemm(cols, f, out, cols.shape[0], o, kh * kw * c)
    return [out]


def launch_conv2d_backprop_input(op, args, alloc):
    sizes, f, g = args
    n, h, w, c = host_ints(sizes)
    kh, kw, _, o = f.shape
    oh, ow, params = _conv_geometry(op, (h, w), (kh, kw))
    _check_out_backprop(g, oh, ow)
    dx = alloc((n, h, w, c), g.dtype)
    if _pointwise((kh, kw), params, (h, w), (oh, ow)):
        gemm(g, f, dx, n * h * w, c, o, transpose_b=True)
        return [dx]
    cols = alloc((n * oh * ow, kh * kw * c), g.dtype)
    gemm(g, f, cols, cols.shape[0], cols.shape[1], o, transpose_b=True)
    _run("col2im", dx.size, cols, dx, oh, ow, *params)
    return [dx]


def launch_conv2d_backprop_filter(op, args, alloc):
    x, sizes, g = args
    kh, kw, c, o = host_ints(sizes)
    oh, ow, params = geometry = _conv_geometry(op, x.shape[1:3], (kh, kw))
    _check_out_backprop(g, oh, ow)
    cols = _im2col(x, (kh, kw), geometry, alloc)
    out = alloc((kh, kw, c, o), x.dtype)
    gemm(cols, g, out, kh * kw * c, o, cols.shape[0], transpose_a=True)
    return [out]


def _pool_params(op, x_shape):
    a = op._attrs
    (oh, top, _), (ow, left, _) = conv.pool_geometry(tuple(x_shape), a["ksize"], a["strides"],
                                                     a["padding"])
    return oh, ow, (*a["ksize"], *a["strides"], top, left)


def launch_max_pool(op, args, alloc):
    (x,) = args
    oh, ow, params = _pool_params(op, x.shape)
    out = alloc((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    dtype = np.dtype(x.dtype)
    lowest = -np.inf if dtype.kind == "f" else int(np.iinfo(dtype).min)
    _run("max_pool", out.size, x, out, *params, lowest)
    return [out]


def _check_routing(x, y, g, oh, ow, like_input):
    pooled = (x.shape[0], oh, ow, x.shape[3])
    if tuple(y.shape) != pooled or tuple(g.shape) != (tuple(x.shape) if like_input else pooled):
        raise ValueError(f"orig_output {tuple(y.shape)} and grad {tuple(g.shape)} do not fit "
                         f"orig_input {tuple(x.shape)}, whose max pool has shape {pooled}")


def launch_max_pool_grad(op, args, alloc):
    x, y, g = args
    oh, ow, params = _pool_params(op, x.shape)
    _check_routing(x, y, g, oh, ow, False)
    dx = alloc(x.shape, x.dtype)
    _run("max_pool_grad", dx.size, x, y, g, dx, *params)
    return [dx]


def launch_max_pool_grad_grad(op, args, alloc):
    x, y, gg = args
    oh, ow, params = _pool_params(op, x.shape)
    _check_routing(x, y, gg, oh, ow, True)
    out = alloc(y.shape, x.dtype)
    _run("max_pool_pick", out.size, x, y, gg, out, *params)
    return [out]


def launch_avg_pool(op, args, alloc):
    (x,) = args
    oh, ow, params = _pool_params(op, x.shape)
    out = alloc((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    _run("avg_pool", out.size, x, out, *params)
    return [out]


def launch_avg_pool_grad(op, args, alloc):
    sizes, g = args
    shape = host_ints(sizes)
    oh, ow, params = _pool_params(op, shape)
    dx = alloc(shape, g.dtype)
    _run("avg_pool_grad", dx.size, g, dx, *params)
    return [dx]


LAUNCHERS = {
    conv.CONV2D: launch_conv2d, conv.CONV2D_BACKPROP_INPUT: launch_conv2d_backprop_input,
    conv.CONV2D_BACKPROP_FILTER: launch_conv2d_backprop_filter, conv.MAX_POOL: launch_max_pool,
    conv.MAX_POOL_GRAD: launch_max_pool_grad, conv.MAX_POOL_GRAD_GRAD: launch_max_pool_grad_grad,
    conv.AVG_POOL: launch_avg_pool, conv.AVG_POOL_GRAD: launch_avg_pool_grad,
}
