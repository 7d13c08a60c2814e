"""The Numba CPU backend: compiled Programs whose fused groups run as generated kernels.

``prepare`` runs the compiler pipeline and returns a Plan: the Program's ops in order,
each either a Fused op (one generated Numba kernel) or any other op (its NumPy
reference, at the plan level: matmul goes to BLAS, movement ops are views). The plan
recycles intermediate buffers once their last reader has run, and a kernel may write
into a dying input buffer of its own size (in place).
"""

import math
import os
import threading

import numpy as np

from ... import errors
from ...compiler import compile_subgraph
from ...compiler.fuse import FUSED
from ...ops import base
from ...ops.sources import CONST
from .. import kernel_cache
from ..buffer_pool import KEEP_RUNS, BufferPool
from ..numpy_ref import evaluate, runtime_error
from ..plan import (
    dying_after,
    inlined_constant,
    pipeline_lines,
    read_tensors,
    reduction_layout,
)
from ..recent import Recent
from ..runner import Runner
from . import codegen, replay
from .recycler import RECYCLER, root

# a group of a single op over fewer elements runs its NumPy reference: a kernel would
# fuse nothing, and its compile (~0.15 s each) was most of a cold start (W4)
SINGLE_OP_KERNEL_FROM = 1 << 16
PARALLEL_FROM = 1 << 19  # elements: below this, threads cost more than they save (and
# a parallel kernel compiles ~2x slower, which a cold start pays for). Not in a Plan with
# matmuls or convolutions: OpenBLAS's threads spin on the cores after each GEMM, and W2's
# step at batch 1024 ran 1 ms faster (18.5 against 19.5 ms) with every kernel serial.

# Numba's OpenMP threads spin after each parallel loop and took the cores OpenBLAS needed
# (a W2 training step ran 3x slower); waiting passively costs nothing we measured.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")


class NumbaBackend:
    name = "numba"

    def prepare(self, subgraph):
        program, report = compile_subgraph(subgraph)
        return Plan(program, report)


