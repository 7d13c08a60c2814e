"""Every ``python`` code block in docs/*.md and README.md runs, and the TF1 compatibility
table lists every public name."""

import pathlib
import re
import subprocess
import sys
import textwrap
import types

import pytest

import graphflow as gf

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

# each page runs in a fresh interpreter: pages declare ops (adding-an-op.md), which must not
# leak into the op registry of the rest of the test session
RUNNER = textwrap.dedent("""
    import json, sys, traceback
    blocks = json.load(sys.stdin)
    namespace = {"__name__": "__docs__"}
    for i, (line, code) in enumerate(blocks):
        try:
            exec(compile(code, f"{sys.argv[1]}:{line}", "exec"), namespace)
        except Exception:
            traceback.print_exc()
            print(f"DOCS-BLOCK-FAILED {sys.argv[1]} block {i + 1} (line {line})")
            sys.exit(1)
""")


def _blocks(page):
    text = page.read_text()
    return [(text[:m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_python_block_runs(page, tmp_path):
    import json

    blocks = _blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python blocks")
    done = subprocess.run([sys.executable, "-c", RUNNER, page.name], input=json.dumps(blocks),
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _public(module, own_only):
    names = set()
    for name in dir(module):
        value = getattr(module, name)
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        where = getattr(value, "__module__", None) or ""
        if not own_only or where == module.__name__ or where.startswith(module.__name__ + "."):
            names.add(name)
    return names


@pytest.mark.parametrize("prefix, module, own_only", [
    ("gf.", gf, False), ("gf.nn.", gf.nn, False), ("gf.train.", gf.train, True),
    ("gf.layers.", gf.layers, True), ("gf.losses.", gf.losses, True),
    ("gf.metrics.", gf.metrics, True), ("gf.initializers.", gf.initializers, True),
], ids=lambda v: v if isinstance(v, str) else "")
def test_the_compatibility_table_lists_every_public_name(prefix, module, own_only):
    table = (ROOT / "docs" / "tf1-compatibility.md").read_text()
    missing = sorted(n for n in _public(module, own_only) if f"`{prefix}{n}`" not in table)
    assert not missing, f"add these to docs/tf1-compatibility.md: {missing}"
