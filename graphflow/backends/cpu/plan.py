"""The Numba CPU backend: compiled Programs whose fused groups run as generated kernels.

``prepare`` runs the compiler pipeline and returns a CpuPlan, a ``backends.plan.Plan``
whose fused steps run one generated Numba kernel each and whose other steps run their
NumPy reference (matmul goes to BLAS, movement ops are views). Intermediate buffers go
back to the plan's pool once their last reader has run, and a kernel may write into a
dying input buffer of its own size (in place). Its runner replays a generated function
for feed shapes it has seen (``replay``).
"""

import math
import os
import threading
import weakref

import numpy as np

from ...compiler import compile_subgraph
from ...ops import base
from .. import kernel_cache
from ..buffer_pool import BufferPool
from ..numpy_ref import evaluate
from ..plan import (
    REFERENCE,
    Launch,
    Live,
    Plan,
    constant_mode,
    fallback,
    loop_shape,
    operand_mode,
    reduction_layout,
    results_fit,
)
from ..runner import Runner
from . import codegen, replay, whole_loop
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



def _after_fork_in_child():
    """A child forked after this process ran a parallel kernel on Numba's OpenMP layer
    (GNU OpenMP) is killed by its first parallel loop ("fork() called from a process
    already using GNU OpenMP, this is unsafe"): multiprocessing's default start method did
    that to workers that ran a graph. Such a child runs every kernel serially."""
    global _PARALLEL
    from numba.np.ufunc import parallel

    if parallel._is_initialized and parallel._threading_layer == "omp":
        _PARALLEL = False
        for plan in list(_PLANS):
            plan.serial()


_PARALLEL = True  # parallel kernels may run in this process
_PLANS = weakref.WeakSet()  # every CpuPlan, to make serial in such a child
os.register_at_fork(after_in_child=_after_fork_in_child)


class NumbaBackend:
    name = "numba"

    def prepare(self, subgraph):
        program, report = compile_subgraph(subgraph)
        return CpuPlan(program, report, self.prepare)


