"""CUDA reductions: every REDUCE op whose OpDef has a ``combine`` (Sum, Mean, Max, Min,
Prod, Any, All), and ArgMax, ArgMin, SumToShape.

A ``combine`` says all a kernel needs: its step expression, in the scalar language of the
fused kernels, becomes the device function that folds an element (or a partial result)
into an accumulator; its identity starts the accumulator; its finish "mean" divides by
the count.

Floats accumulate in float64 and integers/bools in int64, then round once to the output
dtype (the CPU kernels do the same). Two layouts:

- the innermost input axis is reduced over at least TREE_MIN elements: one block per output
  element, threads stride over the reduced elements (coalesced), then a shared-memory tree
  and a warp-shuffle stage (the simulator has no shuffles: the tree goes down to one);
  The same kernel, with strided reads, serves reductions to few outputs (COLUMN_MIN_OUTPUTS);
- otherwise, e.g. the innermost axis is kept (a bias gradient sums over the batch axis):
  one thread per output element loops over the reduced elements; neighbouring threads read
  neighbouring addresses, so the loads coalesce without a transpose.

ArgMax/ArgMin always use one thread per output (their axis is usually short, e.g. classes).
"""

import functools
import math

import numpy as np

from ...ops.base import REDUCE, REGISTRY
from ...ops.broadcast import SUM_TO
from ...ops.reduce import ARGMAX, ARGMIN, SUM
from ...shapes import run_axis
from ..scalar_code import identity_value
from .grid import (
    c_strides,
    cuda_module,
    element_grid,
    host_ints,
    nonempty,
    simulated,
)

REDUCE_THREADS = 256  # threads per block of the tree kernel (a power of two >= 64)
# Fewer reduced elements than this (e.g. a row of class logits) take one thread per output
# even along the innermost axis: a block would leave most of its threads idle.
TREE_MIN = 64
# With fewer outputs than this, one thread per output would leave the GPU idle (a conv bias
# gradient: 32 outputs of 10^5 elements each): those take a block each, strided reads.
COLUMN_MIN_OUTPUTS = 8192
_WARP = 32


# numba.cuda, bound when the first kernel is built; a module global, as the simulator
# swaps the kernels' global ``cuda`` for its fake module
cuda = None


def _bind():
    global cuda
    cuda = cuda_module()


@functools.cache
def _step(expression):
    """The device function ``step(acc, x)`` of a combine's step expression, such as
    ``"maximum({0}, {1})"``, whose names the fused kernels' scalar library binds
    (``maximum``: NaN wins, as np.max)."""
    _bind()
    from . import scalar

    namespace = {name: getattr(scalar, name) for name in scalar.__all__}
    source = f"def step(acc, x):\n    return {expression.format('acc', 'x')}\n"
    exec(compile(source, f"<combine step {expression}>", "exec"), namespace)
    return cuda.jit(device=True)(namespace["step"])


@functools.cache
def _helpers():
    _bind()

    @cuda.jit(device=True)
    def offset(i, shape, strides):
        """The element offset of linear index i of ``shape`` in a ``strides`` layout."""
        off = 0
        for k in range(len(shape) - 1, -1, -1):
            off += (i % shape[k]) * strides[k]
            i //= shape[k]
        return off

    @cuda.jit(device=True)
    def keep(acc, count):
        return acc

    @cuda.jit(device=True)
    def float_mean(acc, count):
        return acc / count if count else acc * np.nan

    @cuda.jit(device=True)
    def int_mean(acc, count):
        """Truncated toward zero, as TF1's integer mean."""
        c = max(count, 1)
        q = acc // c
        if q < 0 and q * c != acc:
            q += 1
        return q

    return offset, (keep, float_mean, int_mean)


@functools.cache
def _tree_kernel(step_expression, acc_dtype, threads, shuffle, mode):
    _bind()
    from numba import from_dtype

    offset, finishes = _helpers()
    finish = finishes[mode]
    step = _step(step_expression)
    acc_type = from_dtype(np.dtype(acc_dtype))
    stop = _WARP // 2 if shuffle else 0

    @cuda.jit
    def kernel(x, out, n_out, kept_shape, kept_strides, red_shape, red_strides, count,
               identity):
        buf = cuda.shared.array(threads, acc_type)
        tid = cuda.threadIdx.x
        for o in range(cuda.blockIdx.x, n_out, cuda.gridDim.x):
            base = offset(o, kept_shape, kept_strides)
            acc = identity
            for r in range(tid, count, threads):
                acc = step(acc, x[base + offset(r, red_shape, red_strides)])
            buf[tid] = acc
            cuda.syncthreads()
            width = threads // 2
            while width > stop:
                if tid < width:
                    buf[tid] = step(buf[tid], buf[tid + width])
                cuda.syncthreads()
                width //= 2
            if shuffle:
                if tid < _WARP:
                    acc = buf[tid]
                    lane = _WARP // 2
                    while lane > 0:
                        acc = step(acc, cuda.shfl_down_sync(0xFFFFFFFF, acc, lane))
                        lane //= 2
            else:
                acc = buf[0]
            if tid == 0:
                out[o] = finish(acc, count)
            cuda.syncthreads()  # buf is reused by the next output

    return kernel


