"""Plain SGD updates done by the GEMM that computes their gradient, in place (replays).

``w -= lr * x.T @ g`` is two passes on the dynamic path: the GEMM writes the gradient, then
a kernel reads it and ``w`` to write the new value. GEMM computes ``C = alpha * A @ B +
beta * C``; with ``beta = 1`` and ``C = w`` the product lands in the weights themselves
(``blas.gemm_update``). A replay does that where it is safe to write ``w`` where it
stands (``find``): nothing after the GEMM can fail, nothing after it reads ``w`` but the
update, ``w`` is not fetched, and at run time the array is the replay's own with no other
references (``Updates.apply``).
"""

import re
import sys
import weakref

import numpy as np

from ...compiler.fuse import FUSED
from ...compiler.fuse import group as fused_group
from ...ops import base
from . import blas
from .recycler import root

# kinds of steps that cannot fail in a replay (fixed shapes and buffers): a variable may be
# updated in place only when nothing after the update can fail (a failed replay is run again
# from the start, and must find every variable as it was)
CANNOT_FAIL = (base.VARIABLE, base.CONTROL, base.ASSIGN, base.ELEMENTWISE, base.CONTRACTION,
               base.REDUCE, base.SOURCE, base.SHAPE, base.WINDOW, base.FUSED)
# the placeholder ``step`` leaves for the reference count, filled in by the replay's compile
REFERENCES = re.compile(r"<references at step (\d+) to (\d+)>")


class _Fold:
    """A plain SGD update ``w - scale * op(a) @ op(b)`` done by the GEMM in place."""

    def __init__(self, update, var, scale, sign, transposes, array):
        self.update, self.var, self.scale, self.sign = update, var, scale, sign
        self.transposes, self.array = transposes, array  # array: id of the traced value


def find(plan, trace):
    """``{MatMul op: _Fold}`` for the GEMMs whose only reader is a variable's update
    ``w -/+ [scale *] product`` and that may write the variable in place: every step after
    the GEMM cannot fail, and nothing after it reads the variable's array (or a view of it)
    but the update."""
    steps = [(step.op, step.reads) for step in plan.steps]
    last_unsafe = max((i for i, step in enumerate(plan.steps) if step.faults
                       or step.op.kind not in CANNOT_FAIL
                       or any(t in trace.varying for t in step.op.outputs)), default=-1)
    producer = {t: i for i, (op, *_) in enumerate(steps) for t in op.outputs}
    readers = {}
    for i, (_, reads, *_) in enumerate(steps):
        for t in reads:
            readers.setdefault(t, []).append(i)
    fetched = {id(root(trace[t])) for t in plan.program.outputs if t in trace}
    folds = {}
    for i, (op, reads, *_) in enumerate(steps):
        var = plan.stored_vars.get(op.outputs[0]) if op.outputs else None
        form = _sgd_form(op) if var is not None and op.opdef is FUSED else None
        if form is None:
            continue
        outer = dict(zip(fused_group(op).leaves, reads))  # the body's inputs -> the step's
        w, g, sign = outer[form[0]], outer[form[1]], form[3]
        scale = None if form[2] is None else outer[form[2]]
        m = producer.get(g)
        if m is None or m <= last_unsafe or readers.get(g) != [i] or w not in trace \
                or g in plan.program.outputs:  # (a fetched product is not the update's alone)
            continue
        mm, mm_reads = steps[m][:2]
        if mm.type != "MatMul" or set(mm._attrs) != {"transpose_a", "transpose_b"} or (
                w.op.kind != base.VARIABLE or w.op.origin is not var):
            continue
        a, b = (trace.get(t) for t in mm_reads)
        value = trace[w]
        if (a is None or b is None or a.ndim != 2 or b.ndim != 2 or trace[g].shape != value.shape
                or not blas.available(value.dtype) or not a.dtype == b.dtype == value.dtype
                or not _scalar_scale(scale, trace, value)):
            continue
        others = [t for j, (_, later, *_) in enumerate(steps[m:], m) if j != i
                  for t in later if t in trace]
        if id(root(value)) in fetched | {id(root(trace[t])) for t in others} or any(
                o.kind == base.ASSIGN and o.inputs[0].op.origin is var for o, *_ in steps[:i]):
            continue
        folds[mm] = _Fold(op, var, scale, sign,
                          (mm._attrs["transpose_a"], mm._attrs["transpose_b"]), id(root(value)))
    return folds


