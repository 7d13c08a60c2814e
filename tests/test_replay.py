"""Replays (backends/replay.py): a feed signature's third run onwards is one generated
function; it must give what the dynamic run gives, in every case the dynamic run handles."""

import contextlib
import os
import sys
import threading

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from op_cases import CASES, run_case  # noqa: E402

import graphflow as gf  # noqa: E402
from graphflow.backends.cpu import replay  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_op_case_replays(case):
    run_case(case, "numba", known_shapes=True, runs=3)


def _replays(sess, fetches, feed):
    return sess.plan(fetches, feed).replays


def test_w3_replays_one_kernel_into_a_fresh_array():
    x = gf.placeholder(gf.float32, [None])
    y = x * 2.0 + 1.0
    sess = gf.Session()
    outs = [sess.run(y, {x: np.full(3, i, np.float32)}) for i in range(4)]
    (rep,) = _replays(sess, y, {x: np.ones(3, np.float32)}).values()
    calls = [line for line in rep.source.splitlines() if line.lstrip().startswith("C")]
    assert len(calls) == 1 and rep.fresh is True  # one kernel call, its result handed out
    for i, out in enumerate(outs):  # each run's result is its own array
        np.testing.assert_array_equal(out, np.full(3, 2 * i + 1, np.float32))
    call = sess.make_callable(y, [x])
    np.testing.assert_array_equal(call([5.0, 6.0, 7.0]), [11, 13, 15])


def test_new_batch_size_gets_its_own_replay():
    x = gf.placeholder(gf.float32, [None, 4])
    y = gf.reduce_sum(gf.tanh(x) * 2.0, axis=1)
    sess = gf.Session()
    for n in (2, 5, 2, 5, 2, 5):
        v = np.arange(n * 4, dtype=np.float32).reshape(n, 4) / 10
        np.testing.assert_allclose(sess.run(y, {x: v}), (np.tanh(v) * 2).sum(1), rtol=1e-5)
    assert len(_replays(sess, y, {x: v})) == 2


def _mlp(batch, seed=0):
    rng = np.random.default_rng(seed)
    x = gf.placeholder(gf.float32, [None, 6])
    labels = gf.placeholder(gf.int64, [None])
    w1 = gf.Variable(rng.standard_normal((6, 8)).astype(np.float32) * 0.5)
    b1 = gf.Variable(np.zeros(8, np.float32))
    w2 = gf.Variable(rng.standard_normal((8, 3)).astype(np.float32) * 0.5)
    logits = gf.matmul(gf.nn.relu(gf.matmul(x, w1) + b1), w2)
    loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits))
    train = gf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    data = [(rng.standard_normal((batch, 6)).astype(np.float32),
             rng.integers(0, 3, batch)) for _ in range(6)]
    return x, labels, loss, train, [w1, b1, w2], data


def test_training_replays_match_the_reference_step_by_step():
    with gf.Graph().as_default():
        x, labels, loss, train, weights, data = _mlp(5)
        init = gf.global_variables_initializer()
        with gf.Session(backend="numpy") as ref, gf.Session() as sess:
            ref.run(init)
            sess.run(init)
            for xv, yv in data:
                want = ref.run([loss, train], {x: xv, labels: yv})[0]
                got = sess.run([loss, train], {x: xv, labels: yv})[0]
                np.testing.assert_allclose(got, want, rtol=1e-5)
            assert _replays(sess, [loss, train], {x: xv, labels: yv})
            for w_ref, w in zip(ref.run(weights), sess.run(weights)):
                np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)


def test_an_error_in_a_replay_is_the_dynamic_runs_error_and_changes_nothing():
    with gf.Graph().as_default():
        x, labels, loss, train, weights, data = _mlp(4)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            for xv, yv in data[:3]:
                sess.run(train, {x: xv, labels: yv})
            assert _replays(sess, train, {x: xv, labels: yv})
            before = sess.run(weights)
            with pytest.raises(gf.errors.InvalidArgumentError, match="label"):
                sess.run(train, {x: xv, labels: np.array([0, 1, 7, 2])})
            for b, a in zip(before, sess.run(weights)):
                np.testing.assert_array_equal(a, b)
            sess.run(train, {x: xv, labels: yv})  # bad values, not a bad replay: it stays
            assert _replays(sess, train, {x: xv, labels: yv})


