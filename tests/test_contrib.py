"""tf.contrib: the rnn aliases, layers.fully_connected / flatten / initializers /
l2_regularizer and seq2seq.sequence_loss, with TF1 contrib's names and semantics; under
``graphflow run`` ``tf.contrib.rnn.BasicLSTMCell`` works and a missing contrib name is the
one-line error."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as gf
from graphflow import tf1_names

contrib = gf.contrib


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def run(fetches, feed=None, backend="numba"):
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_contrib_rnn_names_are_the_core_ones():
    for name in ["BasicRNNCell", "BasicLSTMCell", "GRUCell", "LSTMCell", "MultiRNNCell",
                 "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "RNNCell",
                 "LSTMStateTuple"]:
        assert getattr(contrib.rnn, name) is getattr(gf.nn.rnn_cell, name)
    assert contrib.rnn.static_rnn is gf.nn.static_rnn
    assert contrib.rnn.static_bidirectional_rnn is gf.nn.static_bidirectional_rnn


@pytest.mark.parametrize("expression", ["gf.contrib.slim", "gf.contrib.rnn.NASCell",
                                        "gf.contrib.layers.batch_norm",
                                        "gf.contrib.seq2seq.BasicDecoder"])
def test_a_contrib_name_graphflow_lacks_is_a_missing_tf1_name(expression):
    with pytest.raises(tf1_names.MissingTF1NameError, match="is a TF1 name that graphflow "
                                                            "does not have"):
        eval(expression)


# -- layers --------------------------------------------------------------------------------

def test_fully_connected_names_relu_default_and_reuse():
    x = gf.placeholder(gf.float32, [None, 3])
    a = contrib.layers.fully_connected(x, 4)
    b = contrib.layers.fully_connected(x, 2, activation_fn=None, scope="fc")
    c = contrib.layers.fully_connected(x, 2, activation_fn=None, scope="fc", reuse=True)
    d = contrib.layers.fully_connected(x, 2, biases_initializer=None)
    assert [t.name for t in (a, b, c, d)] == ["fully_connected/Relu:0", "fc/BiasAdd:0",
                                             "fc_1/BiasAdd:0", "fully_connected_1/Relu:0"]
    names = ["fully_connected/weights:0", "fully_connected/biases:0", "fc/weights:0",
             "fc/biases:0", "fully_connected_1/weights:0"]
    assert [v.name for v in gf.global_variables()] == names
    assert [v.name for v in gf.get_collection("model_variables")] == names
    values = {x: np.random.default_rng(0).standard_normal((5, 3))}
    got_a, got_b, got_c, weights, biases = run([a, b, c] + gf.global_variables()[:2], values)
    np.testing.assert_allclose(got_a, np.maximum(values[x] @ weights + biases, 0), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_array_equal(got_b, got_c)
    assert not biases.any()  # zeros_initializer


def test_fully_connected_on_rank_3_inputs_with_a_normalizer_and_a_regularizer():
    x = gf.placeholder(gf.float32, [None, 4, 3])
    seen = []

    def normalizer(y, scale):
        seen.append(y)
        return y * scale

    y = contrib.layers.fully_connected(
        x, 2, activation_fn=gf.tanh, normalizer_fn=normalizer, normalizer_params={"scale": 2.0},
        weights_regularizer=contrib.layers.l2_regularizer(0.5),
        weights_initializer=gf.constant_initializer(0.1),
        variables_collections={"weights": ["mine"]})
    assert y.shape.as_list() == [None, 4, 2] and len(seen) == 1
    assert [v.name for v in gf.global_variables()] == ["fully_connected/weights:0"]
    assert gf.get_collection("mine") == gf.global_variables()
    (reg,) = gf.get_collection(gf.GraphKeys.REGULARIZATION_LOSSES)
    inputs = np.ones((2, 4, 3), np.float32)
    got, reg_value = run([y, reg], {x: inputs})
    np.testing.assert_allclose(got, np.tanh(2.0 * np.full((2, 4, 2), 0.3)), rtol=1e-6)
    np.testing.assert_allclose(reg_value, 0.5 * 6 * 0.01 / 2, rtol=1e-6)


def test_l2_regularizer_scales_and_a_zero_scale_adds_nothing():
    w = gf.constant([[1.0, 2.0], [3.0, 4.0]])
    reg = contrib.layers.l2_regularizer(0.1)(w)
    assert reg.name == "l2_regularizer:0"
    np.testing.assert_allclose(run(reg), 0.1 * 30 / 2, rtol=1e-6)
    assert contrib.layers.l2_regularizer(0.0)(w) is None
    np.testing.assert_allclose(run(contrib.layers.l2_regularizer(gf.constant(0.2))(w)), 3.0)
    with pytest.raises(ValueError, match="scale cannot be an integer"):
        contrib.layers.l2_regularizer(1)


def test_flatten_keeps_the_batch_and_names_its_scope():
    x = gf.placeholder(gf.float32, [None, 2, 3, 4])
    y = contrib.layers.flatten(x)
    assert y.name == "Flatten/flatten/Reshape:0" and y.shape.as_list() == [None, 24]
    assert run(y, {x: np.zeros((5, 2, 3, 4))}).shape == (5, 24)


@pytest.mark.parametrize("uniform", [True, False])
def test_xavier_initializer_spreads_as_contrib_does(uniform):
    fan_in, fan_out = 300, 200
    init = contrib.layers.xavier_initializer(uniform=uniform, seed=1)
    values = run(init([fan_in, fan_out]))
    n = (fan_in + fan_out) / 2
    if uniform:
        limit = np.sqrt(3.0 / n)
        assert values.max() <= limit and values.min() >= -limit
        assert abs(values.std() - limit / np.sqrt(3)) < 0.02 * limit
    else:  # a normal of stddev sqrt(1.3 / n), truncated at two stddevs
        stddev = np.sqrt(1.3 / n)
        assert np.abs(values).max() <= 2 * stddev
        assert abs(values.std() - 0.88 * stddev) < 0.03 * stddev
    he = run(contrib.layers.variance_scaling_initializer(seed=2)([fan_in, fan_out]))
    assert abs(he.std() - 0.88 * np.sqrt(1.3 * 2 / fan_in)) < 0.03 * np.sqrt(2 / fan_in)
    assert contrib.layers.xavier_initializer_conv2d is contrib.layers.xavier_initializer
    with pytest.raises(ValueError, match="Unknown mode"):
        contrib.layers.variance_scaling_initializer(mode="fan_in")


# -- seq2seq.sequence_loss -----------------------------------------------------------------

def _cross_entropy(logits, targets):
    shifted = logits - logits.max(-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_p, targets[..., None], -1)[..., 0]


def _div_no_nan(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


MODES = {  # (average_across_timesteps, average_across_batch, sum_over_timesteps, sum_over_batch)
    "mean": ((True, True, False, False), lambda xe, w: _div_no_nan(xe.sum(), w.sum())),
    "per_step": ((False, True, False, False),
                 lambda xe, w: _div_no_nan(xe.sum(0), w.sum(0))),
    "per_sequence": ((True, False, False, False),
                     lambda xe, w: _div_no_nan(xe.sum(1), w.sum(1))),
    "sum_both": ((False, False, True, True),
                 lambda xe, w: _div_no_nan(xe.sum(), np.count_nonzero(w))),
    "sum_time": ((False, False, True, False),
                 lambda xe, w: _div_no_nan(xe.sum(1), np.count_nonzero(w, 1))),
    "none": ((False, False, False, False), lambda xe, w: xe),
    "average_wins": ((False, True, True, False),  # TF1: averaging one axis, summing none
                     lambda xe, w: _div_no_nan(xe.sum(0), w.sum(0))),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_sequence_loss_reduces_as_contrib_does(mode):
    flags, reference = MODES[mode]
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((3, 4, 5))
    targets = rng.integers(0, 5, (3, 4))
    weights = (rng.uniform(size=(3, 4)) > 0.3).astype(np.float64)
    weights[1] = 0.0  # a sequence with no weight: its average is 0, not nan
    weights[:, 2] = 0.0
    lg = gf.placeholder(gf.float64, [None, None, 5])
    loss = contrib.seq2seq.sequence_loss(lg, targets, weights, *flags)
    got = run(loss, {lg: logits})
    xe = _cross_entropy(logits, targets) * weights
    np.testing.assert_allclose(got, reference(xe, weights), rtol=1e-10, atol=1e-12)
    errs = gf.test.check_gradients(loss, [lg], {lg: logits})
    assert max(errs) < 1e-6


def test_sequence_loss_refuses_to_average_and_sum_one_axis_and_checks_ranks():
    logits = gf.zeros([2, 3, 4])
    with pytest.raises(ValueError, match="average_across_timesteps and sum_over_timesteps "
                                         "cannot be set to True at same time"):
        contrib.seq2seq.sequence_loss(logits, gf.zeros([2, 3], gf.int32), gf.ones([2, 3]),
                                      sum_over_timesteps=True)
    with pytest.raises(ValueError, match="Logits must be a \\[batch_size x sequence_length"):
        contrib.seq2seq.sequence_loss(gf.zeros([2, 4]), gf.zeros([2, 3], gf.int32),
                                      gf.ones([2, 3]))


# -- under graphflow run ------------------------------------------------------------------

def test_a_tf1_program_using_contrib_runs_under_graphflow_run(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib import rnn
        from tensorflow.contrib.layers import fully_connected
        from tensorflow.python.ops import rnn_cell as internal

        xs = [tf.placeholder(tf.float32, [2, 3]) for _ in range(2)]
        cell = tf.contrib.rnn.MultiRNNCell([rnn.BasicLSTMCell(4), tf.nn.rnn_cell.GRUCell(3)])
        outputs, state = rnn.static_rnn(cell, xs, dtype=tf.float32)
        logits = tf.reshape(fully_connected(outputs[-1], 6, activation_fn=None), [2, 2, 3])
        loss = tf.contrib.seq2seq.sequence_loss(logits, tf.zeros([2, 2], tf.int32),
                                                tf.ones([2, 2]))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(np.isfinite(sess.run(loss, {x: np.ones((2, 3)) for x in xs})),
                  internal.GRUCell is tf.nn.rnn_cell.GRUCell)
        print(tf.contrib.rnn.LayerNormBasicLSTMCell)
    """))
    done = subprocess.run([sys.executable, "-m", "graphflow", "run", str(script)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 1 and done.stdout == "True True\n", done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(
        f"{script}:18: tf.contrib.rnn.LayerNormBasicLSTMCell is a TF1 name")
