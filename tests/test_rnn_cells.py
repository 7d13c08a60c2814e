"""tf.nn.rnn_cell, static_rnn and static_bidirectional_rnn: TF1's variable names and numbers
(tests/tf1_programs/rnn_cells_program.py against TensorFlow), each cell's gradients against
finite differences on the numpy and numba backends, dropout and the protocol's edges."""

import os
import runpy

import numpy as np
import pytest

import graphflow as gf

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_programs")
rnn = gf.nn.rnn_cell
BACKENDS = ["numpy", "numba"]


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def _array(spec):
    return np.array(spec["__array__"], spec["dtype"]).reshape(spec["shape"])


def _tuples(items):
    return [tuple(item) for item in items]


# -- a TF1 program, numbers from real TensorFlow ---------------------------------------------

def test_the_rnn_cells_program_matches_tensorflow():
    """Every cell, wrapper and static RNN (with and without sequence_length): variable names
    and shapes, zero state, output and state values, and the gradients of a loss of all of
    them with respect to the inputs and every variable, as TF 2.x's tf.compat.v1."""
    expected = runpy.run_path(os.path.join(PROGRAMS, "rnn_cells_expected.py"))["EXPECTED"]
    results = runpy.run_path(os.path.join(PROGRAMS, "rnn_cells_program.py"))["RESULTS"]
    assert _tuples(results["variables"]) == _tuples(expected["variables"])
    assert _tuples(results["zero_state"]) == _tuples(expected["zero_state"])
    for key, names in expected["tensor_names"].items():
        if not any("/cond" in n for n in names):  # TF1 masks steps with cond; we use where
            assert results["tensor_names"][key] == names, key
    assert sorted(results["values"]) == sorted(expected["values"])
    for key, values in expected["values"].items():
        assert len(results["values"][key]) == len(values), key
        for i, (got, want) in enumerate(zip(results["values"][key], values)):
            np.testing.assert_allclose(got, _array(want), rtol=1e-5, atol=1e-6,
                                       err_msg=f"{key}[{i}]")
    for i, (got, want) in enumerate(zip(results["grads"], expected["grads"], strict=True)):
        np.testing.assert_allclose(got, _array(want), rtol=1e-4, atol=1e-5,
                                   err_msg=f"grads[{i}]")
    for got, want in zip(results["zero_values"], expected["zero_values"], strict=True):
        np.testing.assert_array_equal(got, _array(want))


# -- names and sharing -------------------------------------------------------------------------

def _names():
    return [v.op.name for v in gf.global_variables()]


def test_default_scope_names_are_the_snake_case_class_names_made_unique():
    x = gf.placeholder(gf.float32, [2, 3])
    for cell in [rnn.BasicRNNCell(2), rnn.BasicLSTMCell(2), rnn.LSTMCell(2), rnn.GRUCell(2),
                 rnn.BasicRNNCell(2)]:
        cell(x, cell.zero_state(2, gf.float32))
    assert _names() == [
        "basic_rnn_cell/kernel", "basic_rnn_cell/bias", "basic_lstm_cell/kernel",
        "basic_lstm_cell/bias", "lstm_cell/kernel", "lstm_cell/bias", "gru_cell/gates/kernel",
        "gru_cell/gates/bias", "gru_cell/candidate/kernel", "gru_cell/candidate/bias",
        "basic_rnn_cell_1/kernel", "basic_rnn_cell_1/bias"]


