"""2-D convolution and pooling over NHWC tensors (TF1's ops, names and padding rules).

Every op here slides a window over the two spatial axes. The references are what the
numba backend runs too, so they are built for speed: Conv2D and Conv2DBackpropFilter are
one BLAS matmul with an im2col copy of a strided window view of the padded input (for
few channels, its transpose ``_im2row``: longer contiguous runs);
Conv2DBackpropInput is one matmul and a col2im scatter-add; average pooling reduces the
kh*kw strided tap slices of the padded input (a loop over taps, never over pixels). What
NumPy does slowly (col2im, max pooling and its gradient routing) are small Numba loops in
``window_kernels.py``.

Geometry (TF1): SAME gives ``out = ceil(in / stride)`` and pads ``max((out - 1) * stride
+ span - in, 0)`` in total, the smaller half before; VALID gives ``out = ceil((in - span
+ 1) / stride)``, where ``span = (k - 1) * dilation + 1``. Explicit ``((top, bottom),
(left, right))`` pads are accepted by the convolutions.
"""

import numpy as np

from ..shapes import TensorShape
from .base import CONTRACTION, WINDOW, OpDef, Spec, require_dtype, require_same_dtype
from .elementwise import FLOAT, NUMERIC, zeros_like
from .shape_ops import shape
from .sources import static_shape_of

# -- geometry ---------------------------------------------------------------------------------


def _check_padding(padding):
    if padding in ("SAME", "VALID"):
        return
    if (isinstance(padding, tuple) and len(padding) == 2
            and all(isinstance(p, tuple) and len(p) == 2 and min(p) >= 0 for p in padding)):
        return
    raise ValueError(f"padding must be 'SAME' or 'VALID' (or explicit [[0, 0], [top, bottom], "
                     f"[left, right], [0, 0]] for conv2d), got {padding!r}")


