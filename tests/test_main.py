"""The main job (``python -m graphflow demo``) runs and learns."""

from graphflow.__main__ import demo, main


def test_demo_learns_the_line(capsys):
    w, b = demo(steps=150)
    assert abs(w - 3) < 0.05 and abs(b - 2) < 0.05
    out = capsys.readouterr().out
    assert "model/w" in out and "backward" in out and "learned y" in out


def test_cli_entry_point(capsys):
    assert main(["demo", "--steps", "10"]) == 0
    assert "step    0" in capsys.readouterr().out
