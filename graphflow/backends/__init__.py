"""Backends execute a Subgraph; each is imported lazily by name."""

import importlib

from .. import errors

_BACKENDS = {"numpy": ("numpy_ref", "NumpyBackend"), "numba": ("cpu", "NumbaBackend"),
             "cuda": ("cuda", "CudaBackend")}
_instances = {}


def get_backend(name):
    """The backend object for ``name`` (``"numpy"``, ``"numba"`` or ``"cuda"``)."""
    if not isinstance(name, str):
        return name
    if name not in _BACKENDS:
        raise errors.InvalidArgumentError(
            f"unknown backend {name!r}; available: {', '.join(sorted(_BACKENDS))}")
    if name not in _instances:
        module, cls = _BACKENDS[name]
        _instances[name] = getattr(importlib.import_module(f".{module}", __name__), cls)()
    return _instances[name]
