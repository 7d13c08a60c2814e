"""Graph rewrites before lowering: constant folding, CSE, algebraic simplification.

Each pass is a pure function Program -> Program built on ``program.rebuild``. Only
pure kinds are touched: placeholders, variables, assignments and random ops stay
exactly as the user wrote them.
"""

import numpy as np

from ..ops import base
from ..ops.custom import CUSTOM_GRADIENT
from ..ops.sources import CONST
from ..ops.state import ASSIGN_OP
from .program import clone, rebuild

PURE = base.PURE_KINDS
FOLD_LIMIT = 1 << 16  # elements: fold small tensors (shapes, axes, scalars), not big data


def _value(t):
    """The constant value of a tensor of the program, or None."""
    return t.op._attrs["value"] if t.op.opdef is CONST else None


def _const(graph, op, value):
    value = np.array(value, dtype=op.outputs[0].dtype.np)
    value.flags.writeable = False
    return clone(graph, op, [], opdef=CONST, attrs={"value": value, "dtype": op.outputs[0].dtype},
                 specs=[(op.outputs[0].shape.merge_with(value.shape), op.outputs[0].dtype)]
                 ).outputs


def fold(program):
    """Evaluate pure single-output ops whose inputs are constants (with the NumPy
    reference), and shape queries of fully known static shapes."""

    def rewrite(graph, op, inputs):
        if op.kind not in PURE or len(op.outputs) != 1 or op.opdef is CONST:
            return None
        if op.kind == base.SHAPE or _reads_only_shapes(op):
            value = base.shape_query_value(op, *inputs)
            return None if value is None else _const(graph, op, value)
        values = [_value(t) for t in inputs]
        if not inputs or any(v is None for v in values):
            return None
        size = op.outputs[0].shape.num_elements()
        if size is None or size > FOLD_LIMIT:
            return None
        try:
            with np.errstate(all="ignore"):
                result = op.opdef.reference(*values, **op._attrs)
        except Exception:  # leave it to fail at run time, with the user's line
            return None
        if isinstance(result, (tuple, list)):  # an op of several outputs that has one here
            (result,) = result  # (unstack with num=1)
        return _const(graph, op, result)

    return rebuild(program, rewrite)


def _reads_only_shapes(op):
    """An elementwise op whose scalar expression uses no input (ones_like, zeros_like)."""
    return op.kind == base.ELEMENTWISE and isinstance(op.opdef.scalar, str) and \
        "{" not in op.opdef.scalar


def _same_shape_input(op):
    """An input of an elementwise op whose shape is the op's output shape at run time:
    every other input broadcasts into it without growing it (statically known)."""
    if op.kind != base.ELEMENTWISE or not op.inputs:
        return None
    for t in op.inputs:
        rank = t.shape.ndims
        if rank is None:
            continue
        others = [u for u in op.inputs if u is not t]
        if all(u.shape.is_fully_defined() and u.shape.ndims <= rank and all(
                d == 1 or d == big for d, big in zip(reversed(u.shape.dims),
                                                     reversed(t.shape.dims)))
               for u in others):
            return t
    return None


def _freeze(value):
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def cse(program):
    """Merge pure ops of one type, attrs and inputs (constants by value)."""
    seen = {}

    def rewrite(graph, op, inputs):
        if op.kind not in PURE:
            return None
        key = (op.type, tuple(id(t) for t in inputs), _freeze(op._attrs))
        if key in seen:
            return seen[key]
        outputs = clone(graph, op, inputs).outputs
        seen[key] = outputs
        return outputs

    return rebuild(program, rewrite)


def _is_all(t, number):
    v = _value(t)
    return v is not None and v.size > 0 and bool(np.all(v == number))


def _passes_through(x, out):
    """True if ``x`` already has the output's static shape and dtype (nothing broadcast)."""
    return x.dtype == out.dtype and x.shape.is_fully_defined() and x.shape == out.shape


def simplify(program):
    """Safe identities: x*1, x+0, x-0, x/1, -(-x), ops whose scalar expression is their
    input (identity, stop_gradient: gradients are built before compiling; so is a
    custom_gradient's pass-through), transpose of transpose,
    reshape of a (statically valid) reshape, broadcast_to / sum_to to the same shape."""

    def rewrite(graph, op, inputs):
        if op.kind not in PURE:
            return None
        out = op.outputs[0] if op.outputs else None
        t = op.type
        if op.kind == base.ELEMENTWISE and op.opdef.scalar == "{0}":  # identity, stop_gradient
            return [inputs[0]]
        if op.kind == base.SHAPE:
            # the shape of f(x) is x's: the elementwise result need not be materialized
            x = _same_shape_input(inputs[0].op)
            if x is not None:
                return clone(graph, op, [x]).outputs
        if t in ("SumToShape", "BroadcastTo") and _passes_through(inputs[0], out):
            return [inputs[0]]
        if op.opdef is CUSTOM_GRADIENT:  # only the gradients it defines (built already)
            return inputs[:op._attrs["results"]]  # differ from its inputs'
        if t in ("Mul", "Add", "Sub", "RealDiv"):
            unit = 1 if t in ("Mul", "RealDiv") else 0
            x, y = inputs
            if _is_all(y, unit) and _passes_through(x, out):
                return [x]
            if t in ("Mul", "Add") and _is_all(x, unit) and _passes_through(y, out):
                return [y]
        if t == "Neg" and inputs[0].op.type == "Neg":
            return [inputs[0].op.inputs[0]]
        if t == "Transpose" and inputs[0].op.type == "Transpose":
            inner = inputs[0].op
            p1, p2 = inner._attrs["perm"], op._attrs["perm"]
            if p1 is not None and p2 is not None:
                perm = tuple(p1[i] for i in p2)
                if perm == tuple(range(len(perm))):
                    return [inner.inputs[0]]
                return clone(graph, op, [inner.inputs[0]], attrs={"perm": perm}).outputs
        if t == "Reshape" and inputs[0].op.type == "Reshape":
            inner = inputs[0].op
            static = inner.inputs[0].shape.is_fully_defined() and \
                inner.outputs[0].shape.is_fully_defined()
            if static:  # then the inner reshape cannot fail at run time
                return clone(graph, op, [inner.inputs[0], inputs[1]]).outputs
        return None

    return rebuild(program, rewrite)


def expand_updates(program):
    """``AssignSub(v, x)`` -> ``Assign(v, Sub(read v, x))`` (any ASSIGN op with an
    ``update`` rule): the update expression then fuses with the kernel computing x, so
    an optimizer step for one variable is one kernel that writes the new value."""

    def rewrite(graph, op, inputs):
        rule = op.opdef.update
        if op.kind != base.ASSIGN or rule is None:
            return None
        target, value = inputs
        var = target.op
        read = clone(graph, var, [], attrs={**var._attrs, "fresh": True})  # sees earlier writes
        new = clone(graph, op, [read.outputs[0], value], opdef=rule, attrs={})
        return clone(graph, op, [target, new.outputs[0]], opdef=ASSIGN_OP).outputs

    return rebuild(program, rewrite)
