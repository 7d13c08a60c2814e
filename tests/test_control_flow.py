"""cond, while_loop, TensorArray, map_fn/scan/foldl/foldr: values, TF1's rules, and
gradients against central finite differences (float64), on the NumPy oracle and numba."""

import collections

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numpy", "numba"]


def numeric_grad(f, v, eps=1e-6):
    """Central differences of the scalar function ``f`` at array ``v``."""
    out = np.zeros_like(v)
    for idx in np.ndindex(v.shape):
        a, b = v.copy(), v.copy()
        a[idx] += eps
        b[idx] -= eps
        out[idx] = (f(a) - f(b)) / (2 * eps)
    return out


def check_gradient(backend, loss, x, value, feeds=None, runs=2):
    """d loss / d x by the graph equals finite differences (and stays so on replays)."""
    (g,) = gf.gradients(loss, [x])
    feeds = dict(feeds or {})
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for _ in range(runs):
            got = sess.run(g, {**feeds, x: value})
        want = numeric_grad(lambda v: sess.run(loss, {**feeds, x: v}), value)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


# -- cond ---------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_cond_runs_only_the_taken_branch(backend):
    x = gf.placeholder(gf.float64, [None])
    p = gf.placeholder(gf.bool, [])
    # the false branch would fail (reshape of 3 elements to 2 rows) if it ran
    y = gf.cond(p, lambda: x * 2.0, lambda: gf.reduce_sum(gf.reshape(x, [2, -1]), 0))
    with gf.Session(backend=backend) as sess:
        for _ in range(3):
            np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0, 3.0], p: True}), [2, 4, 6])
        with pytest.raises(gf.errors.InvalidArgumentError, match="Reshape"):
            sess.run(y, {x: [1.0, 2.0, 3.0], p: False})
        np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0, 3.0, 4.0], p: False}), [4, 6])


@pytest.mark.parametrize("backend", BACKENDS)
def test_cond_gradients_flow_through_the_taken_branch_only(backend):
    x = gf.placeholder(gf.float64, [3])
    p = gf.placeholder(gf.bool, [])
    y = gf.cond(p, lambda: gf.sin(x) * x, lambda: gf.exp(x * 0.5))
    loss = gf.reduce_sum(y * y)
    v = np.array([0.3, -1.2, 2.0])
    for pv in (True, False):
        check_gradient(backend, loss, x, v, {p: pv})


def test_cond_nested_structures_names_and_shapes():
    x = gf.placeholder(gf.float32, [None, 3])
    p = gf.placeholder(gf.bool, [])
    Pair = collections.namedtuple("Pair", "a b")
    out = gf.cond(p, lambda: {"s": Pair(x + 1.0, x[:, :1])},
                  lambda: {"s": Pair(x - 1.0, x[:, 1:2])})
    assert isinstance(out["s"], Pair)
    assert out["s"].a.shape.as_list() == [None, 3]
    scope = out["s"].a.op.name.rsplit("/", 1)[0]
    assert scope.startswith("cond") and out["s"].a.op.name == scope + "/Merge"
    (branch,) = [op for op in out["s"].a.op.inputs[0].op.attrs["branches"].graph.get_operations()
                 if op.type == "Add"]
    assert branch.name == scope + "/add"
    with gf.Session() as sess:
        got = sess.run(out, {x: np.ones((2, 3)), p: False})
    np.testing.assert_allclose(got["s"].a, np.zeros((2, 3)))


