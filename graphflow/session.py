"""Session: owns variable values and random generators, checks feeds, runs subgraphs.

``run`` is transactional: assignments are staged and committed only when the
whole run succeeds, so a failed run leaves every variable as it was.
"""

import contextlib
import copy

import numpy as np

from . import dtypes, errors, placement, subgraph
from .backends import get_backend
from .config import ConfigProto
from .graph import Operation, Tensor, get_default_graph
from .ops.random import generator


class Session:
    """Runs graph fragments: ``sess.run(fetches, feed_dict)``.

    ``backend`` picks how ops execute: ``"numba"`` (default: the compiler pipeline and
    fused Numba kernels) or ``"numpy"`` (the reference interpreter, the oracle). Every op
    runs on the backend's device whatever ``gf.device`` asked for; with
    ``config=gf.ConfigProto(log_device_placement=True)`` the session says so (on stderr,
    once per requested device).
    """

    @errors.api_boundary
    def __init__(self, target="", graph=None, config=None, backend="numba"):
        if config is not None and not isinstance(config, ConfigProto):
            raise errors.at_user_line(errors.DTypeError, "Session's config must be a "
                                      f"gf.ConfigProto, got {type(config).__name__}")
        self.graph = graph if graph is not None else get_default_graph()
        self.backend = get_backend(backend)
        self.config = config
        # devices log_device_placement has reported (None: not asked to log)
        self._placements_told = set() if config is not None and config.log_device_placement \
            else None
        self._values = {}  # variable op -> np.ndarray (never mutated in place)
        self._rngs = {}  # random op -> np.random.Generator
        self._prepared = {}  # (fetch tensors, target ops, fed tensors) -> backend executable
        self._calls = {}  # (fetches, feed keys) of earlier runs -> _Call
        self._closed = False
        self._default_cm = None

    # -- running --------------------------------------------------------------------------
    @errors.api_boundary
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluate ``fetches`` (a tensor, op, name, or any nesting of list/tuple/dict/
        namedtuple of those) and return values in the same structure; ops give None."""
        if self._closed:
            raise errors.FailedPreconditionError("this Session is closed; open a new one")
        feed_dict = feed_dict or {}
        # the same fetches and feed keys as an earlier run: no lookups, no re-checks (a
        # single element or a flat list is keyed directly; nested structures with each
        # level's type, since a nested namedtuple equals a tuple)
        key = call = None
        if isinstance(fetches, _ELEMENTS):
            key = (fetches, tuple(feed_dict))
        elif type(fetches) in (list, tuple) and all(isinstance(f, _ELEMENTS) for f in fetches):
            key = (type(fetches), tuple(fetches), tuple(feed_dict))
        else:
            structure = _structure_key(fetches)
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
        elements, rebuild = _flatten(fetches, self.graph)
        feed_tensors = [self._feed_key(k) for k in feed_keys]
        fetch_tensors, executable = self._executable(elements, dict.fromkeys(feed_tensors))
        single = isinstance(fetches, (Tensor, str)) and isinstance(elements[0], Tensor)
        return _Call(self, executable, feed_tensors, fetch_tensors, elements, rebuild, single)

    def _executable(self, elements, feeds):
        """The backend's prepared program for these fetches and fed tensors (cached)."""
        fetch_tensors = tuple(dict.fromkeys(e for e in elements if isinstance(e, Tensor)))
        targets = tuple(dict.fromkeys(e for e in elements if isinstance(e, Operation)))
        key = (fetch_tensors, targets, frozenset(feeds))
        executable = self._prepared.get(key)
        if executable is None:
            sub = subgraph.extract(fetch_tensors, targets, frozenset(feeds))
            executable = _remember(self._prepared, key, self.backend.prepare(sub))
            if self._placements_told is not None:
                placement.note_placement(sub.ops, getattr(self.backend, "name", "given"),
                                         self._placements_told)
        return fetch_tensors, executable

    @errors.api_boundary
    def plan(self, fetches, feed_dict=None):
        """The prepared program ``run(fetches, feed_dict)`` would execute, without running it.

        With the numba backend it is a Plan: ``explain()`` prints each pass with the op
        counts before and after and the steps; ``kernels()`` lists the fused kernels with
        their original ops, generated source and cache key (sources appear once a run has
        seen the operand shapes).
        """
        elements, _ = _flatten(fetches, self.graph)
        return self._executable(elements, self._check_feeds(feed_dict))[1]

    def _check_feeds(self, feed_dict):
        feeds = {}
        for key, value in (feed_dict or {}).items():
            t = self._feed_key(key)
            feeds[t] = _convert_feed(t, value)
        return feeds

    def _feed_key(self, key):
        """The tensor a feed_dict key (a tensor or a name) stands for, checked."""
        t = key if isinstance(key, Tensor) else self._element(key)
        if not isinstance(t, Tensor):
            raise errors.DTypeError(f"feed keys must be tensors, got the operation "
                                    f"{t.name!r}; did you mean '{t.name}:0'?")
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
        self._values[var.op] = np.array(_convert_feed(var, value))

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

    def __init__(self, target="", graph=None, config=None, backend="numba"):
        super().__init__(target, graph, config, backend)
        self._default_cm = self.as_default()
        self._default_cm.__enter__()

    def close(self):
        if self._default_cm is not None:
            self._default_cm.__exit__(None, None, None)
            self._default_cm = None
        super().close()


