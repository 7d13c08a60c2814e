"""Bad indices and blocks on the CPU backends: every index-taking op raises TF1's error,
naming the op and the user's line, or behaves as TF1 does; none wraps a negative index
or reads outside its input. (The CUDA backend's cases: tests/cuda/test_cuda_bad_inputs.py.)"""

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numpy", "numba"]
X = np.arange(6, dtype=np.float32).reshape(3, 2)


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def _line_of(text):
    """This file's line that holds ``text`` (errors must point at the user's line)."""
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if text in line)


@pytest.mark.parametrize("begin, size, message", [
    ([0, 0], [5, 2], r"Expected size\[0\] in \[0, 3\], but got 5"),
    ([1, 0], [3, -1], r"Expected size\[0\] in \[0, 2\], but got 3"),
    ([4, 0], [-1, 2], r"Expected begin\[0\] in \[0, 3\], but got 4"),
    ([-1, 0], [1, 2], r"Expected begin\[0\] in \[0, 3\], but got -1"),
    ([0, 1], [1, -2], r"Expected size\[1\] in \[0, 1\], but got -2"),
    ([0], [1], r"1-D tensors of size 2, but got shapes \[1\] and \[1\]"),
])
def test_slice_that_does_not_fit_known_dims_fails_while_building(begin, size, message):
    x = gf.constant(X)
    with pytest.raises(gf.errors.InvalidArgumentError, match=message) as e:
        gf.slice(x, begin, size)  # the block's line
    assert f"test_bad_inputs.py:{_line_of('# the block' + chr(39) + 's line')}" in str(e.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_slice_of_dims_known_when_run_fails_the_run_then_runs_on(backend):
    p = gf.placeholder(gf.float32, [None, 2])
    block = gf.slice(p, [1, 0], [2, -1])  # the run-time block
    unknown = gf.placeholder(gf.float32)
    whole = gf.slice(unknown, [0, 1], [-1, 1])
    with gf.Session(backend=backend) as sess:
        for _ in range(3):  # the numba backend replays from the third run
            np.testing.assert_array_equal(sess.run(block, {p: X}), X[1:3])
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"'Slice/CheckSlice' failed at run time: Expected size\[0\] "
                                 r"in \[0, 1\], but got 2") as e:
            sess.run(block, {p: X[:2]})
        assert f":{_line_of('# the run-time block')}:" in str(e.value)
        np.testing.assert_array_equal(sess.run(block, {p: X}), X[1:3])
        np.testing.assert_array_equal(sess.run(whole, {unknown: X}), X[:, 1:])
        with pytest.raises(gf.errors.InvalidArgumentError, match=r"size 3, but got shapes \[2\]"):
            sess.run(whole, {unknown: X[None]})
        with pytest.raises(gf.errors.InvalidArgumentError, match=r"begin\[1\] in \[0, 0\]"):
            sess.run(whole, {unknown: np.zeros((3, 0), np.float32)})
        # indexing keeps NumPy's (and TF1's strided_slice's) clamping
        np.testing.assert_array_equal(sess.run(p[1:10, -5:], {p: X}), X[1:10, -5:])
    assert block.op.name == "Slice" and block.shape.as_list() == [2, 2]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad", [[0, -1], [3, 0]])
