"""Movement ops: they rearrange, copy or select elements without arithmetic.

Structural arguments (axis, perm, paddings, multiples, split sizes) are static attrs;
a *shape* argument is an int32 tensor input, so ``reshape(x, tf.shape(y))`` works.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape, normalize_axis, run_axis
from .base import (
    MOVEMENT,
    OpDef,
    Spec,
    require_dtype,
    require_same_dtype,
    static_ints,
    static_value,
)
from .elementwise import INT
from .sources import convert_to_tensor, shape_tensor, static_shape_of

# -- reshape ----------------------------------------------------------------------------------

def _reshape_infer(inputs):
    x, shape_t = inputs
    require_dtype(shape_t, INT, "reshape's shape")
    value = static_value(shape_t)
    if value is None:
        return Spec(static_shape_of(shape_t), x.dtype)
    target = [int(d) for d in np.ravel(value)]
    if sum(d == -1 for d in target) > 1 or any(d < -1 for d in target):
        raise ValueError(f"reshape's shape {target} may hold at most one -1 and no other negative")
    size = x.shape.num_elements()
    known = int(np.prod([d for d in target if d != -1]))
    if -1 in target:
        if size is not None and (known == 0 or size % known):
            raise ValueError(f"cannot reshape a tensor of {size} elements into shape {target}")
        fill = size // known if size is not None else None
        return Spec(TensorShape([fill if d == -1 else d for d in target]), x.dtype)
    if size is not None and size != known:
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} ({size} elements) "
                         f"into shape {target} ({known} elements)")
    return Spec(TensorShape(target), x.dtype)


RESHAPE = OpDef("Reshape", MOVEMENT, _reshape_infer,
                lambda x, shape: np.reshape(x, tuple(int(d) for d in shape)), shape_inputs=(1,),
                same_elements=True)


def reshape(tensor, shape, name=None):
    """``tensor`` with a new shape of the same size; one dim may be -1 (inferred)."""
    return RESHAPE(convert_to_tensor(tensor), shape_tensor(shape), name=name or "Reshape")


# -- axis permutations ------------------------------------------------------------------------

def _transpose_infer(inputs, *, perm):
    (x,) = inputs
    if perm is None:
        return Spec(TensorShape(None if x.shape.ndims is None else x.shape.dims[::-1]), x.dtype)
    if sorted(perm) != list(range(len(perm))) or (
            x.shape.ndims is not None and len(perm) != x.shape.ndims):
        raise ValueError(f"perm {list(perm)} is not a permutation of the axes of {x.shape}")
    if x.shape.ndims is None:
        return Spec(TensorShape([None] * len(perm)), x.dtype)
    return Spec(TensorShape([x.shape.dims[p] for p in perm]), x.dtype)


TRANSPOSE = OpDef("Transpose", MOVEMENT, _transpose_infer,
                  lambda x, *, perm: np.transpose(x, perm))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute the axes of ``a`` (default: reverse them)."""
    a = convert_to_tensor(a)
    if perm is None and a.shape.ndims is not None:
        perm = list(range(a.shape.ndims))[::-1]
    perm = None if perm is None else tuple(static_ints(perm, "transpose's perm"))
    return TRANSPOSE(a, perm=perm, name=name)


def _expand_dims_infer(inputs, *, axis):
    (x,) = inputs
    if x.shape.ndims is None:
        return Spec(TensorShape(None), x.dtype)
    dims = list(x.shape.dims)
    dims.insert(axis, 1)
    return Spec(TensorShape(dims), x.dtype)


EXPAND_DIMS = OpDef("ExpandDims", MOVEMENT, _expand_dims_infer,
                    lambda x, *, axis: np.expand_dims(x, axis), same_elements=True)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002 (TF1 name)
    """Insert a size-1 axis at ``axis`` (negative counts from the end)."""
    x = convert_to_tensor(input)
    axis = static_ints(axis if axis is not None else dim, "expand_dims's axis")
    if x.shape.ndims is not None:
        axis = normalize_axis(axis, x.shape.ndims + 1)
    return EXPAND_DIMS(x, axis=axis, name=name or "ExpandDims")


def _squeeze_infer(inputs, *, axis):
    (x,) = inputs
    if x.shape.ndims is None:
        return Spec(TensorShape(None), x.dtype)
    if axis is None:
        if any(d is None for d in x.shape.dims):
            return Spec(TensorShape(None), x.dtype)
        return Spec(TensorShape([d for d in x.shape.dims if d != 1]), x.dtype)
    for a in axis:
        if x.shape.dims[a] not in (1, None):
            raise ValueError(f"cannot squeeze axis {a} of shape {x.shape}: its size is not 1")
    return Spec(TensorShape([d for i, d in enumerate(x.shape.dims) if i not in axis]), x.dtype)