def test_a_cell_keeps_its_first_scope_and_shares_its_variables():
    x = gf.placeholder(gf.float32, [2, 3])
    cell = rnn.BasicLSTMCell(4)
    state = cell.zero_state(2, gf.float32)
    with gf.variable_scope("first"):
        out, state = cell(x, state)
    with gf.variable_scope("second"):
        out2, _ = cell(x, state, scope="ignored")
    assert _names() == ["first/basic_lstm_cell/kernel", "first/basic_lstm_cell/bias"]
    assert cell.variables == gf.global_variables() and cell.built
    assert (out.name, out2.name) == ("first/basic_lstm_cell/Mul_2:0",
                                     "first/basic_lstm_cell/Mul_5:0")
    named = rnn.GRUCell(2, name="enc")
    named(x, named.zero_state(2, gf.float32))
    again = rnn.GRUCell(2, name="enc")
    again(x, again.zero_state(2, gf.float32))
    scoped = rnn.BasicRNNCell(2)
    scoped(x, scoped.zero_state(2, gf.float32), scope="mine")
    assert [n for n in _names() if "kernel" in n][1:] == [
        "enc/gates/kernel", "enc/candidate/kernel", "enc_1/gates/kernel",
        "enc_1/candidate/kernel", "mine/kernel"]


def test_multi_rnn_cell_names_and_a_cell_given_twice_shares_its_weights():
    x = [gf.placeholder(gf.float32, [2, 3]) for _ in range(2)]
    shared = rnn.GRUCell(3)
    gf.nn.static_rnn(rnn.MultiRNNCell([shared, shared]), x, dtype=gf.float32)
    assert _names() == ["rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel",
                        "rnn/multi_rnn_cell/cell_0/gru_cell/gates/bias",
                        "rnn/multi_rnn_cell/cell_0/gru_cell/candidate/kernel",
                        "rnn/multi_rnn_cell/cell_0/gru_cell/candidate/bias"]


def test_lstm_cell_projection_and_peephole_names_and_the_state_sizes():
    cell = rnn.LSTMCell(4, use_peepholes=True, num_proj=3)
    assert cell.state_size == rnn.LSTMStateTuple(4, 3) and cell.output_size == 3
    assert rnn.LSTMCell(4, num_proj=3, state_is_tuple=False).state_size == 7
    assert rnn.MultiRNNCell([cell, rnn.GRUCell(2)]).state_size == ((4, 3), 2)
    gf.nn.static_rnn(cell, [gf.placeholder(gf.float32, [None, 2])], dtype=gf.float32,
                     scope="s")
    assert _names() == ["s/lstm_cell/kernel", "s/lstm_cell/bias", "s/lstm_cell/w_f_diag",
                        "s/lstm_cell/w_i_diag", "s/lstm_cell/w_o_diag",
                        "s/lstm_cell/projection/kernel"]


def test_a_second_static_rnn_in_the_same_scope_collides_as_in_tf1():
    x = [gf.placeholder(gf.float32, [2, 3])]
    gf.nn.static_rnn(rnn.BasicLSTMCell(2), x, dtype=gf.float32)
    with pytest.raises(ValueError, match="rnn/basic_lstm_cell/kernel already exists"):
        gf.nn.static_rnn(rnn.BasicLSTMCell(2), x, dtype=gf.float32)
    with gf.variable_scope(gf.get_variable_scope(), reuse=True):  # a new cell, same weights
        gf.nn.static_rnn(rnn.BasicLSTMCell(2), x, dtype=gf.float32)
    assert len(gf.global_variables()) == 2


def test_the_scope_initializer_reaches_the_kernels_not_the_biases():
    x = gf.placeholder(gf.float32, [1, 2])
    with gf.variable_scope("init", initializer=gf.constant_initializer(0.5)):
        cell = rnn.GRUCell(2)
        cell(x, cell.zero_state(1, gf.float32))
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        values = dict(zip(_names(), sess.run(gf.global_variables())))
    assert (values["init/gru_cell/gates/kernel"] == 0.5).all()
    assert (values["init/gru_cell/gates/bias"] == 1.0).all()  # TF1's gate bias
    assert (values["init/gru_cell/candidate/bias"] == 0.0).all()


# -- gradients against finite differences -----------------------------------------------------

def _lstm_state(c, h):
    return rnn.LSTMStateTuple(c, h)


