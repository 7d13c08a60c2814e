"""What the image functions share: a 4-D view of 3-D or 4-D images, sizes that stay
Python ints when they are known while the graph is built, and argument errors at the
user's line."""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, control_dependencies
from ..ops import elementwise as ew
from ..ops.base import static_value
from ..ops.gather import check_indices
from ..ops.movement import concat, expand_dims, reshape, squeeze
from ..ops.shape_ops import rank as rank_of
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor


def fail(message, cls=errors.InvalidArgumentError):
    """A graphflow error for a bad argument, at the user's line (TF1 raises ValueError)."""
    return errors.at_user_line(cls, message)


def known(value):
    """An int for a value known while the graph is built (a Python int, or an int tensor
    with a static value), else the int32 scalar tensor. A float is refused, as TF1 refuses
    it (``int()`` would truncate 1.5 to a size or offset of 1)."""
    if isinstance(value, Tensor):
        if not value.dtype.is_integer:
            raise fail(f"sizes, offsets and turns of images are ints, got "
                       f"{errors.describe(value)}", errors.DTypeError)
        v = static_value(value)
        if v is None or v.ndim:
            return value if value.dtype == dtypes.int32 else ew.cast(value, dtypes.int32)
        value = v
    elif isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise fail(f"sizes, offsets and turns of images are ints, got {value!r}",
                   errors.DTypeError)
    return int(value)


def is_tensor(value):
    return isinstance(value, Tensor)


def dim(x, axis):
    """Size of ``x`` along ``axis``: an int when static, else an int32 scalar tensor."""
    d = x.shape[axis] if x.shape.ndims is not None else None
    return d if d is not None else shape(x)[axis]


def tensor_dim(x, axis):
    """Size of ``x`` along ``axis`` as an int32 scalar tensor (a constant when static)."""
    n = dim(x, axis)
    return n if is_tensor(n) else convert_to_tensor(n, dtypes.int32)


def known_float(t):
    """A scalar tensor's value as a float if it is known while the graph is built."""
    v = static_value(t)
    return None if v is None or v.ndim else float(v)


def image_tensor(image, what, name="image"):
    image = convert_to_tensor(image, name=name)
    if image.shape.ndims is not None and image.shape.ndims not in (3, 4):
        raise fail(f"{what}: the image must have 3 dimensions (height, width, channels) or 4 "
                   f"(batch first), got {image.name!r} of shape {image.shape}", errors.ShapeError)
    return image


def as_batch(image, what, unknown_rank="3-D"):
    """(a 4-D view of ``image``, a function that gives a 4-D result the image's rank back).

    A 3-D image becomes a batch of one. For a tensor of unknown rank TF1's crops and pads
    assume a single 3-D image (``unknown_rank="3-D"``, the result has rank 3), its flips
    and rotations handle either rank when the graph runs (``"either"``: the leading axes
    are merged into one batch axis, and split again afterwards)."""
    image = image_tensor(image, what)
    rank = image.shape.ndims
    if rank == 4:
        return image, lambda y: y
    if rank == 3 or unknown_rank == "3-D":
        if rank is None:  # TF1 takes it as one image; a batch fed here fails the run
            check = check_indices(rank_of(image) - 3, 1, f"{what}: an image of unknown rank "
                                                         "is taken as one 3-D image (TF1); "
                                                         "its rank less 3")
            with control_dependencies([check.op]):
                image = ew.identity(image)
        batch = expand_dims(image, 0)
        batch.set_shape([None] * 4)
        return batch, lambda y: squeeze(y, [0])
    dims = shape(image)
    batch = reshape(image, concat([[-1], dims[-3:]], 0))
    batch.set_shape([None] * 4)
    return batch, lambda y: reshape(y, concat([dims[:-3], shape(y)[1:]], 0))


def set_dims(y, dims):
    """Narrow ``y``'s static shape to ``dims`` (ints, None, or tensors: unknown)."""
    y.set_shape([d if isinstance(d, int) else None for d in dims])
    return y
