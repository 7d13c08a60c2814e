"""Measures of images: differences between neighbouring pixels (``image_gradients``,
``sobel_edges``, ``total_variation``) and the peak signal-to-noise ratio, composed from
slices, pads and reductions."""

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.movement import concat, pad, stack
from ..ops.reduce import reduce_mean, reduce_sum
from ..ops.sources import convert_to_tensor
from .color import convert_image_dtype
from .common import fail


def _rank(images, ranks, what):
    images = convert_to_tensor(images, name="images")
    if images.shape.ndims not in ranks:
        raise fail(f"{what} needs a tensor of rank {' or '.join(map(str, ranks))}, got "
                   f"{images.name!r} of shape {images.shape}")
    return images


def image_gradients(image):
    """``(dy, dx)``: each pixel's difference to the pixel below and to its right, of the
    4-D batch's shape (0 in the last row and column)."""
    with name_scope(None, "image_gradients"):
        image = _rank(image, (4,), "image_gradients")
        dy = image[:, 1:] - image[:, :-1]
        dx = image[:, :, 1:] - image[:, :, :-1]
        return (concat([dy, ew.zeros_like(image[:, :1])], 1),
                concat([dx, ew.zeros_like(image[:, :, :1])], 2))


def total_variation(images, name=None):
    """The sum of the absolute differences between neighbouring pixels: a scalar for one
    3-D image, one per image of a 4-D batch."""
    with name_scope(name, "total_variation"):
        images = _rank(images, (3, 4), "total_variation")
        first = images.shape.ndims - 3  # the height axis
        rows = [slice(None)] * first
        down = images[(*rows, slice(1, None))] - images[(*rows, slice(None, -1))]
        right = images[(*rows, slice(None), slice(1, None))] - images[
            (*rows, slice(None), slice(None, -1))]
        axis = None if first == 0 else [1, 2, 3]
        return reduce_sum(ew.abs(down), axis=axis) + reduce_sum(ew.abs(right), axis=axis)


# Sobel's kernels, (row, column) offset -> weight: vertical (dy) and horizontal (dx) change
_SOBEL = ({(0, 0): -1, (0, 1): -2, (0, 2): -1, (2, 0): 1, (2, 1): 2, (2, 2): 1},
          {(0, 0): -1, (0, 2): 1, (1, 0): -2, (1, 2): 2, (2, 0): -1, (2, 2): 1})


def sobel_edges(image):
    """Sobel's vertical and horizontal edge responses of each channel of a 4-D batch, in a
    new last axis of size 2 (the image reflected at its borders)."""
    with name_scope(None, "sobel_edges"):
        image = _rank(image, (4, None), "sobel_edges")  # unknown: 4-D when run (TF1)
        padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")

        def shifted(r, c):  # the padded image moved by (r, c): image-sized
            return padded[:, r:r - 2 or None, c:c - 2 or None]

        responses = [ew.add_n([shifted(r, c) * np.array(w, image.dtype.np)
                               for (r, c), w in kernel.items()]) for kernel in _SOBEL]
        return stack(responses, axis=-1)


def psnr(a, b, max_val, name=None):
    """The peak signal-to-noise ratio of ``a`` against ``b`` in dB, one per image:
    ``20 log10(max_val) - 10 log10(mse)`` on the float32 scale of the images."""
    with name_scope(name, "PSNR"):
        a, b = convert_to_tensor(a, name="a"), convert_to_tensor(b, name="b")
        if a.dtype != b.dtype:
            raise fail(f"psnr needs two images of one dtype, got {a.dtype.name} and "
                       f"{b.dtype.name}", cls=errors.DTypeError)
        for t in (a, b):
            if t.shape.ndims is not None and t.shape.ndims < 3:
                raise fail(f"psnr needs images of rank 3 or more, got {t.name!r} of shape "
                           f"{t.shape}")
        if not a.shape[-3:].is_compatible_with(b.shape[-3:]):
            raise fail(f"psnr: the images' last three dims differ: {a.shape} and {b.shape}")
        peak = convert_image_dtype(ew.cast(max_val, a.dtype), dtypes.float32)
        a, b = convert_image_dtype(a, dtypes.float32), convert_image_dtype(b, dtypes.float32)
        mse = reduce_mean(ew.square(a - b), axis=[-3, -2, -1])
        return ew.subtract(20 * ew.log(peak) / np.log(np.float32(10)),
                           np.float32(10 / np.log(10)) * ew.log(mse), name="psnr")
