"""TF1 recurrent networks (``tests/test_tf1_control_flow.py``): the ``tf.nn.rnn_cell`` cells
and wrappers through ``dynamic_rnn`` (``sequence_length``, ``initial_state``, ``time_major``),
``static_rnn`` and ``bidirectional_dynamic_rnn``: outputs, final states and gradients with
respect to the inputs and every weight, plus the variables' names and shapes.

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` in ``make_rnn_expected.py``, graphflow in the test. Weights do not
depend on initializers: after ``global_variables_initializer`` each trainable variable, in
sorted name order, is assigned values from a seeded ``RandomState``. Everything is float64
but one float32 network.
"""

import numpy as np

BATCH, TIME, DEPTH = 3, 4, 3
LENGTHS = [4, 2, 3]


def structure(value):
    """A state or a state size as plain lists, with the tuple type's name first."""
    if isinstance(value, tuple):
        return [type(value).__name__] + [structure(v) for v in value]
    return value


def layout(value):
    """A nest of tensors as plain lists: each tuple's type name, then its items."""
    if isinstance(value, tuple):
        return [type(value).__name__] + [layout(v) for v in value]
    return "tensor"


def flat(value):
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flat(v)]
    return [value]


def compute(tf):
    """Every value the program fetches, by name (plus variable names and shapes)."""
    rng = np.random.RandomState(1)
    f64 = tf.float64
    rnn_cell = tf.nn.rnn_cell
    inputs = tf.placeholder(f64, [BATCH, TIME, DEPTH], name="inputs")
    feed = {inputs: rng.randn(BATCH, TIME, DEPTH)}
    nets, info = {}, {}

    def record(key, outputs, state, cell):
        """The fetches of one network: outputs, final state, and the gradients of a fixed
        random projection of both w.r.t. the inputs and the weights it created."""
        created = [v for v in tf.trainable_variables() if v.name not in record.seen]
        record.seen.update(v.name for v in created)
        ends = flat(outputs) + flat(state)
        loss = tf.add_n([tf.reduce_sum(t * rng.uniform(-1, 1, t.shape.as_list()).astype(
            t.dtype.as_numpy_dtype)) for t in ends])
        grads = tf.gradients(loss, [inputs] + created)
        nets[key] = {"outputs": flat(outputs), "state": flat(state), "grads": grads}
        info[key] = {
            "variables": [v.name for v in created],
            "tensors": [t.name for t in ends],
            "state": layout(state),
            "state_size": structure(cell.state_size) if cell is not None else None,
            "output_size": structure(cell.output_size) if cell is not None else None,
            "shapes": [t.shape.as_list() for t in ends],
        }
    record.seen = set()

    cell = rnn_cell.BasicRNNCell(4)
    out, st = tf.nn.dynamic_rnn(cell, inputs, sequence_length=LENGTHS, dtype=f64)
    record("basic_rnn", out, st, cell)

    cell = rnn_cell.BasicLSTMCell(4)
    c0 = tf.constant(rng.randn(BATCH, 4))
    h0 = tf.constant(rng.randn(BATCH, 4))
    out, st = tf.nn.dynamic_rnn(cell, inputs, initial_state=rnn_cell.LSTMStateTuple(c0, h0))
    record("basic_lstm", out, st, cell)

    cell = rnn_cell.LSTMCell(5, num_proj=3, use_peepholes=True, cell_clip=0.8)
    out, st = tf.nn.dynamic_rnn(cell, inputs, sequence_length=LENGTHS, dtype=f64)
    record("lstm_peephole_proj_clip", out, st, cell)

    cell = rnn_cell.GRUCell(4)
    out, st = tf.nn.dynamic_rnn(cell, tf.transpose(inputs, [1, 0, 2]), time_major=True,
                                dtype=f64)
    record("gru_time_major", out, st, cell)

    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(4), rnn_cell.BasicLSTMCell(5)])
    out, st = tf.nn.dynamic_rnn(cell, inputs, sequence_length=LENGTHS, dtype=f64)
    record("multi_lstm", out, st, cell)

    cell = rnn_cell.DropoutWrapper(rnn_cell.GRUCell(4), input_keep_prob=1.0,
                                   output_keep_prob=1.0, state_keep_prob=1.0)
    out, st = tf.nn.dynamic_rnn(cell, inputs, dtype=f64, scope="dropout")
    record("dropout_gru", out, st, cell)

    cell = rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(DEPTH))
    out, st = tf.nn.dynamic_rnn(cell, inputs, sequence_length=LENGTHS, dtype=f64,
                                scope="residual")
    record("residual_rnn", out, st, cell)

    cell = rnn_cell.BasicLSTMCell(4)
    steps = tf.unstack(inputs, axis=1)
    out, st = tf.nn.static_rnn(cell, steps, sequence_length=LENGTHS, dtype=f64, scope="static")
    record("static_lstm", out, st, cell)

    fw, bw = rnn_cell.LSTMCell(4), rnn_cell.GRUCell(3)
    out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, inputs, sequence_length=LENGTHS,
                                              dtype=f64)
    record("bidirectional", out, st, None)

    inputs32 = tf.cast(inputs, tf.float32)
    cell = rnn_cell.BasicLSTMCell(4)
    out, st = tf.nn.dynamic_rnn(cell, inputs32, sequence_length=LENGTHS, dtype=tf.float32,
                                scope="lstm32")
    record("lstm_float32", out, st, cell)

    variables = tf.global_variables()
    results = {"variables": [(v.name, v.shape.as_list()) for v in variables], "info": info}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        weights = np.random.RandomState(2)
        for v in sorted(variables, key=lambda v: v.name):
            value = weights.uniform(-0.6, 0.6, v.shape.as_list())
            sess.run(v.assign(value.astype(v.dtype.base_dtype.as_numpy_dtype)))
        results["values"] = sess.run(nets, feed)
    return results
