"""Fault injection, threads: concurrent runs of one Session apply every update.

Each run reads the variables it assigns and commits its writes when it succeeds; two
runs that interleaved used to read the same old value and overwrite each other's step
(300 of 600 SGD steps applied). A run now holds the locks of the variables it assigns.
"""

import threading

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numba", "numpy"]


def _in_threads(n, work):
    """Run ``work(i)`` in ``n`` threads at once; re-raise the first failure."""
    failures = []
    start = threading.Barrier(n)

    def body(i):
        try:
            start.wait()
            work(i)
        except BaseException as e:  # noqa: BLE001 (reported below)
            failures.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hangs (deadlock?)"
    if failures:
        raise failures[0]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("use_locking", [False, True])
@pytest.mark.parametrize("threads", [2, 8])
def test_every_sgd_step_is_applied(backend, use_locking, threads):
    steps = 300 if threads == 2 else 60
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float64, [None, 4])
        w = gf.Variable(np.zeros((4, 3)), name="w")
        loss = gf.reduce_sum(gf.matmul(x, w))  # d loss / d w = x.T @ ones: 1 per row of x
        train = gf.train.GradientDescentOptimizer(1.0, use_locking=use_locking).minimize(loss)
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            batch = np.ones((1, 4))
            _in_threads(threads, lambda i: [sess.run(train, {x: batch}) for _ in range(steps)])
            np.testing.assert_array_equal(sess.run(w), np.full((4, 3), -threads * steps))


@pytest.mark.parametrize("backend", BACKENDS)
def test_adam_counts_every_global_step(backend):
    with gf.Graph().as_default():
        w = gf.Variable(np.ones(5, np.float32))
        step = gf.train.get_or_create_global_step()
        train = gf.train.AdamOptimizer(0.01).minimize(gf.reduce_sum(w * w), global_step=step)
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            _in_threads(8, lambda i: [sess.run(train) for _ in range(50)])
            assert sess.run(step) == 400


@pytest.mark.parametrize("backend", BACKENDS)
def test_counters_assigned_in_opposite_orders_neither_lose_nor_deadlock(backend):
    with gf.Graph().as_default():
        a = gf.Variable(0, name="a")
        b = gf.Variable(0, name="b")
        with gf.control_dependencies([a.assign_add(1)]):
            a_then_b = b.assign_add(1)
        with gf.control_dependencies([b.assign_add(10)]):
            b_then_a = a.assign_add(10)
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            ops = [a_then_b, b_then_a]
            _in_threads(8, lambda i: [sess.run(ops[i % 2]) for _ in range(100)])
            assert sess.run([a, b]) == [400 + 4000, 400 + 4000]


def test_readers_see_whole_steps_while_training():
    """A fetch during another thread's update sees the value before or after a step,
    never a mixture: the SGD update folded into the GEMM wrote the committed array in
    place while a reader copied it (398 torn reads of 300 steps)."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 1024])
        w = gf.Variable(np.zeros((1024, 1024), np.float32))
        loss = gf.reduce_sum(gf.matmul(x, w))
        train = gf.train.GradientDescentOptimizer(1.0).minimize(loss)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            batch = np.ones((8, 1024), np.float32)  # every step subtracts 8 everywhere
            seen = []

            def work(i):
                for _ in range(200):
                    if i == 0:
                        sess.run(train, {x: batch})
                    else:
                        seen.append(sess.run(w))

            _in_threads(3, work)
            for value in seen:
                assert (value == value.flat[0]).all(), "a torn read"
            assert sess.run(w)[0, 0] == -8 * 200


def test_a_threads_default_graph_is_its_own():
    """TF1's rule: ``with g.as_default()`` changes the default graph of this thread only."""
    mine = gf.Graph()
    others = []
    inside = threading.Event()
    done = threading.Event()

    def other():
        inside.wait()
        others.append(gf.get_default_graph())
        with gf.Graph().as_default() as g:
            others.append(g)
            done.set()

    t = threading.Thread(target=other)
    t.start()
    with mine.as_default():
        inside.set()
        done.wait(10)
        assert gf.get_default_graph() is mine
    t.join()
    assert others[0] is not mine and others[0] is gf.get_default_graph()


def test_a_threads_default_session_is_its_own():
    with gf.Graph().as_default():
        c = gf.constant(3.0)
        with gf.Session():
            found = []
            t = threading.Thread(target=lambda: found.append(gf.get_default_session()))
            t.start()
            t.join()
            assert found == [None]
            assert c.eval() == 3.0


FORKED_WORKERS = """
import multiprocessing, sys
import numpy as np
import graphflow as gf

x = gf.placeholder(gf.float32, [None])
y = gf.exp(x) * 2.0 + 1.0
sess = gf.Session()
big = np.zeros(1 << 20, np.float32)  # large enough for a parallel kernel
for _ in range(4):  # replayed from the third run: the children must not reuse that replay
    sess.run(y, {x: big})

def fresh_graph(i):
    with gf.Graph().as_default():
        a = gf.placeholder(gf.float32, [None])
        return float(gf.Session().run(gf.tanh(a) + float(i), {a: big}).sum())

def parents_session(i):
    return float(sess.run(y, {x: big}).sum())

with multiprocessing.get_context("fork").Pool(2) as pool:
    print(pool.map(fresh_graph, [0, 1]), pool.map(parents_session, [0, 1]))
"""


def test_forked_workers_run_graphs_after_the_parent_ran_a_parallel_kernel():
    """GNU OpenMP kills a forked child's first parallel loop; multiprocessing's fork
    workers hung the pool. Such a child runs its kernels serially."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", FORKED_WORKERS], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    n = float(1 << 20)
    assert out.stdout.strip() == f"[0.0, {n}] [{3 * n}, {3 * n}]"
