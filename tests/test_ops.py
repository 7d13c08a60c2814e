"""Table-driven op tests: every case in ``op_cases.CASES`` on every backend.

Each case runs twice: with fully known placeholder shapes and with every
placeholder dimension ``None``.  Hypothesis tests add random broadcasting
shapes for binary elementwise ops and random axes for reductions.
"""
import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import op_cases  # noqa: E402
from op_cases import (  # noqa: E402
    BACKENDS,
    CASES,
    EXTRA_COVERAGE,
    NN_FUNCTIONS,
    OP_FUNCTIONS,
    REQUIRED_COVERAGE,
    OpCase,
    run_case,
)

import graphflow as gf  # noqa: E402
from graphflow.backends.cpu import plan as numba_cpu  # noqa: E402


@pytest.fixture(autouse=True)
def _every_op_in_a_kernel(monkeypatch):
    """The table's inputs are small: a lone elementwise op would run its NumPy reference
    (numba_cpu.SINGLE_OP_KERNEL_FROM); here each one gets its generated kernel."""
    monkeypatch.setattr(numba_cpu, "SINGLE_OP_KERNEL_FROM", 0)

# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_op_known_shapes(backend, case):
    run_case(case, backend, known_shapes=True)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_op_unknown_shapes(backend, case):
    if not case.unknown_shapes_ok:
        pytest.skip("case needs static shape information")
    run_case(case, backend, known_shapes=False)


def test_case_ids_unique_and_well_formed():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert "/" in c.id and c.op and c.id.split("/", 1)[1], c.id
        for a in c.inputs:
            assert isinstance(a, np.ndarray), c.id
            assert a.dtype in (np.float32, np.float64, np.int32, np.int64,
                               np.bool_, np.uint8), (c.id, a.dtype)


def test_shape_inputs_are_int_vectors():
    """``OpDef.shape_inputs`` name the inputs a backend may read as dimensions: in every
    case's graph they are int scalars or vectors."""
    seen = set()
    for c in CASES:
        with gf.Graph().as_default() as graph:
            c.build(*[gf.placeholder(gf.as_dtype(a.dtype), a.shape) for a in c.inputs])
        for op in graph.get_operations():
            for i in op.opdef.shape_inputs:
                t = op.inputs[i]
                assert t.dtype.is_integer and t.shape.ndims in (0, 1, None), (c.id, op, t)
                seen.add(op.type)
    assert {"Reshape", "BroadcastTo", "ScatterAddNd", "CheckIndices", "Fill"} <= seen, seen


def test_every_op_has_a_case():
    covered = {c.op for c in CASES} | set(EXTRA_COVERAGE)
    missing = [name for name in REQUIRED_COVERAGE if name not in covered]
    assert not missing, f"ops without any test case: {missing}"


@pytest.mark.parametrize("name", OP_FUNCTIONS)
def test_public_function_exists(name):
    assert callable(getattr(gf, name, None)), f"gf.{name} missing"


@pytest.mark.parametrize("name", NN_FUNCTIONS)
def test_public_nn_function_exists(name):
    assert callable(getattr(gf.nn, name, None)), f"gf.nn.{name} missing"


def test_every_case_op_is_required():
    # A case whose op prefix is not in the coverage lists is probably a typo.
    known = set(REQUIRED_COVERAGE) | set(EXTRA_COVERAGE)
    stray = sorted({c.op for c in CASES} - known)
    assert not stray, f"case ids with unknown op prefix: {stray}"


# --------------------------------------------------------------------------
# Dtype strictness (TF1: no implicit promotion between tensors)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: gf.placeholder(gf.float32, [2]) + gf.placeholder(gf.float64, [2]),
    lambda: gf.add(gf.placeholder(gf.int32, [2]), gf.placeholder(gf.float32, [2])),
    lambda: gf.placeholder(gf.int32, [2]) + 1.5,
    lambda: gf.matmul(gf.placeholder(gf.float32, [2, 2]), gf.placeholder(gf.float64, [2, 2])),
], ids=["f32+f64", "add_i32_f32", "i32+py_float", "matmul_f32_f64"])
def test_mixed_dtypes_raise(make):
    with gf.Graph().as_default():
        with pytest.raises((TypeError, ValueError)):
            make()


