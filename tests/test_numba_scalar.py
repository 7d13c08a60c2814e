"""The float32 approximations used by generated kernels stay within their documented bounds."""

import numpy as np
from numba import njit

from graphflow.backends.cpu.numba_scalar import exp32, sigmoid32, tanh32


@njit
def _evaluate(x, e, t, s):
    for i in range(x.size):
        e[i], t[i], s[i] = exp32(x[i]), tanh32(x[i]), sigmoid32(x[i])


def test_float32_approximations_are_within_their_bounds():
    x = np.concatenate([np.linspace(-100, 100, 400_001), np.linspace(-1, 1, 20_001),
                        [0.0, -0.0, np.inf, -np.inf, np.nan]]).astype(np.float32)
    e, t, s = (np.empty_like(x) for _ in range(3))
    _evaluate(x, e, t, s)
    xd = x.astype(np.float64)
    with np.errstate(all="ignore"):
        exact = np.exp(xd)
        normal = (x >= -87.33654) & (x <= 88.72283)
        assert np.max(np.abs(e[normal] - exact[normal]) / exact[normal]) < 3e-7
        assert np.all(e[x > 88.72283] == np.inf) and np.all(e[x < -87.33654] == 0)
        finite = np.isfinite(xd)
        assert np.max(np.abs(t[finite] - np.tanh(xd[finite]))) < 4e-7
        assert np.max(np.abs(s[finite] - 1 / (1 + np.exp(-xd[finite])))) < 2e-7
    assert np.isnan(e[-1]) and np.isnan(t[-1]) and np.isnan(s[-1])
    assert (t[-3], t[-2], s[-3], s[-2]) == (1, -1, 1, 0)
