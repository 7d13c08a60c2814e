"""The graphs of control-flow bodies: the branches of ``cond``, the condition and body of
``while_loop``, built by calling the user's functions inside a ``BodyGraph``.

A body is a graph of its own, which its nested op runs as a plan of its own (the
execution skeleton's sub-plans), built inside an outer graph. An op of a body may take a
tensor of an outer graph as an input: the body *captures* it.

- An ordinary tensor becomes a placeholder of the body that the nested op feeds; the
  outer tensor becomes one of the nested op's inputs.
- A variable becomes a variable op of the body standing for the outer one (its origin):
  a read sees the session's current value, an assignment writes it. The outer variable
  is still an input of the nested op, so that autodiff finds the path from it.

Names are unique across a graph and its bodies and follow TF1's (``cond/add``,
``while/Less``). Collections, variables and the graph seed belong to the outermost graph.
``differentiate`` builds a body's gradient inside the body, and finds the forward values
that the gradient reads (the nested op hands them on: per iteration, for a loop).
"""

import itertools

import numpy as np

from . import errors
from .graph import Graph, Operation
from .ops import base
from .ops.sources import PLACEHOLDER_OP
from .ops.state import VARIABLE_OP

_offsets = itertools.count(1)


class BodyGraph(Graph):
    """A body built inside ``outer``, its ops named under ``scope`` ("cond", "rnn/while"),
    the tensors it captures ``scope/capture_name``, ``_1``..."""

    def __init__(self, outer, scope, capture_name):
        super().__init__()
        self.capture_name = capture_name  # TF1's name for what enters: "Switch", "Enter"
        self.outer = outer
        self._names_in_use = outer._names_in_use
        self._collections = outer._collections
        self._device_stack = list(outer._device_stack)
        self._role = outer._role
        self._name_stack = self.scope = scope
        self.seed_offset = next(_offsets) << 24
        self.captured = {}  # tensor of ``outer`` -> the tensor of this graph standing for it
        self.control_captured = []  # ops of outer graphs the nested op must run after

    def _capture(self, t, opdef):
        if self.outer is None or not self.outer.descends_from(t.graph):
            return super()._capture(t, opdef)
        outer_t = t if t.graph is self.outer else self.outer._capture(t, opdef)
        inner = self.captured.get(outer_t)
        if inner is None:
            inner = self.captured[outer_t] = self._stand_in(outer_t)
        return inner

    def control_dependencies(self, control_inputs):
        """As ``Graph.control_dependencies``; an op of an outer graph becomes a control
        input of the nested op instead (it runs once, before the loop or branch: TF1's
        rule)."""
        if control_inputs is None:
            return super().control_dependencies(None)
        own = []
        for c in control_inputs:
            op = c if isinstance(c, Operation) else getattr(c, "op", None)
            if isinstance(op, Operation) and op.graph is not self and \
                    self.descends_from(op.graph):
                if op not in self.control_captured:
                    self.control_captured.append(op)
            else:
                own.append(c)
        return super().control_dependencies(own)

    def capture(self, t):
        """``t`` as a tensor of this graph (captured if it belongs to an outer one)."""
        return t if t.graph is self else self._capture(t, PLACEHOLDER_OP)

    def _stand_in(self, t):
        base_name = self.capture_name
        if t.op.kind == base.VARIABLE:
            opdef, origin = VARIABLE_OP, t.op.origin
            attrs = {"shape": t.shape, "dtype": t.dtype, "fresh": True, "captured": True}
        else:
            opdef, origin = PLACEHOLDER_OP, None
            attrs = {"shape": t.shape, "dtype": t.dtype}
        saved, self._name_stack = self._name_stack, self.scope
        try:
            with self._lock:
                op = Operation(self, opdef, self.unique_name(base_name), (), attrs, (),
                               [(t.shape, t.dtype)], t.op.source, self._role, origin)
                self._ops.append(op)
                self._by_name[op.name] = op
        finally:
            self._name_stack = saved
        return op.outputs[0]

    def fed_captures(self):
        """(outer tensor, placeholder) of the captures the nested op feeds (not variables)."""
        return [(o, i) for o, i in self.captured.items() if i.op.kind != base.VARIABLE]


def differentiable(t):
    """Whether gradients flow through tensors of ``t``'s dtype (floats, TensorArrays)."""
    return t.dtype.is_floating or t.dtype.name == "variant"


class Gradient:
    """A body's gradient, built in the body: ``seeds`` (placeholders for the gradients of
    the differentiable ``ys``, None for the others), ``grads`` (per x, a tensor or None),
    ``saved`` (forward tensors the gradient reads that are not loop-invariant: the nested op
    hands them to its gradient), or ``error`` (why the body has no gradient)."""

    def __init__(self, seeds=(), grads=(), saved=(), error=None):
        self.seeds, self.grads, self.saved, self.error = list(seeds), list(grads), \
            list(saved), error


def differentiate(graph, ys, xs, variant, seeded=None):
    """The gradient of ``ys`` with respect to ``xs``, built in ``graph`` (a BodyGraph);
    ``variant``: tensors that change from one iteration to the next (a loop's variables;
    nothing for a branch), the rest of the body being recomputed by the gradient;
    ``seeded``: per y, whether a gradient comes in for it (default: if it is
    differentiable); the nested op hands in exactly these seeds."""
    from .autodiff import gradients
    from .ops.sources import placeholder

    first = len(graph._ops)
    xs = list(xs)
    with graph.as_default(), graph.name_scope(None), graph.name_scope(graph.scope + "/"):
        if seeded is None:
            seeded = [differentiable(y) for y in ys]
        seeds = [placeholder(y.dtype, y.shape, name="grad_seed") if wanted else None
                 for y, wanted in zip(ys, seeded)]
        pairs = [(y, s) for y, s in zip(ys, seeds) if s is not None]
        if not pairs or not xs:
            return Gradient(seeds, [None] * len(xs))
        try:
            grads = gradients([y for y, _ in pairs], xs, grad_ys=[s for _, s in pairs])
        except errors.GraphflowError as e:
            return Gradient(error=e)
    forward = set(graph._ops[:first])
    frontier = {}
    for op in graph._ops[first:]:
        for t in op.inputs:
            if t.op in forward:
                frontier[t] = None
    invariant = _invariance(variant)
    saved = [t for t in frontier if not invariant(t)]
    return Gradient(seeds, grads, saved)


def _invariance(variant):
    """``invariant(t)``: t is the same at every iteration (computed from captures, variables
    and constants only, by pure ops), so a gradient may recompute it instead of saving it."""
    memo = {t.op: False for t in variant}

    def invariant(t):
        op = t.op
        if op not in memo:
            if op.kind in (base.PLACEHOLDER, base.VARIABLE, base.SOURCE):
                memo[op] = True
            elif op.kind not in base.PURE_KINDS or op.control_inputs:
                memo[op] = False
            else:
                memo[op] = all(invariant(i) for i in op.inputs)
        return memo[op]

    return invariant


def truth(value, what):
    """A predicate's value (on the host) as a Python bool; as TF1, one that is not a
    scalar is refused (a placeholder of unknown shape may be fed any)."""
    value = np.asarray(value)
    if value.ndim != 0:
        raise ValueError(f"{what} must be a scalar, but it has shape {list(value.shape)}")
    return bool(value)