class CpuPlan(Plan):
    """An executable Program with its kernels and buffer plan (see ``explain``)."""

    def __init__(self, program, report, prepare):
        super().__init__(program, report, prepare)
        self._compiled = {}  # (fused op, modes, parallel) -> (cache key, kernel, its source)
        self._unlogged = set()  # kernels whose first call (the compile) is yet to come
        self.replays = {}  # (feed tensors, feed shapes) -> generated replay (see replay.py)
        self.generation = 0  # bumped when every replay is to be forgotten (``serial``)
        self.trace_lock = threading.Lock()
        fused = [step for step in self.steps if step.group is not None]
        self.parallel_from = math.inf if not _PARALLEL or any(
            op.kind == base.CONTRACTION for op in program.ops) else PARALLEL_FROM
        _PLANS.add(self)
        self._body_runners = {}  # nested step -> its bodies' runners (replays)
        # loops of scalars run as one Numba function each; why not, for the others
        self.whole = {}
        for step in self.steps:
            loop = step.op.opdef.loop(step.op) if step.op.opdef.loop else None
            if loop is not None:
                why = whole_loop.why_not(loop, step.needed)
                self.whole[step.op] = whole_loop.WholeLoop(loop) if why is None else why
        # kernels never warn; NumPy steps need np.errstate around the run
        self.warns = len(fused) < len(self.steps)
        # results handed out of the run get arrays of their own, which the session keeps as
        # they are: a stored value a plain array (the variable keeps it), a fetched one from
        # the recycler (its memory comes back when the user drops it); the rest are pool
        # buffers
        self.stored_vars = {op.inputs[1]: op.inputs[0].op.origin
                            for op in program.ops if op.kind == base.ASSIGN}
        fetched = set(program.outputs) - set(self.stored_vars)
        self.kept = {step.op: [np.empty if t in self.stored_vars else
                               RECYCLER.empty if t in fetched else None
                               for t in step.op.outputs] for step in fused}

    # -- running --------------------------------------------------------------------------
    def runner(self, feed_tensors):
        """The session's interface: replays a generated straight-line function once a feed
        signature has been seen (see ``replay``)."""
        if len(set(feed_tensors)) != len(feed_tensors):  # a tensor fed twice (by name too)
            return Runner(self, feed_tensors)
        return replay.Runner(self, feed_tensors)

    def run(self, feeds, state, trace=None, watch=None):
        """The program's outputs for ``feeds``; with ``trace`` (a ``replay.Trace``), also
        records every value and the buffers the run took (they become the replay's own);
        ``watch``: see ``Plan.run``."""
        if trace is None:
            return super().run(feeds, state, watch)
        env = {self.program.feeds[t]: v for t, v in feeds.items()}
        trace.update(env)
        return self.run_steps(env, Live(BufferPool(), root, trace.buffers), state, trace)

    def owner(self, value):
        return root(value)

    @property
    def held_bytes(self):
        """The bytes of the buffers the replays own (they count toward the budget)."""
        return sum(r.nbytes for r in list(self.replays.values()))

    def run_nested(self, step, args, state):
        whole = self.whole.get(step.op)
        if isinstance(whole, whole_loop.WholeLoop):
            return whole.run(args)
        return super().run_nested(step, args, state)

    def run_body(self, step, i, values, state):
        """As ``Plan.run_body``, through the body's replay runner: from the third run of
        a feed signature (a loop's third iteration), one generated function per run. A
        result the replay may reuse next time is copied; fresh ones and values passed
        through are handed on as they are."""
        runners = self._body_runners.get(step)
        if runners is None:
            runners = self._body_runners[step] = [sub.runner(feeds)
                                                  for feeds, sub in step.subplans]
        outputs, fresh = runners[i](values, state)
        if fresh is True:
            return outputs
        given = {id(v) for v in values}
        return [v if (fresh and fresh[k]) or id(v) in given else _own(v)
                for k, v in enumerate(outputs)]

    def whole_note(self, step):
        whole = self.whole.get(step.op)
        if whole is None:
            return ""
        if isinstance(whole, whole_loop.WholeLoop):
            return f"; COMPILED WHOLE: one Numba function runs every iteration ({whole.key})"
        return f" (not compiled whole: {whole})"

    def run_step(self, step, args, live, env, state):
        if step.group is not None:
            return self._launch(step, args, live, env)
        if step.subplans:
            return self.run_nested(step, args, state)
        return evaluate(step.op, args, state)

    def _launch(self, step, args, live, env):
        launch = self.launch_for(step, args)
        if launch.how == "reference":
            return fallback(step.op, args)
        if launch.how == "reduction":
            out = self._buffer(launch.dtypes[0], launch.sizes[0], live)
            if launch.sizes[0]:
                self._call(launch, args, [out])
            return [out.reshape(launch.out_shape)]
        if step.in_place and step.dying and live:  # an output may take a dying buffer if
            # every read of it is a[i] of the same memory order (a reversed view read a[-i])
            shared = {id(root(a)) for (mode, _), a in zip(launch.modes, args)
                      if a is not None and (mode != "full" or not a.flags.c_contiguous)}
            live.release([t for t in step.dying if t in env and id(root(env[t])) not in shared],
                         env)
        # a kept result gets an array of its own shape: handed to the user or the variable
        # store as it is (a reshaped pool buffer would be a view, which must be copied)
        owned = [None if make is None else make(launch.shape, dtype)
                 for dtype, make in zip(launch.dtypes, self.kept[step.op])]
        outs = [self._buffer(dtype, launch.n, live) if o is None else o.reshape(-1)
                for dtype, o in zip(launch.dtypes, owned)]
        if launch.n:
            self._call(launch, args, outs)
        return [o.reshape(launch.shape) if own is None else own for o, own in zip(outs, owned)]

    def _call(self, launch, args, outs):
        launch.kernel(*launch.sizes, *operand_values(launch, args), *outs)
        if self._unlogged:
            self._log_first_call(launch.key, launch.kernel)

    def launch_key(self, step, args):
        return (step.op, *[None if a is None else (a.shape, a.flags.c_contiguous)
                           for a in args])

    def describe(self, step, args):
        fused, shape = step.group, loop_shape(args)
        if any(t.dtype.name == "float16" for op in fused.body for t in (*op.inputs, *op.outputs)):
            return REFERENCE  # Numba's CPU kernels have no float16 arithmetic
        if fused.reduction is not None:
            layout = reduction_layout(fused, shape)
            if layout is None:
                return REFERENCE
            sizes, out_shape = layout
            dtypes = (fused.reduction.outputs[0].dtype.np,)
            if not sizes[0]:  # no outputs: nothing to run
                return Launch("reduction", shape, 0, sizes=sizes, out_shape=out_shape,
                              dtypes=dtypes)
            n = sizes[0] * sizes[1]
            modes = self._modes(fused, args, shape, n)
            key, kernel = self._kernel(step.op, modes, n)
            return Launch("reduction", shape, n, modes, sizes, out_shape, kernel, key, dtypes)
        if not results_fit(fused, args, shape):
            return REFERENCE
        n = math.prod(shape)
        if len(fused.body) == 1 and n < SINGLE_OP_KERNEL_FROM:
            return REFERENCE  # one op is one NumPy pass: not worth a compile
        dtypes = [t.dtype.np for t in fused.results]
        if not n:
            return Launch("kernel", shape, n, dtypes=dtypes)
        modes, sizes = self._modes(fused, args, shape, n), (n,)
        columns = _common_columns(modes)
        if columns:  # a (rows, columns) loop nest: bias rows and keepdims columns
            sizes = (n // columns, columns)
            modes = [("row", None) if m == "suffix" else ("col", None) if m == "prefix"
                     else (m, k) for m, k in modes]
        key, kernel = self._kernel(step.op, modes, n)
        return Launch("kernel", shape, n, modes, sizes, None, kernel, key, dtypes)

    @staticmethod
    def _modes(fused, args, shape, n):
        return [constant_mode(leaf) if a is None else operand_mode(leaf, a.shape, shape, n)
                for leaf, a in zip(fused.leaves, args)]

    def serial(self):
        """Run every kernel serially from now on (recipes and replays made for parallel
        kernels are forgotten)."""
        self.parallel_from = math.inf
        self._launches = type(self._launches)(self._launches.size)
        self.replays.clear()
        self.generation += 1  # runners forget their replays

    def _buffer(self, dtype, n, live):
        buf = live.pool.take(dtype.str, n)
        if buf is None:
            buf = np.empty(n, dtype)
            self.allocations += 1
        live.register(buf)
        return buf

    def _kernel(self, op, modes, n):
        """``(key, compiled kernel)`` for a Fused op read with these modes over n elements;
        a new one is generated (or loaded from disk) and its first call will be logged."""
        key = (op, tuple("full" if m == "broadcast" else m for m, _ in modes),
               n >= self.parallel_from)  # a broadcast operand is read from a full copy
        found = self._compiled.get(key)
        if found is None:
            source = codegen.kernel_source(op, key[1], key[2])
            found = self._compiled[key] = (*kernel_cache.load_kernel(source), source)
            self._unlogged.add(key)
        return key, found[1]

    def _log_first_call(self, key, kernel):
        if key in self._unlogged:  # Numba compiled (or loaded) it during that call
            self._unlogged.discard(key)
            kernel_cache.log_compile(self._compiled[key][0], kernel,
                                     f"new operand modes {list(key[1])}")

    # -- introspection --------------------------------------------------------------------
    def variants(self, op):
        return [{"modes": modes, "parallel": parallel, "cache_key": key, "source": source}
                for (k_op, modes, parallel), (key, _, source) in self._compiled.items()
                if k_op is op]

    def explain_more(self):
        if not self.replays:
            return []
        return [f"replays ({len(self.replays)}): feed shapes "
                + ", ".join(str(list(shapes)) for _, shapes in self.replays)]


def _own(value):
    """A body result the body's replay may reuse, as arrays of its own: a copy; an inner
    loop's per-iteration values (an object array of arrays), each copied; a TensorArray
    (a 0-d object array: a host list) as it is."""
    if not isinstance(value, np.ndarray) or value.dtype == object and value.ndim == 0:
        return value
    if value.dtype != object:
        return value.copy()
    out = np.empty(len(value), object)
    for i, v in enumerate(value):
        out[i] = v.copy() if isinstance(v, np.ndarray) and v.dtype != object else v
    return out


def operand_values(launch, args):
    """The kernel's operand arguments, in order, as the Launch reads them."""
    values = []
    for (mode, k), a in zip(launch.modes, args):
        if mode == "literal":
            continue
        if mode == "const":
            values.append(k)
        elif mode == "scalar":
            values.append(a.reshape(-1)[0])
        elif mode == "broadcast":
            values.append(np.ascontiguousarray(np.broadcast_to(a, launch.shape)).reshape(-1))
        else:
            values.append(a.reshape(-1))
            if k is not None:
                values.append(k)
    return values


def _common_columns(modes):
    """The row length every suffix operand spans and every prefix operand repeats
    over, if there is one (then the kernel needs no division per element)."""
    columns = {k for mode, k in modes if mode in ("suffix", "prefix")}
    return columns.pop() if len(columns) == 1 and 0 not in columns else None
