"""TensorShape with unknown (``None``) dims and unknown rank, broadcasting, axis helpers."""

import numpy as np

from . import errors


class TensorShape:
    """A static shape: a tuple of dims (``int`` or ``None``), or unknown rank (``dims is None``)."""

    __slots__ = ("dims",)

    def __init__(self, dims):
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif dims is not None:
            if isinstance(dims, (int, np.integer)):
                dims = (dims,)
            dims = tuple(_as_dim(d) for d in dims)
        self.dims = dims

    @property
    def ndims(self):
        return None if self.dims is None else len(self.dims)

    rank = ndims

    def as_list(self):
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape")
        return list(self.dims)

    def is_fully_defined(self):
        return self.dims is not None and all(d is not None for d in self.dims)

    def num_elements(self):
        """The element count, or None when a dim is unknown."""
        return int(np.prod(self.dims, dtype=np.int64)) if self.is_fully_defined() else None

    def is_compatible_with(self, other):
        other = as_shape(other)
        if self.dims is None or other.dims is None:
            return True
        return len(self.dims) == len(other.dims) and all(
            a is None or b is None or a == b for a, b in zip(self.dims, other.dims)
        )

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError when they conflict."""
        other = as_shape(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"shapes {self} and {other} are not compatible")
        if self.dims is None:
            return other
        if other.dims is None:
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self.dims, other.dims)])

    def concatenate(self, other):
        other = as_shape(other)
        if self.dims is None or other.dims is None:
            return TensorShape(None)
        return TensorShape(self.dims + other.dims)

    def with_rank(self, rank):
        return self.merge_with(TensorShape([None] * rank))

    def __len__(self):
        if self.dims is None:
            raise ValueError("cannot take the length of a shape with unknown rank")
        return len(self.dims)

    def __iter__(self):
        if self.dims is None:
            raise ValueError("cannot iterate over a shape with unknown rank")
        return iter(self.dims)

    def __getitem__(self, key):
        if self.dims is None:
            return TensorShape(None) if isinstance(key, slice) else None
        if isinstance(key, slice):
            return TensorShape(self.dims[key])
        return self.dims[key]

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self.dims == other.dims

    def __hash__(self):
        return hash(self.dims)

    def __repr__(self):
        return "TensorShape(None)" if self.dims is None else f"TensorShape({list(self.dims)})"

    def __str__(self):
        if self.dims is None:
            return "<unknown>"
        return "(" + ", ".join("?" if d is None else str(d) for d in self.dims) + (
            ",)" if len(self.dims) == 1 else ")"
        )


def _as_dim(d):
    if d is None or (hasattr(d, "value") and d.value is None):
        return None
    d = int(d)
    if d < 0:
        raise ValueError(f"dimension {d} must be >= 0 or None")
    return d


def as_shape(value):
    return value if isinstance(value, TensorShape) else TensorShape(value)


def unknown_shape(rank=None):
    return TensorShape(None if rank is None else [None] * rank)


def broadcast_shapes(*shapes):
    """Static NumPy broadcasting with ``None`` dims; raises ValueError when dims clash."""
    if any(s.dims is None for s in shapes):
        return TensorShape(None)
    rank = max((len(s.dims) for s in shapes), default=0)
    out = []
    for i in range(rank):
        known, has_unknown = set(), False
        for s in shapes:
            j = i - (rank - len(s.dims))
            if j < 0:
                continue
            d = s.dims[j]
            if d is None:
                has_unknown = True
            elif d != 1:
                known.add(d)
        if len(known) > 1:
            raise ValueError("shapes " + " and ".join(str(s) for s in shapes) + " do not broadcast")
        if known:
            out.append(known.pop())
        else:
            out.append(None if has_unknown else 1)
    return TensorShape(out)


def normalize_axis(axis, ndims, what="axis"):
    """A non-negative axis for a rank ``ndims`` tensor (``ndims`` may be None: kept as given)."""
    axis = int(axis)
    if ndims is None:
        return axis
    if not -ndims <= axis < ndims:
        raise errors.at_user_line(
            errors.ShapeError, f"{what} {axis} is out of range for a tensor of rank {ndims}")
    return axis % ndims if ndims else axis


def run_axis(axis, ndims, what="axis"):
    """A non-negative axis for a value of rank ``ndims`` when the graph runs (an axis given
    while the rank was unknown is kept as given): out of range fails the run, where taking
    it modulo the rank would silently pick another axis."""
    axis = int(axis)
    if not -ndims <= axis < ndims:
        raise ValueError(f"{what} {axis} is out of range for a value of rank {ndims}")
    return axis % ndims


def normalize_axes(axis, ndims):
    """Reduction axes as a sorted tuple; ``None`` means all axes (kept None if rank unknown)."""
    if axis is None:
        return None if ndims is None else tuple(range(ndims))
    if isinstance(axis, (int, np.integer)):
        axis = [axis]
    axes = [normalize_axis(a, ndims) for a in np.asarray(axis, dtype=np.int64).ravel()]
    if ndims is None and any(a < 0 for a in axes):
        return tuple(axes)
    if len(set(axes)) != len(axes):
        raise errors.at_user_line(errors.ShapeError, f"axis {list(axes)} repeats an axis")
    return tuple(sorted(axes))
