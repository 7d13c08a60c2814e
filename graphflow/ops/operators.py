"""Python operators on tensors (``x + 1``, ``a @ b``, ``x[1:, ::2]``), as in TF1.

``==`` stays object identity (TF1 graph mode): tensors are dict keys in feed_dict.
"""

from ..errors import api_boundary
from ..graph import Tensor
from . import elementwise as ew
from .indexing import getitem
from .linalg import matmul


def _forward(fn, name):
    return api_boundary(lambda x, y: fn(x, y, name=name))


def _reflected(fn, name):
    return api_boundary(lambda x, y: fn(y, x, name=name))


_BINARY = {
    "add": (ew.add, "add"),
    "sub": (ew.subtract, "sub"),
    "mul": (ew.multiply, "mul"),
    "truediv": (ew.truediv, "truediv"),
    "floordiv": (ew.floordiv, "floordiv"),
    "mod": (ew.mod, "mod"),
    "pow": (ew.pow, "pow"),
    "matmul": (matmul, "matmul"),
    "and": (ew.logical_and, "LogicalAnd"),
    "or": (ew.logical_or, "LogicalOr"),
}

for _op, (_fn, _name) in _BINARY.items():
    setattr(Tensor, f"__{_op}__", _forward(_fn, _name))
    setattr(Tensor, f"__r{_op}__", _reflected(_fn, _name))

Tensor.__lt__ = _forward(ew.less, "Less")
Tensor.__le__ = _forward(ew.less_equal, "LessEqual")
Tensor.__gt__ = _forward(ew.greater, "Greater")
Tensor.__ge__ = _forward(ew.greater_equal, "GreaterEqual")
Tensor.__neg__ = api_boundary(lambda x: ew.negative(x, name="Neg"))
Tensor.__abs__ = api_boundary(lambda x: ew.abs(x, name="Abs"))
Tensor.__invert__ = api_boundary(lambda x: ew.logical_not(x, name="LogicalNot"))
Tensor.__getitem__ = api_boundary(getitem)
