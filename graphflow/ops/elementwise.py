"""Elementwise ops: one table row per op (NumPy reference + per-element scalar expression).

Scalar expressions are written in a tiny language shared by every backend: Python
operators on the inputs ``{0}``, ``{1}``... plus the functions named in
``SCALAR_FUNCTIONS``; a backend binds those names (NumPy ufuncs in the test oracle,
Numba/CUDA intrinsics in generated kernels).
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from ..shapes import broadcast_shapes
from .base import ELEMENTWISE, Fault, OpDef, Spec, require_dtype, require_same_dtype
from .sources import convert_to_tensor

SCALAR_FUNCTIONS = (
    "exp log log1p expm1 sqrt tanh sin cos floor ceil rint fabs sign maximum minimum "
    "floordiv floormod select logical_not sigmoid isnan isinf isfinite cast_<dtype>"
).split()

FLOAT, INT, BOOL = "is_floating", "is_integer", "is_bool"
NUMERIC = f"{FLOAT}|{INT}"
ANY = f"{NUMERIC}|{BOOL}"
MOVES = f"{ANY}|is_string|is_variant"  # ops that only pass values on take host values too


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def unary(type, reference, scalar, allowed=FLOAT, out_dtype=None, differentiable=True,
          same_elements=False):
    """Declare a one-input elementwise op (output dtype = input dtype unless given)."""

    def infer(inputs):
        (x,) = inputs
        require_dtype(x, allowed, type)
        return Spec(x.shape, out_dtype or x.dtype)

    return OpDef(type, ELEMENTWISE, infer, reference, scalar=scalar,
                 differentiable=differentiable, same_elements=same_elements)


def binary(type, reference, scalar, allowed=NUMERIC, out_dtype=None, differentiable=True,
           fault=None):
    """Declare a two-input broadcasting elementwise op; both inputs share one dtype."""

    def infer(inputs):
        dtype = require_same_dtype(inputs)
        require_dtype(inputs[0], allowed, type)
        return Spec(broadcast_shapes(*(t.shape for t in inputs)), out_dtype or dtype)

    return OpDef(type, ELEMENTWISE, infer, reference, scalar=scalar,
                 differentiable=differentiable, fault=fault)


NEG = unary("Neg", np.negative, "(-{0})", NUMERIC)
ABS = unary("Abs", np.abs, "fabs({0})", NUMERIC)
SQUARE = unary("Square", np.square, "({0} * {0})", NUMERIC)
SQRT = unary("Sqrt", np.sqrt, "sqrt({0})")
RSQRT = unary("Rsqrt", lambda x: 1 / np.sqrt(x), "(1 / sqrt({0}))")
EXP = unary("Exp", np.exp, "exp({0})")
LOG = unary("Log", np.log, "log({0})")
LOG1P = unary("Log1p", np.log1p, "log1p({0})")
EXPM1 = unary("Expm1", np.expm1, "expm1({0})")
SIGMOID = unary("Sigmoid", _sigmoid, "sigmoid({0})")
TANH = unary("Tanh", np.tanh, "tanh({0})")
SIN = unary("Sin", np.sin, "sin({0})")
COS = unary("Cos", np.cos, "cos({0})")
SIGN = unary("Sign", np.sign, "sign({0})", NUMERIC)
FLOOR = unary("Floor", np.floor, "floor({0})", differentiable=False)
CEIL = unary("Ceil", np.ceil, "ceil({0})", differentiable=False)
ROUND = unary("Round", np.rint, "rint({0})", NUMERIC, differentiable=False)
RECIPROCAL = unary("Reciprocal", lambda x: 1 / x, "(1 / {0})")
LOGICAL_NOT = unary("LogicalNot", np.logical_not, "logical_not({0})", BOOL,
                    differentiable=False)
RELU = unary("Relu", lambda x: np.maximum(x, 0), "maximum({0}, 0)", NUMERIC)
IDENTITY = unary("Identity", lambda x: x, "{0}", MOVES, same_elements=True)
STOP_GRADIENT = unary("StopGradient", lambda x: x, "{0}", MOVES, differentiable=False,
                      same_elements=True)
ZEROS_LIKE = unary("ZerosLike", np.zeros_like, "0", ANY, differentiable=False)
ONES_LIKE = unary("OnesLike", np.ones_like, "1", ANY, differentiable=False)

ADD = binary("Add", np.add, "({0} + {1})", f"{NUMERIC}|is_string")  # (TF1: strings concatenate)
SUB = binary("Sub", np.subtract, "({0} - {1})")
MUL = binary("Mul", np.multiply, "({0} * {1})")
REALDIV = binary("RealDiv", np.true_divide, "({0} / {1})", FLOAT)
# TF1 fails an integer division by zero (NumPy and Numba give 0); an empty result divides
# nothing, so it does not fail
ZERO_DIVISOR = Fault("Integer division by zero", INT, "({1} == 0)",
                     lambda x, y: np.broadcast(x, y).size > 0 and not np.all(y),
                     operand=1, cannot_hold=np.all)
FLOORDIV = binary("FloorDiv", np.floor_divide, "floordiv({0}, {1})", differentiable=False,
                  fault=ZERO_DIVISOR)
FLOORMOD = binary("FloorMod", np.mod, "floormod({0}, {1})", fault=ZERO_DIVISOR)
POW = binary("Pow", np.power, "({0} ** {1})")
MAXIMUM = binary("Maximum", np.maximum, "maximum({0}, {1})")
MINIMUM = binary("Minimum", np.minimum, "minimum({0}, {1})")
EQUAL = binary("Equal", np.equal, "({0} == {1})", ANY, dtypes.bool_, False)
NOT_EQUAL = binary("NotEqual", np.not_equal, "({0} != {1})", ANY, dtypes.bool_, False)
LESS = binary("Less", np.less, "({0} < {1})", NUMERIC, dtypes.bool_, False)
LESS_EQUAL = binary("LessEqual", np.less_equal, "({0} <= {1})", NUMERIC, dtypes.bool_, False)
GREATER = binary("Greater", np.greater, "({0} > {1})", NUMERIC, dtypes.bool_, False)
GREATER_EQUAL = binary("GreaterEqual", np.greater_equal, "({0} >= {1})", NUMERIC,
                       dtypes.bool_, False)
LOGICAL_AND = binary("LogicalAnd", np.logical_and, "({0} & {1})", BOOL, differentiable=False)
LOGICAL_OR = binary("LogicalOr", np.logical_or, "({0} | {1})", BOOL, differentiable=False)


def _select_infer(inputs):
    cond, x, y = inputs
    require_dtype(cond, BOOL, "where's condition")
    dtype = require_same_dtype([x, y])
    return Spec(broadcast_shapes(cond.shape, x.shape, y.shape), dtype)


SELECT = OpDef("Select", ELEMENTWISE, _select_infer, np.where, scalar="select({0}, {1}, {2})")


def _add_n_infer(inputs):
    dtype = require_same_dtype(inputs)
    require_dtype(inputs[0], NUMERIC, "add_n")
    return Spec(broadcast_shapes(*(t.shape for t in inputs)), dtype)


ADD_N = OpDef("AddN", ELEMENTWISE, _add_n_infer, lambda *xs: sum(xs[1:], xs[0]),
              scalar=lambda args, attrs: "(" + " + ".join(args) + ")")


def _cast_infer(inputs, *, dtype):
    if inputs[0].dtype.is_string or dtype.is_string:  # NumPy would parse or box them
        raise TypeError(f"Cast cannot convert {inputs[0].dtype.name} to {dtype.name} (nor "
                        "can TF1: it parses and formats strings with other ops)")
    return Spec(inputs[0].shape, dtype)


def _cast_scalar(args, attrs):
    target = attrs["dtype"]
    return f"({args[0]} != 0)" if target.is_bool else f"cast_{target.name}({args[0]})"


CAST = OpDef("Cast", ELEMENTWISE, _cast_infer, lambda x, *, dtype: x.astype(dtype.np),
             scalar=_cast_scalar)


# -- operand conversion ------------------------------------------------------------------

def binary_operands(x, y):
    """Two tensors of one dtype: a non-tensor operand takes the other's dtype (TF1).

    Two tensors pass through unchanged: the op's own check reports a dtype mismatch.
    """
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        return x, y
    if isinstance(x, Tensor) and not isinstance(y, Tensor):
        return x, convert_to_tensor(y, x.dtype, name="y")
    if isinstance(y, Tensor) and not isinstance(x, Tensor):
        return convert_to_tensor(x, y.dtype, name="x"), y
    x = convert_to_tensor(x, name="x")
    return x, convert_to_tensor(y, x.dtype, name="y")


def _unary_fn(opdef):
    def fn(x, name=None):
        return opdef(convert_to_tensor(x), name=name or opdef.type)

    fn.__doc__ = f"Elementwise {opdef.type} of ``x``."
    return fn


def _binary_fn(opdef):
    def fn(x, y, name=None):
        with name_scope(name, opdef.type) as scope:  # a converted constant is "<op>/y"
            return opdef(*binary_operands(x, y), name=scope)

    fn.__doc__ = f"Elementwise {opdef.type} of ``x`` and ``y``, with broadcasting."
    return fn


negative = _unary_fn(NEG)
abs = _unary_fn(ABS)  # noqa: A001 (TF1 name)
square = _unary_fn(SQUARE)
sqrt = _unary_fn(SQRT)
rsqrt = _unary_fn(RSQRT)
exp = _unary_fn(EXP)
log = _unary_fn(LOG)
log1p = _unary_fn(LOG1P)
expm1 = _unary_fn(EXPM1)
sigmoid = _unary_fn(SIGMOID)
tanh = _unary_fn(TANH)
sin = _unary_fn(SIN)
cos = _unary_fn(COS)
sign = _unary_fn(SIGN)
floor = _unary_fn(FLOOR)
ceil = _unary_fn(CEIL)
round = _unary_fn(ROUND)  # noqa: A001 (TF1 name)
reciprocal = _unary_fn(RECIPROCAL)
logical_not = _unary_fn(LOGICAL_NOT)
identity = _unary_fn(IDENTITY)
stop_gradient = _unary_fn(STOP_GRADIENT)

add = _binary_fn(ADD)
subtract = _binary_fn(SUB)
multiply = _binary_fn(MUL)
realdiv = _binary_fn(REALDIV)
floordiv = _binary_fn(FLOORDIV)
mod = floormod = _binary_fn(FLOORMOD)
pow = _binary_fn(POW)  # noqa: A001 (TF1 name)
maximum = _binary_fn(MAXIMUM)
minimum = _binary_fn(MINIMUM)
equal = _binary_fn(EQUAL)
not_equal = _binary_fn(NOT_EQUAL)
less = _binary_fn(LESS)
less_equal = _binary_fn(LESS_EQUAL)
greater = _binary_fn(GREATER)
greater_equal = _binary_fn(GREATER_EQUAL)
logical_and = _binary_fn(LOGICAL_AND)
logical_or = _binary_fn(LOGICAL_OR)


def truediv(x, y, name=None):
    """``x / y`` as floats: int8/16/uint8 become float32, int32/int64 float64 (TF1)."""
    with name_scope(name, "truediv") as scope:
        x, y = binary_operands(x, y)
        if x.dtype.is_integer and x.dtype == y.dtype:
            target = dtypes.float64 if x.dtype.size >= 4 else dtypes.float32
            x, y = cast(x, target), cast(y, target)
        return REALDIV(x, y, name=scope)


def divide(x, y, name=None):
    return truediv(x, y, name=name or "truediv")


def zeros_like(tensor, dtype=None, name=None):
    """Zeros with the shape (known at run time) of ``tensor``, in its dtype or ``dtype``."""
    out = ZEROS_LIKE(convert_to_tensor(tensor), name=name or "zeros_like")
    return out if dtype is None else cast(out, dtype)


def ones_like(tensor, dtype=None, name=None):
    """Ones with the shape (known at run time) of ``tensor``, in its dtype or ``dtype``."""
    out = ONES_LIKE(convert_to_tensor(tensor), name=name or "ones_like")
    return out if dtype is None else cast(out, dtype)


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype`` (floats to ints truncate toward zero; nonzero -> True)."""
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    return CAST(x, dtype=dtype, name=name or "Cast")


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of one shape and dtype."""
    tensors = [convert_to_tensor(t) for t in inputs]
    if not tensors:
        raise errors.at_user_line(errors.InvalidArgumentError, "add_n needs at least one input")
    if len(tensors) == 1:
        return tensors[0]
    return ADD_N(*tensors, name=name or "AddN")


def squared_difference(x, y, name=None):
    """``(x - y) ** 2``, elementwise with broadcasting (TF1's ``SquaredDifference``, here a
    composite: fusion makes it one kernel, and its gradient comes from the two ops)."""
    with name_scope(name, "SquaredDifference") as scope:
        return square(subtract(*binary_operands(x, y)), name=scope)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``t`` with every element clipped into ``[clip_value_min, clip_value_max]``."""
    with name_scope(name, "clip_by_value") as scope:
        t = convert_to_tensor(t)
        return minimum(maximum(t, clip_value_min), clip_value_max, name=scope)


