"""The numba.cuda backend: the CPU compiler's Program run as CUDA kernels.

``prepare`` compiles like the Numba CPU backend; the Plan runs each Fused op as a
generated kernel (``cuda_codegen``) and every other op through a device launcher
(``cuda_kernels.LAUNCHERS``) when there is one. Data stays on the device: feeds are
copied in once, variables keep device arrays in the session between runs, fetches are
copied out once. Ops without a launcher run their NumPy reference on host copies and
``explain()`` shows them as ``host``; sources (constants, once per plan), shape queries
and random draws are computed on the host and uploaded, by design.
"""

import bisect
import importlib
import math
import sys
import threading

import numpy as np

from ... import errors
from ...compiler import compile_subgraph
from ...compiler.fuse import FUSED, reduce_layout
from ...ops import base
from ...ops.sources import CONST
from ...ops.state import ASSIGN_OP
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
from . import env as cuda_env
from . import graphs as cuda_replay

MAX_BLOCKS = 8192  # grid-stride loops cover the rest
PART = 1 << 14  # a reduction splits an output's elements into parts of about this many ...
WIDE = 1024  # ... when fewer than this many outputs would keep the GPU busy


def _launchers():
    """Device launchers of non-elementwise ops (their OpDef's ``shape_inputs`` are read on
    the host)."""
    try:
        module = importlib.import_module(".kernels", __package__)
    except ImportError:
        return {}
    return module.LAUNCHERS


class CudaBackend:
    name = "cuda"

    def __init__(self):
        self.cuda = cuda_env.load()  # a clear error when there is no GPU

    def prepare(self, subgraph):
        program, report = compile_subgraph(subgraph)
        return CudaPlan(program, report, self.cuda)