SQUEEZE = OpDef("Squeeze", MOVEMENT, _squeeze_infer,
                lambda x, *, axis: np.squeeze(x, axis), same_elements=True)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002 (TF1 name)
    """Remove size-1 axes (all of them, or those in ``axis``)."""
    x = convert_to_tensor(input)
    axis = axis if axis is not None else squeeze_dims
    if axis is not None:
        axis = static_ints(axis, "squeeze's axis")
        axis = tuple(sorted(normalize_axis(a, x.shape.ndims) for a in np.ravel(axis)))
    return SQUEEZE(x, axis=axis, name=name or "Squeeze")


# -- joining and splitting --------------------------------------------------------------------

def _concat_infer(inputs, *, axis):
    dtype = require_same_dtype(inputs)
    ranks = {t.shape.ndims for t in inputs} - {None}
    if len(ranks) > 1:
        raise ValueError("concat's inputs must have the same rank, got shapes "
                         + ", ".join(str(t.shape) for t in inputs))
    if not ranks:
        return Spec(TensorShape(None), dtype)
    rank = ranks.pop()
    axis = normalize_axis(axis, rank)
    dims = []
    some_unknown = any(t.shape.ndims is None for t in inputs)  # its size along axis too
    for i in range(rank):
        column = [t.shape.dims[i] for t in inputs if t.shape.ndims is not None]
        if i == axis:
            dims.append(None if None in column or some_unknown else sum(column))
        else:
            known = {d for d in column if d is not None}
            if len(known) > 1:
                raise ValueError(f"concat on axis {axis}: dimension {i} differs between shapes "
                                 + ", ".join(str(t.shape) for t in inputs))
            dims.append(known.pop() if known else None)
    return Spec(TensorShape(dims), dtype)


CONCAT = OpDef("ConcatV2", MOVEMENT, _concat_infer,
               lambda *xs, axis: np.concatenate(xs, axis=axis))


def concat(values, axis, name="concat"):
    """Join tensors along an existing ``axis``."""
    values = [convert_to_tensor(v) for v in values]
    if len(values) == 1:
        return values[0]
    return CONCAT(*values, axis=int(static_ints(axis, "concat's axis")), name=name)


def _pack_infer(inputs, *, axis):
    dtype = require_same_dtype(inputs)
    shape = inputs[0].shape
    for t in inputs[1:]:
        if not shape.is_compatible_with(t.shape):
            raise ValueError("stack's inputs must have one shape, got "
                             + ", ".join(str(t.shape) for t in inputs))
        shape = shape.merge_with(t.shape)
    if shape.ndims is None:
        return Spec(TensorShape(None), dtype)
    dims = list(shape.dims)
    dims.insert(normalize_axis(axis, len(dims) + 1), len(inputs))
    return Spec(TensorShape(dims), dtype)


PACK = OpDef("Pack", MOVEMENT, _pack_infer, lambda *xs, axis: np.stack(xs, axis=axis))


def stack(values, axis=0, name="stack"):
    """Join tensors of one shape along a new ``axis``."""
    first = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [convert_to_tensor(v, None if first is None else first.dtype) for v in values]
    return PACK(*tensors, axis=int(axis), name=name)


def _unpack_infer(inputs, *, num, axis):
    (x,) = inputs
    if x.shape.ndims is None:
        return [Spec(TensorShape(None), x.dtype)] * num
    dims = list(x.shape.dims)
    del dims[axis]
    return [Spec(TensorShape(dims), x.dtype)] * num


def check_unpack(shape, num, axis):
    """unstack's num was fixed while building: a run-time dim of another size would leave
    outputs unset or drop some (TF1's Unpack fails the run)."""
    if not -len(shape) <= axis < len(shape) or shape[axis] != num:
        raise ValueError(f"unstack of num={num} along axis {axis} got a tensor of shape "
                         f"{tuple(shape)}")


def _unpack_reference(x, *, num, axis):
    check_unpack(x.shape, num, axis)
    return tuple(np.moveaxis(x, axis, 0))


UNPACK = OpDef("Unpack", MOVEMENT, _unpack_infer, _unpack_reference)


