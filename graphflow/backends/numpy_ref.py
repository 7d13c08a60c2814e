"""The NumPy reference backend: the oracle every other backend is tested against.

It interprets a Subgraph op by op with each op's ``reference`` function,
dispatching on the op's *kind* only.  It also binds the scalar-expression
language of elementwise ops to NumPy (``SCALAR_NUMPY``) so tests can check
every op's scalar template against its reference.
"""

import numpy as np

from .. import errors, subgraph
from ..ops import base, checks, elementwise
from .bodies import HostArrays, needed_outputs
from .runner import Runner

SCALAR_NUMPY = {
    "exp": np.exp, "log": np.log, "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt,
    "tanh": np.tanh, "sin": np.sin, "cos": np.cos, "floor": np.floor, "ceil": np.ceil,
    "rint": np.rint, "fabs": np.abs, "sign": np.sign, "maximum": np.maximum,
    "minimum": np.minimum, "floordiv": np.floor_divide, "floormod": np.mod,
    "select": np.where, "logical_not": np.logical_not,
    "sigmoid": elementwise.SIGMOID.reference,  # 1 / (1 + exp(-x)) overflows for x < -88
    "isnan": np.isnan, "isinf": np.isinf, "isfinite": np.isfinite,
    **{f"cast_{n}": getattr(np, n) for n in
       ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8")},
}


class NumpyBackend:
    name = "numpy"

    def prepare(self, subgraph):
        return Interpreter(subgraph)


class Interpreter:
    """Runs a Subgraph's ops in order; one instance is cached per (fetches, feeds)."""

    def __init__(self, subgraph):
        self.subgraph = subgraph
        # (each iteration's copy of an 80 MB loop variable was 3 GB at 40 iterations)
        self.needed = needed_outputs(subgraph.ops, subgraph.fetch_tensors)

    def runner(self, feed_tensors):
        """The session's interface (see ``runner.py``): every run interprets the ops."""
        return Runner(self, feed_tensors)

    def run(self, feeds, state, watch=None):
        """Evaluate the subgraph; returns the fetch values (state writes stay pending).
        ``watch``, if given, is told of every op (``backends/watch.py``)."""
        env = dict(feeds)
        fresh = self.subgraph.fresh_reads
        for op in self.subgraph.ops:
            args = [None] * len(op.inputs)
            for i, t in base.read_inputs(op):
                args[i] = env[t]
            for i in fresh.get(op, ()):
                args[i] = state.current(op.inputs[i].op.origin)
            try:
                outputs = evaluate(op, args, state, self.needed.get(op))
                for t, value in zip(op.outputs, outputs):
                    if t._claimed_at is not None:  # (compiled programs add CheckShape ops)
                        what, pattern = checks.claim(t)
                        checks.shape_fits(np.shape(value), None, 0, what, pattern)
            except errors.GraphflowError:
                raise
            except Exception as e:  # a NumPy failure becomes a message about the user's op
                raise runtime_error(op, args, e) from None
            for t, value in zip(op.outputs, outputs):
                env[t] = value
            if watch is not None:
                watch.record(op, op.inputs, outputs)
        return [env[t] for t in self.subgraph.fetch_tensors]


def evaluate(op, args, state, needed=None):
    """One op's outputs from its input values, by kind (shared with compiled backends);
    ``needed``: for a nested op, which of its outputs are read (None: all)."""
    kind, attrs = op.kind, op._attrs
    if kind == base.VARIABLE:  # a compiled program marks reads after assignments "fresh"
        read = variable_read(op, state)
        return (read(op.origin),)
    if kind == base.ASSIGN:
        var = op.inputs[0].op.origin
        try:
            new = op.opdef.reference(state.current_or_none(var), args[1])
        except base.Uninitialized:
            state.snapshot(var)  # raises the uninitialized-variable error
        state.write(var, np.asarray(new), op)
        return (state.current(var),)
    if kind == base.RANDOM:
        result = op.opdef.reference(state.rng(op.origin), *args, **attrs)
    elif kind == base.CONTROL:
        return ()
    elif kind == base.NESTED:
        result = op.opdef.drive(_body_runner(op, state), *args, needed=needed, **attrs)
    else:
        result = op.opdef.reference(*args, **attrs)
    if isinstance(result, (tuple, list)):
        return [np.asarray(r) for r in result]
    return (np.asarray(result),)


def variable_read(op, state):
    """The state's read for a VARIABLE op (see ``read_name``)."""
    return getattr(state, read_name(op))


def read_name(op):
    """How a VARIABLE op reads the run state: ``snapshot`` (the value the run started
    with), ``current`` after the run's assignments ("fresh"), ``captured`` in a
    control-flow body (which also sees a fed value)."""
    if op._attrs.get("captured"):
        return "captured"
    return "current" if op._attrs.get("fresh") else "snapshot"


def _body_runner(op, state):
    """``run_body(i, values)`` for a nested op: body ``i`` interpreted op by op."""
    bodies = [(feeds, Interpreter(subgraph.extract_body(fetches, feeds)))
              for feeds, fetches in op.opdef.bodies(op)]

    def run_body(i, values):
        feeds, interpreter = bodies[i]
        return interpreter.run(dict(zip(feeds, values)), state)

    run_body.arrays = HostArrays
    return run_body


def runtime_error(op, args, cause):
    """An InvalidArgumentError (ResourceExhaustedError: out of memory) naming the op
    (every op of a fused kernel, or the one whose ``Fault`` held), its line and the shapes
    it got, for an exception raised running it."""
    group = op._attrs.get("group")  # a Fused op: name each member
    members = group.body if group is not None else [op]
    if isinstance(cause, base.Faulted) and group is not None and cause.member is not None:
        members = [group.body[cause.member]]
    if isinstance(cause, base.Faulted) and len(members) == 1:  # TF1's message, then the op
        failed = members[0]
        lines = [f"{cause.message}: {failed.type} op {failed.name!r}"]
        if failed.source is not None:
            lines.append(f"  created at {failed.source}: {failed.source.code}")
        return errors.InvalidArgumentError("\n".join(lines + _inputs(op, args)), failed)
    lines = [f"{op.type} op {op.name!r} failed at run time: {cause}"]
    for m in members:
        if m.source is not None:
            what = f"{m.type} {m.name!r} " if len(members) > 1 else ""
            lines.append(f"  {what}created at {m.source}: {m.source.code}")
    # TF1's "OOM when allocating": a result too large for memory is no bad argument
    cls = errors.ResourceExhaustedError if isinstance(cause, MemoryError) else \
        errors.InvalidArgumentError
    return cls("\n".join(lines + _inputs(op, args)), op)


def _inputs(op, args):
    return [f"  input {i}: {t.name!r} got {a.dtype.name} array of shape {a.shape}"
            for i, (t, a) in enumerate(zip(op.inputs, args)) if a is not None]
