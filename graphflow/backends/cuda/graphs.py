"""The CUDA plan's runner strategy: one CUDA-graph launch per run instead of one per kernel.

Only on a real GPU (the simulator has no graphs) and only for plans whose every step is
a generated kernel (not one that checks its inputs: integer division reads a flag back), a
variable read, a plain Assign of a kernel's result or a constant:
nothing there reads back to the host or allocates once buffers are fixed. The second run
of a feed signature (shapes and dtypes) is captured by launching the steps on a
``cuda.core`` GraphBuilder; numba kernels accept it as their stream.

A graph bakes in addresses, so everything it touches is fixed: feeds are copied into
buffers of its own, intermediates live in its own pool, and each written variable has
two arrays, A and B. Two graphs are captured: one reads A and writes B, the other reads
B and writes A. A run picks the graph whose inputs are the variables' committed arrays
and stages the other array as the new value, so runs stay transactional (a failed run
commits nothing) and the value a run read is never overwritten by it. If the committed
arrays are anything else (``load_variable``, another plan's write), the run takes the
ordinary path.
"""

import numpy as np

from ...compiler.fuse import FUSED
from ...ops import base
from ...ops.state import ASSIGN_OP
from ..buffer_pool import BufferPool
from ..plan import Live
from ..runner import Runner as PlainRunner

CAPTURE_AFTER = 1  # dynamic runs of a signature before it is captured (the first compiles)


def supported(plan):
    """Whether ``plan`` runs on a GPU with cuda.core graphs and may be replayed."""
    return not plan.simulator and _graph_api() is not None and replayable(plan)


def replayable(plan):
    """Whether every step of ``plan`` may go into a graph (see the module docstring)."""
    producers = {t: op for op in plan.program.ops for t in op.outputs}
    assigns = [op for op in plan.program.ops if op.kind == base.ASSIGN]
    if not len(assigns) == len(plan.stored) == len(set(plan.stored.values())):
        return False  # a tensor stored twice, or a variable written twice: no A/B pairs
    checked = {step.op for step in plan.steps if step.faults}  # they read a flag back
    for op in plan.program.ops:
        if (op.opdef is FUSED and op not in checked) or op.kind in (base.VARIABLE,
                                                                      base.CONTROL):
            continue
        if op.kind == base.SOURCE and not op.inputs:
            continue
        if op.kind == base.ASSIGN and op.opdef is ASSIGN_OP and producers.get(
                op.inputs[1]) is not None and producers[op.inputs[1]].opdef is FUSED:
            continue
        return False
    return True


def _graph_api():
    try:
        from cuda.core import Device
    except ImportError:
        try:
            from cuda.core.experimental import Device
        except ImportError:
            return None
    return Device


class Runner(PlainRunner):
    """Runs a CudaPlan, launching its captured graph for a feed signature seen before."""

    def __call__(self, values, state):
        feeds = dict(zip(self.feed_tensors, values))
        fetched = self.executable.captures.run(feeds, state)
        if fetched is None:
            fetched = self.executable.run(feeds, state)
        return fetched, None


class Captures:
    """The captured graphs of one plan, per feed signature."""

    def __init__(self, plan):
        self.plan = plan
        self.seen = {}  # signature -> dynamic runs so far
        self.graphs = {}  # signature -> _Captured, or None where capture failed
        self.device = self.stream = None

    def run(self, feeds, state):
        """The fetched values from a graph launch, or None: take the ordinary path."""
        key = tuple((np.shape(feeds[t]), feeds[t].dtype.str) for t in self.plan.program.feeds)
        captured = self.graphs.get(key)
        if captured is None:
            if key in self.graphs or self.plan.host_runs:
                return None
            self.seen[key] = self.seen.get(key, 0) + 1
            if self.seen[key] <= CAPTURE_AFTER:
                return None
            captured = self.graphs[key] = self._capture(feeds, state)
            if captured is None:
                return None
        return captured.run(feeds, state, self.stream)

    def _capture(self, feeds, state):
        if self.device is None:
            self.device = _graph_api()()
            self.device.set_current()
            self.stream = self.device.create_stream()
        try:
            return _Captured(self.plan, feeds, state, self.device)
        except Exception:  # noqa: BLE001 - a plan that cannot be captured runs as before
            return None


class _Captured:
    def __init__(self, plan, feeds, state, device):
        cuda = plan.cuda
        self.plan = plan
        written = sorted(set(plan.stored.values()), key=lambda v: v.name)
        read = {op.origin for op in plan.program.ops if op.kind == base.VARIABLE}
        current = {v: state.current_or_none(v) for v in read | set(written)}
        if any(value is None or not hasattr(value, "copy_to_host") for value in current.values()):
            raise ValueError("a variable is not on the device yet")
        self.read_only = {v: current[v] for v in read - set(written)}
        self.stores = {op.inputs[0].op.origin: op for op in plan.program.ops
                       if op.kind == base.ASSIGN}
        # each written variable: its array now (A) and one more (B)
        self.arrays = {v: (current[v], cuda.device_array(current[v].shape, current[v].dtype))
                       for v in written}
        self.feeds = {t: cuda.device_array(v.shape, v.dtype) for t, v in feeds.items()}
        env = {plan.program.feeds[t]: buf for t, buf in self.feeds.items()}
        pool = BufferPool()  # the graphs' own buffers: both sides share them
        self.graphs, self.outputs = [], []
        try:
            with cuda.defer_cleanup():
                for side in (0, 1):  # side 0 reads A and writes B; side 1 the other way
                    inputs = {v: pair[side] for v, pair in self.arrays.items()}
                    plan.targets = {v: pair[1 - side] for v, pair in self.arrays.items()}
                    builder = device.create_graph_builder()
                    builder.begin_building()
                    plan.stream = builder
                    live = Live(pool, plan.owner)
                    try:
                        outputs = plan.run_steps(dict(env), live,
                                                 _CaptureState(inputs, self.read_only))
                    finally:
                        plan.stream = 0
                        builder.end_building()
                        live.give_back()
                    self.graphs.append(builder.complete())
                    self.outputs.append(outputs)
        finally:
            plan.targets = None
            self.buffers = pool  # the graphs own these now

    def run(self, feeds, state, stream):
        side = self._side(state)
        if side is None:
            return None
        for t, value in feeds.items():
            self.feeds[t].copy_to_device(np.asarray(value, order="C"))
        self.plan.cuda.synchronize()  # the copies and earlier runs' kernels (another stream)
        self.graphs[side].launch(stream)
        stream.sync()
        for v, pair in self.arrays.items():
            state.write_device(v, pair[1 - side], self.stores[v])
        return [np.array(v.copy_to_host()) for v in self.outputs[side]]

    def _side(self, state):
        if any(state.current_or_none(v) is not value for v, value in self.read_only.items()):
            return None
        for side in (0, 1):
            if all(state.current_or_none(v) is pair[side] for v, pair in self.arrays.items()):
                return side
        return None


class _CaptureState:
    """A run state for capture: variables read the given arrays, writes go nowhere."""

    def __init__(self, inputs, read_only):
        self.values = {**read_only, **inputs}
        self.pending, self.committed = {}, self.values

    def snapshot(self, var):
        return self.values[var]

    def current(self, var):
        return self.pending.get(var, self.values[var])

    def current_or_none(self, var):
        return self.pending.get(var, self.values.get(var))

    def write_device(self, var, value, op):
        self.pending[var] = value