GRADIENT_CELLS = {
    "basic_rnn": (lambda: rnn.BasicRNNCell(3, activation="relu"), [3]),
    "gru": (lambda: rnn.GRUCell(3), [3]),
    "basic_lstm": (lambda: rnn.BasicLSTMCell(3, forget_bias=0.3), [3, 3]),
    "basic_lstm_flat": (lambda: rnn.BasicLSTMCell(2, state_is_tuple=False), [4]),
    "lstm_peepholes_projection": (
        lambda: rnn.LSTMCell(3, use_peepholes=True, num_proj=2, cell_clip=5.0,
                             proj_clip=5.0), [3, 2]),
    "multi": (lambda: rnn.MultiRNNCell([rnn.LSTMCell(2), rnn.GRUCell(3)]), [2, 2, 3]),
    "residual_dropout": (lambda: rnn.ResidualWrapper(rnn.DropoutWrapper(
        rnn.GRUCell(3), input_keep_prob=gf.placeholder_with_default(
            np.float64(1.0), []))), [3]),
}


def _pack_state(cell, leaves):
    return gf.nest.pack_sequence_as(cell.state_size, leaves)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(GRADIENT_CELLS))
def test_each_cells_gradients_match_finite_differences(name, backend):
    make, state_depths = GRADIENT_CELLS[name]
    rng = np.random.default_rng(3)
    cell = make()
    x = gf.placeholder(gf.float64, [2, 3], name="x")
    states = [gf.placeholder(gf.float64, [2, d], name=f"s{i}")
              for i, d in enumerate(state_depths)]
    output, new_state = cell(x, _pack_state(cell, states))
    y = gf.concat([output] + gf.nest.flatten(new_state), 1)
    feed = {x: rng.uniform(-1, 1, (2, 3))}
    feed.update({s: rng.uniform(-1, 1, (2, d)) for s, d in zip(states, state_depths)})
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for v in gf.global_variables():  # biases away from 0: no cancelling terms
            v.load(rng.uniform(-0.8, 0.8, v.shape.as_list()), sess)
        errs = gf.test.check_gradients(y, [x, *states, *cell.trainable_variables], feed,
                                       session=sess)
    assert max(errs) < 1e-6, dict(zip(["x", *map(str, states), *_names()], errs))


@pytest.mark.parametrize("backend", BACKENDS)
def test_static_rnns_gradients_with_sequence_lengths(backend):
    xs = [gf.placeholder(gf.float64, [2, 2], name=f"x{t}") for t in range(3)]
    lengths = gf.constant([3, 2])
    outputs, state = gf.nn.static_rnn(rnn.BasicLSTMCell(2), xs, dtype=gf.float64,
                                      sequence_length=lengths)
    both, fw, bw = gf.nn.static_bidirectional_rnn(rnn.GRUCell(2), rnn.BasicRNNCell(2), xs,
                                                  dtype=gf.float64, sequence_length=[1, 3])
    y = gf.concat(outputs + both + list(state) + [fw, bw], 1)
    rng = np.random.default_rng(5)
    feed = {x: rng.uniform(-1, 1, (2, 2)) for x in xs}
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        errs = gf.test.check_gradients(y, xs + gf.trainable_variables(), feed, session=sess)
    assert max(errs) < 1e-6, errs


# -- static_rnn's masking and the reversal ----------------------------------------------------

def test_static_rnn_zeros_outputs_past_each_length_and_carries_the_state_through():
    xs = [gf.placeholder(gf.float32, [None, 2]) for _ in range(3)]
    lengths = gf.placeholder(gf.int32, [None])
    cell = rnn.BasicRNNCell(2)
    masked, masked_state = gf.nn.static_rnn(cell, xs, dtype=gf.float32,
                                            sequence_length=lengths)
    full, _ = gf.nn.static_rnn(cell, xs, dtype=gf.float32, scope="again")  # same weights
    feed = {x: np.full((3, 2), t + 1.0, np.float32) for t, x in enumerate(xs)}
    feed[lengths] = [0, 2, 3]
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        got, state, want = sess.run([masked, masked_state, full], feed)
    for t in range(3):
        for b, n in enumerate([0, 2, 3]):
            np.testing.assert_allclose(got[t][b], want[t][b] if t < n else 0.0)
    np.testing.assert_allclose(state, [[0, 0], want[1][1], want[2][2]], rtol=1e-6)
    assert masked[0].shape.as_list() == [None, 2]


