"""The part of a graph one ``Session.run`` needs, in execution order.

Pure function of (fetches, fed tensors): prune to the ops the fetches need
(stopping at fed tensors), order them (creation order is topological, since an
op's inputs and control inputs always exist before it), find placeholders left
unfed, and decide which variable reads must see this run's assignments.
"""

from . import errors
from .graph import Operation
from .ops.base import ASSIGN, NESTED, PLACEHOLDER, VARIABLE, read_inputs


class Subgraph:
    """``ops`` in execution order; ``fresh_reads[op]`` lists the input positions whose
    variable must be read *after* this run's assignments (the op depends on them);
    ``written``: the variable ops the run assigns to, in creation order."""

    def __init__(self, ops, fetch_tensors, target_ops, fed, fresh_reads):
        self.ops = ops
        self.written = tuple(sorted({var for op in ops for var in assigned_by(op)},
                                    key=lambda var: var.id))
        self.fetch_tensors = fetch_tensors
        self.target_ops = target_ops
        self.fed = fed
        self.fresh_reads = fresh_reads


def extract(fetch_tensors, target_ops, fed):
    """Build the Subgraph for these fetches; raises if a needed placeholder is not fed."""
    needed_by = {}  # op -> the fetch that first needed it (for error messages)
    stack = [(t.op, t) for t in fetch_tensors if t not in fed]
    stack += [(op, op) for op in target_ops]
    while stack:
        op, fetch = stack.pop()
        if op in needed_by:
            continue
        needed_by[op] = fetch
        stack.extend((t.op, fetch) for _, t in read_inputs(op) if t not in fed)
        stack.extend((c, fetch) for c in op.control_inputs)
    ops = sorted(needed_by, key=lambda op: op.id)
    _check_feeds_complete(ops, needed_by)
    return Subgraph(ops, fetch_tensors, target_ops, fed, _fresh_reads(ops, fed))


def extract_body(fetched, fed):
    """The Subgraph of a nested op's body: ``fetched`` tensors (and ops, run for their
    effect), from the body's ``fed`` placeholders."""
    tensors = tuple(f for f in fetched if not isinstance(f, Operation))
    targets = tuple(f for f in fetched if isinstance(f, Operation))
    return extract(tensors, targets, frozenset(fed))


def assigned_by(op):
    """The variables (their origins) ``op`` writes: an assignment's target, or what the
    bodies of a nested op assign, at any depth."""
    if op.kind == ASSIGN:
        return {op.inputs[0].op.origin}
    if op.kind != NESTED:
        return set()
    found = op.__dict__.get("_assigned")
    if found is None:
        found = set()
        for fed, fetched in op.opdef.bodies(op):
            for inner in extract_body(fetched, fed).ops:
                found |= assigned_by(inner)
        op._assigned = found
    return found


def _check_feeds_complete(ops, needed_by):
    missing = [op for op in ops if op.kind == PLACEHOLDER]
    if not missing:
        return
    lines = [f"{len(missing)} placeholder(s) must be fed (feed_dict) for this run:"]
    for op in missing:
        lines.append(f"  {errors.describe(op.outputs[0])}")
        lines.append(f"    needed by the fetch {needed_by[op].name!r}")
    raise errors.InvalidArgumentError("\n".join(lines), missing[0])


def _fresh_reads(ops, fed):
    """Variable reads that depend (by data or control) on an assignment to that variable."""
    assigned_upstream = {}
    fresh = {}
    for op in ops:
        upstream = set()
        for _, t in read_inputs(op):
            if t not in fed:
                upstream |= assigned_upstream.get(t.op, set())
        for c in op.control_inputs:
            upstream |= assigned_upstream.get(c, set())
        reads = [i for i, t in read_inputs(op)
                 if t.op.kind == VARIABLE and t not in fed and t.op.origin in upstream]
        if reads:
            fresh[op] = reads
        if op.kind in (ASSIGN, NESTED):
            upstream = upstream | assigned_by(op)
        assigned_upstream[op] = frozenset(upstream)
    return fresh
