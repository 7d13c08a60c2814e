"""gf.train.Saver: round trips, the index, max_to_keep, and errors that change nothing."""

import json
import os
import zipfile

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors
from graphflow.train import saver as saver_module

BACKENDS = ["numpy", "numba"]


@pytest.fixture
def graph():
    g = gf.Graph()
    with g.as_default():
        yield g


def _model():
    kernel = gf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="dense/kernel")
    bias = gf.Variable(np.array([0.5, -1.5, 2.0]), name="dense/bias")  # float64
    step = gf.Variable(0, trainable=False, name="global_step")
    return kernel, bias, step


def _files(directory):
    return sorted(os.listdir(directory))


def _index(directory):
    with open(directory / "checkpoint") as f:
        return json.load(f)


@pytest.mark.parametrize("backend", BACKENDS)
def test_round_trip_replaces_values_without_running_the_initializer(graph, tmp_path, backend):
    kernel, bias, step = _model()
    saver = gf.train.Saver()
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(step.assign(42))
        path = saver.save(sess, str(tmp_path / "model"), global_step=step)
    assert path == str(tmp_path / "model-42")
    assert gf.train.latest_checkpoint(str(tmp_path)) == path

    with gf.Session(backend=backend) as sess:
        saver.restore(sess, path)  # no initializer has run in this session
        k, b, s = sess.run([kernel, bias, step])
        np.testing.assert_array_equal(k, np.arange(6, dtype=np.float32).reshape(2, 3))
        np.testing.assert_array_equal(b, [0.5, -1.5, 2.0])
        assert b.dtype == np.float64 and s == 42

        sess.run(gf.global_variables_initializer())
        sess.run(kernel.assign(-np.ones((2, 3), np.float32)))
        saver.restore(sess, path)  # an initialized, changed variable is replaced
        np.testing.assert_array_equal(sess.run(kernel), np.arange(6).reshape(2, 3))


def test_file_format_is_plain_numpy_with_metadata(graph, tmp_path):
    kernel, bias, step = _model()
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        path = gf.train.Saver([kernel, step]).save(sess, tmp_path / "model", global_step=7)
    with np.load(path + ".npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["__graphflow_meta__", "dense/kernel", "global_step"]
        assert npz["global_step"].shape == () and npz["global_step"].dtype == np.int32
        meta = json.loads(str(npz["__graphflow_meta__"]))
    assert meta["graphflow_version"] == gf.__version__ and meta["global_step"] == 7
    assert meta["variables"][0] == {"name": "dense/kernel", "shape": [2, 3], "dtype": "float32"}
    with zipfile.ZipFile(path + ".npz") as zf:  # no member is a pickled object array
        for member in zf.namelist():
            header = zf.read(member)[:128]
            assert b"'descr': '|O'" not in header and b"pickle" not in header
    assert _index(tmp_path) == {"model_checkpoint_path": "model-7",
                                "all_model_checkpoint_paths": ["model-7"]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_string_variables_round_trip_without_pickle(graph, tmp_path, backend):
    """TF1 saves string variables (vocabularies, file names) like any other; here their bytes
    go one after another as uint8 with each one's length in the metadata (a NumPy bytes
    array would drop trailing NULs, an object array needs pickle)."""
    words = gf.Variable([[b"a\x00", "héllo"], [b"", b"\xff"]], name="vocab")
    name = gf.Variable("model", name="name")
    greeting = gf.constant("a string constant in the graph")
    saver = gf.train.Saver()
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "model"))
        sess.run([words.assign([["x", "y"], ["z", "w"]]), name.assign("other")])
        saver.restore(sess, path)
        got_words, got_name, _ = sess.run([words, name, greeting])
    assert got_words.tolist() == [[b"a\x00", "héllo".encode()], [b"", b"\xff"]]
    assert got_name == b"model"
    with np.load(path + ".npz", allow_pickle=False) as npz:
        assert npz["vocab"].dtype == np.uint8
        meta = json.loads(str(npz["__graphflow_meta__"]))
    assert {"name": "name", "shape": [], "dtype": "string", "lengths": [5]} in meta["variables"]


def test_dict_var_list_saves_under_its_keys_and_restores_into_other_variables(graph, tmp_path):
    kernel, _, _ = _model()
    other = gf.Variable(np.zeros((2, 3), np.float32), name="elsewhere")
    with gf.Session(backend="numpy") as sess:
        sess.run(gf.global_variables_initializer())
        path = gf.train.Saver({"weights": kernel}).save(sess, str(tmp_path / "m"))
        assert path == str(tmp_path / "m")
        gf.train.Saver({"weights": other}).restore(sess, path)
        np.testing.assert_array_equal(sess.run(other), sess.run(kernel))