_ELEMENTS = (Tensor, Operation, str)
# runs and plans a session remembers: a loop that builds new ops every step (a common
# beginner's mistake) would otherwise keep every plan, its kernels and its buffers
_REMEMBERED = 64


def _remember(cache, key, value):
    """``cache[key] = value``, forgetting the oldest entry when the cache is full."""
    if len(cache) >= _REMEMBERED:
        del cache[next(iter(cache))]
    cache[key] = value
    return value


def _structure_key(fetches):
    """A hashable key for a nested fetch structure, with each level's type; None for
    anything else (``_flatten`` reports what is wrong with it)."""
    if isinstance(fetches, _ELEMENTS):
        return fetches
    if isinstance(fetches, dict):
        # each label's type too: 1, 1.0 and True are equal keys, but the user's result
        # must carry the one they wrote
        labels, values = tuple((type(k), k) for k in fetches), fetches.values()
    elif isinstance(fetches, (list, tuple)):
        labels, values = (), fetches
    else:
        return None
    parts = tuple(_structure_key(v) for v in values)
    if any(p is None for p in parts):
        return None
    key = (type(fetches), labels, parts)
    try:
        hash(key)
    except TypeError:  # an unhashable dict key
        return None
    return key


class _Call:
    """One (fetches, fed tensors) pair of a Session, ready to run: feeds are given in order."""

    def __init__(self, session, executable, feed_tensors, fetch_tensors, elements, rebuild,
                 single):
        self.session, self.feed_tensors = session, feed_tensors
        # an array of exactly this dtype and static shape needs no check (else _convert_feed;
        # always for strings: an object array may hold str or numbers)
        self.feed_specs = [(t, None if t.dtype.is_string else t.dtype.np,
                            tuple(t.shape.dims) if t.shape.is_fully_defined() else None)
                           for t in feed_tensors]
        self.runner = executable.runner(feed_tensors)
        self.stateful, self.warns = self.runner.stateful, self.runner.warns
        self.fetch_positions = [fetch_tensors.index(e) if isinstance(e, Tensor) else None
                                for e in elements]
        # a tensor fetched twice gives two arrays (as in TF1): later places get a copy
        seen = set()
        self.repeats = [i is not None and (i in seen or seen.add(i))
                        for i in self.fetch_positions]
        self.any_repeat = any(self.repeats)
        self.single = single  # one tensor fetched, not in a list: its value is the result
        self.rebuild = rebuild

    def run(self, *values, options=None, run_metadata=None):
        """The fetched values for these feed values (the callable make_callable returns;
        TF1's ``options`` and ``run_metadata`` are accepted and ignored, as by Session.run)."""
        __tracebackhide__ = True  # noqa: F841 (pytest hides this frame)
        try:
            session = self.session
            if session._closed:
                raise errors.FailedPreconditionError("this Session is closed; open a new one")
            if len(values) != len(self.feed_specs):
                raise errors.InvalidArgumentError(
                    f"this callable takes {len(self.feed_specs)} feed values, got {len(values)}")
            values = [v if type(v) is np.ndarray and v.dtype is dtype and v.shape == shape
                      else _convert_feed(t, v) for (t, dtype, shape), v in
                      zip(self.feed_specs, values)]
            state = _RunState(session, values) if self.stateful else None
            if self.warns:  # NumPy steps: silence log(0) and friends
                with np.errstate(all="ignore"):
                    fetched, fresh = self.runner(values, state)
            else:
                fetched, fresh = self.runner(values, state)
            if state is not None:
                state.commit()
            if fresh is not True:  # True: every value was made for this hand-out
                fetched = _handout_all(fetched, fresh, _Borrowed(values, session._values))
            if self.single:
                return fetched[0]
            values = [None if i is None else fetched[i] for i in self.fetch_positions]
            if self.any_repeat:
                values = [v.copy() if again and isinstance(v, np.ndarray) else v
                          for v, again in zip(values, self.repeats)]  # a bytes value is immutable
            return self.rebuild(values)
        except errors.GraphflowError as e:  # as errors.api_boundary does, without its frame
            raise e.with_traceback(errors.without_own_frames(e.__traceback__)) from None


