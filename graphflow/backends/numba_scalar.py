"""The scalar-expression language of elementwise ops, bound for Numba kernels.

Generated kernels do ``from graphflow.backends.numba_scalar import *``; each name of
``ops.elementwise.SCALAR_FUNCTIONS`` is defined here (``numpy_ref.SCALAR_NUMPY`` binds the
same names to NumPy for the tests).
"""

import math

import numpy as np
from numba import njit

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


__all__ = [
    "exp", "log", "log1p", "expm1", "sqrt", "tanh", "sin", "cos", "floor", "ceil", "rint",
    "sign", "maximum", "minimum", "floordiv", "floormod", "fabs", "select", "logical_not",
    "sigmoid", "cast_float16", "cast_float32", "cast_float64", "cast_int8", "cast_int16",
    "cast_int32", "cast_int64", "cast_uint8",
]
