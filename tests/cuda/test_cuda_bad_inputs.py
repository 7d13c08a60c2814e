"""Bad indices and blocks on the CUDA backend: tf.slice refuses a block that does not fit
(as on the CPU); gather and its gradient neither wrap a negative index nor read outside
their arrays: an index out of range gathers zeros (TF1's GPU kernel) and adds nothing."""

import numpy as np
import pytest

import graphflow as gf

X = np.arange(6, dtype=np.float32).reshape(3, 2)


def test_a_slice_that_does_not_fit_when_run_fails_the_run():
    with gf.Graph().as_default():
        p = gf.placeholder(gf.float32, [None, 2])
        block = gf.slice(p, [1, 0], [2, -1])
        with gf.Session(backend="cuda") as sess:
            np.testing.assert_array_equal(sess.run(block, {p: X}), X[1:3])
            with pytest.raises(gf.errors.InvalidArgumentError,
                               match=r"'Slice/CheckSlice' failed at run time: Expected "
                                     r"size\[0\] in \[0, 1\], but got 2"):
                sess.run(block, {p: X[:2]})
            steps = sess.plan(block, {p: X}).explain().splitlines()
            assert "  device  movement     CheckSlice 'Slice/CheckSlice'" in steps  # no copy


def test_gather_and_its_gradient_skip_an_index_out_of_range_without_wrapping():
    with gf.Graph().as_default():
        params = gf.Variable(X)
        idx = gf.placeholder(gf.int32, [2])
        rows = gf.gather(params, idx)
        (grad,) = gf.gradients(gf.reduce_sum(rows), [params])
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            got_rows, got_grad = sess.run([rows, grad], {idx: [-1, 1]})
            only_grad = sess.run(grad, {idx: [-1, 1]})
    np.testing.assert_array_equal(got_rows, [[0, 0], [2, 3]])
    for g in (got_grad, only_grad):  # row 1 only: -1 is no row, not the last one
        np.testing.assert_array_equal(g, [[0, 0], [1, 1], [0, 0]])
