"""The execution skeleton of the compiled backends: steps, the step loop, buffers, operands.

A Plan runs a compiled Program as a list of ``Step``s. Everything that does not depend on
where the numbers live is here, once: which tensors a step reads and which die after it,
the step loop with its run-time error reporting, the reference-counted pool buffers of a
run (``Live``), how a fused kernel reads each operand (``operand_mode``), the launch
description of a fused step (``Launch``), ``explain()``/``kernels()``, and steps that own
sub-plans (``Step.subplans``: a body run many times, one of two branches).

A backend subclasses ``Plan`` and supplies:

- ``enter(feeds)`` / ``leave(values)``: feed values into its memory, results out of it;
- ``run_step(step, args, live, env, state)``: one step's outputs;
- ``owner(value)``: the pool buffer ``value`` is (a view of), or None;
- ``launch_key(step, args)`` / ``describe(step, args)``: what a fused step's Launch depends
  on, and the Launch itself (``launch_for`` caches it for recent shapes);
- ``where(op)``, ``fused_word(op)``, ``explain_more()``: its words in ``explain()``;
  ``variants(op)``: the compiled variants of a fused op (``kernels()``).

Backends never import each other: what two of them need lives here.
"""

import math

import numpy as np

from .. import errors, subgraph
from ..compiler.fuse import FUSED, group
from ..ops import base
from ..ops.sources import CONST
from . import scalar_code
from .bodies import HostArrays, detached, needed_outputs, parts
from .buffer_pool import KEEP_RUNS, BufferPool
from .numpy_ref import runtime_error
from .recent import Recent
from .runner import Runner


class Step:
    """One op of a plan: ``reads`` (None in place of an inlined constant or an assign
    target), ``dying`` (tensors whose last reader it is), ``group`` (a fused op's
    FusedGroup, else None), ``in_place`` (an elementwise kernel: its output may take a dying
    input's buffer), ``subplans`` ([(fed tensors, plan)] of a nested op's bodies),
    ``faults`` ([(m, member)] whose inputs its kernel checks: ``scalar_code.faulting``)."""

    __slots__ = ("op", "reads", "dying", "group", "in_place", "subplans", "faults", "needed")

    def __init__(self, op, dying):
        self.op, self.reads, self.dying = op, read_tensors(op), dying
        self.group = group(op) if op.opdef is FUSED else None
        self.faults = scalar_code.faulting(self.group.elementwise) if self.group else []
        # a kernel reads a[i] before it writes out[i]; a reduction reads after writing
        self.in_place = self.group is not None and self.group.reduction is None
        self.subplans = ()
        self.needed = None  # a nested op's outputs the program reads (None: all)


class Live(dict):
    """One run's pool buffers: id(buffer) -> [buffer, live tensors reading it].

    ``owner(value)`` finds the buffer a value is (a view of); buffers go back to ``pool``
    when their last reader is done; ``taken``, if given, collects every buffer the run
    took (a traced run's buffers become the replay's own)."""

    def __init__(self, pool, owner, taken=None):
        super().__init__()
        self.pool, self.owner, self.taken = pool, owner, taken

    def register(self, buf):
        """``buf`` was taken for this run (from the pool or new)."""
        self[id(buf)] = [buf, 0]
        if self.taken is not None:
            self.taken[id(buf)] = buf

    def hold(self, value):
        for part in parts(value) if self else ():
            entry = self.get(id(self.owner(part)))
            if entry is not None:
                entry[1] += 1

    def release(self, tensors, env):
        """The tensors are dead: their buffers go back once nothing else reads them."""
        for t in tensors:
            value = env.pop(t, None)
            for part in parts(value) if self and value is not None else ():
                entry = self.get(id(self.owner(part)))
                if entry is not None:
                    entry[1] -= 1
                    if entry[1] == 0:
                        del self[id(entry[0])]
                        self.pool.give(entry[0])

    def drop(self, buf):
        """A buffer the run took and no tensor holds (scratch): back to the pool now."""
        if self.pop(id(buf), None) is not None:
            self.pool.give(buf)

    def give_back(self, keep=()):
        """At the end of a run: every buffer not holding one of ``keep`` goes back."""
        kept = {id(self.owner(v)) for v in keep if v is not None}
        for key, (buf, _) in list(self.items()):
            if key not in kept:
                del self[key]
                self.pool.give(buf)