def test_a_value_dependent_shape_is_checked_not_assumed():
    x = gf.placeholder(gf.float32, [4])
    idx = gf.where(x > 0)
    y = gf.reduce_sum(gf.cast(idx, gf.float32) * 2.0 + 1.0)
    sess = gf.Session()
    for v in ([1, -1, 1, -1], [1, 1, 1, -1], [1, -1, -1, -1], [1, 1, 1, 1], [-1, -1, -1, -1]):
        v = np.array(v, np.float32)
        want = (np.argwhere(v > 0).astype(np.float32) * 2 + 1).sum()
        assert sess.run(y, {x: v}) == pytest.approx(want)


def test_fetched_views_constants_and_feeds_are_copies():
    x = gf.placeholder(gf.float32, [2, 3])
    c = gf.constant(np.ones((2, 3), np.float32))
    k = x * 2.0
    fetches = [x, c, gf.reshape(k, [3, 2]), gf.reduce_sum(k, axis=0), k, gf.identity(x)]
    sess = gf.Session()
    feed = np.arange(6, dtype=np.float32).reshape(2, 3)
    runs = [sess.run(fetches, {x: feed}) for _ in range(4)]
    assert _replays(sess, fetches, {x: feed})
    for out in runs:
        for v in out:
            v[...] = -1  # the user owns what a run returns
    again = sess.run(fetches, {x: feed})
    np.testing.assert_array_equal(again[1], np.ones((2, 3)))
    np.testing.assert_array_equal(again[4], feed * 2)
    np.testing.assert_array_equal(feed, np.arange(6).reshape(2, 3))
    ids = {id(v) for out in runs for v in out}
    assert len(ids) == 4 * len(fetches)


def test_threads_running_one_plan_get_their_own_results():
    x = gf.placeholder(gf.float32, [None])
    y = gf.reduce_sum(gf.exp(x * 0.5) + 1.0)
    sess = gf.Session()
    errors = []

    def work(offset):
        try:
            for i in range(200):
                v = np.full(16, offset + i % 3, np.float32)
                got = sess.run(y, {x: v})
                np.testing.assert_allclose(got, (np.exp(v * 0.5) + 1).sum(), rtol=1e-5)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_replays_are_capped_per_plan(monkeypatch):
    monkeypatch.setattr(replay, "MAX_REPLAYS", 2)
    x = gf.placeholder(gf.float32, [None])
    y = x + 1.0
    sess = gf.Session()
    for n in (1, 2, 3, 4) * 3:
        np.testing.assert_array_equal(sess.run(y, {x: np.zeros(n, np.float32)}), np.ones(n))
    assert len(_replays(sess, y, {x: np.zeros(1, np.float32)})) == 2


def test_a_new_variable_value_reuses_the_array_of_the_value_before_last():
    with gf.Graph().as_default():
        x, labels, loss, train, weights, data = _mlp(4)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            xv, yv = data[0]
            ids = []
            for _ in range(6):
                sess.run(train, {x: xv, labels: yv})
                ids.append(id(sess._values[weights[0].op]))
            assert len(set(ids[2:])) == 2  # two arrays take turns once replays start
            kept = sess.run(weights[0])  # what the user holds is a copy: never written again
            before = kept.copy()
            sess.run(train, {x: xv, labels: yv})
            np.testing.assert_array_equal(kept, before)


def test_a_fetched_value_that_is_also_stored_is_the_users_own_copy():
    x = gf.placeholder(gf.float32, [3])
    v = gf.Variable(np.zeros(3, np.float32))
    new = x * 2.0 + v
    step = gf.assign(v, new)
    sess = gf.Session()
    sess.run(v.initializer)
    for i in range(4):
        got, _ = sess.run([new, step.op], {x: np.ones(3, np.float32)})
        got[...] = -100.0  # must not reach the variable
        np.testing.assert_array_equal(sess.run(v), np.full(3, 2.0 * (i + 1)))
    assert _replays(sess, [new, step.op], {x: np.ones(3, np.float32)})