def unstack(value, num=None, axis=0, name="unstack"):
    """Split along ``axis`` into a list of tensors with that axis removed."""
    x = convert_to_tensor(value)
    if x.shape.ndims is not None:
        axis = normalize_axis(axis, x.shape.ndims)
        num = num if num is not None else x.shape.dims[axis]
    if num is None:
        raise errors.at_user_line(
            errors.ShapeError,
            f"unstack cannot infer num from {x.name!r} of shape {x.shape}; pass num")
    return UNPACK(x, num=int(num), axis=int(axis), name=name)


def _split_infer(inputs, *, sizes, axis):
    (x,) = inputs
    if x.shape.ndims is None:
        return [Spec(TensorShape(None), x.dtype)] * len(sizes)
    dim = x.shape.dims[axis]
    out = []
    for s in resolve_split(sizes, dim):
        dims = list(x.shape.dims)
        dims[axis] = s
        out.append(Spec(TensorShape(dims), x.dtype))
    return out


def resolve_split(sizes, dim):
    """The shape rule of Split and SplitV: ``sizes`` along a dimension of ``dim``, with -1
    (the rest) and 0 (an equal share, from num) resolved if possible (None where unknown).
    Raises ValueError for sizes that do not add up to ``dim``."""
    if dim is None:
        return [None if s <= 0 else s for s in sizes]
    if all(s == 0 for s in sizes):
        if dim % len(sizes):
            raise ValueError(f"cannot split a dimension of {dim} into {len(sizes)} equal parts")
        return [dim // len(sizes)] * len(sizes)
    rest = dim - sum(s for s in sizes if s > 0)
    out = [rest if s == -1 else s for s in sizes]
    if sum(out) != dim or min(out) < 0:
        raise ValueError(f"split sizes {list(sizes)} do not add up to the dimension {dim}")
    return out


def _split_reference(x, *, sizes, axis):
    sizes = resolve_split(sizes, x.shape[run_axis(axis, x.ndim, "split's axis")])
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


SPLIT = OpDef("Split", MOVEMENT, _split_infer, _split_reference)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split along ``axis`` into ``num_or_size_splits`` equal parts, or parts of the given
    sizes (one may be -1)."""
    x = convert_to_tensor(value)
    axis = normalize_axis(static_ints(axis, "split's axis"), x.shape.ndims)
    n = static_ints(num_or_size_splits, "split's num_or_size_splits")
    sizes = (0,) * n if isinstance(n, int) else tuple(n)
    return SPLIT(x, sizes=sizes, axis=axis, name=name)


def _split_v_infer(inputs, *, num, axis):
    x, sizes_t = inputs
    require_dtype(sizes_t, INT, "split's sizes")
    sizes = static_value(sizes_t)
    if sizes is not None:
        return _split_infer([x], sizes=tuple(int(v) for v in sizes), axis=axis)
    if x.shape.ndims is None:
        return [Spec(TensorShape(None), x.dtype)] * num
    dims = list(x.shape.dims)
    dims[axis] = None
    return [Spec(TensorShape(dims), x.dtype)] * num


SPLIT_V = OpDef("SplitV", MOVEMENT, _split_v_infer,
                lambda x, sizes, *, num, axis: _split_reference(x, sizes=tuple(sizes), axis=axis),
                shape_inputs=(1,))


def split_v(value, sizes, axis, name="split"):
    """Split along ``axis`` into parts whose sizes are an int tensor known at run time."""
    sizes = convert_to_tensor(sizes)
    return SPLIT_V(value, sizes, num=int(sizes.shape[0]), axis=axis, name=name)


# -- tile and pad -----------------------------------------------------------------------------

def _tile_infer(inputs, *, multiples):
    (x,) = inputs
    if x.shape.ndims is not None and len(multiples) != x.shape.ndims:
        raise ValueError(f"tile needs one multiple per axis of {x.shape}, got {list(multiples)}")
    dims = x.shape.dims or [None] * len(multiples)
    return Spec(TensorShape([None if d is None else d * m for d, m in zip(dims, multiples)]),
                x.dtype)


def check_per_axis(shape, per_axis, what):
    """A static attr with one entry per axis of an input whose rank was unknown while
    building: NumPy's tile and pad would broadcast a shorter one (a result of a rank the
    static shape denies); TF1 fails the run."""
    if len(per_axis) != len(shape):
        raise ValueError(f"{what} per axis of a tensor of shape {tuple(shape)}, got "
                         f"{[list(p) if isinstance(p, tuple) else p for p in per_axis]}")


def _tile_reference(x, *, multiples):
    check_per_axis(x.shape, multiples, "tile needs one multiple")
    return np.tile(x, multiples)


TILE = OpDef("Tile", MOVEMENT, _tile_infer, _tile_reference)


def tile(input, multiples, name=None):  # noqa: A002 (TF1 name)
    """Repeat ``input`` ``multiples[i]`` times along axis i (``multiples`` may be an int
    tensor known only at run time, such as ``[tf.shape(y)[0], 1]``)."""
    x = convert_to_tensor(input)
    if isinstance(multiples, (list, tuple)) and any(isinstance(m, Tensor) for m in multiples):
        multiples = convert_to_tensor(multiples)
    if isinstance(multiples, Tensor) and static_value(multiples) is None:
        return _tile_at_run_time(x, multiples, name)
    return TILE(x, multiples=tuple(static_ints(multiples, "multiples")), name=name or "Tile")


def _tile_at_run_time(x, multiples, name):
    """x viewed as ``[1, d0, 1, d1, ...]``, broadcast to ``[m0, d0, m1, d1, ...]`` and each
    pair merged: composed of primitives, so the gradient comes with them."""
    from .. import dtypes
    from ..graph import name_scope
    from .broadcast import broadcast_to
    from .elementwise import cast, ones_like
    from .shape_ops import shape

    if not multiples.dtype.is_integer:
        raise errors.at_user_line(errors.DTypeError, f"tile's multiples must be ints, got "
                                                     f"{errors.describe(multiples)}")
    k, rank = multiples.shape[0] if multiples.shape.ndims == 1 else None, x.shape.ndims
    if multiples.shape.ndims not in (1, None) or None not in (k, rank) and k != rank:
        raise errors.at_user_line(
            errors.ShapeError, f"tile needs one multiple per axis of {errors.describe(x)}, "
                               f"got multiples {errors.describe(multiples)}")
    with name_scope(name, "Tile"):
        dims, times = shape(x), cast(multiples, dtypes.int32)

        def pairs(first):
            return reshape(stack([first, dims], axis=1), [-1])

        out = reshape(broadcast_to(reshape(x, pairs(ones_like(dims))), pairs(times)),
                      dims * times)
    # x's rank (stacking the multiples with x's dims fails the run unless they match)
    out.set_shape(TensorShape(None if rank is None else [None] * rank))
    return out


def _pad_infer(inputs, *, paddings, mode, constant_values):
    (x,) = inputs
    if x.shape.ndims is not None and len(paddings) != x.shape.ndims:
        raise ValueError(f"pad needs one (before, after) pair per axis of {x.shape}")
    dims = x.shape.dims or [None] * len(paddings)
    return Spec(TensorShape([None if d is None else d + a + b
                             for d, (a, b) in zip(dims, paddings)]), x.dtype)


def _pad_reference(x, *, paddings, mode, constant_values):
    check_per_axis(x.shape, paddings, "pad needs one (before, after) pair")
    if mode == "CONSTANT":
        return np.pad(x, paddings, constant_values=constant_values)
    for axis, (before, after) in enumerate(paddings):
        check_mirror_padding(x.shape[axis], before, after, mode, axis)
    return np.pad(x, paddings, mode=mode.lower())


def check_mirror_padding(n, before, after, mode, axis):
    """A mirror never repeats: REFLECT pads at most n - 1 elements, SYMMETRIC n (TF1)."""
    edge = 1 if mode == "REFLECT" else 0
    if max(before, after) > n - edge:
        raise ValueError(f"{mode} padding of ({before}, {after}) on axis {axis} needs at least "
                         f"{max(before, after) + edge} elements there, not {n}")


PAD = OpDef("Pad", MOVEMENT, _pad_infer, _pad_reference)


def _mirror_pad_grad_infer(inputs, *, paddings, mode):
    (g,) = inputs
    dims = g.shape.dims or [None] * len(paddings)
    return Spec(TensorShape([None if d is None else d - a - b
                             for d, (a, b) in zip(dims, paddings)]), g.dtype)


def _mirror_pad_grad_reference(g, *, paddings, mode):
    """Each padded element's gradient added onto the element it mirrors."""
    edge = 1 if mode == "REFLECT" else 0  # REFLECT mirrors around the edge element
    for axis, (before, after) in enumerate(paddings):
        moved = np.moveaxis(g, axis, 0)
        n = moved.shape[0] - before - after
        check_mirror_padding(n, before, after, mode, axis)
        core = moved[before:before + n].copy()
        core[edge:edge + before] += moved[before - 1::-1][:before]
        core[n - after - edge:n - edge] += moved[:before + n - 1:-1][:after]
        g = np.moveaxis(core, 0, axis)
    return g


