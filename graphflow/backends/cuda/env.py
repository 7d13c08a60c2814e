"""numba.cuda, imported lazily and checked: the one place the CUDA backend meets it.

``import graphflow`` never imports numba.cuda; ``load()`` does, on the first
``Session(backend="cuda")``. It shims ``np.row_stack`` (removed in NumPy 2.5, still
touched by numba-cuda 0.30) first, and raises a FailedPreconditionError saying what is
missing when there is neither a GPU nor the simulator (``NUMBA_ENABLE_CUDASIM=1``).
"""

import os

import numpy as np

from ... import errors

INSTALL = "pip install graphflow[cuda]  (numba-cuda with the CUDA 13 toolkit wheels)"


def simulator_requested():
    """Whether NUMBA_ENABLE_CUDASIM asks for numba's CUDA simulator (no GPU needed)."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


def _import_cuda():
    if not hasattr(np, "row_stack"):  # numba-cuda 0.30 refers to it at import time
        np.row_stack = np.vstack
    from numba import cuda

    return cuda


def load():
    """The ``numba.cuda`` module, once a GPU (or the simulator) is known to be usable."""
    try:
        cuda = _import_cuda()
    except ImportError as e:
        raise errors.FailedPreconditionError(
            f"the cuda backend needs numba-cuda, which is not installed ({e}); "
            f"install it with: {INSTALL}") from None
    if not available(cuda):
        raise errors.FailedPreconditionError(
            "the cuda backend found no usable NVIDIA GPU (numba.cuda.is_available() is "
            "False: no GPU, no driver, or no CUDA toolkit libraries). Install them with: "
            f"{INSTALL}; or set NUMBA_ENABLE_CUDASIM=1 to run on numba's CUDA simulator")
    return cuda


def available(cuda):
    """A GPU numba.cuda can use, or the simulator."""
    return is_simulator(cuda) or cuda.is_available()


def is_simulator(cuda=None):
    """Whether numba.cuda runs on its simulator (kernels as Python threads)."""
    from numba import config

    return bool(config.ENABLE_CUDASIM)


def address(array):
    """The device address of an array's first element (its host address in the simulator)."""
    if hasattr(array, "_ary"):  # the simulator's FakeCUDAArray wraps a NumPy array
        return array._ary.__array_interface__["data"][0]
    return array.__cuda_array_interface__["data"][0]
