"""``cond``, ``case`` and ``smart_cond``: a choice in the graph; only the taken branch runs.

Both branches are built in one ``BodyGraph`` (their ops named ``cond/...``, as in TF1);
outer tensors they use are captured. A ``Cond`` op runs the branch its predicate picks,
as a sub-plan compiled like any plan. A predicate known while the graph is built
(``smart_cond``, a constant) picks the branch then, and no Cond op is made.

Gradients: each branch's gradient is built in the body when the cond is made. The
forward op also hands out the values of the taken branch that its gradient reads (the
other branch's are empty), and ``CondGrad`` runs the gradient of the branch that ran;
the untaken branch contributes zeros.
"""

import numpy as np

from .. import errors, nest
from ..body_graph import BodyGraph, differentiable, differentiate, truth
from ..dtypes import bool_
from ..graph import Operation, Tensor, get_default_graph
from ..shapes import TensorShape
from .base import NESTED, OpDef, Spec, static_value
from .elementwise import identity
from .sources import convert_to_tensor
from .tensor_array import TensorArray, box, gradient_list


class Branches:
    """What a Cond op runs (its ``branches`` attr): the body graph, the captures, per
    branch its results, and per branch its gradient (or None)."""

    def __init__(self, graph, results, ops):
        self.graph, self.results, self.ops = graph, results, ops  # results: per branch
        self.captures = list(graph.captured.items())
        self.fed = [k for k, (_, inner) in enumerate(self.captures)
                    if inner.op.kind != "variable"]
        self.dcaps = [k for k, (_, inner) in enumerate(self.captures) if differentiable(inner)]
        self.gradients = None  # per branch, a body_graph.Gradient

    def feeds(self):
        return tuple(self.captures[k][1] for k in self.fed)

    saved = property(lambda self: [g.saved for g in self.gradients] if self.ready else [[], []])
    ready = property(lambda self: self.gradients is not None and all(
        g.error is None for g in self.gradients))

    def bodies(self):
        feeds = self.feeds()
        plain = [(feeds, tuple(r) + tuple(o)) for r, o in zip(self.results, self.ops)]
        with_saved = [(feeds, tuple(r) + tuple(s) + tuple(o))
                      for r, s, o in zip(self.results, self.saved, self.ops)]
        return plain + with_saved

    def grad_bodies(self):
        return [(tuple(s for s in g.seeds if s is not None) + tuple(g.saved) + self.feeds(),
                 tuple(x for x in g.grads if x is not None)) for g in self.gradients]


def _infer(inputs, *, branches):
    t, f = branches.results
    specs = [Spec(_common_shape(a.shape, b.shape), a.dtype) for a, b in zip(t, f)]
    for saved in branches.saved:
        specs += [Spec(TensorShape(None), s.dtype) for s in saved]
    return specs


