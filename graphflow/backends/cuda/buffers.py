"""Which pool buffer a device array is (a view of): the CUDA plan's table by address.

A device view has no ``base`` to follow (NumPy's ``root`` on the CPU), so the plan keeps
every pool buffer sorted by its device address and finds the one a value's address falls
in. Concurrent runs of one plan (TF1 allows concurrent ``sess.run``) share the table as
they share the pool, so it is locked: two runs that allocated or let go of buffers at
once left addresses out of step with buffers (an IndexError, or a value taken for a view
of the wrong buffer).
"""

import bisect
import threading

import numpy as np

from . import env as cuda_env


class AddressTable:
    """Pool buffers by device address: ``add`` new ones, ``forget`` let-go ones, ``owner``."""

    def __init__(self):
        self.starts, self.buffers = [], []  # sorted by address, position for position
        self._lock = threading.Lock()

    def add(self, buf):
        where = cuda_env.address(buf)
        with self._lock:
            at = bisect.bisect(self.starts, where)
            self.starts.insert(at, where)
            self.buffers.insert(at, buf)

    def forget(self, buf):
        """A buffer the pool let go: its memory goes back to the device once nothing else
        refers to it."""
        where = cuda_env.address(buf)
        with self._lock:
            at = bisect.bisect_left(self.starts, where)
            if at < len(self.buffers) and self.buffers[at] is buf:
                del self.starts[at], self.buffers[at]

    def owner(self, value):
        """The pool buffer ``value`` is (a view of), or None."""
        if value is None or not value.size or not self.starts or isinstance(value, np.ndarray):
            return None  # (a host value: a TensorArray's list, a loop's saved values)
        where = cuda_env.address(value)
        with self._lock:
            at = bisect.bisect(self.starts, where) - 1
            if at < 0:
                return None
            buf, start = self.buffers[at], self.starts[at]
        return buf if where < start + buf.nbytes else None
