"""The global step: TF1's ``train.get_or_create_global_step`` and friends.

The global step is an int64 scalar, non-trainable variable named ``global_step`` in the
``GLOBAL_STEP`` and ``GLOBAL_VARIABLES`` collections; ``minimize(..., global_step=step)``
adds one to it on every training step.
"""

from .. import dtypes, errors
from ..graph import GraphKeys, Tensor, get_default_graph
from ..initializers import Zeros
from ..variable_scope import get_variable


def get_global_step(graph=None):
    """The global step of ``graph`` (default graph), or None if it has none."""
    graph = graph if graph is not None else get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise errors.at_user_line(errors.DTypeError,
                                  "Multiple tensors in global_step collection.")
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except errors.NotFoundError:
            return None
    if not isinstance(step, Tensor) or not step.dtype.is_integer or step.shape.ndims != 0:
        raise errors.at_user_line(
            errors.DTypeError, f"the existing global step {step!r} is not an integer scalar")
    return step


def create_global_step(graph=None):
    """Make the global step of ``graph``; raises if it already has one."""
    graph = graph if graph is not None else get_default_graph()
    if get_global_step(graph) is not None:
        raise errors.at_user_line(errors.InvalidArgumentError, '"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64,
                            initializer=Zeros(), trainable=False,
                            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step of ``graph``, made if it has none yet."""
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


def global_step(sess, global_step_tensor):
    """The value of ``global_step_tensor`` in ``sess``, as a Python int."""
    return int(sess.run(global_step_tensor))

