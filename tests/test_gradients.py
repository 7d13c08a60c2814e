"""Every gradient rule against central finite differences (float64), second order for the
elementwise ops and matmul, and the driver's semantics (sums, stops, unconnected xs)."""

import numpy as np
import pytest
from grad_cases import CASES

import graphflow as gf
from graphflow.ops import base


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def _placeholders(case):
    return [gf.placeholder(gf.as_dtype(a.dtype), list(a.shape) if case.static else
                           [None] * a.ndim) for a in case.inputs]


def _check(case, second_order=False):
    with gf.Graph().as_default() as g:
        phs = _placeholders(case)
        y = case.build(*phs)
        xs = [phs[i] for i in case.wrt_indices()]
        if second_order:
            # a nonlinear function of every first derivative exercises the second-order rules
            y = gf.add_n([gf.reduce_sum(gf.sin(d)) for d in gf.gradients(y, xs)
                          if d is not None])
        feed = dict(zip(phs, case.inputs))
        errs = gf.test.check_gradients(y, xs, feed)
    return g, errs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradient_matches_finite_differences(case):
    _, errs = _check(case)
    assert max(errs) < case.tol, errs


@pytest.mark.parametrize("case", [c for c in CASES if c.second_order], ids=lambda c: c.id)
def test_second_order(case):
    _, errs = _check(case, second_order=True)
    assert max(errs) < 1e-6, errs


def test_every_differentiable_op_has_a_rule_and_a_case():
    seen = set()
    for case in CASES:
        with gf.Graph().as_default() as g:
            case.build(*_placeholders(case))
            seen |= {op.type for op in g.get_operations()}
    differentiable = {t for t, d in base.REGISTRY.items() if d.differentiable}
    assert {t for t in differentiable if base.REGISTRY[t].grad is None} == set()
    assert differentiable - seen == set()


def test_gradient_sums_over_uses_and_scalar_example():
    a = gf.constant(2.0)
    b = gf.constant(3.0)
    y = a * a * b + gf.exp(a * b / 10)
    ga, gb = gf.gradients(y, [a, b])
    with gf.Session() as sess:
        va, vb = sess.run([ga, gb])
    assert np.isclose(va, 2 * 2 * 3 + 0.3 * np.exp(0.6))
    assert np.isclose(vb, 4 + 0.2 * np.exp(0.6))


@pytest.mark.parametrize("reduce", [gf.reduce_sum, gf.reduce_mean, gf.reduce_max,
                                    gf.reduce_min, gf.reduce_prod])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reducing_every_axis_of_a_tensor_of_unknown_rank(reduce, keepdims):
    x = gf.placeholder(gf.float64)  # no rank known: the gradient cannot list the axes
    values = np.arange(1.0, 7.0).reshape(2, 3) / 4
    errs = gf.test.check_gradients(reduce(gf.sin(x), keepdims=keepdims), [x], {x: values})
    assert max(errs) < 1e-6, errs


def test_grad_ys_and_multiple_ys():
    x = gf.constant([1.0, 2.0])
    y1, y2 = x * 3, gf.square(x)
    g = gf.gradients([y1, y2], x, grad_ys=[gf.constant([1.0, 0.0]), gf.constant([1.0, 1.0])])
    with gf.Session() as sess:
        np.testing.assert_allclose(sess.run(g[0]), [3 + 2, 0 + 4])


def test_stop_gradient_and_stop_gradients_argument():
    x = gf.constant(3.0)
    y = x * gf.stop_gradient(x)
    h = x * x
    z = h + x
    with gf.Session() as sess:
        assert sess.run(gf.gradients(y, x)[0]) == 3.0
        assert sess.run(gf.gradients(z, x, stop_gradients=[h])[0]) == 1.0
        assert sess.run(gf.gradients(z, [x, h], stop_gradients=[h])[1]) == 1.0


def test_unconnected_modes():
    x = gf.placeholder(gf.float32, [2], name="x")
    other = gf.placeholder(gf.float32, [2], name="other")
    y = gf.reduce_sum(x * 2, name="y")
    assert gf.gradients(y, other) == [None]
    zero = gf.gradients(y, other, unconnected_gradients="zero")[0]
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(zero, {other: [5.0, 5.0]}), [0, 0])
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"'other:0'.*none of 'y:0' depends"):
        gf.gradients(y, other, unconnected_gradients="raise")


def test_raise_names_the_op_that_cuts_the_path():
    x = gf.placeholder(gf.float32, [3], name="x")
    blocked = gf.stop_gradient(x * 2, name="blocker")  # blocker-line
    through_int = gf.cast(gf.cast(x, gf.int32, name="to_int"), gf.float32)
    picked = gf.cast(gf.argmax(x), gf.float32)
    for y, culprit in [(blocked * 3, "'blocker:0' (StopGradient"),
                       (through_int * 3, "int32"),
                       (picked + 1.0, "ArgMax")]:
        with pytest.raises(gf.errors.InvalidArgumentError, match="every path") as e:
            gf.gradients(y, x, unconnected_gradients="raise")
        assert culprit in str(e.value)
    with pytest.raises(gf.errors.InvalidArgumentError) as e:
        gf.gradients(blocked, x, unconnected_gradients="raise")
    assert __file__ in str(e.value)