def test_cond_refuses_a_python_bool_and_different_structures():
    with pytest.raises(TypeError, match="Python bool"):
        gf.cond(True, lambda: 1.0, lambda: 2.0)
    p = gf.placeholder(gf.bool, [])
    with pytest.raises(ValueError, match="same structure"):
        gf.cond(p, lambda: (1.0, 2.0), lambda: 3.0)
    # a branch returning nothing beside one returning a value (the value was dropped)
    with pytest.raises(ValueError, match="'true_fn' must have a return value"):
        gf.cond(p, lambda: None, lambda: gf.constant(1.0))
    with pytest.raises(ValueError, match="'false_fn' must have a return value"):
        gf.cond(p, lambda: gf.constant(1.0), lambda: None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_constant_predicates(backend):
    y = gf.cond(gf.constant(False), lambda: gf.constant(1.0), lambda: gf.constant(2.0))
    assert y.op.name.endswith("/Merge")  # TF1 builds a cond all the same
    assert gf.smart_cond(True, lambda: 3.0, lambda: 4.0) == 3.0
    with gf.Session(backend=backend) as sess:
        assert sess.run(y) == 2.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_variables_read_and_assigned_inside_branches(backend):
    v = gf.Variable(1.0, dtype=gf.float64)
    p = gf.placeholder(gf.bool, [])
    step = gf.cond(p, lambda: gf.assign_add(v, 1.0), lambda: gf.assign(v, v * 10.0))
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        got = [sess.run(step, {p: pv}) for pv in (True, True, False, True)]
        assert got == [2.0, 3.0, 30.0, 31.0]
        assert sess.run(v) == 31.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_case_picks_the_first_true_predicate(backend):
    x = gf.placeholder(gf.int32, [])
    y = gf.case([(x < 0, lambda: gf.constant(-1)), (x < 10, lambda: gf.constant(1))],
                default=lambda: gf.constant(100))
    with gf.Session(backend=backend) as sess:
        assert [sess.run(y, {x: v}) for v in (-5, 3, 50)] == [-1, 1, 100]


# -- while_loop ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_while_loop_with_a_data_dependent_trip_count_and_its_gradient(backend):
    x = gf.placeholder(gf.float64, [3])
    n = gf.placeholder(gf.int32, [])
    _, y = gf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, gf.sin(a) * x + 0.5),
                         [0, gf.zeros([3], gf.float64)])
    loss = gf.reduce_sum(y * y)
    v = np.array([0.7, -0.4, 1.3])
    for trips in (0, 1, 4):
        check_gradient(backend, loss, x, v, {n: trips})


@pytest.mark.parametrize("backend", BACKENDS)
def test_while_loop_gradient_matches_the_unrolled_graph(backend):
    x = gf.placeholder(gf.float64, [2, 3])
    w = gf.Variable(np.linspace(-1, 1, 9).reshape(3, 3), dtype=gf.float64)
    _, h = gf.while_loop(lambda i, h: i < 4, lambda i, h: (i + 1, gf.tanh(gf.matmul(h, w))),
                         [0, x])
    unrolled = x
    for _ in range(4):
        unrolled = gf.tanh(gf.matmul(unrolled, w))
    loop_grads = gf.gradients(gf.reduce_sum(h * h), [x, w])
    unrolled_grads = gf.gradients(gf.reduce_sum(unrolled * unrolled), [x, w])
    v = np.random.default_rng(1).normal(size=(2, 3))
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for _ in range(3):
            got = sess.run([h] + loop_grads, {x: v})
        want = sess.run([unrolled] + unrolled_grads, {x: v})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
def test_nested_loops_and_their_gradient(backend):
    x = gf.placeholder(gf.float64, [2])

    def outer_body(i, a):
        _, b = gf.while_loop(lambda j, b: j < i + 1, lambda j, b: (j + 1, b * x + 0.1),
                             [0, a])
        return i + 1, b

    _, y = gf.while_loop(lambda i, a: i < 3, outer_body, [0, gf.ones([2], gf.float64)])
    check_gradient(backend, gf.reduce_sum(y), x, np.array([0.9, 1.1]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_loops_inside_cond_and_cond_inside_loops(backend):
    x = gf.placeholder(gf.float64, [2])
    p = gf.placeholder(gf.bool, [])
    y = gf.cond(p, lambda: gf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x),
                                         [0, x])[1],
                lambda: x)
    _, z = gf.while_loop(lambda i, a: i < 4,
                         lambda i, a: (i + 1, gf.cond(a[0] > 2.0, lambda: a * 0.5,
                                                      lambda: a * x)),
                         [0, x])
    v = np.array([1.5, 0.8])
    with gf.Session(backend=backend) as sess:
        np.testing.assert_allclose(sess.run(y, {x: v, p: True}), v ** 4)
        np.testing.assert_allclose(sess.run(y, {x: v, p: False}), v)
    for pv in (True, False):
        check_gradient(backend, gf.reduce_sum(y * y), x, v, {p: pv})
    check_gradient(backend, gf.reduce_sum(z), x, v)