def where(condition, x=None, y=None, name=None):
    """Elementwise select (``x`` where ``condition`` else ``y``), or with ``condition``
    alone the int64 coordinates of its true elements, shape ``[n, rank]``."""
    condition = convert_to_tensor(condition)
    if x is None and y is None:
        from .gather import where_indices

        return where_indices(condition, name=name)
    if x is None or y is None:
        raise errors.at_user_line(
            errors.InvalidArgumentError, "where needs both x and y, or neither")
    x, y = binary_operands(x, y)
    return SELECT(_rows_condition(condition, x, y), x, y, name=name or "Select")


def _rows_condition(condition, x, y):
    """TF1's where: a vector condition over x and y of one rank > 1 selects whole rows
    (reshaped to ``[n, 1, ...]``). Decided by the ranks alone: while the graph is built
    when they are known, else at run time."""
    from .movement import reshape

    cr, xr, yr = condition.shape.ndims, x.shape.ndims, y.shape.ndims
    if None not in (cr, xr, yr):
        return reshape(condition, [-1] + [1] * (xr - 1)) if cr == 1 < xr == yr else condition
    same_rank = cr is None and xr is not None and xr == yr
    maybe_rows = cr in (None, 1) and xr not in (0, 1) and (None in (xr, yr) or xr == yr)
    if not (same_rank or maybe_rows):
        return condition
    from .gather import check_indices
    from .movement import concat, expand_dims
    from .shape_ops import rank, shape
    from .sources import constant, fill

    with name_scope("rows_condition"):
        c_rank, x_rank = rank(condition), rank(x)
        rows = logical_and(logical_and(equal(c_rank, 1), greater(x_rank, 1)),
                           equal(rank(y), x_rank))
        if same_rank:
            # TF1 infers x's shape for a condition of unknown rank: its rank may not exceed
            # x's (Select's rule), so padded with leading 1s it has x's rank
            leading = check_indices(
                where(rows, 0, x_rank - c_rank), xr + 1,
                "where's condition may not outrank x (TF1's Select): x's rank minus its")
        else:
            leading = constant(0)
        dims = concat([fill(expand_dims(leading, 0), 1), shape(condition),
                       fill(expand_dims(where(rows, x_rank - 1, 0), 0), 1)], 0)
        condition = reshape(condition, dims)
        if same_rank and x.shape == y.shape:  # made to fit x, it keeps x's static shape
            from .broadcast import broadcast_to

            return broadcast_to(condition, shape(x))
    if same_rank:
        condition.set_shape([None] * xr)
    return condition


