"""Colour spaces: HSV (and the hue and saturation adjustments made through it), YIQ and
YUV, composed from elementwise ops, so they are differentiable and run on every backend.

Hue and saturation are in [0, 1] as in TF1. Where a formula divides by a value that can be
0 (a black pixel's saturation, a grey pixel's hue), the division sees 1 instead and
``where`` picks TF1's answer, 0, so neither the value nor its gradient is NaN.
"""

import numpy as np

from .. import errors
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.linalg import matmul
from ..ops.movement import reshape, stack
from ..ops.random import random_uniform
from ..ops.shape_ops import shape
from ..ops.sources import constant, convert_to_tensor
from .color import _as_float, convert_image_dtype
from .common import fail


def _channels(images, what, floating=True):
    images = convert_to_tensor(images, name="images")
    if images.shape.ndims is not None and images.shape[-1] not in (3, None):
        raise fail(f"{what} needs 3 channels (the last axis), got {images.name!r} of shape "
                   f"{images.shape}")
    if floating and not images.dtype.is_floating:
        raise fail(f"{what} needs a float image, got {images.dtype.name} ({images.name})",
                   cls=errors.DTypeError)
    return images, [images[..., c] for c in range(3)]


def _nonzero(x):
    return ew.where(ew.greater(x, 0), x, ew.ones_like(x))


def _to_hsv(r, g, b):
    value = ew.maximum(ew.maximum(r, g), b)
    spread = value - ew.minimum(ew.minimum(r, g), b)
    zero = ew.zeros_like(value)
    saturation = ew.where(ew.greater(value, 0), spread / _nonzero(value), zero)
    norm = 1 / (6 * _nonzero(spread))
    hue = ew.where(ew.equal(r, value), norm * (g - b),
                   ew.where(ew.equal(g, value), norm * (b - r) + 2 / 6, norm * (r - g) + 4 / 6))
    hue = ew.where(ew.greater(spread, 0), hue, zero)
    return ew.where(ew.less(hue, 0), hue + 1, hue), saturation, value


def _to_rgb(hue, saturation, value):
    """Each channel is V (1 - S (1 - ramp)), its ramp a clipped tent of 6 H."""
    h6 = hue * 6

    def channel(ramp):
        ramp = ew.clip_by_value(ramp, 0, 1)
        return ((1 - saturation) + saturation * ramp) * value

    return [channel(ew.abs(h6 - 3) - 1), channel(2 - ew.abs(h6 - 2)),
            channel(2 - ew.abs(h6 - 4))]


def rgb_to_hsv(images, name=None):
    """RGB images (floats in [0, 1], channels last) as hue, saturation, value."""
    with name_scope(name, "RGBToHSV") as scope:
        _, (r, g, b) = _channels(images, "rgb_to_hsv")
        return stack(list(_to_hsv(r, g, b)), axis=-1, name=scope)


def hsv_to_rgb(images, name=None):
    """HSV images (floats in [0, 1], channels last) as RGB."""
    with name_scope(name, "HSVToRGB") as scope:
        _, (h, s, v) = _channels(images, "hsv_to_rgb")
        return stack(_to_rgb(h, s, v), axis=-1, name=scope)


def adjust_hue(image, delta, name=None):
    """RGB images with ``delta`` (in [-1, 1]) added to their hue, which wraps around."""
    with name_scope(name, "adjust_hue"):
        flt, dtype = _as_float(image)
        _, (r, g, b) = _channels(flt, "adjust_hue")
        h, s, v = _to_hsv(r, g, b)
        h = ew.floormod(h + ew.cast(delta, flt.dtype), 1)
        return convert_image_dtype(stack(_to_rgb(h, s, v), axis=-1), dtype)


def adjust_saturation(image, saturation_factor, name=None):
    """RGB images with their saturation multiplied by ``saturation_factor`` (clipped into
    [0, 1])."""
    with name_scope(name, "adjust_saturation"):
        flt, dtype = _as_float(image)
        _, (r, g, b) = _channels(flt, "adjust_saturation")
        h, s, v = _to_hsv(r, g, b)
        s = ew.clip_by_value(s * ew.cast(saturation_factor, flt.dtype), 0, 1)
        return convert_image_dtype(stack(_to_rgb(h, s, v), axis=-1), dtype)


def random_hue(image, max_delta, seed=None):
    """``adjust_hue`` by a delta drawn uniformly from [-max_delta, max_delta) each run
    (``max_delta`` in [0, 0.5])."""
    if not 0 <= max_delta <= 0.5:
        raise fail(f"random_hue: max_delta must be in [0, 0.5], got {max_delta}")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """``adjust_saturation`` by a factor drawn uniformly from [lower, upper) each run."""
    if upper <= lower:
        raise fail(f"random_saturation: upper must be > lower, got [{lower}, {upper})")
    if lower < 0:
        raise fail(f"random_saturation: lower must be non-negative, got {lower}")
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))


# -- linear colour spaces: one 3x3 matrix on the channel axis -----------------------------

_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _linear(kernel, what):
    def convert(images):
        with name_scope(None, what):
            images, _ = _channels(images, what)
            flat = reshape(images, [-1, 3])
            out = matmul(flat, constant(np.array(kernel), images.dtype))
            return reshape(out, shape(images))

    convert.__name__ = what
    return convert


rgb_to_yiq = _linear(_RGB_TO_YIQ, "rgb_to_yiq")
yiq_to_rgb = _linear(_YIQ_TO_RGB, "yiq_to_rgb")
rgb_to_yuv = _linear(_RGB_TO_YUV, "rgb_to_yuv")
yuv_to_rgb = _linear(_YUV_TO_RGB, "yuv_to_rgb")

rgb_to_yiq.__doc__ = "RGB images (floats, channels last) in YIQ."
yiq_to_rgb.__doc__ = "YIQ images (floats, channels last) in RGB."
rgb_to_yuv.__doc__ = "RGB images (floats, channels last) in YUV."
yuv_to_rgb.__doc__ = "YUV images (floats, channels last) in RGB."