# the gradient of REFLECT and SYMMETRIC padding (TF1's MirrorPadGrad)
MIRROR_PAD_GRAD = OpDef("MirrorPadGrad", MOVEMENT, _mirror_pad_grad_infer,
                        _mirror_pad_grad_reference)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad each axis with ``paddings[i] = (before, after)`` values (CONSTANT, REFLECT or
    SYMMETRIC)."""
    mode = mode.upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"pad's mode must be CONSTANT, REFLECT or SYMMETRIC, not {mode!r}")
    pads = tuple(tuple(p) for p in static_ints(paddings, "paddings"))
    tensor = convert_to_tensor(tensor)
    return PAD(tensor, paddings=pads, mode=mode,
               constant_values=_pad_value(tensor, constant_values), name=name or "Pad")


def _pad_value(tensor, value):
    """``constant_values`` as a scalar of the tensor's dtype, as TF1 converts it (1.7 does not
    pad ints); a number 0 pads strings with b"", TF1's plain Pad."""
    if isinstance(value, Tensor):
        known = static_value(value)
        if known is None:
            raise errors.at_user_line(
                errors.InvalidArgumentError,
                f"pad's constant_values {value.name!r} must be known while the graph is built")
        value = known
    if tensor.dtype.is_string and not isinstance(value, (str, bytes)) and np.ndim(value) == 0 \
            and np.asarray(value).dtype.kind in "biuf" and value == 0:
        return b""
    try:
        converted = dtypes.convert_value(value, tensor.dtype)
    except (TypeError, ValueError) as e:
        raise errors.at_user_line(
            errors.DTypeError, f"pad's constant_values {value!r:.40} cannot pad the "
                               f"{tensor.dtype.name} tensor {tensor.name!r}: {e}") from None
    if converted.ndim:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"pad's constant_values must be a scalar, not {value!r:.40}")
    return converted.item()


