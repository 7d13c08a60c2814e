"""Elementwise fusion: maximal convex groups of elementwise ops become one Fused op.

A Fused op *contains* its group, a ``FusedGroup`` (``group(op)``): the member ops (in the
previous program's graph), the tensors it reads and the member outputs it produces, and
for a group that ends in a reduction (a prologue), that reduction and its layout. Its
NumPy reference evaluates the body op by op, so every backend can run a fused program;
the compiled backends generate one kernel from the members' scalar expressions instead.
"""

import numpy as np

from ..ops import base
from ..ops.base import OpDef, Spec
from .program import Program, clone

MAX_OPERANDS = 16  # leaves + results per kernel: keeps generated signatures small


class FusedGroup:
    """What one Fused op computes, read by codegen, plans and replays through its fields.

    ``body``: the member ops in order; ``leaves``: the tensors the group reads (the Fused
    op's inputs, position for position); ``results``: the member outputs it produces (its
    outputs); ``reduction``: the REDUCE member that ends a reduction prologue, or None;
    ``layout``: that reduction's ``reduce_layout`` ("rows" or "cols"), or None;
    ``elementwise``: the members before the reduction (all of them without one)."""

    __slots__ = ("body", "leaves", "results", "reduction", "layout", "elementwise",
                 "_positions")

    def __init__(self, body, leaves, results):
        self.body, self.leaves, self.results = tuple(body), tuple(leaves), tuple(results)
        last = self.body[-1]
        self.reduction = last if last.kind == base.REDUCE else None
        self.layout = None if self.reduction is None else reduce_layout(last)
        self.elementwise = self.body if self.reduction is None else self.body[:-1]
        self._positions = {}

    def leaf_positions(self, t):
        """Positions in ``leaves`` of the leaves member output ``t`` depends on."""
        found = self._positions.get(t)
        if found is None:
            found, stack, seen = set(), [t], set()
            while stack:
                x = stack.pop()
                if x in self.leaves:
                    found.add(self.leaves.index(x))
                elif x not in seen:
                    seen.add(x)
                    stack.extend(x.op.inputs)
            found = self._positions[t] = sorted(found)
        return found

    def names(self):
        """The members' names, for explanations."""
        return [m.name for m in self.body]

    def __repr__(self):
        return f"<FusedGroup of {len(self.body)} ops: {', '.join(self.names())}>"


def group(op):
    """The FusedGroup a Fused op contains."""
    return op._attrs["group"]


def _fused_infer(inputs, *, group):
    return [Spec(t.shape, t.dtype) for t in group.results]


def _fused_reference(*values, group):
    env = dict(zip(group.leaves, values))
    for m, op in enumerate(group.body):
        try:
            outs = op.opdef.reference(*[env[t] for t in op.inputs], **op._attrs)
        except base.Faulted as e:  # name the member whose inputs were rejected
            raise base.Faulted(e.message, m) from None
        env[op.outputs[0]] = np.asarray(outs)
    return tuple(env[t] for t in group.results)


FUSED = OpDef("Fused", base.FUSED, _fused_infer, _fused_reference, differentiable=False)


def fusible(op):
    """Elementwise with a scalar expression, and no strings: a compiled kernel cannot hold
    Python objects (the op runs its NumPy reference instead)."""
    return (op.kind == base.ELEMENTWISE and op.opdef.scalar is not None
            and not any(t.dtype.np.kind == "O" for t in (*op.inputs, *op.outputs)))


def fuse(program):
    """Group elementwise ops into convex groups, merging the groups an op reads from.

    A group never depends on itself through an outside op, and is closed once an outside
    op has read one of its results (so the Fused op, placed where its last member was,
    still runs before every reader) -- except a deferrable store (see ``_deferrable``),
    which moves to just after the Fused op: one optimizer update is then one kernel.
    """
    consumers, fetched = _consumers(program), set(program.outputs)
    deferred = _deferrable(program, consumers, fetched)
    groups = _Groups(consumers, fetched)
    for op in program.ops:
        producers = [groups.of(t.op) for t in op.inputs if groups.of(t.op) is not None]
        target = None
        if fusible(op):
            target = groups.new(op)
            for g in dict.fromkeys(producers):
                if groups.can_merge(g, target):
                    target = groups.merge(g, target)
        if op not in deferred:
            groups.record(op, target)
    group_of, members = groups.final(), groups.members
    _absorb_reductions(program, group_of, members, consumers, fetched)
    return _rewrite(program, group_of, members, deferred, consumers, fetched)


def _consumers(program):
    consumers = {}
    for op in program.ops:
        for t in op.inputs:
            consumers.setdefault(t, set()).add(op)
    return consumers


def _deferrable(program, consumers, fetched):
    """Assignments that may run later than where they stand: nothing reads their result,
    and no later op reads (fresh) or writes the same variable."""
    found, touched = set(), set()  # touched: variables read fresh or written further on
    for op in reversed(program.ops):
        if op.kind == base.ASSIGN:
            var = op.inputs[0].op.origin
            if var not in touched and not any(t in consumers or t in fetched
                                              for t in op.outputs):
                found.add(op)
            touched.add(var)
        elif op.kind == base.VARIABLE and op._attrs.get("fresh"):
            touched.add(op.origin)
    return found


