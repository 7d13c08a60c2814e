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