def _handout_all(values, fresh, borrowed):
    """What the user gets back: fresh arrays (never one the session, a feed or another
    fetch of the same run holds); ``fresh[i]``: the backend made it for this hand-out."""
    out, handed = [], set()
    for i, v in enumerate(values):
        if fresh is None or not fresh[i] or id(v) in handed:
            v = _handout(v, borrowed, handed)
        out.append(v)
        handed.add(id(v))
    return out


class _RunState:
    """Variable values during one run: reads of the committed values, staged writes."""

    def __init__(self, session, feeds):
        self.session = session
        self.committed = session._values
        self.pending = {}
        self.feeds = feeds  # the fed arrays

    def snapshot(self, var_op):
        value = self.committed.get(var_op)
        if value is None:
            raise errors.FailedPreconditionError(
                f"attempting to use the uninitialized variable {errors.describe(var_op.outputs[0])}"
                "\n  run its initializer (or gf.global_variables_initializer()) first", var_op)
        return value

    def current(self, var_op):
        value = self.pending.get(var_op)
        return self.snapshot(var_op) if value is None else value

    def current_or_none(self, var_op):
        return self.pending.get(var_op, self.committed.get(var_op))

    def write(self, var_op, value, assign_op):
        _check_assignable(var_op, value, assign_op)
        if (not value.flags.owndata or not value.flags.writeable
                or any(value is v for v in self.feeds)):
            value = value.copy()  # never alias the user's feed, a constant or a view
        self.pending[var_op] = value

    def write_device(self, var_op, value, assign_op):
        """``write`` for the CUDA backend: a device array, handed over by the caller."""
        _check_assignable(var_op, value, assign_op)
        self.pending[var_op] = value

    def rng(self, op):
        return self.session._rng(op)

    def commit(self):
        self.committed.update(self.pending)


def _check_assignable(var_op, value, assign_op):
    """A variable keeps its static shape and dtype: anything else is the assign's error."""
    var = var_op.outputs[0]
    if value.shape != tuple(var.shape.dims) or value.dtype != var.dtype.np:
        raise errors.InvalidArgumentError(
            f"{assign_op.type} {assign_op.name!r}{errors.created_at(assign_op)}\n"
            f"  would give {errors.describe(var)} a {value.dtype.name} value of shape "
            f"{value.shape}", assign_op)