@functools.cache
def _column_kernel(step_expression, mode):
    _bind()
    offset, finishes = _helpers()
    finish = finishes[mode]
    step = _step(step_expression)

    @cuda.jit
    def kernel(x, out, n_out, kept_shape, kept_strides, red_shape, red_strides, count,
               identity):
        for o in range(cuda.grid(1), n_out, cuda.gridsize(1)):
            base = offset(o, kept_shape, kept_strides)
            acc = identity
            for r in range(count):
                acc = step(acc, x[base + offset(r, red_shape, red_strides)])
            out[o] = finish(acc, count)

    return kernel


@functools.cache
def _arg_kernel(largest):
    _bind()
    offset, _ = _helpers()

    @cuda.jit
    def kernel(x, out, n_out, kept_shape, kept_strides, stride, count):
        """The first index of the max (min) along one axis; a NaN wins, as np.argmax."""
        for o in range(cuda.grid(1), n_out, cuda.gridsize(1)):
            base = offset(o, kept_shape, kept_strides)
            best = x[base]
            where = 0
            for r in range(1, count):
                v = x[base + r * stride]
                if best != best:
                    break
                if v != v or (v > best if largest else v < best):
                    best = v
                    where = r
            out[o] = where

    return kernel


def _split_axes(shape, axes):
    """(kept shape, kept strides, reduced shape, reduced strides) of a C-contiguous input.
    Neighbouring axes that are both kept (or both reduced) merge into one: fewer of the
    64-bit divisions that turn a linear index into an offset."""
    strides = c_strides(shape)
    groups = {True: [], False: []}
    previous = None
    for i, (d, s) in enumerate(zip(shape, strides)):
        reduced = i in axes
        group = groups[reduced]
        if previous == reduced:  # merge with the axis before: same kind, contiguous
            group[-1] = (group[-1][0] * d, s)
        else:
            group.append((d, s))
        previous = reduced
    kept, red = groups[False], groups[True]
    return (*nonempty([d for d, _ in kept], [s for _, s in kept]),
            *nonempty([d for d, _ in red], [s for _, s in red]))


def reduce_into(x, out, axes, combine):
    """Reduce device array ``x`` over ``axes`` into the C-contiguous ``out`` (whose elements
    are the kept axes in order, keepdims or not) with ``combine``, an OpDef's
    ``(step, identity, finish)``."""
    step, identity, finish = combine
    axes = {a % x.ndim for a in axes} if x.ndim else set()
    kept_shape, kept_strides, red_shape, red_strides = _split_axes(x.shape, axes)
    n_out, count = out.size, math.prod(x.shape[a] for a in axes)
    if not n_out:
        return out
    floating = x.dtype.kind == "f"
    acc_dtype = np.float64 if floating else np.int64
    identity = identity_value(identity, np.dtype(x.dtype))
    identity = float(identity) if floating else int(identity)
    mode = _FINISHES[finish][0 if floating else 1]
    args = (x.reshape(x.size), out.reshape(n_out), n_out, kept_shape, kept_strides, red_shape,
            red_strides, count, identity)
    innermost = x.ndim and (x.ndim - 1) in axes
    if count >= TREE_MIN and (innermost or n_out < COLUMN_MIN_OUTPUTS):
        threads = REDUCE_THREADS
        kernel = _tree_kernel(step, acc_dtype, threads, not simulated(), mode)
        kernel[min(n_out, 65535), threads](*args)
    else:
        _column_kernel(step, mode)[element_grid(n_out)](*args)
    return out


# a combine's finish -> the device finish (of ``_helpers``) for float and integer inputs
_FINISHES = {None: (0, 0), "mean": (1, 2)}


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def launch_reduction(op, args, alloc):
    """A REDUCE op with a ``combine``, over its ``axis`` (None: all)."""
    (x,) = args
    axis = op._attrs["axis"]
    axes = set(range(x.ndim)) if axis is None else {run_axis(a, x.ndim) for a in axis}
    out = alloc(_reduced_shape(x.shape, axes, op._attrs["keepdims"]), x.dtype)
    return [reduce_into(x, out, axes, op.opdef.combine)]


def _arg_reduction(largest):
    def launch(op, args, alloc):
        (x,) = args
        axis = run_axis(op._attrs["axis"][0], x.ndim)
        if x.shape[axis] == 0:
            raise ValueError(f"{op.type} of an empty axis")
        out = alloc(_reduced_shape(x.shape, {axis}, False), op._attrs["output_type"].np)
        if out.size:
            kept_shape, kept_strides, _, _ = _split_axes(x.shape, {axis})
            _arg_kernel(largest)[element_grid(out.size)](
                x.reshape(x.size), out.reshape(out.size), out.size, kept_shape, kept_strides,
                c_strides(x.shape)[axis], x.shape[axis])
        return [out]

    return launch


def launch_sum_to_shape(op, args, alloc):
    """SumToShape: sum over the axes broadcasting added or stretched."""
    g, target = args
    target = host_ints(target)
    lead = g.ndim - len(target)
    axes = set(range(lead)) | {lead + i for i, d in enumerate(target)
                               if d == 1 and g.shape[lead + i] != 1}
    return [reduce_into(g, alloc(target, g.dtype), axes, SUM.combine)]


# every reduction declared with a combine: graphflow's __init__ imports all op modules, so
# all are registered before a backend loads
LAUNCHERS = {opdef: launch_reduction for opdef in REGISTRY.values()
             if opdef.kind == REDUCE and opdef.combine is not None}
LAUNCHERS.update({ARGMAX: _arg_reduction(True), ARGMIN: _arg_reduction(False),
                  SUM_TO: launch_sum_to_shape})
