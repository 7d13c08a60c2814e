"""Every error a user can cause names the node, its dtype/shape and the user's file:line,
carries no NumPy traceback, and leaves the session's variables untouched."""

import pickle
import re

import numpy as np
import pytest

import graphflow as gf

HERE = re.escape(__file__)


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def line_of(marker):
    """The line number in this file of the line that ends with ``# marker``."""
    with open(__file__) as f:
        for i, line in enumerate(f, 1):
            if line.rstrip().endswith(f"# {marker}"):
                return i
    raise AssertionError(marker)


def assert_clean(excinfo):
    """No chained exception (NumPy's or ours) rides along with the error."""
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__ or excinfo.value.__context__ is None
    assert isinstance(excinfo.value, gf.errors.GraphflowError)


def test_broadcast_error_names_op_inputs_and_line():
    a = gf.placeholder(gf.float32, [2, 3], name="a")  # a-line
    b = gf.placeholder(gf.float32, [4], name="b")
    with pytest.raises(gf.errors.ShapeError) as e:
        gf.add(a, b, name="sum")  # add-line
    msg = str(e.value)
    assert "Add op 'sum'" in msg and "(2, 3)" in msg and "(4,)" in msg
    assert f"{__file__}:{line_of('add-line')}" in msg
    assert f"'a:0' (Placeholder, float32, shape (2, 3)), created at {__file__}:{line_of('a-line')}" in msg
    assert isinstance(e.value, ValueError)
    assert_clean(e)


def test_matmul_inner_dims():
    a = gf.placeholder(gf.float32, [2, 3])
    b = gf.placeholder(gf.float32, [4, 5])
    with pytest.raises(gf.errors.ShapeError, match=r"inner dimensions differ.*3 columns.*4 rows") as e:
        gf.matmul(a, b)  # matmul-line
    assert f"{__file__}:{line_of('matmul-line')}" in str(e.value)


def test_concat_and_reshape_sizes():
    a = gf.placeholder(gf.float32, [2, 3])
    b = gf.placeholder(gf.float32, [2, 4])
    with pytest.raises(gf.errors.ShapeError, match="dimension 1 differs") as e:
        gf.concat([a, b], axis=0)  # concat-line
    assert f"{__file__}:{line_of('concat-line')}" in str(e.value)
    with pytest.raises(gf.errors.ShapeError, match=r"cannot reshape a tensor of shape \(2, 3\)") as e:
        gf.reshape(a, [4, 2])  # reshape-line
    assert f"{__file__}:{line_of('reshape-line')}" in str(e.value)


def test_dtype_mismatch_and_unsafe_python_scalar():
    f = gf.placeholder(gf.float32, name="f")
    i = gf.placeholder(gf.int32, name="i")
    with pytest.raises(gf.errors.DTypeError, match=r"float32 \(f:0\), int32 \(i:0\).*gf.cast") as e:
        f + i  # mix-line
    assert f"{__file__}:{line_of('mix-line')}" in str(e.value) and isinstance(e.value, TypeError)
    with pytest.raises(gf.errors.DTypeError, match="int32") as e:
        i + 1.5  # scalar-line
    assert f"{__file__}:{line_of('scalar-line')}" in str(e.value)
    assert (i + 2.0).dtype == gf.int32  # an integral float is safe


def test_missing_feed_names_placeholder_line_and_fetch():
    x = gf.placeholder(gf.float32, [None, 3], name="x")  # x-line
    y = gf.reduce_sum(x * 2, name="total")
    with gf.Session() as sess, pytest.raises(gf.errors.InvalidArgumentError) as e:
        sess.run(y)
    msg = str(e.value)
    assert "'x:0' (Placeholder, float32, shape (?, 3))" in msg
    assert f"{__file__}:{line_of('x-line')}" in msg and "fetch 'total:0'" in msg
    assert_clean(e)


def test_wrong_feed_shape_and_dtype():
    x = gf.placeholder(gf.float32, [None, 3], name="x")  # feed-line
    n = gf.placeholder(gf.int32, [], name="n")
    y = x * gf.cast(n, gf.float32)
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError) as e:
            sess.run(y, {x: np.zeros((2, 4)), n: 1})
        msg = str(e.value)
        assert "shape (2, 4)" in msg and "'x:0'" in msg and "(?, 3)" in msg
        assert f"{__file__}:{line_of('feed-line')}" in msg
        with pytest.raises(gf.errors.DTypeError, match=r"float64 data to 'n:0' .*int32") as e:
            sess.run(y, {x: np.zeros((2, 3)), n: 1.5})
        assert_clean(e)
        with pytest.raises(gf.errors.DTypeError, match="graphflow Tensor"):
            sess.run(y, {x: x, n: 1})


