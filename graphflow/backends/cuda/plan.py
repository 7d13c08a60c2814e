"""The numba.cuda backend: the compiler's Program run as CUDA kernels.

``prepare`` compiles as the CPU backend does; the CudaPlan (a ``backends.plan.Plan``) runs
each fused step as a generated kernel (``codegen``) and every other op through a device
launcher (``kernels.LAUNCHERS``, keyed by OpDef) when there is one. Data stays on the
device: feeds are copied in once, variables keep device arrays in the session between
runs, fetches are copied out once. Ops without a launcher run their NumPy reference on
host copies and ``explain()`` shows them as ``host``; sources (constants, once per plan),
shape queries and random draws are computed on the host and uploaded, by design. Its
runner launches a captured CUDA graph for feed signatures it has seen (``graphs``).
"""

import importlib
import math
import weakref

import numpy as np

from ...compiler import compile_subgraph
from ...ops import base
from ...ops.base import Faulted
from ...ops.state import ASSIGN_OP
from .. import kernel_cache
from ..numpy_ref import evaluate, variable_read
from ..plan import (
    REFERENCE,
    Launch,
    Plan,
    constant_mode,
    fallback,
    loop_shape,
    operand_mode,
    reduction_layout,
    results_fit,
)
from ..runner import Runner
from . import env as cuda_env
from . import graphs
from .buffers import AddressTable

MAX_BLOCKS = 8192  # grid-stride loops cover the rest
PART = 1 << 14  # a reduction splits an output's elements into parts of about this many ...
WIDE = 1024  # ... when fewer than this many outputs would keep the GPU busy
# how a kernel reads an operand mode: one element stays on the device (a[0]); a general
# broadcast is read from a full copy made first
_KERNEL_MODE = {"scalar": "first", "broadcast": "full"}


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
        return CudaPlan(program, report, self.cuda, self.prepare)


