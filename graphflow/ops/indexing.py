"""NumPy-style indexing: ``tensor[...]`` and ``slice`` lower to one StridedSlice op.

The index is a static attr ``spec``: a tuple of items ``("index", i)``,
``("slice", start, stop, step)``, ``("ellipsis",)`` and ``("newaxis",)``. Indexing clamps
its slices to the value, as NumPy and TF1's strided_slice do; ``slice`` (TF1's begin and
size) refuses a block that does not fit, while building where the dims are known, else
when run (CheckSlice). An int tensor as the first index gathers rows (``x[idx]``).
"""

import numpy as np

from .. import errors
from ..graph import Tensor
from ..shapes import TensorShape
from .base import MOVEMENT, OpDef, Spec, static_ints, static_value
from .shape_ops import shape
from .sources import convert_to_tensor, static_shape_of


def expand_spec(spec, rank):
    """The shape rule of indexing: ``spec`` for a value of ``rank``, with the ellipsis
    (explicit or implied at the end) replaced by full slices, one item per axis read
    (plus the newaxis items). Raises ValueError for more indices than axes."""
    consumed = sum(item[0] in ("index", "slice") for item in spec)
    if consumed > rank:
        raise ValueError(f"too many indices ({consumed}) for a tensor of rank {rank}")
    full = ("slice", None, None, None)
    if ("ellipsis",) not in spec:
        spec = tuple(spec) + (("ellipsis",),)
    out = []
    for item in spec:
        out.extend([full] * (rank - consumed) if item == ("ellipsis",) else [item])
    return out


def _strided_slice_infer(inputs, *, spec):
    (x,) = inputs
    if x.shape.ndims is None:
        return Spec(TensorShape(None), x.dtype)
    dims, axis = [], 0
    for item in expand_spec(spec, x.shape.ndims):
        if item[0] == "newaxis":
            dims.append(1)
            continue
        d = x.shape.dims[axis]
        axis += 1
        if item[0] == "index":
            if d is not None and not -d <= item[1] < d:
                raise ValueError(f"index {item[1]} is out of bounds for axis {axis - 1} "
                                 f"of shape {x.shape}")
        else:
            if item[3] == 0:
                raise ValueError("slice step cannot be zero")
            dims.append(None if d is None else len(range(*slice(*item[1:]).indices(d))))
    return Spec(TensorShape(dims), x.dtype)


def _numpy_key(spec):
    convert = {"index": lambda i: i, "slice": lambda *a: slice(*a),
               "ellipsis": lambda: Ellipsis, "newaxis": lambda: None}
    return tuple(convert[item[0]](*item[1:]) for item in spec)


STRIDED_SLICE = OpDef("StridedSlice", MOVEMENT, _strided_slice_infer,
                      lambda x, *, spec: x[_numpy_key(spec)])


def _strided_slice_grad_reference(g, shape, *, spec):
    out = np.zeros(tuple(int(d) for d in shape), g.dtype)
    out[_numpy_key(spec)] = g
    return out


STRIDED_SLICE_GRAD = OpDef(
    "StridedSliceGrad", MOVEMENT,
    lambda inputs, *, spec: Spec(static_shape_of(inputs[1]), inputs[0].dtype),
    _strided_slice_grad_reference, shape_inputs=(1,))

STRIDED_SLICE.gradient(lambda op, g: [STRIDED_SLICE_GRAD(g, shape(op.inputs[0]),
                                                         spec=op.attrs["spec"])])
STRIDED_SLICE_GRAD.gradient(lambda op, g: [STRIDED_SLICE(g, spec=op.attrs["spec"]), None])


def _spec_item(k):
    if k is Ellipsis:
        return ("ellipsis",)
    if k is None:
        return ("newaxis",)
    if isinstance(k, slice):
        return ("slice",) + tuple(None if v is None else _static_int(v) for v in
                                  (k.start, k.stop, k.step))
    return ("index", _static_int(k))


def _static_int(v):
    if isinstance(v, Tensor):
        value = static_value(v)
        if value is None or value.ndim:
            raise errors.at_user_line(
                errors.DTypeError,
                f"an index tensor other than the first must be a known scalar; {v.name!r} is not")
        v = value.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise errors.at_user_line(
            errors.DTypeError,
            f"indices must be ints, slices, ..., newaxis or int tensors, not {v!r}")
    return int(v)


def getitem(tensor, key):
    """``tensor[key]`` with NumPy semantics for ints, slices, ``...`` and ``newaxis``;
    an int tensor (or list of ints) as the first index gathers along axis 0."""
    if not isinstance(key, tuple):
        key = (key,)
    if key and (isinstance(key[0], (Tensor, list, np.ndarray)) and not _is_static_scalar(key[0])):
        rows = _gather_rows(convert_to_tensor(tensor), key[0])
        rest = key[1:]
        if not rest:
            return rows
        return getitem(rows, (slice(None),) * (np.ndim(key[0]) if not isinstance(
            key[0], Tensor) else key[0].shape.ndims or 0) + rest)
    spec = tuple(_spec_item(k) for k in key)
    if spec.count(("ellipsis",)) > 1:
        raise errors.at_user_line(
            errors.ShapeError, "an index can only have a single ellipsis ('...')")
    return STRIDED_SLICE(convert_to_tensor(tensor), spec=spec, name="strided_slice")