def test_reverse_sequence_reverses_each_rows_prefix():
    x = np.arange(24).reshape(2, 4, 3)
    got = gf.reverse_sequence(x, [3, 0], seq_axis=1, batch_axis=0)
    other = gf.reverse_sequence(np.transpose(x, [1, 0, 2]), [3, 0], seq_dim=0, batch_dim=1)
    with gf.Session() as sess:
        got, other = sess.run([got, other])
    want = x.copy()
    want[0, :3] = x[0, 2::-1]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(other, np.transpose(want, [1, 0, 2]))


# -- dropout ----------------------------------------------------------------------------------

def test_dropout_wrapper_keeps_or_scales_and_never_drops_an_lstms_memory():
    x = gf.ones([200, 4])
    cell = rnn.DropoutWrapper(rnn.BasicLSTMCell(4, forget_bias=50.0), input_keep_prob=0.5,
                              output_keep_prob=0.5, state_keep_prob=0.5, seed=3)
    state = rnn.LSTMStateTuple(gf.ones([200, 4]), gf.ones([200, 4]))
    output, (c, h) = cell(x, state)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        out, c_value, h_value = sess.run([output, c, h])
    # output and h are the same tensor dropped twice, independently
    assert 0.3 < np.mean(out == 0) < 0.7 and 0.3 < np.mean(h_value == 0) < 0.7
    assert 0.1 < np.mean((out == 0) != (h_value == 0))
    kept = (out != 0) & (h_value != 0)
    np.testing.assert_allclose(out[kept], h_value[kept])  # both scaled by 1 / 0.5
    assert np.all(c_value != 0)  # the memory c is never dropped (TF1's default filter)
    assert cell.state_size == rnn.LSTMStateTuple(4, 4) and cell.output_size == 4


def test_a_keep_probability_of_one_adds_no_random_op_and_a_tensor_one_keeps_everything():
    x = gf.placeholder(gf.float32, [2, 3])
    cell = rnn.DropoutWrapper(rnn.GRUCell(2))
    cell(x, cell.zero_state(2, gf.float32))
    assert not [op for op in gf.get_default_graph().get_operations()
                if "Random" in op.type and "/Initializer/" not in op.name]
    keep = gf.placeholder(gf.float32, [])
    wrapped = rnn.DropoutWrapper(rnn.GRUCell(2), output_keep_prob=keep)
    out, _ = wrapped(x, wrapped.zero_state(2, gf.float32))
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        assert sess.run(out, {x: np.ones((2, 3)), keep: 1.0}).shape == (2, 2)
    with pytest.raises(ValueError, match="input_keep_prob must be between 0 and 1"):
        rnn.DropoutWrapper(rnn.GRUCell(2), input_keep_prob=1.5)


def test_variational_dropout_uses_one_mask_for_every_step():
    xs = [gf.ones([1, 8])] * 3
    cell = rnn.DropoutWrapper(rnn.BasicRNNCell(8, activation=lambda v: v * 0 + 1.0),
                              output_keep_prob=0.5, variational_recurrent=True,
                              dtype=gf.float32, seed=1)
    outputs, _ = gf.nn.static_rnn(cell, xs, dtype=gf.float32)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        got = sess.run(outputs)
    assert set(np.unique(got)) <= {0.0, 2.0}
    np.testing.assert_array_equal(got[0], got[1])
    np.testing.assert_array_equal(got[0], got[2])


# -- the protocol's edges ---------------------------------------------------------------------

