"""Session: owns variable values and random generators, checks feeds, runs subgraphs.

``run`` is transactional: assignments are staged and committed only when the
whole run succeeds, so a failed run leaves every variable as it was.
"""

import contextlib

import numpy as np

from . import dtypes, errors, subgraph
from .backends import get_backend
from .graph import Operation, Tensor, get_default_graph
from .ops.random import generator


class Session:
    """Runs graph fragments: ``sess.run(fetches, feed_dict)``.

    ``backend`` picks how ops execute: ``"numba"`` (default: the compiler pipeline and
    fused Numba kernels) or ``"numpy"`` (the reference interpreter, the oracle).
    """

    def __init__(self, target="", graph=None, config=None, backend="numba"):
        self.graph = graph if graph is not None else get_default_graph()
        self.backend = get_backend(backend)
        self._values = {}  # variable op -> np.ndarray (never mutated in place)
        self._rngs = {}  # random op -> np.random.Generator
        self._prepared = {}  # (fetch tensors, target ops, fed tensors) -> backend executable
        self._closed = False
        self._default_cm = None

    # -- running --------------------------------------------------------------------------
    @errors.api_boundary
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluate ``fetches`` (a tensor, op, name, or any nesting of list/tuple/dict/
        namedtuple of those) and return values in the same structure; ops give None."""
        if self._closed:
            raise errors.FailedPreconditionError("this Session is closed; open a new one")
        elements, rebuild = _flatten(fetches, self.graph)
        feeds = self._check_feeds(feed_dict)
        fetch_tensors, executable = self._executable(elements, feeds)
        return self._execute(executable, fetch_tensors, elements, rebuild, feeds)

    @errors.api_boundary
    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function ``f(*feed_values)`` that runs ``fetches`` with the tensors of
        ``feed_list`` fed in that order: ``run`` with the lookups done once (TF1 API)."""
        elements, rebuild = _flatten(fetches, self.graph)
        feed_list = [self._feed_key(t) for t in feed_list or ()]
        fetch_tensors, executable = self._executable(elements, dict.fromkeys(feed_list))

        @errors.api_boundary
        def call(*feed_values, **options):
            if self._closed:
                raise errors.FailedPreconditionError("this Session is closed; open a new one")
            if len(feed_values) != len(feed_list):
                raise errors.InvalidArgumentError(
                    f"this callable takes {len(feed_list)} feed values, got {len(feed_values)}")
            feeds = {t: _convert_feed(t, v) for t, v in zip(feed_list, feed_values)}
            return self._execute(executable, fetch_tensors, elements, rebuild, feeds)

        return call

    def _execute(self, executable, fetch_tensors, elements, rebuild, feeds):
        state = _RunState(self, feeds)
        if getattr(executable, "warns", True):  # NumPy steps: silence log(0) and friends
            with np.errstate(all="ignore"):
                values = executable.run(feeds, state)
        else:
            values = executable.run(feeds, state)
        state.commit()
        borrowed = _Borrowed(feeds, self._values)
        fresh = getattr(executable, "fresh", None)
        by_tensor, handed = {}, set()
        for t, v in zip(fetch_tensors, values):
            by_tensor[t] = v = _handout(v, borrowed, handed, fresh)
            handed.add(id(v))
        return rebuild([by_tensor.get(e) if isinstance(e, Tensor) else None for e in elements])

    def _executable(self, elements, feeds):
        """The backend's prepared program for these fetches and fed tensors (cached)."""
        fetch_tensors = tuple(dict.fromkeys(e for e in elements if isinstance(e, Tensor)))
        targets = tuple(dict.fromkeys(e for e in elements if isinstance(e, Operation)))
        key = (fetch_tensors, targets, frozenset(feeds))
        executable = self._prepared.get(key)
        if executable is None:
            sub = subgraph.extract(fetch_tensors, targets, frozenset(feeds))
            executable = self._prepared[key] = self.backend.prepare(sub)
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


class _RunState:
    """Variable values during one run: reads of the committed values, staged writes."""

    def __init__(self, session, feeds):
        self.session = session
        self.committed = session._values
        self.pending = {}
        self.feeds = feeds

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
        var = var_op.outputs[0]
        if value.shape != tuple(var.shape.dims) or value.dtype != var.dtype.np:
            raise errors.InvalidArgumentError(
                f"{assign_op.type} {assign_op.name!r}{errors.created_at(assign_op)}\n"
                f"  would give {errors.describe(var)} a {value.dtype.name} value of shape "
                f"{value.shape}", assign_op)
        if (not value.flags.owndata or not value.flags.writeable
                or any(value is v for v in self.feeds.values())):
            value = value.copy()  # never alias the user's feed, a constant or a view
        self.pending[var_op] = value

    def rng(self, op):
        return self.session._rng(op)

    def commit(self):
        self.committed.update(self.pending)


def _convert_feed(t, value):
    if type(value) is np.ndarray and value.dtype == t.dtype.np and (
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
            self.ids = {id(v) for v in self.feeds.values()} | {id(v) for v in self.values.values()}
        return id(value) in self.ids


def _handout(value, borrowed, handed, fresh=None):
    """What the user gets back: a fresh array (never one the session, a feed or another
    fetch of the same run holds). ``fresh(value)``: the backend made this view for the user."""
    if (not (value.flags.owndata or fresh is not None and fresh(value))
            or not value.flags.writeable or id(value) in handed or value in borrowed):
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
        return _join(parts, lambda vals: dict(zip(keys, vals)))
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(f, graph) for f in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
            return _join(parts, lambda vals: type(fetches)(*vals))
        return _join(parts, type(fetches))
    if fetches is None:
        raise errors.DTypeError("cannot fetch None")
    raise errors.DTypeError(f"cannot fetch a {type(fetches).__name__}: fetches are tensors, "
                            "operations, names, or lists/tuples/dicts of them")


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
