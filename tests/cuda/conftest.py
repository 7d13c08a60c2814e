"""The CUDA backend's tests: run on a GPU, or on numba's simulator (NUMBA_ENABLE_CUDASIM=1,
which is how CI runs them, in their own process: see tests/test_cuda_simulator.py)."""

import os

import pytest


def _usable():
    if os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0"):
        return True
    try:
        from graphflow.backends.cuda import env as cuda_env

        return cuda_env.available(cuda_env._import_cuda())
    except ImportError:
        return False


if not _usable():
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True)
def _small_reduction_parts(monkeypatch):
    """Split reductions into parts at test sizes too, so the two-pass path runs."""
    from graphflow.backends.cuda import plan as numba_cuda

    monkeypatch.setattr(numba_cuda, "PART", 64)
    monkeypatch.setattr(numba_cuda, "WIDE", 8)
