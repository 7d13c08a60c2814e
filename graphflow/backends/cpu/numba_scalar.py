"""The scalar-expression language of elementwise ops, bound for Numba kernels.

Generated kernels do ``from graphflow.backends.cpu.numba_scalar import *``; each name of
``ops.elementwise.SCALAR_FUNCTIONS`` is defined here (``numpy_ref.SCALAR_NUMPY`` binds the
same names to NumPy for the tests), and so are the float32 functions that float32 kernels
call instead (``scalar_code.float32_expression``). Their error over every float32 input,
in ulps of the exact result (tests/faults/test_float32_accuracy.py checks a dense sweep):

- ``exp32``: <= 1.01 ulp where exp(x) is a normal float32 (x in [-87.33, 88.72]); a
  denormal result within one unit of 2^-149, 0 below -103.97, inf above 88.72283.
- ``sigmoid32``: <= 2.41 ulp where sigmoid(x) is a normal float32 (x >= -87.33), so
  ``log(sigmoid(x))`` is as accurate as float32 allows there; denormal below, 0 below
  -103.97. ``tanh32``: <= 4.9 ulp for every x, 0 ulp (x itself) for |x| < 0.0004.
- ``log32``, ``sin32``, ``cos32``: libm's logf, sinf, cosf (< 1 ulp).
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ..scalar_code import SCALAR_NAMES

exp, log, log1p, expm1 = math.exp, math.log, math.log1p, math.expm1
sqrt, tanh, sin, cos = math.sqrt, math.tanh, math.sin, math.cos
log32, sin32, cos32 = math.log, math.sin, math.cos  # calls, but accurate (no SVML to match)
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
    e = math.exp(-abs(x))  # never overflows; e / (1 + e) keeps the negative tail's digits
    return (1 if x >= 0 else e) / (1 + e)


# -- float32 exp, tanh and sigmoid -----------------------------------------------------------
# llvmlite from PyPI has no SVML, so calls to expf/tanhf stay scalar and a fused kernel ran
# slower than NumPy's SIMD loops. These inline and vectorize (no calls; both sides of each
# choice are computed and one is selected). How each gets its bound (see the docstring):
#
# - exp32: Cephes' expf. n = round(x / ln 2), r = x - n ln 2 with ln 2 in two parts (Cody
#   and Waite), exp(r) by a degree-7 polynomial, times 2^n built from bits as two normal
#   factors, so that results down to the denormals round once and are not flushed to 0.
# - tanh32: the minimax rational approximation on [-7.9, 7.9] that Eigen uses (one division,
#   no exp); x itself near 0, and +-1 from 9.0109 on, where float32 tanh rounds to +-1.
#   Cephes' tanhf (a polynomial, then 1 - 2 / (exp(2x) + 1)) is <= 1.5 ulp but made W1's
#   fused expression 1.6 times slower (a microbenchmark).
# - sigmoid32: e = exp(-|x|), then 1 / (1 + e) for x >= 0 and e / (1 + e) below: nothing
#   cancels. Never 0.5 + 0.5 tanh(x / 2): it rounds away everything under 2^-25, so
#   log(sigmoid(-50)) came out as -15.9 rather than -50.
#
# The bounds hold under the kernels' fastmath flags: 'contract' only fuses into FMAs, and
# without 'nsz' LLVM does not merge the two parts of ln 2; nothing sets flush-to-zero on the
# CPU. Measured on all float32 inputs with those flags.

@intrinsic
def _float32_from_bits(typingctx, bits):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@njit(inline="always", error_model="numpy")
def _exp_parts(c):
    """(y, n) with exp(c) = y 2^n, for c in [-104, 88.72283]; NaN stays NaN in y."""
    n = np.rint(c * np.float32(1.44269504))
    r = c - n * np.float32(0.693359375) - n * np.float32(-2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    return p * r * r + r + np.float32(1), np.int32(n)


@njit(inline="always", error_model="numpy")
def _pow2(k):
    """2^k for k in [-126, 127], from its bits."""
    return _float32_from_bits((k + np.int32(127)) << np.int32(23))


@njit(inline="always", error_model="numpy")
def exp32(x):
    # exp(-104) < 2^-150 rounds to 0; exp(88.72283) is the largest finite result. max and
    # min keep their first argument when it is NaN, and so does exp's arithmetic.
    y, n = _exp_parts(min(max(x, np.float32(-104)), np.float32(88.72283)))
    half = n >> np.int32(1)  # 2^n as 2^half 2^(n - half): both stay normal, and a
    y = y * _pow2(half) * _pow2(n - half)  # denormal result is rounded once
    return np.float32(np.inf) if x > np.float32(88.72283) else y


@njit(inline="always", error_model="numpy")
def tanh32(x):
    # a rational function of x (odd numerator of degree 13, even denominator of degree 6)
    # on x clamped to its domain, +-7.9: one division, no exp, no branch
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
    t = t if abs(x) >= np.float32(0.0004) else x  # tanh(x) = x in float32 there (and NaN)
    # from 9.0109 on tanh(x) rounds to +-1, which the clamped rational stops 4 ulp short of
    return math.copysign(np.float32(1), x) if abs(x) > np.float32(9.0109134) else t


@njit(inline="always", error_model="numpy")
def sigmoid32(x):
    y, n = _exp_parts(max(-abs(x), np.float32(-104)))
    e = y * _pow2(n + np.int32(64)) * np.float32(2.0 ** -64)  # n <= 0: one variable factor
    return (np.float32(1) if x >= 0 else e) / (np.float32(1) + e)


__all__ = list(SCALAR_NAMES)
