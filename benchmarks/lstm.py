"""W6's data, its NumPy eager step (forward and BPTT by hand) and its TF1 program.

The TF1 program takes the framework module as an argument: run.py passes graphflow, and a
scratch script outside the repo passes ``tensorflow.compat.v1``, so both run the same lines.
This module imports only NumPy.
"""

from typing import NamedTuple

import numpy as np

VOCAB, BATCH, STEPS, HIDDEN = 64, 32, 50, 256
LR = 1.0
WHILE_COUNT = 10_000  # the trivial while_loop's trip count


class LSTMData(NamedTuple):
    """Token ids (batch, steps) int32, the next tokens (the targets, same shape) and the
    parameters ``[w, b, w_out, b_out]``: gates i, f, g, o are ``[x_t, h] @ w + b``."""

    ids: np.ndarray
    targets: np.ndarray
    params: list


def lstm_data(seed=0):
    """Sequences from a fixed random Markov chain (each token has a few likely successors, so
    one SGD step lowers the loss visibly) and initial weights; forget bias 1 inside ``b``."""
    rng = np.random.default_rng(seed)
    transitions = rng.dirichlet(np.full(VOCAB, 0.1), VOCAB)
    seqs = np.empty((BATCH, STEPS + 1), np.int32)
    seqs[:, 0] = rng.integers(0, VOCAB, BATCH)
    for t in range(STEPS):
        u = rng.random(BATCH)[:, None]
        seqs[:, t + 1] = (transitions[seqs[:, t]].cumsum(1) < u).sum(1).clip(max=VOCAB - 1)
    w = rng.normal(0, 1 / np.sqrt(VOCAB + HIDDEN), (VOCAB + HIDDEN, 4 * HIDDEN))
    b = np.zeros(4 * HIDDEN)
    b[HIDDEN:2 * HIDDEN] = 1.0
    w_out = rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, VOCAB))
    params = [p.astype(np.float32) for p in (w, b, w_out, np.zeros(VOCAB))]
    return LSTMData(seqs[:, :-1].copy(), seqs[:, 1:].copy(), params)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_lstm_step(data):
    """W6 in NumPy as one writes it by hand: the input projection of all steps in one matmul,
    a loop over time forward and one backward. A function running one step, returning the loss
    before the update."""
    ids, targets = data.ids.T, data.targets.T.reshape(-1)  # time-major
    params = [p.copy() for p in data.params]
    eye = np.eye(VOCAB, dtype=np.float32)
    n, h4 = STEPS * BATCH, 4 * HIDDEN
    rows = np.arange(n)

    def step():
        w, b, w_out, b_out = params
        w_x, w_h = w[:VOCAB], w[VOCAB:]
        x = eye[ids].reshape(n, VOCAB)  # the one-hot, built inside the step
        zx = (x @ w_x + b).reshape(STEPS, BATCH, h4)
        hs = np.zeros((STEPS + 1, BATCH, HIDDEN), np.float32)
        cs = np.zeros_like(hs)
        gates = np.empty((STEPS, BATCH, h4), np.float32)  # i, f, g, o after their nonlinearity
        tanh_c = np.empty((STEPS, BATCH, HIDDEN), np.float32)
        for t in range(STEPS):
            z = zx[t] + hs[t] @ w_h
            a = gates[t]
            a[:, :2 * HIDDEN] = _sigmoid(z[:, :2 * HIDDEN])
            a[:, 2 * HIDDEN:3 * HIDDEN] = np.tanh(z[:, 2 * HIDDEN:3 * HIDDEN])
            a[:, 3 * HIDDEN:] = _sigmoid(z[:, 3 * HIDDEN:])
            i, f, g, o = np.split(a, 4, axis=1)
            cs[t + 1] = f * cs[t] + i * g
            tanh_c[t] = np.tanh(cs[t + 1])
            hs[t + 1] = o * tanh_c[t]
        h_flat = hs[1:].reshape(n, HIDDEN)
        logits = h_flat @ w_out + b_out
        top = logits.max(1, keepdims=True)
        e = np.exp(logits - top)
        total = e.sum(1, keepdims=True)
        loss = np.mean(np.log(total[:, 0]) + top[:, 0] - logits[rows, targets])

        grad = e / total
        grad[rows, targets] -= 1
        grad /= n
        g_w_out, g_b_out = h_flat.T @ grad, grad.sum(0)
        dh_out = (grad @ w_out.T).reshape(STEPS, BATCH, HIDDEN)
        dz = np.empty_like(gates)
        dh_next = np.zeros((BATCH, HIDDEN), np.float32)
        dc = np.zeros_like(dh_next)
        for t in reversed(range(STEPS)):
            i, f, g, o = np.split(gates[t], 4, axis=1)
            dh = dh_out[t] + dh_next
            dc += dh * o * (1 - tanh_c[t] * tanh_c[t])
            d = dz[t]
            d[:, :HIDDEN] = dc * g * i * (1 - i)
            d[:, HIDDEN:2 * HIDDEN] = dc * cs[t] * f * (1 - f)
            d[:, 2 * HIDDEN:3 * HIDDEN] = dc * i * (1 - g * g)
            d[:, 3 * HIDDEN:] = dh * tanh_c[t] * o * (1 - o)
            dc *= f
            dh_next = d @ w_h.T
        dz = dz.reshape(n, h4)
        lr = np.float32(LR)
        w_x -= lr * (x.T @ dz)
        w_h -= lr * (hs[:-1].reshape(n, HIDDEN).T @ dz)
        b -= lr * dz.sum(0)
        w_out -= lr * g_w_out
        b_out -= lr * g_b_out
        return loss

    return step