class Plan:
    """An executable Program: its steps, pool and sub-plans (see the module docstring)."""

    warns = True  # NumPy steps may warn: the session silences them

    def __init__(self, program, report, prepare):
        self.program, self.report = program, report
        self.pool = BufferPool(self.forget)  # free buffers for the next runs
        self.allocations = 0  # pool buffers allocated (not reused), over all runs
        dying = dying_after(program)
        inlined = {op for op in program.ops if inlined_constant(op, program)}
        self.steps = [Step(op, dying[i]) for i, op in enumerate(program.ops)
                      if op not in inlined]
        needed = needed_outputs(program.ops, program.outputs)
        for step in self.steps:
            if step.op.kind == base.NESTED:  # each body is a plan of this backend
                step.subplans = [(feeds, prepare(subgraph.extract_body(fetches, feeds)))
                                 for feeds, fetches in step.op.opdef.bodies(step.op)]
                step.needed = needed[step.op]
        # (fused op, what its launch depends on) -> Launch, for the shapes of recent runs
        self._launches = Recent(KEEP_RUNS * max(1, sum(s.group is not None for s in self.steps)))
        self.stateful = any(op.kind in (base.VARIABLE, base.ASSIGN, base.RANDOM, base.NESTED)
                            for op in program.ops)
        self.random_ops = [op.origin for op in program.ops if op.kind == base.RANDOM]

    # -- running --------------------------------------------------------------------------
    def runner(self, feed_tensors):
        """The session's interface (``backends/runner.py``); backends add their strategy."""
        return Runner(self, feed_tensors)

    def run(self, feeds, state, watch=None):
        """The program's outputs for ``feeds`` ({graph tensor: value}); ``watch``, if given,
        is told of every step as a trace is (``backends/watch.py``: check_numerics)."""
        env = self.enter({self.program.feeds[t]: v for t, v in feeds.items()})
        if watch is not None:
            for t, inner in self.program.feeds.items():
                if t in feeds:
                    watch.values[inner] = watch.values[t]
        live = Live(self.pool, self.owner)
        values = ()
        try:
            values = self.run_steps(env, live, state, watch)
            return self.leave(values)
        finally:
            live.give_back(keep=() if self.copies_out else values)
            self.pool.end_run()

    copies_out = False  # True: leave() copies results out, so their buffers go back too
    arrays = HostArrays  # how control-flow drives read, make and sum this backend's values

    def run_steps(self, env, live, state, trace=None):
        """Every step on ``env`` (the program's feed tensors -> values); the outputs.
        ``trace``, if given, is told of each step (``trace.record(op, reads, outputs)``)."""
        for step in self.steps:
            args = [env.get(t) for t in step.reads]  # None: an inlined constant, a target
            try:
                outputs = self.run_step(step, args, live, env, state)
            except errors.GraphflowError:
                raise
            except Exception as e:
                raise runtime_error(step.op, args, e) from None
            for t, value in zip(step.op.outputs, outputs):
                env[t] = value
                live.hold(value)
            if trace is not None:
                trace.record(step.op, step.reads, outputs)
            if step.dying:
                live.release(step.dying, env)  # what the step did not already release
        return [env[t] for t in self.program.outputs]

    def run_nested(self, step, args, state):
        """A nested op's outputs: its OpDef drives the bodies, each run as a sub-plan on
        values already in this backend's memory, with buffers of its own."""
        def run_body(i, values):
            return self.run_body(step, i, values, state)

        run_body.arrays = self.arrays
        return step.op.opdef.drive(run_body, *args, needed=step.needed, **step.op._attrs)

    def run_body(self, step, i, values, state):
        """Body ``i`` of a nested step on ``values``: its results, which outlive the run
        (the next iteration reads them): one in a pool buffer of the body's is copied
        out (an inner loop's per-iteration values too), and every buffer goes back."""
        feeds, sub = step.subplans[i]
        env = {sub.program.feeds[t]: v for t, v in zip(feeds, values)}
        live = Live(sub.pool, sub.owner)
        try:
            outputs = sub.run_steps(env, live, state)
            return [detached(sub, live, v) for v in outputs]
        finally:
            live.give_back()
            sub.pool.end_run()

    def launch_for(self, step, args):
        """The Launch of a fused step for these operands, worked out (and its kernel
        compiled) once per recent ``launch_key``: the backend's ``describe``."""
        key = self.launch_key(step, args)
        try:
            return self._launches[key]
        except KeyError:
            launch = self._launches[key] = self.describe(step, args)
            return launch

    def share_budget(self, budget):
        """Hold this plan's free buffers (its sub-plans' too) and what else it keeps
        (``held_bytes``) under ``budget``, a ``buffer_pool.Budget`` (its session's)."""
        self.pool.join(budget)
        budget.holders.add(self)
        for step in self.steps:
            for _, sub in step.subplans:
                sub.share_budget(budget)

    held_bytes = 0  # bytes of buffers the plan keeps outside its pool (CPU: its replays')

    def enter(self, env):
        return env

    def leave(self, values):
        return values

    def detach(self, value):
        """A copy of ``value`` in memory of its own (not a pool buffer)."""
        return value.copy()

    def forget(self, buf):
        """A pool buffer the pool let go of (the CUDA plan forgets its address)."""

    # -- introspection --------------------------------------------------------------------
    def explain(self):
        """The pipeline (op counts per kind before and after each pass) and the steps."""
        lines = pipeline_lines(self.report)
        lines.append(f"steps ({len(self.program.ops)}):")
        for op in self.program.ops:
            if op.opdef is FUSED:
                members = ", ".join(group(op).names())
                lines.append(f"  {self.fused_word(op)} {op.name}: {len(group(op).body)} ops "
                             f"({members})")
            else:
                lines.append(f"  {self.where(op)}{op.kind:<12} {op.type} '{op.name}'")
        for step in self.steps:
            if step.subplans:
                lines += self.explain_bodies(step)
        return "\n".join(lines + self.explain_more())

    def explain_bodies(self, step):
        """How a control-flow step runs its bodies: each a compiled sub-plan of this
        backend, called from Python per iteration, unless the backend compiles the loop
        whole (``whole_note``)."""
        lines = [f"{step.op.type} '{step.op.name}': {len(step.subplans)} bodies, each a "
                 "compiled sub-plan called once per iteration or branch taken"
                 + self.whole_note(step)]
        labels = getattr(step.op.opdef, "body_labels", ())
        for i, (_, sub) in enumerate(step.subplans):
            kernels = sum(s.group is not None for s in sub.steps)
            label = f" ({labels[i]})" if i < len(labels) else ""
            lines.append(f"  body {i}{label}: {len(sub.steps)} steps, {kernels} fused kernels")
        return lines

    def whole_note(self, step):
        """For a loop: whether it is compiled into one function, and if not why not."""
        if step.op.opdef.loop is None:
            return ""
        return f" (not compiled whole: the {type(self).__name__} runs loops from Python)"

    def fused_word(self, op):
        return "kernel"

    def where(self, op):
        return ""

    def explain_more(self):
        return []

    def kernels(self):
        """One entry per fused kernel: its original op names, and for each operand-mode
        variant compiled so far its cache key and generated source."""
        return [{"name": op.name, "ops": group(op).names(), "variants": self.variants(op)}
                for op in self.program.ops if op.opdef is FUSED]

    def variants(self, op):
        return []

    def _repr_svg_(self):
        """Jupyter draws the plan, kernels as clusters (gf.viz); None without Graphviz's dot."""
        from .. import viz

        return viz.repr_svg(self)


