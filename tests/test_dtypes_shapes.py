"""DType conversion rules, TensorShape with None dims, broadcasting, static values."""

import os
import runpy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphflow as gf
from graphflow import dtypes
from graphflow.ops.base import static_value
from graphflow.shapes import TensorShape, broadcast_shapes


def test_dtype_objects_convert_both_ways():
    assert gf.as_dtype(np.float32) is gf.float32 and gf.as_dtype("int64") is gf.int64
    assert gf.as_dtype(np.dtype("bool")) is gf.bool and gf.as_dtype(float) is gf.float32
    assert gf.float32.as_numpy_dtype is np.float32 and gf.uint8.np == np.dtype(np.uint8)
    assert gf.float64 == np.float64 and gf.float64 != gf.float32 and gf.int32 != "nonsense"
    assert gf.int32.is_integer and gf.float16.is_floating and gf.bool.is_bool
    assert (gf.uint8.min, gf.uint8.max) == (0, 255)
    with pytest.raises(TypeError, match="no dtype 'complex64'"):
        gf.as_dtype(np.complex64)


TF1_AS_DTYPE = runpy.run_path(
    os.path.join(os.path.dirname(__file__), "tf1_programs", "dtypes_expected.py"))["TF1_AS_DTYPE"]


@pytest.mark.parametrize("spelling", list(TF1_AS_DTYPE))
def test_every_dtype_spelling_reads_as_in_tf1(spelling):
    """``as_dtype`` against TensorFlow's own answer for each spelling (make_dtypes_expected.py):
    the same dtype, or a DTypeError where TF refuses it or graphflow lacks the dtype."""
    value, want = eval(spelling, {"np": np}), TF1_AS_DTYPE[spelling]
    if want is not None and want.removesuffix("_ref") in gf.dtypes._BY_NAME:
        assert gf.as_dtype(value).name == want.removesuffix("_ref")
    else:
        with pytest.raises(gf.errors.DTypeError, match="no dtype" if want else "cannot interpret"):
            gf.as_dtype(value)


def test_dtype_strings_reach_every_op_that_takes_a_dtype():
    """TF1 programs write "float" for float32 everywhere a dtype goes."""
    x = gf.placeholder("float", [None, 3])
    assert x.dtype is gf.float32
    assert gf.cast(gf.constant([1, 2]), "float").dtype is gf.float32
    assert gf.zeros([2], "double").dtype is gf.float64
    assert gf.constant(1.0, dtype="half").dtype is gf.float16
    assert gf.Variable(gf.ones([2], "float")).dtype is gf.float32
    assert gf.random_normal([2], dtype="float").dtype is gf.float32
    assert gf.get_variable("v_float", [2], dtype="float").dtype is gf.float32
    assert gf.argmax(x, 1, output_type="int32").dtype is gf.int32
    assert gf.float32 == "float" and gf.float64 == "double" and gf.float32 != "f4"
    assert gf.as_dtype(1) is gf.float32 and gf.float32.as_datatype_enum == 1


@pytest.mark.parametrize("value, dtype", [
    (1.5, gf.float32), (1, gf.int32), (2**40, gf.int64), (True, gf.bool),
    ([[1, 2], [3, 4]], gf.int32), ([1, 2.5], gf.float32), (np.zeros(2), gf.float64),
    (np.float64(1), gf.float64), (np.arange(3, dtype=np.uint8), gf.uint8),
])
def test_tf1_default_dtypes(value, dtype):
    assert dtypes.infer_dtype(value) is dtype
    assert gf.constant(value).dtype is dtype


@pytest.mark.parametrize("value, dtype, ok", [
    (1.0, gf.int32, True), (1.5, gf.int32, False), (300, gf.uint8, False), (-1, gf.uint8, False),
    (np.float64(0.1), gf.float32, True), (np.int64(5), gf.int32, True), (2**40, gf.int32, False),
    (True, gf.float32, True), (0.5, gf.bool, False), (np.nan, gf.float32, True),
    (np.array([1.0, np.nan]), gf.int32, False),
])
def test_safe_conversion(value, dtype, ok):
    if ok:
        assert dtypes.convert_value(value, dtype).dtype == dtype.np
    else:
        with pytest.raises(TypeError):
            dtypes.convert_value(value, dtype)