def test_a_replay_leaves_out_what_only_a_shape_query_reads():
    """The loss of a training step is not fetched: its mean's gradient only asks for its
    shape, which a replay knows, so the forward loss is not computed."""
    with gf.Graph().as_default():
        x, labels, loss, train, weights, data = _mlp(4)
        with gf.Session() as sess, gf.Session(backend="numpy") as ref:
            sess.run(gf.global_variables_initializer())
            ref.run(gf.global_variables_initializer())
            for xv, yv in data:
                sess.run(train, {x: xv, labels: yv})
                ref.run(train, {x: xv, labels: yv})
            (rep,) = _replays(sess, train, {x: xv, labels: yv}).values()
            for w, w_ref in zip(sess.run(weights), ref.run(weights)):
                np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)
    skipped = [line for line in rep.source.splitlines() if "(not needed)" in line]
    assert any("SparseSoftmaxCrossEntropyWithLogits/Sum'" in line for line in skipped)
    assert not any("MatMul" in line for line in skipped)


def _agree(fetches, feeds):
    """Each run of ``fetches`` (one per feed dict) on numba matches the NumPy backend's,
    errors included; the runs from the third on are replays."""
    with gf.Session(backend="numpy") as ref, gf.Session() as sess:
        for feed in feeds:
            try:
                want = ref.run(fetches, feed)
            except gf.errors.GraphflowError as e:
                with pytest.raises(type(e)):
                    sess.run(fetches, feed)
                continue
            got = sess.run(fetches, feed)
            for g, w in zip(got if isinstance(got, list) else [got],
                            want if isinstance(want, list) else [want]):
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_shapes_that_follow_values_are_not_taken_as_static():
    n = gf.placeholder(gf.int32, [])
    _agree(gf.shape(gf.range(n)), [{n: 3}, {n: 3}, {n: 5}, {n: 7}])
    d = gf.placeholder(gf.int32, [2])
    _agree(gf.size(gf.fill(d, 1.0)), [{d: [2, 3]}] * 2 + [{d: [4, 5]}, {d: [-1, 3]}])
    x = gf.placeholder(gf.float32, [12])
    p = gf.placeholder(gf.int32, [2])
    r = gf.reshape(gf.exp(x) * 2.0, p * 2 - p)  # a view whose shape a kernel computes
    xs = np.arange(12, dtype=np.float32) / 10
    _agree([r, gf.reduce_sum(r, axis=1)],
           [{x: xs, p: q} for q in ([3, 4], [3, 4], [4, 3], [2, 6], [5, 5])])


def test_a_reduction_over_a_broadcast_in_the_middle():
    x = gf.placeholder(gf.float32, [2, 3, 4])
    y = gf.placeholder(gf.float32, [2, 1, 4])
    xs = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    ys = np.arange(8, dtype=np.float32).reshape(2, 1, 4)
    for axis in ([1, 2], 0):
        _agree(gf.reduce_sum(x * y, axis=axis), [{x: xs, y: ys}] * 4)


def test_a_replay_that_misses_draws_the_same_random_numbers_again():
    gf.set_random_seed(0)
    x = gf.placeholder(gf.float32, [6])
    out = [gf.random_normal([3], seed=1) * 1.0,
           gf.reduce_sum(gf.cast(gf.where(x > 0), gf.float32))]
    pos, mix = np.ones(6, np.float32), np.array([1, -1] * 3, np.float32)
    _agree(out, [{x: pos}] * 3 + [{x: mix}] * 2)


def test_two_fetches_of_one_value_are_two_arrays():
    from graphflow.ops.broadcast import sum_to

    x = gf.placeholder(gf.float32, [None, None])
    y = gf.exp(x) * 2.0 + 1.0
    z = sum_to(y, gf.shape(x))  # returns its input as it is
    sess = gf.Session()
    for _ in range(4):
        a, b = sess.run([z, y], {x: np.zeros((4, 5), np.float32)})
        assert not np.shares_memory(a, b)


def test_run_and_a_callable_of_the_same_fetches_both_fall_back():
    x = gf.placeholder(gf.float32, [6])
    y = gf.reduce_sum(gf.cast(gf.where(x > 0), gf.float32)) + 0.0
    sess = gf.Session()
    call = sess.make_callable(y, [x])
    pos, mix = np.ones(6, np.float32), np.array([1, -1] * 3, np.float32)
    for v in (pos, pos, pos):
        sess.run(y, {x: v}), call(v)
    assert sess.run(y, {x: mix}) == call(mix) == 6.0  # both replays miss; neither raises


def test_nested_fetch_structures_are_rebuilt_each_time():
    import collections

    pair = collections.namedtuple("pair", "a b")
    x, y, z = gf.constant(1.0), gf.constant(2.0), gf.constant(3.0)
    sess = gf.Session()
    assert type(sess.run((x, (y, z)))[1]) is tuple
    assert type(sess.run((x, pair(y, z)))[1]) is pair