def test_uninitialized_variable():
    v = gf.Variable([1.0, 2.0], name="weights")  # var-line
    with gf.Session() as sess, pytest.raises(gf.errors.FailedPreconditionError) as e:
        sess.run(v * 2)
    msg = str(e.value)
    assert "uninitialized variable 'weights:0'" in msg and "global_variables_initializer" in msg
    assert f"{__file__}:{line_of('var-line')}" in msg and isinstance(e.value, RuntimeError)


def test_fetch_from_another_graph_unknown_name_and_closed_session():
    other = gf.Graph()
    with other.as_default():
        foreign = gf.constant(1.0, name="foreign")
    sess = gf.Session()
    with pytest.raises(gf.errors.InvalidArgumentError, match="'foreign:0'.*another graph"):
        sess.run(foreign)
    with pytest.raises(gf.errors.NotFoundError, match="no operation named 'nothing'"):
        sess.run("nothing:0")
    with pytest.raises(gf.errors.NotFoundError, match="'nothing'"):
        sess.run(gf.constant(1.0), {"nothing:0": 1.0})
    sess.close()
    with pytest.raises(gf.errors.FailedPreconditionError, match="closed"):
        sess.run(gf.constant(1.0))


def test_runtime_failure_names_op_and_line_without_numpy_traceback():
    params = gf.constant([1.0, 2.0, 3.0])
    idx = gf.placeholder(gf.int32, [None], name="idx")
    picked = gf.gather(params, idx, name="pick")  # gather-line
    with gf.Session() as sess, pytest.raises(gf.errors.InvalidArgumentError) as e:
        sess.run(picked, {idx: [0, 7]})
    msg = str(e.value)
    assert "GatherV2 op 'pick' failed" in msg and "7" in msg
    assert f"{__file__}:{line_of('gather-line')}" in msg
    assert_clean(e)


def test_dynamic_reshape_failure_at_run_time():
    x = gf.placeholder(gf.float32, [None, 4], name="x")
    y = gf.reshape(x, [-1, 3])  # dyn-reshape-line
    with gf.Session() as sess, pytest.raises(gf.errors.InvalidArgumentError) as e:
        sess.run(y, {x: np.zeros((2, 4))})
    assert f"{__file__}:{line_of('dyn-reshape-line')}" in str(e.value)
    assert_clean(e)


def test_failed_run_leaves_variables_unchanged():
    v = gf.Variable([1.0, 2.0], name="v")
    w = gf.Variable(10.0, name="w")
    x = gf.placeholder(gf.float32, [None], name="x")
    step_w = w.assign_add(1.0)
    with gf.control_dependencies([step_w]):
        bad = v.assign(v + gf.reshape(x, [2]))  # fails for a feed of 3 elements
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        with pytest.raises(gf.errors.InvalidArgumentError):
            sess.run([bad, step_w], {x: [1.0, 2.0, 3.0]})
        assert sess.run(w) == 10.0  # the assign_add that ran first was rolled back
        np.testing.assert_array_equal(sess.run(v), [1, 2])
        sess.run(bad, {x: [1.0, 1.0]})
        np.testing.assert_array_equal(sess.run(v), [2, 3])
        assert sess.run(w) == 11.0


def test_assign_shape_checked_at_run_time():
    v = gf.Variable(np.zeros(2, np.float32), name="v")
    x = gf.placeholder(gf.float32, [None])
    op = v.assign(x)  # assign-line
    with gf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(gf.errors.InvalidArgumentError, match=r"'v:0'.*shape \(3,\)") as e:
            sess.run(op, {x: [1.0, 2.0, 3.0]})
        assert f"{__file__}:{line_of('assign-line')}" in str(e.value)
        np.testing.assert_array_equal(sess.run(v), [0, 0])


def test_unknown_backend():
    with pytest.raises(gf.errors.InvalidArgumentError, match="unknown backend 'tpu'"):
        gf.Session(backend="tpu")


