"""The Numba CPU backend (the default): Plans whose fused groups run as generated kernels."""

from .plan import NumbaBackend

__all__ = ["NumbaBackend"]