def test_shape_invariants_follow_tf1():
    x = gf.constant([1.0])
    with pytest.raises(ValueError, match="shape_invariants"):
        gf.while_loop(lambda a: gf.size(a) < 4, lambda a: gf.concat([a, a], 0), [x])
    y = gf.while_loop(lambda a: gf.size(a) < 4, lambda a: gf.concat([a, a], 0), [x],
                      shape_invariants=[gf.TensorShape([None])])
    assert y.shape.as_list() == [None]
    with gf.Session() as sess:
        assert sess.run(y).tolist() == [1.0] * 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_maximum_iterations_and_structures(backend):
    State = collections.namedtuple("State", "c h")
    s0 = State(gf.constant(0.0, gf.float64), gf.constant(1.0, gf.float64))
    i, s = gf.while_loop(lambda i, s: i < 100, lambda i, s: (i + 1, State(s.c + s.h, s.h * 2.0)),
                         (gf.constant(0), s0), maximum_iterations=5)
    assert isinstance(s, State)
    with gf.Session(backend=backend) as sess:
        assert sess.run([i, s.c, s.h]) == [5, 31.0, 32.0]


def test_a_single_loop_variable_comes_back_as_a_tensor():
    y = gf.while_loop(lambda a: a < 10, lambda a: a + 3, [gf.constant(1)])
    assert isinstance(y, gf.Tensor)
    with gf.Session() as sess:
        assert sess.run(y) == 10


# -- TensorArray and the functional ops ---------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_tensor_array_in_a_loop_and_its_gradient(backend):
    x = gf.placeholder(gf.float64, [4, 2])
    inputs = gf.TensorArray(gf.float64, size=4).unstack(x)
    out = gf.TensorArray(gf.float64, size=4)

    def body(i, acc, ta):
        acc = acc * 0.5 + inputs.read(i) ** 2
        return i + 1, acc, ta.write(i, acc)

    _, _, out = gf.while_loop(lambda i, *_: i < 4, body,
                              [0, gf.zeros([2], gf.float64), out])
    stacked = out.stack()
    gathered = out.gather([3, 0])
    v = np.random.default_rng(2).normal(size=(4, 2))
    want, acc = [], np.zeros(2)
    for r in v:
        acc = acc * 0.5 + r ** 2
        want.append(acc)
    with gf.Session(backend=backend) as sess:
        got, g2, size = sess.run([stacked, gathered, out.size()], {x: v})
    np.testing.assert_allclose(got, np.array(want))
    np.testing.assert_allclose(g2, np.array(want)[[3, 0]])
    assert size == 4
    check_gradient(backend, gf.reduce_sum(gf.sin(stacked)) + gf.reduce_sum(gathered), x, v)


def test_tensor_array_refuses_a_second_write():
    ta = gf.TensorArray(gf.float32, size=2).write(0, 1.0).write(0, 2.0)
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError, match="already been written"):
            sess.run(ta.stack())


@pytest.mark.parametrize("backend", BACKENDS)
def test_map_fn_scan_foldl_foldr_and_their_gradients(backend):
    x = gf.placeholder(gf.float64, [4, 3])
    mapped = gf.map_fn(lambda r: gf.reduce_sum(r * r), x)
    scanned = gf.scan(lambda a, r: a * 0.9 + r, x)
    left = gf.foldl(lambda a, r: a * r, x)
    right = gf.foldr(lambda a, r: a * 2.0 + r, x, initializer=gf.zeros([3], gf.float64))
    v = np.random.default_rng(3).normal(size=(4, 3))
    want_scan = [v[0]]
    for r in v[1:]:
        want_scan.append(want_scan[-1] * 0.9 + r)
    with gf.Session(backend=backend) as sess:
        got = sess.run([mapped, scanned, left, right], {x: v})
    np.testing.assert_allclose(got[0], (v * v).sum(1))
    np.testing.assert_allclose(got[1], np.array(want_scan))
    np.testing.assert_allclose(got[2], np.prod(v, 0))
    np.testing.assert_allclose(got[3], sum(2.0 ** k * v[k] for k in range(4)))
    assert mapped.shape.as_list() == [4] and scanned.shape.as_list() == [4, 3]
    loss = gf.reduce_sum(mapped) + gf.reduce_sum(scanned ** 2) + gf.reduce_sum(left) \
        + gf.reduce_sum(right)
    check_gradient(backend, loss, x, v)


