"""Session.run: fetch structures, feeds, pruning, state ordering, randomness."""

import collections

import numpy as np
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def test_nested_fetch_structures():
    a = gf.constant(1.0, name="a")
    b = a + 1
    Pair = collections.namedtuple("Pair", "first second")
    noop = gf.no_op()
    with gf.Session() as sess:
        out = sess.run({"x": [a, (b, Pair(a, b))], "op": noop, "name": "a:0"})
    assert out["x"][0] == 1.0 and isinstance(out["x"][1], tuple)
    assert out["x"][1][1] == Pair(1.0, 2.0) and isinstance(out["x"][1][1], Pair)
    assert out["op"] is None and out["name"] == 1.0
    assert isinstance(out["x"][0], np.float32)  # a 0-d fetch is a NumPy scalar, as in TF1


def test_feeds_convert_lists_scalars_and_safe_dtypes():
    x = gf.placeholder(gf.float32, shape=[None, 2])
    n = gf.placeholder(gf.int32, shape=[])
    y = x * gf.cast(n, gf.float32)
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [[1, 2]], n: 3}), [[3, 6]])
        out = sess.run(y, {x: np.ones((3, 2), np.float64), n: np.int64(2)})
    assert out.dtype == np.float32 and out.shape == (3, 2)


def test_a_tuple_key_feeds_its_tensors_leaf_by_leaf():
    # TF1's flatten_dict_items: an RNN state fetched as an LSTMStateTuple is fed back to the
    # state it came from (MorvanZhou's 403_RNN_regression.py)
    Pair = collections.namedtuple("Pair", "c h")
    a, b = gf.placeholder(gf.float32, []), gf.placeholder(gf.float32, [])
    s = gf.placeholder(gf.float32, [])
    with gf.Session() as sess:
        assert sess.run(a * 10 + b + s, {Pair(a, b): Pair(1.0, 2.0), s: 3.0}) == 15.0
        assert sess.run(a - b, {(a, b): (np.float32(5), 1)}) == 4.0
        with pytest.raises(gf.errors.InvalidArgumentError, match="2 tensors"):
            sess.run(a, {(a, b): (1.0,)})


def test_any_tensor_can_be_fed_and_its_inputs_are_pruned():
    x = gf.placeholder(gf.float32, name="never_fed")
    hidden = gf.identity(x * 2, name="hidden")
    y = hidden + 1
    with gf.Session() as sess:
        assert sess.run(y, {hidden: 10.0}) == 11.0


def test_only_the_needed_subgraph_runs():
    v = gf.Variable(0, name="counter")
    inc = v.assign_add(1)
    unrelated = gf.constant(5) * 2
    with gf.Session() as sess:
        sess.run(v.initializer)
        sess.run(unrelated)
        assert sess.run(v) == 0
        sess.run([inc, inc, inc])  # one fetch list: the op runs once per run
        assert sess.run(v) == 1


def test_read_without_dependency_sees_value_before_the_run():
    w = gf.Variable(2.0, name="w")
    loss = w * 10
    update = w.assign(w - 1)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        _, l_before = sess.run([update, loss])
        assert l_before == 20.0  # the loss of the pre-update weights, as in TF1
        assert sess.run(loss) == 10.0


def test_control_dependencies_order_assign_before_read():
    v = gf.Variable(1.0)
    inc = gf.assign_add(v, 1.0)
    with gf.control_dependencies([inc]):
        after = gf.identity(v)
        doubled = v * 2
    with gf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(after) == 2.0
        assert sess.run(doubled) == 6.0
        assert sess.run(v) == 3.0


def test_chained_assignments_in_one_run():
    v = gf.Variable(1.0)
    first = v.assign_add(1.0)
    with gf.control_dependencies([first]):
        second = v.assign(v * 10)
    with gf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(second) == 20.0
        assert sess.run(v) == 20.0


def test_variables_live_in_each_session():
    v = gf.Variable([1.0, 2.0])
    with gf.Session() as s1, gf.Session() as s2:
        s1.run(v.initializer)
        s2.run(v.initializer)
        s1.run(v.assign([5.0, 5.0]))
        np.testing.assert_array_equal(s1.run(v), [5, 5])
        np.testing.assert_array_equal(s2.run(v), [1, 2])


def test_fetched_arrays_are_fresh():
    v = gf.Variable(np.zeros(3, np.float32))
    fed = gf.placeholder(gf.float32, [3])
    c = gf.constant([1.0, 2.0, 3.0])
    with gf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(v)
        got[:] = 7  # must not reach the session's variable
        assert sess.run(v).tolist() == [0, 0, 0]
        mine = np.ones(3, np.float32)
        sess.run(v.assign(fed), {fed: mine})
        mine[:] = 9  # the variable must not alias the user's array
        assert sess.run(v).tolist() == [1, 1, 1]
        const_value = sess.run(c)
        const_value[0] = 100  # writable, and the graph's constant is untouched
        assert sess.run(c)[0] == 1.0
        assert sess.run(gf.identity(fed), {fed: mine}) is not mine


