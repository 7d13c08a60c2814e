"""``gf.image``: TF1's ``tf.image`` functions for image pipelines (resizing, flips and
rotations, crops and pads, colour adjustments), composed from graphflow's primitive ops so
that gradients and every backend come with them. Images are 3-D ``[height, width,
channels]`` or 4-D ``[batch, height, width, channels]``."""

from .. import errors as _errors
from .. import tf1_names as _tf1_names
from ..ops.random import random_crop  # noqa: E402, F401 (tf.image.random_crop is tf.random_crop)
from .color import (  # noqa: F401
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    convert_image_dtype,
    grayscale_to_rgb,
    per_image_standardization,
    random_brightness,
    random_contrast,
    rgb_to_grayscale,
)
from .colorspace import (  # noqa: F401
    adjust_hue,
    adjust_saturation,
    hsv_to_rgb,
    random_hue,
    random_saturation,
    rgb_to_hsv,
    rgb_to_yiq,
    rgb_to_yuv,
    yiq_to_rgb,
    yuv_to_rgb,
)
from .geometry import (  # noqa: F401
    central_crop,
    crop_to_bounding_box,
    flip_left_right,
    flip_up_down,
    pad_to_bounding_box,
    random_flip_left_right,
    random_flip_up_down,
    resize_image_with_crop_or_pad,
    resize_with_crop_or_pad,
    rot90,
    transpose,
    transpose_image,
)
from .measures import image_gradients, psnr, sobel_edges, total_variation  # noqa: F401
from .resize import (  # noqa: F401
    ResizeMethod,
    resize,
    resize_area,
    resize_bicubic,
    resize_bilinear,
    resize_image_with_pad,
    resize_images,
    resize_nearest_neighbor,
)

_errors.wrap_public(globals())

__getattr__ = _tf1_names.module_getattr("tf.image", __name__)  # a TF1 name we lack: say so
