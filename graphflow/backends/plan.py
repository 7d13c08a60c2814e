"""The execution skeleton shared by the compiled backends (CPU and CUDA plans).

A Plan is a compiled Program run step by step; what a step needs to know about the
program (what it reads, what dies after it, which constants are inlined into kernels)
is worked out here once, the same for every backend.
"""

import math

from ..compiler.fuse import FUSED, reduce_layout
from ..ops import base
from ..ops.sources import CONST


def reduction_layout(op, shape):
    """For a Fused op ending in a reduction, over a loop of ``shape``: the kernel's sizes
    ``(outer, count, k)`` and the result's shape; None if the kernel cannot run it."""
    reduction = op._attrs["body"][-1]
    rank = len(shape)
    if rank != reduction.inputs[0].shape.ndims:
        return None
    axis = reduction._attrs["axis"]
    axes = range(rank) if axis is None else axis
    a = len(axes)
    if reduce_layout(reduction) == "rows":
        outer, count = math.prod(shape[:rank - a]), math.prod(shape[rank - a:])
        k = count
    else:
        count, outer = math.prod(shape[:a]), math.prod(shape[a:])
        k = outer
    if reduction._attrs["keepdims"]:
        out_shape = [1 if i in axes else d for i, d in enumerate(shape)]
    else:
        out_shape = [d for i, d in enumerate(shape) if i not in axes]
    return (outer, count, k), out_shape



def pipeline_lines(report):
    """``explain``'s first part: each pass with the op counts by kind before and after."""
    return ["pipeline:"] + [f"  {name:<20} {op_counts(before):<40} -> {op_counts(after)}"
                            for name, before, after in report]


def dying_after(program):
    """Per op of the program: the tensors whose last reader it is (fetches never die)."""
    last = {}
    for i, op in enumerate(program.ops):
        for t in op.inputs:
            last[t] = i
    for t in program.outputs:
        last[t] = len(program.ops)
    dying = [[] for _ in program.ops]
    for t, i in last.items():
        if i < len(program.ops):
            dying[i].append(t)
    return dying


def read_tensors(op):
    """The op's inputs as a run reads them: None in place of an assignment's target."""
    reads = [None] * len(op.inputs)
    for j, t in base.read_inputs(op):
        reads[j] = t
    return tuple(reads)



def inlined_constant(op, program):
    if op.opdef is not CONST or op._attrs["value"].size != 1:
        return False
    readers = [c for c in program.ops if op.outputs[0] in c.inputs]
    return all(c.opdef is FUSED for c in readers) and op.outputs[0] not in program.outputs


def op_counts(counts):
    return "-" if counts is None else ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


