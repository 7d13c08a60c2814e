"""Session(backend="cuda"): the op table and small programs against the NumPy oracle."""

import os
import sys

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors
from graphflow.backends.cuda import env as cuda_env

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from op_cases import CASES, run_case  # noqa: E402

# the simulator runs every GPU thread as a Python thread: one small case per op and dtype
_FIRST = {}
for _c in CASES:
    if sum(np.asarray(a).size for a in _c.inputs) <= 64:
        _FIRST.setdefault((_c.op, tuple(np.asarray(a).dtype.str for a in _c.inputs)), _c)
SMALL = list(_FIRST.values())


@pytest.mark.parametrize("case", SMALL, ids=[c.id for c in SMALL])
def test_op_table_known_shapes(case):
    run_case(case, "cuda", known_shapes=True)


UNKNOWN = [c for c in SMALL[::4] if c.unknown_shapes_ok]


@pytest.mark.parametrize("case", UNKNOWN, ids=[c.id for c in UNKNOWN])
def test_op_table_unknown_shapes(case):
    run_case(case, "cuda", known_shapes=False)


def _fused_program():
    x = gf.placeholder(gf.float32, [None, 6])
    b = gf.Variable(np.linspace(-1, 1, 6).astype(np.float32))
    y = gf.tanh(x * 2.0 + b) * gf.sigmoid(x) + 0.5 * x * x
    return x, b, y, gf.reduce_sum(y, axis=1), gf.reduce_mean(y, axis=0)


def test_fused_kernels_and_reductions_match_numpy():
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(300, 6)).astype(np.float32)  # 1800 elements: multi-part sums
    results = {}
    for backend in ("numpy", "cuda"):
        with gf.Graph().as_default():
            x, b, y, rows, cols = _fused_program()
            total = gf.reduce_sum(gf.exp(y))  # absorbed into the kernel: one pass, two parts
            with gf.Session(backend=backend) as sess:
                sess.run(gf.global_variables_initializer())
                results[backend] = sess.run([y, rows, cols, total], {x: xv})
    for got, want in zip(results["cuda"], results["numpy"]):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)


def test_variables_stay_on_the_device_across_runs():
    with gf.Graph().as_default():
        v = gf.Variable(np.arange(4, dtype=np.float32))
        step = gf.assign_add(v, gf.ones([4]) * 0.5)
        with gf.Session(backend="cuda") as sess:
            sess.run(v.initializer)
            first = sess._values[v.op]
            assert not isinstance(first, np.ndarray)  # a device array, not a host copy
            sess.run(step)
            sess.run(step)
            assert not isinstance(sess._values[v.op], np.ndarray)
            got = sess.run(v)
            assert isinstance(got, np.ndarray)
            np.testing.assert_array_equal(got, np.arange(4) + 1.0)
            got[:] = 7  # a fetched value is the user's own copy
            np.testing.assert_array_equal(sess.run(v), np.arange(4) + 1.0)
            v.load(np.zeros(4, np.float32), sess)  # a host value is uploaded on first read
            sess.run(step)
            np.testing.assert_array_equal(sess.run(v), np.full(4, 0.5))
            assert not isinstance(sess._values[v.op], np.ndarray)


def test_a_failed_run_leaves_variables_unchanged():
    with gf.Graph().as_default():
        v = gf.Variable(np.ones(3, np.float32))
        x = gf.placeholder(gf.float32, [None])
        bad = gf.assign(v, v + gf.reshape(x, [3]) * 2.0)
        with gf.Session(backend="cuda") as sess:
            sess.run(v.initializer)
            with pytest.raises(errors.GraphflowError):
                sess.run(bad, {x: np.ones(4, np.float32)})  # reshape fails after the read
            np.testing.assert_array_equal(sess.run(v), np.ones(3))
            sess.run(bad, {x: np.ones(3, np.float32)})
            np.testing.assert_array_equal(sess.run(v), np.full(3, 3.0))


def _mlp_losses(backend, steps=3):
    rng = np.random.default_rng(1)
    images = rng.normal(size=(4, 6)).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 4)]
    with gf.Graph().as_default():
        gf.set_random_seed(3)
        x = gf.placeholder(gf.float32, [None, 6])
        t = gf.placeholder(gf.float32, [None, 3])
        h = gf.layers.dense(x, 5, activation=gf.nn.relu)
        logits = gf.layers.dense(h, 3)
        loss = gf.reduce_mean(gf.nn.softmax_cross_entropy_with_logits_v2(labels=t,
                                                                         logits=logits))
        train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            return [sess.run([loss, train], {x: images, t: labels})[0] for _ in range(steps)]


