"""The main job (``python -m graphflow demo``): a CNN on the digits, a checkpoint, the SVG."""

import os

import numpy as np
import pytest

import graphflow as gf
from graphflow.__main__ import build_model, demo, main

pytest.importorskip("sklearn")
pytest.importorskip("tqdm")


def test_demo_reaches_97_percent_and_writes_checkpoint_and_graph(tmp_path, capsys):
    accuracy = demo(out_dir=str(tmp_path), progress=False)
    assert accuracy >= 0.97
    out = capsys.readouterr().out
    assert "test accuracy" in out and "checkpoint:" in out and "training graph:" in out
    checkpoint = gf.train.latest_checkpoint(str(tmp_path / "checkpoints"))
    assert checkpoint is not None and checkpoint.endswith("digits-900")  # 20 epochs x 45
    drawn = [f for f in os.listdir(tmp_path) if f.startswith("graph.")]
    assert drawn in (["graph.svg"], ["graph.dot"])

    # the checkpoint restores into a fresh graph and gives the same test accuracy
    (_, _), (x_test, y_test) = gf.datasets.load_digits(seed=0)
    graph = gf.Graph()
    m = build_model(graph)
    with gf.Session(graph=graph) as sess:
        with graph.as_default():
            gf.train.Saver().restore(sess, checkpoint)
        restored = sess.run(m["accuracy"], {m["images"]: x_test, m["labels"]: y_test})
    assert np.isclose(restored, accuracy)


def test_cli_entry_point(tmp_path, capsys):
    assert main(["demo", "--epochs", "1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "epoch  1/1" in out and "test accuracy" in out