def _axis(size, k, stride, dilation, padding, axis):
    """(out, pad_before, pad_after) along one spatial axis; unknown sizes give None."""
    if (k is not None and k < 1) or stride < 1 or dilation < 1:
        raise ValueError(f"window size ({k}), stride ({stride}) and dilation ({dilation}) "
                         f"must be at least 1 along the {('rows', 'columns')[axis]}")
    if size is None:
        return None, None, None
    if k is None:  # SAME's output size does not depend on the window (TF1 infers it too)
        return (-(-size // stride) if padding == "SAME" else None), None, None
    span = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + span - size, 0)
        return out, total // 2, total - total // 2
    before, after = (0, 0) if padding == "VALID" else padding[axis]
    if size + before + after < span:
        raise ValueError(
            f"the window ({span} {('rows', 'columns')[axis]} with dilation) is larger than "
            f"the {'padded ' * (padding != 'VALID')}input ({size + before + after})")
    return (size + before + after - span) // stride + 1, before, after


def conv_geometry(in_hw, k_hw, strides, dilations, padding):
    """The shape rule of every op here: ``((out_h, top, bottom), (out_w, left, right))``,
    the output size and the pads before and after along each spatial axis, for an input
    of spatial size ``in_hw`` and a window ``k_hw`` (see the module docstring; unknown
    sizes give None). Raises ValueError for a window that does not fit."""
    return tuple(_axis(*a, padding, i) for i, a in enumerate(zip(in_hw, k_hw, strides,
                                                                 dilations)))


def _rank4(t, what):
    """The four static dims of ``t`` (None where unknown)."""
    if t.shape.ndims is None:
        return [None] * 4
    if t.shape.ndims != 4:
        raise ValueError(f"{what} must have rank 4 (NHWC), got shape {t.shape}")
    return t.shape.as_list()


def check_conv_operands(x_shape, f_shape, what="Conv2D"):
    """The run's check of what a shape-less input left open while building: NHWC values
    and a filter made for their channels (else NumPy fails deep inside, or broadcasts)."""
    check_rank4(x_shape, f"{what}'s input")
    check_rank4(f_shape, f"{what}'s filter")
    if x_shape[3] != f_shape[2]:
        raise ValueError(f"the input has {x_shape[3]} channels but the filter "
                         f"{tuple(f_shape)} expects {f_shape[2]}")


def check_rank4(shape, what):
    if len(shape) != 4:
        raise ValueError(f"{what} must be 4-D (NHWC), got shape {tuple(shape)}")


def _sizes(t, what):
    """The static TensorShape described by a 4-vector of sizes."""
    require_dtype(t, "is_integer", what)
    dims = static_shape_of(t)
    if dims.ndims not in (None, 4):
        raise ValueError(f"{what} must have 4 entries, got shape {dims}")
    return [None] * 4 if dims.ndims is None else dims.as_list()


def _same(a, b, message):
    if a is not None and b is not None and a != b:
        raise ValueError(message)


def _merged(a, b):
    return a if a is not None else b


# -- array helpers shared by the references ----------------------------------------------------

# Up to this many input channels, im2col copies runs of only C elements: the convolution
# and its filter gradient copy the transposed matrix instead (``_im2row``, runs of a whole
# output row). At 3 channels (W5's first layer, in a training step) that took the forward
# from 3.3 to 3.0 ms and the filter gradient from 4.6 to 2.8 ms; with 16 channels BLAS was
# faster on im2col's layout in the forward, and no better in the filter gradient.
FEW_CHANNELS = 4


def _by_rows(channels, strides):
    return channels <= FEW_CHANNELS and strides[1] == 1


def _compute_dtype(dtype):
    """float16 is computed in float32 (NumPy has no half-precision BLAS)."""
    return np.float32 if dtype == np.float16 else dtype


def _pad(x, geo, value=0):
    """``x`` with its spatial pads filled with ``value`` (``x`` itself when none)."""
    (_, bh, ah), (_, bw, aw) = geo
    if not (bh or ah or bw or aw):
        return x
    n, h, w, c = x.shape
    out = np.empty((n, bh + h + ah, bw + w + aw, c), x.dtype)
    out[:, :bh], out[:, bh + h:], out[:, :, :bw], out[:, :, bw + w:] = value, value, value, value
    out[:, bh:bh + h, bw:bw + w] = x
    return out


def _pad_planar(x, geo):
    """``x`` zero-padded and laid out (N, H, C, W), so that each (row, channel) is a
    contiguous line of pixels (``_im2row`` copies whole lines)."""
    (_, bh, ah), (_, bw, aw) = geo
    n, h, w, c = x.shape
    out = np.zeros((n, bh + h + ah, c, bw + w + aw), x.dtype)
    out[:, bh:bh + h, :, bw:bw + w] = x.transpose(0, 1, 3, 2)
    return out


def _crop(xp, geo, hw):
    (_, bh, _), (_, bw, _) = geo
    return np.ascontiguousarray(xp[:, bh:bh + hw[0], bw:bw + hw[1]])


def _zeros_padded(n, hw, c, geo, dtype):
    (_, bh, ah), (_, bw, aw) = geo
    return np.zeros((n, bh + hw[0] + ah, bw + hw[1] + aw, c), dtype)


def _taps(geo, k_hw, strides, dilations=(1, 1)):
    """(i, j, index) per window tap, in TF1's order (rows, then columns): ``xp[index]`` is
    the (N, out_h, out_w, C) slice of the padded input that tap (i, j) of every window reads."""
    def line(start, out, stride):
        return slice(start, start + (out - 1) * stride + 1, stride) if out else slice(0, 0)

    for i in range(k_hw[0]):
        rows = line(i * dilations[0], geo[0][0], strides[0])
        for j in range(k_hw[1]):
            yield i, j, (slice(None), rows, line(j * dilations[1], geo[1][0], strides[1]))


def _im2col(x, geo, k_hw, strides, dilations):
    """The (N * out_h * out_w, kh * kw * C) matrix of every window's values (one copy)."""
    xp = _pad(x, geo)
    (oh, _, _), (ow, _, _) = geo
    n, c = x.shape[0], x.shape[3]
    s = xp.strides
    windows = np.lib.stride_tricks.as_strided(
        xp, (n, oh, ow, k_hw[0], k_hw[1], c),
        (s[0], s[1] * strides[0], s[2] * strides[1], s[1] * dilations[0], s[2] * dilations[1],
         s[3]), writeable=False)
    return windows.reshape(n * oh * ow, k_hw[0] * k_hw[1] * c)


def _im2row(x, geo, k_hw, row_stride, dilations):
    """The (kh * kw * C, N * out_h * out_w) transpose of ``_im2col`` for a column stride of 1,
    copied from the planar padded input in contiguous runs of out_w (3-4x faster than
    transposing im2col, and BLAS reduces over its contiguous rows faster too)."""
    xp = _pad_planar(x, geo)
    (oh, _, _), (ow, _, _) = geo
    n, c = x.shape[0], x.shape[3]
    s = xp.strides
    rows = np.lib.stride_tricks.as_strided(
        xp, (k_hw[0], k_hw[1], c, n, oh, ow),
        (s[1] * dilations[0], s[3] * dilations[1], s[2], s[0], s[1] * row_stride, s[3]),
        writeable=False)
    return rows.reshape(k_hw[0] * k_hw[1] * c, n * oh * ow)


def _kernels():
    """The Numba loop kernels (imported, and so compiled or loaded, on first use)."""
    from . import window_kernels

    return window_kernels


def _check_out_backprop(g, geo):
    expected = (geo[0][0], geo[1][0])
    if g.shape[1:3] != expected:
        raise ValueError(f"out_backprop has spatial shape {g.shape[1:3]}, but the convolution "
                         f"produces {expected}")


# -- Conv2D and its two backprops ---------------------------------------------------------------


def _conv2d_infer(inputs, *, strides, padding, dilations):
    x, f = inputs
    dtype = require_same_dtype(inputs)
    require_dtype(x, FLOAT, "Conv2D")
    _check_padding(padding)
    n, h, w, c = _rank4(x, "Conv2D's input")
    kh, kw, fc, o = _rank4(f, "Conv2D's filter ([height, width, in_channels, out_channels])")
    _same(c, fc, f"the input has {c} channels but the filter {f.shape} expects {fc} "
                 "(filter shape is [height, width, in_channels, out_channels])")
    geo = conv_geometry((h, w), (kh, kw), strides, dilations, padding)
    return Spec(TensorShape([n, geo[0][0], geo[1][0], o]), dtype)


def _conv2d_reference(x, f, *, strides, padding, dilations):
    check_conv_operands(x.shape, f.shape)
    kh, kw, c, o = f.shape
    geo = conv_geometry(x.shape[1:3], (kh, kw), strides, dilations, padding)
    ct = _compute_dtype(x.dtype)
    xc, f = x.astype(ct, copy=False), f.reshape(kh * kw * c, o).astype(ct, copy=False)
    if _by_rows(c, strides):
        out = _im2row(xc, geo, (kh, kw), strides[0], dilations).T @ f
    else:
        out = _im2col(xc, geo, (kh, kw), strides, dilations) @ f
    return out.reshape(x.shape[0], geo[0][0], geo[1][0], o).astype(x.dtype, copy=False)


def _backprop_input_infer(inputs, *, strides, padding, dilations):
    sizes, f, g = inputs
    dtype = require_same_dtype([f, g])
    require_dtype(f, FLOAT, "Conv2DBackpropInput")
    _check_padding(padding)
    n, h, w, c = _sizes(sizes, "Conv2DBackpropInput's input_sizes")
    kh, kw, fc, o = _rank4(f, "Conv2DBackpropInput's filter")
    gn, gh, gw, go = _rank4(g, "Conv2DBackpropInput's out_backprop")
    _same(c, fc, f"input_sizes has {c} channels but the filter {f.shape} expects {fc}")
    _same(o, go, f"out_backprop has {go} channels but the filter {f.shape} makes {o}")
    geo = conv_geometry((h, w), (kh, kw), strides, dilations, padding)
    out_hw = (geo[0][0], geo[1][0])
    if None not in (gh, gw) + out_hw and (gh, gw) != out_hw:
        raise ValueError(f"out_backprop {g.shape} does not match the convolution's output "
                         f"({out_hw[0]}x{out_hw[1]}) for input_sizes {[n, h, w, c]}")
    return Spec(TensorShape([_merged(n, gn), h, w, _merged(c, fc)]), dtype)


def _backprop_input_reference(sizes, f, g, *, strides, padding, dilations):
    n, h, w, c = (int(d) for d in sizes)
    kh, kw, _, o = f.shape
    geo = conv_geometry((h, w), (kh, kw), strides, dilations, padding)
    _check_out_backprop(g, geo)
    ct = _compute_dtype(g.dtype)
    cols = g.reshape(-1, o).astype(ct, copy=False) @ f.reshape(-1, o).T.astype(ct, copy=False)
    dx = np.zeros((n, h, w, c), ct)
    _kernels().col2im(cols.reshape(n, geo[0][0], geo[1][0], kh, kw, c), dx, strides, dilations,
                      (geo[0][1], geo[1][1]))
    return dx.astype(g.dtype, copy=False)


def _backprop_filter_infer(inputs, *, strides, padding, dilations):
    x, sizes, g = inputs
    dtype = require_same_dtype([x, g])
    require_dtype(x, FLOAT, "Conv2DBackpropFilter")
    _check_padding(padding)
    _, _, _, c = _rank4(x, "Conv2DBackpropFilter's input")
    kh, kw, fc, o = _sizes(sizes, "Conv2DBackpropFilter's filter_sizes")
    go = _rank4(g, "Conv2DBackpropFilter's out_backprop")[3]
    _same(c, fc, f"the input has {c} channels but filter_sizes expects {fc}")
    _same(o, go, f"out_backprop has {go} channels but filter_sizes makes {o}")
    return Spec(TensorShape([kh, kw, _merged(fc, c), _merged(o, go)]), dtype)


def _backprop_filter_reference(x, sizes, g, *, strides, padding, dilations):
    kh, kw, c, o = (int(d) for d in sizes)
    geo = conv_geometry(x.shape[1:3], (kh, kw), strides, dilations, padding)
    _check_out_backprop(g, geo)
    ct = _compute_dtype(x.dtype)
    xc, g = x.astype(ct, copy=False), g.reshape(-1, o).astype(ct, copy=False)
    if _by_rows(c, strides):
        out = _im2row(xc, geo, (kh, kw), strides[0], dilations) @ g
    else:
        out = _im2col(xc, geo, (kh, kw), strides, dilations).T @ g
    return out.reshape(kh, kw, c, o).astype(x.dtype, copy=False)


CONV2D = OpDef("Conv2D", CONTRACTION, _conv2d_infer, _conv2d_reference,
               doc="Cross-correlation of an NHWC input with an [h, w, in, out] filter.")
CONV2D_BACKPROP_INPUT = OpDef(
    "Conv2DBackpropInput", CONTRACTION, _backprop_input_infer, _backprop_input_reference,
    shape_inputs=(0,), doc="The gradient of Conv2D w.r.t. its input (the transposed convolution).")
CONV2D_BACKPROP_FILTER = OpDef(
    "Conv2DBackpropFilter", CONTRACTION, _backprop_filter_infer, _backprop_filter_reference,
    shape_inputs=(1,), doc="The gradient of Conv2D w.r.t. its filter.")


# All three are bilinear, and each one's adjoints are the other two.
@CONV2D.gradient
def _conv2d_grad(op, g):
    x, f = op.inputs
    return [CONV2D_BACKPROP_INPUT(shape(x), f, g, **op.attrs),
            CONV2D_BACKPROP_FILTER(x, shape(f), g, **op.attrs)]


@CONV2D_BACKPROP_INPUT.gradient
def _backprop_input_grad(op, g):
    _, f, out_backprop = op.inputs
    return [None, CONV2D_BACKPROP_FILTER(g, shape(f), out_backprop, **op.attrs),
            CONV2D(g, f, **op.attrs)]


@CONV2D_BACKPROP_FILTER.gradient
def _backprop_filter_grad(op, g):
    x, _, out_backprop = op.inputs
    return [CONV2D_BACKPROP_INPUT(shape(x), g, out_backprop, **op.attrs), None,
            CONV2D(x, g, **op.attrs)]


# -- pooling --------------------------------------------------------------------------------------


def pool_geometry(x_shape, ksize, strides, padding):
    """``conv_geometry`` of a pool over an NHWC input of ``x_shape`` (SAME or VALID pads
    only, no dilation)."""
    check_rank4(x_shape, "a pool's input")
    _check_padding(padding)
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"pooling padding must be 'SAME' or 'VALID', got {padding!r}")
    return conv_geometry(x_shape[1:3], ksize, strides, (1, 1), padding)