def test_mlp_training_steps_match_the_numba_backend():
    np.testing.assert_allclose(_mlp_losses("cuda"), _mlp_losses("numba"), rtol=1e-5)


def test_explain_and_kernels_show_where_steps_run():
    with gf.Graph().as_default():
        x, b, y, rows, cols = _fused_program()
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            sess.run(y, {x: np.ones((2, 6), np.float32)})
            plan = sess.plan(y, {x: np.ones((2, 6), np.float32)})
            assert "kernel " in plan.explain()
            (kernel,) = plan.kernels()
            source = kernel["variants"][0]["source"]
            assert "cuda.jit" in source and "# Tanh 'Tanh'" in source


def test_no_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(cuda_env, "available", lambda cuda: False)
    from graphflow import backends

    monkeypatch.delitem(backends._instances, "cuda", raising=False)
    with pytest.raises(errors.FailedPreconditionError, match=r"graphflow\[cuda\]"):
        gf.Session(backend="cuda")


def test_random_graphs_agree_with_numpy():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from test_random_graphs import SHAPES, _apply, steps

    @settings(max_examples=30, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(shapes=st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3),
           recipe=st.lists(steps, min_size=1, max_size=6), seed=st.integers(0, 2**16))
    def check(shapes, recipe, seed):
        rng = np.random.default_rng(seed)
        with gf.Graph().as_default():
            inputs = [gf.placeholder(gf.float32, list(s)) for s in shapes]
            values = list(inputs)
            for step in recipe:
                out = _apply(values, step)
                if out is not None:
                    values.append(out)
            fetches = values[len(inputs):] or values
            feeds = [{p: rng.uniform(-2, 2, s).astype(np.float32)
                      for p, s in zip(inputs, shapes)} for _ in range(2)]
            with gf.Session(backend="numpy") as ref, gf.Session(backend="cuda") as sess:
                wants = [ref.run(fetches, feed) for feed in feeds]
                gots = [sess.run(fetches, feed) for feed in feeds]
        for got, want in zip(gots, wants):  # earlier results are intact after later runs
            for g, w in zip(got, want):
                assert np.shape(g) == np.shape(w)
                np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5)

    check()


def test_graph_replay_with_a_recording_stand_in_for_cuda_graphs(monkeypatch):
    """The simulator has no CUDA graphs: a stand-in records launches made on a builder
    (running none) and runs them again on each launch, as a captured graph would. The
    replays must give the NumPy backend's numbers, run after run, with the variables'
    A/B arrays alternating."""
    from numba.cuda.simulator import kernel as sim_kernel

    from graphflow.backends.cuda import graphs as cuda_replay

    class Graph:
        def __init__(self, launches):
            self.launches, self.runs = launches, 0

        def launch(self, stream):
            self.runs += 1
            for kernel, config, args in self.launches:
                configure(kernel, config)(*args)

    class Builder:
        def __init__(self):
            self.launches = []

        def begin_building(self):
            pass

        def end_building(self):
            return self

        def complete(self):
            return Graph(self.launches)

    class Device:
        def set_current(self):
            pass

        def create_stream(self):
            return type("Stream", (), {"sync": lambda self: None})()

        def create_graph_builder(self):
            return Builder()

    configure = sim_kernel.FakeCUDAKernel.__getitem__

    def getitem(kernel, config):
        if len(config) > 2 and isinstance(config[2], Builder):
            return lambda *args: config[2].launches.append((kernel, config[:2], args))
        return configure(kernel, config)

    monkeypatch.setattr(sim_kernel.FakeCUDAKernel, "__getitem__", getitem)
    monkeypatch.setattr(cuda_replay, "_graph_api", lambda: Device)
    monkeypatch.setattr(cuda_replay, "supported", cuda_replay.replayable)
    rng = np.random.default_rng(4)
    feeds = [rng.normal(size=(5, 3)).astype(np.float32) for _ in range(5)]
    results = {}
    for backend in ("numpy", "cuda"):
        with gf.Graph().as_default():
            x = gf.placeholder(gf.float32, [5, 3])
            w = gf.Variable(np.ones(3, np.float32))
            y = gf.Variable(np.zeros((5, 3), np.float32))
            f = gf.tanh(x * w + 0.5) * gf.sigmoid(x)
            step = [y.assign(f), w.assign_sub(gf.reduce_mean(gf.exp(x * 0.5), axis=0) * 0.1),
                    gf.reduce_sum(x * x + w, axis=1)]  # reductions that fuse into kernels
            with gf.Session(backend=backend) as sess:
                sess.run(gf.global_variables_initializer())
                results[backend] = [sess.run(step, {x: v}) for v in feeds]
                results[backend].append(sess.run([w, y]))
                if backend == "cuda":
                    plan = sess.plan(step, {x: feeds[0]})
                    (captured,) = plan.captures.graphs.values()
                    assert captured is not None
                    assert [g.runs for g in captured.graphs] == [2, 2]  # runs 2-5 replayed
    for run, (got, want) in enumerate(zip(results["cuda"], results["numpy"])):
        for k, (g, w) in enumerate(zip(got, want)):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"run {run}[{k}]")


