"""TF1 numbers for conv2d / max_pool / avg_pool and their gradients (``tests/test_conv.py``).

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script (it then prints the
``TF1_EXPECTED`` literal embedded in ``tests/test_conv.py``), graphflow in the test.
Inputs are fixed formulas (no random generator), so both sides see the same values.

Usage, with a Python that has TensorFlow installed (Eigen kernels, as in TF1)::

    TF_ENABLE_ONEDNN_OPTS=0 python tests/tf1_programs/conv_expected.py > /tmp/tf1_conv.txt
"""

import numpy as np


def _values(shape, mult, mod, ties=False):
    """Deterministic float32 values in about [-1.5, 1.5]; ``ties`` draws them from 5 levels."""
    k = np.arange(int(np.prod(shape)))
    v = (k * mult % mod) - mod // 2
    if ties:
        v = v % 5 - 2
    return (v / (mod / 3.0)).reshape(shape).astype(np.float32)


def compute(tf):
    """Every value the program fetches, by name (float32 arrays)."""
    x = tf.constant(_values((2, 7, 5, 2), 37, 23))
    x_ties = tf.constant(_values((2, 7, 5, 2), 13, 11, ties=True))
    f = tf.constant(_values((3, 2, 2, 3), 17, 13))
    out = {}

    def grads(name, y, xs):
        w = tf.constant(_values(y.shape.as_list(), 29, 19))
        for label, g in zip("xf", tf.gradients(tf.reduce_sum(y * w), xs)):
            out[f"{name}/d{label}"] = g
        out[name] = y

    grads("conv_same_s2", tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME"), [x, f])
    grads("conv_valid_s21", tf.nn.conv2d(x, f, [1, 2, 1, 1], "VALID"), [x, f])
    # forward only: TF's CPU kernels have no dilated Conv2DBackpropFilter
    out["conv_same_dil2"] = tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1])
    grads("conv_explicit_s2", tf.nn.conv2d(x, f, [1, 2, 2, 1], [[0, 0], [2, 1], [1, 0], [0, 0]]),
          [x, f])
    grads("max_same_s2", tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), [x])
    grads("max_ties_same_s2", tf.nn.max_pool(x_ties, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
          [x_ties])
    grads("max_ties_valid_2x2", tf.nn.max_pool(x_ties, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
          [x_ties])
    grads("avg_same_s2", tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), [x])
    grads("avg_valid_2x3", tf.nn.avg_pool(x, [1, 2, 3, 1], [1, 2, 1, 1], "VALID"), [x])

    # second order: through Conv2DBackpropInput/Filter and MaxPoolGrad
    y = tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")
    dx = tf.gradients(tf.reduce_sum(tf.sin(y)), x)[0]
    out["conv_second_order/df"] = tf.gradients(tf.reduce_sum(dx * dx), f)[0]
    v = tf.constant(_values((2, 4, 3, 2), 7, 11))
    p = tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    dpx = tf.gradients(tf.reduce_sum(p * p * v), x)[0]
    out["max_second_order/dx"] = tf.gradients(tf.reduce_sum(dpx * x), x)[0]

    names = sorted(out)
    with tf.Session() as sess:
        values = sess.run([out[n] for n in names])
    return dict(zip(names, values))


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    print_expected("conv_expected.py", tf.__version__, compute(tf), digits=8)


if __name__ == "__main__":
    main()
