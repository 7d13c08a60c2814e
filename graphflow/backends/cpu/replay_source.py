"""The source builder of replays: a traced run -> one generated straight-line function.

``generate(plan, feed_tensors, trace)`` walks the plan's steps with the values the trace
recorded and writes one line per step: each kernel called with its operands and buffers
bound in advance (from the step's ``Launch``), NumPy steps called with their results'
shapes checked, static values bound as constants. Steps whose results nothing live reads
are left out; names are deleted where the dynamic run would release their buffers, so
peak memory stays the same. ``replay.py`` decides when to trace and runs the result.
"""

import collections
import functools
import sys

import numpy as np

from ...compiler.fuse import FUSED
from ...compiler.fuse import group as fused_group
from ...ops import base
from ..numpy_ref import evaluate, read_name
from ..plan import fallback
from . import gemm_updates, recycler
from .recycler import root

# kinds whose results depend only on their inputs (no state, no draws)
STATELESS_KINDS = (base.SOURCE, base.SHAPE, base.MOVEMENT, base.REDUCE, base.CONTRACTION,
                    base.WINDOW, base.ELEMENTWISE)
# steps a replay may leave out when nothing reads their results (a loss that only a gradient's
# shape query looked at); movement ops stay: some check their indices
_PURE_KINDS = (base.SOURCE, base.SHAPE, base.REDUCE, base.CONTRACTION, base.WINDOW,
               base.ELEMENTWISE, base.VARIABLE)


def index_like(t):
    """Integer or boolean: a value that may decide shapes (an index, a condition)."""
    return t.dtype.is_integer or t.dtype.is_bool


class Miss(Exception):
    """A replayed value came out in another shape than in the trace."""


def generate(plan, feed_tensors, trace):
    """The replay of a traced run: ``(function, fresh, source, buffers it owns)``; fresh is
    True when every result is made for this run, else a flag per result."""
    program = plan.program
    pool = trace.buffers
    gen = _Source(pool)
    holders = collections.Counter()  # name -> live tensors it holds (aliases share one)
    for position, t in enumerate(feed_tensors):
        inner = program.feeds.get(t)
        if inner is not None and inner in trace:
            gen.dynamic(inner, f"values[{position}]")
            gen.steps[0].outputs.append(inner)
            holders[gen.names[inner]] += 1
    folds = gemm_updates.find(plan, trace)
    for step in plan.steps:
        op, dying, is_kernel = step.op, step.dying, step.group is not None
        reads = [t if t in trace else None for t in step.reads]  # None: inlined, assign target
        args = [None if t is None else trace[t] for t in reads]
        outputs = [trace[t] for t in op.outputs]
        gen.step(op, reads, op.opdef is FUSED or op.kind in _PURE_KINDS)
        if op.outputs and all(t in trace.static for t in op.outputs):
            gen.steps[-1].inputs = []  # computed in the trace: needs nothing at run time
            for t in op.outputs:
                gen.static(t, trace.static[t])
        elif op in folds:
            gemm_updates.step(gen, op, reads, folds[op])
        elif op.outputs and op.outputs[0] in gen.folded:  # the update the GEMM already did
            gen.alias(op.outputs[0], gen.folded[op.outputs[0]])
            gen.steps[-1].inputs = [gen.folded[op.outputs[0]]]
        elif is_kernel:
            _kernel_step(gen, plan, step, reads, args, outputs)
        elif step.subplans:
            _call_step(gen, op, reads, outputs, _OwnResults(plan.run_nested, step, gen.buffers),
                       with_state=True)
        else:
            _numpy_step(gen, op, reads, args, outputs)
        for t in op.outputs:
            if t in gen.names:
                holders[gen.names[t]] += 1
        # a dying tensor's name is deleted when no live tensor holds it (an alias, such as
        # a SumToShape to its own shape that a body hands out, still may)
        gen.steps[-1].deletes = []
        for t in dying:
            if gen.kinds.get(t) != "dynamic":
                continue
            name = gen.names[t]
            holders[name] -= 1
            if holders[name] <= 0:
                gen.steps[-1].deletes.append(name)
        for t in op.outputs if folds else ():  # which array each name holds (an in-place
            if gen.kinds.get(t) == "dynamic" and t in trace:  # update counts them)
                gen.roots.setdefault(gen.names[t], id(root(trace[t])))
    results, fresh, seen = [], [], set()
    for t in program.outputs:
        name, value = gen.name(t), trace[t]
        if gen.kinds[t] != "dynamic" or gen.is_pool(value) or t in seen and gen.kept.get(t):
            name += ".copy()"  # the replay's own memory: copied while no other run can write
        is_fresh = bool(gen.kept.get(t)) or name.endswith(".copy()")
        seen.add(t)
        results.append(name + ("[()]" if is_fresh and value.ndim == 0 else ""))
        fresh.append(is_fresh)
    gen.steps.append(_Step())
    for slot, var in enumerate(gen.spares.variables):  # replaced once the run commits
        gen.line(f"{gen.constant(gen.spares.keep)}({slot}, "
                 f"state.committed.get({gen.constant(var)}))")
    gen.line(f"return [{', '.join(results)}]")
    fn, source = gen.compile(program.outputs)
    return fn, True if all(fresh) else tuple(fresh), source, gen.buffers


