"""Every elementwise op's scalar expression (what fused kernels are generated from)
agrees with its NumPy reference, on the inputs of every op-table case."""

import numpy as np
from op_cases import CASES, gf_dtype

import graphflow as gf
from graphflow.backends.numpy_ref import SCALAR_NUMPY
from graphflow.ops import base
from graphflow.ops.elementwise import SCALAR_FUNCTIONS

ELEMENTWISE_TYPES = sorted(t for t, d in base.REGISTRY.items() if d.kind == base.ELEMENTWISE)


def evaluate_template(op, args):
    """The op's scalar expression evaluated elementwise with NumPy bindings."""
    names = [f"a{i}" for i in range(len(args))]
    expr = op.opdef.scalar_expr(names, op.attrs)
    with np.errstate(all="ignore"):
        out = eval(expr, {"__builtins__": {}}, {**SCALAR_NUMPY, **dict(zip(names, args))})
    return np.broadcast_to(np.asarray(out), op.outputs[0].shape.as_list()).astype(
        op.outputs[0].dtype.np)


def elementwise_values(case):
    """(op, input values, output value) for each elementwise op the case builds."""
    inputs = [np.asarray(a) for a in case.inputs]
    with gf.Graph().as_default() as g:
        phs = [gf.placeholder(gf_dtype(a.dtype), a.shape) for a in inputs]
        case.build(*phs)
        ops = [op for op in g.get_operations() if op.kind == base.ELEMENTWISE
               and op.outputs[0].shape.is_fully_defined()]
        with gf.Session(graph=g, backend="numpy") as sess:  # the references' values
            values = sess.run([[list(op.inputs), op.outputs[0]] for op in ops],
                              dict(zip(phs, inputs)))
    return [(op, args, out) for op, (args, out) in zip(ops, values)]


def test_scalar_templates_match_references_on_every_case():
    seen = set()
    for case in CASES:
        for op, args, want in elementwise_values(case):
            seen.add(op.type)
            got = evaluate_template(op, [np.asarray(a) for a in args])
            expr = op.opdef.scalar_expr([f"x{i}" for i in range(len(args))], op.attrs)
            np.testing.assert_allclose(got, np.asarray(want), rtol=2e-6, atol=1e-6,
                                       err_msg=f"{case.id}: {op.type} = {expr}")
    assert set(ELEMENTWISE_TYPES) - seen == set(), "elementwise ops no case exercises"


def test_scalar_language_is_bound_by_the_numpy_backend():
    for name in SCALAR_FUNCTIONS:
        if name == "cast_<dtype>":
            assert all(f"cast_{d}" in SCALAR_NUMPY for d in ("float32", "int64", "uint8"))
        else:
            assert name in SCALAR_NUMPY, name


def test_every_elementwise_op_declares_a_scalar_expression():
    for t in ELEMENTWISE_TYPES:
        assert base.REGISTRY[t].scalar is not None, t