@pytest.mark.parametrize("backend", BACKENDS)
def test_back_prop_false_gives_no_gradient(backend):
    x = gf.placeholder(gf.float64, [2])
    y = gf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * x), [0, x],
                      back_prop=False)[1]
    assert gf.gradients(gf.reduce_sum(y), x) == [None]


# -- compiled whole -----------------------------------------------------------------------
def test_a_loop_of_scalars_is_compiled_whole_and_agrees_with_the_oracle():
    n = gf.placeholder(gf.int32, [])
    rate = gf.placeholder(gf.float64, [])
    i, a, done = gf.while_loop(
        lambda i, a, done: gf.logical_and(i < n, gf.logical_not(done)),
        lambda i, a, done: (i + 1, a * rate + gf.cast(i, gf.float64), a > 1e6),
        [0, gf.constant(1.0, gf.float64), False], back_prop=False)
    feeds = {n: 40, rate: 1.5}
    with gf.Session(backend="numpy") as sess:
        want = sess.run([i, a, done], feeds)
    with gf.Session() as sess:
        for _ in range(3):
            got = sess.run([i, a, done], feeds)
        explained = sess.plan([i, a, done], feeds).explain()
    assert "COMPILED WHOLE" in explained
    assert got[0] == want[0] and got[2] == want[2]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)
    assert got[0].dtype == np.int32 and got[1].dtype == np.float64


def test_explain_says_why_a_loop_is_not_compiled_whole():
    x = gf.placeholder(gf.float32, [None, 3])
    y = gf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.0), [0, x])[1]
    s = gf.placeholder(gf.float64, [])
    z = gf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, gf.sin(a) * s), [0, s])[1]
    (dz,) = gf.gradients(z, s)
    with gf.Session() as sess:
        feed = {x: np.ones((2, 3), np.float32), s: 0.5}
        np.testing.assert_allclose(sess.run(y, feed), 8 * np.ones((2, 3)))
        assert "not compiled whole: the loop carries or reads" in sess.plan(y, feed).explain()
        sess.run([z, dz], feed)
        assert "not compiled whole: its gradient needs" in sess.plan([z, dz], feed).explain()
        assert "COMPILED WHOLE" in sess.plan(z, feed).explain()  # (the forward alone)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_fed_variable_is_what_a_loop_body_reads(backend):
    w = gf.Variable(2.0, dtype=gf.float64)
    one = gf.constant(1.0, gf.float64)
    y = gf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * w), [0, one])[1]
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        assert sess.run(y) == 8.0
        assert sess.run(y, {w: 3.0}) == 27.0  # (as TF1: the loop reads the fed value)
        assert sess.run(y) == 8.0


def test_a_body_replay_that_misses_keeps_the_runs_earlier_writes():
    """A loop body's replay runs inside a run that may have written a variable already; when
    it misses (a shape changes across iterations) and is redone, those writes stay."""
    counter = gf.Variable(0.0, dtype=gf.float64)
    x = gf.placeholder(gf.float64, [3])
    bumped = gf.cond(x[0] > 0, lambda: counter.assign_add(gf.reduce_sum(x)),
                     lambda: gf.identity(counter))
    with gf.control_dependencies([bumped]):
        grown = gf.while_loop(lambda a: gf.size(a) < 24, lambda a: gf.concat([a, a], 0),
                              [x], shape_invariants=[gf.TensorShape([None])])
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        for run in range(1, 5):
            assert sess.run(grown, {x: [1.0, 2.0, 3.0]}).shape == (24,)
            assert sess.run(counter) == 6.0 * run


