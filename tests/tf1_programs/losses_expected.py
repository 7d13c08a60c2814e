"""TF1 numbers for ``tf.losses``, ``nn.moments`` and ``nn.batch_normalization``
(``tests/test_losses.py``).

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script (it then prints the
``TF1_EXPECTED`` literal embedded in ``tests/test_losses.py``), graphflow in the test.
Inputs are fixed formulas (no random generator), so both sides see the same values.
Every loss runs with scalar, per-example and full-shape weights, zero weights and each
reduction; gradients of each loss (and of moments / batch_normalization) are fetched too.

Usage, with a Python that has TensorFlow installed::

    python tests/tf1_programs/losses_expected.py > /tmp/tf1_losses.txt
"""

import numpy as np


def _values(shape, mult, mod, scale=3.0):
    """Deterministic float32 values in about [-scale/2, scale/2]."""
    k = np.arange(int(np.prod(shape)))
    v = (k * mult % mod) - mod // 2
    return (v / (mod / scale)).reshape(shape).astype(np.float32)


def compute(tf):
    """Every value the program fetches, by name (float32 arrays)."""
    out = {}
    labels = tf.constant(_values((4, 3), 7, 11))
    preds = tf.constant(_values((4, 3), 5, 13))
    logits = tf.constant(_values((4, 3), 11, 17, scale=6.0))
    probs = tf.constant(np.array([[0, 1, 0.3], [1, 0, 0.5], [0.2, 1, 1], [0, 0, 0.7]],
                                 np.float32))
    binary = tf.constant(np.array([[0, 1, 1], [1, 0, 0], [1, 1, 0], [0, 0, 1]], np.float32))
    onehot = tf.constant(np.eye(3, dtype=np.float32)[[2, 0, 1, 1]])
    classes = tf.constant(np.array([2, 0, 1, 1], np.int32))
    weights = {
        "scalar": 0.5,
        "zero": 0.0,
        "per_example": tf.constant(np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)),
        "full": tf.constant(np.array([[1, 0, 2], [0, 0, 0], [0.5, 1, 0], [3, 0, 1]],
                                     np.float32)),
        "all_zero": tf.constant(np.zeros((4, 1), np.float32)),
    }
    per_row = tf.constant(np.array([1.0, 0.0, 2.0, 0.5], np.float32))
    R = tf.losses.Reduction
    reductions = {"none": R.NONE, "sum": R.SUM, "mean": R.MEAN,
                  "batch": R.SUM_OVER_BATCH_SIZE, "nonzero": R.SUM_BY_NONZERO_WEIGHTS}

    def grads(name, y, xs):
        for label, g in zip("abcde", tf.gradients(y, xs)):
            out[f"{name}/d{label}"] = g
        out[name] = y

    # every reduction with every kind of weights, on mean_squared_error
    for wname, w in weights.items():
        for rname, r in reductions.items():
            out[f"mse/{wname}/{rname}"] = tf.losses.mean_squared_error(
                labels, preds, weights=w, reduction=r,
                loss_collection=None if r == R.NONE else tf.GraphKeys.LOSSES)
    grads("mse_grad", tf.losses.mean_squared_error(labels, preds, weights["full"]), [preds])
    w_var = tf.constant(_values((4, 1), 3, 7) + 2.0)
    grads("mse_mean_grad", tf.losses.mean_squared_error(labels, preds, w_var,
                                                        reduction=R.MEAN), [preds, w_var])
    grads("absdiff", tf.losses.absolute_difference(labels, preds, weights["per_example"]),
          [preds])
    out["absdiff/sum"] = tf.losses.absolute_difference(labels, preds, 2.0, reduction=R.SUM)
    grads("hinge", tf.losses.hinge_loss(binary, logits), [logits])
    out["hinge/full"] = tf.losses.hinge_loss(binary, logits, weights["full"])
    grads("sigmoid", tf.losses.sigmoid_cross_entropy(probs, logits), [logits])
    grads("sigmoid/smooth", tf.losses.sigmoid_cross_entropy(
        binary, logits, weights["per_example"], label_smoothing=0.2), [logits])
    out["sigmoid/batch"] = tf.losses.sigmoid_cross_entropy(
        binary, logits, weights["full"], reduction=R.SUM_OVER_BATCH_SIZE)
    grads("softmax", tf.losses.softmax_cross_entropy(onehot, logits), [logits])
    grads("softmax/smooth", tf.losses.softmax_cross_entropy(
        onehot, logits, per_row, label_smoothing=0.1), [logits])
    out["softmax/none"] = tf.losses.softmax_cross_entropy(
        onehot, logits, per_row, reduction=R.NONE, loss_collection=None)
    out["softmax/scalar_sum"] = tf.losses.softmax_cross_entropy(
        onehot, logits, 3.0, reduction=R.SUM)
    grads("sparse", tf.losses.sparse_softmax_cross_entropy(classes, logits), [logits])
    grads("sparse/per_row", tf.losses.sparse_softmax_cross_entropy(classes, logits, per_row),
          [logits])
    out["sparse/column_labels"] = tf.losses.sparse_softmax_cross_entropy(
        tf.reshape(classes, [4, 1]), logits, weights["per_example"])
    out["sparse/zero"] = tf.losses.sparse_softmax_cross_entropy(classes, logits, 0.0)
    out["weighted/direct"] = tf.losses.compute_weighted_loss(
        tf.abs(preds), weights["full"], reduction=R.MEAN)
    out["total"] = tf.losses.get_total_loss()

    # moments and batch_normalization
    x = tf.constant(_values((4, 3), 5, 13) + 1.0)
    mean, var = tf.nn.moments(x, [0])
    mean_all, var_all = tf.nn.moments(x, [0, 1], keep_dims=True)
    w_mean, w_var = tf.constant(_values((3,), 3, 7)), tf.constant(_values((3,), 2, 5))
    grads("moments", tf.reduce_sum(mean * w_mean + var * w_var), [x])
    out["moments/mean"], out["moments/var"] = mean, var
    out["moments/mean_all"], out["moments/var_all"] = mean_all, var_all
    offset = tf.constant(_values((3,), 2, 7))
    scale = tf.constant(_values((3,), 3, 5) + 2.0)
    var_c = tf.constant(np.abs(_values((3,), 4, 7)) + 0.5)
    mean_c = tf.constant(_values((3,), 5, 7))
    bn = tf.nn.batch_normalization(x, mean_c, var_c, offset, scale, 1e-3)
    w_bn = tf.constant(_values((4, 3), 2, 9))
    grads("batchnorm", tf.reduce_sum(bn * w_bn), [x, mean_c, var_c, offset, scale])
    out["batchnorm/value"] = bn
    out["batchnorm/no_affine"] = tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)

    names = sorted(out)
    with tf.Session() as sess:
        values = sess.run([out[n] for n in names])
    return dict(zip(names, values))


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    print_expected("losses_expected.py", tf.__version__, compute(tf))


if __name__ == "__main__":
    main()
