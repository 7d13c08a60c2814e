"""``custom_gradient``: a function whose gradient is given, not derived (TF1's
``tf.custom_gradient``).

The function's results pass through one ``IdentityN`` op (TF1's name for it) whose inputs
are the results, the function's arguments and the variables it reads. Its gradient rule
gives the results' inputs nothing, so nothing flows back through the ops that computed
them, and gives the arguments (and variables) what the user's ``grad_fn`` returns. The op
moves no data: the compiler replaces it by its inputs.
"""

import functools
import inspect

from .. import errors
from ..graph import get_default_graph
from .base import MOVEMENT, VARIABLE, OpDef, Spec
from .sources import convert_to_tensor


def _infer(inputs, *, results, arguments, grad_fn):
    return [Spec(t.shape, t.dtype) for t in inputs[:results]]


def _reference(*values, results, arguments, grad_fn):
    return values[0] if results == 1 else tuple(values[:results])  # (one result: its array)


CUSTOM_GRADIENT = OpDef("IdentityN", MOVEMENT, _infer, _reference)


@CUSTOM_GRADIENT.gradient
def _custom_gradient_grad(op, *grads):
    from .elementwise import zeros_like

    results, arguments = op.attrs["results"], op.attrs["arguments"]
    grads = [zeros_like(t) if g is None else g for t, g in zip(op.outputs, grads)]
    xs, variables = op.inputs[results:results + arguments], op.inputs[results + arguments:]
    if variables:  # TF1: grad_fn(*dys, variables=...) -> (input grads, variable grads)
        given, for_variables = op.attrs["grad_fn"](*grads, variables=list(variables))
        given, for_variables = _as_list(given), _as_list(for_variables)
    else:
        given, for_variables = _as_list(op.attrs["grad_fn"](*grads)), []
    for got, wanted, what in ((given, xs, "arguments"), (for_variables, variables, "variables")):
        if len(got) != len(wanted):
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"the grad_fn of custom_gradient {op.name!r} "
                f"returned {len(got)} gradients for {len(wanted)} {what}")
    return [None] * results + [_checked(g, x, op) for g, x in zip(given + for_variables,
                                                                     xs + variables)]


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _checked(g, x, op):
    """A gradient of ``x``'s dtype and (as far as both are known) shape."""
    if g is None:
        return None
    g = convert_to_tensor(g, x.dtype)
    if not g.shape.is_compatible_with(x.shape):
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"the grad_fn of custom_gradient {op.name!r} gave "
            f"{errors.describe(x)} a gradient of shape {g.shape}")
    return g


def _variables_read(ys, first):
    """The variables that ops made by ``f`` (ids from ``first`` on) read, in read order:
    tensors made before ``f`` ran (its arguments, anything it closes over) are not looked
    through, as TF1 only watches the variables ``f`` itself reads."""
    found, seen, stack = {}, set(), [y.op for y in ys if y.op.id >= first]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in op.inputs:
            if t.op.kind == VARIABLE:
                found[t.op.id] = t
            elif t.op.id >= first:
                stack.append(t.op)
    return [found[k] for k in sorted(found)]


def custom_gradient(f=None, name=None):
    """Decorate ``f(*xs) -> (ys, grad_fn)``: ``ys`` (a tensor, or a list or tuple of them)
    are computed by ``f``, and the gradient of anything with respect to ``xs`` through ``ys``
    is ``grad_fn(*dys)``, one gradient (or None) per x. If ``f`` reads variables,
    ``grad_fn`` must take ``variables=`` (the list of them) and return ``(gradients of xs,
    gradients of the variables)``, as in TF1."""
    if f is None:
        return functools.partial(custom_gradient, name=name)

    @functools.wraps(f)
    @errors.api_boundary
    def wrapped(*args):
        xs = [convert_to_tensor(a) for a in args]
        first = len(get_default_graph().get_operations())  # the ops f makes come after
        result, grad_fn = f(*xs)
        many = isinstance(result, (list, tuple))
        ys = [convert_to_tensor(y) for y in (result if many else [result])]
        variables = _variables_read(ys, first)
        if variables and "variables" not in inspect.signature(grad_fn).parameters:
            raise errors.at_user_line(
                errors.DTypeError, f"custom_gradient: the function reads "
                f"{', '.join(repr(v.op.name) for v in variables)}, so its grad_fn must take "
                "a keyword argument 'variables' and return their gradients too")
        outs = CUSTOM_GRADIENT(*ys, *xs, *variables, results=len(ys), arguments=len(xs),
                               grad_fn=grad_fn, name=name or "IdentityN")
        return type(result)(outs) if many else outs[0]

    return wrapped
