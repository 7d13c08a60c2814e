"""get_checkpoint_state and friends read the index the real Saver writes (TF1's results for
a save/restore program: test_tf1_host_program.py)."""

import json
import os

import pytest

import graphflow as gf
from graphflow import errors


@pytest.fixture
def saved(tmp_path):
    """Three saves of one model (max_to_keep=2) into tmp_path/run."""
    directory = tmp_path / "run"
    directory.mkdir()
    with gf.Graph().as_default():
        w = gf.Variable([1.0, 2.0], name="w")
        saver = gf.train.Saver(max_to_keep=2)
        with gf.Session(backend="numpy") as sess:
            sess.run(gf.global_variables_initializer())
            for step in (1, 2, 3):
                sess.run(w.assign_add([1.0, 1.0]))
                saver.save(sess, str(directory / "model"), global_step=step)
        yield directory, saver, w


def test_the_state_lists_kept_checkpoints_joined_to_the_directory(saved):
    directory, _, _ = saved
    state = gf.train.get_checkpoint_state(str(directory))
    assert state.model_checkpoint_path == str(directory / "model-3")
    assert state.all_model_checkpoint_paths == [str(directory / "model-2"),
                                                str(directory / "model-3")]
    assert str(state) == (f'model_checkpoint_path: "{directory}/model-3"\n'
                          f'all_model_checkpoint_paths: "{directory}/model-2"\n'
                          f'all_model_checkpoint_paths: "{directory}/model-3"\n')
    assert gf.train.latest_checkpoint(directory) == str(directory / "model-3")
    assert gf.train.checkpoint_exists(str(directory / "model-2"))
    assert gf.train.checkpoint_exists(str(directory / "model-2.npz"))
    assert not gf.train.checkpoint_exists(str(directory / "model-1"))  # beyond max_to_keep
    mtimes = gf.train.get_checkpoint_mtimes([str(directory / f"model-{i}") for i in (1, 2, 3)])
    assert len(mtimes) == 2 and mtimes[0] <= mtimes[1]


def test_no_index_gives_none_and_a_foreign_index_an_error(tmp_path, saved):
    assert gf.train.get_checkpoint_state(str(tmp_path)) is None
    assert gf.train.latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-1"\n')  # TF1's
    with pytest.raises(errors.InvalidArgumentError, match="not graphflow's JSON index"):
        gf.train.get_checkpoint_state(str(tmp_path))
    (tmp_path / "checkpoint").write_text('{"model_checkpoint_path": ""}')
    with pytest.raises(errors.InvalidArgumentError, match="not graphflow's JSON index"):
        gf.train.latest_checkpoint(str(tmp_path))
    directory, _, _ = saved
    gf.train.remove_checkpoint(str(directory / "model-3"))
    assert gf.train.get_checkpoint_state(directory).model_checkpoint_path.endswith("model-3")
    assert gf.train.latest_checkpoint(directory) is None  # the index names a missing file
    with pytest.raises(errors.NotFoundError, match="no checkpoint at"):
        gf.train.remove_checkpoint(str(directory / "model-3"))


def test_an_unreadable_index_or_a_file_for_the_directory_gives_none_as_in_tf1(tmp_path):
    # they raised raw NotADirectoryError / IsADirectoryError; TF1 returns None (and warns
    # about an index it cannot read), so `if ckpt and ckpt.model_checkpoint_path` works
    (tmp_path / "train.py").write_text("print(1)\n")
    for fn in (gf.train.get_checkpoint_state, gf.train.latest_checkpoint):
        assert fn(str(tmp_path / "train.py")) is None
    (tmp_path / "odd" / "checkpoint").mkdir(parents=True)
    for fn in (gf.train.get_checkpoint_state, gf.train.latest_checkpoint):
        assert fn(str(tmp_path / "odd")) is None


def test_update_checkpoint_state_appends_and_the_saver_restores_from_it(saved, tmp_path):
    directory, saver, w = saved
    gf.train.update_checkpoint_state(str(directory), "model-2",
                                     all_model_checkpoint_paths=["model-2", "model-3"])
    state = gf.train.get_checkpoint_state(directory)  # model-2 moved to the end, relative
    assert state.all_model_checkpoint_paths == [str(directory / "model-3"),
                                                str(directory / "model-2")]
    with open(directory / "checkpoint") as f:
        assert json.load(f)["model_checkpoint_path"] == "model-2"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    gf.train.update_checkpoint_state(str(elsewhere), str(directory / "model-3"),
                                     latest_filename="latest")
    assert gf.train.latest_checkpoint(elsewhere) is None  # another index name
    assert gf.train.latest_checkpoint(elsewhere, "latest") == str(directory / "model-3")
    with w.graph.as_default(), gf.Session(backend="numpy") as sess:
        saver.restore(sess, gf.train.latest_checkpoint(directory))
        assert list(sess.run(w)) == [3.0, 4.0]
    with pytest.raises(errors.NotFoundError, match="is not a directory"):
        gf.train.update_checkpoint_state(str(tmp_path / "nope"), "model-1")
    assert os.listdir(elsewhere) == ["latest"]
