"""Fused elementwise group -> numba.cuda kernel source (one line per original op).

The element code (operand reads by mode, one line per op) is ``scalar_code``'s, shared with
the CPU kernels; only the loops differ:

- elementwise: a grid-stride loop over the flat output; each thread handles ``UNROLL``
  elements per iteration, ``THREADS`` apart, so every load and store stays coalesced.
- reduction, rows layout (trailing axes): one block per (row, part); threads fold strided
  elements, then a shared-memory tree combines them.
- reduction, cols layout (leading axes): one thread per (column, part); neighbouring
  threads read neighbouring columns.

A large reduction splits each output into ``parts``: the first kernel writes partial
accumulators, the second (``combine``) folds them and finishes (a mean divides).
Operands of one element are read as ``a[0]`` (mode ``first``): they stay on the device.
"""

import hashlib
import os

from ...compiler.fuse import group as fused_group
from ..scalar_code import accumulator, element_code, faulting
from .env import is_simulator

# the simulator runs each thread as a Python thread: small blocks keep it quick
THREADS = 32 if is_simulator() else 256
UNROLL = 4

_SCALARS = os.path.join(os.path.dirname(__file__), "scalar.py")
with open(_SCALARS, "rb") as _f:
    _SCALARS_VERSION = hashlib.sha256(_f.read()).hexdigest()[:12]


def _module(title, header, body):
    return (
        f'"""graphflow CUDA {title}.\n' + "\n".join(header) + '\n"""\n'
        f"CUDA_SCALARS = {_SCALARS_VERSION!r}  # the cache key covers cuda/scalar.py\n"
        "import math  # noqa: F401\n\n"
        "import numpy as np  # noqa: F401\n\n"
        "from graphflow.backends.cuda.scalar import *  # noqa: F401, F403\n"
        "from graphflow.backends.cuda.scalar import cuda\n\n"
        f"THREADS = {THREADS}\nUNROLL = {UNROLL}\n\n\n" + body
    )


def kernel_source(fused, modes):
    """Source of a module whose ``kernel`` runs a Fused op with these operand modes (and,
    for a group ending in a reduction, whose ``combine`` folds partial results)."""
    group = fused_group(fused)
    if group.reduction is not None:
        return _reduce_source(group, modes)
    params, code, names, header = element_code(group.body, group.leaves, modes, CHECK)
    outs = [f"out{r}" for r in range(len(group.results))]
    stores = [f"{o}[i] = {names[t]}" for o, t in zip(outs, group.results)]
    # fastmath: flush-to-zero, approximate division, sqrt and exp (the W1 kernel measured
    # on an H200 ran 0.248 ms instead of 0.335 with it, max relative error 2e-6)
    lines = [
        "@cuda.jit(cache=True, fastmath=True)",
        f"def kernel({', '.join(['n'] + params + outs + _fault_param(group.body))}):",
        "    first = cuda.blockIdx.x * (THREADS * UNROLL) + cuda.threadIdx.x",
        "    for start in range(first, n, cuda.gridDim.x * (THREADS * UNROLL)):",
        "        for u in range(UNROLL):",
        "            i = start + u * THREADS",
        "            if i < n:",
    ] + ["                " + c for c in code + stores]
    title = f"fused kernel: {len(group.body)} ops, operand modes {list(modes)}"
    return _module(title, header, "\n".join(lines) + "\n")


# A member that may fault (integer division) flags an element it rejects, and the plan reads
# ``fault`` back after the launch (a kernel cannot raise); only such groups have the flag.
CHECK = "if {cond}: fault[0] = {m} + 1"


def _fault_param(body):
    """The flag a group with a faulting member writes: ``fault[0] = m + 1``."""
    return ["fault"] if faulting(body) else []