def test_traceback_ends_at_the_users_line():
    """Only the API boundary's own frame of graphflow stays in the traceback."""
    import os
    import traceback

    package = os.path.dirname(gf.__file__)
    a = gf.placeholder(gf.float32, [2, 3])
    x = gf.placeholder(gf.float32, [None, 3])
    attempts = [lambda: a + gf.placeholder(gf.float32, [4]),
                lambda: gf.nn.softmax(a, axis=5),
                lambda: gf.Session().run(x * 2, {x: [[1.0]]}),
                lambda: gf.Session().run(gf.Variable(1.0) + 1),
                lambda: gf.Session(backend="tpu")]
    for attempt in attempts:
        with pytest.raises(gf.errors.GraphflowError) as e:
            attempt()
        frames = traceback.extract_tb(e.value.__traceback__)
        internal = [f.filename for f in frames if f.filename.startswith(package)]
        assert internal == [os.path.join(package, "errors.py")], internal
        assert frames[-2].filename == __file__
    call = gf.Session().make_callable(x * 2, [x])  # re-raises itself, one frame less to pay
    with pytest.raises(gf.errors.GraphflowError) as e:
        call([[1.0]])
    frames = traceback.extract_tb(e.value.__traceback__)
    assert [f.filename for f in frames if f.filename.startswith(package)] == [
        os.path.join(package, "session_run.py")]
    assert frames[-2].filename == __file__


def test_a_failing_fused_kernel_names_its_ops_and_lines():
    x = gf.placeholder(gf.float32, [None, 3], name="x")
    y = gf.placeholder(gf.float32, [None, 3], name="y")
    z = gf.tanh(x + y)  # fused-line
    with gf.Session() as sess, pytest.raises(gf.errors.InvalidArgumentError) as e:
        sess.run(z, {x: np.zeros((2, 3)), y: np.zeros((4, 3))})
    msg = str(e.value)
    assert "Add 'add'" in msg and "Tanh 'Tanh'" in msg and "(2, 3)" in msg and "(4, 3)" in msg
    assert f"{__file__}:{line_of('fused-line')}" in msg
    assert_clean(e)


def test_a_mirror_padding_wider_than_the_axis_names_the_pad():
    x = gf.placeholder(gf.float32, [None])
    y = gf.pad(x, [[3, 0]], mode="REFLECT")
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1, 2, 3, 4]}), [4, 3, 2, 1, 2, 3, 4])
        with pytest.raises(gf.errors.InvalidArgumentError, match="Pad.*REFLECT padding of"):
            sess.run(y, {x: [1, 2, 3]})


def test_gather_with_batch_dims_checks_the_batch_sizes():
    params = np.zeros((2, 3, 5), np.float32)
    with pytest.raises(gf.errors.InvalidArgumentError, match="batch axes of params"):
        gf.gather(params, np.zeros((3, 2, 1), np.int32), axis=2, batch_dims=2)
    p = gf.placeholder(gf.float32, [None, None, 5])
    i = gf.placeholder(gf.int32, [None, None, 1])
    y = gf.gather(p, i, batch_dims=2)
    assert y.shape.as_list() == [None, None, 1]
    with gf.Session() as sess:
        assert sess.run(y, {p: params, i: np.zeros((2, 3, 1), np.int32)}).shape == (2, 3, 1)
        with pytest.raises(gf.errors.InvalidArgumentError, match="batch size of indices"):
            sess.run(y, {p: params, i: np.zeros((3, 2, 1), np.int32)})  # same product


# -- TF1's error classes ----------------------------------------------------------------------

TF1_ERRORS = {  # class: (TF1's code, the builtin it also is)
    "CancelledError": (1, RuntimeError), "UnknownError": (2, RuntimeError),
    "InvalidArgumentError": (3, ValueError), "DeadlineExceededError": (4, TimeoutError),
    "NotFoundError": (5, KeyError), "AlreadyExistsError": (6, FileExistsError),
    "PermissionDeniedError": (7, PermissionError), "UnauthenticatedError": (16, PermissionError),
    "ResourceExhaustedError": (8, MemoryError), "FailedPreconditionError": (9, RuntimeError),
    "AbortedError": (10, RuntimeError), "OutOfRangeError": (11, IndexError),
    "UnimplementedError": (12, NotImplementedError), "InternalError": (13, RuntimeError),
    "UnavailableError": (14, ConnectionError), "DataLossError": (15, OSError),
}


