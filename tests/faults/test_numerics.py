"""NaN/Inf provenance and TF1's debugging ops: is_nan/is_inf/is_finite, check_numerics,
add_check_numerics_ops, Assert, Print, print, the assert_* checks, and
Session(check_numerics=True) finding the op that made the first NaN, inside fused kernels.

TF1's messages are its kernels' (check_numerics_op.cc, logging_ops.cc and
Tensor::SummarizeValue) and check_ops.py's."""

import inspect
import sys

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numpy", "numba"]


@pytest.fixture(autouse=True)
def _graph(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path / "kernels"))
    with gf.Graph().as_default() as g:
        yield g


def _line_of(fragment):
    """The line number in this file of the first line holding ``fragment``."""
    lines, _ = inspect.getsourcelines(sys.modules[__name__])
    return next(i for i, line in enumerate(lines, 1) if fragment in line and "_line_of" not in line)


# -- is_nan / is_inf / is_finite -------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_is_nan_is_inf_is_finite_fuse_and_match_numpy(backend):
    x = gf.placeholder(gf.float32, [None])
    value = np.array([1, np.nan, np.inf, -np.inf, 0, -2] * 100, np.float32)
    tests = [gf.is_nan(x * 1.5), gf.math.is_inf(x - 1.0), gf.debugging.is_finite(x + 1.0)]
    with gf.Session(backend=backend) as sess:
        got = sess.run(tests, {x: value})
        if backend == "numba":  # fused into a kernel with the arithmetic, not NumPy steps
            kernels = sess.plan(tests, {x: value}).kernels()
            source = "".join(v["source"] for k in kernels for v in k["variants"])
            assert {"IsNan", "IsInf", "IsFinite", "mul"} <= {o for k in kernels for o in k["ops"]}
            assert all(f"{f}(" in source for f in ("isnan", "isinf", "isfinite"))
    for out, fn in zip(got, (np.isnan, np.isinf, np.isfinite)):
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out, fn(value))


def test_is_nan_needs_a_float_tensor():
    with pytest.raises(gf.errors.DTypeError, match="IsNan needs a floating tensor, got int32"):
        gf.is_nan(gf.constant([1, 2]))


# -- check_numerics ----------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("value, words", [([1.0, np.nan], "NaN"), ([np.inf, 1.0], "Inf"),
                                          ([np.nan, -np.inf], "Inf and NaN")])
def test_check_numerics_fails_with_tf1_message_and_the_users_line(backend, value, words):
    x = gf.placeholder(gf.float32, [2])
    y = gf.check_numerics(x * 2.0, "my tensor")  # check: the line
    with gf.Session(backend=backend) as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(y, {x: value})
    message = str(e.value)
    assert f"my tensor : Tensor had {words} values" in message
    assert f"test_numerics.py:{_line_of('# check: the line')}" in message
    assert e.value.op.type == "CheckNumerics"


@pytest.mark.parametrize("backend", BACKENDS)
def test_check_numerics_passes_the_gradient_through_checked(backend):
    x = gf.placeholder(gf.float32, [3])
    y = gf.verify_tensor_all_finite(x, "forward")
    (g,) = gf.gradients(gf.reduce_sum(gf.sqrt(y)), [x])
    with gf.Session(backend=backend) as sess:
        np.testing.assert_allclose(sess.run(g, {x: [1.0, 4.0, 16.0]}), [0.5, 0.25, 0.125])
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"Not a number \(NaN\) or infinity \(Inf\) values detected in "
                                 r"gradient. forward : Tensor had Inf values"):
            sess.run(g, {x: [0.0, 4.0, 16.0]})  # sqrt's gradient at 0 is inf


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_check_numerics_ops_names_the_earliest_bad_tensor(backend):
    x = gf.placeholder(gf.float32, [None])
    w = gf.Variable([1.0, 2.0])
    loss = gf.reduce_sum(gf.log(x) * w)
    step = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    check = gf.add_check_numerics_ops()
    with gf.Session(backend=backend) as sess:
        sess.run(w.initializer)
        sess.run([step, check], {x: [1.0, 2.0]})
        before = sess.run(w)
        with pytest.raises(gf.errors.InvalidArgumentError, match="Log:0 : Tensor had Inf"):
            sess.run([step, check], {x: [0.0, 2.0]})
        np.testing.assert_array_equal(sess.run(w), before)  # the failed run changed nothing


def test_check_numerics_of_a_constant_is_not_folded_away():
    y = gf.check_numerics(gf.constant([1.0, np.nan]) * 2.0, "folded?") + 1.0
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError, match="folded\\? : Tensor had NaN"):
            sess.run(y)


