"""graphflow benchmarks W1-W6 of shared/workloads.md, side by side with NumPy eager.

    python benchmarks/run.py [--quick] [--only W1,W3,W6]

Each workload reports the median time over many repetitions after a warm-up, the
ratio to NumPy eager measured in the same run (contenders take turns, in blocks), and the
peak memory NumPy allocated during one call (tracemalloc). PyTorch, JAX and TensorFlow run
too where installed. W6 (an LSTM training step, and a trivial loop's cost per iteration) lives in
lstm.py and lstm_peers.py; its graphflow line is the TF1 program itself, reported as not
available while graphflow lacks ``nn.dynamic_rnn`` / ``while_loop``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import graphflow as gf  # noqa: E402
from benchmarks import lstm, lstm_peers  # noqa: E402
from benchmarks.jax_mlp import jax_mlp_step  # noqa: E402
from benchmarks.jax_mlp import mlp_data as _mlp_data  # noqa: E402

ROUNDS = 5  # each contender's repetitions are split into this many blocks, taken in turn


def measure(fn, repeat, warmup=2):
    """A contender for ``report``, which times all of a workload's contenders round-robin:
    this machine's speed drifts by tens of percent within seconds, so a ratio is only
    meaningful between times taken at the same moments."""
    return fn, repeat, warmup


def _time_round_robin(contenders):
    """``[(median seconds, peak traced bytes)]`` of ``[(fn, repeat, warmup)]``."""
    for fn, _, warmup in contenders:
        for _ in range(warmup):
            fn()
    times = [[] for _ in contenders]
    for _ in range(ROUNDS):
        for (fn, repeat, _), out in zip(contenders, times):
            for _ in range(max(1, repeat // ROUNDS)):
                t = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t)
    results = []
    for (fn, _, _), out in zip(contenders, times):
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results.append((statistics.median(out), peak))
    return results


def report(title, rows, base="numpy eager", per=1):
    """Times ``rows`` round-robin and prints each median (divided by ``per``: a time per
    iteration), its ratio to the row named ``base`` and its peak memory."""
    rows = list(zip([name for name, _ in rows], _time_round_robin([c for _, c in rows])))
    base_time = dict(rows).get(base, (None, None))[0]
    print(f"\n{title}")
    print(f"  {'':<28}{'median':>12}{'vs ' + base.split()[0]:>10}{'peak MiB':>10}")
    for name, (t, peak) in rows:
        ratio = f"{t / base_time:.2f}x" if base_time else ""
        mem = f"{peak / 2**20:.1f}" if peak is not None else ""
        print(f"  {name:<28}{_fmt(t / per):>12}{ratio:>10}{mem:>10}")


def _fmt(t):
    if t >= 1e-3:
        return f"{t * 1e3:.3f} ms"
    return f"{t * 1e6:.1f} us" if t >= 1e-6 else f"{t * 1e9:.1f} ns"


# -- W1: fused elementwise chain -------------------------------------------------------------

def w1(n, repeat):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, n).astype(np.float32)
    a, b = np.float32(1.5), np.float32(0.5)

    def numpy_eager():
        return np.tanh(x * a + b) * (1 / (1 + np.exp(-x))) + np.float32(0.5) * x * x

    rows = [("numpy eager", measure(numpy_eager, repeat))]
    gx = gf.placeholder(gf.float32, [None])
    ga = gf.placeholder(gf.float32, [])
    gb = gf.placeholder(gf.float32, [])
    y = gf.tanh(gx * ga + gb) * gf.sigmoid(gx) + 0.5 * gx * gx
    sess = gf.Session()
    feed = {gx: x, ga: a, gb: b}
    np.testing.assert_allclose(sess.run(y, feed), numpy_eager(), rtol=1e-4, atol=1e-5)
    rows.append(("graphflow (numba)", measure(lambda: sess.run(y, feed), repeat)))
    rows.append(("hand-written @njit loop", measure(_njit_w1(x, a, b), repeat)))
    out = np.empty_like(x)
    rows.append(("copy floor (np.copyto)", measure(lambda: np.copyto(out, x), repeat)))
    rows += _peers_w1(x, a, b, repeat)
    report(f"W1 elementwise chain, N = {n:,}", rows)


def _njit_w1(x, a, b):
    from numba import njit, prange

    @njit(parallel=True, fastmath=True, error_model="numpy")
    def kernel(x, a, b, out):
        for i in prange(x.size):
            v = x[i]
            out[i] = np.tanh(v * a + b) / (1 + np.exp(-v)) + np.float32(0.5) * v * v

    out = np.empty_like(x)
    kernel(x, a, b, out)
    return lambda: kernel(x, a, b, out)


def _peers_w1(x, a, b, repeat):
    rows = []
    try:
        import torch

        tx = torch.from_numpy(x)
        rows.append(("pytorch eager", measure(
            lambda: torch.tanh(tx * a + b) * torch.sigmoid(tx) + 0.5 * tx * tx, repeat)))
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp

        f = jax.jit(lambda x: jnp.tanh(x * a + b) * jax.nn.sigmoid(x) + 0.5 * x * x)
        jx = jnp.asarray(x)
        rows.append(("jax jit", measure(lambda: f(jx).block_until_ready(), repeat)))
    except ImportError:
        pass
    return rows


# -- W2: MLP training step --------------------------------------------------------------------

def build_mlp(batch):
    """The W2 graph: returns (session, train_op, loss, feed)."""
    weights, x, labels = _mlp_data(batch)
    gx = gf.placeholder(gf.float32, [None, 784])
    gy = gf.placeholder(gf.int64, [None])
    h = gx
    for i, (w, b) in enumerate(weights):
        h = gf.matmul(h, gf.Variable(w)) + gf.Variable(b)
        if i < len(weights) - 1:
            h = gf.nn.relu(h)
    loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=gy, logits=h))
    train = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
    sess = gf.Session()
    sess.run(gf.global_variables_initializer())
    return sess, train, loss, {gx: x, gy: labels}


def _numpy_mlp_step(batch):
    weights, x, labels = _mlp_data(batch)
    params = [[w.copy(), b.copy()] for w, b in weights]

    def step():
        acts = [x]
        for i, (w, b) in enumerate(params):
            z = acts[-1] @ w + b
            acts.append(np.maximum(z, 0) if i < len(params) - 1 else z)
        logits = acts[-1]
        e = np.exp(logits - logits.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        g = p
        g[np.arange(batch), labels] -= 1
        g /= batch
        for i in reversed(range(len(params))):
            w, b = params[i]
            gw, gb = acts[i].T @ g, g.sum(0)
            if i:
                g = (g @ w.T) * (acts[i] > 0)
            w -= np.float32(0.01) * gw
            b -= np.float32(0.01) * gb

    return step


def w2(batch, repeat):
    rows = [("numpy eager", measure(_numpy_mlp_step(batch), repeat))]
    sess, train, _, feed = build_mlp(batch)
    rows.append(("graphflow (numba)", measure(lambda: sess.run(train, feed), repeat)))
    rows += _torch_mlp(batch, repeat)
    rows += _jax_mlp(batch, repeat)
    report(f"W2 MLP 784-512-512-10 training step, batch {batch}", rows)


def _torch_mlp(batch, repeat):
    try:
        import torch
    except ImportError:
        return []
    weights, x, labels = _mlp_data(batch)
    params = [torch.tensor(a, requires_grad=True) for pair in weights for a in pair]
    tx, ty = torch.from_numpy(x), torch.from_numpy(labels)
    opt = torch.optim.SGD(params, lr=0.01)

    def step():
        h = tx
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, ty)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return [("pytorch eager", measure(step, repeat))]


def _jax_mlp(batch, repeat):
    run = jax_mlp_step(batch)
    return [] if run is None else [("jax jit", measure(run, repeat))]


# -- W3: the cost of one run --------------------------------------------------------------------

def w3(repeat):
    x = np.ones(1, np.float32)
    rows = [("numpy eager", measure(lambda: x * 2 + 1, repeat))]
    gx = gf.placeholder(gf.float32, [1])
    y = gx * 2.0 + 1.0
    for backend in ("numba", "numpy"):
        sess = gf.Session(backend=backend)
        rows.append((f"graphflow ({backend}) run", measure(lambda s=sess: s.run(y, {gx: x}),
                                                           repeat)))
    call = gf.Session().make_callable(y, [gx])
    try:
        import torch

        tx = torch.from_numpy(x)
        rows.append(("pytorch eager", measure(lambda: tx * 2 + 1, repeat)))
    except ImportError:
        pass
    rows.append(("graphflow make_callable", measure(lambda: call(x), repeat)))
    try:
        import jax

        f = jax.jit(lambda v: v * 2 + 1)
        jx = jax.numpy.asarray(x)
        rows.append(("jax jit call", measure(lambda: f(jx).block_until_ready(), repeat)))
    except ImportError:
        pass
    report("W3 one Session.run of y = x*2 + 1, x of shape (1,)", rows)


# -- W4: cold start ---------------------------------------------------------------------------

W4_SCRIPT = """
import time; t = time.perf_counter()
import sys; sys.path.insert(0, {root!r})
from benchmarks.run import build_mlp
sess, train, loss, feed = build_mlp(64)
sess.run(train, feed)
print(time.perf_counter() - t)
"""

W4_JAX_SCRIPT = """
import time; t = time.perf_counter()
import sys; sys.path.insert(0, {root!r})
from benchmarks.jax_mlp import jax_mlp_step  # NumPy only: JAX's import is timed below
run = jax_mlp_step(64)
if run:  # None without JAX
    run()