def test_backward_ops_are_scoped_and_marked():
    x = gf.placeholder(gf.float32, [3])
    y = gf.reduce_sum(gf.tanh(x))
    before = set(gf.get_default_graph().get_operations())
    (g,) = gf.gradients(y, x)
    new = [op for op in gf.get_default_graph().get_operations() if op not in before]
    assert new and all(op.role == "backward" for op in new)
    assert all(op.name.startswith("gradients/") for op in new)
    assert g.name.startswith("gradients/Tanh_grad/")
    assert all(op.role == "forward" for op in before)
    (g2,) = gf.gradients(y, x)
    assert g2.name.startswith("gradients_1/")


def test_higher_order():
    x = gf.placeholder(gf.float64, [])
    y = x ** 3
    (d1,) = gf.gradients(y, x)
    (d2,) = gf.gradients(d1, x)
    (d3,) = gf.gradients(d2, x)
    with gf.Session() as sess:
        assert sess.run([d1, d2, d3], {x: 2.0}) == [12.0, 12.0, 6.0]
    # Hessian-vector product of f(w) = sum(w^2 * a) + (w0 * w1)^2
    w = gf.placeholder(gf.float64, [2])
    v = gf.placeholder(gf.float64, [2])
    f = gf.reduce_sum(w * w * [1.0, 3.0]) + gf.square(w[0] * w[1])
    (gw,) = gf.gradients(f, w)
    (hv,) = gf.gradients(gf.reduce_sum(gw * v), w)
    wv, vv = np.array([1.5, -2.0]), np.array([0.3, 0.7])
    hessian = np.array([[2 + 2 * wv[1] ** 2, 4 * wv[0] * wv[1]],
                        [4 * wv[0] * wv[1], 6 + 2 * wv[0] ** 2]])
    with gf.Session() as sess:
        np.testing.assert_allclose(sess.run(hv, {w: wv, v: vv}), hessian @ vv)


@pytest.mark.parametrize("n", [100, 200])
def test_backward_graph_of_a_chain_is_linear(n):
    gf.reset_default_graph()
    x = gf.placeholder(gf.float32, [None])
    h = x
    for i in range(n):
        h = [gf.tanh, gf.sin, lambda t: t * 2.0, lambda t: t + 1.0][i % 4](h)
    forward = len(gf.get_default_graph().get_operations())
    gf.gradients(gf.reduce_sum(h), x)
    backward = len(gf.get_default_graph().get_operations()) - forward
    assert backward <= 4 * n + 10, (n, backward)


def test_integer_xs_and_ys_get_no_gradient():
    i = gf.placeholder(gf.int32, [2])
    f = gf.placeholder(gf.float32, [2])
    y = gf.reduce_sum(gf.cast(i, gf.float32) * f)
    gi, gf_ = gf.gradients(y, [i, f])
    assert gi is None and gf_ is not None


def test_custom_gradient_replaces_the_derived_one():
    @gf.custom_gradient
    def log1pexp(x):  # TF1's example: the derived gradient is nan at x = 100
        e = gf.exp(x)

        def grad(dy):
            return dy * (1 - 1 / (1 + e))

        return gf.log(1 + e), grad

    x = gf.placeholder(gf.float32, [3])
    dy = gf.gradients(log1pexp(x), x)[0]
    naive = gf.gradients(gf.log(1 + gf.exp(x)), x)[0]
    for backend in ("numpy", "numba"):
        with gf.Session(backend=backend) as sess:
            for _ in range(3):
                got, bad = sess.run([dy, naive], {x: [0.0, 100.0, -2.0]})
            np.testing.assert_allclose(got, [0.5, 1.0, 1 / (1 + np.e ** 2)], rtol=1e-6)
            assert np.isnan(bad[1])
    assert not any(op.type == "CustomGradient" for op in
                   gf.Session().plan(dy, {x: np.zeros(3, np.float32)}).program.ops)


def test_custom_gradient_checks_what_grad_fn_returns():
    @gf.custom_gradient
    def twice(x, y):
        return x * 2.0 + y, lambda dy: [dy * 2.0]  # one gradient for two arguments

    x, y = gf.constant([1.0]), gf.constant([2.0])
    with pytest.raises(gf.errors.InvalidArgumentError, match="returned 1 gradients for 2"):
        gf.gradients(twice(x, y), [x, y])


def test_custom_gradient_of_a_function_reading_variables():
    w = gf.Variable([2.0, 3.0])
    x = gf.constant([1.0, 4.0])

    @gf.custom_gradient
    def scaled(v):
        def grad(dy, variables=None):  # TF1's contract: (input grads, variable grads)
            assert variables == [w]
            return dy * w * 10.0, [dy * v * 100.0]
        return v * w, grad

    dx, dw = gf.gradients(gf.reduce_sum(scaled(x)), [x, w])
    with gf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_allclose(sess.run([dx, dw]), [[20.0, 30.0], [100.0, 400.0]])

    @gf.custom_gradient
    def forgetful(v):
        return v * w, lambda dy: dy
    with pytest.raises(gf.errors.DTypeError, match="must take a keyword argument 'variables'"):
        forgetful(x)

    outer = w * 3.0  # a tensor made before the function: f reads no variable itself

    @gf.custom_gradient
    def closing_over(v):
        return v * outer, lambda dy: dy * outer
    assert gf.gradients(gf.reduce_sum(closing_over(x)), [x, w])[1] is None


def test_custom_gradient_checks_the_gradients_shapes():
    @gf.custom_gradient
    def wrong(x):
        return x * 2.0, lambda dy: gf.zeros([5, 3])

    x = gf.placeholder(gf.float32, [2, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="a gradient of shape"):
        gf.gradients(wrong(x), x)
