"""Integer division by zero fails the run as in TF1 (issue 15, item 5), on every backend.

NumPy and Numba give 0 for an integer divided by zero; TF1 raises InvalidArgumentError
"Integer division by zero". The op declares it (``Fault`` on FloorDiv and FloorMod): the
reference checks it, and a fused kernel counts rejected elements and raises after its loop.
Float division by zero keeps IEEE inf and nan. (CUDA: tests/cuda/test_cuda_faults.py.)
"""

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors
from graphflow.backends.cpu import plan as cpu_plan

OPS = {
    "floordiv": lambda a, b: gf.floordiv(a, b),
    "floormod": lambda a, b: gf.floormod(a, b),
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}
NAMES = {"floordiv": "FloorDiv", "floormod": "FloorMod", "//": "FloorDiv", "%": "FloorMod"}


def _raises_tf1_error(sess, fetch, feed, op_type, line):
    with pytest.raises(errors.InvalidArgumentError) as info:
        sess.run(fetch, feed)
    message = str(info.value)
    assert message.startswith(f"Integer division by zero: {op_type} op "), message
    assert f"test_int_division.py:{line}" in message, message
    assert info.value.op.type == op_type
    return info.value


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("name", list(OPS))
def test_one_op(backend, dtype, name):
    a = gf.placeholder(dtype, [None])
    b = gf.placeholder(dtype, [None])
    y = OPS[name](a, b)
    line = OPS[name].__code__.co_firstlineno  # the user's line: the lambda's
    sess = gf.Session(backend=backend)
    av = np.arange(-3, 5, dtype=dtype)
    bv = np.array([1, 2, -3, 4, 1, 2, 3, 5], dtype)
    np.testing.assert_array_equal(sess.run(y, {a: av, b: bv}),
                                  np.floor_divide(av, bv) if NAMES[name] == "FloorDiv"
                                  else np.mod(av, bv))
    bv[5] = 0
    _raises_tf1_error(sess, y, {a: av, b: bv}, NAMES[name], line)


@pytest.mark.parametrize("parallel", [False, True])
def test_in_a_fused_kernel_the_failing_member_is_named(monkeypatch, parallel):
    if parallel:  # a prange loop: the rejected elements are a parallel reduction
        monkeypatch.setattr(cpu_plan, "PARALLEL_FROM", 0)
    a = gf.placeholder(gf.int32, [None, 3])
    b = gf.placeholder(gf.int32, [None, 3])
    y = (a + 1) // (b - 2); line = _line()  # noqa: E702
    av = np.arange(12, dtype=np.int32).reshape(4, 3)
    bv = np.full((4, 3), 5, np.int32)
    want = (av + 1) // (bv - 2)
    if not parallel:  # (a parallel compile is slow: a small kernel there)
        y = y + a % ((a * 3 + 1) % 7 + 1)
        want = want + av % ((av * 3 + 1) % 7 + 1)
    sess = gf.Session()
    for _ in range(3):  # the dynamic runs, then a replay
        np.testing.assert_array_equal(sess.run(y, {a: av, b: bv}), want)
    (kernel,) = sess.plan(y, {a: av, b: bv}).kernels()
    assert len(kernel["ops"]) == (3 if parallel else 9)  # one kernel, every division in it
    bv[3, 1] = 2
    for _ in range(2):  # the replay raises, the run is redone on the dynamic path
        err = _raises_tf1_error(sess, y, {a: av, b: bv}, "FloorDiv", line)
        assert err.op.name.startswith("floordiv")  # not the mods in the same kernel
    bv[3, 1] = 5
    np.testing.assert_array_equal(sess.run(y, {a: av, b: bv}), want)


