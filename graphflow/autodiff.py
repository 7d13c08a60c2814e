"""Symbolic reverse-mode differentiation: ``gradients`` appends the backward graph.

The backward pass is made of ordinary ops in the same graph (TF1 style), under a
``gradients`` name scope and with role ``"backward"``, so the compiler fuses and
lowers forward and backward alike and they can be differentiated again.

This driver is the only place that sums a tensor's gradient over its uses and
un-broadcasts a gradient to its input's shape; each op's own rule (registered
beside the op with ``@OP.gradient``) returns one term per input and nothing more.
"""

from . import errors
from .graph import name_scope
from .ops.base import CONTRACTION, ELEMENTWISE
from .ops.broadcast import sum_to
from .ops.elementwise import add_n, ones_like, zeros_like
from .ops.shape_ops import shape
from .ops.sources import convert_to_tensor

_MODES = ("none", "zero", "raise")


def gradients(ys, xs, grad_ys=None, name="gradients", stop_gradients=None,
              unconnected_gradients="none", **_tf1_options):
    """The symbolic sum of d(ys)/d(x) for each x in ``xs`` (one tensor per x).

    ``grad_ys`` seeds the backward pass (default: ones). Tensors in
    ``stop_gradients`` are treated as constants. An x that ``ys`` do not depend on
    differentiably gets None, zeros with ``unconnected_gradients="zero"``, or an
    error explaining why with ``"raise"``.
    """
    ys, xs = _tensors(ys), _tensors(xs)
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    mode = getattr(unconnected_gradients, "value", unconnected_gradients)
    if mode not in _MODES:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"unconnected_gradients must be one of {_MODES}, not {mode!r}")
    if len(grad_ys) != len(ys):
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"got {len(grad_ys)} grad_ys for {len(ys)} ys")
    graph = ys[0].graph
    stops = set(_tensors(stop_gradients or []))
    with name_scope(name), graph.role("backward"):
        summed, cuts = _backprop(ys, xs, grad_ys, stops)
        results = []
        for x in xs:
            g = summed.get(x)
            if g is None and mode == "zero":
                g = zeros_like(x)
            elif g is None and mode == "raise":
                raise _unconnected_error(x, ys, cuts)
            results.append(g)
    return results


def _backprop(ys, xs, grad_ys, stops):
    """Walk the ops between xs and ys in reverse creation order, applying grad rules."""
    reach = _downstream(xs)
    needed = _upstream(ys)
    grads = {}  # tensor -> list of gradient terms from its consumers
    for y, gy in zip(ys, grad_ys):
        seed = ones_like(y, name="grad_ys") if gy is None else convert_to_tensor(gy, y.dtype)
        grads.setdefault(y, []).append(seed)
    summed, cuts = {}, []
    ops = sorted({op for op in needed if any(t in reach for t in op.inputs)} |
                 {t.op for t in grads}, key=lambda op: op.id, reverse=True)
    for op in ops:
        out_grads = [None if t in stops else _total(grads.pop(t, None), t, summed)
                     for t in op.outputs]
        if all(g is None for g in out_grads) or not any(t in reach for t in op.inputs):
            continue
        if not op.opdef.differentiable or op.opdef.grad is None:
            cuts.append((op, "it has no gradient"))
            continue
        with name_scope(f"{op.name}_grad"):
            in_grads = list(op.opdef.grad(op, *out_grads))
            if len(in_grads) != len(op.inputs):
                raise RuntimeError(f"the gradient rule of {op.type} returned {len(in_grads)} "
                                   f"terms for {len(op.inputs)} inputs")
            broadcasts = op.kind in (ELEMENTWISE, CONTRACTION) and len(op.inputs) > 1
            for t, g in zip(op.inputs, in_grads):
                if t not in reach:
                    continue
                if g is None or not (t.dtype.is_floating or t.dtype.name == "variant"):
                    cuts.append((op, f"its input {t.name!r} ({t.dtype.name}) gets no gradient"))
                    continue
                if broadcasts and not _never_broadcast(t, op):
                    g = sum_to(g, shape(t))
                grads.setdefault(t, []).append(g)
    for t, terms in grads.items():  # the xs themselves (and tensors no op consumed)
        _total(terms, t, summed)
    return summed, cuts


def _total(terms, tensor, summed):
    """The sum of a tensor's gradient terms (remembered: xs need it at the end)."""
    if not terms:
        return summed.get(tensor)
    if len(terms) == 1:
        total = terms[0]
    elif tensor.dtype.name == "variant":  # TensorArrays: gradient lists add entrywise
        from .ops.tensor_array import add_gradient_lists
        total = add_gradient_lists(terms)
    else:
        total = add_n(terms)
    summed[tensor] = total
    return total


def _never_broadcast(t, op):
    """True if the op's other inputs cannot stretch ``t``: each of their broadcast dims is 1
    or equal to ``t``'s known dim, and none has more. Otherwise ``sum_to`` decides at run
    time. Only batch dims broadcast in a contraction (its last two are the matrix)."""
    if t.shape.ndims is None:
        return False
    core = 2 if op.kind == CONTRACTION else 0
    dims = t.shape.dims[:len(t.shape.dims) - core]
    for u in op.inputs:
        if u is t:
            continue
        if u.shape.ndims is None or u.shape.ndims - core > len(dims):
            return False
        for du, dt in zip(reversed(u.shape.dims[:u.shape.ndims - core]), reversed(dims)):
            if du != 1 and (du is None or du != dt):
                return False
    return True


def _downstream(xs):
    """Tensors that depend on any x (the xs included)."""
    reach, stack = set(xs), list(xs)
    while stack:
        for op in stack.pop().consumers():
            for out in op.outputs:
                if out not in reach:
                    reach.add(out)
                    stack.append(out)
    return reach


def _upstream(ys):
    """Ops whose outputs the ys depend on through data edges."""
    seen, stack = set(), [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            stack.extend(t.op for t in op.inputs)
    return seen


def _unconnected_error(x, ys, cuts):
    names = ", ".join(repr(y.name) for y in ys)
    if x.op not in _upstream(ys) and x not in ys:
        why = f"none of {names} depends on it"
    else:
        reach = _downstream([x])
        on_path = [(op, reason) for op, reason in cuts
                   if any(t in reach for t in op.inputs)]
        if on_path:
            op, reason = on_path[0]
            why = (f"every path from it to {names} is cut: the gradient stops at "
                   f"{errors.describe(op.outputs[0] if op.outputs else op)} because {reason}")
        else:
            why = f"every path from it to {names} goes through a tensor in stop_gradients"
    return errors.at_user_line(
        errors.InvalidArgumentError,
        f"{errors.describe(x)} is unconnected to the ys ({why})")


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _tensors(values):
    return [convert_to_tensor(v) for v in _as_list(values)]