# -- gradient rules: one term per input; the autodiff driver sums uses and un-broadcasts ----

def _x(op):
    return op.inputs[0]


def _y(op):
    return op.outputs[0]


NEG.gradient(lambda op, g: [-g])
ABS.gradient(lambda op, g: [g * sign(_x(op))])
SQUARE.gradient(lambda op, g: [g * (2 * _x(op))])
SQRT.gradient(lambda op, g: [g * 0.5 / _y(op)])
RSQRT.gradient(lambda op, g: [g * -0.5 * _y(op) / _x(op)])
EXP.gradient(lambda op, g: [g * _y(op)])
LOG.gradient(lambda op, g: [g / _x(op)])
LOG1P.gradient(lambda op, g: [g / (1 + _x(op))])
EXPM1.gradient(lambda op, g: [g * (_y(op) + 1)])
SIGMOID.gradient(lambda op, g: [g * (_y(op) * (1 - _y(op)))])
TANH.gradient(lambda op, g: [g * (1 - square(_y(op)))])
SIN.gradient(lambda op, g: [g * cos(_x(op))])
COS.gradient(lambda op, g: [-g * sin(_x(op))])
SIGN.gradient(lambda op, g: [zeros_like(g)])
RELU.gradient(lambda op, g: [g * cast(_y(op) > 0, g.dtype)])  # 0 at 0, as TF1
RECIPROCAL.gradient(lambda op, g: [-g * square(_y(op))])
IDENTITY.gradient(lambda op, g: [g])
ADD.gradient(lambda op, g: [g, g])
SUB.gradient(lambda op, g: [g, -g])
MUL.gradient(lambda op, g: [g * op.inputs[1], g * op.inputs[0]])
ADD_N.gradient(lambda op, g: [g] * len(op.inputs))
FLOORMOD.gradient(lambda op, g: [g, -g * floordiv(*op.inputs)])


@REALDIV.gradient
def _realdiv_grad(op, g):
    a, b = op.inputs
    return [g / b, -g * a / square(b)]


@POW.gradient
def _pow_grad(op, g):
    a, b = op.inputs
    safe_log = SELECT(a > 0, log(SELECT(a > 0, a, ones_like(a))), zeros_like(a))
    return [g * b * a ** (b - 1), g * _y(op) * safe_log]


def _choose(op, g, take_first):
    """Gradient of max/min: ``g`` flows to the input that was chosen (the first on ties)."""
    mask = cast(take_first(*op.inputs), g.dtype)
    return [g * mask, g * (1 - mask)]


MAXIMUM.gradient(lambda op, g: _choose(op, g, greater_equal))
MINIMUM.gradient(lambda op, g: _choose(op, g, less_equal))


@SELECT.gradient
def _select_grad(op, g):
    zeros = zeros_like(g)
    return [None, SELECT(op.inputs[0], g, zeros), SELECT(op.inputs[0], zeros, g)]


@CAST.gradient
def _cast_grad(op, g):
    return [cast(g, _x(op).dtype) if _x(op).dtype.is_floating else None]

