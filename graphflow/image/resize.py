"""Resizing: TF1's ``resize_images`` and the four kernels behind it (bilinear, nearest
neighbour, bicubic, area) with TF1's sampling grid (``align_corners``, and by default
``half_pixel_centers=False``) and its float32 arithmetic, so the numbers are TF1's.

Every kernel is separable: the width is resized, then the height (TF1's order, which fixes
the float rounding). Along one axis an output pixel reads a few input pixels (taps) that
are gathered and weighted; AREA, whose number of taps depends on the scale, multiplies by
a small [out, in] weight matrix instead. Sampling positions and weights are computed in the
graph from the sizes, so unknown sizes work, and constant sizes fold into constants before
a run; the gradients (TF1's ResizeBilinearGrad and friends) come from gather and matmul.
"""

import numpy as np

from .. import dtypes
from ..graph import control_dependencies, name_scope
from ..ops import elementwise as ew
from ..ops.broadcast import broadcast_to
from ..ops.gather import check_indices, gather
from ..ops.linalg import matmul
from ..ops.movement import concat, reshape, stack
from ..ops.movement import transpose as permute
from ..ops.shape_ops import shape
from ..ops.sources import constant, convert_to_tensor
from ..ops.sources import range as range_
from .common import as_batch, dim, fail, image_tensor, is_tensor, known, set_dims, tensor_dim
from .geometry import pad_to_bounding_box

F32 = dtypes.float32


