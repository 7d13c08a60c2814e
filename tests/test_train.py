"""GradientDescentOptimizer: minimize, compute/apply, learning-rate tensors, global_step."""

import numpy as np
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def _regression():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(40, 2)).astype(np.float32)
    ys = (xs @ np.array([2.0, -3.0]) + 0.5).astype(np.float32)
    w = gf.Variable(gf.zeros([2]), name="w")
    b = gf.Variable(0.0, name="b")
    loss = gf.reduce_mean(gf.square(gf.reduce_sum(xs * w, axis=1) + b - ys))
    return xs, ys, w, b, loss


def test_minimize_fits_and_counts_steps():
    _, _, w, b, loss = _regression()
    step = gf.Variable(0, trainable=False, name="global_step")
    train = gf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    assert train.name == "GradientDescent" and train.role == "update"
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        first = sess.run([train, loss])[1]
        for _ in range(150):
            sess.run(train)
        np.testing.assert_allclose(sess.run(w), [2, -3], atol=1e-4)
        assert abs(sess.run(b) - 0.5) < 1e-4 and sess.run(step) == 151
        assert first > 1 and sess.run(loss) < 1e-7


def test_one_step_equals_the_hand_computed_update():
    xs, ys, w, b, loss = _regression()
    lr = gf.placeholder(gf.float32, [], name="lr")
    opt = gf.train.GradientDescentOptimizer(lr)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for _, v in grads_and_vars] == [w, b]
    train = opt.apply_gradients(grads_and_vars)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        (gw, gb), _ = sess.run([[g for g, _ in grads_and_vars], train], {lr: 0.05})
        err = xs @ np.zeros(2) + 0 - ys
        np.testing.assert_allclose(gw, 2 * xs.T @ err / len(xs), rtol=1e-5)
        np.testing.assert_allclose(sess.run(w), -0.05 * gw, rtol=1e-6)
        np.testing.assert_allclose(sess.run(b), -0.05 * gb, rtol=1e-6)


def test_var_list_and_missing_gradients():
    _, _, w, b, loss = _regression()
    unused = gf.Variable(1.0, name="unused")
    train = gf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(train)
        assert sess.run(b) == 0.0 and sess.run(unused) == 1.0
    with pytest.raises(gf.errors.InvalidArgumentError, match="no gradient for any variable"):
        gf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[unused])


def test_float64_variables_take_a_float32_learning_rate_tensor():
    v = gf.Variable(np.array([1.0, 2.0]))
    lr = gf.constant(0.5)
    train = gf.train.GradientDescentOptimizer(lr).minimize(gf.reduce_sum(gf.square(v)))
    with gf.Session() as sess:
        sess.run(v.initializer)
        sess.run(train)
        np.testing.assert_allclose(sess.run(v), [0.0, 0.0])