def _common_shape(a, b):
    """The most specific shape both branches' results fit (TF1's Merge)."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


def _drive(run_body, pred, *values, branches, needed):
    n = len(branches.results[0])
    caps = [values[k] for k in branches.fed]
    taken = 0 if truth(run_body.arrays.host(pred), "the predicate of cond") else 1
    saved = branches.saved
    save = any(saved) and (needed is None or any(needed[n:]))
    out = run_body(taken + (2 if save else 0), caps)
    results = list(out[:n])
    for b in (0, 1):
        if b == taken and save:
            results += out[n:n + len(saved[b])]
        else:  # the other branch did not run: nothing of it for its gradient
            results += [box(gradient_list({})) if s.dtype.name == "variant" else
                        np.zeros(0, s.dtype.np) for s in saved[b]]
    return results


COND = OpDef("Cond", NESTED, _infer, bodies=lambda op: op._attrs["branches"].bodies(),
             drive=_drive, doc="tf.cond: runs one of its two branches")


def _grad_infer(inputs, *, branches):
    return [Spec(branches.captures[k][1].shape, branches.captures[k][1].dtype)
            for k in branches.dcaps]


def _grad_drive(run_body, pred, *values, branches, needed):
    arrays = run_body.arrays
    taken = 0 if truth(arrays.host(pred), "the predicate of cond") else 1
    n_seeds = [sum(s is not None for s in g.seeds) for g in branches.gradients]
    seeds = list(values[:n_seeds[0]])
    rest = values[n_seeds[0]:]
    saved = [rest[:len(branches.saved[0])],
             rest[len(branches.saved[0]):len(branches.saved[0]) + len(branches.saved[1])]]
    caps = list(rest[len(branches.saved[0]) + len(branches.saved[1]):])
    out = iter(run_body(taken, seeds + list(saved[taken]) + caps))
    fed_value = {branches.captures[k][1]: v for k, v in zip(branches.fed, caps)}
    results = []
    for k, g in zip(branches.dcaps, branches.gradients[taken].grads):
        inner = branches.captures[k][1]
        if g is not None:
            results.append(next(out))
        elif inner.dtype.name == "variant":
            results.append(box(gradient_list({})))
        else:
            like = fed_value.get(inner)
            shape = np.shape(like) if like is not None else inner.shape.as_list()
            results.append(arrays.device(np.zeros(shape, inner.dtype.np)))
    return results


COND_GRAD = OpDef("CondGrad", NESTED, _grad_infer,
                  bodies=lambda op: op._attrs["branches"].grad_bodies(), drive=_grad_drive,
                  differentiable=False, doc="the gradient of a Cond: its taken branch's")


@COND.gradient
def _cond_grad(op, *grads):
    branches = op._attrs["branches"]
    if branches.gradients is None:
        return [None] * len(op.inputs)
    for g in branches.gradients:
        if g.error is not None:
            raise g.error
    from .elementwise import zeros_like
    from .tensor_array import zero_gradient_list
    n = len(branches.results[0])
    seeds = [grads[j] if grads[j] is not None else
             zero_gradient_list() if op.outputs[j].dtype.name == "variant" else
             zeros_like(op.outputs[j])
             for j in range(n) if differentiable(op.outputs[j])]
    saved = op.outputs[n:]
    fed = [op.inputs[1 + k] for k in branches.fed]
    outs = COND_GRAD(op.inputs[0], *seeds, *saved, *fed, branches=branches)
    outs = [outs] if isinstance(outs, Tensor) else outs
    in_grads = [None] * len(op.inputs)
    for k, g in zip(branches.dcaps, outs):
        in_grads[1 + k] = g
    return in_grads


# -- tf.cond, tf.case, smart_cond ---------------------------------------------------------
def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``, deciding when the graph runs (TF1's
    ``tf.cond``): only the taken branch runs. The branches return the same structure of
    tensors (a branch may also return an op, run for its effect)."""
    true_fn = fn1 if true_fn is None else true_fn
    false_fn = fn2 if false_fn is None else false_fn
    if not callable(true_fn):
        raise errors.at_user_line(TypeError, "true_fn must be callable.")
    if not callable(false_fn):
        raise errors.at_user_line(TypeError, "false_fn must be callable.")
    if isinstance(pred, (bool, np.bool_)):
        raise errors.at_user_line(TypeError, "'pred' must not be a Python bool.")
    pred = convert_to_tensor(pred)
    if pred.dtype != bool_ or pred.shape.ndims not in (None, 0):
        raise errors.at_user_line(
            ValueError, f"the predicate of cond must be a boolean scalar, got "
            f"{errors.describe(pred)}")
    outer = get_default_graph()
    with outer.name_scope(name or "cond") as scope:
        graph = BodyGraph(outer, scope[:-1], "Switch")
        with graph.as_default():
            outs = [true_fn(), false_fn()]
        outs = [_unpack(o, strict) for o in outs]
        try:
            nest.assert_same_structure(outs[0], outs[1])
        except ValueError as e:
            raise errors.at_user_line(
                ValueError, f"The two structures don't have the same nested structure. "
                f"true_fn and false_fn must return the same structure: {e}") from None
        flats = [nest.flatten(o) for o in outs]
        results, ops = _split(graph, flats)
        branches = Branches(graph, results, ops)
        xs = [branches.captures[k][1] for k in branches.dcaps]
        if xs and any(differentiable(t) for t in results[0]):
            branches.gradients = [differentiate(graph, r, xs, ()) for r in results]
        with outer.control_dependencies(graph.control_captured):
            made = COND(pred, *[o for o, _ in branches.captures], branches=branches, name=scope)
        if isinstance(made, Operation):  # (no tensor results: the branches' ops only)
            op, made = made, []
        else:
            made = [made] if isinstance(made, Tensor) else made
            op = made[0].op
            # TF1's names for the results: cond/Merge, cond/Merge_1... (the compiler drops
            # these identities)
            made = [identity(t, name="Merge") for t in made[:len(results[0])]]
    values = iter(made)
    packed = []
    for leaf in flats[0]:
        if isinstance(leaf, Operation) or leaf is None:
            packed.append(op)
        else:
            t = next(values)
            packed.append(TensorArray._wrap(leaf, t) if isinstance(leaf, TensorArray) else t)
    return nest.pack_sequence_as(outs[0], packed)


