"""A plan's free kernel buffers, by dtype and size, for its next runs (both backends).

A run takes a buffer for each intermediate and gives it back when its last reader is
done; the next run of the same shapes takes the same buffers (fresh memory costs page
faults on the CPU, an allocation on the device). With shape-less placeholders every new
batch size brings buffers of new sizes, and a pool that kept them all grew without end:
an MLP fed random batch sizes held 270 MB more after 900 runs. So a size that no run has
asked for in the last ``KEEP_RUNS`` runs is let go when a run ends: a loop that switches
between a few sizes (training batches, a last short one, an evaluation batch) keeps
them all.
"""

import threading

KEEP_RUNS = 8


class BufferPool:
    """Free buffers by ``(dtype str, size)``. ``on_drop(buffer)`` is told of each buffer
    let go (the CUDA plan forgets its address)."""

    def __init__(self, on_drop=None):
        self._free = {}  # key -> [buffer]
        self._asked = {}  # key -> the run that last asked for (or gave back) that size
        self._runs = 0
        self._on_drop = on_drop
        self._lock = threading.Lock()  # concurrent runs of one plan share the pool

    def take(self, dtype_str, size):
        """A free buffer of this dtype and size, or None."""
        key = (dtype_str, size)
        with self._lock:
            self._asked[key] = self._runs
            free = self._free.get(key)
            return free.pop() if free else None

    def give(self, buf):
        """``buf`` is free again."""
        key = (buf.dtype.str, buf.size)
        with self._lock:
            self._asked[key] = self._runs
            self._free.setdefault(key, []).append(buf)

    def end_run(self):
        """A run ended: let go of sizes the last ``KEEP_RUNS`` runs did not ask for."""
        with self._lock:
            self._runs += 1
            stale = [k for k, run in self._asked.items() if self._runs - run > KEEP_RUNS]
            dropped = []
            for key in stale:
                del self._asked[key]
                dropped += self._free.pop(key, [])
        if self._on_drop is not None:
            for buf in dropped:
                self._on_drop(buf)

    @property
    def nbytes(self):
        """The bytes of the free buffers held."""
        with self._lock:
            return sum(b.nbytes for free in self._free.values() for b in free)

    def buffers(self):
        """Every free buffer held."""
        with self._lock:
            return [b for free in self._free.values() for b in free]
