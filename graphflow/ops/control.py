"""Control: ops without a value that only order or bundle other ops (no_op, group)."""

from .. import errors
from ..graph import Operation, Tensor, get_default_graph
from .base import CONTROL, OpDef


def _no_op_infer(inputs):
    return []


NO_OP = OpDef("NoOp", CONTROL, _no_op_infer, differentiable=False)


def no_op(name=None):
    """An op that does nothing; useful as a target for control dependencies."""
    return NO_OP(name=name or "NoOp")


def group(*inputs, name=None):
    """One op that, when run, runs all of ``inputs`` (ops or tensors)."""
    ops = [x.op if isinstance(x, Tensor) else x for x in inputs]
    for x in ops:
        if not isinstance(x, Operation):
            raise errors.at_user_line(
                errors.DTypeError, f"group takes operations or tensors, got {x!r}")
    graph = ops[0].graph if ops else get_default_graph()
    with graph.control_dependencies(ops):
        return NO_OP(name=name or "group_deps")
