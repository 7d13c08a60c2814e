"""gf.layers: TF1 names and variables, values against NumPy and TensorFlow, gradients."""

import os
import runpy

import numpy as np
import pytest

import graphflow as gf

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_programs")


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()
    yield


def run(fetches, feed=None, backend="numba"):
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        return sess.run(fetches, feed)


def names(items):
    return [t.name for t in items]


# -- a TF1 program, numbers from real TensorFlow --------------------------------------------

def compare(actual, expected, path):
    if isinstance(expected, dict) and "__array__" in expected:
        want = np.array(expected["__array__"], expected["dtype"]).reshape(expected["shape"])
        got = np.asarray(actual)
        assert (got.dtype, got.shape) == (want.dtype, want.shape), path
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=path)
    elif isinstance(expected, dict):
        assert sorted(actual) == sorted(expected), path
        for key in expected:
            compare(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, path


def test_tf1_layers_program_matches_tensorflow():
    """conv2d + pools + flatten + dense, an MLP with reuse, dropout and batch norm (training,
    update ops, inference): names, shapes, values and gradients as TF 2.x's tf.compat.v1."""
    expected = runpy.run_path(os.path.join(PROGRAMS, "layers_expected.py"))["EXPECTED"]
    results = runpy.run_path(os.path.join(PROGRAMS, "layers_program.py"))["RESULTS"]
    compare(results, expected, "RESULTS")


# -- dense -------------------------------------------------------------------------------

def test_dense_names_scopes_and_reuse():
    x = gf.placeholder(gf.float32, [None, 3])
    a = gf.layers.dense(x, 4)
    b = gf.layers.dense(x, 4, activation=gf.nn.relu)
    c = gf.layers.dense(x, 4, name="fc", use_bias=False)
    d = gf.layers.dense(x, 4, name="fc", use_bias=False, reuse=True)
    assert names([a, b, c, d]) == ["dense/BiasAdd:0", "dense_1/Relu:0", "fc/MatMul:0",
                                   "fc_1/MatMul:0"]
    assert names(gf.global_variables()) == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                            "dense_1/bias:0", "fc/kernel:0"]
    with pytest.raises(ValueError, match="Variable fc/kernel already exists"):
        gf.layers.dense(x, 4, name="fc", use_bias=False)
    with pytest.raises(ValueError, match="Variable new/kernel does not exist"):
        gf.layers.dense(x, 4, name="new", reuse=True)
    with gf.variable_scope("net"):
        gf.layers.dense(x, 2)
        gf.layers.dense(x, 2)
    with gf.variable_scope("net", reuse=True):
        shared = gf.layers.dense(x, 2)
    assert shared.name == "net_1/dense/BiasAdd:0"
    assert len(gf.global_variables("net")) == 4


def test_dense_values_against_numpy_and_rank_3_inputs():
    rng = np.random.default_rng(0)
    kernel, bias = rng.standard_normal((3, 4)), rng.standard_normal(4)
    x2 = gf.placeholder(gf.float64, [None, 3])
    x3 = gf.placeholder(gf.float64, [2, None, 3])
    y2 = gf.layers.dense(x2, 4, activation=gf.nn.relu, name="fc")
    y3 = gf.layers.dense(x3, 4, name="fc", reuse=True)
    assert y3.shape.as_list() == [2, None, 4] and y2.dtype == gf.float64
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((2, 4, 3))
    with gf.Session() as sess:
        for var, value in zip(gf.global_variables(), [kernel, bias]):
            var.load(value, sess)
        got2, got3 = sess.run([y2, y3], {x2: a, x3: b})
    np.testing.assert_allclose(got2, np.maximum(a @ kernel + bias, 0), rtol=1e-12)
    np.testing.assert_allclose(got3, b @ kernel + bias, rtol=1e-12)


