"""graphflow's CUDA backend on a GPU: op-table parity, then W1, W2 and a GEMM beside PyTorch.

    PYTHONPATH=. python benchmarks/gpu.py            # on a machine with an NVIDIA GPU
    PYTHONPATH=. python benchmarks/gpu.py --sim      # tiny sizes on numba's simulator

- parity: the op table (tests/op_cases.py) on backend "cuda", as many cases as fit in
  ``--parity-seconds``, each checked against its NumPy expectation;
- W1: ``y = tanh(x*a + b) * sigmoid(x) + 0.5*x*x`` over N float32 (x a variable on the
  device, y stored in one), beside a device-to-device copy of x and torch eager/compile;
- W2: an MLP 784-512-512-10 SGD training step (batches fed from the host), beside torch;
- GEMM: float32 n x n matmul stored on the device, beside cuBLAS with TF32 off;
- control flow: cond, while_loop with a TensorArray and dynamic_rnn, values and gradients
  against the NumPy backend (tests/cuda/test_cuda_control_flow.py), then W6 (the char-LSTM
  training step of benchmarks/lstm.py) on the device.
Times are medians after a warm-up; the whole run is meant to take under 5 minutes.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARMUP = 2  # calls before timing (--sim: 1)


def median_ms(fn, sync, repeat, warmup=None):
    """Median wall time of ``fn()`` in ms, the device synchronized around each call."""
    for _ in range(WARMUP if warmup is None else warmup):
        fn()
    sync()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def parity(seconds, limit):
    """(passed, failed names, run) over the op table within the time budget."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from op_cases import CASES, run_case

    passed, failed, start = 0, [], time.perf_counter()
    for case in CASES[:limit]:
        if time.perf_counter() - start > seconds:
            break
        try:
            run_case(case, "cuda", known_shapes=True)
            passed += 1
        except Exception as e:  # a report, not a stop: list what failed
            failed.append(f"{case.id}: {str(e).splitlines()[0][:120]}")
    return passed, failed, passed + len(failed)


def w1(gf, n, repeat, torch):
    rng = np.random.default_rng(0)
    host = rng.standard_normal(n, dtype=np.float32)
    rows = []
    with gf.Graph().as_default():
        x = gf.Variable(host, name="x")
        y = gf.Variable(np.zeros(n, np.float32), name="y")
        f = gf.tanh(x * 1.5 + 0.25) * gf.sigmoid(x) + 0.5 * x * x
        step = y.assign(f)
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            cuda = sess.backend.cuda
            rows.append(("W1 graphflow cuda", median_ms(lambda: sess.run(step.op),
                                                        cuda.synchronize, repeat)))
            got = sess.run(y)[:1000]
            want = np.tanh(host[:1000] * 1.5 + 0.25) / (1 + np.exp(-host[:1000])) \
                + 0.5 * host[:1000] ** 2
            assert np.allclose(got, want, rtol=1e-5, atol=1e-5), "W1 result differs"
            src, dst = cuda.to_device(host), cuda.device_array(n, np.float32)
            rows.append(("W1 device copy (bound)", median_ms(lambda: dst.copy_to_device(src),
                                                             cuda.synchronize, repeat)))
    if torch is not None:
        xt = torch.from_numpy(host).cuda()

        def eager(x):
            return torch.tanh(x * 1.5 + 0.25) * torch.sigmoid(x) + 0.5 * x * x

        rows.append(("W1 torch eager", median_ms(lambda: eager(xt), torch.cuda.synchronize,
                                                 repeat)))
        compiled = torch.compile(eager)
        rows.append(("W1 torch.compile", median_ms(lambda: compiled(xt),
                                                   torch.cuda.synchronize, repeat, warmup=3)))
    return rows


def w2(gf, batch, repeat, torch, sizes=(784, 512, 512, 10)):
    rng = np.random.default_rng(1)
    images = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    labels = np.eye(sizes[-1], dtype=np.float32)[rng.integers(0, sizes[-1], batch)]
    rows = []
    with gf.Graph().as_default():
        gf.set_random_seed(0)
        x = gf.placeholder(gf.float32, [None, sizes[0]])
        t = gf.placeholder(gf.float32, [None, sizes[-1]])
        h = x
        for width in sizes[1:-1]:
            h = gf.layers.dense(h, width, activation=gf.nn.relu)
        logits = gf.layers.dense(h, sizes[-1])
        loss = gf.reduce_mean(gf.nn.softmax_cross_entropy_with_logits_v2(labels=t,
                                                                         logits=logits))
        train = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            feed = {x: images, t: labels}
            rows.append((f"W2 graphflow cuda, batch {batch}",
                         median_ms(lambda: sess.run(train, feed), sess.backend.cuda.synchronize,
                                   repeat)))
            assert np.isfinite(sess.run(loss, feed)), "W2 loss is not finite"
    if torch is not None:
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers[:-1]).cuda()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        target = torch.from_numpy(labels.argmax(1))

        def step():
            opt.zero_grad()
            out = model(torch.from_numpy(images).cuda())
            torch.nn.functional.cross_entropy(out, target.cuda()).backward()
            opt.step()

        rows.append((f"W2 torch eager, batch {batch}", median_ms(step, torch.cuda.synchronize,
                                                                 repeat)))
    return rows


