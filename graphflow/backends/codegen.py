"""Fused elementwise group -> readable kernel source (one line per original op).

The kernel loops once over the flattened output. Each operand is read by *mode*,
decided from the run-time shapes (never the sizes, so a new batch size reuses it):

- ``full``: same shape as the loop, ``a[i]``
- ``scalar``: one element, passed as a number
- ``suffix``: broadcast along leading dims (a bias row), ``a[i % k]``
- ``prefix``: broadcast along trailing dims (a keepdims column), ``a[i // k]``
- ``const``: a one-element constant, written into the source as a literal

When every suffix operand spans the same trailing block and every prefix operand the
rows before it, the loop becomes a (rows, columns) nest and they read ``row``/``col``
(``a[c]``, ``a[r]``): no integer division per element, so the loop vectorizes.
"""

import re

import numpy as np

from ..ops.base import REDUCE

_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*|\d+)(?![\w.])")
READ = {
    "full": "{a}[i]",
    "suffix": "{a}[i % {k}]",
    "prefix": "{a}[i // {k}]",
    "row": "{a}[c]",  # suffix and prefix in a (rows, columns) loop nest: no division
    "col": "{a}[r]",
    "first": "{a}[0]",  # a one-element array (the CUDA backend: its scalars stay on device)
}


_FLOAT32_FUNCTIONS = re.compile(r"\b(exp|tanh|sigmoid)\(")


def float32_expression(expr, dtype):
    """In a float32 expression numbers become float32 (else NumPy promotes to float64) and
    exp/tanh/sigmoid become the vectorizable approximations of ``numba_scalar``."""
    if dtype.name != "float32":
        return expr
    expr = _LITERAL.sub(lambda m: f"np.float32({m.group(1)})", expr)
    return _FLOAT32_FUNCTIONS.sub(lambda m: f"{m.group(1)}32(", expr)


def _literal(value):
    value = np.asarray(value).reshape(())
    if value.dtype.kind == "b":
        return repr(bool(value))
    if value.dtype.kind == "f" and not np.isfinite(value):
        text = "np.nan" if np.isnan(value) else ("np.inf" if value > 0 else "-np.inf")
        return f"np.{value.dtype.name}({text})"
    return f"np.{value.dtype.name}({value.item()!r})"


def _element_code(body, leaves, modes):
    """Parameters, operand reads and one line per op, for the element at index ``i``."""
    params, reads, names, lines, header = [], [], {}, [], []
    for j, (t, mode) in enumerate(zip(leaves, modes)):
        if mode == "const":
            names[t] = _literal(t.op._attrs["value"])
        elif mode == "scalar":
            names[t] = f"s{j}"
            params.append(f"s{j}")
        else:
            names[t] = f"x{j}"
            params += [f"a{j}"] + ([f"k{j}"] if mode in ("suffix", "prefix") else [])
            reads.append(f"x{j} = " + READ[mode].format(a=f"a{j}", k=f"k{j}"))
    for m, op in enumerate(body):
        holes = [f"_A{j}_" for j in range(len(op.inputs))]  # literals are typed before
        dtype = op.inputs[0].dtype if op.inputs else op.outputs[0].dtype  # the args go in
        expr = float32_expression(op.opdef.scalar_expr(holes, op._attrs), dtype)
        for hole, t in zip(holes, op.inputs):
            expr = expr.replace(hole, names[t])
        names[op.outputs[0]] = f"t{m}"
        where = f" at {op.source}" if op.source else ""
        lines.append(f"t{m} = {expr}  # {op.type} '{op.name}'{where}")
        header.append(f"  t{m}: {op.type} '{op.name}'{where}")
    return params, reads + lines, names, header


