"""``custom_gradient``: a function whose gradient is given, not derived (TF1's
``tf.custom_gradient``).

The function's results pass through one ``CustomGradient`` op whose inputs are the results
and the function's arguments. Its gradient rule gives the results' inputs nothing, so
nothing flows back through the ops that computed them, and gives the arguments what the
user's ``grad_fn`` returns. The op moves no data: the compiler replaces it by its inputs.
"""

import functools

from .. import errors
from .base import MOVEMENT, OpDef, Spec
from .sources import convert_to_tensor


def _infer(inputs, *, results, grad_fn):
    return [Spec(t.shape, t.dtype) for t in inputs[:results]]


def _reference(*values, results, grad_fn):
    return values[0] if results == 1 else tuple(values[:results])  # (one result: its array)


CUSTOM_GRADIENT = OpDef("CustomGradient", MOVEMENT, _infer, _reference)


@CUSTOM_GRADIENT.gradient
def _custom_gradient_grad(op, *grads):
    from .elementwise import zeros_like

    results = op.attrs["results"]
    grads = [zeros_like(t) if g is None else g for t, g in zip(op.outputs, grads)]
    given = op.attrs["grad_fn"](*grads)
    given = list(given) if isinstance(given, (list, tuple)) else [given]
    arguments = op.inputs[results:]
    if len(given) != len(arguments):
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"the grad_fn of custom_gradient {op.name!r} returned "
            f"{len(given)} gradients for {len(arguments)} arguments")
    return [None] * results + [None if g is None else convert_to_tensor(g, x.dtype)
                               for g, x in zip(given, arguments)]


def custom_gradient(f=None, name=None):
    """Decorate ``f(*xs) -> (ys, grad_fn)``: ``ys`` (a tensor or a list of them) are
    computed by ``f``, and the gradient of anything with respect to ``xs`` through ``ys`` is
    ``grad_fn(*dys)``, one gradient (or None) per x. Variables that ``f`` reads get no
    gradient through it (TF1's ``variables`` argument of ``grad_fn`` is not supported)."""
    if f is None:
        return functools.partial(custom_gradient, name=name)

    @functools.wraps(f)
    def wrapped(*args):
        xs = [convert_to_tensor(a) for a in args]
        result, grad_fn = f(*xs)
        many = isinstance(result, (list, tuple))
        ys = [convert_to_tensor(y) for y in (result if many else [result])]
        outs = CUSTOM_GRADIENT(*ys, *xs, results=len(ys), grad_fn=grad_fn,
                               name=name or "CustomGradient")
        return type(result)(outs) if many else outs[0]

    return wrapped