def _kernel_step(gen, plan, step, reads, args, outputs):
    op = step.op
    launch = plan.launch_for(step, args)
    if launch.how == "reduction" and gen.is_pool(outputs[0]):
        if launch.sizes[0]:
            out = gen.constant(root(outputs[0]))
            gen.line(f"{gen.constant(launch.kernel)}({', '.join(map(str, launch.sizes))}, "
                     f"{''.join(o + ', ' for o in _operand_codes(gen, launch, reads, args))}"
                     f"{out})")
        gen.fixed(op.outputs[0], outputs[0])
        return
    if launch.how != "kernel":
        (member, *more), leaves = step.group.body, step.group.leaves
        if not more and None not in reads and list(member.inputs) == list(leaves):
            _call_step(gen, op, reads, outputs, None, member)  # one op: its reference
        else:
            _call_step(gen, op, reads, outputs, functools.partial(fallback, op))
        return
    shape = launch.shape
    names = []
    for t, make, value, dtype in zip(op.outputs, plan.kept[op], outputs, launch.dtypes):
        if make is None:
            names.append(gen.constant(root(value)))
            gen.fixed(t, value)
            continue
        var = plan.stored_vars.get(t)
        if var is not None:  # a variable's new value: into the array of its value before last
            slot = gen.spares.add(var)
            alloc = f"{gen.constant(gen.spares.take)}({slot}, "
        else:
            small = value.nbytes < recycler.MIN_BYTES
            alloc = gen.constant(np.empty if small else recycler.RECYCLER.empty) + "("
        name = gen.dynamic(t, f"{alloc}{tuple(shape)!r}, {gen.constant(np.dtype(dtype))})")
        gen.kept[t] = var is None  # fresh for the user; a stored value is the variable's
        names.append(name if len(shape) == 1 else f"{name}.reshape(-1)")
    if not launch.n:
        return
    operands = _operand_codes(gen, launch, reads, args)
    gen.line(f"{gen.constant(launch.kernel)}({', '.join(map(str, launch.sizes))}, "
             f"{''.join(o + ', ' for o in operands)}{', '.join(names)})")


def _operand_codes(gen, launch, reads, args):
    """The kernel's operands as code, as ``plan.operand_values`` passes them."""
    codes = []
    for t, a, (mode, k) in zip(reads, args, launch.modes):
        if mode == "const":
            codes.append(gen.constant(k))
        elif mode == "scalar":
            codes.append(_scalar_code(gen, t, a))
        elif mode == "broadcast":
            codes.append(_broadcast_code(gen, t, launch.shape))
        elif mode != "literal":
            codes.append(_flat_code(gen, t, a))
            if k is not None:
                codes.append(repr(k))
    return codes


def _broadcast_code(gen, t, shape):
    return gen.value_code(
        t, f"np.ascontiguousarray(np.broadcast_to({{}}, {tuple(shape)!r})).reshape(-1)")


def _scalar_code(gen, t, a):
    """The one element of ``a`` as a NumPy scalar of its dtype (as the kernel was typed)."""
    return gen.value_code(t, "{}[" + (", ".join(["0"] * a.ndim) or "()") + "]")


def _flat_code(gen, t, a):
    """The operand as the kernel reads it: flat, contiguous (a view when it can be)."""
    if a.ndim == 1 and a.flags.c_contiguous and not gen.is_static(t):
        return gen.name(t)
    return gen.value_code(t, "{}.reshape(-1)")


