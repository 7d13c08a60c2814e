"""``tf.math``: TF1's ``tf.compat.v1.math`` names of the functions graphflow has (each is
the same function as the top-level or ``tf.nn`` one of that name)."""

from . import errors as _errors
from . import tf1_names as _tf1_names
from .nn.ops import log_softmax, softmax, softplus  # noqa: F401
from .ops.elementwise import (  # noqa: F401
    abs,  # noqa: A004 (TF1's name)
    add,
    add_n,
    ceil,
    cos,
    divide,
    equal,
    exp,
    expm1,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,  # noqa: A004 (TF1's name)
    reciprocal,
    round,  # noqa: A004 (TF1's name)
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    truediv,
)
from .ops.numerics import is_finite, is_inf, is_nan  # noqa: F401
from .ops.reduce import (  # noqa: F401
    argmax,
    argmin,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)

_errors.wrap_public(globals())

__getattr__ = _tf1_names.module_getattr("tf.math", __name__)  # a TF1 name we lack: say so