class CudaPlan:
    """An executable Program on the GPU (see ``explain`` and ``kernels``)."""

    warns = True  # host steps run NumPy references: the session silences their warnings
    fresh = None

    def __init__(self, program, report, cuda):
        from . import codegen as cuda_codegen

        self.program, self.report, self.cuda, self._codegen = program, report, cuda, cuda_codegen
        self.simulator = cuda_env.is_simulator()
        self._launchers = _launchers()
        self._mirrors = {}  # id(device array) -> (it, its host value): constants, shapes
        self._kernels = {}  # (fused op, modes) -> (cache key, module)
        # (fused op, operand shapes) -> launch recipe, for the sizes of recent runs
        self._recipes = Recent(KEEP_RUNS * max(1, sum(op.opdef is FUSED for op in program.ops)))
        self._constants = {}  # source op -> its device outputs
        self._pool = BufferPool(self._forget)  # free device buffers for the next runs
        self._starts, self._buffers = [], []  # every pool buffer, sorted by address
        self._table_lock = threading.Lock()  # concurrent runs change the two lists
        self.allocations = 0
        self.host_runs = set()  # names of ops that ran on the host at least once
        dying = dying_after(program)
        inlined = {op for op in program.ops if inlined_constant(op, program)}
        self._steps = [(op, read_tensors(op), dying[i])
                       for i, op in enumerate(program.ops) if op not in inlined]
        # stored tensor -> the variable its Assign writes: kernels write those into arrays
        # of their own (which the variable keeps), or into a replay's fixed buffers
        self._stored = {op.inputs[1]: op.inputs[0].op.origin
                        for op in program.ops if op.kind == base.ASSIGN}
        self._stream = 0  # where kernels launch: the default stream, or a graph under capture
        self._targets = None  # while capturing: variable -> the buffer its new value goes to
        self._replays = cuda_replay.Replays(self) if cuda_replay.supported(self) else None

    # -- running --------------------------------------------------------------------------
    def runner(self, feed_tensors):
        """The session's interface (see ``backends/runner.py``)."""
        return Runner(self, feed_tensors)

    def run(self, feeds, state):
        """Run on the device; returns the fetched values as fresh NumPy arrays."""
        if self._replays is not None:
            values = self._replays.run(feeds, state)
            if values is not None:
                return values
        env = {self.program.feeds[t]: self.cuda.to_device(_contiguous(v))
               for t, v in feeds.items()}
        try:
            return [np.array(v.copy_to_host()) for v in self.execute(env, state)]
        finally:
            self._pool.end_run()

    def execute(self, env, state):
        """The steps on device values ``env`` (feeds); returns the fetched device arrays."""
        live = {}  # id(pool buffer) -> [buffer, live tensors reading it]
        try:
            for op, reads, dying in self._steps:
                args = [env.get(t) for t in reads]  # None: an inlined constant, a target
                try:
                    outputs = self._step(op, args, state)
                except errors.GraphflowError:
                    raise
                except Exception as e:
                    raise runtime_error(op, args, e) from None
                for t, value in zip(op.outputs, outputs):
                    env[t] = value
                    buf = self._owner(value)
                    if buf is not None:
                        live.setdefault(id(buf), [buf, 0])[1] += 1
                for t in dying:
                    self._release(env.pop(t, None), live)
            return [env[t] for t in self.program.outputs]
        finally:
            for buf, _ in live.values():
                self._pool.give(buf)

    def _step(self, op, args, state):
        kind = op.kind
        if op.opdef is FUSED:
            return self._fused(op, args)
        if kind == base.VARIABLE:
            read = state.current if op._attrs.get("fresh") else state.snapshot
            return (self._on_device(state, op.origin, read(op.origin)),)
        if kind == base.ASSIGN:
            return self._assign(op, args, state)
        if kind == base.CONTROL:
            return ()
        if kind == base.SOURCE and not op.inputs:  # constants: computed once per plan
            if op not in self._constants:
                self._constants[op] = [self._upload(v) for v in evaluate(op, [], state)]
            return self._constants[op]
        if kind == base.SHAPE:  # only the shapes matter: zero-stride stand-ins
            stand_ins = [None if a is None else np.broadcast_to(np.zeros((), a.dtype), a.shape)
                         for a in args]
            return [self._upload(v) for v in evaluate(op, stand_ins, state)]
        launcher = self._launchers.get(op.opdef)
        if launcher is not None and kind != base.RANDOM:
            for i in op.opdef.shape_inputs:
                if i < len(args) and args[i] is not None:  # (an optional input may be absent)
                    args[i] = self._host(args[i])
            return self._launch(launcher, op, args)
        return self._on_host(op, args, state)

    def _launch(self, launcher, op, args):
        """A launcher's outputs; the scratch buffers it took go back to the pool (the
        stream orders the kernels that use them before any later reuse)."""
        taken = []

        def alloc(shape, dtype):
            taken.append(self._alloc(shape, dtype))
            return taken[-1]

        outputs = launcher(op, args, alloc)
        kept = {id(self._owner(o)) for o in outputs}
        for a in taken:
            buf = self._owner(a)
            if buf is not None and id(buf) not in kept:
                kept.add(id(buf))
                self._pool.give(buf)
        return outputs

    def _upload(self, value):
        """A device copy of a host value that also stays readable on the host."""
        value = _contiguous(value)
        device = self.cuda.to_device(value)
        self._mirrors[id(device)] = (device, value)
        return device

    def _host(self, a):
        """A small device array's value on the host (no copy for constants and shapes)."""
        mirror = self._mirrors.get(id(a))
        return mirror[1] if mirror is not None and mirror[0] is a else a.copy_to_host()

    def _on_host(self, op, args, state):
        if op.kind != base.RANDOM:
            self.host_runs.add(op.name)
        host = [None if a is None else a.copy_to_host() for a in args]
        return [self.cuda.to_device(_contiguous(v)) for v in evaluate(op, host, state)]

    def _on_device(self, state, var, value):
        """A variable's value as a device array; a NumPy value (``load_variable``, a
        restore) is uploaded once and the device array takes its place."""
        if isinstance(value, np.ndarray):
            device = self.cuda.to_device(value)
            for store in (state.pending, state.committed):
                if store.get(var) is value:
                    store[var] = device
            value = device
        return value

    def _assign(self, op, args, state):
        var = op.inputs[0].op.origin
        value = args[1]
        if op.opdef is not ASSIGN_OP:  # an update the compiler did not expand
            self.host_runs.add(op.name)
            old = state.current_or_none(var)
            old = old.copy_to_host() if hasattr(old, "copy_to_host") else old
            try:
                new = op.opdef.reference(old, value.copy_to_host())
            except base.Uninitialized:
                state.snapshot(var)  # raises the uninitialized-variable error
            value = self.cuda.to_device(_contiguous(new))
        elif self._owner(value) is not None or not value.is_c_contiguous():
            value = self._copy(value, var)  # a pool buffer is written again by later runs
        state.write_device(var, value, op)
        return (value,)

    # -- device buffers -------------------------------------------------------------------
    def _alloc(self, shape, dtype):
        """A pool buffer of this shape (launchers get their outputs from here)."""
        dtype = np.dtype(dtype)
        n = math.prod(shape)
        if not n:
            return self.cuda.device_array(tuple(shape), dtype)
        buf = self._pool.take(dtype.str, n)
        if buf is None:
            buf = self.cuda.device_array(n, dtype)
            self.allocations += 1
            with self._table_lock:
                at = bisect.bisect(self._starts, cuda_env.address(buf))
                self._starts.insert(at, cuda_env.address(buf))
                self._buffers.insert(at, buf)
        return buf.reshape(tuple(shape))

    def _forget(self, buf):
        """A pool buffer let go (the pool's sizes moved on): its memory goes back to the
        device once nothing refers to it."""
        with self._table_lock:
            at = bisect.bisect_left(self._starts, cuda_env.address(buf))
            if at < len(self._buffers) and self._buffers[at] is buf:
                del self._starts[at], self._buffers[at]

    def _owner(self, value):
        """The pool buffer ``value`` is (a view of), or None."""
        if value is None or not value.size or not self._starts:
            return None
        where = cuda_env.address(value)
        with self._table_lock:
            at = bisect.bisect(self._starts, where) - 1
            if at < 0:
                return None
            buf, start = self._buffers[at], self._starts[at]
        return buf if where < start + buf.nbytes else None

    def _release(self, value, live):
        buf = self._owner(value)
        entry = None if buf is None else live.get(id(buf))
        if entry is not None:
            entry[1] -= 1
            if entry[1] == 0:
                del live[id(buf)]
                self._pool.give(buf)

    def _stored_array(self, var, shape, dtype):
        """The array a variable's new value is written to: new, or a replay's own."""
        if self._targets is not None:
            return self._targets[var].reshape(tuple(shape))
        return self.cuda.device_array(tuple(shape), dtype)

    def _copy(self, value, var=None):
        out = (self.cuda.device_array(value.shape, value.dtype) if var is None
               else self._stored_array(var, value.shape, value.dtype))
        if value.size:
            if value.is_c_contiguous():
                out.copy_to_device(value)
            else:
                out.copy_to_device(_contiguous(value.copy_to_host()))
        return out

    def _flat(self, a):
        """A contiguous 1-D device array of ``a``'s elements."""
        if not a.is_c_contiguous():
            a = self._copy(a)
        return a.reshape(a.size)

    # -- fused kernels --------------------------------------------------------------------
    def _fused(self, op, args):
        layout = (op, *[None if a is None else a.shape for a in args])
        try:
            recipe = self._recipes[layout]
        except KeyError:  # (None: the group runs on the host)
            recipe = self._recipes[layout] = self._recipe(op, args)
        if recipe is None:
            return self._fused_on_host(op, args)
        shape, n, modes, reads, module = recipe
        operands = []
        for (mode, k, broadcast), a in zip(reads, args):
            if mode == "const":
                continue
            flat = self._flat(a)
            if broadcast is not None:
                flat = self._broadcast(flat, n, *broadcast)
            operands.append(flat)
            if k is not None:
                operands.append(k)
        if op._attrs["body"][-1].kind == base.REDUCE:
            return self._reduce(op, shape, operands, module)
        outs = [self._stored_array(self._stored[t], shape, t.dtype.np) if t in self._stored
                else self._alloc(shape, t.dtype.np) for t in op.outputs]
        if n:
            blocks = self._blocks(n, self._codegen.THREADS * self._codegen.UNROLL)
            module.kernel[blocks, self._codegen.THREADS, self._stream](
                n, *operands, *[o.reshape(n) for o in outs])
        return outs

    def _recipe(self, op, args):
        """Loop shape, operand modes and the kernel for operands of these shapes; None
        where the kernel cannot run them (the op then runs on the host)."""
        shape = tuple(np.broadcast_shapes(*(a.shape for a in args if a is not None)))
        body = op._attrs["body"]
        leaves = op._attrs["leaves"]
        if body[-1].kind == base.REDUCE:
            if len(shape) != body[-1].inputs[0].shape.ndims:
                return None  # broadcasting grew the rank
        else:
            for t in op._attrs["results"]:
                own = np.broadcast_shapes(*[() if a is None else a.shape
                                            for leaf, a in zip(leaves, args)
                                            if leaf in _leaves_of(t, leaves)])
                if tuple(own) != shape:
                    return None
        n = math.prod(shape)
        reads = [("const", None, None) if a is None else _operand(leaf, a, shape, n)
                 for leaf, a in zip(leaves, args)]
        reads = [(m, k, b and tuple(self.cuda.to_device(x) for x in b)) for m, k, b in reads]
        modes = tuple(m for m, _, _ in reads)
        return shape, n, modes, reads, self._module(op, modes)

    def _module(self, op, modes):
        found = self._kernels.get((op, modes))
        if found is None:
            source = (self._codegen.BROADCAST_SOURCE if op == "broadcast"
                      else self._codegen.kernel_source(op, modes))
            key, _ = kernel_cache.load_kernel(source)
            found = self._kernels[(op, modes)] = (key, sys.modules[f"graphflow_kernel_{key}"])
        return found[1]

    def _blocks(self, n, per_block):
        return max(1, min(-(-n // per_block), 4 if self.simulator else MAX_BLOCKS))

    def _broadcast(self, flat, n, dims, strides):
        module = self._module("broadcast", ())
        out = self._alloc((n,), flat.dtype)
        module.kernel[self._blocks(n, self._codegen.THREADS), self._codegen.THREADS,
                      self._stream](
            n, len(dims), dims, strides, flat, out)
        return out

    def _reduce(self, op, shape, operands, module):
        reduction = op._attrs["body"][-1]
        rows = reduce_layout(reduction) == "rows"
        (outer, count, k), kept = reduction_layout(op, shape)
        dtype = reduction.outputs[0].dtype.np
        var = self._stored.get(op.outputs[0])
        out = self._alloc((outer,), dtype) if var is None else self._stored_array(
            var, (outer,), dtype)
        if outer:
            parts = 1 if count <= PART else max(1, min(-(-count // PART), WIDE // outer))
            chunk = max(1, -(-count // parts))
            threads = self._codegen.THREADS
            blocks = self._blocks(outer * parts, 1 if rows else threads)
            target = out
            if parts > 1:
                target = self._alloc((outer * parts,), _accumulator_dtype(reduction))
            module.kernel[blocks, threads, self._stream](outer, count, k, parts, chunk,
                                                        *operands, target)
            if parts > 1:
                module.combine[self._blocks(outer, 1), threads, self._stream](
                    outer, parts, count, target, out)
                self._pool.give(target)
        return [out.reshape(tuple(kept))]

    def _fused_on_host(self, op, args):
        self.host_runs.add(op.name)
        values = [leaf.op._attrs["value"] if a is None else a.copy_to_host()
                  for leaf, a in zip(op._attrs["leaves"], args)]
        return [self.cuda.to_device(_contiguous(r))
                for r in op.opdef.reference(*values, **op._attrs)]

    # -- introspection --------------------------------------------------------------------
    def kernels(self):
        """One entry per fused kernel: its original ops, and per operand-mode variant
        generated so far its cache key and source."""
        out = []
        for op in self.program.ops:
            if op.opdef is FUSED:
                variants = [{"modes": modes, "cache_key": key,
                             "source": open(module.__file__).read()}
                            for (k_op, modes), (key, module) in self._kernels.items()
                            if k_op is op]
                out.append({"name": op.name, "ops": [m.name for m in op._attrs["body"]],
                            "variants": variants})
        return out

    def explain(self):
        """The pipeline (op counts per kind before and after each pass) and the steps,
        each marked where it runs: kernel, device (a launcher), host, or upload."""
        lines = pipeline_lines(self.report)
        lines.append(f"steps ({len(self.program.ops)}):")
        for op in self.program.ops:
            if op.opdef is FUSED:
                members = ", ".join(m.name for m in op._attrs["body"])
                where = "host" if op.name in self.host_runs else "kernel"
                lines.append(f"  {where} {op.name}: {len(op._attrs['body'])} ops ({members})")
            else:
                lines.append(f"  {self._where(op):<7} {op.kind:<12} {op.type} '{op.name}'")
        if self._replays is not None:
            captured = sum(g is not None for g in self._replays.graphs.values())
            lines.append(f"cuda graphs: replayed from the second run ({captured} captured)")
        return "\n".join(lines)

    def _where(self, op):
        if op.kind in (base.SOURCE, base.SHAPE, base.RANDOM):
            return "upload"
        if op.kind in (base.VARIABLE, base.CONTROL, base.PLACEHOLDER) or (
                op.kind == base.ASSIGN and op.opdef is ASSIGN_OP):
            return "device"
        if op.name in self.host_runs or op.opdef not in self._launchers:
            return "host"
        return "device"


def _accumulator_dtype(reduction):
    from ..scalar_code import accumulator

    return accumulator(reduction.inputs[0].dtype, reduction.opdef.combine[1])[0]


def _operand(leaf, a, shape, n):
    """(mode, k, broadcast) of one operand: how the kernel reads it, the k it needs, and
    for a general broadcast the (dims, strides) of the copy made first."""
    if a.size == 1:
        return ("const", None, None) if leaf.op.opdef is CONST else ("first", None, None)
    if a.shape == shape:
        return "full", None, None
    padded = (1,) * (len(shape) - a.ndim) + tuple(a.shape)
    core = [i for i, d in enumerate(padded) if d != 1]
    lo, hi = core[0], core[-1] + 1
    if padded[lo:] == shape[lo:]:
        return "suffix", a.size, None
    if padded[:hi] == shape[:hi]:
        return "prefix", n // a.size, None
    strides, step = [], 1
    for size in reversed(padded):
        strides.append(0 if size == 1 else step)
        step *= size
    return "full", None, (np.array(shape, np.int64), np.array(strides[::-1], np.int64))


def _leaves_of(t, leaves):
    found, stack, seen = set(), [t], set()
    while stack:
        x = stack.pop()
        if x in leaves:
            found.add(x)
        elif x not in seen:
            seen.add(x)
            stack.extend(x.op.inputs)
    return found


def _contiguous(value):
    """A C-contiguous array of ``value`` (np.ascontiguousarray would make a 0-d one 1-d)."""
    return np.asarray(value, order="C")
