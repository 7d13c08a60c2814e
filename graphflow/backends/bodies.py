"""Values of control-flow bodies, as the execution skeleton handles them: which outputs of
a nested op a plan reads, the arrays a value holds buffers through (a loop's per-iteration
values), copies of what must outlive a body's run, and ``HostArrays``, how a drive reads,
makes and sums values of a backend that keeps them in NumPy arrays."""

import numpy as np

from ..ops.base import NESTED


def needed_outputs(ops, fetched):
    """{nested op: per output, whether an op of ``ops`` or a fetch reads it}: a loop whose
    gradient does not run keeps no per-iteration values."""
    read = set(fetched).union(*(op.inputs for op in ops))
    return {op: tuple(t in read for t in op.outputs) for op in ops if op.kind == NESTED}


def parts(value):
    """The arrays a value holds buffers through: itself, or a loop's per-iteration values
    (an object array of arrays: the first iteration's may be the loop's input as it is,
    a pool buffer of the run that must outlive the gradient that reads it)."""
    if isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 1:
        return value
    return (value,)


def detached(sub, live, value):
    """``value``, or a copy of each of its parts (``parts``) that is a pool buffer of the
    run ``live`` of the plan ``sub``."""
    if id(sub.owner(value)) in live:
        return sub.detach(value)
    held = parts(value)
    if held is value and any(id(sub.owner(v)) in live for v in held):
        out = np.empty(len(held), object)
        for i, v in enumerate(held):
            out[i] = sub.detach(v) if id(sub.owner(v)) in live else v
        return out
    return value


class HostArrays:
    """How a control-flow op's drive handles values (``run_body.arrays``), for backends
    whose values are NumPy arrays: ``host(v)`` reads one (a predicate, a count),
    ``device(a)`` puts a NumPy array where the backend keeps values, ``add(a, b)`` sums
    two (gradients over iterations)."""

    host = staticmethod(np.asarray)

    @staticmethod
    def device(a):
        return a

    @staticmethod
    def add(total, term, in_place=False):
        """``total + term``; ``in_place``: into ``total`` (an earlier sum, no one else's)."""
        if in_place and total.shape == np.broadcast_shapes(total.shape, np.shape(term)):
            return np.add(total, term, out=total)
        return np.asarray(np.add(total, term))
