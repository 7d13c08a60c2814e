"""Steps that own sub-plans (the execution skeleton, backends/plan.py), shown with a
test-only nested op: "run this body k times, threading one value through". Control flow
(cond, while_loop) builds on the same machinery."""

import numpy as np
import pytest

import graphflow as gf
from graphflow.ops import base
from graphflow.ops.base import OpDef, Spec


def _drive(run_body, x, *, body, times, needed):
    for _ in range(times):
        (x,) = run_body(0, [x])
    return (x,)


REPEAT = OpDef("RepeatForTest", base.NESTED,
               infer=lambda inputs, *, body, times: Spec(inputs[0].shape, inputs[0].dtype),
               bodies=lambda op: [((op._attrs["body"][0],), (op._attrs["body"][1],))],
               drive=_drive, differentiable=False)


def repeat(x, times, body_fn):
    """``body_fn`` applied ``times`` times to ``x``; the body is a graph of its own."""
    with gf.Graph().as_default():
        p = gf.placeholder(x.dtype, x.shape)
        out = body_fn(p)
    return REPEAT(x, body=(p, out), times=times)


def _body(p):
    q = gf.tanh(p * 0.9 + 0.1)  # read by two kernels: a pool buffer of the body's
    return q * 1.5 - gf.reduce_mean(q * q, axis=1, keepdims=True)


def _unrolled(x, times):
    for _ in range(times):
        x = _body(x)
    return x


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_nested_body_runs_k_times_as_its_unrolled_graph(backend):
    x = gf.placeholder(gf.float64, [None, 3])
    y = repeat(x * 2.0, 4, _body) + 1.0
    want = _unrolled(x * 2.0, 4) + 1.0
    rng = np.random.default_rng(0)
    with gf.Session(backend=backend) as sess:
        for batch in (2, 5, 2, 2, 2):  # new sizes, then replays of one signature
            v = rng.normal(size=(batch, 3))
            got, expected = sess.run([y, want], {x: v})
            np.testing.assert_allclose(got, expected, rtol=1e-12)


def _ends_in_a_reduction(p):  # its result is a pool buffer of the body's, copied out
    return gf.reshape(gf.reduce_sum(gf.exp(p * 0.01) + 1.0, axis=1, keepdims=True) * 0.01, [-1, 1])


@pytest.mark.parametrize("body", [_body, _ends_in_a_reduction])
def test_a_body_is_a_compiled_plan_with_buffers_of_its_own(body):
    x = gf.placeholder(gf.float32, [None, 256] if body is _body else [None, 1])
    y = repeat(x, 6, body)
    with gf.Session() as sess:
        feed = {x: np.ones((64, x.shape[1]), np.float32)}
        for _ in range(5):
            sess.run(y, feed)
        plan = sess.plan(y, feed)
        (step,) = [s for s in plan.steps if s.subplans]
        ((fed, sub),) = step.subplans
        assert "kernel " in sub.explain()  # fused and compiled, not interpreted
        assert sub.pool is not plan.pool
        allocated = sub.allocations
        assert allocated >= 1
        for _ in range(5):
            sess.run(y, feed)
        assert sub.allocations == allocated  # later runs reuse the body's own buffers
        assert sub.pool.nbytes > 0
        assert plan.replays  # a step with sub-plans replays like any other


def test_an_error_inside_a_body_names_the_body_op():
    x = gf.placeholder(gf.float32, [None])
    y = repeat(x, 2, lambda p: p + gf.reduce_sum(gf.reshape(p, [2, -1])))
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError, match="Reshape"):
            sess.run(y, {x: np.ones(3, np.float32)})
        assert sess.run(y, {x: np.ones(4, np.float32)}).shape == (4,)
