"""Op declarations by family; importing this package registers every op."""

from . import (  # noqa: F401
    broadcast,
    candidates,
    clip,
    control,
    custom,
    elementwise,
    gather,
    gather_nd,
    indexing,
    linalg,
    movement,
    operators,  # noqa: F401  (attaches Python operators to Tensor)
    random,
    reduce,
    shape_ops,
    sources,
    state,
)
