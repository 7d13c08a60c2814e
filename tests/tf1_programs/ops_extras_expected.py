"""TF1 numbers for squared_difference, nn.xw_plus_b, arg_max/arg_min, the norm clippings,
gather_nd, scatter_nd, sparse_to_dense, a few ``tf.math`` names, and a training loop that
clips its gradients by their global norm (``tests/test_ops_extras.py``).

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script (it then prints the
``TF1_EXPECTED`` literal embedded in ``tests/test_ops_extras.py``), graphflow in the test.
Inputs are fixed formulas (no random generator), so both sides see the same values; int
results are fetched as float32.

Usage, with a Python that has TensorFlow installed::

    python tests/tf1_programs/ops_extras_expected.py > /tmp/tf1_ops_extras.txt
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

    def grads(name, y, xs):
        """y, and the gradients of sum(y * fixed weights) with respect to each x."""
        weights = tf.constant(_values(y.shape.as_list(), 29, 19))
        for i, g in enumerate(tf.gradients(tf.reduce_sum(y * weights), xs)):
            out[f"{name}/d{i}"] = g
        out[name] = y

    def as_float(name, t):
        out[name] = tf.cast(t, tf.float32)

    a = tf.constant(_values((3, 4), 7, 11))
    b = tf.constant(_values((4,), 5, 13))
    grads("squared_difference", tf.squared_difference(a, b), [a, b])
    as_float("squared_difference_int", tf.math.squared_difference(
        tf.constant([1, 5, -3]), tf.constant([3, 2, 4])))

    x = tf.constant(_values((2, 3), 3, 7))
    w = tf.constant(_values((3, 4), 11, 17))
    bias = tf.constant(_values((4,), 2, 5))
    grads("xw_plus_b", tf.nn.xw_plus_b(x, w, bias), [x, w, bias])

    as_float("arg_max", tf.arg_max(a, 1))
    as_float("arg_min", tf.arg_min(a, 0, output_type=tf.int32))
    as_float("argmax_dimension", tf.argmax(a, dimension=1))
    as_float("math.argmin", tf.math.argmin(a, axis=1))

    # clipping by norms (the norm of a is about 5.2, of b 1.9)
    grads("clip_by_norm", tf.clip_by_norm(a, 2.0), [a])
    grads("clip_by_norm_axes", tf.clip_by_norm(a, 1.0, axes=[1]), [a])
    out["clip_by_norm_unclipped"] = tf.clip_by_norm(a, 100.0)
    out["clip_by_norm_zeros"] = tf.clip_by_norm(tf.zeros([2, 2]), 1.0)
    grads("global_norm", tf.global_norm([a, None, b]), [a, b])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 2.0)
    assert clipped[1] is None
    grads("clip_by_global_norm", tf.concat([tf.reshape(clipped[0], [-1]), clipped[2]], 0),
          [a, b])
    out["clip_by_global_norm/norm"] = norm
    out["clip_by_global_norm_unclipped"] = tf.clip_by_global_norm([a, b], 50.0)[0][0]
    out["clip_by_global_norm_use_norm"] = tf.clip_by_global_norm(
        [a, b], 1.0, use_norm=tf.constant(4.0))[0][1]
    grads("clip_by_average_norm", tf.clip_by_average_norm(a, 0.1), [a])

    # n-dimensional indices
    p = tf.constant(_values((3, 4, 2), 5, 17))
    grads("gather_nd_rows", tf.gather_nd(p, [[2, 1], [0, 3], [2, 1]]), [p])
    grads("gather_nd_slices", tf.gather_nd(p, [[[1], [0]], [[2], [2]]]), [p])
    grads("gather_nd_elements", tf.gather_nd(p, [[0, 1, 1], [2, 3, 0]]), [p])
    grads("gather_nd_batch", tf.gather_nd(p, [[[3]], [[0]], [[1]]], batch_dims=1), [p])
    u = tf.constant(_values((4, 2), 3, 7))
    grads("scatter_nd", tf.scatter_nd([[1], [3], [1], [0]], u, [5, 2]), [u])
    v = tf.constant(_values((3,), 2, 7))
    d = tf.constant(0.25)
    grads("sparse_to_dense", tf.sparse_to_dense([[0, 1], [1, 0], [2, 3]], [3, 4], v, d), [v, d])
    out["sparse_to_dense_unvalidated"] = tf.sparse_to_dense(
        [[2], [0], [2]], [4], v, -1.0, validate_indices=False)
    out["sparse_to_dense_scalar_value"] = tf.sparse_to_dense([0, 2], [3], 1.5)

    # tf.math names
    out["math.reduce_sum"] = tf.math.reduce_sum(a, 1)
    out["math.log_softmax"] = tf.math.log_softmax(a)
    out["math.softplus"] = tf.math.softplus(a)
    out["math.rsqrt"] = tf.math.rsqrt(tf.math.abs(a) + 1.0)
    out["math.floormod"] = tf.math.floormod(a, 0.7)

    names = sorted(out)
    with tf.Session() as sess:
        values = dict(zip(names, sess.run([out[n] for n in names])))
    values.update(_clipped_training(tf))
    return values


def _clipped_training(tf):
    """Linear regression whose gradients are clipped by their global norm before
    ``apply_gradients(zip(grads, tvars))``; a variable the loss does not use gets a None
    gradient, which clip_by_global_norm passes through and the optimizer skips."""
    with tf.variable_scope("clipped"):
        w = tf.Variable(_values((3, 2), 7, 11) * 3, name="w")
        b = tf.Variable(tf.zeros([2]), name="b")
        unused = tf.Variable([1.0, 2.0], name="unused")
    x = tf.constant(_values((5, 3), 5, 13))
    y = tf.constant(_values((5, 2), 3, 7))
    loss = tf.reduce_mean(tf.square(tf.nn.xw_plus_b(x, w, b) - y))
    tvars = [w, b, unused]
    grads, norm = tf.clip_by_global_norm(tf.gradients(loss, tvars), 0.5)
    train = tf.train.MomentumOptimizer(0.2, 0.9).apply_gradients(zip(grads, tvars))
    steps = {"loss": [], "norm": []}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(6):
            _, loss_value, norm_value = sess.run([train, loss, norm])
            steps["loss"].append(loss_value)
            steps["norm"].append(norm_value)
        final = sess.run({"w": w, "b": b, "unused": unused})
    return {f"train/{k}": np.array(v, np.float32) for k, v in {**steps, **final}.items()}


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    print_expected("ops_extras_expected.py", tf.__version__, compute(tf), digits=9)


if __name__ == "__main__":
    main()