def _module(title, header, decorator, signature, body_lines):
    return (
        f'"""graphflow {title}.\n' + "\n".join(header) + '\n"""\n'
        "import math  # noqa: F401\n\n"
        "import numpy as np  # noqa: F401\n"
        "from numba import njit, prange  # noqa: F401\n\n"
        "from graphflow.backends.numba_scalar import *  # noqa: F401, F403\n\n"
        "# contraction into FMAs and reassociation, but no assumptions about NaN or inf, and\n"
        "# no 'arcp': it turns 1/sqrt(x) into x86's rsqrt estimate (NaN at 0 and inf)\n"
        "FASTMATH = {'contract', 'reassoc'}\n\n\n"
        f"{decorator}\ndef kernel({signature}):\n" + "\n".join(body_lines) + "\n"
    )


def kernel_source(fused, modes, parallel):
    """Python source of the Numba kernel for a Fused op with these operand modes: a loop
    over the flattened output, or for a group ending in a reduction (a prologue), a loop
    nest that folds each element into an accumulator."""
    body, leaves, results = (fused._attrs[k] for k in ("body", "leaves", "results"))
    decorator = f'@njit(cache=True, error_model="numpy", parallel={parallel}, fastmath=FASTMATH)'
    loop = "prange" if parallel else "range"
    if body[-1].kind == REDUCE:
        return _reduce_source(body, leaves, modes, decorator, loop)
    params, code, names, header = _element_code(body, leaves, modes)
    outs = [f"out{r}" for r in range(len(results))]
    stores = [f"{o}[i] = {names[t]}" for o, t in zip(outs, results)]
    title = f"fused kernel: {len(body)} ops, operand modes {list(modes)}"
    if any(m in ("row", "col") for m in modes):
        lines = [f"    for r in {loop}(rows):", "        for c in range(columns):",
                 "            i = r * columns + c"]
        lines += ["            " + c for c in code + stores]
        sizes = ["rows", "columns"]
    else:
        lines = [f"    for i in {loop}(n):"] + ["        " + c for c in code + stores]
        sizes = ["n"]
    return _module(title, header, decorator, ", ".join(sizes + params + outs), lines)


_IDENTITY = {"zero": 0, "one": 1, "false": False, "true": True}


def _accumulator(dtype, identity):
    """(accumulator dtype, literal of the identity): floats sum in float64, ints in int64."""
    acc = np.dtype("float64" if dtype.is_floating else "bool" if dtype.is_bool else "int64")
    if identity in _IDENTITY:
        return acc, _literal(np.asarray(_IDENTITY[identity], acc))
    if acc.kind == "f":
        value = -np.inf if identity == "lowest" else np.inf
    else:
        info = np.iinfo(dtype.np)
        value = info.min if identity == "lowest" else info.max
    return acc, _literal(np.asarray(value, acc))


def _reduce_source(body, leaves, modes, decorator, loop):
    """``layout`` rows: out[r] folds i = r*k + j over j; cols: out[c] folds i = r*k + c."""
    from ..compiler.fuse import reduce_layout

    reduction = body[-1]
    step, identity, finish = reduction.opdef.combine
    params, code, names, header = _element_code(body[:-1], leaves, modes)
    x = names[reduction.inputs[0]]
    acc_dtype, start = _accumulator(reduction.inputs[0].dtype, identity)
    fold = step.format("acc", f"np.{acc_dtype.name}({x})")
    rows = reduce_layout(reduction) == "rows"
    index = "i = r * k + j" if rows else "i = j * k + r"
    done = "acc"
    if finish == "mean":
        done = "acc / count" if acc_dtype.kind == "f" else "int(acc / count)"
    lines = [f"    for r in {loop}(outer):", f"        acc = {start}",
             "        for j in range(count):", f"            {index}"]
    lines += ["            " + c for c in code]
    lines += [f"            acc = {fold}  # {reduction.type} '{reduction.name}'",
              f"        out0[r] = {done}"]
    header.append(f"  then {reduction.type} '{reduction.name}' over "
                  f"{'trailing' if rows else 'leading'} axes")
    title = f"fused reduction: {len(body)} ops, operand modes {list(modes)}"
    signature = ", ".join(["outer", "count", "k"] + params + ["out0"])
    return _module(title, header, decorator, signature, lines)
