"""nn.dropout, nn.moments, nn.batch_normalization and placeholder_with_default.
(TF1's numbers for moments and batch_normalization are in tests/test_losses.py.)"""

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numpy", "numba"]


def _draw_tensor(graph):
    """The RandomUniform output inside a dropout: feeding it fixes the mask."""
    (op,) = [op for op in graph.get_operations() if op.type == "RandomUniform"]
    return op.outputs[0]


# -- dropout ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_dropout_keeps_about_keep_prob_and_scales_what_it_keeps(backend):
    with gf.Graph().as_default():
        y = gf.nn.dropout(gf.ones([400, 500]), keep_prob=0.7, seed=1)
        out = gf.Session(backend=backend).run(y)
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.005  # 200k draws: the std of the mean is 0.001
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)


def test_dropout_rate_is_one_minus_keep_prob():
    with gf.Graph().as_default():
        y = gf.nn.dropout(gf.ones([100, 100]), rate=0.25, seed=2)
        out = gf.Session().run(y)
    assert abs((out != 0).mean() - 0.75) < 0.02
    np.testing.assert_allclose(out[out != 0], 1 / 0.75, rtol=1e-6)


def test_dropout_with_a_seed_repeats_across_sessions_and_backends_but_not_across_runs():
    with gf.Graph().as_default():
        gf.set_random_seed(5)
        y = gf.nn.dropout(gf.ones([50]), 0.5)
        with gf.Session() as s1, gf.Session(backend="numpy") as s2:
            first, second = s1.run(y), s1.run(y)
            np.testing.assert_array_equal(first, s2.run(y))
    assert not np.array_equal(first, second)


def test_dropout_noise_shape_drops_whole_rows():
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 6])
        rows = gf.nn.dropout(x, 0.5, noise_shape=[None, 1], seed=3)
        cols = gf.nn.dropout(x, 0.5, noise_shape=[1, 6], seed=4)
        out_rows, out_cols = gf.Session().run([rows, cols], {x: np.ones((40, 6), np.float32)})
    assert set(np.unique(out_rows.sum(1))) <= {0.0, 12.0}
    assert 0 < (out_rows[:, 0] != 0).sum() < 40
    assert np.all(out_cols == out_cols[:1])  # one mask shared by every row


@pytest.mark.parametrize("backend", BACKENDS)
def test_dropout_keep_prob_placeholder_switches_between_train_and_eval(backend):
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [8, 8])
        keep = gf.placeholder_with_default(1.0, [])
        y = gf.nn.dropout(x, keep_prob=keep, seed=6)
        xv = np.arange(1.0, 65.0, dtype=np.float32).reshape(8, 8)
        with gf.Session(backend=backend) as sess:
            np.testing.assert_array_equal(sess.run(y, {x: xv}), xv)  # eval: keeps everything
            train = sess.run(y, {x: xv, keep: 0.5})
            assert 0 < (train == 0).sum() < 64
            np.testing.assert_allclose(train[train != 0], 2 * xv[train != 0])
            np.testing.assert_array_equal(sess.run(y, {x: xv}), xv)


def test_dropout_rate_tensor():
    with gf.Graph().as_default():
        rate = gf.placeholder(gf.float64, [])
        y = gf.nn.dropout(gf.ones([1000], gf.float64), rate=rate, seed=1)
        with gf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {rate: 0.0}), np.ones(1000))
            out = sess.run(y, {rate: 0.2})
    np.testing.assert_allclose(out[out != 0], 1.25)


def test_dropout_gradient_is_the_kept_mask_times_the_scale():
    with gf.Graph().as_default() as g:
        x = gf.placeholder(gf.float64, [5, 4])
        y = gf.nn.dropout(x, keep_prob=0.6, seed=7)
        (dx,) = gf.gradients(gf.reduce_sum(y * y), x)
        xv = np.random.default_rng(0).uniform(1, 2, (5, 4))
        out, grad = gf.Session().run([y, dx], {x: xv})  # one run: one mask for both
        np.testing.assert_allclose(grad, 2 * out * (out != 0) / 0.6)
        fixed = {_draw_tensor(g): np.random.default_rng(1).random((5, 4))}
        errs = gf.test.check_gradients(y, [x], {x: xv, **fixed})
    assert errs[0] < 1e-7


def test_dropout_of_nothing_returns_x():
    with gf.Graph().as_default():
        x = gf.ones([3])
        assert gf.nn.dropout(x, keep_prob=1.0) is x
        assert gf.nn.dropout(x, rate=0) is x


@pytest.mark.parametrize("kwargs, match", [
    (dict(keep_prob=0.5, rate=0.5), "not both"),
    (dict(), "needs a rate"),
    (dict(rate=1.0), r"rate must be in \[0, 1\)"),
    (dict(rate=-0.1), "rate must be in"),
    (dict(keep_prob=0.0), r"keep_prob must be in \(0, 1\]"),
    (dict(keep_prob=1.5), "keep_prob must be in"),
])
def test_dropout_argument_errors(kwargs, match):
    with gf.Graph().as_default():
        with pytest.raises(ValueError, match=match):
            gf.nn.dropout(gf.ones([3]), **kwargs)


def test_dropout_needs_a_float_x_and_a_scalar_rate():
    with gf.Graph().as_default():
        with pytest.raises(TypeError, match="float tensor"):
            gf.nn.dropout(gf.constant([1, 2]), 0.5)
        with pytest.raises(ValueError, match="scalar"):
            gf.nn.dropout(gf.ones([3]), rate=gf.constant([0.1, 0.2]))
        with pytest.raises(ValueError, match="noise_shape"):
            gf.nn.dropout(gf.ones([3, 2]), 0.5, noise_shape=[3])