class Plan:
    """An executable Program with its kernels and buffer plan (see ``explain``)."""

    def __init__(self, program, report):
        self.program, self.report = program, report
        self._compiled = {}  # (fused op, modes, parallel) -> (cache key, kernel, its source)
        self._unlogged = set()  # kernels whose first call (the compile) is yet to come
        self.pool = BufferPool()  # free 1-D buffers for the next runs
        self.replays = {}  # (feed tensors, feed shapes) -> generated replay (see replay.py)
        self.trace_lock = threading.Lock()
        self.allocations = 0  # kernel buffers allocated (not recycled), over all runs
        dying = dying_after(program)
        # per step: the op, where its read inputs go, whether it is a kernel, what dies after;
        # one-element constants read only by kernels are written into their source instead
        inlined = {op for op in program.ops if inlined_constant(op, program)}
        self._steps = [(op, read_tensors(op), op.opdef is FUSED, _in_place(op), dying[i])
                       for i, op in enumerate(program.ops) if op not in inlined]
        # (fused op, operand shapes and layouts) -> launch recipe, for the sizes of recent runs
        self._recipes = Recent(KEEP_RUNS * max(1, sum(op.opdef is FUSED for op in program.ops)))
        self.stateful = any(op.kind in (base.VARIABLE, base.ASSIGN, base.RANDOM)
                            for op in program.ops)
        self.parallel_from = math.inf if any(op.kind == base.CONTRACTION
                                             for op in program.ops) else PARALLEL_FROM
        self.random_ops = [op.origin for op in program.ops if op.kind == base.RANDOM]
        # kernels never warn; NumPy steps need np.errstate around the run
        self.warns = any(not is_kernel for _, _, is_kernel, _, _ in self._steps)
        # results handed out of the run get arrays of their own, which the session keeps as
        # they are: a stored value a plain array (the variable keeps it), a fetched one from
        # the recycler (its memory comes back when the user drops it); the rest are pool
        # buffers
        self.stored_vars = {op.inputs[1]: op.inputs[0].op.origin
                            for op in program.ops if op.kind == base.ASSIGN}
        stored = set(self.stored_vars)
        fetched = set(program.outputs) - stored
        self._kept = {op: [np.empty if t in stored else RECYCLER.empty if t in fetched else None
                           for t in op.outputs]
                      for op in program.ops if op.opdef is FUSED}
        self._result_leaves = {op: [_leaf_positions(t, op._attrs["leaves"])
                                    for t in op._attrs["results"]]
                               for op in program.ops if op.opdef is FUSED}

    # -- running --------------------------------------------------------------------------
    def run(self, feeds, state, trace=None):
        """The program's outputs for ``feeds`` ({graph tensor: array}); with ``trace`` (a
        ``replay.Trace``), also records every value and the pool buffers the run used."""
        env = {self.program.feeds[t]: v for t, v in feeds.items()}
        if trace is None:
            refs = _Live(self.pool)
        else:  # a traced run's buffers become the replay's own: they never join the pool
            trace.update(env)
            refs = _Live(BufferPool(), trace.buffers)
        try:
            return self._run_steps(env, refs, state, trace)
        finally:
            if trace is None:
                self.pool.end_run()

    def _run_steps(self, env, refs, state, trace):
        for op, reads, is_kernel, in_place, dying in self._steps:
            args = [env.get(t) for t in reads]  # None: an inlined constant, an assign target
            try:
                if is_kernel:
                    outputs = self._launch(op, args, refs, dying if in_place else (), env)
                else:
                    outputs = evaluate(op, args, state)
            except errors.GraphflowError:
                raise
            except Exception as e:
                raise runtime_error(op, args, e) from None
            for t, value in zip(op.outputs, outputs):
                env[t] = value
                if refs:
                    entry = refs.get(id(root(value)))
                    if entry is not None:
                        entry[1] += 1
            if trace is not None:
                trace.record(op, reads, outputs)
            if dying:
                self._release(dying, env, refs)  # what the kernel did not already release
        return [env[t] for t in self.program.outputs]

    def runner(self, feed_tensors):
        """``run(values, state) -> (fetched values, fresh flags)`` for feeds given in the
        order of ``feed_tensors``: replays a generated straight-line function once a feed
        signature has been seen (see ``replay``)."""
        if len(set(feed_tensors)) != len(feed_tensors):  # a tensor fed twice (by name too)
            return Runner(self, feed_tensors)
        return replay.Runner(self, feed_tensors)

    def _release(self, tensors, env, refs):
        for t in tensors:
            value = env.pop(t, None)
            entry = refs.get(id(root(value))) if refs and value is not None else None
            if entry is not None:
                entry[1] -= 1
                if entry[1] == 0:
                    del refs[id(entry[0])]
                    refs.pool.give(entry[0])

    def _buffer(self, dtype, n, refs):
        buf = refs.pool.take(dtype.str, n)
        if buf is None:
            buf = np.empty(n, dtype)
            self.allocations += 1
        refs[id(buf)] = [buf, 0]
        if refs.traced is not None:
            refs.traced[id(buf)] = buf
        return buf

    def _launch(self, op, args, refs, dying, env):
        # what depends only on the operands' shapes and layouts is worked out once
        layout = recipe_key(op, args)
        try:
            recipe = self._recipes[layout]
        except KeyError:
            recipe = self._recipes[layout] = self._recipe(op, args)
        if recipe is _FALLBACK:
            return self._fallback(op, args)
        if recipe is _REDUCTION:
            return self._launch_reduction(op, args, refs, _loop_shape(args))
        shape, n, dtypes, reads, sizes, kernel, key = recipe
        if dying and refs:  # an output may take a dying pool buffer if every read is a[i]
            shared = {id(root(a)) for (mode, _), a in zip(reads, args)
                      if a is not None and mode != "full"}
            self._release([t for t in dying if t in env and id(root(env[t])) not in shared],
                          env, refs)
        # a kept result gets an array of its own shape: handed to the user or the variable
        # store as it is (a reshaped pool buffer would be a view, which must be copied)
        owned = [None if make is None else make(shape, dtype)
                 for dtype, make in zip(dtypes, self._kept[op])]
        outs = [self._buffer(dtype, n, refs) if o is None else o.reshape(-1)
                for dtype, o in zip(dtypes, owned)]
        if n:
            operands = []
            for (mode, k), a in zip(reads, args):
                if mode == "scalar":
                    operands.append(a.reshape(-1)[0])
                elif mode == "broadcast":
                    operands.append(np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1))
                elif mode != "const":
                    operands.append(a.reshape(-1))
                    if k is not None:
                        operands.append(k)
            kernel(*sizes, *operands, *outs)
            if self._unlogged:
                self._log_first_call(key, kernel)
        return [o.reshape(shape) if own is None else own for o, own in zip(outs, owned)]

    def _recipe(self, op, args):
        """How to launch an elementwise kernel for operands of these shapes: the loop
        shape, buffers, operand reads and the compiled kernel (compiling it if new)."""
        shape = _loop_shape(args)
        if op._attrs["body"][-1].kind == base.REDUCE:
            return _REDUCTION
        results = op._attrs["results"]
        if any(tuple(t.shape.dims or ()) != shape and not _fits_loop(positions, args, shape)
               for t, positions in zip(results, self._result_leaves[op])):
            return _FALLBACK
        n = math.prod(shape)
        if len(op._attrs["body"]) == 1 and n < SINGLE_OP_KERNEL_FROM:
            return _FALLBACK  # one op is one NumPy pass: not worth a compile
        dtypes = [t.dtype.np for t in results]
        if not n:
            return shape, n, dtypes, [], (), None, None
        reads = [("const", []) if a is None else _operand(leaf, a, shape, n)
                 for leaf, a in zip(op._attrs["leaves"], args)]
        sizes = (n,)
        columns = _common_columns(reads, n)
        if columns:  # a (rows, columns) loop nest: bias rows and keepdims columns
            sizes = (n // columns, columns)
            reads = [("row", v[:1]) if m == "suffix" else ("col", v[:1]) if m == "prefix"
                     else (m, v) for m, v in reads]
        key, kernel = self._kernel(op, tuple(m for m, _ in reads), n)
        plan = [(m if a is None or a.shape == shape or m not in ("full",) else "broadcast",
                 v[1] if len(v) > 1 else None) for (m, v), a in zip(reads, args)]
        return shape, n, dtypes, plan, sizes, kernel, key

    def _launch_reduction(self, op, args, refs, shape):
        """A group ending in a reduction over trailing ("rows") or leading axes."""
        layout = reduction_layout(op, shape)
        if layout is None:  # broadcasting grew the rank: no kernel
            return self._fallback(op, args)
        sizes, out_shape = layout
        out = self._buffer(op._attrs["body"][-1].outputs[0].dtype.np, sizes[0], refs)
        if sizes[0]:
            self._run_kernel(op, args, shape, sizes[0] * sizes[1], sizes, [out])
        return [out.reshape(out_shape)]

    def _fallback(self, op, args):
        values = [leaf.op._attrs["value"] if a is None else a
                  for leaf, a in zip(op._attrs["leaves"], args)]
        return [np.asarray(r) for r in op.opdef.reference(*values, **op._attrs)]

    def _run_kernel(self, op, args, shape, n, sizes, outs):
        key, kernel, reads = self.reduction_reads(op, args, shape, n)
        kernel(*sizes, *[x for _, v in reads for x in v], *outs)
        if self._unlogged:
            self._log_first_call(key, kernel)

    def reduction_reads(self, op, args, shape, n):
        """``(key, kernel, [(mode, values)] per operand)`` of a group ending in a reduction."""
        reads = [("const", []) if a is None else _operand(leaf, a, shape, n)
                 for leaf, a in zip(op._attrs["leaves"], args)]
        key, kernel = self._kernel(op, tuple(m for m, _ in reads), n)
        return key, kernel, reads

    def _kernel(self, op, modes, n):
        """``(key, compiled kernel)`` for a Fused op read with these modes over n elements;
        a new one is generated (or loaded from disk) and its first call will be logged."""
        key = (op, modes, n >= self.parallel_from)
        found = self._compiled.get(key)
        if found is None:
            source = codegen.kernel_source(op, modes, key[2])
            found = self._compiled[key] = (*kernel_cache.load_kernel(source), source)
            self._unlogged.add(key)
        return key, found[1]

    def _log_first_call(self, key, kernel):
        if key in self._unlogged:  # Numba compiled (or loaded) it during that call
            self._unlogged.discard(key)
            kernel_cache.log_compile(self._compiled[key][0], kernel,
                                     f"new operand modes {list(key[1])}")

    # -- introspection --------------------------------------------------------------------
    def kernels(self):
        """One entry per fused kernel: its original op names, and for each operand-mode
        variant compiled so far its cache key and generated source."""
        out = []
        for op in self.program.ops:
            if op.opdef is FUSED:
                variants = [{"modes": modes, "parallel": parallel, "cache_key": key,
                             "source": source}
                            for (k_op, modes, parallel), (key, _, source)
                            in self._compiled.items() if k_op is op]
                out.append({"name": op.name, "ops": [m.name for m in op._attrs["body"]],
                            "variants": variants})
        return out

    def explain(self):
        """The pipeline (op counts per kind before and after each pass), the steps, and
        the feed shapes that have a replay."""
        lines = pipeline_lines(self.report)
        lines.append(f"steps ({len(self.program.ops)}):")
        for op in self.program.ops:
            if op.opdef is FUSED:
                members = ", ".join(m.name for m in op._attrs["body"])
                lines.append(f"  kernel {op.name}: {len(op._attrs['body'])} ops ({members})")
            else:
                lines.append(f"  {op.kind:<12} {op.type} '{op.name}'")
        if self.replays:
            lines.append(f"replays ({len(self.replays)}): feed shapes "
                         + ", ".join(str(list(shapes)) for _, shapes in self.replays))
        return "\n".join(lines)

    def _repr_svg_(self):
        """Jupyter draws the plan, kernels as clusters (gf.viz); None without Graphviz's dot."""
        from ... import viz

        return viz.repr_svg(self)


class _Live(dict):
    """One run's buffers: id(root buffer) -> [buffer, live tensors reading it]; ``pool``:
    where free buffers come from and go back to; ``traced``: every buffer the run took."""

    def __init__(self, pool, traced=None):
        super().__init__()
        self.pool, self.traced = pool, traced


def recipe_key(op, args):
    """What a kernel's launch recipe depends on: the op and its operands' shapes and
    contiguity (None: an inlined constant)."""
    return (op, *[None if a is None else (a.shape, a.flags.c_contiguous) for a in args])


def _in_place(op):
    """An elementwise kernel reads a[i] before it writes out[i], so its output may take a
    dying input's buffer; a reduction reads its inputs after writing outputs, so never."""
    return op.opdef is FUSED and op._attrs["body"][-1].kind != base.REDUCE


def _common_columns(reads, n):
    """The row length every suffix operand spans and every prefix operand repeats
    over, if there is one (then the kernel needs no division per element)."""
    columns = set()  # suffix: k = its size; prefix: k = n // size, the columns it covers
    for mode, values in reads:
        if mode in ("suffix", "prefix"):
            columns.add(values[1])
    return columns.pop() if len(columns) == 1 and 0 not in columns else None


_FALLBACK, _REDUCTION = "fallback", "reduction"


def _loop_shape(args):
    shapes = {a.shape for a in args if a is not None}
    if len(shapes) == 1:
        return shapes.pop()
    return np.broadcast_shapes(*(a.shape for a in args if a is not None))


def _fits_loop(positions, args, shape):
    """Whether a result's run-time shape (the broadcast of the leaves it reads) equals the
    loop's; if not, the group falls back to its NumPy reference."""
    own = np.broadcast_shapes(*(() if args[i] is None else args[i].shape for i in positions))
    return own == shape


def _leaf_positions(t, leaves):
    """Positions in ``leaves`` of the leaves a result depends on."""
    found, stack, seen = set(), [t], set()
    while stack:
        x = stack.pop()
        if x in leaves:
            found.add(leaves.index(x))
        elif x not in seen:
            seen.add(x)
            stack.extend(x.op.inputs)
    return sorted(found)


def _operand(leaf, a, shape, n):
    """How the kernel reads one operand: its mode and the values to pass."""
    if a.size == 1:
        if leaf.op.opdef is CONST:
            return "const", []
        return "scalar", [a.reshape(-1)[0]]
    if a.shape == shape:
        return "full", [np.ascontiguousarray(a).reshape(-1)]
    padded = (1,) * (len(shape) - a.ndim) + a.shape
    core = [i for i, d in enumerate(padded) if d != 1]
    lo, hi = core[0], core[-1] + 1
    if padded[lo:] == shape[lo:]:
        return "suffix", [np.ascontiguousarray(a).reshape(-1), a.size]
    if padded[:hi] == shape[:hi]:
        return "prefix", [np.ascontiguousarray(a).reshape(-1), n // a.size]
    return "full", [np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1)]