def test_dense_initializers_regularizers_and_errors():
    x = gf.placeholder(gf.float32, [None, 2])
    gf.layers.dense(x, 3, kernel_initializer=gf.ones_initializer(),
                    bias_initializer=gf.constant_initializer(2.0),
                    kernel_regularizer=lambda w: gf.reduce_sum(w) * 0.5, trainable=False)
    kernel, bias = run(gf.global_variables())
    np.testing.assert_array_equal(kernel, np.ones((2, 3)))
    np.testing.assert_array_equal(bias, [2.0, 2.0, 2.0])
    assert gf.trainable_variables() == []
    (loss,) = gf.get_collection(gf.GraphKeys.REGULARIZATION_LOSSES)
    assert run(loss) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="last dimension of the inputs should be defined"):
        gf.layers.dense(gf.placeholder(gf.float32, [None, None]), 3)
    for shape in ([3], []):  # a raw IndexError for a scalar; a vector TF1 refuses too
        with pytest.raises(gf.errors.ShapeError, match="expected min_ndim=2, found ndim="):
            gf.layers.dense(gf.placeholder(gf.float32, shape), 3)
        with pytest.raises(gf.errors.ShapeError, match="expected min_ndim=2"):
            gf.layers.Dense(3)(gf.placeholder(gf.float32, shape))
    with pytest.raises(NotImplementedError, match="kernel_constraint"):
        gf.layers.dense(x, 3, kernel_constraint=lambda w: w)


# -- conv2d, pooling, flatten --------------------------------------------------------------

def conv_reference(x, k, stride, padding):
    """Direct NHWC cross-correlation (TF's SAME padding puts the odd pad at the end)."""
    kh, kw = k.shape[:2]
    if padding == "same":
        oh, ow = -(-x.shape[1] // stride), -(-x.shape[2] // stride)
        ph = max((oh - 1) * stride + kh - x.shape[1], 0)
        pw = max((ow - 1) * stride + kw - x.shape[2], 0)
        x = np.pad(x, [(0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)])
    oh, ow = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, k.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=3)
    return out


@pytest.mark.parametrize("padding, stride, backend", [("valid", 1, "numba"), ("same", 2, "numba"),
                                                      ("same", 2, "numpy")])
def test_conv2d_against_numpy(padding, stride, backend):
    rng = np.random.default_rng(1)
    images = rng.standard_normal((2, 5, 6, 3))
    kernel, bias = rng.standard_normal((3, 2, 3, 4)), rng.standard_normal(4)
    x = gf.placeholder(gf.float64, [None, 5, 6, 3])
    y = gf.layers.conv2d(x, 4, (3, 2), strides=stride, padding=padding,
                         kernel_initializer=gf.constant_initializer(kernel),
                         bias_initializer=gf.constant_initializer(bias))
    assert names(gf.global_variables()) == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert gf.global_variables()[0].shape.as_list() == [3, 2, 3, 4]
    got = run(y, {x: images}, backend)
    assert list(got.shape[1:]) == y.shape.as_list()[1:]
    np.testing.assert_allclose(got, conv_reference(images, kernel, stride, padding) + bias,
                               rtol=1e-10, atol=1e-12)


def test_channels_first_layers_agree_with_channels_last():
    rng = np.random.default_rng(2)
    images = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    nhwc = gf.placeholder(gf.float32, [None, 6, 6, 3])
    nchw = gf.placeholder(gf.float32, [None, 3, 6, 6])
    init = gf.constant_initializer(rng.standard_normal((3, 3, 3, 2)) * 0.3)
    bias = gf.constant_initializer([0.5, -0.5])
    last = gf.layers.max_pooling2d(gf.layers.conv2d(nhwc, 2, 3, kernel_initializer=init,
                                                    bias_initializer=bias), 2, 2)
    first = gf.layers.max_pooling2d(
        gf.layers.conv2d(nchw, 2, 3, kernel_initializer=init, bias_initializer=bias,
                         data_format="channels_first"), 2, 2, data_format="channels_first")
    flat_last, flat_first = gf.layers.flatten(last), gf.layers.flatten(
        first, data_format="channels_first")
    a, b, fa, fb = run([last, first, flat_last, flat_first],
                       {nhwc: images, nchw: images.transpose(0, 3, 1, 2)})
    np.testing.assert_allclose(b.transpose(0, 2, 3, 1), a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fa, fb, rtol=1e-5, atol=1e-6)


