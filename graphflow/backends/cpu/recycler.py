"""Large fetched arrays whose memory comes back for reuse once the user lets go of them.

A run hands out fresh arrays. Fresh memory is expensive when it is large: the OS gives
zeroed pages on first touch, and touching 40 MB from two kernel threads cost 2 ms at W1's
size (1e7 float32), as long as the kernel itself. So a large result is a view of a buffer
the recycler owns; when the user's array is garbage collected, the buffer goes back to a
small pool, and the next run of the same size writes into memory already mapped.

A buffer is reused only if nothing else refers to it any more: a view the user took of the
result keeps the buffer alive (its ``base`` is the buffer), which the reference count shows.
"""

import math
import sys
import weakref

import numpy as np

MIN_BYTES = 1 << 20  # smaller arrays: np.empty is cheap, no bookkeeping
KEEP = 2  # buffers kept per (dtype, size): a loop that drops each result needs one or two


class Recycler:
    def __init__(self):
        self._free = {}  # (dtype str, size) -> [1-D buffer]
        self._issued = weakref.WeakValueDictionary()  # id -> array handed out, while alive

    def empty(self, shape, dtype):
        """An uninitialized array of ``shape``: a view of a recycled buffer when large."""
        dtype = np.dtype(dtype)
        n = math.prod(shape)
        if n * dtype.itemsize < MIN_BYTES:
            return np.empty(shape, dtype)
        key = (dtype.str, n)
        free = self._free.get(key)
        buf = None
        while free:
            candidate = free.pop()
            # references: this name, getrefcount's argument; more means a view is alive
            if sys.getrefcount(candidate) == 2:
                buf = candidate
                break
        if buf is None:
            buf = np.empty(n, dtype)
        out = buf.reshape(shape)
        self._issued[id(out)] = out
        weakref.finalize(out, self._give_back, key, buf)
        return out

    def issued(self, array):
        """Whether ``array`` is a result this recycler handed out (a view, but fresh)."""
        return self._issued.get(id(array)) is array

    def _give_back(self, key, buf):
        free = self._free.setdefault(key, [])
        if len(free) < KEEP:
            free.append(buf)


def root(a):
    """The array that owns ``a``'s memory (``a`` itself, or the base of its view chain)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


RECYCLER = Recycler()  # large fetched results, shared by every plan