def test_max_to_keep_deletes_the_oldest_files_and_the_index_lists_the_rest(graph, tmp_path):
    _model()
    saver = gf.train.Saver(max_to_keep=2)
    with gf.Session(backend="numpy") as sess:
        sess.run(gf.global_variables_initializer())
        for step in (1, 2, 3):
            saver.save(sess, str(tmp_path / "model"), global_step=step)
        assert _files(tmp_path) == ["checkpoint", "model-2.npz", "model-3.npz"]
        assert saver.last_checkpoints == [str(tmp_path / "model-2"), str(tmp_path / "model-3")]
        assert _index(tmp_path) == {"model_checkpoint_path": "model-3",
                                    "all_model_checkpoint_paths": ["model-2", "model-3"]}
        saver.save(sess, str(tmp_path / "model"), global_step=2)  # re-saving moves it last
        assert saver.last_checkpoints == [str(tmp_path / "model-3"), str(tmp_path / "model-2")]
        assert gf.train.latest_checkpoint(tmp_path) == str(tmp_path / "model-2")

        keep_all = gf.train.Saver(max_to_keep=None)
        for step in range(4, 11):
            keep_all.save(sess, str(tmp_path / "all"), global_step=step)
        assert len([f for f in _files(tmp_path) if f.startswith("all-")]) == 7


def test_latest_checkpoint_is_none_without_an_index_or_its_file(graph, tmp_path):
    _model()
    assert gf.train.latest_checkpoint(str(tmp_path)) is None
    with gf.Session(backend="numpy") as sess:
        sess.run(gf.global_variables_initializer())
        path = gf.train.Saver().save(sess, str(tmp_path / "model"))
    os.remove(path + ".npz")
    assert gf.train.latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "model"\n')  # a TF1 index
    with pytest.raises(errors.InvalidArgumentError, match="not graphflow's JSON index"):
        gf.train.latest_checkpoint(str(tmp_path))


# -- errors leave every variable as it was --------------------------------------------------

def _saved_then_changed(tmp_path, backend="numpy"):
    """A session whose variables differ from the checkpoint ``path`` it saved."""
    kernel, bias, step = _model()
    sess = gf.Session(backend=backend)
    sess.run(gf.global_variables_initializer())
    path = gf.train.Saver().save(sess, str(tmp_path / "model"))
    sess.run([kernel.assign(np.full((2, 3), 9, np.float32)), bias.assign([7.0, 7.0, 7.0])])
    return sess, path, (kernel, bias, step)


def _unchanged(sess, variables):
    kernel, bias, step = sess.run(list(variables))
    np.testing.assert_array_equal(kernel, np.full((2, 3), 9))
    np.testing.assert_array_equal(bias, [7.0, 7.0, 7.0])
    assert step == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_wrong_shape_or_dtype_names_the_variable_and_changes_nothing(graph, tmp_path, backend):
    sess, path, variables = _saved_then_changed(tmp_path, backend)
    wide = gf.Variable(np.zeros((3, 2), np.float32), name="wide")
    ints = gf.Variable(np.zeros(3, np.int32), name="ints")
    sess.run([wide.initializer, ints.initializer])
    # "dense/bias" would restore fine; the error on "wide" must stop it being written
    for var_list, match in [({"dense/bias": variables[1], "dense/kernel": wide}, r"\(3, 2\)"),
                            ({"dense/bias": variables[1], "dense/kernel": ints}, "int32")]:
        with pytest.raises(errors.InvalidArgumentError, match="dense/kernel") as info:
            gf.train.Saver(var_list).restore(sess, path)
        assert "float32" in str(info.value) and "model.npz" in str(info.value)
        assert info.match(match)
    _unchanged(sess, variables)


def test_variable_missing_from_the_checkpoint_changes_nothing(graph, tmp_path):
    sess, path, variables = _saved_then_changed(tmp_path)
    extra = gf.Variable(1.0, name="extra")
    sess.run(extra.initializer)
    with pytest.raises(errors.NotFoundError, match="has no variable 'extra'"):
        gf.train.Saver().restore(sess, path)  # all globals: the checkpoint predates `extra`
    with pytest.raises(errors.NotFoundError, match="has no variable 'renamed'.*dense/kernel"):
        gf.train.Saver({"dense/bias": variables[1], "renamed": variables[0]}).restore(sess, path)
    _unchanged(sess, variables)
    assert sess.run(extra) == 1.0
    gf.train.Saver(list(variables)).restore(sess, path)  # extra entries in a file are fine
    np.testing.assert_array_equal(sess.run(variables[0]), np.arange(6).reshape(2, 3))