def _sgd_form(op):
    """``(w, g, scale or None, sign)`` when a fused group computes ``w + sign * scale * g``
    (``Sub``/``Add`` of a ``Mul`` by a scalar, or of ``g`` itself), else None."""
    body = fused_group(op).body
    last = body[-1]
    if last.type not in ("Sub", "Add") or len(body) > 2:
        return None
    sign = -1.0 if last.type == "Sub" else 1.0
    w, g = last.inputs
    if len(body) == 1:
        return w, g, None, sign
    mul = body[0]
    if mul.type != "Mul" or g is not mul.outputs[0]:
        return None
    scale, g = mul.inputs
    if scale.shape.num_elements() != 1:
        scale, g = g, scale
    return w, g, scale, sign


def _scalar_scale(scale, trace, like):
    if scale is None:
        return True
    value = trace.get(scale, scale.op._attrs.get("value"))
    return isinstance(value, np.ndarray) and value.size == 1 and value.dtype == like.dtype


def step(gen, op, reads, fold):
    """The MatMul line, made the variable's update: ``w += alpha * op(a) @ op(b)``."""
    if fold.scale is None:
        alpha = repr(fold.sign)
    elif fold.scale not in gen.names or gen.is_static(fold.scale):  # inlined or static
        value = gen.namespace[gen.names[fold.scale]] if fold.scale in gen.names else \
            fold.scale.op._attrs["value"]
        alpha = repr(fold.sign * float(value.reshape(-1)[0]))
    else:  # a value computed per run: the step reads it
        alpha = f"{'-' if fold.sign < 0 else ''}{gen.name(fold.scale)}.item()"
        gen.steps[-1].inputs.append(fold.scale)
    slot = gen.updates.add(fold.var)
    a, b = (gen.name(t) for t in reads)
    gen.line(f"# and {fold.update.name!r}, in place: {fold.var.name} += alpha * this product")
    # the references the variable's array may have: the session's, apply's own two, and the
    # replay's names that still hold it (counted once the live lines are known)
    refs = f"<references at step {len(gen.steps) - 1} to {fold.array}>"
    gen.dynamic(op.outputs[0], f"{gen.constant(gen.updates.apply)}({slot}, {alpha}, {a}, {b}, "
                               f"{fold.transposes[0]}, {fold.transposes[1]}, {refs}, state)")
    gen.kept[op.outputs[0]] = False
    gen.folded[fold.update.outputs[0]] = op.outputs[0]
    gen.steps[-1].removable = False


class Updates:
    """Variables a replay updates in place (see ``find``). Only an array the replay
    made itself is written: the first run copies the variable's value (it may be a
    constant's array or one the user passed in), and that copy, once committed, is updated
    in place from then on, while nothing else refers to it (a reference count more than the
    session's and the replay's own names: another variable was assigned from it)."""

    def __init__(self):
        self.variables, self.owned = [], []

    def add(self, var):
        self.variables.append(var)
        self.owned.append(None)
        return len(self.variables) - 1

    def apply(self, slot, alpha, a, b, transpose_a, transpose_b, references, state):
        w = state.current(self.variables[slot])
        owned = self.owned[slot]
        # a session run from several threads (a reader there takes no lock), or more
        # references than the session's, the replay's own names', this name and
        # getrefcount's argument: another variable (an assign of w) or a pending value holds it
        if (state.session.shared or owned is None or owned() is not w
                or not w.flags.c_contiguous
                or sys.getrefcount(w) != references + 2):
            w = np.array(w, order="C")
            self.owned[slot] = weakref.ref(w)
        blas.gemm_update(w, alpha, a, b, transpose_a, transpose_b)
        return w
