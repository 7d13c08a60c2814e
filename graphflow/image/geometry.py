"""Flips, rotations, crops and pads of 3-D images or 4-D batches (NHWC), TF1's
``tf.image`` functions composed from slices, gathers, pads and ``where``.

Offsets and sizes may be ints or int32 tensors (known only when the graph runs): a
known box is a slice or a pad, an unknown one gathers the rows it keeps (``gather``
checks them against the image when the graph runs) or concatenates zeros around the
image. A random flip chooses with ``where``, both sides computed (graphflow has no
``tf.cond``): each image of a batch gets its own coin, as in TF1.
"""

import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.gather import check_indices, gather
from ..ops.movement import concat, pad, reshape, stack
from ..ops.movement import transpose as permute
from ..ops.random import random_uniform
from ..ops.shape_ops import shape
from ..ops.sources import constant, convert_to_tensor, fill
from ..ops.sources import range as range_
from .common import (
    as_batch,
    dim,
    fail,
    image_tensor,
    is_tensor,
    known,
    known_float,
    set_dims,
    tensor_dim,
)

# -- flips and rotations ----------------------------------------------------------------------

def _reverse(x, axis):
    n = dim(x, axis)
    return gather(x, range_(n - 1, -1, -1), axis=axis)


def _flip(image, axis, what):
    with name_scope(None, what):
        batch, restore = as_batch(image, what, unknown_rank="either")
        return restore(_reverse(batch, axis))


def flip_left_right(image):
    """Mirror each image horizontally (reverse the width axis)."""
    return _flip(image, 2, "flip_left_right")


def flip_up_down(image):
    """Mirror each image vertically (reverse the height axis)."""
    return _flip(image, 1, "flip_up_down")


def _random_flip(image, axis, seed, what):
    with name_scope(None, what):
        batch, restore = as_batch(image, what, unknown_rank="either")
        coins = random_uniform(reshape(tensor_dim(batch, 0), [1]), seed=seed)
        heads = reshape(ew.less(coins, 0.5), [-1, 1, 1, 1])
        return restore(ew.where(heads, _reverse(batch, axis), batch))