# -- Assert and the assert_* checks ------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_assert_runs_through_control_dependencies_with_tf1_message(backend):
    x = gf.placeholder(gf.float32, [None])
    check = gf.Assert(gf.reduce_all(x > 0), ["x must be positive:", x])  # assert: the line
    with gf.control_dependencies([check]):
        y = gf.identity(x * 2.0)
    with gf.Session(backend=backend) as sess:
        for _ in range(3):  # the numba backend replays a run from the second one
            np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(y, {x: [1.0, -2.0, 3.0, 4.0]})
    assert "assertion failed: [x must be positive:] [1 -2 3...]" in str(e.value)
    assert f"test_numerics.py:{_line_of('# assert: the line')}" in str(e.value)


def test_summarize_value_writes_as_tf1():
    from graphflow.ops.logging_ops import summarize_value

    assert summarize_value(np.arange(5), 3) == "0 1 2..."
    assert summarize_value(np.array([[1, 2], [3, 4]]), 3) == "[1 2][3...]..."
    assert summarize_value(np.array([[1, 2], [3, 4]]), -1) == "[1 2][3 4]"
    assert summarize_value(np.array([0.1, 1.0, np.nan, -np.inf], np.float32), 4) == \
        "0.1 1 nan -inf"
    assert summarize_value(np.array(True), 3) == "1"


@pytest.mark.parametrize("backend", BACKENDS)
def test_assert_less_fails_at_run_time_with_tf1_data(backend):
    x = gf.placeholder(gf.float32, [None], name="x")
    check = gf.debugging.assert_less(x, 10.0, message="too big", summarize=2)
    with gf.Session(backend=backend) as sess:
        sess.run(check, {x: [1.0, 2.0]})
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(check, {x: [1.0, 20.0, 30.0]})
    assert ("assertion failed: [too big] [Condition x < y did not hold element-wise:] "
            "[x (x:0) = ] [1 20...] [y (assert_less/y:0) = ] [10]") in str(e.value)


def test_asserts_on_constants_fail_while_the_graph_is_built():
    with pytest.raises(gf.errors.InvalidArgumentError,
                       match="Condition x == y did not hold element-wise:\nx .* = \n\\[1 2\\]"):
        gf.assert_equal(gf.constant([1, 2]), [1, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="x > 0 did not hold"):
        gf.assert_positive(gf.constant([1.0, -1.0]))
    with pytest.raises(ValueError, match="must have rank 2.  Received rank 1, shape"):
        gf.assert_rank(gf.placeholder(gf.float32, [None]), 2)
    with pytest.raises(TypeError, match="must be of type <dtype: 'int32'>"):
        gf.assert_type(gf.constant(1.0), gf.int32)
    with pytest.raises(TypeError, match='Expected "x" to be integer type'):
        gf.assert_integer(gf.constant(1.0))
    with pytest.raises(ValueError, match="Expected scalar shape"):
        gf.assert_scalar(gf.constant([1.0]))
    # and what holds gives ops to run
    assert gf.assert_rank_at_least(gf.constant([[1]]), 1).type == "NoOp"
    with gf.Session() as sess:
        sess.run([gf.assert_non_negative(gf.constant([0, 1])), gf.assert_near(1.0, 1.0)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_unary_asserts_at_run_time(backend):
    x = gf.placeholder(gf.int32, [None], name="n")
    checks = [gf.assert_positive(x), gf.assert_non_positive(-x), gf.assert_none_equal(x, 0)]
    with gf.Session(backend=backend) as sess:
        sess.run(checks, {x: [1, 2]})
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"\[Condition x > 0 did not hold element-wise:\] "
                                 r"\[x \(n:0\) = \] \[1 0\]"):
            sess.run(checks[0], {x: [1, 0]})


# -- Print and print ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_print_passes_through_and_writes_tf1_format(backend, capsys):
    x = gf.placeholder(gf.float32, [None])
    y = gf.Print(x * 2.0, [x, "and", gf.reduce_sum(x)], message="values: ", first_n=2)
    (g,) = gf.gradients(gf.reduce_sum(y), [x])
    with gf.Session(backend=backend) as sess:
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0, 3.0, 4.0]}),
                                          [2.0, 4.0, 6.0, 8.0])
        np.testing.assert_array_equal(sess.run(g, {x: [1.0, 2.0]}), [2.0, 2.0])
    assert capsys.readouterr().err == "values: [1 2 3...][and][10]\n" * 2  # first_n=2


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf_print_is_an_op_run_by_control_dependencies(backend, capsys):
    x = gf.placeholder(gf.int32, [None, None])
    printed = gf.print("x:", x, summarize=1)
    with gf.control_dependencies([printed]):
        y = x + 1
    with gf.Session(backend=backend) as sess:
        sess.run(y, {x: np.arange(12).reshape(3, 4)})
    assert capsys.readouterr().err == "x: [[0 ... 3]\n ...\n [8 ... 11]]\n"


