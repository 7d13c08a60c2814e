"""Replay: a Plan run again with the same feed shapes, as one generated Python function.

A Plan's dynamic run (``Plan.run``) decides at every step how to launch each kernel,
which pool buffer takes each result and when a buffer is free again. Given the shapes of
the feeds, all of that is the same on every run: every tensor's shape follows from the
feed shapes (checked where an op's result shape could depend on values). So the second
run of a feed signature is *traced* and turned into straight-line source: one line per
step, calling each compiled kernel with its operands and buffers bound in advance.

Each value in the trace is one of

- static: the same on every run (constants, shapes and what is computed only from them):
  computed once, in the trace, and bound as a read-only constant;
- fixed: a pool buffer (or a view of one) whose contents change but whose identity does
  not: the kernel writes it, and readers get the view the trace made;
- dynamic: made per run (feeds, variable reads, NumPy steps, results handed out).

A replay owns its pool buffers, so it is not re-entrant: a run that finds it busy (a
second thread) takes the dynamic path. If anything in a replay raises, or a value comes
out in a shape other than the trace's, the run is done again on the dynamic path, which
reports errors with the op and the user's line. The replay is dropped only if that run
succeeds (the replay was wrong for these values); a run that fails there too was given bad
values, and the next good run replays again.
"""

import threading

import numpy as np

from ...compiler.fuse import FUSED
from ...ops import base
from ..recent import Recent
from . import recycler, replay_source
from .recycler import root
from .replay_source import STATELESS_KINDS, index_like

REPLAY_FROM_RUN = 2  # the run of a feed signature that is traced (the first one compiles)
MAX_REPLAYS = 8  # feed signatures kept per plan (each owns its buffers, which count
# toward the session's pool budget: a replay that would take more than its share is not kept)
SEEN_SIGNATURES = 64  # feed signatures whose runs are counted (a new one each run: no end)
class Runner:
    """Runs a Plan for feeds given positionally, replaying known feed signatures."""

    def __init__(self, plan, feed_tensors):
        self.plan = plan
        self.feed_tensors = tuple(feed_tensors)
        self.stateful = plan.stateful
        self.warns = plan.warns
        # feed shapes -> dynamic runs so far (-1: never replay), for recent signatures
        self._seen = Recent(SEEN_SIGNATURES)
        self._replays = {}  # feed shapes -> _Replayer (also listed in plan.replays)
        self._generation = plan.generation
        # the session checks feeds against static shapes: fully known ones are the key
        self._static_shapes = tuple(tuple(t.shape.dims) for t in feed_tensors) if all(
            t.shape.is_fully_defined() for t in feed_tensors) and feed_tensors else None

    def __call__(self, values, state):
        shapes = self._static_shapes or tuple([v.shape for v in values])
        if self._generation != self.plan.generation:  # the plan forgot its replays
            self._generation = self.plan.generation
            self._replays.clear()
        replayer = self._replays.get(shapes)
        if replayer is not None:
            if replayer.lock.acquire(False):
                draws = [(g, g.bit_generator.state) for g in
                         (state.rng(op) for op in self.plan.random_ops)
                         ] if self.plan.random_ops else ()
                # writes staged before this replay (a loop body's replay runs inside a run
                # that may have written already) survive its failure; its own are undone
                staged = dict(state.pending) if state is not None and state.pending else None
                try:
                    return replayer.fn(values, state), replayer.fresh
                except Exception:  # noqa: BLE001 (the dynamic run reports it properly)
                    if state is not None:
                        state.pending.clear()
                        if staged:
                            state.pending.update(staged)
                    for generator, drawn_from in draws:  # the rerun draws the same numbers
                        generator.bit_generator.state = drawn_from
                finally:
                    replayer.lock.release()
                # The dynamic run judges: if it fails too, the values were bad (an index
                # out of range) and the replay, right for good ones, stays; if it succeeds,
                # the replay assumed something these values break, and is dropped.
                done = self._dynamic(values, state)
                self._drop(shapes)
                return done
            return self._dynamic(values, state)
        seen = self._seen.get(shapes, 0)
        if seen < 0 or seen + 1 < REPLAY_FROM_RUN or len(self.plan.replays) >= MAX_REPLAYS:
            if seen >= 0:
                self._seen[shapes] = seen + 1
            return self._dynamic(values, state)
        if not self.plan.trace_lock.acquire(False):  # another thread is tracing this plan
            return self._dynamic(values, state)
        trace = Trace()
        try:
            outputs = self.plan.run(dict(zip(self.feed_tensors, values)), state, trace)
            try:
                replayer = _Replayer(*replay_source.generate(self.plan, self.feed_tensors, trace))
            except Exception:  # noqa: BLE001 (a run that cannot be replayed stays dynamic)
                self._seen[shapes] = -1
            else:
                if not self.plan.pool.budget.room_for(replayer.nbytes):
                    self._seen[shapes] = -1  # its buffers would not fit: stays dynamic
                    return outputs, _issued(outputs, values)
                self._replays[shapes] = self.plan.replays[(self.feed_tensors, shapes)] = \
                    replayer
        finally:
            self.plan.trace_lock.release()
        return outputs, _issued(outputs, values)

    def _drop(self, shapes):
        self._replays.pop(shapes, None)
        self.plan.replays.pop((self.feed_tensors, shapes), None)
        self._seen[shapes] = -1  # never again for this signature

    def _dynamic(self, values, state):
        outputs = self.plan.run(dict(zip(self.feed_tensors, values)), state)
        return outputs, _issued(outputs, values)


