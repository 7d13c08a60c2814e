"""Hypothesis profiles: CI runs a fixed (derandomized) set of examples so a red build is
reproducible; local runs explore new examples each time."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# the CUDA backend's tests run in their own process under numba's simulator
# (tests/test_cuda_simulator.py), or directly where the simulator is asked for
if os.environ.get("NUMBA_ENABLE_CUDASIM", "0") in ("", "0"):
    collect_ignore = ["cuda"]
