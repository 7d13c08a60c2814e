"""Hypothesis profiles: CI runs a fixed (derandomized) set of examples so a red build is
reproducible; local runs explore new examples each time."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