def _pool_infer(allowed, what):
    def infer(inputs, *, ksize, strides, padding):
        (x,) = inputs
        require_dtype(x, allowed, what)
        n, h, w, c = _rank4(x, f"{what}'s input")
        geo = pool_geometry([n, h, w, c], ksize, strides, padding)
        return Spec(TensorShape([n, geo[0][0], geo[1][0], c]), x.dtype)
    return infer


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool_reference(x, *, ksize, strides, padding):
    geo = pool_geometry(x.shape, ksize, strides, padding)
    ct = _compute_dtype(x.dtype)
    out = np.empty(x.shape[:1] + (geo[0][0], geo[1][0]) + x.shape[3:], ct)
    _kernels().max_pool(np.ascontiguousarray(x, ct), out, ksize, strides,
                        (geo[0][1], geo[1][1]), _lowest(x.dtype))
    return out.astype(x.dtype, copy=False)


def _max_pool_kernel(kernel, result_shape, x, y, g, ksize, strides, padding):
    """Runs a max-pool routing kernel into zeros of ``result_shape`` (float16 as float32)."""
    geo = pool_geometry(x.shape, ksize, strides, padding)
    pooled = x.shape[:1] + (geo[0][0], geo[1][0]) + x.shape[3:]
    if y.shape != pooled or g.shape != (pooled if result_shape == x.shape else x.shape):
        raise ValueError(f"orig_output {y.shape} and grad {g.shape} do not fit orig_input "
                         f"{x.shape}, whose max pool has shape {pooled}")
    ct = _compute_dtype(g.dtype)
    x, y, g = (np.ascontiguousarray(a, ct) for a in (x, y, g))
    out = np.zeros(result_shape, ct)
    kernel(x, y, g, out, ksize, strides, (geo[0][1], geo[1][1]))
    return out


