"""Scalar element code shared by the CPU and CUDA kernel generators.

A fused group's kernel reads each operand by *mode*, decided from the run-time shapes
(never the sizes, so a new batch size reuses the kernel):

- ``full``: same shape as the loop, ``a[i]``
- ``scalar``: one element, passed as a number
- ``first``: one element left in a one-element array, ``a[0]`` (CUDA: it stays on device)
- ``suffix``: broadcast along leading dims (a bias row), ``a[i % k]``
- ``prefix``: broadcast along trailing dims (a keepdims column), ``a[i // k]``
- ``row``/``col``: suffix and prefix inside a (rows, columns) loop nest, ``a[c]``/``a[r]``
- ``const``: a one-element constant, passed as a number: its value stays out of the source,
  so ops built with new Python numbers (``x * float(i)``) share one kernel
- ``literal``: a one-element constant of a few special values (``SPECIAL_VALUES``), written
  into the source, where LLVM folds it (``x ** 2.0`` becomes ``x * x``)

``element_code`` turns the group's members into one line per op for the element at index
``i``; each backend wraps those lines in its own loops.
"""

import re

import numpy as np

from ..ops.elementwise import SCALAR_FUNCTIONS

CAST_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8")
# every name a generated kernel may call: the scalar language of elementwise ops, each cast
# spelled out, and the float32 functions ``float32_expression`` switches to
FLOAT32_NAMES = ("exp", "tanh", "sigmoid", "log", "sin", "cos")
SCALAR_NAMES = (*[f"{f}32" for f in FLOAT32_NAMES],
                *[f for f in SCALAR_FUNCTIONS if f != "cast_<dtype>"],
                *[f"cast_{d}" for d in CAST_DTYPES])

_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*|\d+)(?![\w.])")
READ = {
    "full": "{a}[i]",
    "suffix": "{a}[i % {k}]",
    "prefix": "{a}[i // {k}]",
    "row": "{a}[c]",  # suffix and prefix in a (rows, columns) loop nest: no division
    "col": "{a}[r]",
    "first": "{a}[0]",  # a one-element array (the CUDA backend: its scalars stay on device)
}


_FLOAT32_FUNCTIONS = re.compile(rf"\b({'|'.join(FLOAT32_NAMES)})\(")


def float32_expression(expr, dtype):
    """In a float32 expression numbers become float32 (else NumPy promotes to float64) and
    exp, tanh... become exp32, tanh32...: each backend's float32 functions with a stated
    error bound (``cpu/numba_scalar``, ``cuda/scalar``)."""
    if dtype.name != "float32":
        return expr
    expr = _LITERAL.sub(lambda m: f"np.float32({m.group(1)})", expr)
    return _FLOAT32_FUNCTIONS.sub(lambda m: f"{m.group(1)}32(", expr)


# the values a constant is written into the source as: a fixed few, so a loop over new
# numbers still compiles O(1) kernels. A literal exponent is folded: x ** 2.0 ran 22x
# faster than x ** c with c an argument (0.68 against 15 ms over 2**20 float32); a literal
# integer divisor becomes a multiplication (so every constant divisor of an integer
# division stays a literal: x // 7 ran 13x slower with 7 an argument); x * c runs as fast
# as x * 0.5.
SPECIAL_VALUES = (-1, -0.5, 0, 0.5, 1, 2, 3)


def is_special(value):
    """Whether a one-element constant is written into a kernel as a ``literal`` (a special
    value or a bool), not passed to it as a ``const`` argument."""
    value = np.asarray(value).reshape(())
    return value.dtype.kind == "b" or bool(value.dtype.kind in "iuf" and value in SPECIAL_VALUES)


def literal(value):
    value = np.asarray(value).reshape(())
    if value.dtype.kind == "b":
        return repr(bool(value))
    if value.dtype.kind == "f" and not np.isfinite(value):
        text = "np.nan" if np.isnan(value) else ("np.inf" if value > 0 else "-np.inf")
        return f"np.{value.dtype.name}({text})"
    return f"np.{value.dtype.name}({value.item()!r})"


def faulting(body):
    """``[(m, op)]``: the members of a group whose ``Fault`` applies to their inputs' dtype
    (integer division) and is not ruled out by a constant (a divisor of 7): their kernel
    checks each element, and only theirs."""
    return [(m, op) for m, op in enumerate(body)
            if op.opdef.fault is not None and op.opdef.fault.applies(op.inputs[0].dtype)
            and not _ruled_out(op)]