def test_zero_state_with_a_tensor_batch_size_and_get_initial_state():
    x = gf.placeholder(gf.float64, [None, 3])
    cell = rnn.MultiRNNCell([rnn.BasicLSTMCell(2), rnn.GRUCell(3)])
    zero = cell.zero_state(gf.shape(x)[0], gf.float64)
    initial = rnn.LSTMCell(2, num_proj=1).get_initial_state(inputs=gf.zeros([5, 3]))
    assert [t.shape.as_list() for t in gf.nest.flatten(zero)] == [[None, 2], [None, 2],
                                                                  [None, 3]]
    assert [t.shape.as_list() for t in initial] == [[5, 2], [5, 1]]
    assert isinstance(zero[0], rnn.LSTMStateTuple) and zero[0].dtype == gf.float64
    with gf.Session() as sess:
        assert sess.run(zero, {x: np.ones((4, 3))})[1].shape == (4, 3)


def test_errors_name_the_problem():
    cell = rnn.BasicRNNCell(2)
    with pytest.raises(TypeError, match="RNN cell only supports floating point inputs"):
        cell(gf.placeholder(gf.int32, [2, 3]), gf.zeros([2, 2]))
    with pytest.raises(ValueError, match="inputs.shape\\[-1\\] to be known"):
        rnn.GRUCell(2)(gf.placeholder(gf.float32, [2, None]), gf.zeros([2, 2]))
    with pytest.raises(ValueError, match="argument `dtype` must be specified"):
        gf.nn.static_rnn(rnn.GRUCell(2), [gf.zeros([2, 3])])
    with pytest.raises(TypeError, match="must be a sequence"):
        gf.nn.static_rnn(rnn.GRUCell(2), gf.zeros([2, 3]), dtype=gf.float32)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        rnn.MultiRNNCell([rnn.GRUCell(2), "cell"])
    with pytest.raises(gf.errors.UnimplementedError, match="num_unit_shards"):
        rnn.LSTMCell(2, num_unit_shards=2)


def test_device_wrapper_puts_the_cell_and_its_zero_state_on_the_device():
    x = gf.placeholder(gf.float32, [2, 3])
    cell = rnn.DeviceWrapper(rnn.GRUCell(2), "/cpu:0")
    zero = cell.zero_state(2, gf.float32)
    output, _ = cell(x, zero)
    assert output.op.device == zero.op.device == "/device:CPU:0" and x.op.device == ""
    assert cell.variables == gf.global_variables() and cell.output_size == 2


class MinimalGRU(rnn.RNNCell):
    """A user's cell in TF1's style: its variables made with get_variable inside call."""

    def __init__(self, num_units, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def call(self, inputs, state):
        w = gf.get_variable("w", [inputs.shape[1] + self._num_units, self._num_units])
        h = gf.tanh(gf.matmul(gf.concat([inputs, state], 1), w))
        return h, h


def test_a_users_cell_makes_its_variables_in_call_and_reuses_them():
    xs = [gf.placeholder(gf.float32, [2, 3]) for _ in range(3)]
    cell = MinimalGRU(4)
    outputs, _ = gf.nn.static_rnn(cell, xs, dtype=gf.float32)
    assert _names() == ["rnn/minimal_gru/w"]
    assert cell.variables == cell.trainable_variables == gf.global_variables()
    assert run_shape(outputs[-1], {x: np.ones((2, 3)) for x in xs}) == (2, 4)


def run_shape(tensor, feed):
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        return sess.run(tensor, feed).shape


def test_a_cells_variables_are_its_own_not_an_optimizers_slots():
    with gf.Graph().as_default() as graph:
        x = gf.placeholder(gf.float32, [2, 3, 4])
        cell = gf.nn.rnn_cell.BasicLSTMCell(5)
        out, _ = gf.nn.dynamic_rnn(cell, x, dtype=gf.float32)
        gf.train.MomentumOptimizer(0.1, 0.9).minimize(gf.reduce_sum(out))
        assert [v.op.name for v in cell.variables] == ["rnn/basic_lstm_cell/kernel",
                                                       "rnn/basic_lstm_cell/bias"]
        (loop,) = [op for op in graph.get_operations() if op.type == "While"]
        body = [op.name for op in loop.attrs["loop"].graph.get_operations()]
        assert "rnn/while/basic_lstm_cell/MatMul" in body  # (TF1's name, in the loop)
