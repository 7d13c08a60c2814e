"""Device kernels of the numba.cuda backend for every op that is not elementwise.

``LAUNCHERS[opdef](op, args, alloc) -> [device array per output]``: ``args`` are
C-contiguous device arrays (None for an input the plan does not read), except the inputs
the op's OpDef lists in ``shape_inputs`` (small int vectors: target shapes, split sizes, a
limit), which the plan passes as host NumPy arrays. Launchers allocate outputs and scratch
only through ``alloc(shape, dtype)``, compute run-time shapes from the inputs' concrete
shapes, and never copy to the host, except two documented cases that must: CheckIndices
reads back one flag (to raise the reference's error) and Where reads back the number of
true elements (its output shape). The launcher of an op whose OpDef says
``same_elements`` returns a view of its input 0 (no copy): the plan finds the buffer a
view lives in by its address, and recycles it only when no tensor reads it. The kernels
live in one module per family; each op's semantics are its NumPy ``reference`` (the
tests' oracle).
"""

from . import conv, index, matmul, movement, reduce

_FAMILIES = (matmul, reduce, conv, index, movement)

LAUNCHERS = {}
for _family in _FAMILIES:
    LAUNCHERS.update(_family.LAUNCHERS)