def test_a_reduction_prologue_and_a_literal_zero_divisor():
    a = gf.placeholder(gf.int64, [None, 4])
    total = gf.reduce_sum(a % (a - 2), axis=1); line = _line()  # noqa: E702
    by_zero = a // 0 + a; zero_line = _line()  # noqa: E702
    sess = gf.Session()
    av = np.arange(8, dtype=np.int64).reshape(2, 4) + 3
    np.testing.assert_array_equal(sess.run(total, {a: av}), (av % (av - 2)).sum(1))
    _raises_tf1_error(sess, total, {a: av - 3}, "FloorMod", line)
    _raises_tf1_error(sess, by_zero, {a: av}, "FloorDiv", zero_line)
    empty = np.zeros((0, 4), np.int64)  # nothing is divided: no error, as in TF1
    assert sess.run(by_zero, {a: empty}).shape == (0, 4)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_failed_run_changes_no_variable(backend):
    v = gf.Variable(np.full(4, 100, np.int32))
    d = gf.placeholder(gf.int32, [4])
    step = gf.group(gf.assign(v, v // d + 1), gf.assign_add(gf.Variable(0), 1))
    sess = gf.Session(backend=backend)
    sess.run(gf.global_variables_initializer())
    for _ in range(3):
        sess.run(step, {d: np.full(4, 2, np.int32)})
    before = sess.run(v)
    with pytest.raises(errors.InvalidArgumentError, match="^Integer division by zero"):
        sess.run(step, {d: np.array([2, 2, 0, 2], np.int32)})
    np.testing.assert_array_equal(sess.run(v), before)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_float_division_by_zero_keeps_ieee_values_while_ints_fail(backend):
    x = gf.placeholder(gf.float32, [None])
    i = gf.placeholder(gf.int32, [None])
    floats = [x / 0.0, x // 0.0, x % 0.0, gf.floordiv(x, x * 0.0) + 1.0]
    mixed = gf.cast(i // i, gf.float32) + x / 0.0  # one kernel: only the int op is checked
    sess = gf.Session(backend=backend)
    xv = np.array([1, -2, 0, 3], np.float32)
    with np.errstate(all="ignore"):
        want = [xv / np.float32(0), xv // np.float32(0), xv % np.float32(0),
                xv // (xv * np.float32(0)) + 1]
    for got, expected in zip(sess.run(floats, {x: xv}), want):
        np.testing.assert_array_equal(got, expected)
    iv = np.array([1, 2, 3, 4], np.int32)
    np.testing.assert_array_equal(sess.run(mixed, {x: xv, i: iv}), 1 + want[0])
    with pytest.raises(errors.InvalidArgumentError, match="^Integer division by zero"):
        sess.run(mixed, {x: xv, i: iv - 1})


def _line():
    """The caller's line number (the op built on it is named in the error)."""
    import sys

    return sys._getframe(1).f_lineno


def test_a_failed_division_after_an_in_place_update_changes_no_variable():
    """A replayed SGD step updates its weights in place only when nothing after it can
    fail; an integer division can now fail, and the weights moved (-8 to -10)."""
    x = gf.placeholder(gf.float32, [None, 64])
    d = gf.placeholder(gf.int32, [None])
    w = gf.Variable(np.zeros((64, 64), np.float32))
    train = gf.train.GradientDescentOptimizer(1.0).minimize(gf.reduce_sum(gf.matmul(x, w)))
    with gf.control_dependencies([train]):
        q = (gf.cast(gf.reduce_sum(x, 1), gf.int32) + 7) // d
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        xs = np.ones((2, 64), np.float32)
        for _ in range(4):  # replayed from the third run
            sess.run(q, {x: xs, d: np.ones(2, np.int32)})
        before = sess.run(w)
        with pytest.raises(gf.errors.InvalidArgumentError, match="Integer division by zero"):
            sess.run(q, {x: xs, d: np.array([1, 0], np.int32)})
        np.testing.assert_array_equal(sess.run(w), before)


@pytest.mark.parametrize("dtype, build, values", [
    (np.int32, lambda x: (x * x) // 1000 + 1, [100000, 7]),
    (np.uint8, lambda x: (x - 5) // 2 + 1, [3, 9]),
    (np.int8, lambda x: abs(x * 3) + x, [100, -7]),
])
def test_narrow_integers_wrap_inside_kernels_as_in_numpy(dtype, build, values):
    """Numba computes int32, int8 and uint8 in 64 bits: a fused (x * x) // 1000 + 1 at
    x = 100000 gave 10000001 where NumPy and TF1 wrap to 1410066."""
    x = gf.placeholder(gf.as_dtype(dtype), [None])
    y = build(x)
    xv = np.array(values, dtype)
    with gf.Session(backend="numpy") as reference, gf.Session() as sess:
        want = reference.run(y, {x: xv})
        with np.errstate(over="ignore"):
            np.testing.assert_array_equal(sess.run(y, {x: xv}), want)
