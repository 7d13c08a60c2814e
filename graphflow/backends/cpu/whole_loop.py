"""A while loop of scalars compiled whole: one Numba function with the iteration inside.

When every tensor of a loop's condition and body is a scalar (shape ``[]``) made by an
elementwise op with a scalar template, from the loop variables, the captured values and
constants, the loop needs no Python per iteration: its condition and body become lines of
one generated function (the same scalar language as fused kernels), and the While step
calls it once. Other loops run their bodies as sub-plans, one call per iteration;
``why_not`` says why, for ``Plan.explain()``.
"""

import numpy as np

from ... import subgraph
from ...ops import base
from ...ops.sources import CONST
from ..kernel_cache import load_kernel
from ..scalar_code import literal, scalar_line
from .codegen import _module

BUDGET = 1 << 22  # iterations per kernel call (a few ms for a small body)


def why_not(loop, needed=None):
    """None if ``loop`` (a While op's ``loop`` attr) can be compiled whole, else why not;
    ``needed``: which of the op's outputs the plan reads (None: all)."""
    nv = len(loop.placeholders)
    if loop.saved and (needed is None or any(needed[nv:nv + len(loop.saved)])):
        return "its gradient needs per-iteration values (they are stacked from Python)"
    for t in loop.feeds():  # the loop variables and the captures it reads
        if t.shape.ndims != 0 or not (t.dtype.is_numeric or t.dtype.is_bool):
            return f"the loop carries or reads {t.name!r} of shape {t.shape}, not a scalar"
        if t.dtype.name == "float16":
            return "a float16 value (Numba has no float16 arithmetic)"
    cond_ops, body_ops = _parts(loop)
    for op in cond_ops + [op for op in body_ops if op not in cond_ops]:
        if op.kind == base.PLACEHOLDER:
            continue
        if op.opdef is CONST and op._attrs["value"].size == 1:
            continue
        if op.kind != base.ELEMENTWISE or op.opdef.scalar is None or op.opdef.fault is not None:
            return f"its {op.type} op {op.name!r} is not a scalar elementwise op"
        if any(t.shape.ndims != 0 for t in (*op.inputs, *op.outputs)):
            return f"its {op.type} op {op.name!r} works on arrays, not scalars"
        if any(t.dtype.name == "float16" for t in op.outputs):
            return "a float16 value (Numba has no float16 arithmetic)"
    return None


def _parts(loop):
    """The ops of the loop's condition and of its body, in execution order."""
    feeds = loop.feeds()
    return (subgraph.extract_body((loop.pred,), feeds).ops,
            subgraph.extract_body(tuple(loop.results), feeds).ops)


def source(loop):
    """The generated function ``kernel(v0.., c0.., budget) -> (v0.., count, done)``: at
    most ``budget`` iterations per call, so that the caller can take Ctrl-C between
    calls (Numba code does not look at signals)."""
    feeds = loop.feeds()
    names = {t: f"v{j}" for j, t in enumerate(loop.placeholders)}
    names.update({t: f"c{k}" for k, t in enumerate(feeds[len(loop.placeholders):])})
    cond_ops, body_ops = _parts(loop)
    lines, header = [], []
    cond_code, cond_names = _lines(cond_ops, names, "p", header)
    body_code, body_names = _lines(body_ops, names, "b", header)
    lines.append("    count = 0")
    targets = [names[p] for p in loop.placeholders]
    lines.append("    while count < budget:")
    lines += ["        " + c for c in cond_code]
    lines.append(f"        if not {cond_names[loop.pred]}:")
    lines.append(f"            return {', '.join(targets)}, count, True")
    lines += ["        " + c for c in body_code]
    results = [body_names[t] for t in loop.results]
    casts = [f"np.{p.dtype.np.name}({r})" if not p.dtype.is_bool else f"bool({r})"
             for p, r in zip(loop.placeholders, results)]
    lines.append(f"        {', '.join(targets)}, = {', '.join(casts)},")
    lines.append("        count += 1")
    lines.append(f"    return {', '.join(targets)}, count, False")
    params = ", ".join([names[p] for p in loop.placeholders] +
                       [f"c{k}" for k in range(len(feeds) - len(loop.placeholders))] +
                       ["budget"])
    # no 'reassoc': across iterations it regroups a loop-carried sum (v + 0.1 ten thousand
    # times in float32 ends at 1000.0015, not NumPy's 999.9029)
    decorator = '@njit(cache=True, error_model="numpy", fastmath={"contract"})'
    title = f"while loop '{loop.graph.scope}' compiled whole: condition and body, {len(header)} ops"
    return _module(title, header, decorator, params, lines)


def _lines(ops, names, prefix, header):
    """One line per op of a scalar body (constants become literals), and every tensor's
    name in the generated code."""
    names = dict(names)
    code = []
    for m, op in enumerate(ops):
        if op.kind == base.PLACEHOLDER:
            continue
        if op.opdef is CONST:
            names[op.outputs[0]] = literal(op._attrs["value"])
            continue
        code.append(scalar_line(op, names, f"{prefix}{m}"))
        names[op.outputs[0]] = f"{prefix}{m}"
        header.append(f"  {prefix}{m}: {op.type} '{op.name}'")
    return code, names


class WholeLoop:
    """A compiled whole loop: ``run(values) -> final loop values`` (NumPy scalars)."""

    def __init__(self, loop):
        self.loop = loop
        self.source = source(loop)
        self.key, self.kernel = load_kernel(self.source)

    def run(self, values):
        loop = self.loop
        nv = len(loop.placeholders)
        args = [_scalar(v, p) for v, p in zip(values[:nv], loop.placeholders)]
        feeds = loop.feeds()[nv:]
        args += [_scalar(values[nv + k], t) for k, t in zip(loop.fed, feeds)]
        count = 0
        while True:  # chunks of iterations: Python between them takes Ctrl-C
            out = self.kernel(*args, BUDGET)
            count += out[nv]
            if out[nv + 1]:
                break
            args[:nv] = [_scalar(v, p) for v, p in zip(out[:nv], loop.placeholders)]
        values = [np.asarray(v, p.dtype.np) for v, p in zip(out[:nv], loop.placeholders)]
        if not loop.ready:
            return values
        # nothing reads the per-iteration values (why_not): empty; then the count
        return values + [np.zeros(0, t.dtype.np) for t in loop.saved] + [np.int32(count)]


def _scalar(value, t):
    return t.dtype.np.type(np.asarray(value).reshape(()))
