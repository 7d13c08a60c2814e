"""TF1 programs whose placeholders have no shape (``tests/test_unknown_shapes.py``).

``compute(tf)`` is one program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script (it then prints the
``TF1_SHAPES`` and ``TF1_EXPECTED`` literals embedded in ``tests/test_unknown_shapes.py``),
graphflow in the test. It records the static shape TF1 infers for each tensor of interest
(None: unknown rank) and the values a run gives: a shape-less ``keep_prob`` into dropout,
then conv2d, dense and ``minimize``; ``layers.dropout`` and ``layers.batch_normalization``
switched by a shape-less ``training`` placeholder; reduce_mean's gradient with unknown
dims and unknown rank; a training loop whose x and y have no shape; losses and a metric
on shape-less labels (TF1 squeezes ``[n, 1]`` labels when run); and the static shapes of
ops given shape-less operands. Inputs are fixed formulas and the dropout keeps every
element (keep_prob 1 fed at run time), so both sides compute the same numbers.

Usage, with a Python that has TensorFlow and tf_keras installed::

    TF_USE_LEGACY_KERAS=1 python tests/tf1_programs/unknown_shapes_expected.py
"""

import numpy as np


def _values(shape, mult, mod, scale=2.0):
    """Deterministic float32 values in about [-scale/2, scale/2]."""
    k = np.arange(int(np.prod(shape)))
    v = (k * mult % mod) - mod // 2
    return (v / (mod / scale)).reshape(shape).astype(np.float32)


def _static(t):
    return None if t.shape.ndims is None else list(t.shape.as_list())