def _numpy_step(gen, op, reads, args, outputs):
    kind = op.kind
    if kind == base.CONTROL:
        return
    if kind == base.VARIABLE:
        read = f"state.{read_name(op)}"
        gen.dynamic(op.outputs[0], f"{read}({gen.constant(op.origin)})")  # a static shape
        return
    if kind in STATELESS_KINDS:
        if kind == base.MOVEMENT and all(gen.is_pool(v) for v in outputs) and all(
                t is None or gen.is_static(t) or gen.is_fixed(t) and not index_like(t)
                for t in reads):  # an index read from a buffer changes the view
            for t, value in zip(op.outputs, outputs):
                gen.fixed(t, value)  # a view of a pool buffer: the same view every run
                gen.aliases[t] = [r for r in reads if r is not None]
            return
        if kind == base.REDUCE and len(outputs) == 1:  # e.g. a SumToShape to its own shape
            same = [t for t, a in zip(reads, args) if t is not None and a is outputs[0]]
            if same:
                gen.alias(op.outputs[0], same[0])
                return
    _call_step(gen, op, reads, outputs, None)


def _call_step(gen, op, reads, outputs, call, reference_of=None, with_state=False):
    """A step run as a call: ``evaluate`` (or ``call(args[, state])``, or the reference of
    the op ``reference_of``), its result shapes checked."""
    args = ", ".join("None" if t is None else gen.name(t) for t in reads)
    if call is not None:
        call_code = f"{gen.constant(call)}([{args}]{', state' if with_state else ''})"
    elif reference_of is not None or op.kind in STATELESS_KINDS and len(outputs) == 1:
        source = reference_of or op  # the reference, directly
        reference = source.opdef.reference if not source._attrs else functools.partial(
            source.opdef.reference, **source._attrs)
        call_code = f"(np.asarray({gen.constant(reference)}({args})),)"
    else:
        call_code = f"{gen.constant(evaluate)}({gen.constant(op)}, [{args}], state)"
    names = [gen.dynamic(t, None) for t in op.outputs]
    if not names:
        gen.line(call_code)
        return
    gen.line(f"{', '.join(names)}, = {call_code}")
    checks = " or ".join(f"{n}.shape != {v.shape!r}" for n, v in zip(names, outputs))
    gen.line(f"if {checks}:")
    gen.line("    raise Miss")


class _OwnResults:
    """A nested step's call in a replay, whose results never are the replay's buffers: a
    branch or a loop of no iterations hands out its input as it is, and if that input is
    a buffer the replay reuses for a later step (as the traced run, whose result was a
    copy, could), the later step overwrote it. Such a result is copied."""

    def __init__(self, run_nested, step, buffers):
        self.run_nested, self.step, self.buffers = run_nested, step, buffers  # (the list
        # fills up while the replay is generated)

    def __call__(self, args, state):
        outputs = self.run_nested(self.step, args, state)
        owned = {id(b) for b in self.buffers}
        return [v.copy() if isinstance(v, np.ndarray) and id(root(v)) in owned else v
                for v in outputs]


class _Spares:
    """Per stored result, the array that held its variable's value before the last run:
    the next run writes the new value into it when nothing else refers to it any more (the
    session dropped it on commit; a failed run leaves it committed, so it is not taken).
    Fresh memory costs page faults: the 1.6 MB of an MLP's first weights took 100 us."""

    def __init__(self):
        self.variables, self.arrays = [], []

    def add(self, var):
        self.variables.append(var)
        self.arrays.append(None)
        return len(self.arrays) - 1

    def take(self, slot, shape, dtype):
        arr = self.arrays[slot]
        if arr is not None:
            self.arrays[slot] = None
            # references: this name and getrefcount's argument; more: still in use
            if sys.getrefcount(arr) == 2 and arr.flags.c_contiguous and arr.flags.writeable:
                return arr
        return np.empty(shape, dtype)

    def keep(self, slot, old):
        self.arrays[slot] = old