# -- the TF1 program, for graphflow and tensorflow.compat.v1 alike ----------------------------

def tf1_cell_weights(data):
    """W6's ``w`` and ``b`` as TF1's ``BasicLSTMCell`` lays them out: gates i, j (= g), f, o."""
    w, b = data.params[:2]
    order = np.concatenate([np.arange(k * HIDDEN, (k + 1) * HIDDEN) for k in (0, 2, 1, 3)])
    return w[:, order], b[order]


def has_dynamic_rnn(tf):
    return getattr(tf.nn, "dynamic_rnn", None) is not None


def has_while_loop(tf):
    return getattr(tf, "while_loop", None) is not None


def tf1_lstm_step(tf, data, config=None):
    """W6 as a TF1 user writes it: ``dynamic_rnn`` over a ``BasicLSTMCell``, dense logits,
    ``losses.sparse_softmax_cross_entropy`` and ``GradientDescentOptimizer.minimize``. A
    function running one step, returning the loss before the update."""
    with tf.Graph().as_default():  # a graph of its own: the session keeps it
        ids = tf.placeholder(tf.int32, [None, STEPS])
        targets = tf.placeholder(tf.int32, [None, STEPS])
        cell = tf.nn.rnn_cell.BasicLSTMCell(HIDDEN, forget_bias=0.0)  # W6 has it inside b
        outputs, _ = tf.nn.dynamic_rnn(cell, tf.one_hot(ids, VOCAB), dtype=tf.float32)
        w_out, b_out = (tf.Variable(p) for p in data.params[2:])
        logits = tf.matmul(tf.reshape(outputs, [-1, HIDDEN]), w_out) + b_out
        loss = tf.losses.sparse_softmax_cross_entropy(labels=tf.reshape(targets, [-1]),
                                                      logits=logits)
        train = tf.train.GradientDescentOptimizer(LR).minimize(loss)
        sess = tf.Session(config=config) if config is not None else tf.Session()
        sess.run(tf.global_variables_initializer())
        by_name = {v.name.split(":")[0]: v for v in tf.global_variables()}
        for name, value in zip(("kernel", "bias"), tf1_cell_weights(data)):
            name = f"rnn/basic_lstm_cell/{name}"  # TF1's names, which checkpoints rely on
            if name not in by_name:
                raise KeyError(f"no variable {name} among {sorted(by_name)}")
            sess.run(tf.assign(by_name[name], value))
    feed = {ids: data.ids, targets: data.targets}
    return lambda: sess.run([train, loss], feed)[1]


def tf1_while_loop(tf, config=None):
    """A function running TF1's trivial loop ``while i < n: i += 1`` to ``WHILE_COUNT``; ``n``
    is fed, so no compiler can fold the loop away."""
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        count = tf.while_loop(lambda i: i < n, lambda i: i + 1, [0])
        sess = tf.Session(config=config) if config is not None else tf.Session()
    return lambda: sess.run(count, {n: WHILE_COUNT})
