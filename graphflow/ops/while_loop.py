"""``while_loop``: a loop in the graph, TF1's semantics, with reverse-mode gradients.

The condition and the body are built once, in one ``BodyGraph`` whose placeholders are
the loop variables (``while/Identity``...); outer tensors they use are captured. A
``While`` op runs them (two sub-plans, compiled like any plan) until the condition is
false, and hands out the final loop variables.

Gradients: when the loop has floating (or TensorArray) variables or captures, the body's
gradient is built right away, in the body (``body_graph.differentiate``). The forward
loop then also hands out, stacked over iterations, the body values that gradient reads
(``saved``), and the iteration count; a plan that reads neither skips the stacking.
``WhileGrad`` runs the gradient body over the iterations in reverse, carrying the loop
variables' gradients and summing the captures' gradients.
"""

import numpy as np

from .. import errors, nest
from ..body_graph import BodyGraph, differentiable, differentiate, truth
from ..dtypes import bool_, int32
from ..graph import Tensor, get_default_graph
from ..shapes import TensorShape, as_shape
from .base import NESTED, OpDef, Spec
from .elementwise import identity
from .sources import convert_to_tensor, placeholder
from .tensor_array import GradientList, TensorArray, box, gradient_list, unbox


class Loop:
    """What a While op runs (its ``loop`` attr): the body graph, loop variable
    placeholders, captures, condition, results, and the gradient (or None)."""

    def __init__(self, graph, placeholders, pred, results, entering):
        self.graph, self.placeholders, self.pred, self.results = \
            graph, placeholders, pred, results
        self.captures = list(graph.captured.items())  # (outer tensor, inner tensor)
        self.fed = [k for k, (_, inner) in enumerate(self.captures)
                    if inner.op.kind != "variable"]  # captures the op feeds (not variables)
        self.gradient = None
        # what carries a gradient: floats, and TensorArrays of floats (``entering``: the loop
        # variables as given, TensorArrays with their element dtype)
        self.dvars = [j for j, p in enumerate(placeholders) if differentiable(p) and not (
            isinstance(entering[j], TensorArray) and not entering[j].dtype.is_floating)]
        # each loop variable's shape invariant as dims (None: any shape, a TensorArray's)
        self.invariant_dims = [None if p.shape.ndims is None or p.dtype.name == "variant"
                               else tuple(p.shape.dims) for p in placeholders]
        self.dcaps = [k for k, (outer, inner) in enumerate(self.captures)
                      if differentiable(inner) and _floating_elements(outer)]

    n_vars = property(lambda self: len(self.placeholders))
    saved = property(lambda self: self.gradient.saved if self.ready else [])
    ready = property(lambda self: self.gradient is not None and self.gradient.error is None)

    def feeds(self):
        return tuple(self.placeholders) + tuple(self.captures[k][1] for k in self.fed)

    def bodies(self):
        feeds = self.feeds()
        bodies = [(feeds, (self.pred,)), (feeds, tuple(self.results))]
        if self.saved:
            bodies.append((feeds, tuple(self.results) + tuple(self.saved)))
        return bodies

    def grad_feeds(self):
        seeds = [s for s in self.gradient.seeds if s is not None]
        return tuple(seeds) + tuple(self.saved) + tuple(self.captures[k][1] for k in self.fed)

    def grad_fetches(self):
        return tuple(g for g in self.gradient.grads if g is not None)


def _infer(inputs, *, loop):
    specs = [Spec(p.shape, p.dtype) for p in loop.placeholders]
    if loop.ready:
        specs += [Spec(TensorShape(None), t.dtype) for t in loop.saved]
        specs.append(Spec(TensorShape([]), int32))
    return specs


def _drive(run_body, *values, loop, needed):
    nv = loop.n_vars
    state = list(values[:nv])
    caps = [values[nv + k] for k in loop.fed]
    save = bool(loop.saved) and (needed is None or any(needed[nv:]))
    stacks = [[] for _ in loop.saved]
    count = 0
    arrays = run_body.arrays  # the backend's values: host reads, uploads, sums
    while truth(arrays.host(run_body(0, state + caps)[0]), "the while_loop condition"):
        out = run_body(2 if save else 1, state + caps)
        state = out[:nv]
        for j, value in enumerate(state):
            _check_invariant(loop, j, value)
        if save:
            for stack, value in zip(stacks, out[nv:]):
                stack.append(value)
        count += 1
    if not loop.ready:
        return state
    return state + [_per_iteration(s) for s in stacks] + [arrays.device(np.int32(count))]


