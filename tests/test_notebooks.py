"""Every notebook in notebooks/ runs from top to bottom in a fresh kernel without an error
(they compare PyTorch and graphflow with assertions, so a disagreement fails too).

The kernel is this interpreter (``sys.executable``), the working directory notebooks/, and
this checkout is importable; ``notebooks/make_notebooks.py`` does the set-up for both the
tests and the regeneration of the committed outputs."""

import importlib.util
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 120


def _make_notebooks():
    spec = importlib.util.spec_from_file_location("make_notebooks",
                                                  ROOT / "notebooks" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _require_notebook_tools():
    """CI installs the notebooks extra: a missing package is a failure, not a skip."""
    missing = []
    for name in ("nbclient", "nbformat", "ipykernel", "torch"):
        if importlib.util.find_spec(name) is None:
            missing.append(name)
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed for {sys.executable}: the notebooks "
                    "test needs the notebooks extra: pip install -e '.[notebooks]'")


def test_the_notebooks_are_the_generators_and_match_it():
    generator = _make_notebooks().NOTEBOOKS
    assert [p.name for p in NOTEBOOKS] == list(generator)
    for path in NOTEBOOKS:  # an edit of make_notebooks.py must be followed by a rerun of it
        cells = json.loads(path.read_text())["cells"]
        committed = [(c["cell_type"], "".join(c["source"])) for c in cells]
        assert committed == generator[path.name], "rerun python notebooks/make_notebooks.py"


def test_committed_notebooks_carry_their_outputs():
    _require_notebook_tools()
    import nbformat

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{path.name} was saved unexecuted"


def test_the_kernel_is_this_interpreter_in_the_notebooks_folder():
    _require_notebook_tools()
    make = _make_notebooks()
    nb = make.execute(make.build([("code", "import os, sys\nprint(sys.executable)\n"
                                           "print(os.getcwd())")]), timeout=CELL_TIMEOUT_S)
    printed = nb.cells[0].outputs[0]["text"].split()
    assert printed == [sys.executable, str(ROOT / "notebooks")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    _require_notebook_tools()
    import nbformat

    nb = nbformat.read(path, as_version=4)
    _make_notebooks().execute(nb, timeout=CELL_TIMEOUT_S)  # raises CellExecutionError
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
