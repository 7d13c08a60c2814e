"""W2's data and its JAX training step, in a module that imports only NumPy: W4 times JAX's
cold start from a fresh process, and the clock must include every import JAX needs
(graphflow's W4 script counts NumPy's import too)."""

import numpy as np


def mlp_data(batch, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [784, 512, 512, 10]
    weights = [(rng.normal(0, np.sqrt(2 / m), (m, n)).astype(np.float32),
                np.zeros(n, np.float32)) for m, n in zip(sizes, sizes[1:])]
    x = rng.normal(size=(batch, 784)).astype(np.float32)
    labels = rng.integers(0, 10, batch)
    return weights, x, labels


def jax_mlp_step(batch):
    """The W2 training step as JAX users write it (jit of grad): a function running one
    step; None without JAX."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    weights, x, labels = mlp_data(batch)
    params = [jnp.asarray(a) for pair in weights for a in pair]
    jx, jy = jnp.asarray(x), jnp.asarray(labels)

    def loss(params, x, y):
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = jax.nn.relu(h)
        logp = jax.nn.log_softmax(h)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def step(params, x, y):
        grads = jax.grad(loss)(params, x, y)
        return [p - 0.01 * g for p, g in zip(params, grads)]

    state = [params]

    def run():
        state[0] = step(state[0], jx, jy)
        jax.block_until_ready(state[0])

    return run