def test_tensor_shape_basics():
    s = TensorShape([None, 3])
    assert s.as_list() == [None, 3] and s.ndims == 2 and s[1] == 3 and s[0] is None
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert s.merge_with([5, None]) == TensorShape([5, 3])
    assert not s.is_fully_defined() and TensorShape([2, 3]).num_elements() == 6
    assert str(s) == "(?, 3)" and str(TensorShape([4])) == "(4,)"
    unknown = TensorShape(None)
    assert unknown.ndims is None and unknown.is_compatible_with([1, 2, 3])
    with pytest.raises(ValueError):
        unknown.as_list()


dims = st.one_of(st.none(), st.integers(0, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(dims, max_size=4), st.lists(dims, max_size=4))
def test_static_broadcast_agrees_with_numpy(a, b):
    """Whatever the unknown dims turn out to be, the static result is compatible."""
    concrete = np.random.default_rng(0)
    try:
        static = broadcast_shapes(TensorShape(a), TensorShape(b))
    except ValueError:
        # a static error must mean that no choice of the unknown dims broadcasts
        with pytest.raises(ValueError):
            np.broadcast_shapes(tuple(1 if d is None else d for d in a),
                                tuple(1 if d is None else d for d in b))
        return
    for _ in range(5):
        ca = tuple(concrete.choice([1, 2]) if d is None else d for d in a)
        cb = tuple(concrete.choice([1, 2]) if d is None else d for d in b)
        try:
            runtime = np.broadcast_shapes(ca, cb)
        except ValueError:
            continue
        assert static.is_compatible_with(runtime)


def test_static_values_give_static_shapes():
    gf.reset_default_graph()
    x = gf.placeholder(gf.float32, [2, 6])
    y = gf.placeholder(gf.float32, [None, 6])
    assert gf.reshape(x, gf.shape(x)[::-1]).shape.as_list() == [6, 2]
    assert gf.reshape(y, gf.shape(y)[::-1]).shape.as_list() == [6, None]  # (TF1 fails here)
    assert gf.reshape(x, [3, -1]).shape.as_list() == [3, 4]
    assert gf.reshape(y, [-1, 3]).shape.as_list() == [None, 3]
    assert gf.fill(gf.stack([2, 3]), 1.0).shape.as_list() == [2, 3]
    assert gf.zeros(gf.shape(x)).shape.as_list() == [2, 6]
    assert static_value(gf.size(x)) == 12 and static_value(gf.shape(y)) is None
    assert static_value(gf.constant([1, 2]) * 3).tolist() == [3, 6]


def test_shape_vectors_built_from_shape_elements_keep_their_known_dims():
    """TF1's constant_value_as_shape: a shape put together from ``tf.shape(x)[0]`` and
    constants keeps the constants as static dims (they said ``(?, ?)``, so a dense layer
    after ``tf.reshape(x, [tf.shape(x)[0], 784])`` failed to build, and ``tf.zeros([batch,
    hidden])``, an RNN's first state, had no static width). Numbers from TF 2.21's v1 graph."""
    gf.reset_default_graph()
    x = gf.placeholder(gf.float32, [None, 28, 28])
    y = gf.placeholder(gf.float32, [None, 6])
    batch = gf.shape(x)[0]
    shapes = [gf.zeros(gf.stack([batch, 10])), gf.reshape(x, gf.stack([batch, 784])),
              gf.random_normal(gf.stack([batch, 5])), gf.fill(gf.stack([batch, 3]), 1.0),
              gf.reshape(x, [batch, 784]), gf.zeros([batch, 7]),
              gf.ones(gf.concat([gf.shape(x)[:1], [4]], 0)),
              gf.reshape(x, gf.concat([[-1], [784]], 0)), gf.reshape(x, [batch, -1]),
              gf.reshape(y, gf.gather(gf.shape(y), [1, 0])), gf.zeros(gf.shape(y)[1:]),
              gf.reshape(y, gf.expand_dims(gf.shape(y)[1], 0))]
    assert [t.shape.as_list() for t in shapes] == [
        [None, 10], [None, 784], [None, 5], [None, 3], [None, 784], [None, 7], [None, 4],
        [None, 784], [None, None], [None, None], [6], [6]]
    assert gf.layers.dense(gf.reshape(x, [batch, 784]), 3).shape.as_list() == [None, 3]
    # never more than TF1 knows: it does not read gathers, reshapes or identities
    i = gf.placeholder(gf.int32, [2])
    assert gf.zeros(gf.gather(gf.stack([batch, 7]), i)).shape.as_list() == [None, None]
    s = gf.shape(gf.placeholder(gf.float32, [None, 6, None, 4]))
    assert [gf.zeros(v).shape.as_list() for v in (
        gf.stack([s[1], 2]), gf.stack([s[0], s[3]]), gf.gather(s, [1, 3]), s[1:3],
        gf.expand_dims(s[1], 0), gf.reshape(s[1:2], [1]), gf.identity(s),
        gf.concat([s[:1], gf.stack([s[3], 7])], 0), s * 1)] == [
        [6, 2], [None, 4], [None, None], [6, None], [6], [None], [None] * 4,
        [None, 4, 7], [None] * 4]
    with gf.Session() as sess:
        values = sess.run(shapes + [gf.zeros(gf.gather(gf.stack([batch, 7]), i))],
                          {x: np.zeros((2, 28, 28)), y: np.zeros((1, 6)), i: [1, 1]})
    assert [v.shape for v in values] == [
        (2, 10), (2, 784), (2, 5), (2, 3), (2, 784), (2, 7), (2, 4), (2, 784), (2, 784),
        (6, 1), (6,), (6,), (7, 7)]


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_strings_are_host_values_of_bytes(backend):
    """The first TF1 program prints a string constant: strings are fed and fetched as bytes
    (TF1's values); ``+`` concatenates them (TF1's Add), no other arithmetic takes them."""
    hello = gf.constant("Hello, TensorFlow!")
    words = gf.placeholder("string", [None])
    assert hello.dtype is gf.string and gf.constant([["a", b"b"]]).shape == (1, 2)
    with gf.Session(backend=backend) as sess:
        assert sess.run(hello) == b"Hello, TensorFlow!"
        got = sess.run(words, {words: np.array(["a", "bc"])})
        assert got.dtype == object and got.tolist() == [b"a", b"bc"]
        with pytest.raises(gf.errors.DTypeError, match="cannot convert int 1 to a string"):
            sess.run(words, {words: [1, 2]})
        assert sess.run(words + "!", {words: ["a", "bc"]}).tolist() == [b"a!", b"bc!"]
        assert sess.run(gf.constant("ab") + ["c", "d"]).tolist() == [b"abc", b"abd"]
    with pytest.raises(gf.errors.DTypeError, match="Mul needs a floating or integer tensor"):
        hello * hello
    with pytest.raises(gf.errors.DTypeError):
        gf.constant(["a"], dtype=gf.float32)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_strings_fed_and_fetched_in_every_form(backend):
    """An object array fed as strings is converted like any other (str to UTF-8 bytes,
    numbers refused), also through make_callable; one string fetched twice is two values."""
    words = gf.placeholder(gf.string, [None])
    joined = gf.reshape(words, [-1, 1])
    hello = gf.constant("héllo")
    mixed = gf.constant([b"\xff", "a"])  # NumPy cannot make one text array of these
    with gf.Session(backend=backend) as sess:
        assert sess.run(mixed).tolist() == [b"\xff", b"a"]
        got = sess.run(joined, {words: np.array(["a", b"b"], dtype=object)})
        assert got.tolist() == [[b"a"], [b"b"]]
        assert sess.make_callable(joined, [words])(np.array(["é"], dtype=object)).tolist() == [
            ["é".encode()]]
        with pytest.raises(gf.errors.DTypeError, match="cannot convert int 1 to a string"):
            sess.run(joined, {words: np.array([1, "a"], dtype=object)})
        assert sess.run({"a": [hello, (hello, words)]}, {words: ["z"]})["a"][:1] == [
            "héllo".encode()]
        assert sess.run([hello, hello]) == ["héllo".encode()] * 2


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_strings_through_identity_where_and_pad(backend):
    """The host ops that only move strings take them on every backend and size: identity,
    stop_gradient, where (a fused kernel cannot hold Python objects, so string ops stay out
    of fusion), and pad, whose zero for strings is b"" as in TF1."""
    n = 1 << 17  # past the size where one elementwise op becomes a compiled kernel
    words = gf.placeholder(gf.string, [None])
    keep = gf.placeholder(gf.bool, [None])
    fed = {words: np.array(["a", "b"] * (n // 2)), keep: np.arange(n) % 2 == 0}
    picked = gf.where(keep, gf.identity(words), gf.stop_gradient(words))
    twice = gf.where(keep, gf.where(keep, words, words), words)
    with gf.Session(backend=backend) as sess:
        assert sess.run(picked, fed)[:3].tolist() == [b"a", b"b", b"a"]
        assert sess.run(twice, fed)[-2:].tolist() == [b"a", b"b"]
        assert sess.run(gf.pad(gf.constant(["a"]), [[1, 1]])).tolist() == [b"", b"a", b""]
        assert sess.run(gf.pad(gf.constant(["a"]), [[1, 0]], constant_values="x")).tolist() == [
            b"x", b"a"]
    with pytest.raises(gf.errors.DTypeError, match="ZerosLike needs"):
        gf.zeros_like(words)  # np.zeros_like would give int 0s, not b""
    for x, dtype in ((gf.constant(["1.5"]), gf.float32), (gf.constant([1]), gf.string)):
        with pytest.raises(gf.errors.DTypeError, match="Cast cannot convert"):
            gf.cast(x, dtype)  # NumPy parsed "1.5" as 1.5 and boxed 1 as an object


def test_pad_values_take_the_tensors_dtype():
    """TF1 converts constant_values to the padded tensor's dtype: 1.7 does not pad ints (it
    padded with 1), 2 is no bool."""
    with gf.Session(backend="numpy") as sess:
        assert sess.run(gf.pad(gf.constant([1.5]), [[1, 0]], constant_values=2)).tolist() == [
            2.0, 1.5]
    for tensor, value in ((gf.constant([1, 2]), 1.7), (gf.constant([True]), 2),
                          (gf.constant([1.0]), "x")):
        with pytest.raises(gf.errors.DTypeError, match="pad's constant_values"):
            gf.pad(tensor, [[1, 0]], constant_values=value)


def test_one_hot_takes_its_dtype_from_its_values_as_tf1():
    """TF1's one_hot: dtype, else on_value's or off_value's, else float32 (TensorFlow 2.21's
    compat.v1 answers below); values that do not have it are refused. graphflow made every
    one float32 unless dtype was given, and truncated 1.5 into an int32 dtype."""
    cases = [(dict(on_value=5, off_value=0), gf.int32, [[5, 0], [0, 5]]),
             (dict(off_value=-1), gf.int32, [[1, -1], [-1, 1]]),
             (dict(on_value=1.5), gf.float32, [[1.5, 0.0], [0.0, 1.5]]),
             (dict(on_value=5, dtype=gf.float32), gf.float32, [[5.0, 0.0], [0.0, 5.0]]),
             (dict(on_value=True, off_value=False), gf.bool, [[True, False], [False, True]]),
             (dict(on_value="a", off_value="b"), gf.string, [[b"a", b"b"], [b"b", b"a"]]),
             (dict(on_value=np.int64(3)), gf.int64, [[3, 0], [0, 3]]),
             (dict(on_value=gf.constant(2), off_value=0), gf.int32, [[2, 0], [0, 2]])]
    with gf.Session() as sess:
        for kwargs, dtype, want in cases:
            hot = gf.one_hot([0, 1], 2, **kwargs)
            assert hot.dtype is dtype and sess.run(hot).tolist() == want, kwargs
    for kwargs in (dict(on_value=1.5, dtype=gf.int32), dict(on_value=5, off_value=0.5),
                   dict(on_value="a")):
        with pytest.raises(gf.errors.DTypeError, match="one_hot"):
            gf.one_hot([0, 1], 2, **kwargs)


def test_dtype_attributes_tf1_programs_read():
    """TensorFlow 2.21's compat.v1 answers: string's NumPy type is Python's object, no dtype
    here is complex or quantized, bool and string have no min/max (a TypeError, not NumPy's
    ValueError from iinfo)."""
    assert gf.string.as_numpy_dtype is object and gf.float32.as_numpy_dtype is np.float32
    assert not gf.float32.is_complex and not gf.int8.is_quantized
    assert gf.float64.real_dtype is gf.float64 and gf.string.is_numpy_compatible
    assert gf.float16.min == np.float16(-65504) and gf.uint8.max == 255
    for dtype in (gf.bool, gf.string):
        with pytest.raises(TypeError, match="no minimum or maximum"):
            dtype.min  # noqa: B018