class CudaPlan(Plan):
    """An executable Program on the GPU (see ``explain`` and ``kernels``)."""

    copies_out = True  # results are copied to the host before the run's buffers go back

    def __init__(self, program, report, cuda, prepare):
        from . import codegen

        self.addresses = AddressTable()  # (the pool, made by Plan, tells it what it drops)
        super().__init__(program, report, prepare)
        self.cuda, self._codegen = cuda, codegen
        self.simulator = cuda_env.is_simulator()
        self._launchers = _launchers()
        self._mirrors = {}  # id(device array) -> (it, its host value): constants, shapes
        self._kernels = {}  # (fused op, modes) -> (cache key, module)
        self._constants = {}  # source op -> its device outputs
        self.host_runs = set()  # names of ops that ran on the host at least once
        self.arrays = _DeviceArrays(self)  # (control flow: predicates, counts, sums)
        # stored tensor -> the variable its Assign writes: kernels write those into arrays
        # of their own (which the variable keeps), or into a captured graph's fixed buffers
        self.stored = {op.inputs[1]: op.inputs[0].op.origin
                       for op in program.ops if op.kind == base.ASSIGN}
        self.stream = 0  # where kernels launch: the default stream, or a graph under capture
        self.targets = None  # while capturing: variable -> the buffer its new value goes to
        self.captures = graphs.Captures(self) if graphs.supported(self) else None

    # -- running --------------------------------------------------------------------------
    def runner(self, feed_tensors):
        """The session's interface: captured CUDA graphs where the plan allows them."""
        if self.captures is None:
            return Runner(self, feed_tensors)
        return graphs.Runner(self, feed_tensors)

    def enter(self, env):
        return {t: self.cuda.to_device(_contiguous(v)) for t, v in env.items()}

    def leave(self, values):
        return [np.array(v.copy_to_host()) for v in values]

    def owner(self, value):
        return self.addresses.owner(value)

    def forget(self, buf):
        self.addresses.forget(buf)

    def detach(self, value):
        return self._copy(value)

    def run_step(self, step, args, live, env, state):
        op, kind = step.op, step.op.kind
        if step.group is not None:
            return self._fused(step, args, live)
        if step.subplans:
            return self.run_nested(step, args, state)
        if kind == base.VARIABLE:
            read = variable_read(op, state)
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
            return self._launch(launcher, op, args, live)
        return self._on_host(op, args, state)

    def _launch(self, launcher, op, args, live):
        """A launcher's outputs; the scratch buffers it took go back to the pool (the
        stream orders the kernels that use them before any later reuse)."""
        taken = []

        def alloc(shape, dtype):
            taken.append(self._alloc(shape, dtype, live))
            return taken[-1]

        outputs = launcher(op, args, alloc)
        kept = {id(self.owner(o)) for o in outputs}
        for a in taken:
            buf = self.owner(a)
            if buf is not None and id(buf) not in kept:
                kept.add(id(buf))
                live.drop(buf)
        return outputs

    def _upload(self, value):
        """A device copy of a host value that also stays readable on the host, while the
        device copy lives (a shape op's results are made every run, or every iteration of
        a loop: their mirrors held them all, one more per iteration, for good)."""
        value = _contiguous(value)
        device = self.cuda.to_device(value)
        try:
            self._mirrors[id(device)] = (weakref.ref(device), value)
        except TypeError:  # (a device array with no weak references: read back when needed)
            return device
        weakref.finalize(device, self._mirrors.pop, id(device), None)
        return device

    def _host(self, a):
        """A small device array's value on the host (no copy for constants and shapes)."""
        mirror = self._mirrors.get(id(a))
        return mirror[1] if mirror is not None and mirror[0]() is a else a.copy_to_host()

    def _on_host(self, op, args, state):
        if op.kind != base.RANDOM:
            self.host_runs.add(op.name)
        host = [None if a is None else self.arrays.host(a) for a in args]
        return [self.arrays.device(v) for v in evaluate(op, host, state)]

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
        elif self.owner(value) is not None or not value.is_c_contiguous():
            value = self._copy(value, var)  # a pool buffer is written again by later runs
        state.write_device(var, value, op)
        return (value,)

    # -- device buffers -------------------------------------------------------------------
    def _alloc(self, shape, dtype, live=None):
        """A pool buffer of this shape (launchers get their outputs from here), taken for
        ``live``'s run (else from the plan's pool, unregistered)."""
        dtype = np.dtype(dtype)
        n = math.prod(shape)
        if not n:
            return self.cuda.device_array(tuple(shape), dtype)
        pool = self.pool if live is None else live.pool
        buf = pool.take(dtype.str, n)
        if buf is None:
            buf = self.cuda.device_array(n, dtype)
            self.allocations += 1
            self.addresses.add(buf)
        if live is not None:
            live.register(buf)
        return buf.reshape(tuple(shape))

    def _stored_array(self, var, shape, dtype):
        """The array a variable's new value is written to: new, or a replay's own."""
        if self.targets is not None:
            return self.targets[var].reshape(tuple(shape))
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
    def _fused(self, step, args, live):
        launch = self.launch_for(step, args)
        if launch.how == "reference":
            return self._fused_on_host(step, args)
        operands = []
        for (mode, k), broadcast, a in zip(launch.modes, launch.extra, args):
            if mode in ("literal", "const"):
                if mode == "const":
                    operands.append(k)
                continue
            flat = self._flat(a)
            if broadcast is not None:
                flat = self._broadcast(flat, launch.n, *broadcast, live)
            operands.append(flat)
            if k is not None:
                operands.append(k)
        # a kernel that checks its inputs (integer division) flags a rejected element here
        flag = [self.cuda.to_device(np.zeros(1, np.int32))] if step.faults else []
        if launch.how == "reduction":
            outs = self._reduce(step, launch, operands, live, flag)
        else:
            shape, n = launch.shape, launch.n
            outs = [self._stored_array(self.stored[t], shape, t.dtype.np) if t in self.stored
                    else self._alloc(shape, t.dtype.np, live) for t in step.op.outputs]
            if n:
                blocks = self._blocks(n, self._codegen.THREADS * self._codegen.UNROLL)
                launch.kernel.kernel[blocks, self._codegen.THREADS, self.stream](
                    n, *operands, *[o.reshape(n) for o in outs], *flag)
        if flag:
            m = int(flag[0].copy_to_host()[0]) - 1  # waits for the kernel
            if m >= 0:
                raise Faulted(step.group.body[m].opdef.fault.message, m)
        return outs

    def launch_key(self, step, args):
        return (step.op, *[None if a is None else a.shape for a in args])

    def describe(self, step, args):
        fused, shape = step.group, loop_shape(args)
        sizes = out_shape = None
        if fused.reduction is not None:
            layout = reduction_layout(fused, shape)
            if layout is None:
                return REFERENCE
            sizes, out_shape = layout
        elif not results_fit(fused, args, shape):
            return REFERENCE
        n = math.prod(shape)
        modes = [constant_mode(leaf) if a is None else operand_mode(leaf, a.shape, shape, n)
                 for leaf, a in zip(fused.leaves, args)]
        kernel_modes = tuple(_KERNEL_MODE.get(m, m) for m, _ in modes)
        broadcasts = [_broadcast_strides(a.shape, shape, self.cuda) if m == "broadcast"
                      else None for (m, _), a in zip(modes, args)]
        return Launch("reduction" if sizes else "kernel", shape, n, modes, sizes, out_shape,
                      self._module(step.op, kernel_modes), (step.op, kernel_modes),
                      extra=broadcasts)

    def _module(self, op, modes):
        found = self._kernels.get((op, modes))
        if found is None:
            source = (self._codegen.BROADCAST_SOURCE if op == "broadcast"
                      else self._codegen.kernel_source(op, modes))
            found = self._kernels[(op, modes)] = kernel_cache.load_module(source)
        return found[1]

    def _blocks(self, n, per_block):
        return max(1, min(-(-n // per_block), 4 if self.simulator else MAX_BLOCKS))

    def _broadcast(self, flat, n, dims, strides, live):
        module = self._module("broadcast", ())
        out = self._alloc((n,), flat.dtype, live)
        module.kernel[self._blocks(n, self._codegen.THREADS), self._codegen.THREADS,
                      self.stream](
            n, len(dims), dims, strides, flat, out)
        return out

    def _reduce(self, step, launch, operands, live, flag):
        reduction = step.group.reduction
        rows = step.group.layout == "rows"
        outer, count, k = launch.sizes
        dtype = reduction.outputs[0].dtype.np
        var = self.stored.get(step.op.outputs[0])
        out = self._alloc((outer,), dtype, live) if var is None else self._stored_array(
            var, (outer,), dtype)
        if outer:
            parts = 1 if count <= PART else max(1, min(-(-count // PART), WIDE // outer))
            chunk = max(1, -(-count // parts))
            threads = self._codegen.THREADS
            blocks = self._blocks(outer * parts, 1 if rows else threads)
            target = out
            if parts > 1:
                target = self._alloc((outer * parts,), _accumulator_dtype(reduction), live)
            launch.kernel.kernel[blocks, threads, self.stream](outer, count, k, parts, chunk,
                                                              *operands, target, *flag)
            if parts > 1:
                launch.kernel.combine[self._blocks(outer, 1), threads, self.stream](
                    outer, parts, count, target, out)
                live.drop(self.owner(target))
        return [out.reshape(tuple(launch.out_shape))]

    def _fused_on_host(self, step, args):
        self.host_runs.add(step.op.name)
        host = [None if a is None else a.copy_to_host() for a in args]
        return [self.cuda.to_device(_contiguous(r)) for r in fallback(step.op, host)]

    # -- introspection --------------------------------------------------------------------
    def variants(self, op):
        return [{"modes": modes, "cache_key": key, "source": open(module.__file__).read()}
                for (k_op, modes), (key, module) in self._kernels.items() if k_op is op]

    def fused_word(self, op):
        return "host" if op.name in self.host_runs else "kernel"

    def where(self, op):
        if op.kind in (base.SOURCE, base.SHAPE, base.RANDOM):
            word = "upload"
        elif op.kind in (base.VARIABLE, base.CONTROL, base.PLACEHOLDER) or (
                op.kind == base.ASSIGN and op.opdef is ASSIGN_OP):
            word = "device"
        elif op.name in self.host_runs or op.opdef not in self._launchers:
            word = "host"
        else:
            word = "device"
        return f"{word:<7} "

    def explain_more(self):
        if self.captures is None:
            return []
        captured = sum(g is not None for g in self.captures.graphs.values())
        return [f"cuda graphs: replayed from the second run ({captured} captured)"]


def _broadcast_strides(a_shape, shape, cuda):
    """The device (dims, strides) a broadcast copy of an operand of ``a_shape`` reads with:
    strides are 0 along broadcast dimensions."""
    padded = (1,) * (len(shape) - len(a_shape)) + tuple(a_shape)
    strides, step = [], 1
    for size in reversed(padded):
        strides.append(0 if size == 1 else step)
        step *= size
    return (cuda.to_device(np.array(shape, np.int64)),
            cuda.to_device(np.array(strides[::-1], np.int64)))


def _accumulator_dtype(reduction):
    from ..scalar_code import accumulator

    return accumulator(reduction.inputs[0].dtype, reduction.opdef.combine[1])[0]


def _contiguous(value):
    """A C-contiguous array of ``value`` (np.ascontiguousarray would make a 0-d one 1-d)."""
    return np.asarray(value, order="C")


class _DeviceArrays:
    """``Plan.arrays`` for device values: a control-flow drive reads predicates and counts
    on the host; host values (TensorArrays' lists, which stay on the host) pass as they
    are; gradient sums over iterations are made on the host and uploaded."""

    def __init__(self, plan):
        self.plan = plan

    def host(self, value):
        return value if isinstance(value, (np.ndarray, np.generic)) else self.plan._host(value)

    def device(self, value):
        if isinstance(value, np.generic):
            value = np.asarray(value)
        if not isinstance(value, np.ndarray) or value.dtype == object:
            return value
        return self.plan.cuda.to_device(_contiguous(value))

    def add(self, a, b, in_place=False):
        return self.device(self.host(a) + self.host(b))