def test_image_functions_match_numpy():
    """gf.image composes gathers of computed indices, run-time checks, broadcast matmuls,
    fills and concats: the CUDA lowering of each, with unknown sizes and a gradient."""
    image = np.random.default_rng(0).uniform(0, 1, (1, 3, 4, 2)).astype(np.float32)
    results = {}
    for backend in ("numpy", "cuda"):
        with gf.Graph().as_default():
            x = gf.placeholder(gf.float32, [None, None, None, 2])
            k = gf.placeholder_with_default(1, [])  # known only when the graph runs
            outs = [gf.image.resize_bicubic(x, [4, 3]), gf.image.resize_area(x, [2, 3]),
                    gf.image.rot90(x, k), gf.image.pad_to_bounding_box(x, k, 0, 5, 4)]
            outs += gf.gradients(gf.add_n([gf.reduce_sum(o * o) for o in outs]), [x])
            with gf.Session(backend=backend) as sess:
                results[backend] = sess.run(outs, {x: image})
    for got, want in zip(results["cuda"], results["numpy"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_shapeless_inputs_of_another_rank_than_static_attrs_fail_the_run():
    """tile's multiples, pad's paddings and unstack's num fixed while building, the input
    shape-less: a fed tensor of another rank or size fails the run, as on the other
    backends (the pad launcher zipped the paddings with the shape, dropping axes)."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        fetches = [gf.tile(x, [2, 2]), gf.pad(x, [[1, 1]]), gf.unstack(x, num=2, axis=-1)]
        with gf.Session(backend="cuda") as sess:
            for fetch, value in zip(fetches, [np.ones(3), np.ones((3, 3)), np.ones((2, 3))]):
                with pytest.raises(errors.InvalidArgumentError, match="per axis|unstack of"):
                    sess.run(fetch, {x: value})
            row = np.arange(2, dtype=np.float32).reshape(1, 2)
            got = [sess.run(fetches[0], {x: row}), sess.run(fetches[1], {x: row[0]}),
                   sess.run(fetches[2], {x: row})]
    assert got[0].shape == (2, 4) and got[1].shape == (4,)
    np.testing.assert_array_equal(got[2], [[0], [1]])


def test_shapes_tf1_refuses_fail_the_run():
    """The run-time shape checks (CheckShape reads only the shape, on the host) and
    matmul's refusal of a vector, and what passes them, against NumPy with gradients."""
    with gf.Graph().as_default():
        u, v, labels = gf.placeholder(gf.float32), gf.placeholder(gf.float32), \
            gf.placeholder(gf.int32)
        sparse = gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=u)
        bias = gf.nn.bias_add(u, v)
        fetches = [sparse, bias] + gf.gradients(gf.reduce_sum(bias * bias) +
                                                gf.reduce_sum(sparse), [u, v])
        ones = np.ones(3, np.float32)
        with gf.Session(backend="cuda") as sess:
            for fetch, feed in [(sparse, {u: np.ones((4, 3)), labels: [[0]] * 4}),
                                (bias, {u: np.ones((2, 1)), v: ones}), (bias, {u: ones, v: ones}),
                                (gf.matmul(u, v), {u: ones, v: np.ones((3, 2))})]:
                with pytest.raises(errors.InvalidArgumentError, match="labels|bias|matmul"):
                    sess.run(fetch, feed)
            feed = {u: np.arange(12, dtype=np.float32).reshape(4, 3) / 10,
                    labels: [0, 1, 2, 0], v: [1, 2, 3]}
            got = [sess.run(fetches, feed) for _ in range(3)]  # the third replays
        with gf.Session(backend="numpy") as sess:
            want = sess.run(fetches, feed)
    for run in got:
        for g, w in zip(run, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_changing_batch_sizes_hold_bounded_device_memory():
    """Every device buffer the plan ever allocated stayed in its pool and its address
    table, so a loop fed a new batch size each run (shape-less x) grew device memory
    without end; sizes no recent run used are let go."""
    rng = np.random.default_rng(0)
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        w = gf.Variable(rng.normal(size=(4, 8)).astype(np.float32))
        loss = gf.reduce_mean(gf.square(gf.tanh(gf.matmul(gf.reshape(x, [-1, 4]), w))))
        step = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with gf.Session(backend="cuda") as sess:
            sess.run(gf.global_variables_initializer())
            plan = sess.plan([loss, step], {x: np.ones((1, 4), np.float32)})
            for n in range(20, 50):
                sess.run([loss, step], {x: rng.normal(size=(n, 4)).astype(np.float32)})
            buffers = len(plan.addresses.buffers)
            for n in range(50, 80):
                sess.run([loss, step], {x: rng.normal(size=(n, 4)).astype(np.float32)})
            assert len(plan.addresses.buffers) <= buffers  # nothing accumulates
            assert len(plan.pool.buffers()) <= len(plan.addresses.buffers)


def test_a_shape_set_with_set_shape_is_checked_when_run():
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        y = gf.tanh(x) * 2.0
        y.set_shape([None, 3])
        z = gf.reduce_sum(y * y)
        with gf.Session(backend="cuda") as sess:
            assert sess.run(z, {x: np.zeros((2, 3), np.float32)}) == 0
            with pytest.raises(errors.InvalidArgumentError, match="contradicts the shape"):
                sess.run(z, {x: np.zeros((2, 4), np.float32)})


def test_axes_of_shapeless_inputs_out_of_range_fail_the_run():
    """An axis given while the rank was unknown is resolved when run: the launchers took it
    modulo the rank, so reduce_sum(x, 2) of a 2-D x summed axis 0, concat on axis 2 joined
    rows, gather on axis 2 gathered rows (NumPy's references refuse each)."""
    with gf.Graph().as_default():
        x, i = gf.placeholder(gf.float32), gf.placeholder(gf.int32)
        fetches = [gf.reduce_sum(x, 2), gf.reduce_max(x, -3), gf.argmax(x, 2),
                   gf.gather(x, [0], axis=2), gf.concat([x, x], 2), gf.stack([x, x], 3),
                   gf.squeeze(x, [2]), gf.split(x, 1, axis=2)[0], gf.expand_dims(x, 4),
                   gf.reduce_mean(x, [0, 2]), gf.nn.softmax(x, axis=2), gf.one_hot(i, 3, axis=3)]
        feed = {x: np.arange(6, dtype=np.float32).reshape(2, 3), i: [[0, 1], [2, 0]]}
        with gf.Session(backend="cuda") as sess:
            for fetch in fetches:
                with pytest.raises(errors.InvalidArgumentError, match="out of range|out of bounds"):
                    sess.run(fetch, feed)
            np.testing.assert_array_equal(sess.run(gf.reduce_sum(x, -1), feed), [3, 12])


def test_concurrent_runs_keep_the_pool_address_table_whole():
    """Concurrent runs of one plan share its pool, which is locked, and its table of pool
    buffers by address, which was not: two runs that allocated or let go of buffers at
    once left the addresses out of step with the buffers (an IndexError, or a value
    taken for a view of the wrong buffer, so a fetched result could be overwritten)."""
    import threading

    x = gf.placeholder(gf.float32, [None])
    with gf.Session(backend="cuda") as sess:
        plan = sess.plan(x * 2.0, {x: np.ones(3, np.float32)})
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    failures = []

    def work(k):
        try:
            held = []
            for i in range(1500):
                held.append(plan._alloc((k * 64 + i % 40 + 1,), np.float32))
                if len(held) > 12:
                    plan.pool.give(plan.owner(held.pop(0)))
                plan.pool.end_run()
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
    assert plan.addresses.starts == sorted(plan.addresses.starts) == [cuda_env.address(b)
                                                    for b in plan.addresses.buffers]


def test_a_nested_body_runs_as_a_cuda_sub_plan():
    """A step that owns a sub-plan (backends/plan.py) runs its body as a CUDA plan of its
    own, on device values, as many times as the op's drive asks."""
    from test_nested_plans import _body, _unrolled, repeat

    x = gf.placeholder(gf.float32, [None, 3])
    y = repeat(x, 3, _body)
    want = _unrolled(x, 3)
    v = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    with gf.Session(backend="cuda") as sess:
        for run in range(4):
            got, expected = sess.run([y, want], {x: v})
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
            (step,) = [s for s in sess.plan(y, {x: v}).steps if s.subplans]
            sub = step.subplans[0][1]
            if run == 1:
                held = sub.allocations, len(sub.addresses.buffers)
        assert (sub.allocations, len(sub.addresses.buffers)) == held  # no buffer per iteration
        assert "kernel " in sub.explain()