def test_missing_truncated_or_foreign_files_raise_clear_errors(graph, tmp_path):
    sess, path, variables = _saved_then_changed(tmp_path)
    saver = gf.train.Saver()
    with pytest.raises(errors.NotFoundError, match="nothing-here.npz.*does not exist"):
        saver.restore(sess, str(tmp_path / "nothing-here"))
    with pytest.raises(errors.InvalidArgumentError, match="save_path is None"):
        saver.restore(sess, None)
    data = open(path + ".npz", "rb").read()
    for i, damaged in enumerate([data[: len(data) // 2], data[:-30], b""]):
        (tmp_path / f"bad{i}.npz").write_bytes(damaged)
        with pytest.raises(errors.InvalidArgumentError, match=f"bad{i}.npz.*truncated or corrupt"):
            saver.restore(sess, str(tmp_path / f"bad{i}"))
    np.savez(tmp_path / "plain.npz", **{"dense/kernel": np.zeros((2, 3), np.float32)})
    with pytest.raises(errors.InvalidArgumentError, match="not a graphflow checkpoint"):
        saver.restore(sess, str(tmp_path / "plain"))
    np.savez(tmp_path / "pickled.npz", x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(errors.InvalidArgumentError, match="pickled.npz"):
        saver.restore(sess, str(tmp_path / "pickled"))  # refused, never unpickled
    _unchanged(sess, variables)


def test_save_of_an_uninitialized_variable_or_to_a_missing_directory_fails(graph, tmp_path):
    _model()
    with gf.Session(backend="numpy") as sess:
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized"):
            gf.train.Saver().save(sess, str(tmp_path / "model"))
        sess.run(gf.global_variables_initializer())
        with pytest.raises(errors.NotFoundError, match="does not exist"):
            gf.train.Saver().save(sess, str(tmp_path / "no" / "model"))
    assert _files(tmp_path) == []


# -- an interrupted save keeps the previous checkpoint ---------------------------------------

@pytest.mark.parametrize("fail_on", ["data write", "data rename", "index rename"])
def test_interrupted_save_leaves_the_previous_checkpoint_loadable(graph, tmp_path, monkeypatch,
                                                                  fail_on):
    kernel, _, step = _model()
    saver = gf.train.Saver(max_to_keep=1)
    sess = gf.Session(backend="numpy")
    sess.run(gf.global_variables_initializer())
    first = saver.save(sess, str(tmp_path / "model"), global_step=1)
    sess.run(kernel.assign(np.full((2, 3), 5, np.float32)))

    real_replace = os.replace

    def failing_replace(src, dst):
        if (fail_on == "data rename") == str(dst).endswith(".npz"):
            raise OSError("disk full (simulated)")
        real_replace(src, dst)

    def failing_write_array(fp, array, **kwargs):
        fp.write(b"\x93NUMPY partial")
        raise OSError("disk full (simulated)")

    if fail_on == "data write":
        monkeypatch.setattr(np.lib.format, "write_array", failing_write_array)
    else:
        monkeypatch.setattr(saver_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulated"):
        saver.save(sess, str(tmp_path / "model"), global_step=1)  # overwrites model-1
    with pytest.raises(OSError, match="simulated"):
        saver.save(sess, str(tmp_path / "model"), global_step=2)  # would delete model-1
    monkeypatch.undo()

    assert not [f for f in _files(tmp_path) if f.endswith(".tmp")]  # temporaries removed
    assert gf.train.latest_checkpoint(str(tmp_path)) == first
    assert saver.last_checkpoints == [first]
    assert os.path.exists(first + ".npz")
    restored = gf.Session(backend="numpy")
    gf.train.Saver().restore(restored, first)
    expected = np.arange(6).reshape(2, 3) if fail_on != "index rename" else np.full((2, 3), 5)
    np.testing.assert_array_equal(restored.run(kernel), expected)


def test_var_list_errors(graph):
    kernel, _, _ = _model()
    with pytest.raises(errors.InvalidArgumentError, match="twice"):
        gf.train.Saver([kernel, kernel])
    with pytest.raises(errors.DTypeError, match="saves variables"):
        gf.train.Saver({"x": gf.constant(1.0)})
    with pytest.raises(errors.InvalidArgumentError, match="no variables to save"):
        gf.train.Saver([])


def test_keep_every_n_hours_spares_old_files_and_recover_adopts_existing_ones(graph, tmp_path):
    _model()
    with gf.Session(backend="numpy") as sess:
        sess.run(gf.global_variables_initializer())
        spare_all = gf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=0.0)
        for step in (1, 2, 3):
            spare_all.save(sess, str(tmp_path / "a"), global_step=step)
        assert spare_all.last_checkpoints == [str(tmp_path / "a-3")]
        assert _files(tmp_path) == ["a-1.npz", "a-2.npz", "a-3.npz", "checkpoint"]

        padded = gf.train.Saver(max_to_keep=2, pad_step_number=True)
        padded.recover_last_checkpoints([str(tmp_path / f"a-{i}") for i in (1, 2, 3, 4)])
        assert padded.last_checkpoints == [str(tmp_path / f"a-{i}") for i in (1, 2, 3)]
        path = padded.save(sess, str(tmp_path / "a"), global_step=5)
        assert path == str(tmp_path / "a-00000005")
        assert _files(tmp_path) == ["a-00000005.npz", "a-3.npz", "checkpoint"]