def _check_invariant(loop, j, value):
    dims = loop.invariant_dims[j]
    shape = np.shape(value)
    if dims is None or len(dims) == len(shape) and all(
            d is None or d == n for d, n in zip(dims, shape)):
        return
    p = loop.placeholders[j]
    if p.dtype.name != "variant" and not p.shape.is_compatible_with(shape):
        raise ValueError(f"the loop variable {j} ({p.name!r}) has shape {list(np.shape(value))} "
                         f"after an iteration, which does not fit its shape invariant "
                         f"{p.shape}")


def _per_iteration(values):
    """One saved tensor's values over the iterations: an object array of them, as they
    are (in the backend's memory; shapes may differ from one iteration to the next)."""
    out = np.empty(len(values), object)
    for i, v in enumerate(values):
        out[i] = v
    return out


WHILE = OpDef("While", NESTED, _infer, bodies=lambda op: op._attrs["loop"].bodies(),
              drive=_drive, loop=lambda op: op._attrs["loop"],
              doc="tf.while_loop: runs its body while its condition holds")


def _grad_infer(inputs, *, loop):
    xs = [loop.placeholders[j] for j in loop.dvars] + [loop.captures[k][1] for k in loop.dcaps]
    return [Spec(x.shape, x.dtype) for x in xs]


def _grad_drive(run_body, *values, loop, needed):
    nd, ns = len(loop.dvars), len(loop.saved)
    grads = list(values[:nd])
    stacks = values[nd:nd + ns]
    caps = list(values[nd + ns:-1])
    arrays = run_body.arrays
    count = int(arrays.host(values[-1]))
    xs = [loop.placeholders[j] for j in loop.dvars]
    cap_xs = [loop.captures[k][1] for k in loop.dcaps]
    fed_value = {loop.captures[k][1]: v for k, v in zip(loop.fed, caps)}
    sums = [None] * len(cap_xs)
    summed = [False] * len(cap_xs)  # sums[m] is a sum this loop made (added into in place)
    for i in reversed(range(count)):
        out = iter(run_body(0, grads + [s[i] for s in stacks]
                            + caps))
        wrt = loop.gradient.grads
        grads = [next(out) if wrt[j] is not None else _zeros(arrays, x, like=grads[j])
                 for j, x in enumerate(xs)]
        for m in range(len(cap_xs)):
            g = wrt[len(xs) + m]
            if g is None:
                continue
            term = next(out)
            if sums[m] is None:
                sums[m] = term
            else:
                sums[m] = _add(arrays, sums[m], term, summed[m])
                summed[m] = True
    return grads + [s if s is not None else _zeros(arrays, x, like=fed_value.get(x))
                    for s, x in zip(sums, cap_xs)]


def _add(arrays, total, term, in_place):
    if isinstance(unbox(term), GradientList):
        from .tensor_array import add_lists
        return add_lists(total, term, in_place)
    return arrays.add(total, term, in_place)


def _zeros(arrays, x, like=None):
    """A zero gradient for body tensor ``x`` (``like``: a value of its shape, if known)."""
    if x.dtype.name == "variant":
        return box(gradient_list({}))
    shape = np.shape(like) if like is not None else x.shape.as_list()
    return arrays.device(np.zeros(shape, x.dtype.np))


WHILE_GRAD = OpDef("WhileGrad", NESTED, _grad_infer,
                   bodies=lambda op: [(op._attrs["loop"].grad_feeds(),
                                       op._attrs["loop"].grad_fetches())],
                   drive=_grad_drive, differentiable=False,
                   doc="the gradient of a While: its body's gradient, iterations reversed")


@WHILE.gradient
def _while_grad(op, *grads):
    loop = op._attrs["loop"]
    if loop.gradient is None:  # back_prop=False, or nothing to differentiate
        return [None] * len(op.inputs)
    if loop.gradient.error is not None:
        raise loop.gradient.error
    from .elementwise import zeros_like
    from .tensor_array import zero_gradient_list
    nv, ns = loop.n_vars, len(loop.saved)
    seeds = [grads[j] if grads[j] is not None else
             zero_gradient_list() if op.outputs[j].dtype.name == "variant" else
             zeros_like(op.outputs[j]) for j in loop.dvars]
    saved = op.outputs[nv:nv + ns]
    fed = [op.inputs[nv + k] for k in loop.fed]
    outs = WHILE_GRAD(*seeds, *saved, *fed, op.outputs[-1], loop=loop)
    outs = [outs] if isinstance(outs, Tensor) else outs
    in_grads = [None] * len(op.inputs)
    for j, g in zip(loop.dvars, outs):
        in_grads[j] = g
    for k, g in zip(loop.dcaps, outs[len(loop.dvars):]):
        in_grads[nv + k] = g
    return in_grads


