"""DType objects and TF1's rules for turning Python and NumPy values into tensors."""

import numpy as np

from . import errors


class DType:
    """A tensor element type (``float32``, ``int32``, ...), convertible to and from NumPy."""

    __slots__ = ("name", "as_numpy_dtype", "as_datatype_enum")

    def __init__(self, name):
        self.name = name
        # strings are host-only values: NumPy object arrays of bytes, as TF1 hands them out
        # (TF1's as_numpy_dtype for them is Python's object)
        # (variant: a TensorArray's value, a host object)
        self.as_numpy_dtype = object if name in ("string", "variant") else np.dtype(name).type

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
        return self.np.kind in "iuf"

    @property
    def is_string(self):
        return self.name == "string"

    @property
    def is_variant(self):
        return self.name == "variant"

    @property
    def is_complex(self):
        return False  # graphflow has no complex dtypes

    @property
    def is_quantized(self):
        return False  # nor quantized ones

    @property
    def is_numpy_compatible(self):
        return True

    @property
    def real_dtype(self):
        """The dtype of a real part: the dtype itself (no complex dtypes here)."""
        return self

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

    def is_compatible_with(self, other):
        """TF1: the same dtype (graphflow has no reference dtypes to relax to)."""
        return self == other

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


def _limits(np_dtype):
    if np_dtype.kind not in "fiu":
        raise TypeError(f"{as_dtype(np_dtype)!r} has no minimum or maximum value (TF1 neither)")
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
string = DType("string")  # host-only: constants, placeholders and identities of bytes
variant = DType("variant")  # host-only: a TensorArray's value (ops/tensor_array.py)
half, double = float16, float64

_BY_NAME = {d.name: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_,
                                string, variant)}

# TF1's table, the one every dtype argument goes through. Strings are TF's names only: NumPy
# reads "float" as float64 and "int" as int64, TF1 reads "float" as float32 and refuses "int".
_TF_STRINGS = {**_BY_NAME, "half": float16, "float": float32, "double": float64}
# TF's DataType enum (DT_FLOAT = 1, ...), which old code and protos use
_TF_ENUMS = {1: float32, 2: float64, 3: int32, 4: uint8, 5: int16, 6: int8, 7: string, 9: int64,
             10: bool_, 19: float16, 21: variant}
for _enum, _dtype in _TF_ENUMS.items():
    _dtype.as_datatype_enum = _enum
# TF1 dtypes graphflow does not have: named in the error instead of "cannot interpret"
_TF_ONLY = ("uint16", "uint32", "uint64", "complex64", "complex128", "bfloat16", "qint8",
            "quint8", "qint16", "quint16", "qint32", "resource")


def as_dtype(value):
    """The DType for ``value``, by TF1's rules: a DType, one of TF's names (``"float"`` is
    float32, ``"double"`` float64, ``"half"`` float16; ``"float32_ref"`` is float32), the
    Python type ``float`` (float32) or ``bool``, a NumPy scalar type or dtype, or TF's
    DataType enum number. Anything else, ``int`` and NumPy-only spellings such as ``"f4"``
    included, is a DTypeError, as TF1 refuses them too."""
    if isinstance(value, DType):
        return value
    name = None
    if isinstance(value, str):
        name = value[:-4] if value.endswith("_ref") else value
        if name in _TF_STRINGS:
            return _TF_STRINGS[name]
    elif value is float or value is bool or value is object:
        return {float: float32, bool: bool_, object: string}[value]
    elif isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        dtype = np.dtype(value)
        name = "string" if dtype.kind in "OSU" else dtype.name
        if name in _BY_NAME:
            return _BY_NAME[name]
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        if int(value) in _TF_ENUMS:
            return _TF_ENUMS[int(value)]
    if name in _TF_ONLY or (name or "").startswith("complex"):
        raise errors.at_user_line(
            errors.DTypeError, f"graphflow has no dtype {name!r} (TF1 has it); supported: "
                               f"{', '.join(_BY_NAME)}")
    raise errors.at_user_line(
        errors.DTypeError, f"cannot interpret {value!r} as a dtype: TF1 takes a tf.DType, a "
                           f"name ({', '.join(_TF_STRINGS)}), float, bool or a NumPy type")


def infer_dtype(value):
    """The DType TF1 gives a Python or NumPy value when no dtype is requested.

    Python floats become float32 and ints int32 (int64 when they do not fit);
    NumPy arrays and scalars keep their own dtype.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        return as_dtype(value.dtype)
    if isinstance(value, (str, bytes)):
        return string
    try:
        arr = np.asarray(value)
    except UnicodeDecodeError:  # non-ASCII bytes beside str: NumPy wants one text type
        return string
    if arr.dtype.kind in "SU":
        return string
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
    if dtype is string:
        return _as_bytes_array(value)
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


def _as_bytes_array(value):
    """A NumPy object array of bytes (str encoded as UTF-8), TF1's string values."""
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for index, item in np.ndenumerate(arr):
        if isinstance(item, (str, np.str_)):
            item = item.encode("utf-8")
        if not isinstance(item, (bytes, np.bytes_)):
            raise TypeError(f"cannot convert {type(item).__name__} {item!r:.40} to a string")
        out[index] = bytes(item)
    return out
