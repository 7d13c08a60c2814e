"""Three small TF1 training programs checked by their loss curves
(``tests/test_tf1_control_flow.py``): a char-level LSTM language model (SGD), a GRU
classifier (Adam), and batch normalization switched by a ``training`` placeholder, both
hand-written on ``tf.cond`` and as ``tf.layers.batch_normalization`` + ``tf.layers.dropout``.

``compute(tf)`` is written against the module it is given: real ``tensorflow.compat.v1`` in
``make_rnn_training_expected.py``, graphflow in the test. Each program builds its own graph;
after ``global_variables_initializer`` every trainable variable, in sorted name order, is
assigned values from a seeded ``RandomState``, so no initializer is involved.
"""

import numpy as np


def set_weights(tf, sess, seed, scale=0.5):
    """Trainable variables get seeded uniform values, in sorted name order."""
    rng = np.random.RandomState(seed)
    for v in sorted(tf.trainable_variables(), key=lambda v: v.name):
        value = rng.uniform(-scale, scale, v.shape.as_list())
        sess.run(v.assign(value.astype(v.dtype.base_dtype.as_numpy_dtype)))


def char_lstm(tf):
    """vocab 8, batch 4, 6 steps, hidden 8; mean softmax xent at every step; SGD 0.5."""
    vocab, batch, steps, hidden = 8, 4, 6, 8
    text = np.random.RandomState(3).randint(0, vocab, (batch, steps + 1))
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [batch, steps], name="ids")
        targets = tf.placeholder(tf.int32, [batch, steps], name="targets")
        cell = tf.nn.rnn_cell.BasicLSTMCell(hidden)
        outputs, _ = tf.nn.dynamic_rnn(cell, tf.one_hot(ids, vocab), dtype=tf.float32)
        w = tf.get_variable("softmax_w", [hidden, vocab])
        b = tf.get_variable("softmax_b", [vocab])
        logits = tf.matmul(tf.reshape(outputs, [-1, hidden]), w) + b
        xent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=logits)
        loss = tf.reduce_mean(xent)
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        feed = {ids: text[:, :-1], targets: text[:, 1:]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            set_weights(tf, sess, 4)
            losses = [sess.run([loss, train], feed)[0] for _ in range(5)]
            losses.append(sess.run(loss, feed))
            final = sess.run(tf.trainable_variables())
        names = [v.name for v in tf.global_variables()]
    return {"losses": losses, "final_weights": final, "variables": names}


def gru_classifier(tf):
    """A GRU over 5 steps, last output -> dense -> softmax xent; Adam; float64."""
    rng = np.random.RandomState(5)
    data, labels = rng.randn(4, 5, 3), rng.randint(0, 3, 4)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 5, 3], name="x")
        y = tf.placeholder(tf.int32, [None], name="y")
        outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(6), x, dtype=tf.float64)
        w = tf.get_variable("dense_w", [6, 3], tf.float64)
        b = tf.get_variable("dense_b", [3], tf.float64)
        logits = tf.matmul(outputs[:, -1], w) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                             logits=logits))
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
        feed = {x: data, y: labels}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            set_weights(tf, sess, 6)
            losses = [sess.run([loss, train], feed)[0] for _ in range(5)]
            losses.append(sess.run(loss, feed))
            last = sess.run([logits, state], feed)
        names = [v.name for v in tf.global_variables()]
    return {"losses": losses, "last": last, "variables": names}


def batch_norm(tf):
    """The same batch norm twice, switched by a ``training`` placeholder: by hand on
    ``tf.cond`` (moving averages assigned inside the true branch) and with ``tf.layers``;
    three SGD steps with training True, then two runs with training False."""
    rng = np.random.RandomState(7)
    data, target = rng.randn(6, 4).astype(np.float32), rng.randn(6, 2).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        training = tf.placeholder(tf.bool, [], name="training")
        gamma = tf.get_variable("gamma", [4])
        beta = tf.get_variable("beta", [4])
        moving_mean = tf.get_variable("moving_mean", [4], trainable=False,
                                      initializer=tf.zeros_initializer())
        moving_var = tf.get_variable("moving_var", [4], trainable=False,
                                     initializer=tf.ones_initializer())

        def batch_moments():
            mean, var = tf.nn.moments(x, [0])
            updates = [tf.assign(moving_mean, moving_mean * 0.9 + mean * 0.1),
                       tf.assign(moving_var, moving_var * 0.9 + var * 0.1)]
            with tf.control_dependencies(updates):
                return tf.identity(mean), tf.identity(var)

        mean, var = tf.cond(training, batch_moments,
                            lambda: (tf.identity(moving_mean), tf.identity(moving_var)))
        hand = (x - mean) * tf.rsqrt(var + 1e-3) * gamma + beta

        normed = tf.layers.batch_normalization(x, training=training, momentum=0.9)
        layer = tf.layers.dropout(normed, rate=0.0, training=training)
        halved = tf.layers.dropout(normed, rate=0.5, training=training)  # run with False only
        head = tf.get_variable("head", [4, 2])
        losses = [tf.reduce_mean(tf.square(tf.matmul(h, head) - target)) for h in (hand, layer)]
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.add_n(losses))
        fetch = {"losses": losses, "hand": hand, "layer": layer}
        stats = [moving_mean, moving_var] + [v for v in tf.global_variables()
                                             if "batch_normalization/moving" in v.name]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            set_weights(tf, sess, 8)
            trained = [sess.run([fetch, train], {x: data, training: True})[0]
                       for _ in range(3)]
            after_training = sess.run(stats)
            inferred = [sess.run(fetch, {x: data * 2.0, training: False}) for _ in range(2)]
            inferred_halved = sess.run(halved, {x: data, training: False})
            after_inference = sess.run(stats)
        info = {"variables": [v.name for v in tf.global_variables()],
                "update_ops": len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)),
                "tensors": [t.name for t in (mean, var, hand, normed, layer, halved)],
                "shapes": [t.shape.as_list() for t in (mean, hand, normed, layer, halved)]}
    return {"trained": trained, "after_training": after_training, "inferred": inferred,
            "inferred_halved": inferred_halved, "after_inference": after_inference,
            "info": info}


def compute(tf):
    """The three programs' loss curves and final values, by program."""
    return {"char_lstm": char_lstm(tf), "gru_classifier": gru_classifier(tf),
            "batch_norm": batch_norm(tf)}
