import numpy as np

import graphflow as tf

# TF1's RNN cells, wrappers, static_rnn and static_bidirectional_rnn (with sequence_length)
# and reverse_sequence: variable names, outputs, final states and gradients, for weights
# set from a seeded generator after initialization (in variable creation order).
RESULTS = {}
rng = np.random.RandomState(7)
T, DEPTH = 3, 3
steps = rng.randn(T, 2, DEPTH).astype(np.float32)
xs = [tf.placeholder(tf.float32, [None, DEPTH], name=f"x{t}") for t in range(T)]
feed = dict(zip(xs, steps))
rnn = tf.nn.rnn_cell

outs = {}
basic = rnn.BasicRNNCell(4)
h0 = tf.constant(rng.randn(2, 4).astype(np.float32))
outs["basic_step"] = basic(xs[0], h0)
outs["basic_rnn"] = tf.nn.static_rnn(basic, xs, initial_state=h0, scope="basic")
gru = rnn.GRUCell(4)
outs["gru_rnn"] = tf.nn.static_rnn(gru, xs, dtype=tf.float32)
with tf.variable_scope("lstms"):
    lstm = rnn.BasicLSTMCell(4, forget_bias=0.5)
    outs["basic_lstm"] = tf.nn.static_rnn(lstm, xs, dtype=tf.float32)
    flat_lstm = rnn.BasicLSTMCell(3, state_is_tuple=False, activation=tf.nn.relu)
    outs["flat_lstm"] = tf.nn.static_rnn(flat_lstm, xs, dtype=tf.float32, scope="flat")
    peep = rnn.LSTMCell(4, use_peepholes=True, cell_clip=0.8, num_proj=3, proj_clip=0.5)
    outs["peephole_lstm"] = tf.nn.static_rnn(peep, xs, dtype=tf.float32, scope="peep")
    plain = rnn.LSTMCell(2, forget_bias=0.0, state_is_tuple=False)
    outs["flat_lstm_cell"] = tf.nn.static_rnn(plain, xs, dtype=tf.float32, scope="plain")
lengths = tf.placeholder(tf.int32, [None], name="lengths")
feed[lengths] = np.array([3, 1], np.int32)
stack = rnn.MultiRNNCell([rnn.LSTMCell(3), rnn.ResidualWrapper(rnn.GRUCell(3)),
                          rnn.DropoutWrapper(rnn.BasicRNNCell(2), input_keep_prob=1.0)])
outs["multi_masked"] = tf.nn.static_rnn(stack, xs, dtype=tf.float32, sequence_length=lengths)
fw, bw = rnn.BasicLSTMCell(2), rnn.GRUCell(3)
outs["bidirectional"] = tf.nn.static_bidirectional_rnn(fw, bw, xs, dtype=tf.float32,
                                                       sequence_length=[2, 3])
fw2, bw2 = rnn.GRUCell(2), rnn.GRUCell(2)
outs["bidirectional_full"] = tf.nn.static_bidirectional_rnn(fw2, bw2, xs, dtype=tf.float32,
                                                            scope="bi")
outs["reverse_sequence"] = tf.reverse_sequence(tf.stack(xs, 1), [2, 3], seq_axis=1,
                                               batch_axis=0)
zero = rnn.MultiRNNCell([rnn.LSTMCell(3, num_proj=2), rnn.GRUCell(2)]).zero_state(
    tf.shape(xs[0])[0], tf.float32)

variables = tf.global_variables()
assigns = [tf.assign(v, (rng.randn(*v.shape.as_list()) * 0.5).astype(np.float32))
           for v in variables]
leaves = [t for value in outs.values() for t in tf.nest.flatten(value)]
loss = tf.add_n([tf.reduce_sum(tf.sin(t)) for t in leaves])
grads = tf.gradients(loss, xs + variables)

RESULTS["variables"] = [(v.name, v.shape.as_list()) for v in variables]
RESULTS["zero_state"] = [(t.name, t.shape.as_list()) for t in tf.nest.flatten(zero)]
RESULTS["tensor_names"] = {k: [t.name for t in tf.nest.flatten(v)] for k, v in outs.items()}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(assigns)
    values = sess.run(outs, feed)
    RESULTS["values"] = {k: [np.asarray(t) for t in tf.nest.flatten(v)]
                         for k, v in values.items()}
    RESULTS["grads"] = [np.asarray(g) for g in sess.run(grads, feed)]
    RESULTS["zero_values"] = [np.asarray(z) for z in sess.run(tf.nest.flatten(zero), feed)]