def _ruled_out(op):
    fault = op.opdef.fault
    value = constant_operand(op, fault.operand)
    return value is not None and bool(fault.cannot_hold(value))


def constant_operand(op, position):
    """The value of ``op``'s input ``position`` if it is a constant, else None."""
    if position is None:
        return None
    source = op.inputs[position].op
    return source._attrs["value"] if source.type == "Const" else None


def fault_operand(leaf):
    """Whether a constant ``leaf`` is the operand a consumer's Fault reads (an integer
    divisor): written into kernels as a literal, not passed as an argument."""
    return any(op.opdef.fault is not None and op.opdef.fault.operand is not None
               and op.opdef.fault.applies(leaf.dtype)
               and op.inputs[op.opdef.fault.operand] is leaf for op in leaf.consumers())


def element_code(body, leaves, modes, check=None):
    """Parameters, operand reads and one line per op, for the element at index ``i``.
    ``check`` formats the line before a ``faulting`` member's: ``{cond}`` its fault's
    condition for this element, ``{m}`` the member's position."""
    params, reads, names, lines, header = [], [], {}, [], []
    checked = dict(faulting(body))
    for j, (t, mode) in enumerate(zip(leaves, modes)):
        if mode == "literal":
            names[t] = literal(t.op._attrs["value"])
        elif mode in ("scalar", "const"):
            names[t] = f"s{j}"
            params.append(f"s{j}")
        else:
            names[t] = f"x{j}"
            params += [f"a{j}"] + ([f"k{j}"] if mode in ("suffix", "prefix") else [])
            reads.append(f"x{j} = " + READ[mode].format(a=f"a{j}", k=f"k{j}"))
    for m, op in enumerate(body):
        where = f" at {op.source}" if op.source else ""
        if m in checked:
            cond = _expression(op.opdef.fault.condition, op, names)
            lines.append(check.format(cond=cond, m=m) + f"  # else: {op.opdef.fault.message}")
        lines.append(scalar_line(op, names, f"t{m}"))
        names[op.outputs[0]] = f"t{m}"
        header.append(f"  t{m}: {op.type} '{op.name}'{where}")
    return params, reads + lines, names, header


def scalar_line(op, names, target):
    """``target = `` the element expression of an elementwise ``op`` whose inputs are
    spelled as ``names`` says, with a comment naming the op and its line."""
    where = f" at {op.source}" if op.source else ""
    return (f"{target} = {_wrapped(_expression(op.opdef.scalar_expr, op, names), op)}  "
            f"# {op.type} '{op.name}'{where}")


# Numba computes narrow integers in 64 bits: an int32 (x * x) // 1000 of x = 100000 gave
# 10000001 where NumPy and TF1 wrap to 1410066. Each such member's result is cast back.
_WRAPPED = ("int8", "int16", "int32", "uint8")


def _wrapped(expr, op):
    """``expr`` cast back to the op's integer dtype where Numba would widen it."""
    name = op.outputs[0].dtype.name
    return f"cast_{name}({expr})" if name in _WRAPPED else expr


def _expression(template, op, names):
    """``template`` (an OpDef's ``scalar_expr``, or a format string over the inputs) of
    ``op``'s inputs as ``names`` has them."""
    holes = [f"_A{j}_" for j in range(len(op.inputs))]  # literals are typed before
    dtype = op.inputs[0].dtype if op.inputs else op.outputs[0].dtype  # the args go in
    text = template(holes, op._attrs) if callable(template) else template.format(*holes)
    expr = float32_expression(text, dtype)
    for hole, t in zip(holes, op.inputs):
        expr = expr.replace(hole, names[t])
    return expr


_IDENTITY = {"zero": 0, "one": 1, "false": False, "true": True}


def identity_value(identity, dtype):
    """The value of a combine's identity ("zero", "lowest"...) for elements of NumPy
    ``dtype``: "lowest" and "highest" are -inf and inf for floats, else dtype's limits."""
    if identity in _IDENTITY:
        return _IDENTITY[identity]
    if dtype.kind == "f":
        return -np.inf if identity == "lowest" else np.inf
    info = np.iinfo(dtype)
    return info.min if identity == "lowest" else info.max


def accumulator(dtype, identity):
    """(accumulator dtype, literal of the identity): floats sum in float64, ints in int64."""
    acc = np.dtype("float64" if dtype.is_floating else "bool" if dtype.is_bool else "int64")
    return acc, literal(np.asarray(identity_value(identity, dtype.np), acc))
