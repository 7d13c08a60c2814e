"""The debugging ops and Session(check_numerics=True) on the CUDA backend: checks run on the
host with the values copied back, and a fused kernel's NaN is traced to its op."""

import numpy as np
import pytest

import graphflow as gf


def test_checks_and_asserts_fail_the_run_on_cuda():
    x = gf.placeholder(gf.float32, [None])
    y = gf.check_numerics(gf.log(x) * 2.0, "log of x")
    check = gf.Assert(gf.reduce_all(x < 10.0), ["x too big:", x])
    with gf.control_dependencies([check]):
        z = gf.identity(y + 1.0)
    with gf.Session(backend="cuda") as sess:
        np.testing.assert_allclose(sess.run(z, {x: [1.0, np.e]}), [1.0, 3.0], rtol=1e-6)
        with pytest.raises(gf.errors.InvalidArgumentError, match="log of x : Tensor had NaN"):
            sess.run(z, {x: [-1.0, 1.0]})
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"assertion failed: \[x too big:\] \[1 20\]"):
            sess.run(z, {x: [1.0, 20.0]})


def test_check_numerics_session_finds_the_op_inside_a_cuda_kernel():
    x = gf.placeholder(gf.float32, [None])
    w = gf.Variable(np.ones(4, np.float32))
    h = gf.exp(x) * w
    loss = gf.reduce_sum(gf.tanh(gf.log(h - h) * h) + h)
    step = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with gf.Session(backend="cuda", check_numerics=True) as sess:
        sess.run(w.initializer)
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(step, {x: np.arange(4, dtype=np.float32)})
        np.testing.assert_array_equal(sess.run(w), np.ones(4, np.float32))
    assert e.value.op.type == "Log"
    assert "inside the fused kernel" in str(e.value)