def test_static_shape_mismatch_raises():
    with gf.Graph().as_default():
        with pytest.raises((ValueError, TypeError)):
            gf.placeholder(gf.float32, [2, 3]) + gf.placeholder(gf.float32, [4, 3])


# --------------------------------------------------------------------------
# Hypothesis: broadcasting of binary elementwise ops
# --------------------------------------------------------------------------

_HSETTINGS = dict(max_examples=50, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])

_BINARY = {
    "add": (lambda x, y: gf.add(x, y), np.add),
    "subtract": (lambda x, y: gf.subtract(x, y), np.subtract),
    "multiply": (lambda x, y: gf.multiply(x, y), np.multiply),
    "maximum": (lambda x, y: gf.maximum(x, y), np.maximum),
    "minimum": (lambda x, y: gf.minimum(x, y), np.minimum),
    "less": (lambda x, y: gf.less(x, y), np.less),
    "greater_equal": (lambda x, y: gf.greater_equal(x, y), np.greater_equal),
    "equal": (lambda x, y: gf.equal(x, y), np.equal),
    "not_equal": (lambda x, y: gf.not_equal(x, y), np.not_equal),
    "__add__": (lambda x, y: x + y, np.add),
    "__sub__": (lambda x, y: x - y, np.subtract),
    "__mul__": (lambda x, y: x * y, np.multiply),
    "__truediv__": (lambda x, y: x / y, np.true_divide),
    "__floordiv__": (lambda x, y: x // y, op_cases._np_floordiv),
    "__mod__": (lambda x, y: x % y, np.mod),
}
_NONZERO_RHS = {"__truediv__", "__floordiv__", "__mod__"}


def _random_values(rng, shape, dtype, nonzero=False):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "i":
        vals = rng.integers(-4, 5, shape)
        if nonzero:
            vals = np.where(vals == 0, 3, vals)
        return vals.astype(dtype)
    vals = rng.uniform(-3.0, 3.0, shape)
    if nonzero:
        vals = np.where(np.abs(vals) < 0.5, 0.5 + np.abs(vals), vals)
    return vals.astype(dtype)


def _run_both(case, backend):
    run_case(case, backend, known_shapes=True)
    run_case(case, backend, known_shapes=False)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(**_HSETTINGS)
@given(shapes=hnp.mutually_broadcastable_shapes(
           num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=3),
       name=st.sampled_from(sorted(_BINARY)),
       dtype=st.sampled_from(["float32", "float64", "int32"]),
       seed=st.integers(0, 2**31 - 1))
def test_hypothesis_binary_broadcast(backend, shapes, name, dtype, seed):
    rng = np.random.default_rng(seed)
    sx, sy = shapes.input_shapes
    x = _random_values(rng, sx, dtype)
    y = _random_values(rng, sy, dtype, nonzero=name in _NONZERO_RHS)
    gfn, npfn = _BINARY[name]
    _run_both(OpCase(f"{name}/hyp", gfn, npfn, (x, y), atol=1e-5), backend)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(**_HSETTINGS)
@given(shapes=hnp.mutually_broadcastable_shapes(
           num_shapes=3, min_dims=0, max_dims=4, min_side=0, max_side=3),
       dtype=st.sampled_from(["float32", "int32"]),
       seed=st.integers(0, 2**31 - 1))
def test_hypothesis_where_broadcast(backend, shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    sc, sx, sy = shapes.input_shapes
    # TF1's row rule (vector condition, x and y of one rank > 1) has its own cases
    assume(not (len(sc) == 1 and len(sx) > 1 and len(sx) == len(sy)))
    c = _random_values(rng, sc, np.bool_)
    x = _random_values(rng, sx, dtype)
    y = _random_values(rng, sy, dtype)
    _run_both(OpCase("where/hyp", lambda a, b, d: gf.where(a, b, d), _tf1_where,
                     (c, x, y)), backend)


def _tf1_where(c, x, y):
    """np.where, except TF1's rule: a vector condition over x, y of one rank picks rows."""
    if c.ndim == 1 and x.ndim > 1 and x.ndim == y.ndim:
        c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    return np.where(c, x, y)


# --------------------------------------------------------------------------
# Hypothesis: reductions over random axes / keepdims
# --------------------------------------------------------------------------

_REDUCE = {
    "reduce_sum": (lambda: gf.reduce_sum, lambda ax, kd: op_cases._np_reduce(np.sum, ax, kd, True)),
    "reduce_mean": (lambda: gf.reduce_mean, op_cases._np_mean),
    "reduce_max": (lambda: gf.reduce_max, lambda ax, kd: op_cases._np_reduce(np.max, ax, kd)),
    "reduce_min": (lambda: gf.reduce_min, lambda ax, kd: op_cases._np_reduce(np.min, ax, kd)),
    "reduce_prod": (lambda: gf.reduce_prod, lambda ax, kd: op_cases._np_reduce(np.prod, ax, kd, True)),
    "reduce_any": (lambda: gf.reduce_any, lambda ax, kd: op_cases._np_reduce(np.any, ax, kd)),
    "reduce_all": (lambda: gf.reduce_all, lambda ax, kd: op_cases._np_reduce(np.all, ax, kd)),
}
# ops without an identity element: no reduction over an empty axis
_NEEDS_NONEMPTY = {"reduce_max", "reduce_min", "reduce_mean"}


@st.composite
def _axis_strategy(draw, rank):
    kind = draw(st.sampled_from(["none", "int", "list"] if rank else ["none", "list"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-rank, rank - 1))
    if rank == 0:
        return []
    axes = draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank))
    # randomly express some axes as negative indices
    return [a - rank if draw(st.booleans()) else a for a in axes]


@pytest.mark.parametrize("backend", BACKENDS)
@settings(**_HSETTINGS)
@given(data=st.data(), name=st.sampled_from(sorted(_REDUCE)),
       keepdims=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_hypothesis_reductions(backend, data, name, keepdims, seed):
    min_side = 1 if name in _NEEDS_NONEMPTY else 0
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=min_side,
                                       max_side=3), label="shape")
    axis = data.draw(_axis_strategy(len(shape)), label="axis")
    if name in ("reduce_any", "reduce_all"):
        dtype = np.bool_
    else:
        dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int32]), label="dtype")
    rng = np.random.default_rng(seed)
    if name == "reduce_prod" and dtype != np.int32:
        x = rng.uniform(0.6, 1.5, shape).astype(dtype)
    elif name == "reduce_prod":
        x = rng.integers(-2, 3, shape).astype(dtype)
    else:
        x = _random_values(rng, shape, dtype)
    get_fn, make_expected = _REDUCE[name]
    case = OpCase(f"{name}/hyp",
                  lambda t: get_fn()(t, axis=axis, keepdims=keepdims),
                  make_expected(axis, keepdims), (x,), atol=1e-5)
    _run_both(case, backend)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(**_HSETTINGS)
@given(data=st.data(), name=st.sampled_from(["argmax", "argmin"]),
       seed=st.integers(0, 2**31 - 1))
def test_hypothesis_argmax_argmin(backend, data, name, seed):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    x = np.random.default_rng(seed).uniform(-3, 3, shape).astype(dtype)
    npfn = np.argmax if name == "argmax" else np.argmin
    case = OpCase(f"{name}/hyp", lambda t: getattr(gf, name)(t, axis=axis),
                  lambda a: np.asarray(npfn(a, axis=axis)).astype(np.int64), (x,))
    _run_both(case, backend)