def compute(tf):
    """(static shapes by name, fetched values by name)."""
    shapes, feeds = {}, {}
    init = tf.constant_initializer
    images = _values((2, 5, 5, 3), 7, 11)
    features = _values((4, 6), 5, 13)
    onehot = np.eye(3, dtype=np.float32)[[2, 0, 1, 1]]

    # dropout with a shape-less keep_prob, then conv2d, dense and minimize
    x = tf.placeholder(tf.float32, [None, 5, 5, 3])
    keep_prob = tf.placeholder(tf.float32)
    dropped = tf.nn.dropout(x, keep_prob)
    kernel = tf.Variable(_values((3, 3, 3, 4), 3, 7, 0.5))
    conv = tf.nn.relu(tf.nn.conv2d(dropped, kernel, [1, 1, 1, 1], "SAME"))
    flat = tf.layers.flatten(conv)
    logits = tf.layers.dense(flat, 3, kernel_initializer=init(_values((100, 3), 3, 11, 0.2)))
    loss = tf.reduce_mean(tf.square(logits))
    step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    shapes.update(dropout=_static(dropped), conv2d=_static(conv), flatten=_static(flat),
                  dense=_static(logits), dropout_rate=_static(tf.nn.dropout(x, rate=keep_prob)))
    feeds.update({x: images, keep_prob: 1.0})

    # layers.dropout and layers.batch_normalization switched by a shape-less bool
    h = tf.placeholder(tf.float32, [None, 6])
    training = tf.placeholder(tf.bool)
    h_drop = tf.layers.dropout(h, rate=0.5, training=training)  # its shape only: it draws
    h_norm = tf.layers.batch_normalization(h, training=training)
    h_out = tf.layers.dense(h_norm, 2, kernel_initializer=init(_values((6, 2), 5, 7)))
    class_drop = tf.layers.Dropout(0.3)(h, training=training)
    class_norm = tf.layers.BatchNormalization()(h, training=training)
    shapes.update(layers_dropout=_static(h_drop), layers_batch_norm=_static(h_norm),
                  layers_dense=_static(h_out), Dropout=_static(class_drop),
                  BatchNormalization=_static(class_norm))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)

    # reduce_mean's gradient with unknown dims, and with unknown rank
    dims = tf.placeholder(tf.float32, [None, None])
    shapeless = tf.placeholder(tf.float32)
    grads = tf.gradients(tf.reduce_mean(tf.square(dims), axis=1) * 3.0, dims) + tf.gradients(
        tf.reduce_mean(tf.square(shapeless)) + tf.reduce_sum(
            tf.reduce_max(shapeless, axis=-1, keepdims=True)), shapeless)
    shapes.update(mean_dims=_static(tf.reduce_mean(dims, axis=1)),
                  mean_all=_static(tf.reduce_mean(shapeless)),
                  mean_axis=_static(tf.reduce_mean(shapeless, axis=1)),
                  grad_dims=_static(grads[0]), grad_rank=_static(grads[1]))
    feeds.update({dims: features, shapeless: _values((2, 3, 4), 5, 9)})

    # static shapes of ops given shape-less operands
    u, ub, ui = tf.placeholder(tf.float32), tf.placeholder(tf.bool), tf.placeholder(tf.int32)
    m = tf.placeholder(tf.float32, [None, 3])
    shapes.update(
        where_shapeless_condition=_static(tf.where(ub, m, -m)),
        where_scalar_condition=_static(tf.where(tf.placeholder(tf.bool, []), m, -m)),
        where_vector_condition=_static(tf.where(tf.placeholder(tf.bool, [None]), m, -m)),
        add_shapeless=_static(m + u), concat_axis0=_static(tf.concat([u, m], 0)),
        concat_axis1=_static(tf.concat([m, u], 1)), stack=_static(tf.stack([u, m])),
        reshape=_static(tf.reshape(u, [-1, 3])), tile_shapeless=_static(tf.tile(m, ui)),
        bias_add_shapeless_bias=_static(tf.nn.bias_add(m, u)),
        conv2d_shapeless_input=_static(tf.nn.conv2d(u, kernel, [1, 2, 2, 1], "SAME")),
        conv2d_shapeless_filter=_static(tf.nn.conv2d(x, u, [1, 1, 1, 1], "SAME")),
        max_pool=_static(tf.nn.max_pool(u, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")),
        softmax_xent_shapeless_labels=_static(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=u, logits=m)),
        sparse_xent_shapeless_labels=_static(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ui, logits=m)),
        transpose_perm=_static(tf.transpose(u, [1, 0])), l2_loss=_static(tf.nn.l2_loss(u)),
        matmul=_static(tf.matmul(u, m)), argmax=_static(tf.argmax(u, 1)),
        gather_batch_dims=_static(tf.gather(u, ui, batch_dims=1)))

    # losses and metrics on shape-less labels, predictions and weights: TF1 drops a
    # trailing size-1 axis when run (labels [n, 1] against predictions [n])
    labels, preds, weights = (tf.placeholder(tf.float32) for _ in range(3))
    classes, class_logits = tf.placeholder(tf.int32), tf.placeholder(tf.float32)
    loss_values = {
        "mse": tf.losses.mean_squared_error(labels, preds, weights=weights),
        "absolute": tf.losses.absolute_difference(labels, preds),
        "sparse": tf.losses.sparse_softmax_cross_entropy(classes, class_logits,
                                                         weights=weights),
        "unreduced": tf.losses.mean_squared_error(labels, preds, weights=weights,
                                                  reduction=tf.losses.Reduction.NONE)}
    _, hits = tf.metrics.accuracy(tf.cast(classes, tf.int64), tf.argmax(class_logits, 1))
    shapes.update({f"losses/{k}": _static(t) for k, t in loss_values.items()})
    loss_feeds = {labels: np.array([[0.5], [1.0], [-1.0], [2.0]], np.float32),
                  preds: np.array([0.2, 1.5, -0.5, 1.0], np.float32),
                  weights: np.array([[1.0], [0.0], [2.0], [0.5]], np.float32),
                  classes: np.array([[2], [0], [1], [1]], np.int32),
                  class_logits: _values((4, 3), 5, 7)}

    # a training loop whose x and y have no shape
    xs, ys = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
    w = tf.Variable(tf.zeros([6, 3]))
    b = tf.Variable(tf.zeros([3]))
    pred = tf.matmul(xs, w) + b
    xent = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=ys, logits=pred))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(pred, 1), tf.argmax(ys, 1)),
                                      tf.float32))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(xent)
    shapes.update(loop_pred=_static(pred), loop_xent=_static(xent))

    values = {}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values["conv_net_losses"] = np.array(
            [sess.run([loss, step], feeds)[0] for _ in range(3)], np.float32)
        values["reduce_mean_grads/dims"], values["reduce_mean_grads/rank"] = sess.run(
            grads, feeds)
        for flag in (True, False):
            out, _ = sess.run([h_out, update_ops], {h: features, training: flag})
            values[f"switch/training={flag}"] = out
        values["switch/eval_after_updates"] = sess.run(h_out, {h: features, training: False})
        losses = []
        for _ in range(5):
            losses.append(sess.run([xent, train], {xs: features, ys: onehot})[0])
        values["loop/losses"] = np.array(losses, np.float32)
        values["loop/accuracy"] = sess.run(accuracy, {xs: features, ys: onehot})
        sess.run(tf.local_variables_initializer())
        names = sorted(loss_values)
        got = sess.run([loss_values[k] for k in names] + [hits], loss_feeds)
        values.update({f"losses/{k}": v for k, v in zip(names + ["accuracy"], got)})
    return shapes, values


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    shapes, values = compute(tf)
    print(f"# generated by tests/tf1_programs/unknown_shapes_expected.py with TensorFlow "
          f"{tf.__version__}")
    print("TF1_SHAPES = {")
    for name, shape in shapes.items():
        print(f"    {name!r}: {shape},")
    print("}")
    print_expected("unknown_shapes_expected.py", tf.__version__, values)


if __name__ == "__main__":
    main()