class ResizeMethod:
    """TF1's ``tf.image.ResizeMethod``; ``resize_images`` also takes TF2's names
    (``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"area"``)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_KERNELS = {0: "bilinear", 1: "nearest", 2: "bicubic", 3: "area"}


def _kernel(method):
    kernel = _KERNELS.get(method, method if method in _KERNELS.values() else None)
    if kernel is None:
        raise fail(f"resize method {method!r} is not implemented; use one of "
                   "tf.image.ResizeMethod.BILINEAR, NEAREST_NEIGHBOR, BICUBIC or AREA")
    return kernel


# -- one axis -----------------------------------------------------------------------------

def _f32(n):
    return ew.cast(n, F32) if is_tensor(n) else constant(np.float32(n))


def _div32(a, b):
    """``a / b`` rounded to float32 as one IEEE division would round it. Computed in
    float64 and rounded once: fused kernels may turn a float32 division into a product
    with the reciprocal, which misplaces a sample when it lands next to an integer."""
    if not is_tensor(a) and not is_tensor(b):
        return constant(np.float32(a) / np.float32(b))

    def f64(v):
        return ew.cast(v, dtypes.float64) if is_tensor(v) else constant(float(v), dtypes.float64)

    return ew.cast(f64(a) / f64(b), F32)


def _scale(n_in, n_out, align_corners):
    """Input pixels per output pixel, in float32 as TF1 computes it."""
    plain = _div32(n_in, n_out)
    if not align_corners:
        return plain
    if not is_tensor(n_out):
        return _div32(n_in - 1, n_out - 1) if n_out > 1 else plain
    aligned = _div32(n_in - 1, ew.maximum(n_out - 1, 1))
    return ew.where(ew.greater(n_out, 1), aligned, plain)


def _cubic_weights(t, a):
    """Keys' cubic convolution weights of the four taps around a point ``t`` past the
    second one. TF1 reads them from a table of 1024 steps, so ``t`` is rounded to those."""
    t = ew.round(t * 1024.0) / 1024.0

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _resize_axis(x, axis, n_out, kernel, align_corners, half_pixel):
    """``x`` (4-D) resized to ``n_out`` along ``axis`` (1: height, 2: width)."""
    n_in = dim(x, axis)
    scale = _scale(n_in, n_out, align_corners)
    dims = [dim(x, a) if a != axis else n_out for a in range(4)]
    if kernel == "area":
        return set_dims(_area_axis(x, axis, n_in, n_out, scale), dims)
    out = ew.cast(range_(n_out), F32)
    last = n_in - 1

    def take(index):
        return gather(x, index, axis=axis)

    def along(w):
        """Weights spread over the axes after ``axis``: a trailing block of the result's
        shape, which fused kernels read in place (they copy a broadcast in the middle)."""
        w = reshape(ew.cast(w, x.dtype), [-1] + [1] * (3 - axis))
        return broadcast_to(w, concat([reshape(tensor_dim(x, a), [1]) if a != axis else
                                       shape(w)[:1] for a in range(axis, 4)], 0))

    if kernel == "nearest":
        src = (out + 0.5) * scale if half_pixel else out * scale
        pick = ew.floor(src)
        if align_corners:  # C's roundf: halves up (src >= 0)
            pick = pick + ew.cast(ew.greater_equal(src - pick, 0.5), F32)
        index = ew.minimum(ew.cast(pick, dtypes.int32), last)
        return set_dims(take(ew.maximum(index, 0) if half_pixel else index), dims)
    src = (out + 0.5) * scale - 0.5 if half_pixel else out * scale
    base = ew.floor(src)
    frac = src - base
    low = ew.cast(base, dtypes.int32)
    if kernel == "bilinear":
        top = take(ew.maximum(low, 0))
        bottom = take(ew.minimum(ew.cast(ew.ceil(src), dtypes.int32), last))
        return set_dims(top + (bottom - top) * along(frac), dims)
    # bicubic: TF1's legacy grid uses a = -0.75; with half-pixel centres Keys' a = -0.5,
    # and the weights of taps outside the image are dropped and the rest rescaled
    weights = _cubic_weights(frac, -0.5 if half_pixel else -0.75)
    indices = [low + (k - 1) for k in range(4)]
    if half_pixel:
        inside = [ew.cast(ew.logical_and(ew.greater_equal(i, 0), ew.less_equal(i, last)), F32)
                  for i in indices]
        weights = [w * m for w, m in zip(weights, inside)]
        total = ew.add_n(weights)
        weights = [w / total for w in weights]
    terms = [take(ew.minimum(ew.maximum(i, 0), last)) * along(w)
             for i, w in zip(indices, weights)]
    return set_dims(ew.add_n(terms), dims)


def _area_axis(x, axis, n_in, n_out, scale):
    """Each output pixel averages the input span [o, o + 1) * scale, each input pixel
    weighted by how much of it the span covers; the last input pixel also takes whatever
    of the span lies past the edge (TF1 clamps the indices)."""
    o = reshape(ew.cast(range_(n_out), F32), [-1, 1])
    start, stop = o * scale, (o + 1) * scale
    i = ew.cast(range_(n_in), F32)
    edge = ew.where(ew.equal(range_(n_in), n_in - 1), ew.ones_like(i) * np.float32(np.inf), i + 1)
    cover = ew.maximum(ew.minimum(edge, stop) - ew.maximum(i, start), np.float32(0))
    weights = ew.cast(cover / scale, x.dtype)  # [n_out, n_in]
    # one 2-D product (a broadcast batch of products is far slower in NumPy's matmul):
    # the resized axis is moved next to the weights' input axis and back
    dims, n_out = shape(x), tensor_dim_of(n_out)
    if axis == 2:  # [b, h, c, w] rows times weights^T
        rows = reshape(permute(x, [0, 1, 3, 2]), stack([-1, dims[2]]))
        out = reshape(matmul(rows, weights, transpose_b=True),
                      stack([dims[0], dims[1], dims[3], n_out]))
        return permute(out, [0, 1, 3, 2])
    columns = reshape(permute(x, [1, 0, 2, 3]), stack([dims[1], -1]))  # [h, b * w * c]
    out = reshape(matmul(weights, columns), stack([n_out, dims[0], dims[2], dims[3]]))
    return permute(out, [1, 0, 2, 3])


def tensor_dim_of(n):
    return n if is_tensor(n) else constant(n, dtypes.int32)


# -- the kernels ----------------------------------------------------------------------------

def _size_pair(size, what):
    """(new_height, new_width), each an int when known while building, else a tensor."""
    if not isinstance(size, (list, tuple)):
        size = convert_to_tensor(size, dtypes.int32, name="size")
    length = size.shape[0] if is_tensor(size) and size.shape.ndims == 1 else (
        None if is_tensor(size) else len(size))
    if (is_tensor(size) and size.shape.ndims not in (1, None)) or length not in (2, None):
        raise fail(f"{what}: size must hold 2 elements (new_height, new_width), got "
                   f"{size.name + ' of shape ' + str(size.shape) if is_tensor(size) else size}")
    height, width = known(size[0]), known(size[1])
    for n in (height, width):
        if not is_tensor(n) and n <= 0:
            raise fail(f"{what}: the new size must be positive, got {n}")
    return tuple(_positive(n, what) for n in (height, width))


def _positive(n, what):
    """A size known only at run time, checked then: 0 or less fails the run (it gave an
    empty image)."""
    if not is_tensor(n):
        return n
    check = check_indices(n - 1, np.iinfo(np.int32).max,
                          f"{what}: the new size must be positive; the size less 1,")
    with control_dependencies([check.op]):
        return ew.identity(n)


def resize4(images, height, width, kernel, align_corners=False, half_pixel=False,
            dtype=F32):
    """``kernel`` on a 4-D batch, computed in ``dtype`` (TF1: float32), except nearest
    neighbour, which keeps the images' dtype; ``dtype=None`` keeps it for every kernel."""
    if half_pixel and align_corners:
        raise fail("if half_pixel_centers is True, align_corners must be False")
    x = images if kernel == "nearest" or dtype is None else ew.cast(images, dtype)
    x = _resize_axis(x, 2, width, kernel, align_corners, half_pixel)
    return _resize_axis(x, 1, height, kernel, align_corners, half_pixel)