class Launch:
    """How a fused step runs for operands of given shapes: ``how`` is "kernel" (an
    elementwise kernel), "reduction" (a reduction prologue) or "reference" (the group's
    NumPy reference, where no kernel fits); ``shape`` the loop's shape and ``n`` its size;
    ``modes`` [(mode, k)] per operand (``operand_mode``: k is a suffix's or prefix's period,
    a "const" operand's value); ``sizes`` the kernel's size
    arguments; ``out_shape`` the reduction's result shape; ``kernel`` and ``key`` the
    compiled kernel (the backend's) and its cache key; ``dtypes`` the results' dtypes;
    ``extra`` what else a backend needs per operand (CUDA: a broadcast's dims and strides)."""

    __slots__ = ("how", "shape", "n", "modes", "sizes", "out_shape", "kernel", "key",
                 "dtypes", "extra")

    def __init__(self, how, shape=(), n=0, modes=(), sizes=(), out_shape=None, kernel=None,
                 key=None, dtypes=(), extra=()):
        self.how, self.shape, self.n, self.modes, self.sizes = how, shape, n, modes, sizes
        self.out_shape, self.kernel, self.key, self.dtypes = out_shape, kernel, key, dtypes
        self.extra = extra


REFERENCE = Launch("reference")


def operand_mode(leaf, a_shape, shape, n):
    """``(mode, k)``: how a fused kernel reads an operand of ``a_shape`` in a loop of
    ``shape`` (``n`` elements): a one-element constant as ``constant_mode`` says, "scalar"
    (one element), "full", "suffix" (a[i % k]), "prefix" (a[i // k]) or "broadcast" (a
    general broadcast: the backend makes a full copy first)."""
    size = math.prod(a_shape)
    if size == 1:
        return constant_mode(leaf) if leaf.op.opdef is CONST else ("scalar", None)
    if a_shape == shape:
        return "full", None
    padded = (1,) * (len(shape) - len(a_shape)) + tuple(a_shape)
    core = [i for i, d in enumerate(padded) if d != 1]
    lo, hi = core[0], core[-1] + 1
    if padded[lo:] == shape[lo:]:
        return "suffix", size
    if padded[:hi] == shape[:hi]:
        return "prefix", n // size
    return "broadcast", None