@pytest.mark.parametrize("backend", BACKENDS)
def test_gather_with_a_repeated_index_adds_its_gradients(backend):
    x = gf.placeholder(gf.float64, [4, 2])
    gathered = gf.TensorArray(gf.float64, size=4).unstack(x).gather([0, 2, 2, 3])
    v = np.arange(8.0).reshape(4, 2)
    check_gradient(backend, gf.reduce_sum(gathered * gathered), x, v)


@pytest.mark.parametrize("backend", BACKENDS)
def test_map_fn_with_an_integer_output_beside_a_float_one_has_a_gradient(backend):
    # the integer TensorArray carries no gradient: the body's gradient takes no seed for it
    x = gf.placeholder(gf.float64, [3, 2])
    k = gf.constant([1, 2, 3])
    doubled, counts = gf.map_fn(lambda t: (gf.sin(t[0]), t[1] + 1), (x, k),
                                dtype=(gf.float64, gf.int32))
    v = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
    check_gradient(backend, gf.reduce_sum(doubled), x, v)
    with gf.Session(backend=backend) as sess:
        assert sess.run(counts, {x: v}).tolist() == [2, 3, 4]


def test_a_loop_compiled_whole_sums_float32_in_order_as_numpy():
    # a loop-carried sum must not be regrouped across iterations (fastmath 'reassoc' did:
    # 1000.0015 instead of 999.9029)
    _, total = gf.while_loop(lambda i, t: i < 10000, lambda i, t: (i + 1, t + 0.1),
                             [0, gf.constant(0.0, gf.float32)])
    with gf.Session(backend="numpy") as sess:
        want = sess.run(total)
    with gf.Session() as sess:
        got = sess.run(total)
        assert "COMPILED WHOLE" in sess.plan(total).explain()
    assert got == want


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_control_dependency_on_an_outer_op_inside_a_body_runs_it_once_before(backend):
    # TF1's numbers; the body used to refuse the outer op ("is from another graph")
    v = gf.Variable(1.0, dtype=gf.float64)
    bump = v.assign_add(1.0)

    def body(i, a):
        with gf.control_dependencies([bump]):
            return i + 1, a + v.read_value()

    def outer_body(i, a):
        def inner(j, b):
            with gf.control_dependencies([bump]):
                return j + 1, b + 1.0
        return i + 1, a + gf.while_loop(lambda j, b: j < 2, inner, [0, a])[1]

    def branch():
        with gf.control_dependencies([bump]):
            return gf.identity(v.read_value())

    _, summed = gf.while_loop(lambda i, a: i < 3, body, [0, gf.constant(0.0, gf.float64)])
    _, nested = gf.while_loop(lambda i, a: i < 2, outer_body, [0, gf.constant(0.0, gf.float64)])
    p = gf.placeholder(gf.bool, [])
    picked = gf.cond(p, branch, lambda: gf.constant(0.0, gf.float64))
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        assert (sess.run(summed), sess.run(v)) == (6.0, 2.0)
        assert (sess.run(picked, {p: True}), sess.run(v)) == (3.0, 3.0)
        assert (sess.run(picked, {p: False}), sess.run(v)) == (0.0, 4.0)
        assert (sess.run(nested), sess.run(v)) == (6.0, 5.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_predicate_fed_as_an_array_is_refused_as_tf1_does(backend):
    p = gf.placeholder(gf.bool)  # unknown shape: any value may be fed
    limit = gf.placeholder(gf.float64)
    picked = gf.cond(p, lambda: gf.constant(1.0), lambda: gf.constant(2.0))
    _, counted = gf.while_loop(lambda i, a: a < limit, lambda i, a: (i + 1, a + 1.0),
                               [0, gf.constant(0.0, gf.float64)])
    with gf.Session(backend=backend) as sess:
        with pytest.raises(gf.errors.InvalidArgumentError, match="must be a scalar, but it "
                           r"has shape \[1\]"):
            sess.run(picked, {p: [True]})
        with pytest.raises(gf.errors.InvalidArgumentError, match="condition must be a scalar"):
            sess.run(counted, {limit: [3.0, 4.0]})
        assert sess.run([picked, counted], {p: False, limit: 3.0}) == [2.0, 3.0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_case_without_default_refuses_when_no_predicate_holds(backend):
    # TF1: the last function is the default, and it checks its own predicate
    a, b = gf.placeholder(gf.bool, []), gf.placeholder(gf.bool, [])
    picked = gf.case([(a, lambda: gf.constant(1)), (b, lambda: gf.constant(2))])
    with gf.Session(backend=backend) as sess:
        assert [sess.run(picked, {a: x, b: y}) for x, y in
                ((True, False), (False, True), (True, True))] == [1, 2, 1]
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match="None of conditions evaluated as True"):
            sess.run(picked, {a: False, b: False})


def test_a_tensor_made_inside_a_body_is_refused_outside_it_with_the_reason():
    x = gf.placeholder(gf.float64, [])
    made = []

    def body(i, v):
        made.append(v * 2.0)
        return i + 1, made[-1]

    gf.while_loop(lambda i, v: i < 3, body, [0, x])
    reason = "made inside the body of 'while(_[0-9]+)?'.*return it from the body"
    # used by an op out of the body: refused while building (it went into the body before)
    with pytest.raises(gf.errors.InvalidArgumentError, match=reason):
        made[0] + 1.0
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError, match=reason):
            sess.run(made[0], {x: 1.0})
        with pytest.raises(gf.errors.InvalidArgumentError, match=reason):
            sess.run(x, {made[0]: 1.0, x: 1.0})


