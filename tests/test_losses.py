"""gf.losses: every loss and reduction against TF1's numbers, float64 gradient checks,
weights validation and the LOSSES collection."""


import numpy as np
import pytest
import tf1_runner

import graphflow as gf

BACKENDS = ["numpy", "numba"]
R = gf.losses.Reduction

# -- TF1's numbers ------------------------------------------------------------------------------

PROGRAM = "losses_expected.py"


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_numbers(backend):
    """Every loss with scalar / per-example / full / zero weights and each reduction,
    label smoothing, gradients, moments and batch_normalization: TF1's values."""
    got = tf1_runner.compute(PROGRAM, backend)
    assert sorted(got) == sorted(TF1_EXPECTED)
    for name, (shape, values) in TF1_EXPECTED.items():
        expected = np.array(values, np.float32).reshape(shape)
        assert np.asarray(got[name]).dtype == np.float32, name
        np.testing.assert_allclose(got[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)


# -- gradients in float64 -----------------------------------------------------------------------

_rng = np.random.default_rng(7)
X = _rng.uniform(-2, 2, (4, 3))
Y = X + _rng.choice([-1.0, 1.0], (4, 3)) * _rng.uniform(0.3, 1.0, (4, 3))  # |X - Y| >= 0.3
W_FULL = np.array([[1, 0, 2], [0.5, 1, 0], [3, 0, 1], [1, 1, 1]], np.float64)
W_ROW = np.array([[1.0], [0.0], [2.0], [0.5]])
ONEHOT = np.eye(3)[[2, 0, 1, 1]]
BINARY = np.array([[0, 1, 1], [1, 0, 0], [1, 1, 0], [0, 0, 1]], np.float64)
HINGE_LOGITS = BINARY * 2 - 1 + np.where(BINARY > 0, -1, 1) * _rng.uniform(0.3, 0.7, (4, 3))

LOSS_CASES = {
    "mse/full": (lambda a, b: gf.losses.mean_squared_error(a, b, W_FULL), X, Y),
    "mse/mean": (lambda a, b: gf.losses.mean_squared_error(a, b, W_ROW, reduction=R.MEAN),
                 X, Y),
    "absolute_difference/row": (lambda a, b: gf.losses.absolute_difference(a, b, W_ROW), X, Y),
    "hinge/sum": (lambda a, b: gf.losses.hinge_loss(a, b, reduction=R.SUM), BINARY,
                  HINGE_LOGITS),
    "sigmoid/smooth": (lambda a, b: gf.losses.sigmoid_cross_entropy(
        a, b, W_FULL, label_smoothing=0.2), BINARY, X),
    "softmax/smooth": (lambda a, b: gf.losses.softmax_cross_entropy(
        a, b, [1.0, 0.0, 2.0, 0.5], label_smoothing=0.1), ONEHOT, X),
    "sparse/batch": (lambda a, b: gf.losses.sparse_softmax_cross_entropy(
        a, b, reduction=R.SUM_OVER_BATCH_SIZE), np.array([2, 0, 1, 1]), X),
    "weighted/none": (lambda a, b: gf.losses.compute_weighted_loss(a * b, W_ROW, reduction=R.NONE),
                      X, Y),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_gradients_match_finite_differences(name):
    build, a, b = LOSS_CASES[name]
    with gf.Graph().as_default():
        pa = gf.placeholder(gf.as_dtype(a.dtype), a.shape)
        pb = gf.placeholder(gf.float64, b.shape)
        loss = build(pa, pb)
        assert loss.dtype == gf.float64
        xs = [pb] + ([pa] if a.dtype == np.float64 and not name.startswith("softmax") else [])
        errs = gf.test.check_gradients(loss, xs, {pa: a, pb: b})
    assert max(errs) < 1e-6, errs


def test_gradient_reaches_weights_under_mean_reduction():
    with gf.Graph().as_default():
        w = gf.placeholder(gf.float64, [4, 1])
        p = gf.placeholder(gf.float64, [4, 3])
        loss = gf.losses.mean_squared_error(X, p, w, reduction=R.MEAN)
        errs = gf.test.check_gradients(loss, [w, p], {w: W_ROW + 0.5, p: Y})
    assert max(errs) < 1e-6, errs


def test_softmax_loss_sends_no_gradient_to_labels():
    with gf.Graph().as_default():
        labels = gf.placeholder(gf.float64, [4, 3])
        loss = gf.losses.softmax_cross_entropy(labels, X)
        assert gf.gradients(loss, labels) == [None]


# -- reductions and weights -----------------------------------------------------------------------

def test_sum_by_nonzero_weights_counts_after_broadcasting_and_is_zero_without_any():
    losses = np.arange(6.0).reshape(2, 3)
    with gf.Graph().as_default():
        row_w = gf.placeholder(gf.float64, [2, 1])
        loss = gf.losses.compute_weighted_loss(losses, row_w)
        with gf.Session() as sess:
            # one nonzero row weight broadcasts over 3 losses: divide by 3, not by 1
            assert sess.run(loss, {row_w: [[0.0], [2.0]]}) == pytest.approx(2 * 12 / 3)
            assert sess.run(loss, {row_w: [[0.0], [0.0]]}) == 0.0


def test_reduction_none_keeps_the_shape_and_bad_reductions_are_refused():
    with gf.Graph().as_default():
        loss = gf.losses.absolute_difference([[1.0, 2.0]], [[2.0, 0.0]], weights=[[1.0, 3.0]],
                                             reduction=R.NONE)
        assert loss.shape.as_list() == [1, 2]
        np.testing.assert_allclose(gf.Session().run(loss), [[1.0, 6.0]])
        with pytest.raises(ValueError, match="invalid reduction"):
            gf.losses.mean_squared_error([1.0], [2.0], reduction="average")
    assert set(R.all()) == {R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE,
                            R.SUM_BY_NONZERO_WEIGHTS}


def test_weights_that_do_not_broadcast_to_the_losses_are_refused():
    with gf.Graph().as_default():
        labels = gf.zeros([4, 3])
        with pytest.raises(gf.errors.ShapeError, match="cannot be broadcast"):
            gf.losses.mean_squared_error(labels, labels, weights=gf.ones([4]))  # rank differs
        with pytest.raises(gf.errors.ShapeError, match="cannot be broadcast"):
            gf.losses.mean_squared_error(labels, labels, weights=gf.ones([2, 3]))
        with pytest.raises(gf.errors.ShapeError, match="do not match"):
            gf.losses.mean_squared_error(labels, gf.zeros([4, 2]))


def test_float64_loss_stays_float64_and_int_predictions_give_float32():
    with gf.Graph().as_default():
        assert gf.losses.mean_squared_error(X, Y).dtype == gf.float64
        assert gf.losses.absolute_difference([1, 2], [3, 3]).dtype == gf.float32


# -- the LOSSES collection ------------------------------------------------------------------------

def test_losses_collection_and_total_loss_with_regularization():
    with gf.Graph().as_default():
        a = gf.losses.mean_squared_error([1.0, 2.0], [2.0, 2.0])
        gf.losses.absolute_difference([1.0], [3.0], loss_collection=None)
        b = gf.losses.hinge_loss([1.0], [0.5], scope="hinge")
        extra = gf.constant(0.25)
        gf.losses.add_loss(extra)
        gf.add_to_collection(gf.GraphKeys.REGULARIZATION_LOSSES, gf.constant(10.0))
        assert gf.losses.get_losses() == [a, b, extra]
        assert gf.losses.get_losses(scope="hinge") == [b]
        with gf.Session() as sess:
            assert sess.run(gf.losses.get_total_loss()) == pytest.approx(0.5 + 0.5 + 0.25 + 10)
            assert sess.run(gf.losses.get_total_loss(False)) == pytest.approx(1.25)
            assert sess.run(gf.losses.get_regularization_loss()) == pytest.approx(10)


def test_total_loss_without_losses_is_an_error():
    with gf.Graph().as_default():
        with pytest.raises(ValueError, match="no losses"):
            gf.losses.get_total_loss()


# generated by tests/tf1_programs/losses_expected.py with TensorFlow 2.21.0
TF1_EXPECTED = {
    'absdiff': ([], [0.926573455]),
    'absdiff/da': ([4, 3], [-0.111111112, -0.111111112, 0.111111112, -0, -0, 0, -0.222222224, 0.222222224, -0.222222224, -0.055555556, 0.055555556, 0.055555556]),
    'absdiff/sum': ([], [24.0419579]),
    'batchnorm': ([], [-2.63466001]),
    'batchnorm/da': ([4, 3], [-0.797996759, -1.79779708, 0, 0.39899838, 3.59559417, -1.20131052, -0.19949919, 0.898898542, 1.20131052, -0.797996759, -1.79779708, 0]),
    'batchnorm/db': ([3], [1.39649439, -0.898898482, -0]),
    'batchnorm/dc': ([3], [0.661353171, 0.042505458, 1.12266552]),
    'batchnorm/dd': ([3], [-2.33333349, 0.333333313, 0]),
    'batchnorm/de': ([3], [-2.95412302, -0.0303937402, -2.17820048]),
    'batchnorm/no_affine': ([4, 3], [-1.33912849, -1.33912861, 0.758921385, -0.446376145, -0.446376324, 1.19259083, 0.446376264, 0.446376085, -1.19259071, 1.33912849, 1.33912849, -0.758921385]),
    'batchnorm/value': ([4, 3], [-0.74640882, -0.665643454, 2.73878384, -0.470179141, 0.578985214, 3.29323506, -0.193949461, 1.82361388, 0.243754447, 0.082280159, 3.06824279, 0.798205376]),
    'hinge': ([], [0.970588207]),
    'hinge/da': ([4, 3], [0, -0, -0.0833333358, -0, 0.0833333358, 0, -0, -0.0833333358, 0, 0.0833333358, 0.0833333358, -0.0833333358]),
    'hinge/full': ([], [2.87254906]),
    'moments': ([], [2.07692289]),
    'moments/da': ([4, 3], [0.0939560831, 0, 0.806043983, -0.182967037, 0, 1.08296716, -0.459890127, 0, -0.440109879, -0.736813188, 0, -0.163186818]),
    'moments/mean': ([3], [0.307692289, 1.46153855, 1.11538458]),
    'moments/mean_all': ([1, 1], [0.961538494]),
    'moments/var': ([3], [0.266272217, 0.266272217, 1.13165677]),
    'moments/var_all': ([1, 1], [0.788461506]),
    'mse/all_zero/batch': ([], [0]),
    'mse/all_zero/mean': ([], [0]),
    'mse/all_zero/none': ([4, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'mse/all_zero/nonzero': ([], [0]),
    'mse/all_zero/sum': ([], [0]),
    'mse/full/batch': ([], [0.704741061]),
    'mse/full/mean': ([], [0.994928598]),
    'mse/full/none': ([4, 3], [0.000440120406, 0, 4.31316948, 0, 0, 0, 1.20504665, 0.479289979, 0, 2.00826454, 0, 0.450682163]),
    'mse/full/nonzero': ([], [1.40948212]),
    'mse/full/sum': ([], [8.45689297]),
    'mse/per_example/batch': ([], [0.843653679]),
    'mse/per_example/mean': ([], [0.964175642]),
    'mse/per_example/none': ([4, 3], [0.000440120406, 0.602523327, 2.15658474, 0, 0, 0, 4.82018661, 0.958579957, 0.00792213716, 0.334710747, 1.01755583, 0.225341082]),
    'mse/per_example/nonzero': ([], [1.12487161]),
    'mse/per_example/sum': ([], [10.1238441]),
    'mse/scalar/batch': ([], [0.787135065]),
    'mse/scalar/mean': ([], [1.57427013]),
    'mse/scalar/none': ([4, 3], [0.000220060203, 0.301261663, 1.07829237, 2.61452889, 0.000880238949, 2.42615771, 1.20504665, 0.239644989, 0.00198053429, 0.334710747, 1.01755583, 0.225341082]),
    'mse/scalar/nonzero': ([], [0.787135065]),
    'mse/scalar/sum': ([], [9.44562054]),
    'mse/zero/batch': ([], [0]),
    'mse/zero/mean': ([], [0]),
    'mse/zero/none': ([4, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'mse/zero/nonzero': ([], [0]),
    'mse/zero/sum': ([], [0]),
    'mse_grad': ([], [1.40948212]),
    'mse_grad/da': ([4, 3], [-0.00699301576, -0, 0.979021013, -0, -0, 0, -0.25874126, 0.230769247, -0, -0.818181813, 0, 0.223776221]),
    'mse_mean_grad': ([], [1.61142087]),
    'mse_mean_grad/da': ([4, 3], [-0.00131943694, -0.0488191098, 0.0923604742, -0.402691692, -0.0073888395, 0.387914002, -0.44913578, 0.200290293, -0.0182081964, -0.113207556, 0.197387531, 0.0928882509]),
    'mse_mean_grad/db': ([4, 1], [-0.0913396254, 0.23108241, -0.0854492188, -0.0739203095]),
    'sigmoid': ([], [1.00771892]),
    'sigmoid/batch': ([], [1.02238941]),
    'sigmoid/da': ([4, 3], [0.00467215432, -0.0214611962, -0.00353880785, -0.00467215478, 0.0557908937, -0.0253370125, 0.060171172, -0.0343891121, -0.071149841, 0.0743838847, 0.0416666679, -0.0493838824]),
    'sigmoid/smooth': ([], [0.757878184]),
    'sigmoid/smooth/da': ([4, 3], [-0.00488157244, -0.0175038204, -0.0713850707, 0, 0, 0, 0.00490090251, -0.0694820881, 0.0102670994, 0.0440336987, 0.0222222228, -0.0440336987]),
    'softmax': ([], [1.71602905]),
    'softmax/da': ([4, 3], [0.00451441575, 0.219122037, -0.223636463, -0.0296949148, 0.0265058689, 0.00318903709, 0.220305085, -0.223494127, 0.00318903709, 0.220305085, -0.223494127, 0.00318903709]),
    'softmax/none': ([4], [2.24947929, 0, 4.48818874, 1.12204742]),
    'softmax/scalar_sum': ([], [20.5923481]),
    'softmax/smooth': ([], [2.61598372]),
    'softmax/smooth/da': ([4, 3], [-0.00509189069, 0.281051606, -0.27595973, -0, 0, -0, 0.565258026, -0.551539898, -0.0137181245, 0.141314507, -0.137884974, -0.00342953112]),
    'sparse': ([], [1.71602905]),
    'sparse/column_labels': ([], [2.61990523]),
    'sparse/da': ([4, 3], [0.00451441575, 0.219122037, -0.223636463, -0.0296949148, 0.0265058689, 0.00318903709, 0.220305085, -0.223494127, 0.00318903709, 0.220305085, -0.223494127, 0.00318903709]),
    'sparse/per_row': ([], [2.61990523]),
    'sparse/per_row/da': ([4, 3], [0.00601922115, 0.292162716, -0.298181951, -0, 0, 0, 0.587480247, -0.59598434, 0.00850409921, 0.146870062, -0.148996085, 0.0021260248]),
    'sparse/zero': ([], [0]),
    'total': ([], [104.287636]),
    'weighted/direct': ([], [0.570135772]),
}


@pytest.mark.parametrize("fn", ["softmax_cross_entropy_with_logits",
                                "sparse_softmax_cross_entropy_with_logits",
                                "sigmoid_cross_entropy_with_logits"])
def test_cross_entropies_take_labels_and_logits_by_name_only(fn):
    """TF 0.x's positional order was (logits, labels): TF1 refuses positional calls at the
    call, naming the keywords, instead of training on swapped roles."""
    logits = gf.zeros([2, 3])
    with pytest.raises(gf.errors.InvalidArgumentError,
                       match=rf"Only call `{fn}` with named arguments \(labels=\.\.\., logits="):
        getattr(gf.nn, fn)(logits, gf.zeros([2, 3]))
    with pytest.raises(gf.errors.InvalidArgumentError, match="needs both labels= and logits="):
        getattr(gf.nn, fn)(logits=logits)
    labels = gf.zeros([2], gf.int32) if fn.startswith("sparse") else gf.zeros([2, 3])
    assert getattr(gf.nn, fn)(labels=labels, logits=logits).shape.dims[0] == 2
