"""Session, the public API: owns variable values and random generators, caches calls.

``run`` is transactional: assignments are staged and committed only when the
whole run succeeds, so a failed run leaves every variable as it was. How one run goes
(feed checks, the run state, hand-out rules) is in ``session_run``; what a fetch may be
and how its result is rebuilt, in ``fetches``.
"""

import contextlib
import threading

import numpy as np

from . import errors, nest, placement, subgraph
from .backends import get_backend
from .backends.buffer_pool import Budget
from .config import ConfigProto
from .fetches import ELEMENTS, flatten, structure_key
from .graph import (
    Operation,
    Tensor,
    body_tensor_used_outside,
    get_default_graph,
    set_session_resolver,
)
from .ops.random import generator
from .session_run import Call, convert_feed


class Session:
    """Runs graph fragments: ``sess.run(fetches, feed_dict)``.

    ``backend`` picks how ops execute: ``"numba"`` (default: the compiler pipeline and
    fused Numba kernels on the CPU), ``"cuda"`` (the same pipeline as numba.cuda kernels on
    an NVIDIA GPU; variables stay on the device) or ``"numpy"`` (the reference
    interpreter, the oracle). Every op runs on the backend's device whatever ``gf.device``
    asked for; with ``config=gf.ConfigProto(log_device_placement=True)`` the session says
    so (on stderr, once per requested device).

    ``check_numerics=True`` (beyond TF1) watches every run: the first op whose result holds
    a NaN or an Inf fails the run with an InvalidArgumentError naming it, its line, and the
    ranges of its inputs, even inside a fused kernel; nothing the run assigned is kept.
    Runs take the backend's step-by-step path and keep a host copy of every value: slower,
    for hunting a NaN. Without it a run costs nothing more.

    ``pool_bytes`` (default: ``GRAPHFLOW_POOL_BYTES``, else 256 MiB) bounds the memory the
    session's plans keep between runs for reuse: free buffers and replays, least recently
    used let go first; ``pool_budget`` reports what they hold (``pooled``, ``held``).
    """

    @errors.api_boundary
    def __init__(self, target="", graph=None, config=None, backend="numba",
                 check_numerics=False, pool_bytes=None):
        if config is not None and not isinstance(config, ConfigProto):
            raise errors.at_user_line(errors.DTypeError, "Session's config must be a "
                                      f"gf.ConfigProto, got {type(config).__name__}")
        self.graph = graph if graph is not None else get_default_graph()
        self.backend = get_backend(backend)
        self.config = config
        self.check_numerics = bool(check_numerics)
        if pool_bytes is not None and (isinstance(pool_bytes, bool) or not isinstance(
                pool_bytes, int) or pool_bytes < 0):
            raise errors.at_user_line(errors.InvalidArgumentError, "Session's pool_bytes must "
                                      f"be a byte count >= 0, got {pool_bytes!r}")
        self.pool_budget = Budget(pool_bytes)  # what every plan of the session keeps
        # devices log_device_placement has reported (None: not asked to log)
        self._placements_told = set() if config is not None and config.log_device_placement \
            else None
        self._values = {}  # variable op -> np.ndarray (never mutated in place)
        self._rngs = {}  # random op -> np.random.Generator
        self._prepared = {}  # (fetches, targets, fed) -> (executable, its variables' locks)
        self._calls = {}  # (fetches, feed keys) of earlier runs -> session_run.Call
        self._locks = {}  # variable op -> the RLock runs that assign it hold (Call.run)
        self._locks_lock = threading.Lock()
        self._thread = None  # the thread that ran it first, until a second one does
        self.shared = False  # runs came from more than one thread (see _run_from_thread)
        self._closed = False
        self._default_cm = None

    # -- running --------------------------------------------------------------------------
    @errors.api_boundary
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluate ``fetches`` (a tensor, op, name, or any nesting of list/tuple/dict/
        namedtuple of those) and return values in the same structure; ops give None."""
        if self._closed:
            raise errors.FailedPreconditionError("this Session is closed; open a new one")
        feed_dict = _flat_feeds(feed_dict) if feed_dict else {}
        # the same fetches and feed keys as an earlier run: no lookups, no re-checks (a
        # single element or a flat list is keyed directly; nested structures with each
        # level's type, since a nested namedtuple equals a tuple)
        key = call = None
        if isinstance(fetches, ELEMENTS):
            key = (fetches, tuple(feed_dict))
        elif type(fetches) in (list, tuple) and all(isinstance(f, ELEMENTS) for f in fetches):
            key = (type(fetches), tuple(fetches), tuple(feed_dict))
        else:
            structure = structure_key(fetches)
            key = None if structure is None else (structure, tuple(feed_dict))
        if key is not None:
            call = self._calls.pop(key, None)  # and put back last: the cache keeps the
            if call is not None:  # most recently run calls (see _remember)
                self._calls[key] = call
        if call is None:
            call = self._callable(fetches, list(feed_dict))
            if key is not None:
                _remember(self._calls, key, call)
        return call.run(*feed_dict.values())

    @errors.api_boundary
    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function ``f(*feed_values)`` that runs ``fetches`` with the tensors of
        ``feed_list`` fed in that order: ``run`` with the lookups done once (TF1 API)."""
        return self._callable(fetches, list(feed_list or ())).run

    def _callable(self, fetches, feed_keys):
        elements, rebuild = flatten(fetches, self.graph)
        feed_tensors = [self._feed_key(k) for k in feed_keys]
        fetch_tensors, (executable, locks) = self._executable(elements,
                                                              dict.fromkeys(feed_tensors))
        single = isinstance(fetches, (Tensor, str)) and isinstance(elements[0], Tensor)
        return Call(self, executable, locks, feed_tensors, fetch_tensors, elements, rebuild,
                    single)

    def _executable(self, elements, feeds):
        """The backend's prepared program for these fetches and fed tensors (cached), and
        the locks of the variables it assigns to."""
        fetch_tensors = tuple(dict.fromkeys(e for e in elements if isinstance(e, Tensor)))
        targets = tuple(dict.fromkeys(e for e in elements if isinstance(e, Operation)))
        key = (fetch_tensors, targets, frozenset(feeds))
        prepared = self._prepared.get(key)
        if prepared is None:
            sub = subgraph.extract(fetch_tensors, targets, frozenset(feeds))
            executable = self.backend.prepare(sub)
            if hasattr(executable, "share_budget"):  # its buffers count toward ours
                executable.share_budget(self.pool_budget)
            prepared = _remember(self._prepared, key, (executable, tuple(
                self._variable_lock(var) for var in sub.written)))
            if self._placements_told is not None:
                placement.note_placement(sub.ops, getattr(self.backend, "name", "given"),
                                         self._placements_told)
        return fetch_tensors, prepared

    def _run_from_thread(self):
        """A run from a thread other than the first: from now on the session is shared,
        and no run updates a variable's array in place (a reader in another thread takes no
        lock, and must never see a half-updated value)."""
        if self._thread is None:
            self._thread = threading.get_ident()
        elif not self.shared:
            self.shared = True
            with self._locks_lock:
                locks = list(self._locks.values())
            for lock in locks:  # a run that updates in place holds its variables' locks:
                with lock:  # wait for any such run still going
                    pass

    def _variable_lock(self, var_op):
        """The lock a run holds while it reads and assigns ``var_op`` (see Call.run)."""
        with self._locks_lock:
            return self._locks.setdefault(var_op, threading.RLock())

    @errors.api_boundary
    def plan(self, fetches, feed_dict=None):
        """The prepared program ``run(fetches, feed_dict)`` would execute, without running it.

        With the numba or cuda backend it is a Plan: ``explain()`` prints each pass with the op
        counts before and after and the steps; ``kernels()`` lists the fused kernels with
        their original ops, generated source and cache key (sources appear once a run has
        seen the operand shapes).
        """
        elements, _ = flatten(fetches, self.graph)
        return self._executable(elements, self._check_feeds(feed_dict))[1][0]

    def _check_feeds(self, feed_dict):
        feeds = {}
        for key, value in _flat_feeds(feed_dict or {}).items():
            t = self._feed_key(key)
            feeds[t] = convert_feed(t, value)
        return feeds

    def _feed_key(self, key):
        """The tensor a feed_dict key (a tensor or a name) stands for, checked."""
        t = key if isinstance(key, Tensor) else self._element(key)
        if not isinstance(t, Tensor):
            raise errors.DTypeError(f"feed keys must be tensors, got the operation "
                                    f"{t.name!r}; did you mean '{t.name}:0'?")
        if t.graph is not self.graph and t.graph.descends_from(self.graph):
            raise errors.InvalidArgumentError(body_tensor_used_outside(t, "feed"), t)
        if t.graph is not self.graph:
            raise errors.InvalidArgumentError(
                f"cannot feed {errors.describe(t)}: it belongs to another graph than "
                "this session's", t)
        return t

    def _element(self, obj):
        try:
            return self.graph.as_graph_element(obj)
        except errors.NotFoundError as e:
            raise errors.NotFoundError(f"{e}; cannot feed or fetch it") from None

    # -- variables and random state -------------------------------------------------------
    def load_variable(self, var, value):
        """Set ``var`` to ``value`` directly (TF1's ``Variable.load``)."""
        value = np.array(convert_feed(var, value))
        with self._variable_lock(var.op):
            self._values[var.op] = value

    def _rng(self, op):
        rng = self._rngs.get(op)
        if rng is None:
            rng = self._rngs[op] = generator(op._attrs["seed"], op._attrs["seed2"])
        return rng

    # -- lifetime and default session -----------------------------------------------------
    def close(self):
        self._closed = True
        self._values.clear()
        self._prepared.clear()
        self._calls.clear()

    def as_default(self):
        return _default_sessions.push(self)

    def __enter__(self):
        self._default_cm = self.as_default()
        self._default_cm.__enter__()
        self._graph_cm = self.graph.as_default()
        self._graph_cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._graph_cm.__exit__(*exc)
        self._default_cm.__exit__(*exc)
        self.close()