def _max_pool_grad_reference(x, y, g, *, ksize, strides, padding):
    """Routes each window's gradient to its first maximum (rows, then columns: TF1's CPU
    rule for ties)."""
    return _max_pool_kernel(_kernels().max_pool_route, x.shape, x, y, g, ksize, strides,
                            padding).astype(x.dtype, copy=False)


def _max_pool_grad_grad_reference(x, y, gg, *, ksize, strides, padding):
    """Picks, per window, ``gg`` at the window's first maximum (the adjoint of MaxPoolGrad)."""
    return _max_pool_kernel(_kernels().max_pool_pick, y.shape, x, y, gg, ksize, strides,
                            padding).astype(x.dtype, copy=False)


def _max_pool_grad_infer(what, like_input):
    """(orig_input, orig_output, grad) -> the shape of orig_input, or else of orig_output."""
    def infer(inputs, *, ksize, strides, padding):
        dtype = require_same_dtype(inputs)
        require_dtype(inputs[0], FLOAT, what)
        x, y, g = (TensorShape(_rank4(t, f"{what}'s {label}")) for t, label in
                   zip(inputs, ("orig_input", "orig_output", "grad")))
        pool_geometry(x.as_list(), ksize, strides, padding)
        # grad is shaped like the other one of orig_output and orig_input
        if like_input:
            y.merge_with(g)
            return Spec(x, dtype)
        x.merge_with(g)
        return Spec(y, dtype)
    return infer