def test_a_loop_compiled_whole_runs_in_chunks_keeping_dtypes(monkeypatch):
    # chunks of BUDGET iterations, so that Ctrl-C is taken between them (Numba code never
    # looks at signals: an endless loop could not be stopped); int32 still wraps as NumPy
    from graphflow.backends.cpu import whole_loop
    monkeypatch.setattr(whole_loop, "BUDGET", 3)
    i, v, done = gf.while_loop(lambda i, v, d: gf.logical_and(i < 40, gf.logical_not(d)),
                               lambda i, v, d: (i + 1, v * 3 + 1, i > 37),
                               [0, gf.constant(1, gf.int32), False])
    with gf.Session(backend="numpy") as sess:
        want = sess.run([i, v, done])
    with gf.Session() as sess:
        got = sess.run([i, v, done])
        assert "COMPILED WHOLE" in sess.plan([i, v, done]).explain()
    assert got == want and got[1].dtype == np.int32


def test_a_replay_copies_a_loop_or_branch_result_that_is_its_input():
    """A loop of no iterations (a branch returning its input) hands out its input as it
    is; a replay traced when the result was a copy reuses that input's buffer for a later
    kernel, which overwrote the result (review: wrong numbers from the third run on)."""
    n = 1 << 17  # kernels, not NumPy steps
    x = gf.placeholder(gf.float64, [n])
    k = gf.placeholder(gf.int32, [])
    p = gf.placeholder(gf.bool, [])
    a = x * 2.0 + 1.0
    _, y = gf.while_loop(lambda i, v: i < k, lambda i, v: (i + 1, v * 1.5 + 0.5), (0, a))
    c = gf.cond(p, lambda: a, lambda: a * 0.5 - 1.0)
    out = [y + gf.nn.softmax(gf.exp(x) * 3.0 + 1.0), c + gf.nn.softmax(gf.sin(x) * 2.0)]
    xv = np.linspace(0, 1, n)
    runs = [(2, False)] * 3 + [(0, True), (0, True), (1, False), (0, True)]
    with gf.Session(backend="numpy") as ref, gf.Session(backend="numba") as sess:
        for kv, pv in runs:
            feeds = {x: xv, k: kv, p: pv}
            for got, want in zip(sess.run(out, feeds), ref.run(out, feeds)):
                np.testing.assert_allclose(got, want, rtol=1e-12)


