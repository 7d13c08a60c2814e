"""A session's run mechanics: one prepared call, the run's variable state, hand-out rules.

``Call`` is what ``Session.run`` caches and ``make_callable`` returns: it checks feed
values, gives a stateful run a ``RunState`` (reads of the committed variable values, staged
writes committed only when the run succeeds), calls the backend's runner and hands out
arrays that never alias what the session, a feed or another fetch holds. These are the
session's own parts: they read its ``_closed``, ``_values`` and ``_rng``.
"""

from collections import deque
from operator import methodcaller
from threading import get_ident

import numpy as np

from . import dtypes, errors
from .backends import watch
from .graph import Operation, Tensor

_ACQUIRE, _RELEASE = methodcaller("acquire"), methodcaller("release")


class Call:
    """One (fetches, fed tensors) pair of a Session, ready to run: feeds are given in order."""

    def __init__(self, session, executable, locks, feed_tensors, fetch_tensors, elements,
                 rebuild, single):
        self.session, self.feed_tensors = session, feed_tensors
        # fed variables: a control-flow body reads its variables from the run's state, which
        # gives it the fed value as TF1's loops see a fed variable
        self.fed_variables = [(i, t.op.origin) for i, t in enumerate(feed_tensors)
                              if t.op.kind == "variable"]
        self.locks = locks  # of the variables this run assigns, in the variables' order
        # an array of exactly this dtype and static shape needs no check (else convert_feed;
        # always for strings: an object array may hold str or numbers)
        self.feed_specs = [(t, None if t.dtype.is_string else t.dtype.np,
                            tuple(t.shape.dims) if t.shape.is_fully_defined() else None)
                           for t in feed_tensors]
        if session.check_numerics:  # step by step, each result checked (backends/watch.py)
            self.runner = watch.Runner(executable, feed_tensors)
        else:
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
            if not session.shared and session._thread != get_ident():
                session._run_from_thread()  # the first run, or the first from a new thread
            if session._closed:
                raise errors.FailedPreconditionError("this Session is closed; open a new one")
            if len(values) != len(self.feed_specs):
                raise errors.InvalidArgumentError(
                    f"this callable takes {len(self.feed_specs)} feed values, got {len(values)}")
            values = [v if type(v) is np.ndarray and v.dtype is dtype and v.shape == shape
                      else convert_feed(t, v) for (t, dtype, shape), v in
                      zip(self.feed_specs, values)]
            if self.locks:
                fetched, fresh = self._run_locked(values)
            else:
                fetched, fresh = self._run(values)
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

    def _run(self, values):
        """The runner's results; a stateful run's writes committed once it succeeded."""
        state = RunState(self.session, values, self.fed_variables) if self.stateful else None
        if self.warns:  # NumPy steps: silence log(0) and friends
            with np.errstate(all="ignore"):
                results = self.runner(values, state)
        else:
            results = self.runner(values, state)
        if state is not None:
            state.commit()
        return results

    def _run_locked(self, values):
        """``_run`` holding the locks of the variables it assigns, from before its first
        read to after its commit: concurrent runs that update a variable apply one after
        the other, so no update is lost (TF1's ``use_locking=True``, for every run). Taken
        in the variables' creation order, so two runs never wait for each other."""
        taken = []
        try:
            # C loops take and give back the locks: Ctrl-C cannot come between a lock's
            # acquire and its record in ``taken`` (an interrupted wait takes nothing), nor
            # between two releases
            taken.extend(filter(_ACQUIRE, self.locks))
            return self._run(values)
        finally:
            deque(map(_RELEASE, reversed(taken)), maxlen=0)


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


class RunState:
    """Variable values during one run: reads of the committed values, staged writes."""

    def __init__(self, session, feeds, fed_variables=()):
        self.session = session
        self.committed = session._values
        self.pending = {}
        self.feeds = feeds  # the fed arrays
        # variable -> its fed value (most runs feed none: no dict made for them)
        self.fed = {var: feeds[i] for i, var in fed_variables} if fed_variables else None

    def snapshot(self, var_op):
        value = self.committed.get(var_op)
        if value is None:
            raise errors.FailedPreconditionError(
                f"attempting to use the uninitialized variable {errors.describe(var_op.outputs[0])}"
                "\n  run its initializer (or gf.global_variables_initializer()) first", var_op)
        return value

    def captured(self, var_op):
        """A control-flow body's read of an outer variable: its fed value if the run fed
        it (as the outer graph's reads see it), else its current one."""
        if self.fed and var_op in self.fed:
            return self.fed[var_op]
        return self.current(var_op)

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


def convert_feed(t, value):
    """``value`` as an array fit to feed ``t`` (its dtype, a compatible shape), or the
    error that says why it is not."""
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

