"""DType objects and TF1's rules for turning Python and NumPy values into tensors."""

import numpy as np


class DType:
    """A tensor element type (``float32``, ``int32``, ...), convertible to and from NumPy."""

    __slots__ = ("name", "as_numpy_dtype")

    def __init__(self, name):
        self.name = name
        self.as_numpy_dtype = np.dtype(name).type

    @property
    def np(self):
        """The matching ``numpy.dtype``."""
        return np.dtype(self.as_numpy_dtype)

    @property
    def is_floating(self):
        return self.np.kind == "f"

    @property
    def is_integer(self):
        return self.np.kind in "iu"

    @property
    def is_unsigned(self):
        return self.np.kind == "u"

    @property
    def is_bool(self):
        return self.np.kind == "b"

    @property
    def is_numeric(self):
        return not self.is_bool

    @property
    def size(self):
        return self.np.itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return _limits(self.np).min

    @property
    def max(self):
        return _limits(self.np).max

    def __eq__(self, other):
        if isinstance(other, DType):
            return other is self
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


def _limits(np_dtype):
    return np.finfo(np_dtype) if np_dtype.kind == "f" else np.iinfo(np_dtype)


float16 = DType("float16")
float32 = DType("float32")
float64 = DType("float64")
int8 = DType("int8")
int16 = DType("int16")
int32 = DType("int32")
int64 = DType("int64")
uint8 = DType("uint8")
bool_ = DType("bool")
half, double = float16, float64

_BY_NAME = {d.name: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)}


def as_dtype(value):
    """Return the DType for a DType, a name, a NumPy dtype or a NumPy/Python scalar type."""
    if isinstance(value, DType):
        return value
    if value is bool:
        return bool_
    if value is float:
        return float32
    if value is int:
        return int32
    try:
        name = np.dtype(value).name
    except TypeError:
        raise TypeError(f"cannot interpret {value!r} as a graphflow dtype") from None
    if name not in _BY_NAME:
        raise TypeError(f"graphflow has no dtype {name!r}; supported: {', '.join(_BY_NAME)}")
    return _BY_NAME[name]


def infer_dtype(value):
    """The DType TF1 gives a Python or NumPy value when no dtype is requested.

    Python floats become float32 and ints int32 (int64 when they do not fit);
    NumPy arrays and scalars keep their own dtype.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        return as_dtype(value.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return float32
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < np.iinfo(np.int32).min or arr.max() > np.iinfo(np.int32).max):
            return int64
        return int32
    if arr.dtype.kind == "b":
        return bool_
    raise TypeError(f"cannot convert {type(value).__name__} {value!r:.60} to a tensor")


def convert_value(value, dtype):
    """``value`` as a NumPy array of ``dtype``; TypeError if that would change its meaning.

    Python and NumPy values alike are accepted when every element survives the
    conversion (so ``1.0`` fits int32, ``1.5`` does not; ``300`` does not fit uint8).
    """
    dtype = as_dtype(dtype)
    arr = np.asarray(value)
    if arr.dtype == dtype.np:
        return arr
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"cannot convert {type(value).__name__} to {dtype.name}")
    if _is_safe_cast(arr, dtype):
        return arr.astype(dtype.np)
    raise TypeError(f"cannot convert a {arr.dtype.name} value to {dtype.name} without loss")


def _is_safe_cast(arr, dtype):
    src, dst = arr.dtype, dtype.np
    if np.can_cast(src, dst, "same_kind") and not (src.kind in "iu" and dst.kind in "iu"):
        return True  # float->float, int->float, bool->anything
    if src.kind == "f" and dst.kind == "b":
        return False
    with np.errstate(all="ignore"):
        converted = arr.astype(dst)
        back = converted.astype(src)
    return bool(np.all(back == arr))
