"""Memory stays bounded when feed shapes vary: a session's plans keep their free buffers
and replays under its byte budget (``pool_bytes``, ``GRAPHFLOW_POOL_BYTES``), large
fetched results' recycled buffers stay under ``recycler.KEEP_BYTES``, and a loop at one
shape still reuses its buffers whatever the budget."""

import os
import subprocess
import sys
import textwrap

import numpy as np

import graphflow as gf
from graphflow.backends.cpu import recycler

MiB = 1 << 20


def _mlp(width=64, inputs=96):
    x, y = gf.placeholder(gf.float32, [None, inputs]), gf.placeholder(gf.int64, [None])
    h = gf.layers.dense(x, width, activation=gf.nn.relu)
    loss = gf.losses.sparse_softmax_cross_entropy(y, gf.layers.dense(h, 10))
    return x, y, loss, gf.train.GradientDescentOptimizer(0.01).minimize(loss)


def _kept(sess):
    """What the session's plans keep between runs: free pool buffers and replays' buffers
    (read from the plans, so that it measures the same before and after the budget)."""
    plans = [p for p, _ in sess._prepared.values() if hasattr(p, "pool")]
    replayed = {id(b): b.nbytes for p in plans for r in getattr(p, "replays", {}).values()
                for b in r.buffers}
    return sum(p.pool.nbytes for p in plans) + sum(replayed.values())


def test_training_over_many_batch_sizes_keeps_the_pool_under_its_budget(monkeypatch):
    """An MLP trained one step at each of 40 batch sizes (each seen twice, so some get
    replays) keeps no more than the budget plus one run's buffers; before the budget the
    plans kept 8 runs' worth of every size (and the first 8 sizes' replays for ever)."""
    budget = MiB // 4
    monkeypatch.setenv("GRAPHFLOW_POOL_BYTES", str(budget))
    rng = np.random.default_rng(0)
    with gf.Graph().as_default():
        x, y, loss, step = _mlp()
        with gf.Session(backend="numba") as sess:
            sess.run(gf.global_variables_initializer())
            worst = 0
            for n in [n for n in range(300, 340) for _ in range(2)]:
                sess.run([loss, step], {x: rng.normal(size=(n, 96)).astype(np.float32),
                                        y: rng.integers(0, 10, n)})
                one_run = n * (96 + 3 * 64 + 3 * 10) * 4  # input, hidden, logits and grads
                worst = max(worst, _kept(sess) - one_run)
    assert worst <= budget, f"{worst / MiB:.2f} MiB over one run's buffers"


def test_variable_sequence_lengths_keep_replays_and_pool_under_the_budget(monkeypatch):
    """Sequences of random lengths (so each length comes again and earns a replay, which
    owns its buffers): replays and free buffers together stay under ``pool_bytes``."""
    budget = 2 * MiB
    monkeypatch.setenv("GRAPHFLOW_POOL_BYTES", "2M")
    rng = np.random.default_rng(1)
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [8, None, 64])
        w = gf.Variable(rng.normal(size=(64, 64)).astype(np.float32) * 0.1)
        h = gf.tanh(gf.reshape(gf.matmul(gf.reshape(x, [-1, 64]), w), gf.shape(x)))
        loss = gf.reduce_mean(gf.square(h))
        step = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
        with gf.Session(backend="numba") as sess:
            sess.run(gf.global_variables_initializer())
            worst = 0
            for length in rng.integers(100, 200, 60):
                sess.run([loss, step], {x: rng.normal(size=(8, length, 64)).astype(np.float32)})
                one_run = 6 * 8 * int(length) * 64 * 4
                worst = max(worst, _kept(sess) - one_run)
    assert worst <= budget, f"{worst / MiB:.2f} MiB over one run's buffers"


def test_a_loop_at_one_shape_reuses_its_buffers_under_a_zero_budget():
    """The budget never takes the buffers the ending run used: a loop at one shape stops
    allocating after its first run even with ``pool_bytes=0`` (no replay fits in it, so
    every run is a dynamic run through the pool)."""
    rng = np.random.default_rng(2)
    with gf.Graph().as_default():
        x, y, loss, step = _mlp()
        with gf.Session(backend="numba", pool_bytes=0) as sess:
            sess.run(gf.global_variables_initializer())
            feed = {x: rng.normal(size=(512, 96)).astype(np.float32),
                    y: rng.integers(0, 10, 512)}
            for _ in range(3):
                sess.run([loss, step], feed)
            plan = sess.plan([loss, step], feed)
            allocated = plan.allocations
            for _ in range(20):
                sess.run([loss, step], feed)
            assert plan.allocations == allocated
            assert not plan.replays  # a replay's buffers have no room in a zero budget


