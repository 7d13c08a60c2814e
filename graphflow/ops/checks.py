"""CheckShape: a tensor passed through unchanged if its shape is what a rule expects when
the graph runs. TF1's kernels refuse shapes that their shape functions could not judge
while building; NumPy would broadcast them instead (labels ``[n, 1]`` against logits
``[n, k]`` gave a ``[n, n]`` loss, a bias of 3 on a value ``[n, 1]`` a ``[n, 3]`` sum).
Only the shape is read: no element is touched, so the check costs nothing on a device."""

from .. import dtypes
from ..shapes import TensorShape
from .base import MOVEMENT, OpDef, Spec, require_dtype, static_value
from .elementwise import INT
from .sources import convert_to_tensor


def shape_fits(shape, dims, min_rank, what, pattern=None):
    """Raise the run's error unless ``shape`` has rank ``min_rank`` or more, is exactly
    ``dims`` where given, and fits ``pattern`` (dims, None for any) where given. ``what``
    may name ``{shape}`` and ``{dims}``."""
    shape = tuple(int(d) for d in shape)
    dims = None if dims is None else tuple(int(d) for d in dims)
    if len(shape) < min_rank or dims is not None and shape != dims or pattern is not None and (
            len(shape) != len(pattern) or any(p not in (None, d) for p, d in zip(pattern, shape))):
        raise ValueError(what.format(shape=shape, dims=dims))


def claim(t):
    """For a tensor whose shape the user set with set_shape: ``(what, pattern)`` for
    ``shape_fits``, so that a run that contradicts the claim fails naming its line."""
    at = t._claimed_at
    said = (f"which contradicts the shape {t.shape} set by set_shape at {at}: {at.code}"
            .replace("{", "{{").replace("}", "}}"))  # a path or a line may hold braces
    return f"{t.name!r} has shape {{shape}} when run, {said}", tuple(t.shape.dims)


def _check_shape_infer(inputs, *, min_rank, what, pattern=None):
    x, *dims = inputs
    shape = x.shape
    if shape.ndims is not None and shape.ndims < min_rank:
        raise ValueError(what.format(shape=shape, dims=None))
    if dims:
        require_dtype(dims[0], INT, "a checked shape")
        if dims[0].shape.ndims not in (1, None):
            raise ValueError(f"a checked shape must be a vector, not {dims[0].shape}")
        known = static_value(dims[0])
        if known is not None:  # what passes has these dims
            known = TensorShape([int(d) for d in known])
            if not shape.is_compatible_with(known):
                raise ValueError(what.format(shape=shape, dims=known))
            shape = shape.merge_with(known)
    return Spec(shape, x.dtype)


def _check_shape_reference(x, *dims, min_rank, what, pattern=None):
    shape_fits(x.shape, dims[0] if dims else None, min_rank, what, pattern)
    return x


CHECK_SHAPE = OpDef("CheckShape", MOVEMENT, _check_shape_infer, _check_shape_reference,
                    shape_inputs=(1,), same_elements=True)


@CHECK_SHAPE.gradient
def _check_shape_grad(op, g):
    return [g] + [None] * (len(op.inputs) - 1)


def check_shape(x, dims=None, what=None, min_rank=0, name=None):
    """``x`` unchanged if, when run, its rank is at least ``min_rank`` and its shape is the
    int vector ``dims`` (if given); otherwise the run fails with an InvalidArgumentError
    naming the op, its line and ``what`` (a message that may name ``{shape}``, x's shape
    when run, and ``{dims}``)."""
    x = convert_to_tensor(x)
    inputs = [x] if dims is None else [x, convert_to_tensor(dims, dtypes.int32)]
    what = what or "a tensor of shape {dims} was expected, not {shape}"
    return CHECK_SHAPE(*inputs, min_rank=int(min_rank), what=what, name=name or "CheckShape")