@pytest.mark.parametrize("name", sorted(TF1_ERRORS))
def test_every_tf1_error_class_takes_both_signatures(name):
    cls = getattr(gf.errors, name)
    code, builtin = TF1_ERRORS[name]
    assert cls.error_code == code
    assert issubclass(cls, gf.errors.OpError) and issubclass(cls, builtin)
    assert gf.errors.exception_type_from_error_code(code) is cls
    assert gf.errors.error_code_from_exception_type(cls) == code
    x = gf.placeholder(gf.float32, name="x")
    tf1 = cls(None, x.op, "from TF1's three arguments")  # (node_def, op, message)
    ours = cls("from graphflow's", x)
    assert (str(tf1), tf1.message, tf1.node, tf1.op) == (
        "from TF1's three arguments", "from TF1's three arguments", x.op, x.op)
    assert (str(ours), ours.node, ours.op) == ("from graphflow's", x, x.op)
    assert tf1.node_def.name == "x" and tf1.node_def.op == "Placeholder"
    with pytest.raises(builtin, match="done"):
        raise cls(None, None, "done")
    copy = pickle.loads(pickle.dumps(cls(None, None, "pickled")))
    assert type(copy) is cls and copy.message == "pickled"


def test_an_error_naming_a_node_can_be_pickled_and_copied():
    # it could not (the node's graph holds locks and lambdas): multiprocessing workers that
    # hit a run error could not send it back, and copy.deepcopy failed
    import copy

    x = gf.placeholder(gf.float32, [2], name="x")
    y = gf.gather(x, [5])
    with gf.Session(backend="numpy") as sess, pytest.raises(gf.errors.OpError) as caught:
        sess.run(y, {x: [1.0, 2.0]})
    error = caught.value
    assert error.op is y.op
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert type(again) is type(error) and str(again) == str(error)
        assert again.error_code == error.error_code and again.op is None
        assert again.node_def.name == y.op.name and again.node_def.op == "GatherV2"
    coded = pickle.loads(pickle.dumps(gf.errors.OpError(None, None, "m", gf.errors.ABORTED)))
    assert coded.error_code == gf.errors.ABORTED


def test_op_error_takes_tf1s_code_and_the_codes_are_tf1s():
    assert gf.errors.OpError is gf.errors.GraphflowError
    assert gf.errors.OpError(None, None, "m", gf.errors.ABORTED).error_code == 10
    assert gf.errors.OpError("m").error_code == gf.errors.UNKNOWN
    # a subclass keeps its own code whatever a fourth argument says (as TF1's)
    assert gf.errors.InvalidArgumentError(None, None, "m", 7).error_code == 3
    assert gf.errors.ShapeError("m").error_code == gf.errors.INVALID_ARGUMENT
    assert gf.errors.error_code_from_exception_type(gf.errors.ShapeError) == 3
    assert gf.errors.error_code_from_exception_type(ValueError) == gf.errors.UNKNOWN
    assert (gf.errors.OK, gf.errors.DATA_LOSS, gf.errors.UNAUTHENTICATED) == (0, 15, 16)
    with pytest.raises(gf.errors.NotFoundError, match="99 is not an error code"):
        gf.errors.exception_type_from_error_code(99)
    with pytest.raises(TypeError, match="unexpected arguments"):
        gf.errors.NotFoundError("m", colour="red")
    e = gf.errors.NotFoundError(message="keyword", node_def="nd")
    assert (e.message, e.node_def, e.op) == ("keyword", "nd", None)


def test_existing_errors_keep_their_behaviour():
    e = gf.errors.NotFoundError("no such name")
    assert str(e) == "no such name" and isinstance(e, KeyError)  # not KeyError's repr quoting
    assert issubclass(gf.errors.ShapeError, ValueError)
    assert issubclass(gf.errors.DTypeError, TypeError)
    with pytest.raises(gf.errors.OutOfRangeError):
        try:
            raise gf.errors.OutOfRangeError(None, None, "end of input")
        except gf.errors.CancelledError:  # a sibling does not catch it
            pytest.fail("caught by the wrong class")