def _sgd_net(lr):
    rng = np.random.default_rng(1)
    x = gf.placeholder(gf.float32, [None, 6])
    labels = gf.placeholder(gf.int64, [None])
    w1_init = rng.standard_normal((6, 8)).astype(np.float32)
    w1 = gf.Variable(w1_init)
    w2 = gf.Variable(rng.standard_normal((8, 3)).astype(np.float32))
    logits = gf.matmul(gf.nn.relu(gf.matmul(x, w1)), w2)
    loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits))
    train = gf.train.GradientDescentOptimizer(lr).minimize(loss)
    data = [(rng.standard_normal((5, 6)).astype(np.float32), rng.integers(0, 3, 5))
            for _ in range(6)]
    return x, labels, train, [w1, w2], w1_init, data


def _folded(sess, fetches, feed):
    (rep,) = _replays(sess, fetches, feed).values()
    return rep.source.count("in place:")


@pytest.mark.parametrize("lr_fed", [False, True])
@pytest.mark.parametrize("with_weights", [False, True])
def test_sgd_updates_fold_into_their_gemm_and_match_the_reference(lr_fed, with_weights):
    with gf.Graph().as_default():
        lr = gf.placeholder(gf.float32, []) if lr_fed else 0.1
        x, labels, train, weights, w1_init, data = _sgd_net(lr)
        init = gf.global_variables_initializer()
        fetches = [*weights, train] if with_weights else train
        with gf.Session(backend="numpy") as ref, gf.Session() as sess:
            ref.run(init)
            sess.run(init)
            for i, (xv, yv) in enumerate(data):
                feed = {x: xv, labels: yv, **({lr: np.float32(0.1 + i / 100)} if lr_fed else {})}
                want, got = ref.run(fetches, feed), sess.run(fetches, feed)
                if with_weights:  # the values before this run's update, as the reference
                    for w_ref, w in zip(want[:2], got[:2]):
                        np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)
            # fetched weights are read after the GEMM would write them: no folding then
            assert _folded(sess, fetches, feed) == (0 if with_weights else 2)
            for w_ref, w in zip(ref.run(weights), sess.run(weights)):
                np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(w1_init, np.random.default_rng(1).standard_normal(
            (6, 8)).astype(np.float32))  # the array the variable started from is the user's


@contextlib.contextmanager
def _folding_session():
    """A session whose SGD step replays with both weight updates folded into GEMMs."""
    with gf.Graph().as_default():
        x, labels, train, weights, _, data = _sgd_net(0.1)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            for xv, yv in data[:4]:
                sess.run(train, {x: xv, labels: yv})
            assert _folded(sess, train, {x: xv, labels: yv}) == 2
            yield sess, lambda xv=xv, yv=yv: sess.run(train, {x: xv, labels: yv}), weights


def test_an_in_place_update_never_writes_an_array_the_user_gave():
    with _folding_session() as (sess, step, (w1, _)):
        mine = np.ones((6, 8), np.float32)
        w1.load(mine, sess)
        held = sess.run(w1)
        step()
        np.testing.assert_array_equal(mine, np.ones((6, 8)))
        np.testing.assert_array_equal(held, np.ones((6, 8)))
        assert not np.array_equal(sess.run(w1), mine)


def test_a_failed_run_after_folded_updates_changes_nothing():
    with _folding_session() as (sess, step, weights):
        before = sess.run(weights)
        with pytest.raises(gf.errors.InvalidArgumentError, match="label"):
            step(yv=np.array([0, 1, 7, 2, 0]))
        for b, a in zip(before, sess.run(weights)):
            np.testing.assert_array_equal(a, b)


def test_without_numpys_blas_updates_are_not_folded(monkeypatch):
    from graphflow.backends.cpu import blas

    monkeypatch.setattr(blas, "_GEMMS", None)
    with gf.Graph().as_default():
        x, labels, train, weights, _, data = _sgd_net(0.1)
        init = gf.global_variables_initializer()
        with gf.Session(backend="numpy") as ref, gf.Session() as sess:
            ref.run(init)
            sess.run(init)
            for xv, yv in data:
                ref.run(train, {x: xv, labels: yv})
                sess.run(train, {x: xv, labels: yv})
            assert _folded(sess, train, {x: xv, labels: yv}) == 0
            for w_ref, w in zip(ref.run(weights), sess.run(weights)):
                np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)