# -- tf.while_loop ------------------------------------------------------------------------
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat ``body`` while ``cond`` is true (TF1's ``tf.while_loop``).

    ``loop_vars``: a (nested) list/tuple/namedtuple of tensors and TensorArrays, passed to
    ``cond`` and ``body`` as positional arguments; ``body`` returns new values of the same
    structure. A dimension that changes across iterations must be ``None`` in
    ``shape_invariants``. ``maximum_iterations`` stops the loop after that many.
    ``parallel_iterations`` and ``swap_memory`` are accepted (iterations run in order).
    """
    if not callable(cond):
        raise errors.at_user_line(TypeError, "cond must be callable.")
    if not callable(body):
        raise errors.at_user_line(TypeError, "body must be callable.")
    if maximum_iterations is not None:  # TF1: an iteration counter in front
        return _with_counter(cond, body, loop_vars, shape_invariants, back_prop, name,
                             maximum_iterations)
    single = not isinstance(loop_vars, (list, tuple))
    structure = [loop_vars] if single else loop_vars
    flat = nest.flatten(structure)
    if not flat:
        raise errors.at_user_line(ValueError, "No loop variables provided")
    outer = get_default_graph()
    tensors = [v.handle if isinstance(v, TensorArray) else convert_to_tensor(v) for v in flat]
    invariants = _invariants(flat, tensors, shape_invariants, single)
    with outer.name_scope(name or "while") as scope:
        graph = BodyGraph(outer, scope[:-1], "Enter")
        with graph.as_default():
            placeholders = [placeholder(t.dtype, inv, name="Identity")
                            for t, inv in zip(tensors, invariants)]
            inner = nest.pack_sequence_as(structure, [
                TensorArray._wrap(v, p) if isinstance(v, TensorArray) else p
                for v, p in zip(flat, placeholders)])
            pred = _predicate(graph, cond(*inner))
            result = body(*inner)
            if not nest.is_sequence(result) or single and len(flat) == 1 and \
                    isinstance(result, TensorArray):
                result = [result]
            results = _results(graph, result, tensors, placeholders)
            shaped = [r if isinstance(r, TensorArray) else v  # (a TensorArray's elements'
                      for r, v in zip(nest.flatten(result), flat)]  # shape, as written)
        loop = Loop(graph, placeholders, pred, results, flat)
        if back_prop and (loop.dvars or loop.dcaps):
            xs = [placeholders[j] for j in loop.dvars] + [loop.captures[k][1]
                                                          for k in loop.dcaps]
            # seeds for the variables WhileGrad carries gradients of (loop.dvars) only
            seeded = [j in loop.dvars for j in range(len(results))]
            loop.gradient = differentiate(graph, results, xs, placeholders, seeded)
        with outer.control_dependencies(graph.control_captured):
            outs = WHILE(*tensors, *[o for o, _ in loop.captures], loop=loop, name=scope)
        outs = [outs] if isinstance(outs, Tensor) else outs
        # TF1's names for the results: while/Exit, while/Exit_1... (identities, dropped
        # by the compiler)
        outs = [identity(t, name="Exit") for t in outs[:len(flat)]]
    final = [TensorArray._wrap(v, t) if isinstance(v, TensorArray) else t
             for v, t in zip(shaped, outs)]
    packed = nest.pack_sequence_as(structure, final)
    if single:
        return packed[0]
    if not return_same_structure and len(flat) == 1:
        return packed[0]
    return packed


def _with_counter(cond, body, loop_vars, shape_invariants, back_prop, name, limit):
    """TF1's ``maximum_iterations``: the loop runs on ``(counter, loop_vars)`` and stops
    when the counter reaches ``limit`` too; the loop variables come back as given."""
    from .elementwise import less, logical_and
    single = not isinstance(loop_vars, (list, tuple))
    with get_default_graph().name_scope(name or "while") as scope:
        limit = convert_to_tensor(limit)
        if not limit.dtype.is_integer or limit.shape.ndims not in (None, 0):
            raise errors.at_user_line(
                ValueError, f"maximum_iterations must be an integer scalar, got "
                f"{errors.describe(limit)}")
        counter = convert_to_tensor(0, limit.dtype, name="iteration_counter")
    args = (lambda lv: (lv,)) if single else (lambda lv: tuple(lv))
    invariants = None if shape_invariants is None else (counter.shape, shape_invariants)
    _, result = while_loop(
        lambda i, lv: logical_and(less(i, limit), cond(*args(lv))),
        lambda i, lv: (i + 1, body(*args(lv))), (counter, loop_vars), invariants,
        back_prop=back_prop, name=scope, return_same_structure=True)
    return result


def _floating_elements(t):
    """False for a TensorArray tensor whose elements are known not to be floats."""
    if t.dtype.name != "variant":
        return True
    from .tensor_array import element_dtype
    dtype = element_dtype(t)
    return dtype is None or dtype.is_floating


def _invariants(flat, tensors, shape_invariants, single):
    if shape_invariants is None:
        return [t.shape if not isinstance(v, TensorArray) else TensorShape([])
                for v, t in zip(flat, tensors)]
    given = nest.flatten([shape_invariants] if single else shape_invariants)
    if len(given) != len(flat):
        raise errors.at_user_line(
            ValueError, f"shape_invariants has {len(given)} shapes for {len(flat)} loop "
            "variables")
    out = []
    for v, t, inv in zip(flat, tensors, given):
        if isinstance(v, TensorArray):
            out.append(TensorShape([]))
            continue
        inv = as_shape(inv)
        if not inv.is_compatible_with(t.shape) or (
                inv.ndims is not None and t.shape.ndims is not None and inv.ndims != t.shape.ndims):
            raise errors.at_user_line(
                ValueError, f"The shape invariant specified for {t.name} is not compatible "
                f"with the initial shape of the loop variable. It enters the loop with shape "
                f"{_tf_shape(t.shape)}, but the specified shape invariant is {_tf_shape(inv)}.")
        out.append(inv)
    return out


def _predicate(graph, pred):
    pred = graph.capture(convert_to_tensor(pred))
    if pred.dtype != bool_ or pred.shape.ndims not in (None, 0):
        raise errors.at_user_line(
            ValueError, f"the while_loop condition must return a boolean scalar, got "
            f"{errors.describe(pred)}")
    return pred


def _results(graph, result, flat, placeholders):
    """The body's results as tensors of ``graph``, checked against the loop variables
    (``flat``: their tensors outside, which TF1's messages name)."""
    leaves = nest.flatten(result)
    if len(leaves) != len(flat):
        raise errors.at_user_line(
            ValueError, f"the while_loop body returned {len(leaves)} values for "
            f"{len(flat)} loop variables: the two structures don't have the same number "
            "of elements")
    results = []
    for v, p, entering in zip(leaves, placeholders, flat):
        t = graph.capture(v.handle if isinstance(v, TensorArray) else
                          convert_to_tensor(v, p.dtype if not isinstance(v, Tensor) else None))
        if t.dtype != p.dtype:
            raise errors.at_user_line(
                ValueError, f"Input tensor {entering.name!r} enters the loop with dtype "
                f"{p.dtype.name}, but has dtype {t.dtype.name} after one iteration")
        if p.dtype.name != "variant" and not p.shape.is_compatible_with(t.shape):
            raise errors.at_user_line(
                ValueError, f"Input tensor {entering.name!r} enters the loop with shape "
                f"{_tf_shape(p.shape)}, but has shape {_tf_shape(t.shape)} after one "
                "iteration. To allow the shape to vary across iterations, use the "
                "`shape_invariants` argument of tf.while_loop to specify a less-specific "
                "shape.")
        results.append(t)
    return results


def _tf_shape(shape):
    """A shape as TF1 prints it in these messages: ``(1, 3)``, ``(None, 2)``, ``<unknown>``."""
    if shape.ndims is None:
        return "<unknown>"
    return "(" + ", ".join(str(d) for d in shape.dims) + ("," if shape.ndims == 1 else "") + ")"


WHILE.body_labels = ("the condition", "the body", "the body, handing on what its gradient reads")
WHILE_GRAD.body_labels = ("the body's gradient",)