def gemm(gf, n, repeat, torch):
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
    rows = []
    with gf.Graph().as_default():
        va, vb = gf.Variable(a), gf.Variable(b)
        c = gf.Variable(np.zeros((n, n), np.float32))
        step = c.assign(gf.matmul(va, vb))
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            ms = median_ms(lambda: sess.run(step.op), sess.backend.cuda.synchronize, repeat)
            rows.append((f"GEMM {n} graphflow cuda ({2 * n**3 / ms / 1e9:.1f} TFLOP/s)", ms))
            got = sess.run(c)[:4]
            assert np.allclose(got, a[:4] @ b, rtol=1e-3, atol=1e-3), "GEMM result differs"
    if torch is not None:
        torch.backends.cuda.matmul.allow_tf32 = False
        ta, tb = torch.from_numpy(a).cuda(), torch.from_numpy(b).cuda()
        ms = median_ms(lambda: ta @ tb, torch.cuda.synchronize, repeat)
        rows.append((f"GEMM {n} torch cuBLAS, no TF32 ({2 * n**3 / ms / 1e9:.1f} TFLOP/s)", ms))
    return rows


def control_flow(gf, big, repeat):
    """(passed, failed names) of the CUDA control-flow checks, and W6's row on the device."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "cuda"))
    import test_cuda_control_flow as checks

    passed, failed = 0, []
    for name in sorted(n for n in dir(checks) if n.startswith("test_")):
        args = [[True], [False]] if name == "test_cond_and_its_gradient_on_cuda" else [[]]
        for a in args:
            try:
                with gf.Graph().as_default():
                    getattr(checks, name)(*a)
                passed += 1
            except Exception as e:  # a report, not a stop
                failed.append(f"{name}{a}: {str(e).splitlines()[0][:120]}")
    rows = []
    if big:
        sys.path.insert(0, ROOT)
        from benchmarks import lstm

        step = lstm.tf1_lstm_step(_CudaModule(gf), lstm.lstm_data())
        rows.append(("W6 char-LSTM step (dynamic_rnn, cuda)", median_ms(step, lambda: None,
                                                                        repeat)))
    return passed, failed, rows


class _CudaModule:
    """graphflow with ``Session`` on the cuda backend (for TF1 programs like W6's)."""

    def __init__(self, gf):
        self._gf = gf

    def __getattr__(self, name):
        if name == "Session":
            return lambda config=None: self._gf.Session(backend="cuda")
        return getattr(self._gf, name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim", action="store_true", help="tiny sizes on the CUDA simulator")
    parser.add_argument("--parity-seconds", type=float, default=90.0)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args(argv)
    if args.sim:
        global WARMUP
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
        WARMUP = 1
    sys.path.insert(0, ROOT)
    import graphflow as gf

    torch = None
    if not (args.no_torch or args.sim):
        try:
            import torch
        except ImportError:
            print("torch is not installed: graphflow rows only")
    big = not args.sim
    passed, failed, ran = parity(args.parity_seconds, None if big else 12)
    print(f"parity: {passed}/{ran} op-table cases pass on backend cuda")
    for line in failed[:20]:
        print("  FAILED", line)
    rows = []
    rows += w1(gf, 10**8 if big else 1000, 20 if big else 2, torch)
    for batch in (64, 1024) if big else (4,):
        sizes = (784, 512, 512, 10) if big else (6, 5, 5, 3)
        rows += w2(gf, batch, 50 if big else 1, torch, sizes)
    rows += gemm(gf, 4096 if big else 8, 10 if big else 1, torch)
    cf_passed, cf_failed, cf_rows = control_flow(gf, big, 10 if big else 1)
    print(f"control flow: {cf_passed}/{cf_passed + len(cf_failed)} checks pass on backend cuda")
    for line in cf_failed:
        print("  FAILED", line)
    failed += cf_failed
    rows += cf_rows
    width = max(len(name) for name, _ in rows)
    print(f"{'workload':<{width}}  {'median ms':>10}")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:>10.3f}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