# -- moments and batch_normalization ---------------------------------------------------------------

def test_moments_is_stable_for_large_offsets_and_keeps_dims_on_request():
    x = 1e4 + np.random.default_rng(2).standard_normal((64, 3)).astype(np.float32)
    with gf.Graph().as_default():
        mean, var = gf.nn.moments(gf.constant(x), [0])
        kmean, kvar = gf.nn.moments(gf.constant(x), [0], keepdims=True)
        assert mean.shape.as_list() == [3] and kvar.shape.as_list() == [1, 3]
        m, v, km = gf.Session().run([mean, var, kmean])
    np.testing.assert_allclose(v, x.astype(np.float64).var(0), rtol=2e-3)
    np.testing.assert_allclose(km, m[None])


def test_moments_of_float16_is_computed_in_float32():
    x = np.array([[1000.0, 1001.0], [1002.0, 1003.0]], np.float16)
    with gf.Graph().as_default():
        mean, var = gf.nn.moments(gf.constant(x), [0, 1])
        assert mean.dtype == var.dtype == gf.float16
        m, v = gf.Session().run([mean, var])
    assert float(m) == 1001.5 and float(v) == 1.25


def test_moments_and_batch_normalization_gradients_in_float64():
    rng = np.random.default_rng(3)
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float64, [6, 3])
        offset = gf.placeholder(gf.float64, [3])
        scale = gf.placeholder(gf.float64, [3])
        mean, var = gf.nn.moments(x, [0])
        y = gf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3)
        feed = {x: rng.uniform(-2, 2, (6, 3)), offset: rng.uniform(-1, 1, 3),
                scale: rng.uniform(0.5, 2, 3)}
        errs = gf.test.check_gradients(y, [x, offset, scale], feed)
    assert max(errs) < 1e-6, errs


# -- placeholder_with_default -----------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_placeholder_with_default_fed_and_unfed_in_both_orders(backend):
    with gf.Graph().as_default():
        d = gf.placeholder_with_default(gf.constant([[1.0, 2.0, 3.0]]), [None, 3])
        y = d * 2 + 1
        assert d.shape.as_list() == [None, 3]
        fed = np.ones((2, 3), np.float32)
        with gf.Session(backend=backend) as sess:
            np.testing.assert_array_equal(sess.run(y), [[3, 5, 7]])  # unfed first
            np.testing.assert_array_equal(sess.run(y, {d: fed}), np.full((2, 3), 3))
            np.testing.assert_array_equal(sess.run(y), [[3, 5, 7]])
        with gf.Session(backend=backend) as sess:
            np.testing.assert_array_equal(sess.run(y, {d: fed}), np.full((2, 3), 3))  # fed first
            np.testing.assert_array_equal(sess.run(y), [[3, 5, 7]])
            np.testing.assert_array_equal(sess.run(d), [[1, 2, 3]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_placeholder_with_default_is_not_a_static_value(backend):
    """A default used as a shape must not be baked into static shapes or folded plans."""
    with gf.Graph().as_default():
        dims = gf.placeholder_with_default([2, 3], [2])
        r = gf.reshape(gf.range(6), dims)
        assert r.shape.as_list() == [None, None]
        with gf.Session(backend=backend) as sess:
            assert sess.run(r).shape == (2, 3)
            assert sess.run(r, {dims: [3, 2]}).shape == (3, 2)
            assert sess.run(r).shape == (2, 3)


def test_placeholder_with_default_checks_feeds_and_its_default():
    with gf.Graph().as_default():
        d = gf.placeholder_with_default(np.zeros((2, 3), np.float32), [None, 3])
        with gf.Session() as sess:
            with pytest.raises(gf.errors.InvalidArgumentError, match=r"shape \(2, 4\)"):
                sess.run(d, {d: np.zeros((2, 4), np.float32)})
        with pytest.raises(gf.errors.ShapeError, match="does not fit"):
            gf.placeholder_with_default(np.zeros((2, 3), np.float32), [2, 2])


def test_placeholder_with_default_gradient_reaches_its_input():
    with gf.Graph().as_default():
        x = gf.constant([1.0, 2.0])
        d = gf.placeholder_with_default(x, [None], name="maybe")
        assert d.op.name == "maybe"
        (g,) = gf.gradients(gf.reduce_sum(d * d), x)
        np.testing.assert_array_equal(gf.Session().run(g), [2.0, 4.0])


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_out_of_range_labels_fail_the_run_instead_of_dropping_out(backend):
    labels = gf.placeholder(gf.int32, [None])
    logits = gf.placeholder(gf.float32, [None, 5])
    loss = gf.losses.sparse_softmax_cross_entropy(labels, logits)
    with gf.Session(backend=backend) as sess:
        good = sess.run(loss, {labels: [0, 4], logits: np.zeros((2, 5), np.float32)})
        np.testing.assert_allclose(good, np.log(5), rtol=1e-6)
        for bad in ([7, 1], [2, -1]):
            with pytest.raises(gf.errors.InvalidArgumentError,
                               match=r"label -?\d+ is outside the valid range \[0, 5\)"):
                sess.run(loss, {labels: bad, logits: np.zeros((2, 5), np.float32)})