def test_a_run_time_index_tensor_is_gathers_and_refuses_what_gather_refuses(backend, bad):
    idx = gf.placeholder(gf.int32, [None])
    rows = gf.constant(X)[idx]  # the gathered rows
    with gf.Session(backend=backend) as sess:
        np.testing.assert_array_equal(sess.run(rows, {idx: [2, 0]}), X[[2, 0]])
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=rf"gather index {bad[0] if bad[0] else bad[1]} is not in "
                                 r"\[0, 3\)") as e:
            sess.run(rows, {idx: bad})
        assert f":{_line_of('# the gathered rows')}:" in str(e.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_known_indices_and_a_scalar_tensor_count_from_the_end_as_numpy(backend):
    p = gf.placeholder(gf.float32, [None, 2])
    i = gf.placeholder(gf.int32, [])
    known = gf.constant(X)[[0, -1]]
    late = p[gf.constant([-1, 0])]  # the length is known only when run
    scalar = p[i]  # TF1's x[t], a strided slice: -1 is the last row
    with gf.Session(backend=backend) as sess:
        got = sess.run([known, late, scalar], {p: X, i: -1})
    for value, want in zip(got, (X[[0, -1]], X[[-1, 0]], X[-1])):
        np.testing.assert_array_equal(value, want)
    with pytest.raises(gf.errors.InvalidArgumentError, match="index 3 is out of bounds") as e:
        gf.constant(X)[[0, 3]]  # the static index
    assert f":{_line_of('# the static index')}:" in str(e.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_index_taking_op_refuses_a_bad_index_its_gradient_alone_too(backend):
    """gather, gather_nd, scatter_nd, sparse_to_dense and embedding_lookup refuse a
    negative or too large index (TF1's CPU kernels); one_hot gives a row of zeros. The
    gradient of gather is a scatter-add at its indices: fetched without the gather itself,
    it must refuse them too, not add into the row NumPy's -1 wraps to."""
    i = gf.placeholder(gf.int32, [None])
    rows = gf.placeholder(gf.int32, [None, 1])
    x = gf.Variable(X)
    one = gf.placeholder(gf.int32, [1])
    (grad,) = gf.gradients(gf.reduce_sum(gf.gather(x, one)), [x])
    refused = {
        "gather gradient": grad, "gather": gf.gather(x, i), "gather axis 1": gf.gather(x, i, 1),
        "gather_nd": gf.gather_nd(x, rows), "scatter_nd": gf.scatter_nd(rows, [1.0], [3]),
        "sparse_to_dense": gf.sparse_to_dense(i, [3], 1.0),
        "embedding_lookup": gf.nn.embedding_lookup(x, i),
        "embedding_lookup mod": gf.nn.embedding_lookup([x, x], i),
        "embedding_lookup div": gf.nn.embedding_lookup([x, x], i, partition_strategy="div"),
    }
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(grad, {one: [1]}), [[0, 0], [1, 1], [0, 0]])
        for what, t in refused.items():
            for bad in (-1, 7):
                with pytest.raises(gf.errors.InvalidArgumentError,
                                   match="is not in|outside the valid|does not index|is out "
                                         "of bounds") as e:
                    sess.run(t, {i: [bad], rows: [[bad]], one: [bad]})
                    pytest.fail(f"{what} took {bad}")
                assert "test_bad_inputs.py" in str(e.value), what
        np.testing.assert_array_equal(sess.run(gf.one_hot(i, 3), {i: [-1, 3, 1]}),
                                      [[0, 0, 0], [0, 0, 0], [0, 1, 0]])


# -- checkpoints ----------------------------------------------------------------------------

def test_an_empty_save_path_is_refused_and_writes_nothing(tmp_path, monkeypatch):
    """It wrote '.npz' in the working directory and its index into the parent."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    gf.Variable(np.ones(2, np.float32))
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        for empty in ("", ".npz"):
            with pytest.raises(gf.errors.InvalidArgumentError, match="empty save_path") as e:
                gf.train.Saver().save(sess, empty)  # the empty save
            assert f":{_line_of('# the empty save')}:" in str(e.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["work"]


def test_a_corrupt_checkpoint_index_is_a_data_loss_error_naming_it(tmp_path):
    (tmp_path / "checkpoint").write_bytes(b'{"model_checkpoint_path": "m\xd7\xff"}\n')
    for read in (gf.train.latest_checkpoint, gf.train.get_checkpoint_state):
        with pytest.raises(gf.errors.DataLossError, match=r"checkpoint index .*checkpoint'"):
            read(str(tmp_path))


# -- sizes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_huge_range_builds_without_making_it_and_fails_its_run_as_out_of_memory(backend):
    """range(2**47) raised a raw MemoryError while building: its length was found by
    making it (1 PiB), as was any static value asked of it."""
    r = gf.range(gf.constant(2**47, gf.int64))
    first = r[:3]  # the huge range's use
    assert r.shape.as_list() == [2**47] and first.shape.as_list() == [3]
    assert gf.range(0.5, 2.0**47).shape.as_list() == [2**47]
    small = np.arange(*np.array([1.0, 0.7, -0.1], np.float32))  # NumPy's rounding, float32
    assert gf.range(1.0, 0.7, -0.1).shape.as_list() == [len(small)]
    with pytest.raises(gf.errors.InvalidArgumentError, match="no finite length"):
        gf.range(0.0, np.inf)
    with gf.Session(backend=backend) as sess:
        with pytest.raises(gf.errors.ResourceExhaustedError, match="'range' failed") as e:
            sess.run(first)
    assert "test_bad_inputs.py" in str(e.value)
