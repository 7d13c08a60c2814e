"""``Session(check_numerics=True)``: every run is watched, and the first op that made a NaN
or an Inf fails it, named with its line, its output and the ranges of its inputs.

The watched run is the backend's own dynamic run (``executable.run(..., watch=Watch)``:
no replay, no captured graph) with ``Watch.record`` told of every step. It keeps a host
copy of each value (the interpreter keeps as much) and checks each float result. The
first op with a NaN or Inf is the culprit: everything it read was finite. A fused step
runs many ops in one kernel and keeps only its results, so its ops are run again one by one
on the NumPy reference with the values the kernel read, each result checked: a NaN made
and lost inside a kernel (a ``where`` that discards ``log(0)``) is found as the NumPy
backend finds it. The error leaves the run; the session commits nothing.

Without the option nothing here runs: the session picks this runner when it makes a call.
"""

import numpy as np

from .. import errors
from ..compiler.fuse import FUSED, group
from ..ops import base


class NumericsError(errors.InvalidArgumentError):
    """A NaN or Inf found by ``Session(check_numerics=True)``; ``op`` is the op that made it."""


class Runner:
    """The session's interface (``runner.py``) for a watched run of ``executable``."""

    def __init__(self, executable, feed_tensors):
        self.executable, self.feed_tensors = executable, tuple(feed_tensors)
        self.stateful = getattr(executable, "stateful", True)
        self.warns = True  # the reference re-runs may divide by zero

    def __call__(self, values, state):
        watch = Watch()
        feeds = dict(zip(self.feed_tensors, values))
        for t, value in feeds.items():
            watch.fed(t, value)
        return self.executable.run(feeds, state, watch=watch), None


class Watch:
    """Told of every step of a run (``record``): keeps host copies of the values and raises
    a NumericsError at the first float result that holds a NaN or an Inf."""

    def __init__(self):
        self.values = {}

    def fed(self, t, value):
        value = np.asarray(value)
        if _bad(value).any():
            raise NumericsError(f"check_numerics: the value fed to {errors.describe(t)} "
                                f"holds {_counts(value)}", t)
        self.values[t] = value

    def record(self, op, reads, outputs):
        for t, value in zip(op.outputs, outputs):
            self.values[t] = _host(value)
        if op.opdef is FUSED:  # its ops one by one: a NaN may be made and lost inside
            self._check_members(op)
        for t in op.outputs:
            value = self.values[t]
            if t.dtype.is_floating and _bad(value).any():
                if op.opdef is FUSED:  # the kernel made what the references did not
                    raise _message(op, t, [self.values.get(u) for u in op.inputs], value,
                                   "  a fused kernel of " + _members(group(op)) + "; their "
                                   "NumPy references made no NaN or Inf from these inputs")
                where = "  (the variable's value from before this run)" \
                    if op.kind == base.VARIABLE else None
                raise _message(op, t, [self.values.get(u) for u in op.inputs], value, where)

    def _check_members(self, op):
        fused = group(op)
        # the Fused op reads its leaves position for position (an inlined constant: none)
        leaves = [self.values[t] if t in self.values else leaf.op._attrs["value"]
                  for leaf, t in zip(fused.leaves, op.inputs)]
        env = dict(zip(fused.leaves, (np.asarray(v) for v in leaves)))
        with np.errstate(all="ignore"):
            for m in fused.body:
                t = m.outputs[0]
                env[t] = np.asarray(m.opdef.reference(*[env[u] for u in m.inputs], **m._attrs))
                if t.dtype.is_floating and _bad(env[t]).any():
                    where = (f"  inside the fused kernel {op.name!r} of {_members(fused)}, "
                             "re-run op by op on the NumPy reference")
                    raise _message(m, t, [env[u] for u in m.inputs], env[t], where)


def _members(fused):
    return ", ".join(f"{m.type} {m.name!r}" for m in fused.body)


def _message(op, t, args, value, where):
    lines = [f"check_numerics: the first NaN or Inf of this run came from {op.type} op "
             f"{op.name!r}: its {t.dtype.name} output of shape {value.shape} holds "
             f"{_counts(value)}"]
    if op.source is not None:
        lines.append(f"  created at {op.source}: {op.source.code}")
    if where:
        lines.append(where)
    for i, (u, a) in enumerate(zip(op.inputs, args)):
        if a is not None:
            lines.append(f"  input {i}: {u.name!r} {np.asarray(a).dtype.name} "
                         f"{np.shape(a)}: {value_range(a)}")
    lines.append("  the run failed as a whole: no variable changed")
    return NumericsError("\n".join(lines), op)


def value_range(a):
    """``min m, max M`` of the finite values, and how many NaNs and Infs there are."""
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        return f"{a.dtype.name} values"
    if a.size == 0:
        return "empty"
    bad = _bad(a)
    finite = a[~bad]
    text = (f"min {_number(finite.min())}, max {_number(finite.max())}" if finite.size
            else "no finite value")
    return text + (f" (holds {_counts(a)})" if bad.any() else "")


def _number(x):
    return f"{x.item():.6g}" if x.dtype.kind == "f" else str(x.item())


def _counts(a):
    return f"{int(np.isnan(a).sum())} NaN and {int(np.isinf(a).sum())} Inf of {a.size} values"


def _bad(a):
    a = np.asarray(a)
    return ~np.isfinite(a) if a.dtype.kind == "f" else np.zeros(a.shape, bool)


def _host(value):
    """A host copy of a step's value (a later kernel may write its buffer in place)."""
    copy = getattr(value, "copy_to_host", None)
    return copy() if copy is not None else np.array(value)
