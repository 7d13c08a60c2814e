"""The CUDA backend's part of issue 15: integer division by zero fails the run (a kernel
flags a rejected element, the plan reads the flag back), and constants that differ only in
value are kernel arguments sharing one kernel. (CPU: tests/faults/.)"""

import sys

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors


def _line():
    return sys._getframe(1).f_lineno


def test_integer_division_by_zero_fails_and_changes_no_variable():
    with gf.Graph().as_default():
        a = gf.placeholder(gf.int32, [None])
        v = gf.Variable(np.full(6, 50, np.int32))
        y = (a + 1) // (a - 2) + v; line = _line()  # noqa: E702
        total = gf.reduce_sum(v % a); total_line = _line()  # noqa: E702
        step = gf.assign(v, y)
        with gf.Session(backend="cuda") as sess:
            sess.run(v.initializer)
            av = np.array([3, 4, 5, 6, 7, 8], np.int32)
            np.testing.assert_array_equal(sess.run(step, {a: av}), (av + 1) // (av - 2) + 50)
            np.testing.assert_array_equal(sess.run(total, {a: av}),
                                          (sess.run(v) % av).sum())
            before = sess.run(v)
            for fetch, at, op_type in ((step, line, "FloorDiv"), (total, total_line,
                                                                   "FloorMod")):
                with pytest.raises(errors.InvalidArgumentError) as info:
                    sess.run(fetch, {a: av - 1 if op_type == "FloorDiv" else av - 3})
                assert str(info.value).startswith(f"Integer division by zero: {op_type} op")
                assert f"test_cuda_faults.py:{at}" in str(info.value)
            np.testing.assert_array_equal(sess.run(v), before)
            x = gf.placeholder(gf.float32, [None])
            with np.errstate(all="ignore"):
                np.testing.assert_array_equal(
                    sess.run(x // 0.0 + x / 0.0, {x: np.array([1, -1, 0], np.float32)}),
                    np.array([np.inf, -np.inf, np.nan], np.float32))


def test_groups_differing_only_in_constants_share_one_kernel():
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None])
        a, b = x * 3.7 - 1.25, x * -4.2 - 2.75
        xv = np.arange(4, dtype=np.float32)
        with gf.Session(backend="cuda") as sess:
            ra, rb = sess.run([a, b], {x: xv})
            np.testing.assert_allclose(ra, xv * np.float32(3.7) - np.float32(1.25), rtol=1e-6)
            np.testing.assert_allclose(rb, xv * np.float32(-4.2) - np.float32(2.75), rtol=1e-6)
            keys = {v["cache_key"] for k in sess.plan([a, b], {x: xv}).kernels()
                    for v in k["variants"]}
            assert len(keys) == 1
