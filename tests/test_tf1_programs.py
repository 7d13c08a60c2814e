"""Run unchanged TF1 programs under graphflow and compare with real TensorFlow.

Each program in ``tests/tf1_programs/`` starts with ``import graphflow as tf``
and leaves everything it computed in a module-level dict ``RESULTS``.  The
expected values in ``tests/tf1_programs/expected.py`` were produced once with
real TensorFlow by ``tests/tf1_programs/make_expected.py``; TensorFlow is not
needed to run this test.
"""
import math
import os
import runpy

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM_DIR = os.path.join(HERE, "tf1_programs")
PROGRAMS = ["tensors_indexing", "feeds_fetches", "state_assign",
            "gradients_basic", "mlp_gradients", "train_linear"]
RTOL, ATOL = 1e-5, 1e-6


def load_expected():
    return runpy.run_path(os.path.join(PROGRAM_DIR, "expected.py"))["EXPECTED"]


def _is_array_spec(x):
    return isinstance(x, dict) and "__array__" in x


def compare(actual, expected, path="RESULTS"):
    """Recursively compare a program's RESULTS with the stored expectation.

    Raises AssertionError (with the path of the first mismatch) on any
    difference: missing or extra keys, container type or length, dtype,
    shape, values, strings and None are all checked.
    """
    if _is_array_spec(expected):
        # NumPy arrays and NumPy scalars (a 0-d fetch) are compared alike.
        assert isinstance(actual, (np.ndarray, np.generic)), (
            f"{path}: expected a NumPy array/scalar, got {type(actual).__name__}")
        actual = np.asarray(actual)
        assert actual.dtype.name == expected["dtype"], (
            "{}: dtype {} != expected {}".format(path, actual.dtype.name, expected["dtype"]))
        assert list(actual.shape) == expected["shape"], (
            "{}: shape {} != expected {}".format(path, list(actual.shape), expected["shape"]))
        want = np.array(expected["__array__"], dtype=expected["dtype"]).reshape(expected["shape"])
        if actual.dtype.kind in "fc":
            np.testing.assert_allclose(actual, want, rtol=RTOL, atol=ATOL, err_msg=path)
        else:
            np.testing.assert_array_equal(actual, want, err_msg=path)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), (
            f"{path}: expected a dict, got {type(actual).__name__}")
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        assert not missing and not extra, (
            f"{path}: missing keys {missing}, unexpected keys {extra}")
        for key in expected:
            compare(actual[key], expected[key], f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected), (
            f"{path}: expected a {type(expected).__name__}, got {type(actual).__name__}")
        assert len(actual) == len(expected), (
            "%s: length %d != expected %d" % (path, len(actual), len(expected)))
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(a, e, "%s[%d]" % (path, i))
    elif expected is None:
        assert actual is None, f"{path}: expected None, got {actual!r}"
    elif isinstance(expected, bool):
        assert isinstance(actual, (bool, np.bool_)) and bool(actual) == expected, (
            f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, int):
        assert isinstance(actual, int) and not isinstance(actual, bool), (
            f"{path}: expected a Python int, got {type(actual).__name__}")
        assert actual == expected, f"{path}: {actual!r} != expected {expected!r}"
    elif isinstance(expected, float):
        assert isinstance(actual, float), (
            f"{path}: expected a Python float, got {type(actual).__name__}")
        assert (math.isnan(expected) and math.isnan(actual)) or math.isclose(
            actual, expected, rel_tol=RTOL, abs_tol=ATOL), (
            f"{path}: {actual!r} != expected {expected!r}")
    elif isinstance(expected, str):
        assert isinstance(actual, str) and actual == expected, (
            f"{path}: {actual!r} != expected {expected!r}")
    else:  # pragma: no cover - expected.py only holds the types above
        raise TypeError(f"{path}: unsupported expected value {expected!r}")


def test_expected_covers_all_programs():
    expected = load_expected()
    assert sorted(expected) == sorted(PROGRAMS)
    for name in PROGRAMS:
        assert os.path.exists(os.path.join(PROGRAM_DIR, name + ".py"))
        assert len(expected[name]) >= 10


@pytest.mark.parametrize("name", PROGRAMS)
def test_tf1_program(name):
    import graphflow as tf

    tf.reset_default_graph()  # so that default op names are predictable
    namespace = runpy.run_path(os.path.join(PROGRAM_DIR, name + ".py"), run_name="__main__")
    assert "RESULTS" in namespace, f"{name}.py defines no RESULTS"
    compare(namespace["RESULTS"], load_expected()[name], path=f"{name}.RESULTS")


# --- The comparison itself must not pass trivially -------------------------------------

def _arr(values, dtype, shape):
    return {"__array__": values, "dtype": dtype, "shape": shape}


@pytest.mark.parametrize("actual", [
    {"a": np.array([1.0, 2.0], np.float32)},                             # missing key
    {"a": np.array([1.0, 2.0], np.float32), "b": None, "c": 1},          # extra key
    {"a": np.array([1.0, 2.1], np.float32), "b": None},                  # wrong value
    {"a": np.array([1.0, 2.0], np.float64), "b": None},                  # wrong dtype
    {"a": np.array([[1.0, 2.0]], np.float32), "b": None},                # wrong shape
    {"a": [1.0, 2.0], "b": None},                                        # not an array
    {"a": np.array([1.0, 2.0], np.float32), "b": 0},                     # not None
])
def test_compare_rejects_mismatches(actual):
    expected = {"a": _arr([1.0, 2.0], "float32", [2]), "b": None}
    with pytest.raises(AssertionError):
        compare(actual, expected)


def test_compare_rejects_container_and_name_mismatches():
    with pytest.raises(AssertionError):
        compare([1, 2], (1, 2))
    with pytest.raises(AssertionError):
        compare(["add:0"], ["add_1:0"])
    with pytest.raises(AssertionError):
        compare([1], [1, 2])
    with pytest.raises(AssertionError):
        compare(np.int64(3), 3)
    with pytest.raises(AssertionError):
        compare(np.array([1, 2], np.int32), _arr([1, 3], "int32", [2]))
    with pytest.raises(AssertionError):
        compare(np.array([True, False]), _arr([True, True], "bool", [2]))


def test_compare_accepts_equal_values():
    expected = {"x": (_arr(0.1, "float32", []), [None, "n:0", 3, 2.5, True]),
                "y": _arr([[1, 2]], "int64", [1, 2])}
    actual = {"x": (np.float32(0.1), [None, "n:0", 3, 2.5, True]),
              "y": np.array([[1, 2]], np.int64)}
    compare(actual, expected)
    # float32 values are stored with repr, so they are exactly float32 numbers.
    stored = load_expected()["state_assign"]["final"]["b"]["__array__"]
    assert float(np.float32(stored)) == stored
