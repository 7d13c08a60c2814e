"""The CUDA backend's suite (tests/cuda) under numba's simulator, in its own process:
the simulator replaces numba.cuda for the whole process, so it cannot share this one."""

import atexit
import importlib.util
import os
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


_SUITE = []  # (process, its output file) once started


def start_simulator_suite():
    """Start the CUDA suite's process; conftest starts it as the session's tests begin, so
    that it runs beside them (on two cores the wall time is the longer of the two, not the
    sum), and moves the test that waits for it to the end."""
    if not _SUITE:
        env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
        out = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             os.path.join(ROOT, "tests", "cuda")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        atexit.register(lambda: process.poll() is None and process.kill())
        _SUITE.append((process, out))
    return _SUITE[0]


@pytest.mark.skipif(importlib.util.find_spec("numba_cuda") is None,
                    reason="numba-cuda is not installed (pip install graphflow[cuda])")
def test_cuda_suite_passes_on_the_simulator():
    process, out = start_simulator_suite()
    try:
        process.wait(timeout=900)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    out.seek(0)
    assert process.returncode == 0, out.read()[-8000:]
