"""The float32 functions of generated kernels stay within the bounds their module states,
compiled with the kernels' fastmath flags, on a sample of every 10007th float32 bit pattern
plus the edges (all 2^32 were checked once: numba_scalar.py's figures)."""

import numpy as np
from numba import njit
from ulps import TINY, sigmoid64, sweep, ulps

from graphflow.backends.cpu.codegen import FASTMATH
from graphflow.backends.cpu.numba_scalar import exp32, sigmoid32, tanh32


@njit(error_model="numpy", fastmath=set(FASTMATH))
def _evaluate(x, e, t, s):
    for i in range(x.size):
        e[i], t[i], s[i] = exp32(x[i]), tanh32(x[i]), sigmoid32(x[i])


def test_float32_functions_are_within_their_bounds():
    bits = np.arange(0, 0x7F800000, 10007, dtype=np.int64).astype(np.int32)
    x = np.concatenate([bits.view(np.float32), -bits.view(np.float32), sweep(1000)])
    e, t, s = (np.empty_like(x) for _ in range(3))
    _evaluate(x, e, t, s)
    xd = x.astype(np.float64)
    with np.errstate(over="ignore"):
        exact = np.exp(xd)
    assert ulps(e, exact).max() <= 1.01
    assert ulps(t, np.tanh(xd)).max() <= 4.9
    assert ulps(s, sigmoid64(xd)).max() <= 2.41  # (a denormal's ulp is 2^-149)
    near_zero = np.abs(x) < 4e-4
    assert np.array_equal(t[near_zero], x[near_zero])
    assert np.all(e[(xd < -87.34) & (xd > -103.9)] < TINY) and np.all(e[xd < -103.98] == 0)
