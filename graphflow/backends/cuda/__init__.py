"""The numba.cuda backend: the same Plans, run as CUDA kernels (imported only when asked for)."""

from .plan import CudaBackend

__all__ = ["CudaBackend"]
