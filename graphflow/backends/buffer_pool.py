"""A plan's free kernel buffers, by dtype and size, for its next runs (both backends),
held under a byte budget shared by a session's plans.

A run takes a buffer for each intermediate and gives it back when its last reader is
done; the next run of the same shapes takes the same buffers (fresh memory costs page
faults on the CPU, an allocation on the device). With shape-less placeholders every new
batch size brings buffers of new sizes, so two rules let go of free buffers when a run
ends:

- a size no run of the plan asked for in its last ``KEEP_RUNS`` runs goes: a loop that
  switches between a few sizes (training batches, a last short one, an evaluation batch)
  keeps them all;
- the free buffers of all the pools sharing a ``Budget`` (a session's plans, their
  sub-plans) stay under its bytes: the least recently used go first, across plans. The
  sizes the ending run itself used are never let go, so a loop at one shape reuses its
  buffers whatever the budget (what is held is at most the budget plus one run's buffers).

Without the budget, 8 runs' worth of buffers per plan was still 72 MB for an op fed
sequences of 300 lengths, and nothing bounded the plans of a session together.
"""

import itertools
import os
import threading
import weakref
from collections import OrderedDict

from .. import errors

KEEP_RUNS = 8
# the default budget of a session's free buffers; GRAPHFLOW_POOL_BYTES or
# gf.Session(pool_bytes=...) set another
POOL_BYTES = 256 << 20
_clock = itertools.count()  # orders uses across pools (next() is atomic in CPython)


def default_bytes():
    """The budget in bytes from ``GRAPHFLOW_POOL_BYTES`` (a count, or with a K/M/G
    suffix: ``512M``), else ``POOL_BYTES``."""
    given = os.environ.get("GRAPHFLOW_POOL_BYTES", "").strip()
    if not given:
        return POOL_BYTES
    text = given.upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    try:
        nbytes = int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        nbytes = -1
    if nbytes < 0:
        raise errors.InvalidArgumentError(
            f"GRAPHFLOW_POOL_BYTES must be a byte count such as 268435456 or 256M, "
            f"got {given!r}")
    return nbytes


class Budget:
    """The bytes (``nbytes``) that the free buffers of several pools and the buffers of
    other holders (a plan's replays: objects with a ``held_bytes``) may take together."""

    def __init__(self, nbytes=None):
        self.nbytes = default_bytes() if nbytes is None else int(nbytes)
        self._pools = weakref.WeakSet()
        self.holders = weakref.WeakSet()
        self._lock = threading.Lock()  # taken before a pool's own lock, never after

    def add(self, pool):
        with self._lock:
            self._pools.add(pool)

    @property
    def pooled(self):
        """The bytes of the free buffers its pools hold."""
        return sum(p.nbytes for p in list(self._pools))

    @property
    def held(self):
        """The bytes its other holders keep (replays' buffers)."""
        return sum(h.held_bytes for h in list(self.holders))

    def room_for(self, nbytes):
        """Whether a holder may keep ``nbytes`` more: holders take at most half the
        budget, so the pools always have the other half."""
        return self.held + nbytes <= self.nbytes // 2

    def fit(self, ending):
        """Let go of the least recently used free buffers until they fit; the buffers
        ``ending`` (a pool whose run just ended) used in that run stay."""
        dropped = []
        with self._lock:
            pools = list(self._pools)
            over = sum(p._bytes for p in pools) + self.held - self.nbytes
            while over > 0:
                oldest = min(((p._oldest(p is ending), p) for p in pools),
                             key=lambda found: found[0][0])
                (tick, key), pool = oldest
                if key is None:
                    break  # only the ending run's own buffers are left
                buf = pool._drop_one(key)
                if buf is not None:  # (None: a run took it meanwhile)
                    over -= buf.nbytes
                    dropped.append((pool, buf))
        for pool, buf in dropped:
            if pool._on_drop is not None:
                pool._on_drop(buf)


class BufferPool:
    """Free buffers by ``(dtype str, size)``, under ``budget`` (a ``Budget``, shared with
    other pools or its own). ``on_drop(buffer)`` is told of each buffer let go (the CUDA
    plan forgets its address)."""

    def __init__(self, on_drop=None, budget=None):
        self._free = OrderedDict()  # key -> [buffer], least recently used first
        self._used = {}  # key -> the clock tick of its last take or give
        self._asked = {}  # key -> the run that last asked for (or gave back) that size
        self._runs = 0
        self._run_from = next(_clock)  # the tick the current run started at
        self._bytes = 0
        self._on_drop = on_drop
        self._lock = threading.Lock()  # concurrent runs of one plan share the pool
        self.budget = None
        self.join(budget or Budget())

    def join(self, budget):
        """Hold this pool's free buffers under ``budget`` from now on."""
        self.budget = budget
        budget.add(self)

    def take(self, dtype_str, size):
        """A free buffer of this dtype and size, or None."""
        key = (dtype_str, size)
        with self._lock:
            self._asked[key] = self._runs
            self._used[key] = next(_clock)
            free = self._free.get(key)
            if not free:
                return None
            buf = free.pop()
            self._bytes -= buf.nbytes
            if free:
                self._free.move_to_end(key)
            else:
                del self._free[key]
            return buf

    def give(self, buf):
        """``buf`` is free again."""
        key = (buf.dtype.str, buf.size)
        with self._lock:
            self._asked[key] = self._runs
            self._used[key] = next(_clock)
            free = self._free.get(key)
            if free is None:
                free = self._free[key] = []
            else:
                self._free.move_to_end(key)
            free.append(buf)
            self._bytes += buf.nbytes

    def end_run(self):
        """A run ended: let go of sizes the last ``KEEP_RUNS`` runs did not ask for, then
        of the least recently used buffers the budget has no room for."""
        with self._lock:
            self._runs += 1
            stale = [k for k, run in self._asked.items() if self._runs - run > KEEP_RUNS]
            dropped = []
            for key in stale:
                del self._asked[key]
                self._used.pop(key, None)
                free = self._free.pop(key, [])
                self._bytes -= sum(b.nbytes for b in free)
                dropped += free
        if self._on_drop is not None:
            for buf in dropped:
                self._on_drop(buf)
        if self._bytes > 0:
            self.budget.fit(self)
        self._run_from = next(_clock)

    # -- for Budget.fit (it holds the budget's lock) ---------------------------------------
    def _oldest(self, ending):
        """``(tick, key)`` of the least recently used size with a free buffer; key None
        when there is none (or, for the pool whose run just ended, only that run's)."""
        with self._lock:
            for key in self._free:  # least recently used first
                tick = self._used.get(key, -1)
                if ending and tick >= self._run_from:
                    break
                return tick, key
            return float("inf"), None

    def _drop_one(self, key):
        with self._lock:
            free = self._free.get(key)
            if not free:
                return None
            buf = free.pop()
            if not free:
                del self._free[key]
            self._bytes -= buf.nbytes
            return buf

    # -- accounting -----------------------------------------------------------------------
    @property
    def nbytes(self):
        """The bytes of the free buffers held."""
        return self._bytes

    def buffers(self):
        """Every free buffer held."""
        with self._lock:
            return [b for free in self._free.values() for b in free]
