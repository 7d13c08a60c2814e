"""The compiler's IR: a straight-line Program of ops in a private Graph.

The IR *is* graphflow's own data model: passes copy ops into a fresh private graph,
rewriting as they go, so a pass is a pure function Program -> Program and the user's
graph is never touched. Each copy keeps its name, source line, role and ``origin``
(the user's op), so errors and state still refer to what the user wrote.
"""

from ..graph import Graph, Operation
from ..ops.base import ASSIGN, CONTROL, EFFECT, NESTED, PLACEHOLDER, RANDOM, OpDef, Spec
from ..ops.checks import CHECK_SHAPE, claim

# A fed tensor enters the program as a FEED op: its value comes from feed_dict.
FEED = OpDef("Feed", PLACEHOLDER, lambda inputs, *, dtype, shape: Spec(shape, dtype),
             differentiable=False)


class Program:
    """``ops`` in execution order; ``outputs`` are the fetched tensors; ``feeds`` maps each
    fed user tensor to the FEED tensor standing for it.

    Variable reads are explicit ops: a read that must see this run's assignments is a
    copy of the variable op with attr ``fresh=True``, placed right before its reader, so
    passes may move or drop pure ops freely."""

    def __init__(self, graph, ops, outputs, feeds, targets=()):
        self.graph, self.ops, self.outputs, self.feeds = graph, ops, outputs, feeds
        self.targets = targets  # names of fetched operations: they run even if pure

    def counts(self):
        """Ops by kind, for the pipeline's explanation."""
        out = {}
        for op in self.ops:
            out[op.kind] = out.get(op.kind, 0) + 1
        return out


def clone(graph, op, inputs, opdef=None, attrs=None, specs=None):
    """A copy of ``op`` in ``graph`` (optionally another op type/attrs) on new inputs."""
    opdef = opdef or op.opdef
    specs = specs or [(t.shape, t.dtype) for t in op.outputs]
    new = Operation(graph, opdef, op.name, inputs, op._attrs if attrs is None else attrs, (),
                    specs, op.source, op.role, op.origin)
    graph._ops.append(new)
    return new


def from_subgraph(sub):
    """Copy a Subgraph (``graphflow.subgraph.extract``: the ops a run needs) into a Program."""
    graph = Graph()
    mapping, feeds, ops = {}, {}, []
    for t in sub.fed:
        op = Operation(graph, FEED, t.op.name, (), {"dtype": t.dtype, "shape": t.shape}, (),
                       [(t.shape, t.dtype)], t.op.source, t.op.role, t.op.origin)
        graph._ops.append(op)
        feeds[t] = mapping[t] = op.outputs[0]
    for op in sub.ops:
        inputs = [mapping.get(t, t) for t in op.inputs]
        if op.kind == ASSIGN:  # its target is the variable itself, even when its value is fed
            inputs[0] = op.inputs[0]
        for i in sub.fresh_reads.get(op, ()):
            var = op.inputs[i].op
            read = clone(graph, var, [], attrs={**var._attrs, "fresh": True})
            ops.append(read)
            inputs[i] = read.outputs[0]
        new = clone(graph, op, inputs)
        ops.append(new)
        mapping.update(zip(op.outputs, new.outputs))
        for t, copy in zip(op.outputs, new.outputs):
            if t._claimed_at is not None:  # a shape the user set: its readers read it checked
                what, pattern = claim(t)
                check = Operation(graph, CHECK_SHAPE, f"{op.name}/set_shape", [copy],
                                  {"min_rank": 0, "what": what, "pattern": pattern}, (),
                                  [(t.shape, t.dtype)], op.source, op.role, op.origin)
                graph._ops.append(check)
                ops.append(check)
                mapping[t] = check.outputs[0]
    outputs = [mapping[t] for t in sub.fetch_tensors]
    # a control input runs for its effect (a check that may fail the run) like a target:
    # the copies have no control inputs, so prune would otherwise drop it
    targets = {op.name for op in sub.target_ops} | {
        c.name for op in sub.ops for c in op.control_inputs}
    return Program(graph, ops, outputs, feeds, frozenset(targets))


def rebuild(program, rewrite):
    """A new Program with every op passed through ``rewrite(graph, op, inputs)``.

    ``inputs`` are the op's inputs already mapped into the new program. ``rewrite``
    returns the new op's outputs (a list of tensors of the new graph) or None to copy
    the op unchanged. Ops that end up unused by outputs or effects are pruned.
    """
    graph = Graph()
    mapping = {t: t for t in program.feeds.values()}  # feeds keep their identity
    ops = []
    for op in program.ops:
        inputs = [mapping.get(t, t) for t in op.inputs]  # an assign target may be outside
        made = len(graph._ops)
        outputs = rewrite(graph, op, inputs)
        if outputs is None:
            outputs = clone(graph, op, inputs).outputs
        ops.extend(graph._ops[made:])  # whatever the rewrite (or the copy) added
        mapping.update(zip(op.outputs, outputs))
    outputs = [mapping[t] for t in program.outputs]
    return prune(Program(graph, ops, outputs, program.feeds, program.targets))


def prune(program):
    """Drop pure ops that nothing fetched or effectful depends on."""
    live = set()
    stack = [t.op for t in program.outputs]
    stack += [op for op in program.ops if op.kind in (ASSIGN, CONTROL, RANDOM, EFFECT, NESTED)
              or op.name in program.targets]  # effects (draws advance a generator; a cond or
    # a loop may assign, draw or print), targets
    while stack:
        op = stack.pop()
        if op not in live:
            live.add(op)
            stack.extend(t.op for t in op.inputs)
    ops = [op for op in program.ops if op in live]
    return Program(program.graph, ops, program.outputs, program.feeds, program.targets)