def test_the_oracle_keeps_no_per_iteration_values_nothing_reads(monkeypatch):
    """The NumPy backend stacked every iteration's values for a gradient it was not asked
    for (40 iterations of an 80 MB loop variable held 3 GB); it keeps them only when read."""
    from graphflow.ops import while_loop

    kept = []
    per_iteration = while_loop._per_iteration
    monkeypatch.setattr(while_loop, "_per_iteration",
                        lambda values: kept.append(len(values)) or per_iteration(values))
    x = gf.placeholder(gf.float64, [3])
    _, y = gf.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, gf.sin(v) * v), (0, x))
    (g,) = gf.gradients(gf.reduce_sum(y), [x])
    with gf.Session(backend="numpy") as sess:
        sess.run(y, {x: [1.0, 2.0, 3.0]})
        assert kept and not any(kept)
        kept.clear()
        sess.run(g, {x: [1.0, 2.0, 3.0]})
        assert kept and all(n == 5 for n in kept)


def test_a_loop_gradient_reads_its_first_iteration_input_after_later_kernels_ran():
    """A loop's per-iteration values hold its input as it is for the first iteration; the
    input's pool buffer went back when the While step was its last reader, and a later
    kernel overwrote it before the gradient read it (review: wrong gradients on numba)."""
    n = 1 << 17
    x = gf.placeholder(gf.float64, [n])
    k = gf.placeholder(gf.int32, [])
    a = x * 2.0 + 1.0
    _, y = gf.while_loop(lambda i, v: i < k, lambda i, v: (i + 1, gf.sin(v) * v), (0, a))
    loss = gf.reduce_sum(y) + gf.reduce_sum(gf.nn.softmax(gf.exp(x) * 3.0 + 1.0))
    (g,) = gf.gradients(loss, [x])
    xv = np.linspace(0, 1, n)
    with gf.Session(backend="numpy") as ref, gf.Session(backend="numba") as sess:
        for kv in (1, 1, 1, 2, 0, 3):
            np.testing.assert_allclose(sess.run(g, {x: xv, k: kv}), ref.run(g, {x: xv, k: kv}),
                                       rtol=1e-9, atol=1e-12)


def test_nested_loop_gradients_keep_the_inner_loops_first_inputs():
    """An inner loop's per-iteration values, handed out of the outer body for its gradient,
    held the inner loop's input as it is: a pool buffer of the body's run, which the next
    iteration reused (review: wrong nested-loop gradients on numba)."""
    n = 1 << 17
    x = gf.placeholder(gf.float64, [n])
    k = gf.placeholder(gf.int32, [])

    def outer_body(i, v):
        a = v * 0.5 + 0.25
        _, w = gf.while_loop(lambda j, u: j < 2, lambda j, u: (j + 1, gf.sin(u) * u), (0, a))
        return i + 1, w + gf.cos(v) * 0.1

    _, y = gf.while_loop(lambda i, v: i < k, outer_body, (0, x))
    (g,) = gf.gradients(gf.reduce_sum(y), [x])
    xv = np.linspace(0, 1, n)
    with gf.Session(backend="numpy") as ref, gf.Session(backend="numba") as sess:
        for kv in (2, 2, 3):
            np.testing.assert_allclose(sess.run(g, {x: xv, k: kv}), ref.run(g, {x: xv, k: kv}),
                                       rtol=1e-9, atol=1e-12)


def test_tensor_array_op_names_follow_tf1():
    # TF1 (tf.compat.v1 graph mode) prints these names, e.g. a cell's input inside
    # dynamic_rnn is 'rnn/while/TensorArrayReadV3:0' (mtanti's 02_RNN_cell.py prints it)
    with gf.Graph().as_default():
        ta = gf.TensorArray(gf.float32, size=3).unstack(gf.zeros([3, 2]))
        names = [ta.read(1).name, ta.gather([0, 2]).name,
                 ta.write(0, gf.ones([2])).flow.name, ta.stack().name]
    assert names == ["TensorArrayReadV3:0", "TensorArrayGatherV3:0",
                     "TensorArrayWrite/TensorArrayWriteV3:0",
                     "TensorArrayStack/TensorArrayGatherV3:0"]