def test_random_ops_are_repeatable_with_seeds():
    def draw():
        gf.reset_default_graph()
        gf.set_random_seed(42)
        a = gf.random_normal([3], seed=1)
        b = gf.random_uniform([2, 2], minval=-1, maxval=1)
        c = gf.truncated_normal([1000])
        with gf.Session() as sess:
            return [sess.run([a, b, c]) for _ in range(2)]

    first, second = draw(), draw()
    for x, y in zip(first, second):
        for u, v in zip(x, y):
            np.testing.assert_array_equal(u, v)
    assert not np.array_equal(first[0][0], first[1][0])  # each run draws anew
    b = first[0][1]
    assert b.dtype == np.float32 and b.min() >= -1 and b.max() < 1
    assert np.abs(first[0][2]).max() <= 2


def test_unseeded_random_differs():
    a = gf.random_normal([4])
    with gf.Session() as s1, gf.Session() as s2:
        assert not np.array_equal(s1.run(a), s2.run(a))


def test_random_int_and_dynamic_shape():
    x = gf.placeholder(gf.float32, [None, 2])
    r = gf.random_uniform(gf.shape(x), dtype=gf.int32, maxval=5, seed=3)
    assert r.shape.as_list() == [None, 2]  # the static dims of x, through gf.shape(x)
    with gf.Session() as sess:
        out = sess.run(r, {x: np.zeros((4, 2))})
    assert out.shape == (4, 2) and out.dtype == np.int32 and out.min() >= 0 and out.max() < 5


def test_default_session_eval_and_run():
    x = gf.constant(3.0)
    v = gf.Variable(1.0)
    with gf.Session() as sess:
        v.initializer.run()
        assert (x * 2).eval() == 6.0
        assert gf.get_default_session() is sess
        v.load(4.0)
        assert v.eval() == 4.0
    assert gf.get_default_session() is None
    for use in (x.eval, x.op.run, lambda: v.load(1.0)):
        with pytest.raises(gf.errors.FailedPreconditionError, match="no session to evaluate"):
            use()


def test_eval_finds_the_session_through_the_hook_it_registers(monkeypatch):
    """graph.py and ops/state.py never import the session: without the hook, only an
    explicit session= works."""
    from graphflow import graph

    x, v = gf.constant(3.0), gf.Variable(1.0)
    monkeypatch.setattr(graph, "_session_resolver", None)
    with gf.Session() as sess:
        for use in (x.eval, lambda: v.load(2.0)):
            with pytest.raises(gf.errors.FailedPreconditionError, match="pass session="):
                use()
        v.load(4.0, session=sess)
        assert x.eval(session=sess) == 3.0 and v.eval(session=sess) == 4.0


def test_interactive_session():
    sess = gf.InteractiveSession()
    try:
        assert gf.constant(2).eval() == 2
    finally:
        sess.close()
    assert gf.get_default_session() is None


def test_plan_is_cached_per_fetch_and_feed_set():
    x = gf.placeholder(gf.float32, [None])
    y = x + 1
    with gf.Session() as sess:
        sess.run(y, {x: [1.0]})
        sess.run(y, {x: [1.0, 2.0, 3.0]})
        assert len(sess._prepared) == 1
        sess.run([y, x], {x: [1.0]})
        assert len(sess._prepared) == 2


def test_two_fetches_of_one_value_are_two_arrays():
    x = gf.placeholder(gf.float32, [2])
    y = x * 2.0
    with gf.Session() as sess:
        a, b = sess.run([y, gf.identity(y)], {x: [1.0, 2.0]})
    a[0] = 100
    assert b[0] == 2.0


def test_feed_order_does_not_recompile():
    a = gf.placeholder(gf.float32, [])
    b = gf.placeholder(gf.float32, [])
    y = a + b
    with gf.Session() as sess:
        sess.run(y, {a: 1.0, b: 2.0})
        sess.run(y, {b: 2.0, a: 1.0})
        assert len(sess._prepared) == 1


def test_ragged_feed_and_bad_callable_feeds_are_graphflow_errors():
    x = gf.placeholder(gf.float32, [None, None], name="x")
    with gf.Session() as sess:
        with pytest.raises(gf.errors.DTypeError, match="'x:0'"):
            sess.run(x * 2, {x: [[1.0], [2.0, 3.0]]})
        with pytest.raises(gf.errors.DTypeError, match="feed keys must be tensors"):
            sess.make_callable(x * 2, [x.op])