def _window_counts(geo, hw, ksize, strides):
    """(out_h, out_w, 1) numbers of non-pad elements per window: SAME averages only those."""
    per_axis = []
    for (out, before, _), size, k, s in zip(geo, hw, ksize, strides):
        start = np.arange(out) * s - before
        per_axis.append(np.minimum(start + k, size) - np.maximum(start, 0))
    return np.multiply.outer(*per_axis)[:, :, None]


def _avg_pool_reference(x, *, ksize, strides, padding):
    geo = pool_geometry(x.shape, ksize, strides, padding)
    ct = _compute_dtype(x.dtype)
    xp = _pad(x.astype(ct, copy=False), geo)
    out = None
    for _, _, tap in _taps(geo, ksize, strides):
        out = xp[tap].copy() if out is None else np.add(out, xp[tap], out=out)
    out /= _window_counts(geo, x.shape[1:3], ksize, strides).astype(ct)
    return out.astype(x.dtype, copy=False)


def _avg_pool_grad_infer(inputs, *, ksize, strides, padding):
    sizes, g = inputs
    require_dtype(g, FLOAT, "AvgPoolGrad")
    n, h, w, c = _sizes(sizes, "AvgPoolGrad's orig_input_shape")
    gn, _, _, gc = _rank4(g, "AvgPoolGrad's grad")
    pool_geometry([n, h, w, c], ksize, strides, padding)
    return Spec(TensorShape([_merged(n, gn), h, w, _merged(c, gc)]), g.dtype)


