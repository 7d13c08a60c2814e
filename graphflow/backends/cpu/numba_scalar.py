"""The scalar-expression language of elementwise ops, bound for Numba kernels.

Generated kernels do ``from graphflow.backends.numba_scalar import *``; each name of
``ops.elementwise.SCALAR_FUNCTIONS`` is defined here (``numpy_ref.SCALAR_NUMPY`` binds the
same names to NumPy for the tests).
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ..scalar_code import SCALAR_NAMES

exp, log, log1p, expm1 = math.exp, math.log, math.log1p, math.expm1
sqrt, tanh, sin, cos = math.sqrt, math.tanh, math.sin, math.cos
floor, ceil, rint, sign = np.floor, np.ceil, np.rint, np.sign
maximum, minimum = np.maximum, np.minimum
floordiv, floormod = np.floor_divide, np.mod
isnan, isinf, isfinite = math.isnan, math.isinf, math.isfinite  # (kernels assume no fast NaNs)
cast_float16, cast_float32, cast_float64 = np.float16, np.float32, np.float64
cast_int8, cast_int16, cast_int32, cast_int64 = np.int8, np.int16, np.int32, np.int64
cast_uint8 = np.uint8


@njit(inline="always")
def fabs(x):
    return abs(x)


@njit(inline="always")
def select(condition, a, b):
    return a if condition else b


@njit(inline="always")
def logical_not(x):
    return not x


@njit(inline="always")
def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# -- float32 approximations ------------------------------------------------------------------
# llvmlite from PyPI has no SVML, so calls to expf/tanhf stay scalar and a fused kernel ran
# slower than NumPy's SIMD loops. These inline and vectorize: exp32 is Cephes' expf
# polynomial with the power of two built from bits; tanh32 is the published minimax
# rational approximation on [-7.9, 7.9] (Eigen uses the same); sigmoid32 is
# 0.5 + 0.5 tanh32(x / 2). Measured against float64 math over [-100, 100]: exp32 relative
# error < 3e-7 (0 below -87.34, where float32 would be denormal), tanh32 absolute error
# < 4e-7, sigmoid32 absolute error < 2e-7 (tests/test_numba_scalar.py checks these).

@intrinsic
def _float32_from_bits(typingctx, bits):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@njit(inline="always", error_model="numpy")
def exp32(x):
    c = min(max(x, np.float32(-87.33654)), np.float32(88.72283))
    n = np.floor(c * np.float32(1.44269504) + np.float32(0.5))
    r = c - n * np.float32(0.693359375) - n * np.float32(-2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    y = p * r * r + r + np.float32(1)
    half = np.int32(n) >> np.int32(1)  # 2^n as 2^half * 2^(n-half): both stay normal
    y = y * _float32_from_bits((half + np.int32(127)) << np.int32(23))
    y = y * _float32_from_bits((np.int32(n) - half + np.int32(127)) << np.int32(23))
    y = y if x <= np.float32(88.72283) else np.float32(np.inf)
    y = y if x >= np.float32(-87.33654) else np.float32(0)  # flush what would be denormal
    return y if x == x else x  # NaN stays NaN


@njit(inline="always", error_model="numpy")
def tanh32(x):
    # a rational function of x (odd numerator of degree 13, even denominator of degree 6)
    # on x clamped to +-7.9, where float32 tanh is +-1: one division, no exp, no branch
    c = min(max(x, np.float32(-7.90531110763549805)), np.float32(7.90531110763549805))
    z = c * c
    p = np.float32(-2.76076847742355e-16)
    p = p * z + np.float32(2.00018790482477e-13)
    p = p * z + np.float32(-8.60467152213735e-11)
    p = p * z + np.float32(5.12229709037114e-08)
    p = p * z + np.float32(1.48572235717979e-05)
    p = p * z + np.float32(6.37261928875436e-04)
    p = p * z + np.float32(4.89352455891786e-03)
    q = np.float32(1.19825839466702e-06)
    q = q * z + np.float32(1.18534705686654e-04)
    q = q * z + np.float32(2.26843463243900e-03)
    q = q * z + np.float32(4.89352518554385e-03)
    t = c * p / q
    t = t if abs(x) >= np.float32(0.0004) else x  # tanh(x) = x in float32 there
    return t if x == x else x


@njit(inline="always", error_model="numpy")
def sigmoid32(x):
    return np.float32(0.5) + np.float32(0.5) * tanh32(np.float32(0.5) * x)


__all__ = list(SCALAR_NAMES)