def _kernel_fn(kernel, op_name, half_pixel_arg):
    def resize(images, size, align_corners=False, name=None, half_pixel_centers=False):
        with name_scope(name, op_name) as scope:
            images = convert_to_tensor(images, name="images")
            if images.shape.ndims not in (4, None):
                raise fail(f"{op_name} needs a 4-D batch of images, got {images.name!r} of "
                           f"shape {images.shape}")
            height, width = _size_pair(size, op_name)
            out = resize4(images, height, width, kernel, align_corners, half_pixel_centers)
            return ew.identity(out, name=scope)

    resize.__name__ = f"resize_{kernel}" if kernel != "nearest" else "resize_nearest_neighbor"
    resize.__doc__ = (f"TF1's {op_name}: a 4-D batch of images resized to ``size`` "
                      f"(new_height, new_width){' in float32' * (kernel != 'nearest')}.")
    if not half_pixel_arg:  # ResizeArea has no half-pixel grid
        def area(images, size, align_corners=False, name=None):
            return resize(images, size, align_corners, name)

        area.__name__, area.__doc__ = resize.__name__, resize.__doc__
        return area
    return resize


resize_bilinear = _kernel_fn("bilinear", "ResizeBilinear", True)
resize_nearest_neighbor = _kernel_fn("nearest", "ResizeNearestNeighbor", True)
resize_bicubic = _kernel_fn("bicubic", "ResizeBicubic", True)
resize_area = _kernel_fn("area", "ResizeArea", False)


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """TF1's ``tf.image.resize_images`` (and ``tf.image.resize``): 3-D or 4-D ``images``
    resized to ``size`` = (new_height, new_width) with ``method``.

    As in TF1 the result is float32 except with NEAREST_NEIGHBOR, which keeps the dtype,
    and images that already have the (static) size come back unchanged, dtype included.
    With ``preserve_aspect_ratio`` the images are scaled to fit inside ``size``."""
    kernel = _kernel(method)
    with name_scope(name, "resize"):
        images = image_tensor(images, "resize_images", name="images")
        if images.shape.ndims is None:
            raise fail("resize_images: 'images' contains no shape (its rank is unknown)")
        batch, restore = as_batch(images, "resize_images")
        height, width = _size_pair(size, "resize_images")
        if preserve_aspect_ratio:
            height, width = _fit(dim(batch, 1), dim(batch, 2), height, width)
        if _same_size(batch, height, width):
            return images
        return restore(resize4(batch, height, width, kernel, align_corners))


def _same_size(batch, height, width):
    """Whether ``batch`` is known to have this size already (TF1 then leaves it as it is)."""
    sizes = (height, width, dim(batch, 1), dim(batch, 2))
    return not any(map(is_tensor, sizes)) and sizes[:2] == sizes[2:]


resize = resize_images


def _fit(current_h, current_w, height, width):
    """The size that scales (current_h, current_w) to fit into (height, width), rounded
    half to even in float32 (TF1's rule)."""
    scale = ew.minimum(_div32(height, current_h), _div32(width, current_w))
    return tuple(known(ew.cast(ew.round(scale * _f32(n)), dtypes.int32))
                 for n in (current_h, current_w))


def resize_image_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                          align_corners=False):
    """Resize ``image`` to fit into (target_height, target_width) keeping its aspect
    ratio, then pad it with zeros to that size, centred (TF1's arithmetic in float32)."""
    kernel = _kernel(method)
    with name_scope(None, "resize_image_with_pad"):
        batch, restore = as_batch(image, "resize_image_with_pad")
        target_height, target_width = known(target_height), known(target_width)
        for n in (target_height, target_width):
            if not is_tensor(n) and n <= 0:
                raise fail(f"resize_image_with_pad: the target size must be positive, got {n}")
        h, w = dim(batch, 1), dim(batch, 2)
        th, tw = _f32(target_height), _f32(target_width)
        ratio = ew.maximum(_div32(w, target_width), _div32(h, target_height))
        new_h, new_w = _div32(h, ratio), _div32(w, ratio)
        size = [known(ew.cast(ew.floor(n), dtypes.int32)) for n in (new_h, new_w)]
        pads = [known(ew.maximum(ew.cast(ew.floor((t - n) / 2), dtypes.int32), 0))
                for t, n in ((th, new_h), (tw, new_w))]
        resized = batch if _same_size(batch, *size) else resize4(batch, *size, kernel,
                                                                 align_corners)
        return restore(pad_to_bounding_box(resized, *pads, target_height, target_width))
