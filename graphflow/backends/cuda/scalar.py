"""The scalar-expression language of elementwise ops, bound for numba.cuda kernels.

Generated CUDA kernels do ``from graphflow.backends.cuda.scalar import *``: the names of
``cpu/numba_scalar`` as inlined device functions. On a GPU the primitives are ``math.*``
(libdevice; float32 in, float32 out). In the simulator kernels are plain Python, where
``math.exp`` raises on overflow and ``math.log`` on negatives, so there the primitives
are NumPy's (inf and NaN as on the device); the composites below run in both.

Kernels are compiled with fastmath (flush-to-zero, approximate division), under which
``math.exp``, ``math.log``, ``math.sin`` and ``math.cos`` on float32 become __expf,
__logf... (their error grows with |x|, or is absolute near 1) and ``math.tanh`` becomes
tanh.approx (about 2^-11 relative). So float32 kernels call libdevice's expf, tanhf, logf,
sinf and cosf by name: <= 2 ulp each (CUDA C Programming Guide, single-precision
functions), denormal results flushed to 0. ``sigmoid32`` is e / (1 + e) or 1 / (1 + e)
with e = expf(-|x|): <= 4 ulp where sigmoid(x) is a normal float32 (x >= -87.33), by
those bounds and the approximate division's 2 ulp (derived; not yet measured on a GPU).
"""

import math

import numpy as np

from ..scalar_code import SCALAR_NAMES
from .env import _import_cuda, is_simulator

cuda = _import_cuda()
_device = cuda.jit(device=True, inline=True)

if is_simulator():
    exp, log, log1p, expm1 = np.exp, np.log, np.log1p, np.expm1
    sqrt, tanh, sin, cos = np.sqrt, np.tanh, np.sin, np.cos
    floor, ceil, _fmod = np.floor, np.ceil, np.fmod
    isnan, isinf, isfinite = np.isnan, np.isinf, np.isfinite
    exp32, tanh32, log32, sin32, cos32 = exp, tanh, log, sin, cos
else:
    from numba.cuda import libdevice

    exp, log, log1p, expm1 = math.exp, math.log, math.log1p, math.expm1
    sqrt, tanh, sin, cos = math.sqrt, math.tanh, math.sin, math.cos
    floor, ceil, _fmod = math.floor, math.ceil, math.fmod
    exp32, tanh32, log32 = libdevice.expf, libdevice.tanhf, libdevice.logf
    sin32, cos32 = libdevice.sinf, libdevice.cosf

    # kernels compile with fastmath, under which LLVM may assume there is no NaN or inf and
    # fold ``x != x`` to False; libdevice's tests are compiled without those flags
    @_device
    def isnan(x):
        return libdevice.isnand(x) != 0

    @_device
    def isinf(x):
        return libdevice.isinfd(x) != 0

    @_device
    def isfinite(x):
        return libdevice.isfinited(x) != 0

cast_float16, cast_float32, cast_float64 = np.float16, np.float32, np.float64
cast_int8, cast_int16, cast_int32, cast_int64 = np.int8, np.int16, np.int32, np.int64
cast_uint8 = np.uint8


@_device
def fabs(x):
    return abs(x)


@_device
def select(condition, a, b):
    return a if condition else b


@_device
def logical_not(x):
    return not x


@_device
def sigmoid(x):
    e = exp(-abs(x))  # never overflows; e / (1 + e) keeps the negative tail's digits
    return (1 if x >= 0 else e) / (1 + e)


@_device
def sigmoid32(x):
    e = exp32(-abs(x))
    return (np.float32(1) if x >= 0 else e) / (np.float32(1) + e)


@_device
def maximum(a, b):
    if a != a or b != b:  # NaN wins, as in np.maximum
        return a + b
    return a if a >= b else b


@_device
def minimum(a, b):
    if a != a or b != b:
        return a + b
    return a if a <= b else b


@_device
def sign(x):
    if x > 0:
        return x - x + 1
    if x < 0:
        return x - x - 1
    return x  # 0 and NaN stay themselves


@_device
def rint(x):
    f = floor(x)
    d = x - f
    if d > 0.5 or d == 0.5 and _fmod(f, 2) != 0:  # halfway rounds to even
        return f + 1
    return f


@_device
def floordiv(a, b):
    return a // b


@_device
def floormod(a, b):
    return a % b


__all__ = list(SCALAR_NAMES)