def test_make_callable_accepts_tf1_run_options():
    x = gf.placeholder(gf.float32, [2])
    call = gf.Session().make_callable(x * 2.0, [x], accept_options=True)
    np.testing.assert_array_equal(call(np.ones(2, np.float32), options=None,
                                       run_metadata=None), [2.0, 2.0])


def test_a_tensor_fetched_twice_gives_two_arrays():
    x = gf.placeholder(gf.float32, [2])
    y = x * 2.0
    for backend in ("numpy", "numba"):
        sess = gf.Session(backend=backend)
        for _ in range(3):
            a, b, c = sess.run([y, x, y], {x: np.ones(2, np.float32)})
            assert a is not b and a is not c and not np.shares_memory(a, c)
            np.testing.assert_array_equal(c, [2.0, 2.0])


def test_nested_fetch_structures_are_remembered_and_replayed():
    x = gf.placeholder(gf.float32, [None])
    total = gf.reduce_sum(x * 2.0)
    doubled = x * 2.0
    sess = gf.Session()
    fetches = {"total": total, "parts": [doubled, (total,)]}
    for i in range(4):
        out = sess.run(fetches, {x: np.full(3, i, np.float32)})
        assert out["total"] == 6 * i and isinstance(out["parts"][1], tuple)
        np.testing.assert_array_equal(out["parts"][0], np.full(3, 2 * i))
    assert len(sess._calls) == 1
    assert sess.plan(fetches, {x: np.ones(3, np.float32)}).replays


def test_a_loop_building_new_ops_does_not_grow_the_session_without_bound():
    x = gf.placeholder(gf.float32, [])
    sess = gf.Session()
    for i in range(150):  # a new op every step: TF1 grows the graph, we keep 64 plans
        assert sess.run(x + float(i), {x: 1.0}) == 1.0 + i
    assert len(sess._calls) <= 64 and len(sess._prepared) <= 64


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_feeding_a_variable_replaces_its_reads_not_its_state(backend):
    x = gf.placeholder(gf.float32, [None, 2])
    w = gf.Variable([[1.0], [2.0]])
    train = w.assign_sub(0.1 * gf.matmul(x, gf.ones([4, 1]), transpose_a=True)).op
    doubled = w * 2.0
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        feed = {x: np.ones((4, 2), np.float32), w: np.full((2, 1), 5.0, np.float32)}
        for step in range(1, 5):  # TF1's reference variables: reads see the feed, the
            _, seen = sess.run([train, doubled], feed)  # update works on the state
            np.testing.assert_allclose(seen, np.full((2, 1), 10.0))
            np.testing.assert_allclose(sess.run(w), [[1 - 0.4 * step], [2 - 0.4 * step]],
                                       rtol=1e-6)


def test_dict_fetches_keep_the_users_keys_and_mapping_type():
    x = gf.constant([1.0, 2.0])
    sess = gf.Session()
    for label in (1, True, 1.0):  # equal keys, each given back as written
        (key,) = sess.run({label: [x]})
        assert type(key) is type(label)
    ordered = sess.run(collections.OrderedDict([("b", x), ("a", x * 2.0)]))
    assert type(ordered) is collections.OrderedDict and list(ordered) == ["b", "a"]
    counts = sess.run(collections.defaultdict(int, {"x": x}))
    assert type(counts) is collections.defaultdict and counts["missing"] == 0


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_control_dependency_on_a_check_runs_it(backend):
    from graphflow.ops.gather import check_indices

    x = gf.placeholder(gf.int32, [None])
    with gf.control_dependencies([check_indices(x, 3, "value").op]):
        y = x + 1
    sess = gf.Session(backend=backend)
    for _ in range(3):  # the dynamic runs and the replay
        np.testing.assert_array_equal(sess.run(y, {x: [2, 0]}), [3, 1])
    with pytest.raises(gf.errors.InvalidArgumentError, match="value 5 is outside"):
        sess.run(y, {x: [5, 0]})


def test_a_fetched_result_fed_back_and_passed_through_is_handed_out_as_a_copy():
    """A large result is a recycler's array, made for its hand-out; fed back into a
    placeholder that a fetch passes through, it is the user's feed, not a fresh result."""
    x = gf.placeholder(gf.float32, [None])
    y = gf.identity(x)
    with gf.Session() as sess:
        big = sess.run(x * 2.0, {x: np.ones(1 << 19, np.float32)})  # 2 MiB: the recycler's
        for _ in range(4):  # dynamic runs, the trace, then replays
            out = sess.run(y, {x: big})
            assert out is not big and not np.shares_memory(out, big)