def random_flip_left_right(image, seed=None):
    """Mirror each image horizontally with probability 1/2 (each image of a batch by its
    own draw; TF1 seeding)."""
    return _random_flip(image, 2, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Mirror each image vertically with probability 1/2 (each image of a batch by its
    own draw; TF1 seeding)."""
    return _random_flip(image, 1, seed, "random_flip_up_down")


def transpose_image(image, name=None):
    """Swap the height and width axes of each image."""
    with name_scope(name, "transpose"):
        batch, restore = as_batch(image, "transpose_image", unknown_rank="either")
        return restore(permute(batch, [0, 2, 1, 3]))


transpose = transpose_image


def rot90(image, k=1, name=None):
    """Rotate each image counter-clockwise by ``k`` quarter turns; ``k`` may be an int32
    scalar tensor (then the result's height and width are known when the graph runs)."""
    with name_scope(name, "rot90"):
        batch, restore = as_batch(image, "rot90", unknown_rank="either")
        k = known(k)
        if is_tensor(k):
            return restore(_rot90_dynamic(batch, ew.floormod(k, 4)))
        k %= 4
        if k == 1:
            batch = permute(_reverse(batch, 2), [0, 2, 1, 3])
        elif k == 2:
            batch = _reverse(_reverse(batch, 1), 2)
        elif k == 3:
            batch = _reverse(permute(batch, [0, 2, 1, 3]), 2)
        return restore(batch)


def _rot90_dynamic(x, k):
    """rot90 by a quarter-turn count known only at run time: the output pixel (i, j)
    reads one input pixel, (i, j), (j, W-1-i), (H-1-i, W-1-j) or (H-1-j, i) for k = 0..3;
    one gather of the flattened image for all four."""
    h, w = tensor_dim(x, 1), tensor_dim(x, 2)
    odd = ew.equal(ew.floormod(k, 2), 1)
    out_h, out_w = ew.where(odd, w, h), ew.where(odd, h, w)
    i = reshape(range_(out_h), [-1, 1])
    j = reshape(range_(out_w), [1, -1])

    def by_k(*choices):
        chosen = choices[3]
        for turns in (2, 1, 0):
            chosen = ew.where(ew.equal(k, turns), choices[turns], chosen)
        return chosen

    row = by_k(i, j, h - 1 - i, h - 1 - j)  # where broadcasts [out_h, 1] and [1, out_w]
    col = by_k(j, w - 1 - i, w - 1 - j, i)
    dims = shape(x)
    flat = reshape(x, stack([dims[0], h * w, dims[3]]))
    out = gather(flat, reshape(row * w + col, [-1]), axis=1)
    out = reshape(out, stack([dims[0], out_h, out_w, dims[3]]))
    side = x.shape[1] if x.shape[1] == x.shape[2] else None  # a square stays square
    return set_dims(out, [x.shape[0], side, side, x.shape[3]])


# -- crops and pads ---------------------------------------------------------------------------

_AXES = {1: "row", 2: "column"}


def _crop_axis(x, axis, offset, size, what):
    """``size`` elements of ``x`` from ``offset`` along ``axis``: a slice when the box and
    the axis are known while the graph is built, else a gather of checked indices."""
    n = dim(x, axis)
    if not any(map(is_tensor, (offset, size, n))):
        if (offset, size) == (0, n):
            return x
        return x[(slice(None),) * axis + (slice(offset, offset + size),)]
    index = check_indices(range_(size) + offset, n, f"{what}: the box's {_AXES[axis]}")
    return gather(x, index, axis=axis)


def _check_box(what, *checks):
    """Static parts of TF1's box checks: ``checks`` are (value, minimum, message)."""
    for value, least, message in checks:
        if not is_tensor(value) and value < least:
            raise fail(f"{what}: {message}")


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height`` x ``target_width`` box of each image whose top-left corner is
    at (``offset_height``, ``offset_width``); ints or int32 scalar tensors."""
    with name_scope(None, "crop_to_bounding_box"):
        batch, restore = as_batch(image, "crop_to_bounding_box")
        oh, ow, th, tw = map(known, (offset_height, offset_width, target_height, target_width))
        h, w = dim(batch, 1), dim(batch, 2)
        _check_box("crop_to_bounding_box", (ow, 0, "offset_width must be >= 0"),
                   (oh, 0, "offset_height must be >= 0"), (tw, 1, "target_width must be > 0"),
                   (th, 1, "target_height must be > 0"))
        if not any(map(is_tensor, (w, tw, ow))) and w < tw + ow:
            raise fail(f"crop_to_bounding_box: width must be >= target + offset "
                       f"({w} < {tw} + {ow})")
        if not any(map(is_tensor, (h, th, oh))) and h < th + oh:
            raise fail(f"crop_to_bounding_box: height must be >= target + offset "
                       f"({h} < {th} + {oh})")
        what = "crop_to_bounding_box"
        out = _crop_axis(_crop_axis(batch, 1, oh, th, what), 2, ow, tw, what)
        return restore(set_dims(out, [batch.shape[0], th, tw, batch.shape[3]]))


def _pad_axis(x, axis, before, after):
    if not is_tensor(before) and not is_tensor(after):
        if before == after == 0:
            return x
        return pad(x, [[0, 0]] * axis + [[before, after]] + [[0, 0]] * (3 - axis))
    dims = shape(x)

    def zeros(n):
        if is_tensor(n):  # a negative size would fail in fill, less clearly
            n = check_indices(n, np.iinfo(np.int32).max,
                              "pad_to_bounding_box: a padding (offset, or target - offset - "
                              "size)")
        return fill(concat([dims[:axis], reshape(n, [1]), dims[axis + 1:]], 0),
                    constant(0, x.dtype))

    return concat([zeros(before), x, zeros(after)], axis)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Each image placed at (``offset_height``, ``offset_width``) in a
    ``target_height`` x ``target_width`` image of zeros; ints or int32 scalar tensors."""
    with name_scope(None, "pad_to_bounding_box"):
        batch, restore = as_batch(image, "pad_to_bounding_box")
        oh, ow, th, tw = map(known, (offset_height, offset_width, target_height, target_width))
        after_h = th - oh - dim(batch, 1)
        after_w = tw - ow - dim(batch, 2)
        _check_box("pad_to_bounding_box", (oh, 0, "offset_height must be >= 0"),
                   (ow, 0, "offset_width must be >= 0"),
                   (after_w, 0, "width must be <= target - offset"),
                   (after_h, 0, "height must be <= target - offset"))
        out = _pad_axis(_pad_axis(batch, 1, oh, after_h), 2, ow, after_w)
        return restore(set_dims(out, [batch.shape[0], th, tw, batch.shape[3]]))


def _max(a, b):
    return ew.maximum(a, b) if is_tensor(a) or is_tensor(b) else max(a, b)


def _min(a, b):
    return ew.minimum(a, b) if is_tensor(a) or is_tensor(b) else min(a, b)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Each image cropped or padded with zeros to ``target_height`` x ``target_width``,
    centred (crops take the centre; pads put the image in the centre)."""
    with name_scope(None, "resize_image_with_crop_or_pad"):
        batch, restore = as_batch(image, "resize_image_with_crop_or_pad")
        th, tw = known(target_height), known(target_width)
        _check_box("resize_image_with_crop_or_pad", (tw, 1, "target_width must be > 0"),
                   (th, 1, "target_height must be > 0"))
        h, w = dim(batch, 1), dim(batch, 2)
        dh, dw = th - h, tw - w
        cropped = crop_to_bounding_box(batch, _max(-dh // 2, 0), _max(-dw // 2, 0),
                                       _min(th, h), _min(tw, w))
        return restore(pad_to_bounding_box(cropped, _max(dh // 2, 0), _max(dw // 2, 0),
                                           th, tw))


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in (0, 1]) of each image's height and width."""
    with name_scope(None, "central_crop"):
        image = image_tensor(image, "central_crop")
        fraction = central_fraction
        if is_tensor(fraction):
            value = known_float(fraction)
            fraction = fraction if value is None else value
        if not is_tensor(fraction):
            if not 0.0 < fraction <= 1.0:
                raise fail(f"central_crop: central_fraction must be within (0, 1], "
                           f"got {fraction}")
            if fraction == 1.0:
                return image
        if image.shape.ndims is None:
            raise fail("central_crop: the image must have rank 3 or 4, its rank is unknown")
        batch, restore = as_batch(image, "central_crop")
        starts = [_crop_start(dim(batch, a), fraction) for a in (1, 2)]
        sizes = [dim(batch, a) - 2 * s for a, s in zip((1, 2), starts)]
        return restore(crop_to_bounding_box(batch, *starts, *sizes))


def _crop_start(n, fraction):
    """TF1's start of the central box: (n - n * fraction) / 2 truncated, in float64."""
    if not is_tensor(n) and not is_tensor(fraction):
        return int((float(n) - float(n) * fraction) / 2)
    nf = ew.cast(n, dtypes.float64) if is_tensor(n) else constant(float(n), dtypes.float64)
    f = ew.cast(convert_to_tensor(fraction), dtypes.float64)
    return ew.cast((nf - nf * f) / 2.0, dtypes.int32)