def test_the_sessions_plans_share_one_budget():
    """Two plans (a training step and an evaluation) of one session keep their free
    buffers under the session's budget together; the older plan's go first."""
    budget = 1 * MiB
    rng = np.random.default_rng(3)
    with gf.Graph().as_default():
        x, y, loss, step = _mlp()
        with gf.Session(backend="numba", pool_bytes=budget) as sess:
            sess.run(gf.global_variables_initializer())
            for n in range(600, 630):
                feed = {x: rng.normal(size=(n, 96)).astype(np.float32),
                        y: rng.integers(0, 10, n)}
                sess.run([loss, step], feed)
                sess.run(loss, feed)
            pools = [p.pool for p, _ in sess._prepared.values() if hasattr(p, "pool")]
            assert len(pools) >= 2 and all(p.budget is sess.pool_budget for p in pools)
            one_run = n * (96 + 3 * 64 + 3 * 10) * 4
            assert sum(p.nbytes for p in pools) <= budget + one_run


def test_bad_pool_budgets_are_reported():
    for bad in (-1, 1.5, "1G", True):
        try:
            gf.Session(pool_bytes=bad)
        except gf.errors.InvalidArgumentError as e:
            assert "pool_bytes" in str(e) and repr(bad) in str(e)
        else:
            raise AssertionError(f"pool_bytes={bad!r} was accepted")


def test_large_fetched_results_of_many_sizes_keep_bounded_recycled_memory(monkeypatch):
    """Each large fetched result's buffer comes back to the recycler when dropped; one
    per new size was kept for ever (1500 batch sizes of [n, 784] results: gigabytes)."""
    monkeypatch.setattr(recycler, "KEEP_BYTES", 4 * MiB, raising=False)
    rng = np.random.default_rng(4)
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 1024])
        out = gf.exp(x) * 2.0 + 1.0
        with gf.Session(backend="numba") as sess:
            for n in range(300, 340):
                sess.run(out, {x: rng.normal(size=(n, 1024)).astype(np.float32)})
    held = sum(b.nbytes for free in recycler.RECYCLER._free.values() for b in free)
    assert held <= 4 * MiB + 340 * 1024 * 4 * recycler.KEEP, held / MiB


def test_peak_rss_is_flat_over_many_batch_sizes():
    """A coarse check of the whole process: a training loop over 80 new batch sizes that
    also fetches its hidden activations ([n, 2048] floats, recycled when dropped) grows the
    peak RSS by less than 60 MB with a 16 MB pool budget and an 8 MB recycler. Before the
    bounds each size's recycled buffer was kept for ever (336 MB more here)."""
    script = textwrap.dedent("""
        import resource
        import numpy as np
        import graphflow as gf
        from graphflow.backends.cpu import recycler
        recycler.KEEP_BYTES = 8 << 20
        rng = np.random.default_rng(0)
        x, y = gf.placeholder(gf.float32, [None, 64]), gf.placeholder(gf.int64, [None])
        h = gf.layers.dense(x, 2048, activation=gf.nn.relu)
        loss = gf.losses.sparse_softmax_cross_entropy(y, gf.layers.dense(h, 10))
        step = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = gf.Session()
        sess.run(gf.global_variables_initializer())
        def run(n):
            sess.run([h, loss, step], {x: rng.normal(size=(n, 64)).astype(np.float32),
                                       y: rng.integers(0, 10, n)})
        for n in (300, 400, 450, 300, 400, 450):
            run(n)
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for n in range(300, 380):
            run(n)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) // 1024)
    """)
    env = dict(os.environ, GRAPHFLOW_POOL_BYTES=str(16 * MiB))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    grown = int(done.stdout.split()[-1])
    assert grown < 60, f"peak RSS grew {grown} MB"


def test_pools_sharing_a_budget_stay_consistent_under_concurrent_runs():
    """Runs in several threads take, give and end runs on pools sharing one budget, which
    lets go of other pools' buffers: every buffer ends either free in its pool or told to
    ``on_drop`` once (the CUDA plan forgets its address there), and the byte counts agree
    with the buffers held."""
    import threading

    from graphflow.backends.buffer_pool import Budget, BufferPool

    budget = Budget(64 << 10)
    dropped, made, failures = [], [], []
    pools = [BufferPool(dropped.append, budget) for _ in range(3)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def work(k):
        rng = np.random.default_rng(k)
        try:
            for _ in range(400):
                pool = pools[rng.integers(len(pools))]
                taken = []
                for size in rng.integers(1000, 3000, 4):
                    buf = pool.take("<f4", int(size))
                    if buf is None:
                        buf = np.empty(int(size), np.float32)
                        made.append(buf)
                    taken.append(buf)
                for buf in taken:
                    pool.give(buf)
                pool.end_run()
        except Exception as e:  # noqa: BLE001
            failures.append(e)

    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    assert failures == []
    held = [b for p in pools for b in p.buffers()]
    assert sorted(map(id, held + dropped)) == sorted(map(id, made))
    assert [p.nbytes for p in pools] == [sum(b.nbytes for b in p.buffers()) for p in pools]
    assert budget.pooled <= budget.nbytes + 3 * 4 * 3000 * 4  # + the last runs' buffers
