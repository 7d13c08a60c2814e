"""Pixel values: TF1's dtype conversion of images (ints hold [0, MAX], floats [0, 1]),
brightness, contrast, gamma, standardization and grayscale, composed from elementwise ops
and reductions.

As in TF1, the adjustments compute in float32 (float16 stays float16) and convert back
to the image's dtype with saturation; the random ones draw their one number per run with
TF1's seeding rules.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.movement import concat
from ..ops.random import random_uniform
from ..ops.reduce import reduce_mean, reduce_prod
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor
from .common import fail, is_tensor

F32 = dtypes.float32


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """``image`` in ``dtype``, rescaled as TF1 does: an integer image spans [0, MAX] of its
    dtype, a float one [0, 1]. Ints to ints shift by the ratio of the ranges, ints to
    floats divide by MAX, floats to ints multiply by MAX + 0.5 and truncate (``saturate``
    clips first, so values outside [0, 1] do not wrap around); floats to floats cast."""
    image = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype)
    for what, d in (("dtype", dtype), ("image dtype", image.dtype)):
        if not (d.is_floating or d.is_integer):
            raise fail(f"convert_image_dtype: {what} must be a floating point or integer "
                       f"type, not {d.name}", cls=errors.DTypeError)
    if dtype == image.dtype:
        return ew.identity(image, name=name or "convert_image")
    with name_scope(name, "convert_image") as scope:
        src = image.dtype
        if src.is_integer and dtype.is_integer:
            if src.max > dtype.max:
                scaled = ew.floordiv(image, (src.max + 1) // (dtype.max + 1))
                return _cast(scaled, dtype, saturate, scope)
            cast = _cast(image, dtype, saturate)
            return ew.multiply(cast, (dtype.max + 1) // (src.max + 1), name=scope)
        if src.is_floating and dtype.is_floating:
            return ew.cast(image, dtype, name=scope)
        if src.is_integer:
            return ew.multiply(ew.cast(image, dtype), 1.0 / src.max, name=scope)
        scaled = ew.multiply(image, dtype.max + 0.5)  # + 0.5: 1.0 truncates to MAX, not MAX-1
        return _cast(scaled, dtype, saturate, scope)


def _cast(x, dtype, saturate, name=None):
    return saturate_cast(x, dtype, name) if saturate else ew.cast(x, dtype, name=name)


def saturate_cast(value, dtype, name=None):
    """``value`` cast to ``dtype`` after clipping it into ``dtype``'s range (the nearest
    representable bound for floats, so the cast never overflows)."""
    value = convert_to_tensor(value)
    dtype = dtypes.as_dtype(dtype)
    lo, hi = dtype.min, dtype.max
    if value.dtype.is_floating:
        kind = value.dtype.as_numpy_dtype
        lo, hi = kind(lo), kind(hi)
        if float(hi) > dtype.max:  # float32(2**31 - 1) is 2**31: take the float below
            hi = np.nextafter(hi, kind(0))
        if float(lo) < dtype.min:
            lo = np.nextafter(lo, kind(0))
    if value.dtype.min < lo:
        value = ew.maximum(value, lo)
    if value.dtype.max > hi:
        value = ew.minimum(value, hi)
    return ew.cast(value, dtype, name=name or "saturate_cast")


def _as_float(image):
    """(image in float32 unless it is float16/32, its dtype to convert back to)."""
    image = convert_to_tensor(image, name="image")
    if image.dtype in (dtypes.float16, F32):
        return image, image.dtype
    return convert_image_dtype(image, F32), image.dtype


def adjust_brightness(image, delta):
    """``image + delta`` (in float, for integer images on the [0, 1] scale), back in the
    image's dtype with saturation."""
    with name_scope(None, "adjust_brightness"):
        flt, dtype = _as_float(image)
        adjusted = ew.add(flt, ew.cast(delta, flt.dtype))
        return convert_image_dtype(adjusted, dtype, saturate=True)