def _avg_pool_grad_reference(sizes, g, *, ksize, strides, padding):
    n, h, w, c = (int(d) for d in sizes)
    geo = pool_geometry((n, h, w, c), ksize, strides, padding)
    ct = _compute_dtype(g.dtype)
    share = g.astype(ct) / _window_counts(geo, (h, w), ksize, strides).astype(ct)
    dxp = _zeros_padded(n, (h, w), c, geo, ct)
    for _, _, tap in _taps(geo, ksize, strides):
        dxp[tap] += share
    return _crop(dxp, geo, (h, w)).astype(g.dtype, copy=False)


MAX_POOL = OpDef("MaxPool", WINDOW, _pool_infer(NUMERIC, "MaxPool"), _max_pool_reference,
                 doc="The maximum of each window; pads never win.")
MAX_POOL_GRAD = OpDef("MaxPoolGrad", WINDOW, _max_pool_grad_infer("MaxPoolGrad", True),
                      _max_pool_grad_reference,
                      doc="MaxPool's input gradient: (orig_input, orig_output, grad).")
MAX_POOL_GRAD_GRAD = OpDef("MaxPoolGradGrad", WINDOW,
                           _max_pool_grad_infer("MaxPoolGradGrad", False),
                           _max_pool_grad_grad_reference,
                           doc="MaxPoolGrad's gradient w.r.t. grad: (orig_input, orig_output, "
                               "grad of the input gradient).")
AVG_POOL = OpDef("AvgPool", WINDOW, _pool_infer(FLOAT, "AvgPool"), _avg_pool_reference,
                 doc="The mean of each window's non-pad elements.")
AVG_POOL_GRAD = OpDef("AvgPoolGrad", WINDOW, _avg_pool_grad_infer, _avg_pool_grad_reference,
                      shape_inputs=(0,), doc="AvgPool's input gradient: (orig_input_shape, grad).")

MAX_POOL.gradient(lambda op, g: [MAX_POOL_GRAD(op.inputs[0], op.outputs[0], g, **op.attrs)])
# The routing is piecewise constant in orig_input/orig_output: their gradients are zero.
MAX_POOL_GRAD.gradient(lambda op, g: [zeros_like(op.inputs[0]), zeros_like(op.inputs[1]),
                                      MAX_POOL_GRAD_GRAD(*op.inputs[:2], g, **op.attrs)])
MAX_POOL_GRAD_GRAD.gradient(lambda op, g: [zeros_like(op.inputs[0]), zeros_like(op.inputs[1]),
                                           MAX_POOL_GRAD(*op.inputs[:2], g, **op.attrs)])
AVG_POOL.gradient(lambda op, g: [AVG_POOL_GRAD(shape(op.inputs[0]), g, **op.attrs)])
AVG_POOL_GRAD.gradient(lambda op, g: [None, AVG_POOL(g, **op.attrs)])
