"""Hypothesis profiles: CI runs a fixed (derandomized) set of examples so a red build is
reproducible; local runs explore new examples each time."""

import importlib.util
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# the CUDA backend's tests run in their own process under numba's simulator
# (tests/test_cuda_simulator.py), or directly where the simulator is asked for
if os.environ.get("NUMBA_ENABLE_CUDASIM", "0") in ("", "0"):
    collect_ignore = ["cuda"]


def _waits_for_the_cuda_suite(item):
    return getattr(item, "module", None) is not None and \
        item.module.__name__.endswith("test_cuda_simulator") and \
        importlib.util.find_spec("numba_cuda") is not None


def pytest_collection_modifyitems(items):
    """The test that waits for the CUDA suite's process goes last (a stable sort)."""
    items.sort(key=_waits_for_the_cuda_suite)


def pytest_collection_finish(session):
    """Start the CUDA suite's process now, if its test is to run, so it runs beside the rest."""
    for item in session.items:
        if _waits_for_the_cuda_suite(item):
            item.module.start_simulator_suite()
            break