def _reduce_source(group, modes):
    reduction = group.reduction
    step, identity, finish = reduction.opdef.combine
    params, code, names, header = element_code(group.elementwise, group.leaves, modes, CHECK)
    x = names[reduction.inputs[0]]
    acc_dtype, start = accumulator(reduction.inputs[0].dtype, identity)
    acc = f"np.{acc_dtype.name}"
    fold = step.format("acc", f"{acc}({x})")
    done = "acc"
    if finish == "mean":
        done = "acc / count" if acc_dtype.kind == "f" else "int(acc / count)"
    rows = group.layout == "rows"
    what = f"{reduction.type} '{reduction.name}'"
    signature = ", ".join(["outer", "count", "k", "parts", "chunk"] + params + ["out0"]
                          + _fault_param(group.elementwise))
    store = ["if parts == 1:", f"    out0[r] = {done}", "else:", "    out0[slot] = acc"]
    if rows:  # out[r] folds i = r*k + j over j: a block per (row, part)
        lines = [
            f"    shared = cuda.shared.array(THREADS, {acc})",
            "    tid = cuda.threadIdx.x",
            "    for b in range(cuda.blockIdx.x, outer * parts, cuda.gridDim.x):",
            "        r = b // parts",
            "        slot = b",
            "        lo = (b - r * parts) * chunk",
            f"        acc = {start}",
            "        for j in range(lo + tid, min(lo + chunk, count), THREADS):",
            "            i = r * k + j",
        ] + ["            " + c for c in code] + [
            f"            acc = {fold}  # {what}",
        ] + _block_tree(step) + ["            " + s for s in store] + [
            "        cuda.syncthreads()  # shared is reused for the next row",
        ]
    else:  # out[c] folds i = j*k + c over j: a thread per (column, part)
        lines = [
            "    for b in range(cuda.grid(1), outer * parts, cuda.gridsize(1)):",
            "        p = b // outer",
            "        r = b - p * outer",
            "        slot = r * parts + p",
            f"        acc = {start}",
            "        for j in range(p * chunk, min(p * chunk + chunk, count)):",
            "            i = j * k + r",
        ] + ["            " + c for c in code] + [
            f"            acc = {fold}  # {what}",
        ] + ["        " + s for s in store]
    header.append(f"  then {what} over {'trailing' if rows else 'leading'} axes")
    source = "\n".join(["@cuda.jit(cache=True)", f"def kernel({signature}):"] + lines) + "\n"
    source += "\n\n" + _combine_source(step, start, acc, done)
    title = f"fused reduction: {len(group.body)} ops, operand modes {list(modes)}"
    return _module(title, header, source)


def _block_tree(step):
    """Fold the block's ``acc`` values in shared memory; thread 0 ends with the total."""
    return [
        "        shared[tid] = acc",
        "        cuda.syncthreads()",
        "        width = THREADS // 2",
        "        while width > 0:",
        "            if tid < width:",
        f"                shared[tid] = {step.format('shared[tid]', 'shared[tid + width]')}",
        "            cuda.syncthreads()",
        "            width //= 2",
        "        if tid == 0:",
        "            acc = shared[0]",
    ]


def _combine_source(step, start, acc, done):
    """out[r] = finish(fold of part[r*parts : (r+1)*parts]): one block per row."""
    lines = [
        "@cuda.jit(cache=True)",
        "def combine(outer, parts, count, part, out0):",
        f"    shared = cuda.shared.array(THREADS, {acc})",
        "    tid = cuda.threadIdx.x",
        "    for r in range(cuda.blockIdx.x, outer, cuda.gridDim.x):",
        f"        acc = {start}",
        "        for j in range(tid, parts, THREADS):",
        f"            acc = {step.format('acc', 'part[r * parts + j]')}",
    ] + _block_tree(step) + [
        f"            out0[r] = {done}",
        "        cuda.syncthreads()",
    ]
    return "\n".join(lines) + "\n"


def argument_types(fused, modes):
    """numba type names of the kernel's arguments after the sizes and before the results
    (for ahead-of-time PTX); ``fault_types`` follow the results."""
    types = []
    for leaf, mode in zip(fused_group(fused).leaves, modes):
        if mode == "const":
            types.append(_numba_name(leaf.dtype.np))
        elif mode != "literal":
            types.append(f"{_numba_name(leaf.dtype.np)}[::1]")
            if mode in ("suffix", "prefix"):
                types.append("int64")
    return types


def fault_types(fused):
    """numba type names of the arguments after a kernel's results: its fault flag, if any."""
    return ["int32[::1]"] if faulting(fused_group(fused).elementwise) else []


def _numba_name(dtype):
    return "boolean" if dtype.kind == "b" else dtype.name


BROADCAST_SOURCE = _module("broadcast copy", [], """\
@cuda.jit(cache=True)
def kernel(n, rank, dims, strides, a, out):
    # out[i] = a[sum of index * stride]: strides are 0 along broadcast dimensions
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        rest, at = i, 0
        for d in range(rank - 1, -1, -1):
            at += (rest % dims[d]) * strides[d]
            rest //= dims[d]
        out[i] = a[at]
""")
