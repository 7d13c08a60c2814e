"""Fused elementwise group -> readable kernel source (one line per original op).

The kernel loops once over the flattened output. Each operand is read by *mode*,
decided from the run-time shapes (never the sizes, so a new batch size reuses it):

- ``full``: same shape as the loop, ``a[i]``
- ``scalar``: one element, passed as a number
- ``suffix``: broadcast along leading dims (a bias row), ``a[i % k]``
- ``prefix``: broadcast along trailing dims (a keepdims column), ``a[i // k]``
- ``const``: a one-element constant, written into the source as a literal
"""

import re

import numpy as np

_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*|\d+)(?![\w.])")
READ = {
    "full": "{a}[i]",
    "suffix": "{a}[i % {k}]",
    "prefix": "{a}[i // {k}]",
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


def kernel_source(fused, modes, parallel):
    """Python source of the Numba kernel for a Fused op with these operand modes."""
    body, leaves, results = (fused._attrs[k] for k in ("body", "leaves", "results"))
    params, reads, names = ["n"], [], {}
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
    lines, header = [], []
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
    outs = [f"out{r}" for r in range(len(results))]
    stores = [f"{o}[i] = {names[t]}" for o, t in zip(outs, results)]
    loop = "prange" if parallel else "range"
    inner = "\n".join("        " + line for line in reads + lines + stores)
    return (
        f'"""graphflow fused kernel: {len(body)} ops, operand modes {list(modes)}.\n'
        + "\n".join(header) + '\n"""\n'
        "import math  # noqa: F401\n\n"
        "import numpy as np  # noqa: F401\n"
        "from numba import njit, prange  # noqa: F401\n\n"
        "from graphflow.backends.numba_scalar import *  # noqa: F401, F403\n\n"
        "# contraction into FMAs and reassociation, but no assumptions about NaN or inf\n"
        "FASTMATH = {'contract', 'reassoc', 'arcp'}\n\n\n"
        f'@njit(cache=True, error_model="numpy", parallel={parallel}, fastmath=FASTMATH)\n'
        f"def kernel({', '.join(params + outs)}):\n"
        f"    for i in {loop}(n):\n{inner}\n"
    )
