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

exp, log, log1p, expm1 = math.exp, math.log, math.log1p, math.expm1
sqrt, tanh, sin, cos = math.sqrt, math.tanh, math.sin, math.cos
floor, ceil, rint, sign = np.floor, np.ceil, np.rint, np.sign
maximum, minimum = np.maximum, np.minimum
floordiv, floormod = np.floor_divide, np.mod
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
# slower than NumPy's SIMD loops. These polynomial versions (Cephes' expf and tanhf
# coefficients) inline and vectorize. Measured against float64 math over [-90, 90]:
# exp32 relative error < 3e-7 (0 below -87.34 where float32 would be denormal), tanh32
# and sigmoid32 absolute error < 2e-7 (tests/test_numba_scalar.py checks these bounds).

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
    a = abs(x)
    z = x * x
    small = np.float32(-5.70498872745e-3)
    small = small * z + np.float32(2.06390887954e-2)
    small = small * z + np.float32(-5.37397155531e-2)
    small = small * z + np.float32(1.33314422036e-1)
    small = small * z + np.float32(-3.33332819422e-1)
    small = small * z * x + x
    large = np.float32(1) - np.float32(2) / (exp32(np.float32(2) * a) + np.float32(1))
    large = large if x >= 0 else -large
    return small if a < np.float32(0.625) else large


@njit(inline="always", error_model="numpy")
def sigmoid32(x):
    return np.float32(1) / (np.float32(1) + exp32(-x))


__all__ = [
    "exp32", "tanh32", "sigmoid32",
    "exp", "log", "log1p", "expm1", "sqrt", "tanh", "sin", "cos", "floor", "ceil", "rint",
    "sign", "maximum", "minimum", "floordiv", "floormod", "fabs", "select", "logical_not",
    "sigmoid", "cast_float16", "cast_float32", "cast_float64", "cast_int8", "cast_int16",
    "cast_int32", "cast_int64", "cast_uint8",
]
