"""Control flow and recurrent networks against TF1's numbers: ``cond``, ``case``,
``while_loop``, ``TensorArray``, ``map_fn``/``scan``/``foldl``/``foldr`` with gradients;
the ``tf.nn.rnn_cell`` cells through ``dynamic_rnn``/``static_rnn``/
``bidirectional_dynamic_rnn``; three small training programs by their loss curves.

Each program in ``tf1_programs/`` is a ``compute(tf)`` function; its expected results were
made once with TensorFlow (graph mode, control flow v1) by ``make_<name>_expected.py``.
Values and names are separate tests so that a wrong number and a wrong name read apart.
"""

import copy
import functools
import os
import runpy

import numpy as np
import pytest
import tf1_runner

BACKENDS = ["numpy", "numba"]
TOLERANCE = {"float64": (1e-6, 1e-9), "float32": (1e-4, 1e-5)}  # (rtol, atol)

# where each program's results hold op and tensor names (variable names stay in the values
# test: TF1's checkpoint names must match exactly)
NAME_PATHS = {
    "control_flow": [("names",)],
    "rnn": [("info", key, "tensors") for key in (
        "basic_rnn", "basic_lstm", "lstm_peephole_proj_clip", "gru_time_major", "multi_lstm",
        "dropout_gru", "residual_rnn", "static_lstm", "bidirectional", "lstm_float32")],
    "rnn_training": [("batch_norm", "info", "tensors")],
}


def expected(name):
    path = os.path.join(tf1_runner.PROGRAMS, f"{name}_expected.py")
    return runpy.run_path(path)["EXPECTED"]


@functools.cache
def results(name, backend):
    """``compute(tf)`` of ``<name>_program.py`` run once per backend by graphflow."""
    return tf1_runner.compute(f"{name}_program.py", backend)


def split(tree, paths):
    """``tree`` without the entries at ``paths``, and those entries by path."""
    rest, picked = copy.deepcopy(tree), {}
    for path in paths:
        node = rest
        for key in path[:-1]:
            node = node[key]
        picked[path] = node.pop(path[-1])
    return rest, picked


def compare(actual, want, path="RESULTS"):
    """Assert ``actual`` matches the stored ``want``: arrays by dtype, shape and values
    (tolerance by dtype), errors by class and message, everything else exactly."""
    if isinstance(want, dict) and "__array__" in want:
        got = np.asarray(actual)
        assert isinstance(actual, (np.ndarray, np.generic)), f"{path}: {type(actual).__name__}"
        assert got.dtype.name == want["dtype"], f"{path}: dtype {got.dtype.name}"
        assert list(got.shape) == want["shape"], f"{path}: shape {list(got.shape)}"
        ref = np.array(want["__array__"], want["dtype"]).reshape(want["shape"])
        if got.dtype.kind == "f":
            # a network computed in float32 has float32's error in any dtype it hands out
            rtol, atol = TOLERANCE["float32" if "float32" in path else got.dtype.name]
            np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol, err_msg=path)
        else:
            np.testing.assert_array_equal(got, ref, err_msg=path)
    elif isinstance(want, dict) and "__error__" in want:
        assert actual["__error__"] == want["__error__"], f"{path}: {actual}"
        first_line = want["message"].splitlines()[0]
        assert first_line in actual["message"], f"{path}: {actual['message']!r}"
    elif isinstance(want, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(want), (
            f"{path}: keys {sorted(actual) if isinstance(actual, dict) else actual}")
        for key in want:
            compare(actual[key], want[key], f"{path}[{key!r}]")
    elif isinstance(want, (list, tuple)):
        assert isinstance(actual, (list, tuple)) and len(actual) == len(want), (
            f"{path}: {actual!r}")
        for i, (a, w) in enumerate(zip(actual, want)):
            compare(a, w, f"{path}[{i}]")
    else:
        assert type(actual) is type(want) and actual == want, f"{path}: {actual!r} != {want!r}"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(NAME_PATHS))
def test_values_match_tf1(name, backend):
    """Values, gradients, static shapes, structures, variable names and errors."""
    want, _ = split(expected(name), NAME_PATHS[name])
    got, _ = split(results(name, backend), NAME_PATHS[name])
    compare(got, want)


@pytest.mark.parametrize("name", sorted(NAME_PATHS))
def test_op_names_match_tf1(name):
    """Tensor names TF1 gives ops built in branches and loop bodies (``cond/...``,
    ``while/...``, ``rnn/while/Exit_3``), one backend: names do not depend on it."""
    _, want = split(expected(name), NAME_PATHS[name])
    _, got = split(results(name, "numpy"), NAME_PATHS[name])
    for path in want:
        compare(got[path], want[path], "RESULTS" + "".join(f"[{k!r}]" for k in path))


def test_compare_is_not_trivial():
    arr = {"__array__": [1.0, 2.0], "dtype": "float64", "shape": [2]}
    compare(np.array([1.0, 2.0 + 1e-12]), arr)
    for wrong in (np.array([1.0, 2.001]), np.array([1.0, 2.0], np.float32), [1.0, 2.0]):
        with pytest.raises(AssertionError):
            compare(wrong, arr)
    with pytest.raises(AssertionError):
        compare({"__error__": "TypeError", "message": "x"},
                {"__error__": "ValueError", "message": "x"})
    with pytest.raises(AssertionError):
        compare(np.int32(3), 3)