class _Source:
    """Builds the replay's source: names for values, constants bound in its namespace."""

    def __init__(self, pool):
        self.pool = pool  # id -> pool buffer the traced run used
        self.steps = [_Step()]  # the lines, step by step (the first reads the feeds)
        self.aliases = {}  # tensor -> the tensors its value is (a view of)
        self.names = {}  # tensor -> code naming its value
        self.kinds = {}  # tensor -> "static" | "fixed" | "dynamic"
        self.kept = {}  # tensor -> True for a kernel's own result (fresh every run)
        self.namespace = {"np": np, "Miss": Miss}
        self.buffers = []  # the pool buffers the replay owns
        self.spares = _Spares()
        self.updates = gemm_updates.Updates()
        self.folded = {}  # an update's result -> the GEMM step's (the variable's array)
        self.roots = {}  # name -> id of the array its traced value was (a view: its base's)
        self.defined = {}  # name -> the step that binds it
        self._constant_ids = {}

    def step(self, op, reads, removable):
        """Start the lines of one op's step (dropped later if nothing live reads it)."""
        title = (f"# {op.type} '{op.name}'" if op.opdef is not FUSED else
                 f"# kernel '{op.name}': " + ", ".join(fused_group(op).names()))
        self.steps.append(_Step(title, op.outputs, [t for t in reads if t is not None],
                                removable))

    def line(self, code):
        self.steps[-1].lines.append(code)

    def constant(self, obj):
        key = id(obj)
        name = self._constant_ids.get(key)
        if name is None:
            name = self._constant_ids[key] = f"C{len(self._constant_ids)}"
            self.namespace[name] = obj
            if isinstance(obj, np.ndarray) and id(root(obj)) in self.pool:
                self.buffers.append(root(obj))
        return name

    def static(self, t, value):
        value.flags.writeable = False  # a copy the trace took (see Trace)
        self.names[t], self.kinds[t] = self.constant(value), "static"

    def fixed(self, t, value):
        self.names[t], self.kinds[t] = self.constant(value), "fixed"

    def dynamic(self, t, code):
        name = f"v{len(self.names)}"
        self.names[t], self.kinds[t] = name, "dynamic"
        self.defined[name] = len(self.steps) - 1
        if code is not None:
            self.line(f"{name} = {code}")
        return name

    def alias(self, t, source):
        """t's value is source's (an op that returned its input as it is)."""
        self.names[t], self.kinds[t] = self.names[source], self.kinds[source]
        self.aliases[t] = [source]
        self.kept[t] = False

    def name(self, t):
        return self.names[t]

    def is_static(self, t):
        return self.kinds.get(t) == "static"

    def is_fixed(self, t):
        return self.kinds.get(t) == "fixed"

    def is_pool(self, value):
        return isinstance(value, np.ndarray) and id(root(value)) in self.pool

    def value_code(self, t, template):
        """``template`` applied to t's value: computed once when it is static, or when it
        is fixed and the result is a view of the same buffer; else per run."""
        if self.kinds[t] in ("static", "fixed"):
            value = self.namespace[self.names[t]]
            result = eval(template.format("value"), {"np": np, "value": value})  # noqa: S307
            if self.kinds[t] == "static":
                result = np.array(result) if isinstance(result, np.ndarray) else result
                return self.constant(result)
            if isinstance(result, np.ndarray) and root(result) is root(value):
                return self.constant(result)
        return template.format(self.names[t])

    def _count_references(self, line, made, last):
        """``line`` with an in-place update's reference count filled in: the session's,
        and one per name of the replay bound to the variable's array during that step."""
        def count(match):
            step, array = int(match.group(1)), int(match.group(2))
            return str(1 + sum(1 for name in made if self.roots.get(name) == array
                               and self.defined.get(name, step) < step
                               and last.get(name, step) >= step))

        return gemm_updates.REFERENCES.sub(count, line)

    def compile(self, fetched):
        """The function, and its source: the steps whose results something reads."""
        live = set()

        def mark(t):
            if t not in live:
                live.add(t)
                for source in self.aliases.get(t, ()):
                    mark(source)

        for t in fetched:
            mark(t)
        for step in reversed(self.steps):
            step.live = not step.removable or any(t in live for t in step.outputs)
            if step.live:
                for t in step.inputs:
                    mark(t)
        made = {self.names[t] for step in self.steps if step.live for t in step.outputs
                if self.kinds.get(t) == "dynamic"} | {
            self.names[t] for t in self.steps[0].outputs}
        last = {}  # name -> the step after which it goes (an alias shares its source's name)
        for i, step in enumerate(self.steps):
            for name in step.deletes:
                last[name] = i
        lines = []
        for i, step in enumerate(self.steps):
            if step.live:
                lines += ([step.title] if step.title else []) + [
                    self._count_references(line, made, last) for line in step.lines]
            elif step.title:
                lines.append(step.title + "  (not needed)")
            gone = [n for n in dict.fromkeys(step.deletes) if n in made and last[n] == i]
            if gone:  # as the dynamic run drops them: peak memory stays the same
                lines.append(f"del {', '.join(gone)}")
        body = "\n".join("    " + line for line in lines)
        source = f"def replay(values, state):\n{body}\n"
        exec(compile(source, "<graphflow replay>", "exec"), self.namespace)  # noqa: S102
        return self.namespace["replay"], source


class _Step:
    """One op's lines in a replay: what it makes and reads; ``removable``: pure, so it
    may go when nothing reads its results; ``deletes``: names dropped after it."""

    def __init__(self, title=None, outputs=(), inputs=(), removable=False):
        self.title, self.outputs, self.inputs = title, list(outputs), inputs
        self.removable, self.lines, self.deletes, self.live = removable, [], [], True
