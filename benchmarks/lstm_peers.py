"""W6's peers, each as its users write it: PyTorch's fused ``nn.LSTM``, PyTorch's
``nn.LSTMCell`` in a Python loop over time, JAX's ``lax.scan`` under ``jit`` and ``grad``, and
JAX's ``lax.while_loop`` for the trivial loop. Each factory returns a function running one
step (returning the loss before the update), or None where the framework is not installed."""

import numpy as np

from benchmarks.lstm import BATCH, HIDDEN, LR, STEPS, VOCAB, WHILE_COUNT


def torch_lstm_step(data, looping=False):
    """``nn.LSTM`` (one fused call over the sequence), or with ``looping`` an ``nn.LSTMCell``
    called once per time step as tutorials write it."""
    try:
        import torch
    except ImportError:
        return None
    w, b, w_out, b_out = (torch.from_numpy(p) for p in data.params)
    rnn = torch.nn.LSTMCell(VOCAB, HIDDEN) if looping else torch.nn.LSTM(VOCAB, HIDDEN,
                                                                       batch_first=True)
    dense = torch.nn.Linear(HIDDEN, VOCAB)
    layer = "" if looping else "_l0"
    # W6 has one bias; PyTorch's second one stays zero (trained, it would take a second step)
    getattr(rnn, f"bias_hh{layer}").requires_grad_(False)
    with torch.no_grad():  # PyTorch's gate order is W6's: i, f, g, o
        getattr(rnn, f"weight_ih{layer}").copy_(w[:VOCAB].T)
        getattr(rnn, f"weight_hh{layer}").copy_(w[VOCAB:].T)
        getattr(rnn, f"bias_ih{layer}").copy_(b)
        getattr(rnn, f"bias_hh{layer}").zero_()
        dense.weight.copy_(w_out.T)
        dense.bias.copy_(b_out)
    params = [p for p in [*rnn.parameters(), *dense.parameters()] if p.requires_grad]
    opt = torch.optim.SGD(params, lr=LR)
    ids = torch.from_numpy(data.ids.astype(np.int64))
    targets = torch.from_numpy(data.targets.astype(np.int64)).reshape(-1)

    def hidden_states(x):
        if not looping:
            return rnn(x)[0]
        h = c = x.new_zeros(BATCH, HIDDEN)
        outs = []
        for t in range(STEPS):
            h, c = rnn(x[:, t], (h, c))
            outs.append(h)
        return torch.stack(outs, 1)

    def step():
        x = torch.nn.functional.one_hot(ids, VOCAB).float()
        logits = dense(hidden_states(x)).reshape(-1, VOCAB)
        loss = torch.nn.functional.cross_entropy(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def jax_lstm_step(data):
    """``lax.scan`` over time inside ``jit(value_and_grad)``, the SGD update in the same jit."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    ids, targets = jnp.asarray(data.ids.T), jnp.asarray(data.targets.T)  # time-major

    def loss_fn(params, ids, targets):
        w, b, w_out, b_out = params

        def cell(carry, x_t):
            h, c = carry
            i, f, g, o = jnp.split(jnp.concatenate([x_t, h], 1) @ w + b, 4, axis=1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros((BATCH, HIDDEN), jnp.float32)
        _, hs = jax.lax.scan(cell, (zeros, zeros), jax.nn.one_hot(ids, VOCAB))
        logp = jax.nn.log_softmax(hs @ w_out + b_out)
        return -jnp.mean(jnp.take_along_axis(logp, targets[..., None], axis=2))

    @jax.jit
    def train(params, ids, targets):
        loss, grads = jax.value_and_grad(loss_fn)(params, ids, targets)
        return [p - LR * g for p, g in zip(params, grads)], loss

    state = [[jnp.asarray(p) for p in data.params]]

    def step():
        state[0], loss = train(state[0], ids, targets)
        return float(loss)  # waits for the step, as block_until_ready would

    return step


def jax_while_loop():
    """JAX's ``lax.while_loop`` counting to ``WHILE_COUNT`` (a traced bound: not folded)."""
    try:
        import jax
    except ImportError:
        return None
    count = jax.jit(lambda n: jax.lax.while_loop(lambda i: i < n, lambda i: i + 1, 0))
    return lambda: count(WHILE_COUNT).block_until_ready()


def python_while_loop():
    """The same loop in plain Python, the yardstick of per-iteration cost."""
    def count():
        i = 0
        while i < WHILE_COUNT:
            i += 1
        return i

    return count
