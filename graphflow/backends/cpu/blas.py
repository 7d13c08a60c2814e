"""``C += alpha * op(A) @ op(B)`` in place, with the BLAS NumPy itself calls.

NumPy's matmul always writes a fresh result, so a plain SGD step ``w -= lr * x.T @ g``
costs a GEMM writing the gradient and then a pass reading it and ``w`` again. GEMM's own
``beta`` folds the update into the product: for W2's 784x512 layer 284 us instead of
301 + 75 us on this 2-core machine. NumPy does not expose ``beta``, so this module finds
``cblas_?gemm`` in the OpenBLAS that NumPy's wheels bundle (``numpy.libs``): the same
library, so the same thread pool as every other matmul (SciPy's copy is another OpenBLAS
with threads of its own, which fought NumPy's for the two cores, and it ran slower).

``GEMM`` is None where no such library is found (another NumPy build): callers then keep
the unfused path.
"""

import ctypes
import glob
import os

import numpy as np

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
# (symbol prefix, integer type): NumPy >= 2 wheels bundle a 64-bit-integer OpenBLAS whose
# symbols carry a scipy_ prefix and a 64_ suffix; plain OpenBLAS builds export cblas_sgemm
_NAMES = (("scipy_cblas_{}gemm64_", ctypes.c_int64), ("cblas_{}gemm64_", ctypes.c_int64),
          ("scipy_cblas_{}gemm", ctypes.c_int32), ("cblas_{}gemm", ctypes.c_int32))


def _libraries():
    """The BLAS libraries NumPy's wheel ships (Linux: numpy.libs; macOS: numpy/.dylibs)."""
    here = os.path.dirname(np.__file__)
    patterns = (os.path.join(here, os.pardir, "numpy.libs", "*openblas*"),
                os.path.join(here, ".dylibs", "*openblas*"))
    return sorted(path for pattern in patterns for path in glob.glob(pattern))


def _bind():
    """``{dtype: cblas gemm function}``, or None when NumPy's BLAS is not found."""
    for path in _libraries():
        try:
            lib = ctypes.CDLL(path)  # already loaded by NumPy: the same handle and threads
        except OSError:
            continue
        for pattern, integer in _NAMES:
            found = {}
            for dtype, letter, real in ((np.float32, "s", ctypes.c_float),
                                        (np.float64, "d", ctypes.c_double)):
                fn = getattr(lib, pattern.format(letter), None)
                if fn is None:
                    break
                fn.restype = None
                fn.argtypes = [ctypes.c_int] * 3 + [integer] * 3 + [
                    real, ctypes.c_void_p, integer, ctypes.c_void_p, integer,
                    real, ctypes.c_void_p, integer]
                found[np.dtype(dtype)] = fn
            if len(found) == 2:
                return found
    return None


_GEMMS = None if os.environ.get("GRAPHFLOW_NO_BLAS_UPDATE") else _bind()


def available(dtype):
    """Whether ``gemm_update`` can run for this dtype."""
    return _GEMMS is not None and np.dtype(dtype) in _GEMMS


def _operand(x, transpose):
    """(array, row-major flag, leading dimension) for op(x), copying only if x is neither
    C- nor F-contiguous."""
    if x.flags.c_contiguous:
        return x, _TRANS if transpose else _NO_TRANS, x.shape[1]
    if x.flags.f_contiguous:  # x.T is C-contiguous: op(x) is op'(x.T)
        return x, _NO_TRANS if transpose else _TRANS, x.shape[0]
    x = np.ascontiguousarray(x)
    return x, _TRANS if transpose else _NO_TRANS, x.shape[1]


def gemm_update(c, alpha, a, b, transpose_a=False, transpose_b=False):
    """``c += alpha * op(a) @ op(b)`` in place (``c`` C-contiguous, 2-D, of a's dtype)."""
    a, trans_a, lda = _operand(a, transpose_a)
    b, trans_b, ldb = _operand(b, transpose_b)
    m, n = c.shape
    k = a.shape[0] if transpose_a else a.shape[1]
    if not (m and n and k):
        return  # nothing to add (and BLAS rejects a leading dimension of 0)
    _GEMMS[c.dtype](_ROW_MAJOR, trans_a, trans_b, m, n, k, alpha, a.ctypes.data, lda,
                    b.ctypes.data, ldb, 1.0, c.ctypes.data, n)