def test_tf_print_to_stdout_and_to_a_file(tmp_path, capsys):
    path = tmp_path / "log.txt"
    ops = [gf.print("a", gf.constant([1.5, 2.0]), output_stream=sys.stdout, sep="|"),
           gf.print(gf.constant("s"), end="!", output_stream=f"file://{path}")]
    with gf.Session() as sess:
        sess.run(ops)
        sess.run(ops[1])
    assert capsys.readouterr().out == "a|[1.5 2]\n"
    assert path.read_text() == "s!s!"
    with pytest.raises(gf.errors.InvalidArgumentError, match="output_stream must be"):
        gf.print("x", output_stream=42)


# -- Session(check_numerics=True): the op that made the first NaN ------------------------------

def _training_graph():
    x = gf.placeholder(gf.float32, [None], name="x")
    w = gf.Variable(np.ones(4, np.float32), name="w")
    h = gf.exp(x) * w + 1.0
    z = gf.log(h - h) * 0.5  # provenance: the first NaN
    out = gf.tanh(z * h) + h * 2.0  # spreads it
    loss = gf.reduce_sum(out * out)
    step = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
    return x, w, step


@pytest.mark.parametrize("backend", BACKENDS)
def test_check_numerics_session_names_the_op_inside_a_fused_kernel(backend):
    x, w, step = _training_graph()
    with gf.Session(backend=backend, check_numerics=True) as sess:
        sess.run(w.initializer)
        before = sess.run(w)
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(step, {x: np.arange(4, dtype=np.float32)})
        np.testing.assert_array_equal(sess.run(w), before)  # no variable changed
    message = str(e.value)
    assert e.value.op.type == "Log"
    assert "came from Log op 'Log': its float32 output of shape (4,) holds 0 NaN and 4 Inf " \
        "of 4 values" in message
    assert f"test_numerics.py:{_line_of('# provenance: the first NaN')}" in message
    assert "input 0: 'sub:0' float32 (4,): min 0, max 0" in message
    if backend == "numba":
        assert "inside the fused kernel" in message and "Tanh 'Tanh'" in message


def test_check_numerics_session_trains_as_an_unchecked_one():
    x = gf.placeholder(gf.float32, [None, 3])
    w = gf.Variable(np.full((3, 2), 0.5, np.float32))
    loss = gf.reduce_mean(gf.square(gf.tanh(gf.matmul(x, w)) - 1.0))
    step = gf.train.GradientDescentOptimizer(0.5).minimize(loss)
    feed = {x: np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)}
    weights = []
    for checked in (False, True):
        with gf.Session(check_numerics=checked) as sess:
            sess.run(w.initializer)
            for _ in range(3):
                sess.run(step, feed)
            weights.append(sess.run(w))
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_check_numerics_session_passes_finite_runs_and_finds_a_fed_nan(backend):
    x = gf.placeholder(gf.float32, [None], name="x")
    y = gf.sqrt(x * 2.0 + 1.0)
    with gf.Session(backend=backend, check_numerics=True) as sess:
        for _ in range(3):
            np.testing.assert_allclose(sess.run(y, {x: [0.0, 4.0]}), [1.0, 3.0])
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match="the value fed to 'x:0'.* holds 1 NaN and 0 Inf of 2 values"):
            sess.run(y, {x: [np.nan, 1.0]})
        with pytest.raises(gf.errors.InvalidArgumentError, match="came from Sqrt op 'Sqrt'"):
            sess.run(y, {x: [-1.0, 1.0]})


@pytest.mark.parametrize("backend", BACKENDS)
def test_check_numerics_session_blames_a_variable_that_already_held_a_nan(backend):
    w = gf.Variable([1.0, 2.0], name="w")
    y = gf.reduce_sum(w * 3.0)
    with gf.Session(backend=backend, check_numerics=True) as sess:
        sess.run(w.initializer)
        np.testing.assert_allclose(sess.run(y), 9.0)
        w.load([np.nan, 2.0], sess)
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"came from VariableV2 op 'w'.*\n.*\n  \(the variable's value "
                                 r"from before this run\)"):
            sess.run(y)
