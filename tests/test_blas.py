"""backends/blas.py: ``c += alpha * op(a) @ op(b)`` in place, against NumPy."""

import numpy as np
import pytest

from graphflow.backends.cpu import blas

pytestmark = pytest.mark.skipif(not blas.available(np.float32),
                                reason="NumPy's bundled OpenBLAS was not found")


def _layouts(x):
    """x as C-contiguous, F-contiguous and strided (every other column) arrays."""
    wide = np.zeros((x.shape[0], 2 * x.shape[1]), x.dtype)
    wide[:, ::2] = x
    return {"C": x.copy(), "F": np.asfortranarray(x), "strided": wide[:, ::2]}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_gemm_update_adds_the_scaled_product_in_place(dtype, transpose_a, transpose_b, layout):
    rng = np.random.default_rng(0)
    m, n, k = 5, 7, 3
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    want = c + -0.5 * ((a.T if transpose_a else a) @ (b.T if transpose_b else b))
    before = id(c)
    blas.gemm_update(c, -0.5, _layouts(a)[layout], _layouts(b)[layout], transpose_a, transpose_b)
    assert id(c) == before
    np.testing.assert_allclose(c, want, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_an_empty_inner_dimension_adds_nothing():
    c = np.ones((2, 3), np.float32)
    blas.gemm_update(c, 2.0, np.zeros((2, 0), np.float32), np.zeros((0, 3), np.float32))
    np.testing.assert_array_equal(c, np.ones((2, 3)))
