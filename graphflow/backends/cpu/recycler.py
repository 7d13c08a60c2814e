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
import threading
import weakref
from collections import OrderedDict

import numpy as np

MIN_BYTES = 1 << 20  # smaller arrays: np.empty is cheap, no bookkeeping
KEEP = 2  # buffers kept per (dtype, size): a loop that drops each result needs one or two
# bytes kept in all, least recently returned let go first: each new size kept one more
# buffer for ever (a loop fetching [n, 784] results for 1500 batch sizes: 7 GB)
KEEP_BYTES = 128 << 20


class Recycler:
    def __init__(self):
        self._free = OrderedDict()  # (dtype str, size) -> [1-D buffer], least recent first
        self.nbytes = 0  # of the free buffers
        # finalizers run in whichever thread drops an array, or inside empty() (a collection)
        self._lock = threading.RLock()
        self._issued = weakref.WeakValueDictionary()  # id -> array handed out, while alive

    def empty(self, shape, dtype):
        """An uninitialized array of ``shape``: a view of a recycled buffer when large."""
        dtype = np.dtype(dtype)
        n = math.prod(shape)
        if n * dtype.itemsize < MIN_BYTES:
            return np.empty(shape, dtype)
        key = (dtype.str, n)
        buf = None
        with self._lock:
            free = self._free.get(key)
            while free:
                candidate = free.pop()
                self.nbytes -= candidate.nbytes
                # references: this name, getrefcount's argument; more: a view is alive
                if sys.getrefcount(candidate) == 2:
                    buf = candidate
                    break
            if free is not None and not free and self._free.get(key) is free:
                del self._free[key]
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
        with self._lock:
            free = self._free.setdefault(key, [])
            self._free.move_to_end(key)
            if len(free) < KEEP:
                free.append(buf)
                self.nbytes += buf.nbytes
            while self.nbytes > KEEP_BYTES and len(self._free) > 1:  # this size stays
                oldest = next(iter(self._free))
                for dropped in self._free.pop(oldest):
                    self.nbytes -= dropped.nbytes


def root(a):
    """The array that owns ``a``'s memory (``a`` itself, or the base of its view chain)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


RECYCLER = Recycler()  # large fetched results, shared by every plan