def reduce_layout(op):
    """``"rows"`` if a reduction sums trailing axes (or all), ``"cols"`` if leading ones:
    the two shapes a kernel reduces with one loop nest; None otherwise."""
    rank = op.inputs[0].shape.ndims
    if op.kind != base.REDUCE or op.opdef.combine is None or not rank:
        return None
    axes = tuple(range(rank)) if op._attrs["axis"] is None else tuple(op._attrs["axis"])
    if axes == tuple(range(rank - len(axes), rank)) and axes:
        return "rows"
    if axes == tuple(range(len(axes))) and axes:
        return "cols"
    return None


def _absorb_reductions(program, group_of, members, readers, fetched):
    """A reduction whose input is a group read by nothing else joins it (a prologue)."""
    for op in program.ops:
        g = group_of.get(op.inputs[0].op) if op.inputs else None
        if g is None or reduce_layout(op) is None:
            continue
        body = members[g]
        if body[-1].kind == base.REDUCE:
            continue
        inside = set(body) | {op}
        if all(t not in fetched and readers.get(t, set()) <= inside
               for m in body for t in m.outputs):
            body.append(op)
            group_of[op] = g


class _Groups:
    """Union-find over fusion groups, with what each op depends on upstream."""

    def __init__(self, consumers, fetched):
        self.parent, self.members, self.group_of, self.upstream = {}, {}, {}, {}
        self.closed = set()
        self.consumers, self.fetched = consumers, fetched

    def find(self, g):
        while self.parent[g] != g:
            g = self.parent[g]
        return g

    def of(self, op):
        g = self.group_of.get(op)
        return None if g is None else self.find(g)

    def new(self, op):
        g = len(self.parent)
        self.parent[g], self.members[g], self.group_of[op] = g, [op], g
        return g

    def deps(self, t):
        """Groups the tensor's producer depends on, itself included."""
        g = self.of(t.op)
        found = {self.find(x) for x in self.upstream.get(t.op, ())}
        return found | {g} if g is not None else found

    def can_merge(self, a, b):
        if a in self.closed or b in self.closed:
            return False
        inside = set(self.members[a]) | set(self.members[b])
        shape = self.members[a][0].outputs[0].shape
        if any(m.outputs[0].shape != shape for m in self.members[b]):
            return False  # one kernel loops over one shape
        leaves = {t for m in inside for t in m.inputs if t.op not in inside}
        results = [t for m in inside for t in m.outputs if t in self.fetched
                   or any(c not in inside for c in self.consumers.get(t, ()))]
        if len(leaves) + len(results) > MAX_OPERANDS:
            return False
        return not any({a, b} & self.deps(t) for t in leaves)  # no path out and back in

    def merge(self, a, b):
        self.parent[b] = a
        self.members[a] = sorted(self.members[a] + self.members.pop(b), key=lambda op: op.id)
        return a

    def record(self, op, target):
        deps = set()
        for t in op.inputs:
            deps |= self.deps(t)
            g = self.of(t.op)
            if g is not None and g != target:
                self.closed.add(g)
        deps.discard(target)
        self.upstream[op] = deps

    def final(self):
        return {op: self.find(g) for op, g in self.group_of.items()}



def _rewrite(program, group_of, members, deferred, consumers, fetched):
    """Each group becomes one Fused op (one kernel) where its last member was; a deferred
    store of one of its results placed before that follows it (a store only ever moves
    later: an earlier write to its variable must still come first)."""
    position = {op: i for i, op in enumerate(program.ops)}
    waiting, moved = {}, set()  # group -> stores of its results emitted right after it
    for op in deferred:
        g = group_of.get(op.inputs[1].op)
        if g is not None and position[members[g][-1]] > position[op]:
            waiting.setdefault(g, []).append(op)
            moved.add(op)
    last = {body[-1]: g for g, body in members.items()}
    graph, mapping, ops = program.graph, {}, []
    for op in program.ops:
        g = group_of.get(op)
        if g is not None:
            if op not in last:
                continue  # a member: computed inside the Fused op below
            body = members[g]
            inside = set(body)
            leaves = list(dict.fromkeys(t for m in body for t in m.inputs if t.op not in inside))
            results = [t for m in body for t in m.outputs
                       if t in fetched or any(c not in inside for c in consumers.get(t, ()))]
            op = clone(graph, body[-1], [mapping.get(t, t) for t in leaves], opdef=FUSED,
                       attrs={"group": FusedGroup(body, leaves, results)},
                       specs=[(t.shape, t.dtype) for t in results])
            mapping.update(zip(results, op.outputs))
            ops.append(op)
            for store in sorted(waiting.get(g, ()), key=lambda o: o.id):
                ops.append(clone(graph, store, [mapping.get(t, t) for t in store.inputs]))
            continue
        elif op in moved:
            continue  # emitted after the Fused op computing its value
        elif any(t in mapping for t in op.inputs):
            new = clone(graph, op, [mapping.get(t, t) for t in op.inputs])
            mapping.update(zip(op.outputs, new.outputs))
            op = new
        ops.append(op)
    outputs = [mapping.get(t, t) for t in program.outputs]
    return Program(graph, ops, outputs, program.feeds, program.targets)