# -- gradient rules -------------------------------------------------------------------------

def _like_input(op, g):
    from .shape_ops import shape

    return reshape(g, shape(op.inputs[0]))


def _filled(op, grads):
    """Output gradients with the missing ones replaced by zeros."""
    from .elementwise import zeros_like

    return [zeros_like(t) if g is None else g for t, g in zip(op.outputs, grads)]


RESHAPE.gradient(lambda op, g: [_like_input(op, g), None])
EXPAND_DIMS.gradient(lambda op, g: [_like_input(op, g)])
SQUEEZE.gradient(lambda op, g: [_like_input(op, g)])
PACK.gradient(lambda op, g: unstack(g, num=len(op.inputs), axis=op.attrs["axis"]))
UNPACK.gradient(lambda op, *gs: [stack(_filled(op, gs), axis=op.attrs["axis"])])
SPLIT.gradient(lambda op, *gs: [concat(_filled(op, gs), op.attrs["axis"])])
SPLIT_V.gradient(lambda op, *gs: [concat(_filled(op, gs), op.attrs["axis"]), None])


@TRANSPOSE.gradient
def _transpose_grad(op, g):
    perm = op.attrs["perm"]
    return [transpose(g, None if perm is None else list(np.argsort(perm)))]


@CONCAT.gradient
def _concat_grad(op, g):
    from .shape_ops import shape

    axis = normalize_axis(op.attrs["axis"], op.inputs[0].shape.ndims)
    sizes = stack([shape(x)[axis] for x in op.inputs])
    return split_v(g, sizes, axis)


@TILE.gradient
def _tile_grad(op, g):
    """Fold each tiled axis i into (multiples[i], dim i) and sum over the copies."""
    from .reduce import reduce_sum
    from .shape_ops import shape

    x, multiples = op.inputs[0], op.attrs["multiples"]
    dims = shape(x)
    folded = stack([v for i, m in enumerate(multiples) for v in (m, dims[i])])
    return [reduce_sum(reshape(g, folded), axis=list(range(0, 2 * len(multiples), 2)))]


@PAD.gradient
def _pad_grad(op, g):
    from .indexing import STRIDED_SLICE

    if op.attrs["mode"] != "CONSTANT":
        return [MIRROR_PAD_GRAD(g, paddings=op.attrs["paddings"], mode=op.attrs["mode"])]
    spec = tuple(("slice", a, -b if b else None, None) for a, b in op.attrs["paddings"])
    return [STRIDED_SLICE(g, spec=spec)]


@MIRROR_PAD_GRAD.gradient
def _mirror_pad_grad_grad(op, g):  # folding is linear: its adjoint is the mirror padding
    return [PAD(g, paddings=op.attrs["paddings"], mode=op.attrs["mode"], constant_values=0)]