class InteractiveSession(Session):
    """A Session that makes itself the default on creation (for notebooks and shells)."""

    def __init__(self, target="", graph=None, config=None, backend="numba",
                 check_numerics=False, pool_bytes=None):
        super().__init__(target, graph, config, backend, check_numerics, pool_bytes)
        self._default_cm = self.as_default()
        self._default_cm.__enter__()

    def close(self):
        if self._default_cm is not None:
            self._default_cm.__exit__(None, None, None)
            self._default_cm = None
        super().close()


# runs and plans a session remembers: a loop that builds new ops every step (a common
# beginner's mistake) would otherwise keep every plan, its kernels and its buffers
_REMEMBERED = 64



def _flat_feeds(feed_dict):
    """``feed_dict`` with each tuple key (an LSTMStateTuple, a tuple of placeholders) and its
    value taken apart leaf by leaf, as TF1's ``nest.flatten_dict_items``."""
    if not any(isinstance(key, tuple) for key in feed_dict):
        return feed_dict
    flat = {}
    for key, value in feed_dict.items():
        if not isinstance(key, tuple):
            flat[key] = value
            continue
        keys, values = nest.flatten(key), nest.flatten(value)
        if len(keys) != len(values):
            raise errors.InvalidArgumentError(
                f"cannot feed a value of {len(values)} parts to a key of {len(keys)} tensors "
                f"({key!r})")
        flat.update(zip(keys, values))
    return flat


def _remember(cache, key, value):
    """``cache[key] = value``, forgetting the oldest entry when the cache is full."""
    if len(cache) >= _REMEMBERED:
        del cache[next(iter(cache))]
    cache[key] = value
    return value


class _DefaultStack(threading.local):
    """Each thread's own default sessions, innermost last (per thread, as in TF1)."""

    def __init__(self):
        self.stack = []

    @contextlib.contextmanager
    def push(self, session):
        self.stack.append(session)
        try:
            yield session
        finally:  # (``graphflow run`` restores the stack after a program: an
            if session in self.stack:  # InteractiveSession left open is gone already)
                self.stack.remove(session)

    def top(self):
        return self.stack[-1] if self.stack else None


_default_sessions = _DefaultStack()


def get_default_session():
    """The innermost session entered with ``with sess:`` or ``sess.as_default()``, or None."""
    return _default_sessions.top()


# Tensor.eval, Operation.run and Variable.load find the default session through this hook:
# the graph never imports the session (which imports the graph)
set_session_resolver(get_default_session)