def _gather_rows(x, key):
    """``x[key]`` for int indices ``key`` along axis 0. Indices known while building (a
    list, an array, a constant) follow NumPy: a negative one counts from the end, resolved
    here, as TF1 resolves ``x[-1]``; so does a scalar tensor (TF1's ``x[t]`` is a strided
    slice). A tensor of indices known only when run is ``gather``'s: one negative or past
    the end fails the run naming the op and its line, as tf.gather does."""
    from .gather import gather

    idx = convert_to_tensor(key)
    known = static_value(idx) if idx.dtype.is_integer else None
    if known is None:  # a scalar (of a rank known, or found when run) counts from the end
        return gather(x, idx if idx.shape.ndims else _from_end(x, idx, idx.shape.ndims is None))
    n = x.shape.dims[0] if x.shape.ndims else None
    if n is None:
        return gather(x, _from_end(x, idx) if (known < 0).any() else idx)
    bad = (known < -n) | (known >= n)
    if bad.any():
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"index {known[bad].flat[0]} is out of bounds for "
                                         f"axis 0 of {errors.describe(x)}")
    if (known < 0).any():
        idx = convert_to_tensor(np.where(known < 0, known + n, known).astype(known.dtype))
    return gather(x, idx)


def _from_end(x, idx, if_scalar=False):
    """``idx``, its negative entries counted from the end of x's axis 0 when run (with
    ``if_scalar``, only if idx turns out to be a scalar)."""
    from .elementwise import add, cast, equal, less, logical_and, where
    from .shape_ops import rank

    negative = less(idx, 0)
    if if_scalar:
        negative = logical_and(negative, equal(rank(idx), 0))
    return where(negative, add(idx, cast(shape(x)[0], idx.dtype)), idx)


def _is_static_scalar(k):
    return isinstance(k, Tensor) and k.shape.ndims == 0 and static_value(k) is not None


def slice_problem(dims, begin, size):
    """TF1's complaint about the first axis where the block at ``begin`` of ``size`` (-1:
    to the end) does not fit in ``dims`` (None for a dim not known), or None."""
    if len(dims) != len(begin) or len(begin) != len(size):
        return (f"Expected begin and size arguments to be 1-D tensors of size {len(dims)}, "
                f"but got shapes [{len(begin)}] and [{len(size)}] instead")
    for i, (d, b, s) in enumerate(zip(dims, begin, size)):
        if b < 0 or d is not None and b > d:
            return f"Expected begin[{i}] in [0, {'?' if d is None else d}], but got {b}"
        if s < -1 or d is not None and s > d - b:
            return f"Expected size[{i}] in [0, {'?' if d is None else d - b}], but got {s}"
    return None


def _check_slice_infer(inputs, *, begin, size):
    (x,) = inputs
    if x.shape.ndims is not None:
        problem = slice_problem(x.shape.dims, begin, size)
        if problem:
            raise ValueError(problem)
    return Spec(x.shape, x.dtype)


def check_slice_reference(x, *, begin, size):
    """``x`` itself if the block fits its shape; else the run fails with TF1's message."""
    problem = slice_problem(x.shape, begin, size)
    if problem:
        raise ValueError(problem)
    return x


# tf.slice's run-time check, where the dims are not known while building (reads no element)
CHECK_SLICE = OpDef("CheckSlice", MOVEMENT, _check_slice_infer, check_slice_reference,
                    same_elements=True)
CHECK_SLICE.gradient(lambda op, g: [g])


def slice_(input_, begin, size, name=None):
    """The block of ``input_`` starting at ``begin`` with ``size`` (-1: to the end).

    As TF1, a block that does not fit (a begin outside ``[0, dim]``, a size past the end)
    is an InvalidArgumentError: while building where the dims are known, else when run."""
    from ..graph import name_scope

    x = convert_to_tensor(input_)
    begin = [int(b) for b in np.ravel(static_ints(begin, "slice's begin"))]
    size = [int(s) for s in np.ravel(static_ints(size, "slice's size"))]
    dims = x.shape.dims if x.shape.ndims is not None else [None] * len(begin)
    problem = slice_problem(dims, begin, size)
    if problem:
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"{problem}: slice with begin {begin} and size "
                                         f"{size} of {errors.describe(x)}")
    spec = tuple(("slice", b, None if s == -1 else b + s, None) for b, s in zip(begin, size))
    with name_scope(name, "Slice") as scope:
        if x.shape.ndims is None or any(  # a block that may not fit when run
                d is None and (b, s) not in ((0, -1), (0, 0)) for d, b, s in zip(
                    x.shape.dims, begin, size)):
            x = CHECK_SLICE(x, begin=tuple(begin), size=tuple(size))
        out = STRIDED_SLICE(x, spec=spec, name=scope)
    out.set_shape([None if s == -1 else s for s in size])  # (TF1's: checked when run)
    return out