def test_an_in_place_update_writes_only_an_array_the_replay_made():
    with _folding_session() as (sess, step, (w1, _)):
        shared = np.ones((6, 8), np.float32)  # as if some other holder shared it
        sess._values[w1.op] = shared
        step()
        np.testing.assert_array_equal(shared, np.ones((6, 8)))
        assert sess._values[w1.op] is not shared


def _numba_and_reference(build, runs=5):
    """Each run's fetched values on the numba backend and on the reference (a fresh graph
    per backend, built by ``build() -> (fetch after each run, train, feed)``)."""
    results = []
    for backend in ("numpy", "numba"):
        with gf.Graph().as_default():
            fetch, train, feed = build()
            with gf.Session(backend=backend) as sess:
                sess.run(gf.global_variables_initializer())
                values = []
                for _ in range(runs):
                    sess.run(train, feed)
                    values.append(sess.run(fetch))
                folded = _folded(sess, train, feed) if backend == "numba" else None
        results.append(values)
    for want, got in zip(*results):
        for w, g in zip(want, got):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return folded


def _linear(rate=0.1):
    x = gf.placeholder(gf.float32, [None, 2])
    w = gf.Variable([[1.0], [2.0]])
    loss = gf.reduce_sum(gf.matmul(x, w) ** 2)
    return x, w, loss, {x: np.arange(8, dtype=np.float32).reshape(4, 2) / 8}


def test_a_variable_assigned_from_a_folded_one_keeps_its_own_value():
    def build():  # the target-network pattern: backup = w, in the same run as training
        x, w, loss, feed = _linear()
        backup = gf.Variable(gf.zeros([2, 1]))
        with gf.control_dependencies([backup.assign(w)]):
            train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
        return [w, backup], train, feed

    assert _numba_and_reference(build) == 1
    with _folding_session() as (sess, step, (w1, _)):  # and between runs
        backup = gf.Variable(gf.zeros([6, 8]))
        sess.run(backup.initializer)
        sess.run(backup.assign(w1))
        saved = sess.run(backup)
        for _ in range(3):
            step()
        np.testing.assert_array_equal(sess.run(backup), saved)
        assert not np.array_equal(sess.run(w1), saved)


def test_an_update_whose_product_broadcasts_is_not_folded():
    def build():
        a, b = gf.placeholder(gf.float32, [1, 2]), gf.placeholder(gf.float32, [2, 3])
        w = gf.Variable(np.zeros((4, 3), np.float32))
        feed = {a: np.ones((1, 2), np.float32), b: np.full((2, 3), 0.5, np.float32)}
        return [w], gf.assign(w, w - gf.matmul(a, b)).op, feed

    assert _numba_and_reference(build) == 0


@pytest.mark.parametrize("rate", ["variable", "expression"])
def test_a_computed_learning_rate_is_read_by_the_folded_gemm(rate):
    def build():
        x, w, loss, feed = _linear()
        if rate == "variable":
            lr = gf.Variable(0.05)
        else:
            lr = gf.placeholder(gf.float32, [])
            feed[lr] = np.float32(0.025)
            lr = lr * 2.0
        return [w], gf.train.GradientDescentOptimizer(lr).minimize(loss), feed

    assert _numba_and_reference(build) == 1


def test_a_name_an_alias_still_holds_is_not_deleted():
    """A SumToShape to its own shape aliases its input; when the input dies at the SumToShape
    and the alias is handed out (a loop body's gradient of a loop variable), the replay must
    not delete the name: it did, so that replay failed every time and was dropped."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 5, 2])  # (unknown batch: SumToShape stays)
        out, _ = gf.nn.dynamic_rnn(gf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=0.0), x,
                                    dtype=gf.float32)
        grads = gf.gradients(gf.reduce_sum(out * out), [x] + gf.trainable_variables())
        feed = {x: np.linspace(-1, 1, 30).reshape(3, 5, 2).astype(np.float32)}
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            first = sess.run(grads, feed)
            for _ in range(4):
                for a, b in zip(sess.run(grads, feed), first):
                    np.testing.assert_allclose(a, b, rtol=1e-6)
            plan = sess.plan(grads, feed)
            (step,) = [s for s in plan.steps if s.op.type == "WhileGrad"]
            assert plan._body_runners[step][0]._replays  # the gradient body replays
