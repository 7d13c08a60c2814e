"""Fused elementwise group -> readable Numba CPU kernel source (one line per original op).

The kernel loops once over the flattened output, reading each operand by its mode
(``scalar_code``). When every suffix operand spans the same trailing block and every
prefix operand the rows before it, the loop becomes a (rows, columns) nest and they read
``row``/``col`` (``a[c]``, ``a[r]``): no integer division per element, so it vectorizes.
"""

import hashlib
import os

from ...compiler.fuse import group as fused_group
from ..scalar_code import accumulator, element_code, faulting

_SCALARS = os.path.join(os.path.dirname(__file__), "numba_scalar.py")
with open(_SCALARS, "rb") as _f:
    _SCALARS_VERSION = hashlib.sha256(_f.read()).hexdigest()[:12]

# the fastmath flags of every kernel (numba_scalar's error bounds are measured under them)
FASTMATH = ("contract", "reassoc")


def _module(title, header, decorator, signature, body_lines, faults=()):
    imports = "from graphflow.ops.base import Faulted\n" if faults else ""
    return (
        f'"""graphflow {title}.\n' + "\n".join(header) + '\n"""\n'
        "import math  # noqa: F401\n\n"
        "import numpy as np  # noqa: F401\n"
        "from numba import njit, prange  # noqa: F401\n\n"
        f"NUMBA_SCALARS = {_SCALARS_VERSION!r}  # the cache key covers numba_scalar.py\n"
        "from graphflow.backends.cpu.numba_scalar import *  # noqa: F401, F403\n"
        f"{imports}\n"
        "# contraction into FMAs and reassociation, but no assumptions about NaN or inf, and\n"
        "# no 'arcp': it turns 1/sqrt(x) into x86's rsqrt estimate (NaN at 0 and inf)\n"
        f"FASTMATH = {{{', '.join(map(repr, FASTMATH))}}}\n\n\n"
        f"{decorator}\ndef kernel({signature}):\n" + "\n".join(body_lines) + "\n"
    )


def kernel_source(fused, modes, parallel):
    """Python source of the Numba kernel for a Fused op with these operand modes: a loop
    over the flattened output, or for a group ending in a reduction (a prologue), a loop
    nest that folds each element into an accumulator."""
    group = fused_group(fused)
    decorator = f'@njit(cache=True, error_model="numpy", parallel={parallel}, fastmath=FASTMATH)'
    loop = "prange" if parallel else "range"
    if group.reduction is not None:
        return _reduce_source(group, modes, decorator, loop)
    params, code, names, header = element_code(group.body, group.leaves, modes, CHECK)
    outs = [f"out{r}" for r in range(len(group.results))]
    stores = [f"{o}[i] = {names[t]}" for o, t in zip(outs, group.results)]
    title = f"fused kernel: {len(group.body)} ops, operand modes {list(modes)}"
    if any(m in ("row", "col") for m in modes):
        lines = [f"    for r in {loop}(rows):", "        for c in range(columns):",
                 "            i = r * columns + c"]
        lines += ["            " + c for c in code + stores]
        sizes = ["rows", "columns"]
    else:
        lines = [f"    for i in {loop}(n):"] + ["        " + c for c in code + stores]
        sizes = ["n"]
    faults = faulting(group.body)
    lines = _counters(faults) + lines + _raises(faults)
    return _module(title, header, decorator, ", ".join(sizes + params + outs), lines, faults)


# A member that may fault (integer division) counts the elements it rejects: a sum is a
# reduction prange runs in parallel, and the kernel raises after the loop. Kernels of other
# groups (every float one) are unchanged.
CHECK = "f{m} += {cond}"


def _counters(faults):
    return [f"    f{m} = 0" for m, _ in faults]


def _raises(faults):
    return [line for m, op in faults for line in (
        f"    if f{m}:", f"        raise Faulted({op.opdef.fault.message!r}, {m})")]


def _reduce_source(group, modes, decorator, loop):
    """``layout`` rows: out[r] folds i = r*k + j over j; cols: out[c] folds i = r*k + c."""
    reduction = group.reduction
    step, identity, finish = reduction.opdef.combine
    params, code, names, header = element_code(group.elementwise, group.leaves, modes, CHECK)
    x = names[reduction.inputs[0]]
    acc_dtype, start = accumulator(reduction.inputs[0].dtype, identity)
    fold = step.format("acc", f"np.{acc_dtype.name}({x})")
    rows = group.layout == "rows"
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
    title = f"fused reduction: {len(group.body)} ops, operand modes {list(modes)}"
    signature = ", ".join(["outer", "count", "k"] + params + ["out0"])
    faults = faulting(group.elementwise)
    lines = _counters(faults) + lines + _raises(faults)
    return _module(title, header, decorator, signature, lines, faults)