def test_pooling_values_names_and_flatten_shapes():
    images = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1)
    x = gf.placeholder(gf.float32, [None, 4, 4, 1])
    mx = gf.layers.max_pooling2d(x, 2, 2)
    av = gf.layers.average_pooling2d(x, (2, 2), (2, 2), name="avg")
    assert names([mx, av]) == ["max_pooling2d/MaxPool:0", "avg/AvgPool:0"]
    got_max, got_avg = run([mx, av], {x: images})
    blocks = images.reshape(2, 2, 2, 2, 2, 1)
    np.testing.assert_array_equal(got_max, blocks.max(axis=(2, 4)))
    np.testing.assert_allclose(got_avg, blocks.mean(axis=(2, 4)))
    assert gf.layers.flatten(x).shape.as_list() == [None, 16]
    unknown = gf.placeholder(gf.float32, [3, None, 2])
    anything = gf.placeholder(gf.float32, None)
    flat_unknown, flat_anything = gf.layers.flatten(unknown), gf.layers.flatten(anything)
    assert flat_unknown.shape.as_list()[0] == 3
    a, b = run([flat_unknown, flat_anything], {unknown: np.ones((3, 5, 2)),
                                               anything: np.ones((4, 2, 3))})
    assert a.shape == (3, 10) and b.shape == (4, 6)
    assert run(gf.layers.flatten(gf.constant([1.0, 2.0]))).shape == (2, 1)


# -- dropout --------------------------------------------------------------------------------

def test_dropout_training_as_a_bool_or_a_placeholder():
    x = gf.ones([200, 50])
    training = gf.placeholder(gf.bool, [])
    switched = gf.layers.dropout(x, rate=0.25, training=training, seed=1)
    off = gf.layers.dropout(x, training=False)
    on = gf.layers.dropout(x, rate=0.25, training=True, seed=1)
    assert names([off]) == ["dropout_1/Identity:0"]
    with gf.Session() as sess:
        kept = sess.run(switched, {training: True})
        plain = sess.run(switched, {training: False})
        always = sess.run(on)
        np.testing.assert_array_equal(sess.run(off), np.ones((200, 50)))
    np.testing.assert_array_equal(plain, np.ones((200, 50)))
    for values in (kept, always):
        assert set(np.unique(values)) <= {0.0, np.float32(1 / 0.75)}
        assert abs((values == 0).mean() - 0.25) < 0.02
    with pytest.raises(TypeError, match="bool"):
        gf.layers.dropout(x, training=gf.placeholder(gf.float32, []))


# -- batch normalization --------------------------------------------------------------------