def _at_least_3d(image, what):
    if image.shape.ndims is not None and image.shape.ndims < 3:
        raise fail(f"{what}: the image must have at least 3 dimensions (height, width, "
                   f"channels), got {image.name!r} of shape {image.shape}")


def adjust_contrast(images, contrast_factor):
    """Each channel of each image moved away from (factor > 1) or towards its mean over the
    image's height and width: ``(x - mean) * contrast_factor + mean``."""
    with name_scope(None, "adjust_contrast"):
        flt, dtype = _as_float(images)
        _at_least_3d(flt, "adjust_contrast")
        mean = reduce_mean(flt, axis=[-3, -2], keepdims=True)
        adjusted = (flt - mean) * ew.cast(contrast_factor, flt.dtype) + mean
        return convert_image_dtype(adjusted, dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * image ** gamma`` (on the [0, 1] scale for integer images)."""
    with name_scope(None, "adjust_gamma"):
        flt, dtype = _as_float(image)
        if not is_tensor(gamma) and gamma < 0:
            raise fail(f"adjust_gamma: gamma should be a non-negative real number, got {gamma}")
        adjusted = ew.multiply(ew.cast(gain, flt.dtype), ew.pow(flt, ew.cast(gamma, flt.dtype)))
        return convert_image_dtype(adjusted, dtype, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by a delta drawn uniformly from [-max_delta, max_delta) each
    run."""
    if max_delta < 0:
        raise fail(f"random_brightness: max_delta must be non-negative, got {max_delta}")
    delta = random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """``adjust_contrast`` by a factor drawn uniformly from [lower, upper) each run."""
    if upper <= lower:
        raise fail(f"random_contrast: upper must be > lower, got [{lower}, {upper})")
    if lower < 0:
        raise fail(f"random_contrast: lower must be non-negative, got {lower}")
    factor = random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, factor)


def per_image_standardization(image):
    """Each image scaled to mean 0 and variance 1 over its pixels and channels, in
    float32: ``(x - mean) / max(stddev, 1 / sqrt(num_pixels))``."""
    with name_scope(None, "per_image_standardization") as scope:
        image = convert_to_tensor(image, name="image")
        _at_least_3d(image, "per_image_standardization")
        image = ew.cast(image, F32)
        num_pixels = reduce_prod(shape(image)[-3:])
        mean = reduce_mean(image, axis=[-1, -2, -3], keepdims=True)
        centred = image - mean
        stddev = ew.sqrt(reduce_mean(ew.square(centred), axis=[-1, -2, -3], keepdims=True))
        floor = ew.rsqrt(ew.cast(num_pixels, F32))  # protects uniform images
        return ew.divide(centred, ew.maximum(stddev, floor), name=scope)


def rgb_to_grayscale(images, name=None):
    """One channel ``0.2989 R + 0.5870 G + 0.1140 B`` (in float32, back in the dtype of
    ``images``)."""
    with name_scope(name, "rgb_to_grayscale") as scope:
        images = convert_to_tensor(images, name="images")
        if images.shape.ndims is not None and images.shape[-1] not in (3, None):
            raise fail(f"rgb_to_grayscale needs 3 channels (the last axis), got "
                       f"{images.name!r} of shape {images.shape}")
        flt = convert_image_dtype(images, F32)
        r, g, b = (flt[..., c:c + 1] for c in range(3))
        gray = r * 0.2989 + g * 0.5870 + b * 0.1140
        return convert_image_dtype(gray, images.dtype, name=scope)


def grayscale_to_rgb(images, name=None):
    """The one channel of ``images`` repeated three times."""
    with name_scope(name, "grayscale_to_rgb") as scope:
        images = convert_to_tensor(images, name="images")
        if images.shape.ndims is not None and (
                images.shape.ndims < 2 or images.shape[-1] not in (1, None)):
            raise fail(f"grayscale_to_rgb needs one channel (a last axis of size 1), got "
                       f"{images.name!r} of shape {images.shape}")
        return concat([images] * 3, -1, name=scope)