def constant_mode(leaf):
    """``(mode, value)`` of a one-element constant leaf: ("literal", None) for a special
    value or an integer divisor, written into the kernel, else ("const", its value as a
    NumPy scalar): an argument, so that constants differing only in value share one
    kernel."""
    value = leaf.op._attrs["value"]
    if scalar_code.is_special(value) or scalar_code.fault_operand(leaf):
        return "literal", None
    return "const", value.reshape(-1)[0]


def loop_shape(args):
    """The shape a fused kernel loops over: the broadcast of its operands' shapes."""
    shapes = {a.shape for a in args if a is not None}
    if len(shapes) == 1:
        return tuple(shapes.pop())
    return tuple(np.broadcast_shapes(*(a.shape for a in args if a is not None)))


def results_fit(fused, args, shape):
    """Whether every result's run-time shape (the broadcast of the leaves it reads) is the
    loop's; if not, the group runs its NumPy reference."""
    for t in fused.results:
        if tuple(t.shape.dims or ()) == shape:
            continue
        own = np.broadcast_shapes(*(  # a constant written into the kernel (None) keeps
            fused.leaves[i].op._attrs["value"].shape if args[i] is None  # its rank: a
            else args[i].shape for i in fused.leaf_positions(t)))  # [1, 1] one adds a dim
        if tuple(own) != shape:
            return False
    return True


def reduction_layout(fused, shape):
    """For a FusedGroup ending in a reduction, over a loop of ``shape``: the kernel's sizes
    ``(outer, count, k)`` and the result's shape; None if the kernel cannot run it."""
    reduction = fused.reduction
    rank = len(shape)
    if rank != reduction.inputs[0].shape.ndims:
        return None  # broadcasting grew the rank
    axis = reduction._attrs["axis"]
    axes = range(rank) if axis is None else axis
    a = len(axes)
    if fused.layout == "rows":
        outer, count = math.prod(shape[:rank - a]), math.prod(shape[rank - a:])
        k = count
    else:
        count, outer = math.prod(shape[:a]), math.prod(shape[a:])
        k = outer
    if reduction._attrs["keepdims"]:
        out_shape = [1 if i in axes else d for i, d in enumerate(shape)]
    else:
        out_shape = [d for i, d in enumerate(shape) if i not in axes]
    return (outer, count, k), out_shape


def fallback(fused_op, args):
    """A fused op's outputs from its NumPy reference (inlined constants read from attrs),
    as quiet as its kernel would be about overflow and division by zero."""
    values = [leaf.op._attrs["value"] if a is None else a
              for leaf, a in zip(group(fused_op).leaves, args)]
    with np.errstate(all="ignore"):
        results = fused_op.opdef.reference(*values, **fused_op._attrs)
    return [np.asarray(r) for r in results]


def pipeline_lines(report):
    """``explain``'s first part: each pass with the op counts by kind before and after."""
    return ["pipeline:"] + [f"  {name:<20} {op_counts(before):<40} -> {op_counts(after)}"
                            for name, before, after in report]


def op_counts(counts):
    return "-" if counts is None else ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def dying_after(program):
    """Per op of the program: the tensors whose last reader it is (fetches never die)."""
    last = {}
    for i, op in enumerate(program.ops):
        for t in op.inputs:
            last[t] = i
    for t in program.outputs:
        last[t] = len(program.ops)
    dying = [[] for _ in program.ops]
    for t, i in last.items():
        if i < len(program.ops):
            dying[i].append(t)
    return dying


def read_tensors(op):
    """The op's inputs as a run reads them: None in place of an assignment's target."""
    reads = [None] * len(op.inputs)
    for j, t in base.read_inputs(op):
        reads[j] = t
    return tuple(reads)


def inlined_constant(op, program):
    """A one-element constant read only by kernels: written into their source instead."""
    if op.opdef is not CONST or op._attrs["value"].size != 1:
        return False
    readers = [c for c in program.ops if op.outputs[0] in c.inputs]
    return all(c.opdef is FUSED for c in readers) and op.outputs[0] not in program.outputs