def _convert_feed(t, value):
    if type(value) is np.ndarray and value.dtype == t.dtype.np and not t.dtype.is_string and (
            t.shape.dims is None or len(t.shape.dims) == value.ndim and all(
                d is None or d == v for d, v in zip(t.shape.dims, value.shape))):
        return value  # the common case, checked without conversions
    if isinstance(value, (Tensor, Operation)):
        raise errors.DTypeError(f"the value fed to {t.name!r} is a graphflow {type(value).__name__}"
                                "; feed NumPy arrays, lists or scalars")
    try:
        arr = dtypes.convert_value(value, t.dtype)
    except (TypeError, ValueError) as e:  # ValueError: ragged nested lists
        try:
            what = np.asarray(value).dtype.name
        except ValueError:  # ragged: no dtype to name
            what = f"ragged {type(value).__name__}"
        raise errors.DTypeError(f"cannot feed {what} data to {errors.describe(t)}: {e}",
                                t) from None
    if not t.shape.is_compatible_with(arr.shape):
        raise errors.InvalidArgumentError(
            f"cannot feed a value of shape {arr.shape} to {errors.describe(t)}", t)
    return arr


class _Borrowed:
    """The arrays a fetch must not hand out as they are: feeds and variable values (the ids
    are collected only if some fetched array could be one of them)."""

    def __init__(self, feeds, values):
        self.feeds, self.values, self.ids = feeds, values, None

    def __contains__(self, value):
        if self.ids is None:
            self.ids = {id(v) for v in self.feeds} | {id(v) for v in self.values.values()}
        return id(value) in self.ids


def _handout(value, borrowed, handed):
    """``value`` or a copy of it: never an array the session, a feed or another fetch of the
    same run holds (a result the backend marked fresh never comes here)."""
    if (not value.flags.owndata or not value.flags.writeable or id(value) in handed
            or value in borrowed):
        value = value.copy()
    return value[()] if value.ndim == 0 else value


def _flatten(fetches, graph):
    """Flat list of graph elements in ``fetches`` and a function rebuilding the structure."""
    if isinstance(fetches, (Tensor, Operation, str)):
        element = graph.as_graph_element(fetches) if isinstance(fetches, str) else fetches
        if element.graph is not graph:
            raise errors.InvalidArgumentError(
                f"cannot fetch {errors.describe(element)}: it belongs to another graph than "
                "this session's")
        return [element], lambda values: values[0]
    if isinstance(fetches, dict):
        keys = list(fetches)
        parts = [_flatten(fetches[k], graph) for k in keys]
        return _join(parts, lambda vals: _same_mapping(fetches, zip(keys, vals)))
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(f, graph) for f in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
            return _join(parts, lambda vals: type(fetches)(*vals))
        return _join(parts, type(fetches))
    if fetches is None:
        raise errors.DTypeError("cannot fetch None")
    raise errors.DTypeError(f"cannot fetch a {type(fetches).__name__}: fetches are tensors, "
                            "operations, names, or lists/tuples/dicts of them")


def _same_mapping(like, items):
    """A mapping of ``like``'s type (an OrderedDict, a defaultdict with its factory) with
    ``items``."""
    if type(like) is dict:
        return dict(items)
    out = copy.copy(like)
    out.clear()
    out.update(items)
    return out


def _join(parts, make):
    elements, sizes = [], []
    for part_elements, _ in parts:
        elements.extend(part_elements)
        sizes.append(len(part_elements))

    def rebuild(values):
        out, start = [], 0
        for (_, part_rebuild), n in zip(parts, sizes):
            out.append(part_rebuild(values[start:start + n]))
            start += n
        return make(out)

    return elements, rebuild


class _DefaultStack:
    def __init__(self):
        self.stack = []

    @contextlib.contextmanager
    def push(self, session):
        self.stack.append(session)
        try:
            yield session
        finally:
            self.stack.remove(session)

    def top(self):
        return self.stack[-1] if self.stack else None


_default_sessions = _DefaultStack()


def get_default_session():
    return _default_sessions.top()


def _session_or_default(session, node):
    session = session or get_default_session()
    if session is None:
        raise errors.FailedPreconditionError(
            f"no session to evaluate {node.name!r}: pass session=, or run it inside "
            "`with gf.Session() as sess:`")
    return session