def _unpack(value, strict):
    """TF1 (strict=False): a branch returning a one-element list returns its element."""
    if not strict and isinstance(value, (list, tuple)) and len(value) == 1 and \
            not hasattr(value, "_fields"):
        return value[0]
    return value


def _split(graph, flats):
    """Per branch, its result tensors (captured, dtypes checked) and the ops it runs only
    for their effect."""
    results, ops = [[], []], [[], []]
    for a, b in zip(*flats):
        for fn, v, other in (("true_fn", a, b), ("false_fn", b, a)):
            if v is None and other is not None and not isinstance(other, Operation):
                raise errors.at_user_line(  # (the other branch's value would be lost)
                    ValueError, f"'{fn}' must have a return value.")
        if isinstance(a, Operation) or a is None:
            for k, v in enumerate((a, b)):
                if isinstance(v, Tensor):
                    v = v.op
                if isinstance(v, Operation):
                    ops[k].append(v if v.graph is graph else _noop_in(graph))
            continue
        pair = [graph.capture(v.handle if isinstance(v, TensorArray) else convert_to_tensor(v))
                for v in (a, b)]
        if pair[0].dtype != pair[1].dtype:
            raise errors.at_user_line(
                ValueError, f"Outputs of 'true_fn' and 'false_fn' must have the same "
                f"type(s). Received {pair[0].dtype.name} from 'true_fn' and "
                f"{pair[1].dtype.name} from 'false_fn'.")
        for k in (0, 1):
            results[k].append(pair[k])
    return results, ops


def _noop_in(graph):
    from .control import no_op
    with graph.as_default():
        return no_op()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """TF1's ``tf.case``: the function of the first true predicate (``default`` if none),
    as nested conds. ``exclusive=True`` also checks at run time that at most one holds."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else \
        list(pred_fn_pairs)
    if default is None and not pairs:
        raise errors.at_user_line(ValueError, "case needs at least one predicate or a "
                                  "default")
    with get_default_graph().name_scope(name):
        if default is None:  # TF1: the last function, checked to have a true predicate
            *pairs, (last, fn) = pairs
            default = _checked_default(convert_to_tensor(last), fn,
                                       [convert_to_tensor(p) for p, _ in pairs])
        preds = [convert_to_tensor(p) for p, _ in pairs]
        if exclusive and len(preds) > 1:
            from ..graph import control_dependencies
            from .check_ops import assert_less_equal
            from .elementwise import cast, identity
            from .movement import stack
            from .reduce import reduce_sum
            count = reduce_sum(cast(stack(preds), "int32"))
            with control_dependencies([assert_less_equal(count, 1, message=(
                    "Input error: exclusive=True: more than 1 conditions evaluated as True"))]):
                preds = [identity(p) for p in preds]
        fns = [f for _, f in pairs]

        def pick(k):  # the k-th predicate's function, else the later ones' choice
            if k == len(fns):
                return default()
            return cond(preds[k], fns[k], lambda: pick(k + 1), strict=strict)

        return pick(0)


def _checked_default(pred, fn, others):
    """``fn`` as ``case``'s default when none was given: it runs when the other
    predicates are all false, and TF1 then refuses a false ``pred`` at run time."""
    def default():
        from ..graph import control_dependencies
        from .logging_ops import Assert
        from .movement import stack
        check = Assert(pred, ["Input error: None of conditions evaluated as True:",
                              stack(others + [pred])])
        with control_dependencies([check]):
            out = fn()
            return nest.map_structure(
                lambda t: identity(t) if isinstance(t, Tensor) else t, out)
    return default


def smart_cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()``/``false_fn()`` picked now when ``pred`` is a Python bool or a
    constant, else ``cond``."""
    if isinstance(pred, (bool, np.bool_, int)):
        return true_fn() if pred else false_fn()
    known = static_value(convert_to_tensor(pred))
    if known is not None:
        return true_fn() if bool(known) else false_fn()
    return cond(pred, true_fn, false_fn, name=name)


COND.body_labels = ("the true branch", "the false branch",
                    "the true branch, handing on what its gradient reads",
                    "the false branch, handing on what its gradient reads")
COND_GRAD.body_labels = ("the true branch's gradient", "the false branch's gradient")
