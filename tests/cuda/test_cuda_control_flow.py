"""cond, while_loop (with gradients), TensorArray and dynamic_rnn on the CUDA backend:
bodies run as CUDA sub-plans on device values; results equal the NumPy oracle's."""

import numpy as np
import pytest

import graphflow as gf


def _both(fetches, feeds):
    out = {}
    for backend in ("numpy", "cuda"):
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            for _ in range(2):
                out[backend] = sess.run(fetches, feeds)
    return out["numpy"], out["cuda"]


def _close(want, got):
    for a, b in zip(want, got):
        np.testing.assert_allclose(np.asarray(b, np.float64), np.asarray(a, np.float64),
                                   rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("taken", [True, False])
def test_cond_and_its_gradient_on_cuda(taken):
    x = gf.placeholder(gf.float32, [None, 3])
    p = gf.placeholder(gf.bool, [])
    y = gf.cond(p, lambda: gf.tanh(x) * 2.0, lambda: x * x)
    (g,) = gf.gradients(gf.reduce_sum(y), x)
    v = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    _close(*_both([y, g], {x: v, p: taken}))


def test_while_loop_tensor_array_and_gradient_on_cuda():
    x = gf.placeholder(gf.float32, [5, 3])
    w = gf.Variable(np.linspace(-0.5, 0.5, 9).reshape(3, 3).astype(np.float32))
    inputs = gf.TensorArray(gf.float32, size=5).unstack(x)

    def body(i, h, out):
        h = gf.tanh(gf.matmul(h, w) + inputs.read(i)[None, :])
        return i + 1, h, out.write(i, h)

    _, h, out = gf.while_loop(lambda i, *_: i < 5, body,
                              [0, gf.zeros([1, 3]), gf.TensorArray(gf.float32, size=5)])
    stacked = out.stack()
    loss = gf.reduce_sum(stacked * stacked)
    grads = gf.gradients(loss, [x, w])
    v = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    _close(*_both([h, stacked] + grads, {x: v}))


def test_dynamic_rnn_on_cuda():
    with gf.Graph().as_default():
        _dynamic_rnn_on_cuda()


def _dynamic_rnn_on_cuda():
    x = gf.placeholder(gf.float32, [2, 4, 3])
    cell = gf.nn.rnn_cell.BasicLSTMCell(5)
    out, state = gf.nn.dynamic_rnn(cell, x, sequence_length=[4, 2], dtype=gf.float32)
    grads = gf.gradients(gf.reduce_sum(out), [x] + gf.trainable_variables())
    v = np.random.default_rng(2).normal(size=(2, 4, 3)).astype(np.float32)
    with gf.Session(backend="numpy") as sess:
        sess.run(gf.global_variables_initializer())
        weights = sess.run(gf.trainable_variables())
    feeds = {x: v, **dict(zip(gf.trainable_variables(), weights))}
    _close(*_both([out, state.c, state.h] + grads, feeds))


def test_shape_values_made_in_a_loop_body_are_not_kept_for_good():
    """A shape op's result is uploaded every iteration with a host mirror; the mirrors
    held every one of them, one more per iteration and run (review: unbounded growth)."""
    k = gf.placeholder(gf.int32, [])
    x = gf.placeholder(gf.float32, [None])
    _, y = gf.while_loop(lambda i, v: i < k,
                         lambda i, v: (i + 1, v * 0.5 + gf.cast(gf.size(v), gf.float32)),
                         (0, x))
    feeds = {k: 30, x: np.ones(4, np.float32)}
    with gf.Session(backend="cuda") as sess:
        for _ in range(3):
            np.testing.assert_allclose(sess.run(y, feeds), np.full(4, 8.0), rtol=1e-5)
        bodies = [sub for step in sess.plan(y, feeds).steps for _, sub in step.subplans]
        assert all(len(sub._mirrors) < 5 for sub in bodies)
