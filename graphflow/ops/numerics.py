"""NaN and Inf: the tests ``is_nan``/``is_inf``/``is_finite`` (elementwise, fusable) and
TF1's checks ``check_numerics``, ``verify_tensor_all_finite`` and ``add_check_numerics_ops``.

A check is an EFFECT op: it passes its input through, or fails the run with TF1's message
("<message> : Tensor had NaN values") plus the op's name and the user's line. Being an
effect, it is never folded or pruned away once a run needs it (by data or control
dependency). ``Session(check_numerics=True)`` goes further: it finds the op that made the
first NaN or Inf, even inside a fused kernel (``backends/watch.py``).
"""

import numpy as np

from .. import dtypes
from ..graph import get_default_graph, name_scope
from .base import ASSIGN, EFFECT, OpDef, Spec, require_dtype
from .control import group
from .elementwise import FLOAT, unary
from .sources import convert_to_tensor

IS_NAN = unary("IsNan", np.isnan, "isnan({0})", FLOAT, dtypes.bool_, differentiable=False)
IS_INF = unary("IsInf", np.isinf, "isinf({0})", FLOAT, dtypes.bool_, differentiable=False)
IS_FINITE = unary("IsFinite", np.isfinite, "isfinite({0})", FLOAT, dtypes.bool_,
                  differentiable=False)


def is_nan(x, name=None):
    """True where ``x`` is NaN (a float tensor), elementwise."""
    return IS_NAN(convert_to_tensor(x), name=name or "IsNan")


def is_inf(x, name=None):
    """True where ``x`` is +inf or -inf (a float tensor), elementwise."""
    return IS_INF(convert_to_tensor(x), name=name or "IsInf")


def is_finite(x, name=None):
    """True where ``x`` is neither NaN nor infinite (a float tensor), elementwise."""
    return IS_FINITE(convert_to_tensor(x), name=name or "IsFinite")


def nonfinite_words(x):
    """TF1's words for what ``x`` holds: "Inf and NaN", "Inf", "NaN", or None if finite."""
    if x.dtype.kind != "f" or np.isfinite(x).all():
        return None
    nan, inf = bool(np.isnan(x).any()), bool(np.isinf(x).any())
    return "Inf and NaN" if nan and inf else "NaN" if nan else "Inf"


def _check_numerics_infer(inputs, *, message):
    (x,) = inputs
    require_dtype(x, FLOAT, "check_numerics")
    return Spec(x.shape, x.dtype)


def _check_numerics_reference(x, *, message):
    words = nonfinite_words(x)
    if words is not None:  # the run's error adds the op's name and the user's line
        raise ValueError(f"{message} : Tensor had {words} values")
    return x


CHECK_NUMERICS = OpDef("CheckNumerics", EFFECT, _check_numerics_infer,
                       _check_numerics_reference, same_elements=True)


@CHECK_NUMERICS.gradient
def _check_numerics_grad(op, g):
    # TF1 checks the gradient on its way back too
    return [CHECK_NUMERICS(g, message="Not a number (NaN) or infinity (Inf) values detected in "
                           f"gradient. {op.attrs['message']}", name=f"{op.name}_grad")]


def check_numerics(tensor, message, name=None):
    """``tensor`` unchanged, or the run fails with InvalidArgumentError "``message`` : Tensor
    had NaN values" (or "Inf", or "Inf and NaN"), naming the op and the line that made it."""
    tensor = convert_to_tensor(tensor)
    return CHECK_NUMERICS(tensor, message=str(message), name=name or "CheckNumerics")


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """TF1's ``verify_tensor_all_finite``: ``t`` (or ``x``) checked by ``check_numerics``
    with ``msg`` (or ``message``)."""
    t = x if t is None else t
    msg = message if msg is None else msg
    with name_scope(name, "VerifyFinite") as scope:
        return check_numerics(convert_to_tensor(t, name="x"), msg, name=scope)


def add_check_numerics_ops():
    """A check_numerics for every float16/32/64 output of the default graph's ops, each
    after the one before (TF1: the first failing check names the earliest op), grouped into
    one op to run with the training step. The messages are ``"<op name>:<output index>"``.
    Variables' assignments are left out (TF1's are reference-typed and so skipped too)."""
    graph = get_default_graph()
    checks = []
    floats = (dtypes.float16, dtypes.float32, dtypes.float64)
    for op in graph.get_operations():
        if op.kind == ASSIGN or op.opdef is CHECK_NUMERICS:
            continue
        for t in op.outputs:
            if t.dtype in floats:
                with graph.control_dependencies(checks[-1:]):
                    checks.append(CHECK_NUMERICS(t, message=f"{op.name}:{t.value_index}",
                                                 name="CheckNumerics").op)
    return group(*checks)