def _issued(outputs, fed):
    """Freshness flags of a dynamic run's results: the recycler's arrays were made for
    this hand-out, unless one is a fed array passed through (a fetched result fed back);
    None when no result is known to be fresh (the session checks each)."""
    fed_ids = {id(v) for v in fed}
    flags = tuple(recycler.RECYCLER.issued(v) and id(v) not in fed_ids for v in outputs)
    return flags if any(flags) else None


class Trace(dict):
    """A traced run: tensor -> the value it had, and copies of the static values taken
    when they were made (their pool buffers may be overwritten later in the run)."""

    def __init__(self):
        super().__init__()
        self.static = {}
        self.produced = set()  # tensors some op made (the rest: feeds)
        self.varying = set()  # tensors whose shape may change with values, feed shapes fixed
        self.buffers = {}  # id -> the buffers the run took (the replay's own from then on)

    def record(self, op, reads, outputs):
        self.update(zip(op.outputs, outputs))
        self.produced.update(op.outputs)
        reads = [t for t in reads if t in self]
        if not self._fixed_shapes(op, reads):
            self.varying.update(op.outputs)
        if self._is_static(op, reads):
            for t, value in zip(op.outputs, outputs):
                # a copy (a later step may write its buffer; the user may write a fetched
                # one), but a constant's own array is shared: one however many replays
                shared = op.kind == base.SOURCE and id(root(value)) not in self.buffers
                self.static[t] = np.asarray(value).view() if shared else np.array(value)

    def _fixed_shapes(self, op, reads):
        """Whether the op's result shapes follow from the feed shapes alone: elementwise
        ops and variables always; others when every index-like input is static (a range's
        limit, a reshape's shape, a where's condition may change with values)."""
        if any(t in self.varying for t in reads) or op.kind in (base.NESTED, base.CONTAINER):
            return False  # (a loop's trip count, a TensorArray's elements: data decide)
        if op.opdef is FUSED or op.kind in (base.ELEMENTWISE, base.VARIABLE, base.SHAPE):
            return True
        if op.opdef.same_elements and all(op.inputs[i] in self.static
                                          for i in op.opdef.shape_inputs):
            return True  # input 0's elements, shaped by attrs or static shape inputs: integer
            # data (labels) pass through CheckIndices, ExpandDims, Identity...
        return all(t in self.static for t in reads if index_like(t))

    def _is_static(self, op, reads):
        """Whether an op's outputs are the same on every run with these feed shapes."""
        if op.opdef is FUSED or op.kind in STATELESS_KINDS:
            if op.kind == base.SHAPE:
                return not any(t in self.varying for t in reads)
            return all(t in self.static for t in reads)
        return False


class _Replayer:
    """A generated replay; ``fresh``: True when every result is made for this run, else a
    flag per result."""

    def __init__(self, fn, fresh, source, buffers):
        self.fn, self.fresh, self.source, self.buffers = fn, fresh, source, buffers
        self.nbytes = sum({id(b): b.nbytes for b in buffers}.values())
        self.lock = threading.Lock()


