"""Every notebook in notebooks/ runs from top to bottom in a fresh kernel without an error
(they compare PyTorch and graphflow with assertions, so a disagreement fails too)."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_four_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, monkeypatch):
    try:
        import nbclient
        import nbformat
        import torch  # noqa: F401  (the notebooks' imperative side)
    except ImportError as e:  # CI installs the notebooks extra: missing is a failure
        pytest.fail(f"{e}: install the notebooks extra: pip install -e '.[notebooks]'")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
