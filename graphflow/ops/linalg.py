"""Contractions: matmul (transposes, batched with broadcast batch dims)."""

import numpy as np

from ..graph import name_scope
from ..shapes import TensorShape, broadcast_shapes
from .base import CONTRACTION, OpDef, Spec, require_dtype, require_same_dtype
from .elementwise import NUMERIC, binary_operands


def _matmul_infer(inputs, *, transpose_a, transpose_b):
    a, b = inputs
    dtype = require_same_dtype(inputs)
    require_dtype(a, NUMERIC, "matmul")
    for t, label in ((a, "a"), (b, "b")):
        if t.shape.ndims is not None and t.shape.ndims < 2:
            raise ValueError(f"matmul's {label} must have rank >= 2, got shape {t.shape}")
    if a.shape.ndims is None or b.shape.ndims is None:
        return Spec(TensorShape(None), dtype)
    m, ka = a.shape.dims[-2:][::-1] if transpose_a else a.shape.dims[-2:]
    kb, n = b.shape.dims[-2:][::-1] if transpose_b else b.shape.dims[-2:]
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(
            f"matmul's inner dimensions differ: a {a.shape}{' (transposed)' * transpose_a} "
            f"has {ka} columns, b {b.shape}{' (transposed)' * transpose_b} has {kb} rows"
        )
    batch = broadcast_shapes(TensorShape(a.shape.dims[:-2]), TensorShape(b.shape.dims[:-2]))
    return Spec(batch.concatenate([m, n]), dtype)


def check_matrices(a_shape, b_shape):
    """matmul's operands are matrices or batches of them when run too (NumPy's matmul
    would take a vector of a shape-less operand, as TF1 does not)."""
    for shape, label in ((a_shape, "a"), (b_shape, "b")):
        if len(shape) < 2:
            raise ValueError(f"matmul's {label} must have rank >= 2, got shape {tuple(shape)}")


def _matmul_reference(a, b, *, transpose_a, transpose_b):
    check_matrices(a.shape, b.shape)
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


MATMUL = OpDef("MatMul", CONTRACTION, _matmul_infer, _matmul_reference)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           name=None):
    """The matrix product ``a @ b`` over the last two axes; leading axes are batch axes
    and broadcast (``*`` is the elementwise product)."""
    with name_scope(name, "MatMul") as scope:
        a, b = binary_operands(a, b)
        return MATMUL(a, b, transpose_a=bool(transpose_a or adjoint_a),
                      transpose_b=bool(transpose_b or adjoint_b), name=scope)


@MATMUL.gradient
def _matmul_grad(op, g):
    """TF1's rule for each transpose combination; batch dims are summed by the driver."""
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if not ta and not tb:
        return [matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)]
    if not ta and tb:
        return [matmul(g, b), matmul(g, a, transpose_a=True)]
    if ta and not tb:
        return [matmul(b, g, transpose_b=True), matmul(a, g)]
    return [matmul(b, g, transpose_a=True, transpose_b=True),
            matmul(g, a, transpose_a=True, transpose_b=True)]