def bn_numpy(x, axes, mean, var, gamma, beta, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def test_batch_normalization_variables_training_inference_and_updates():
    rng = np.random.default_rng(3)
    data = rng.standard_normal((8, 3)) * 2 + 1
    x = gf.placeholder(gf.float64, [None, 3])
    y = gf.layers.batch_normalization(x, training=True, momentum=0.9, epsilon=1e-3)
    updates = gf.get_collection(gf.GraphKeys.UPDATE_OPS)
    y_infer = gf.layers.batch_normalization(x, name="batch_normalization", reuse=True)
    assert names(gf.global_variables()) == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert names(gf.trainable_variables()) == names(gf.global_variables())[:2]
    assert [op.name for op in updates] == ["batch_normalization/AssignMovingAvg",
                                           "batch_normalization/AssignMovingAvg_1"]
    gamma, beta, moving_mean, moving_var = gf.global_variables()
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        gamma.load([1.0, 2.0, 0.5], sess)
        beta.load([0.0, -1.0, 3.0], sess)
        got = sess.run(y, {x: data})
        sess.run(updates, {x: data})
        means, variances = sess.run([moving_mean, moving_var])
        inferred = sess.run(y_infer, {x: data})
    mean, var = data.mean(0), data.var(0)  # biased for 2-D inputs (TF1's non-fused path)
    np.testing.assert_allclose(got, bn_numpy(data, 0, mean, var, [1, 2, .5], [0, -1, 3], 1e-3),
                               rtol=1e-10)
    np.testing.assert_allclose(means, 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(variances, 0.9 + 0.1 * var, rtol=1e-12)
    np.testing.assert_allclose(inferred, bn_numpy(data, 0, means, variances, [1, 2, .5],
                                                  [0, -1, 3], 1e-3), rtol=1e-10)


def test_batch_normalization_training_placeholder_and_axis_1():
    rng = np.random.default_rng(4)
    data = (rng.standard_normal((4, 2, 3, 3)) * 3 + 2).astype(np.float32)
    x = gf.placeholder(gf.float32, [None, 2, 3, 3])
    training = gf.placeholder(gf.bool, [])
    y = gf.layers.batch_normalization(x, axis=1, training=training, center=False, scale=False)
    assert names(gf.global_variables()) == ["batch_normalization/moving_mean:0",
                                            "batch_normalization/moving_variance:0"]
    moving_mean, moving_var = gf.global_variables()
    updates = gf.get_collection(gf.GraphKeys.UPDATE_OPS)
    mean, var = data.mean((0, 2, 3)), data.var((0, 2, 3))
    shaped = (1, 2, 1, 1)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        inferred, _ = sess.run([y, updates], {x: data, training: False})
        np.testing.assert_array_equal(sess.run(moving_mean), [0, 0])  # no update when false
        np.testing.assert_allclose(inferred, data / np.sqrt(1 + 1e-3), rtol=1e-5)
        trained, _ = sess.run([y, updates], {x: data, training: True})
        np.testing.assert_allclose(
            trained, (data - mean.reshape(shaped)) / np.sqrt(var.reshape(shaped) + 1e-3),
            rtol=1e-4, atol=1e-5)
        n = data.size / 2  # 4-D inputs: TF1's fused kernel feeds the unbiased variance
        np.testing.assert_allclose(sess.run(moving_mean), 0.01 * mean, rtol=1e-5)
        np.testing.assert_allclose(sess.run(moving_var), 0.99 + 0.01 * var * n / (n - 1),
                                   rtol=1e-5)


# -- gradients (float64, against finite differences) -----------------------------------------

def test_layer_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    images = gf.placeholder(gf.float64, [2, 5, 5, 2])
    conv = gf.layers.conv2d(images, 3, 3, strides=2, padding="same", activation=gf.nn.tanh)
    pooled = gf.layers.average_pooling2d(conv, 2, 1)
    normed = gf.layers.batch_normalization(gf.layers.flatten(pooled), training=True)
    out = gf.layers.dense(normed, 2, activation=gf.nn.sigmoid)
    feed = {images: rng.standard_normal((2, 5, 5, 2))}
    errors = gf.test.check_gradients(out, [images] + gf.trainable_variables(), feed)
    assert max(errors) < 1e-6, errors


@pytest.mark.parametrize("shape, axis, dtype, unbiased", [
    ((2, 2, 2, 2, 3), -1, gf.float32, True), ((2, 2, 2, 3), -1, gf.float64, False),
    ((3, 4, 3), -1, gf.float32, False)])
def test_moving_variance_is_unbiased_exactly_where_tf1_fuses(shape, axis, dtype, unbiased):
    """TF 2.21's tf.compat.v1 layer takes its fused kernel for float32 4-D/5-D inputs only."""
    data = np.random.default_rng(6).standard_normal(shape).astype(dtype.np) * 2
    gf.layers.batch_normalization(gf.constant(data), axis=axis, training=True)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(gf.get_collection(gf.GraphKeys.UPDATE_OPS))
        moving_var = sess.run(gf.global_variables()[-1])
    reduced = tuple(range(len(shape) - 1))
    want = 0.99 + 0.01 * data.var(reduced, ddof=1 if unbiased else 0)
    np.testing.assert_allclose(moving_var, want, rtol=1e-5)


def test_a_variable_scope_initializer_reaches_layer_kernels_not_biases():
    x = gf.placeholder(gf.float32, [None, 3])
    with gf.variable_scope("init", initializer=gf.constant_initializer(0.5)):
        gf.layers.dense(x, 2)  # TF1: kernel from the scope, bias keeps zeros_initializer()
    kernel, bias = run(gf.global_variables())
    np.testing.assert_array_equal(kernel, np.full((3, 2), 0.5))
    np.testing.assert_array_equal(bias, [0.0, 0.0])


def test_bad_layer_arguments_are_graphflow_errors_at_the_users_line():
    x = gf.placeholder(gf.float32, [None, 8, 8, 3])
    for build in (lambda: gf.layers.batch_normalization(x, axis=7),
                  lambda: gf.layers.batch_normalization(x, axis=-5),
                  lambda: gf.layers.max_pooling2d(x, 2, 2, padding=3),
                  lambda: gf.layers.conv2d(x, 2, 3, strides="a"),
                  lambda: gf.layers.conv2d(x, 2, 0),
                  lambda: gf.layers.dense(gf.layers.flatten(x), "ten")):
        with pytest.raises(gf.errors.GraphflowError) as info:
            build()
        assert __file__ in str(info.value)


def test_a_zero_size_filter_is_refused():
    x = gf.placeholder(gf.float32, [None, 8, 8, 3])
    with pytest.raises(gf.errors.ShapeError, match="must be at least 1"):
        gf.nn.conv2d(x, np.zeros((0, 0, 3, 2), np.float32), 1, "VALID")


def test_layer_objects_share_their_variables_across_calls():
    x = gf.placeholder(gf.float32, [None, 3])
    layer = gf.layers.Dense(4, activation=gf.nn.relu, name="fc")
    assert not layer.built and layer.units == 4 and layer.name == "fc"
    first = layer(x)
    count = len(gf.global_variables())
    second = layer.apply(x * 2.0)
    assert len(gf.global_variables()) == count and layer.built
    assert [v.name for v in layer.trainable_variables] == ["fc/kernel:0", "fc/bias:0"]
    drop = gf.layers.Dropout(rate=0.5, seed=1)
    kept, dropped = drop(first), drop(first, training=True)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        xv = np.ones((2, 3), np.float32)
        k, b = sess.run([layer.kernel, layer.bias])
        a, c, kv, dv = sess.run([first, second, kept, dropped], {x: xv})
    np.testing.assert_allclose(a, np.maximum(xv @ k + b, 0), rtol=1e-6)
    np.testing.assert_allclose(c, np.maximum(2 * xv @ k + b, 0), rtol=1e-6)
    np.testing.assert_array_equal(kv, a)
    assert set(np.unique(dv[a > 0] / a[a > 0]).round(5)) <= {0.0, 2.0}
    with pytest.raises(gf.errors.DTypeError, match="unexpected or repeated arguments"):
        gf.layers.Conv2D(3, 2, kernel=1)


def test_layer_objects_read_like_tf1s():
    with gf.variable_scope("outer"):
        fc = gf.layers.Dense(4, name="fc")
        fc(gf.zeros([2, 3]))
    assert fc.name == "fc" and fc.use_bias is True and fc.activation is None
    assert [v.name for v in fc.variables] == ["outer/fc/kernel:0", "outer/fc/bias:0"]
    assert gf.layers.Dense(2, None, False)(gf.zeros([1, 3])) is not None  # positional
    bare = gf.layers.Dense(2, None, False)
    bare(gf.zeros([1, 3]))
    assert bare.bias is None and bare.use_bias is False
    conv = gf.layers.Conv2D(2, 3, 2, "same")
    assert conv.kernel_size == (3, 3) and conv.strides == (2, 2) and conv.padding == "same"
    with gf.variable_scope("shared"):
        gf.layers.dense(gf.zeros([1, 3]), 2, name="d")
    with gf.variable_scope("shared", reuse=True):
        again = gf.layers.Dense(2, name="d")
        again(gf.zeros([1, 3]))
    assert [v.name for v in again.variables] == ["shared/d/kernel:0", "shared/d/bias:0"]
    norm = gf.layers.BatchNormalization()
    norm(gf.ones([4, 3]), training=True)
    assert len(norm.updates) == 2 and set(norm.updates) <= set(
        gf.get_collection(gf.GraphKeys.UPDATE_OPS))
    with gf.Graph().as_default():
        assert [v.name for v in fc.trainable_variables] == ["outer/fc/kernel:0",
                                                             "outer/fc/bias:0"]
        with pytest.raises(gf.errors.InvalidArgumentError, match="another graph"):
            fc(gf.zeros([2, 3]))