print(time.perf_counter() - t if run else "")
"""


def w4():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "GRAPHFLOW_CACHE_DIR": cache}
        times = [_fresh_process(W4_SCRIPT.format(root=root), env) for _ in range(2)]
    print("\nW4 fresh process: import, build W2 (batch 64), first training step")
    print(f"  graphflow: empty kernel cache {times[0]:.2f} s, warm kernel cache {times[1]:.2f} s")
    jax_time = _fresh_process(W4_JAX_SCRIPT.format(root=root), os.environ)
    if jax_time:
        print(f"  jax (import, jit, first step): {float(jax_time):.2f} s")


def _fresh_process(script, env):
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return float(last) if last else None


# -- W5: a small CNN training step ------------------------------------------------------------

def _cnn_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (32, 64, 64, 3)).astype(np.float32)
    labels = rng.integers(0, 10, 32)
    params = [rng.normal(0, np.sqrt(2 / 27), (3, 3, 3, 16)).astype(np.float32),
              rng.normal(0, np.sqrt(2 / 144), (3, 3, 16, 32)).astype(np.float32),
              rng.normal(0, np.sqrt(1 / 32), (32, 10)).astype(np.float32),
              np.zeros(10, np.float32)]
    return x, labels, params


def build_cnn():
    """The W5 graph: returns (session, train_op, feed)."""
    x, labels, params = _cnn_data()
    gx = gf.placeholder(gf.float32, [None, 64, 64, 3])
    gy = gf.placeholder(gf.int64, [None])
    k1, k2, w, b = (gf.Variable(p) for p in params)
    h = gf.nn.relu(gf.nn.conv2d(gx, k1, strides=1, padding="SAME"))
    h = gf.nn.max_pool(h, ksize=2, strides=2, padding="VALID")
    h = gf.nn.relu(gf.nn.conv2d(h, k2, strides=1, padding="SAME"))
    logits = gf.matmul(gf.reduce_mean(h, axis=[1, 2]), w) + b
    loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=gy, logits=logits))
    train = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
    sess = gf.Session()
    sess.run(gf.global_variables_initializer())
    return sess, train, {gx: x, gy: labels}


def _im2col3x3(x):
    """(N*H*W, 9*C) patches of a SAME 3x3 convolution."""
    n, h, w, c = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, 9 * c)


def _col2im3x3(cols, shape):
    n, h, w, c = shape
    cols = cols.reshape(n, h, w, 3, 3, c)
    padded = np.zeros((n, h + 2, w + 2, c), cols.dtype)
    for i in range(3):
        for j in range(3):
            padded[:, i:i + h, j:j + w] += cols[:, :, :, i, j]
    return padded[:, 1:-1, 1:-1]


def _numpy_cnn_step():
    x, labels, params = _cnn_data()
    n = len(x)

    def step():
        k1, k2, w, b = params
        cols1 = _im2col3x3(x)
        z1 = (cols1 @ k1.reshape(-1, 16)).reshape(n, 64, 64, 16)
        a1 = np.maximum(z1, 0)
        windows = a1.reshape(n, 32, 2, 32, 2, 16)
        p1 = windows.max(axis=(2, 4))
        cols2 = _im2col3x3(p1)
        z2 = (cols2 @ k2.reshape(-1, 32)).reshape(n, 32, 32, 32)
        a2 = np.maximum(z2, 0)
        pooled = a2.mean(axis=(1, 2))
        logits = pooled @ w + b
        e = np.exp(logits - logits.max(1, keepdims=True))
        g = e / e.sum(1, keepdims=True)
        g[np.arange(n), labels] -= 1
        g /= n
        gw, gb = pooled.T @ g, g.sum(0)
        g2 = np.broadcast_to((g @ w.T)[:, None, None, :] / (32 * 32), a2.shape) * (z2 > 0)
        g2 = g2.reshape(-1, 32)
        gk2 = (cols2.T @ g2).reshape(k2.shape)
        gp1 = _col2im3x3(g2 @ k2.reshape(-1, 32).T, p1.shape)
        mask = windows == p1[:, :, None, :, None]
        g1 = (mask * gp1[:, :, None, :, None]).reshape(a1.shape) * (z1 > 0)
        gk1 = (cols1.T @ g1.reshape(-1, 16)).reshape(k1.shape)
        for p, gp in zip(params, (gk1, gk2, gw, gb)):
            p -= np.float32(0.01) * gp

    return step


def _torch_cnn(repeat):
    try:
        import torch
    except ImportError:
        return []
    x, labels, params = _cnn_data()
    tx = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    ty = torch.from_numpy(labels)
    k1 = torch.tensor(params[0].transpose(3, 2, 0, 1), requires_grad=True)
    k2 = torch.tensor(params[1].transpose(3, 2, 0, 1), requires_grad=True)
    w, b = (torch.tensor(p, requires_grad=True) for p in params[2:])
    opt = torch.optim.SGD([k1, k2, w, b], lr=0.01)
    f = torch.nn.functional

    def step():
        h = f.max_pool2d(torch.relu(f.conv2d(tx, k1, padding=1)), 2)
        h = torch.relu(f.conv2d(h, k2, padding=1)).mean(dim=(2, 3))
        loss = f.cross_entropy(h @ w + b, ty)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return [("pytorch eager", measure(step, repeat))]


def w5(repeat):
    rows = [("numpy eager", measure(_numpy_cnn_step(), repeat))]  # im2col + BLAS
    sess, train, feed = build_cnn()
    rows.append(("graphflow (numba)", measure(lambda: sess.run(train, feed), repeat)))
    rows += _torch_cnn(repeat)
    report("W5 CNN training step, batch 32 of 64x64x3 (conv-relu-pool-conv-relu-gap-dense)",
           rows)


# -- W6: a char-level LSTM training step, and the cost of a loop iteration -------------------

def w6(repeat):
    data = lstm.lstm_data()
    has_rnn = lstm.has_dynamic_rnn(gf)
    steps = [("numpy eager", lstm.numpy_lstm_step(data)),  # hand-written BPTT
             ("graphflow (numba)", lstm.tf1_lstm_step(gf, data) if has_rnn else None),
             ("pytorch nn.LSTM (fused)", lstm_peers.torch_lstm_step(data)),
             ("pytorch LSTMCell loop", lstm_peers.torch_lstm_step(data, looping=True)),
             ("jax lax.scan", lstm_peers.jax_lstm_step(data))]
    steps = [(name, step) for name, step in steps if step is not None]
    before, after = _same_first_losses(steps)
    report("W6 char-LSTM training step: vocabulary 64, batch 32, 50 steps, hidden 256",
           [(name, measure(step, repeat)) for name, step in steps])
    print(f"  loss {before:.5f} before the first SGD step, {after:.5f} after it, "
          f"in all {len(steps)} within 1e-4")
    if not has_rnn:
        print("  graphflow: not available (no dynamic_rnn)")


def _same_first_losses(steps):
    """Runs each step twice from the same weights: the losses before and after one SGD step
    must agree with NumPy's (the same model, data and update), else the timings compare
    different work."""
    losses = {name: [float(step()) for _ in range(2)] for name, step in steps}
    ref = losses["numpy eager"]
    for name, pair in losses.items():
        if not np.allclose(pair, ref, rtol=0, atol=1e-4):
            raise AssertionError(f"W6: {name}'s losses {pair} differ from NumPy's {ref}")
    return ref


def w6_while(repeat):
    count = lstm.WHILE_COUNT
    has_loop = lstm.has_while_loop(gf)
    loops = [("python loop", lstm_peers.python_while_loop()),
             ("graphflow while_loop", lstm.tf1_while_loop(gf) if has_loop else None),
             ("jax lax.while_loop", lstm_peers.jax_while_loop())]
    loops = [(name, loop) for name, loop in loops if loop is not None]
    for name, loop in loops:
        if int(np.squeeze(loop())) != count:  # a one-tensor list, or the tensor, as in TF1
            raise AssertionError(f"W6: {name} counted to {loop()}, not {count}")
    report(f"W6 trivial while_loop (i + 1 while i < n, n = {count:,} fed), per iteration",
           [(name, measure(loop, repeat)) for name, loop in loops], base="python loop",
           per=count)
    if not has_loop:
        print("  graphflow: not available (no while_loop)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", default="W1,W2,W3,W4,W5,W6")
    args = parser.parse_args(argv)
    r = 5 if args.quick else 20
    only = args.only.split(",")
    print(f"graphflow {gf.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    if "W1" in only:
        w1(10_000_000, r)
        w1(100_000, r * 10)
    if "W2" in only:
        w2(64, r * 5)
        w2(1024, r)
    if "W3" in only:
        w3(r * 500)
    if "W4" in only:
        w4()
    if "W5" in only:
        w5(r)
    if "W6" in only:
        # the first step after another library's is slow (its threads still hold the cores):
        # blocks of three or more keep that one out of the median
        w6(r * 3)
        w6_while(r * 5)


if __name__ == "__main__":
    main()
