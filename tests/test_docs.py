"""The docs stay true: every ``python`` block of docs/*.md and README.md runs, the outputs
they show are what the code prints, and the TF1 compatibility table lists every public name.

Each page runs in a fresh interpreter (a fresh default graph, and ops a page declares, as
adding-an-op.md does, never reach the op registry of the rest of the test session), with
its blocks in order in one namespace and a temporary directory as cwd. A one-line
``print(...)`` statement with a trailing comment is checked: the comment must be the printed
text (whitespace-insensitive, so an array may print over several lines) each time the line
runs, and the line must run. Put explanations on the line above, and leave the comment off
where the output is not deterministic. A block whose first line is ``# needs Graphviz's dot``
runs only where ``dot`` is installed; elsewhere the page's test runs the rest and then reports
itself skipped, naming those blocks.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap
import types

import pytest

import graphflow as gf
from graphflow.examples.tutorials.mnist import input_data

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

RUNNER = textwrap.dedent("""
    import ast, io, json, linecache, sys, tokenize, traceback

    page, text, blocks = json.load(sys.stdin)
    # tracebacks and graphflow's "created at page.md:LINE: code" can show the page's lines
    linecache.cache[page] = (len(text), None, text.splitlines(True), page)
    lines = text.splitlines()


    class Mismatch(Exception):
        pass


    def comment_on(line_no):
        tokens = tokenize.generate_tokens(io.StringIO(lines[line_no - 1] + "\\n").readline)
        found = [t.string for t in tokens if t.type == tokenize.COMMENT]
        return found[0][1:].strip() if found else None


    class CheckPrints(ast.NodeTransformer):
        \"\"\"print(...) on one line with a trailing comment -> _docs_print(line, comment, ...)\"\"\"

        def __init__(self):
            self.checked = set()

        def visit_Expr(self, node):
            call = node.value
            if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "print"
                    and node.lineno == node.end_lineno):
                expected = comment_on(node.lineno)
                if expected is not None:
                    self.checked.add(node.lineno)
                    call.func = ast.Name("_docs_print", ast.Load())
                    call.args[:0] = [ast.Constant(node.lineno), ast.Constant(expected)]
                    ast.fix_missing_locations(node)
            return node


    printed = set()


    def _docs_print(line, expected, *args, **kwargs):
        out = io.StringIO()
        print(*args, **kwargs, file=out)
        sys.stdout.write(out.getvalue())
        printed.add(line)
        if out.getvalue().split() != expected.split():
            raise Mismatch(f"line {line} prints {out.getvalue().strip()!r}, "
                           f"the comment says {expected!r}")


    namespace = {"__name__": "__docs__", "_docs_print": _docs_print}
    for number, (first_line, code) in enumerate(blocks, 1):
        where = f"{page} block {number} (line {first_line})"
        try:
            # padded so that line numbers in errors are the page's own
            checker = CheckPrints()
            tree = checker.visit(ast.parse("\\n" * (first_line - 1) + code, page))
            exec(compile(tree, page, "exec"), namespace)
            never = sorted(checker.checked - printed)
            if never:
                raise Mismatch(f"line {never[0]} shows an output but never printed")
        except Mismatch as e:
            print(f"DOCS-FAILED {where}: {e}")
            sys.exit(1)
        except Exception:
            traceback.print_exc()
            print(f"DOCS-FAILED {where}: the error above")
            sys.exit(1)
""")


NEEDS_DOT = "# needs Graphviz's dot"


def _blocks(page):
    text = page.read_text()
    return text, [(text[:m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


def _runnable(blocks):
    """The blocks this machine can run, and the first lines of those it cannot: a block
    whose first line is NEEDS_DOT runs only where Graphviz's ``dot`` is installed."""
    if shutil.which("dot"):
        return blocks, []
    return ([b for b in blocks if not b[1].startswith(NEEDS_DOT)],
            [line for line, code in blocks if code.startswith(NEEDS_DOT)])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_runs_and_prints_what_it_shows(page, tmp_path):
    text, blocks = _blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python blocks")
    blocks, without_dot = _runnable(blocks)
    done = subprocess.run([sys.executable, "-c", RUNNER],
                          input=json.dumps([page.name, text, blocks]),
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        failed = [line for line in done.stdout.splitlines() if line.startswith("DOCS-FAILED")]
        pytest.fail("\n".join(failed or [f"{page.name}: the runner exited with "
                                         f"{done.returncode}"]) + "\n" + done.stderr[-3000:],
                    pytrace=False)
    if without_dot:
        pytest.skip(f"{page.name}: the other blocks pass; the blocks at lines {without_dot} need "
                    "Graphviz's dot, which is not installed (apt-get install graphviz)")


def test_the_checker_catches_a_wrong_output_comment(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nx = 2\nprint(x + 1)  # 3\nif x > 5:\n    print(x)  # 2\n"
                    "for i in range(2):\n    print(x + i)  # 2\n```\n")
    done = subprocess.run([sys.executable, "-c", RUNNER],
                          input=json.dumps(["page.md", *_blocks(page)]),
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert "DOCS-FAILED page.md block 1 (line 2): line 7 prints '3', the comment says '2'" \
        in done.stdout
    page.write_text("```python\nx = 2\nif x > 5:\n    print(x)  # 2\n```\n")
    done = subprocess.run([sys.executable, "-c", RUNNER],
                          input=json.dumps(["page.md", *_blocks(page)]),
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert "line 4 shows an output but never printed" in done.stdout


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


# (table prefix, module, only names defined in the module: the others are imports)
NAMESPACES = [
    ("gf.", gf, False), ("gf.nn.", gf.nn, False), ("gf.train.", gf.train, True),
    ("gf.nn.rnn_cell.", gf.nn.rnn_cell, False), ("gf.contrib.rnn.", gf.contrib.rnn, False),
    ("gf.contrib.layers.", gf.contrib.layers, True),
    ("gf.contrib.seq2seq.", gf.contrib.seq2seq, True),
    ("gf.layers.", gf.layers, True), ("gf.losses.", gf.losses, True),
    ("gf.metrics.", gf.metrics, True), ("gf.initializers.", gf.initializers, True),
    ("gf.image.", gf.image, True),
    ("gf.errors.", gf.errors, True), ("gf.viz.", gf.viz, True), ("gf.data.", gf.data, True),
    ("gf.datasets.", gf.datasets, True), ("gf.test.", gf.test, True),
    ("gf.math.", gf.math, False), ("gf.random.", gf.random, False),
    ("gf.debugging.", gf.debugging, False),
    ("gf.app.", gf.app, True), ("gf.flags.", gf.flags, True), ("gf.gfile.", gf.gfile, True),
    # the lower-case names and the levels are aliases and constants: every name counts
    ("gf.io.gfile.", gf.io.gfile, False), ("gf.logging.", gf.logging, False),
    ("input_data.", input_data, True),
]


@pytest.mark.parametrize("prefix, module, own_only", NAMESPACES, ids=[n[0] for n in NAMESPACES])
def test_the_compatibility_table_lists_every_public_name(prefix, module, own_only):
    table = (ROOT / "docs" / "tf1-compatibility.md").read_text()
    missing = sorted(n for n in _public(module, own_only) if f"| `{prefix}{n}` |" not in table)
    assert not missing, f"add these to the table in docs/tf1-compatibility.md: {missing}"


def _anchors(page):
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, '-' for ' '."""
    headings = re.findall(r"^#+ (.*)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_between_pages_resolve(page):
    broken = []
    for target, anchor in re.findall(r"\]\(([\w\-./]+\.md)(?:#([\w\-]+))?\)", page.read_text()):
        path = (page.parent / target).resolve()
        if not path.exists() or anchor and anchor not in _anchors(path):
            broken.append(f"{target}#{anchor}" if anchor else target)
    assert not broken, f"{page.name} links to {broken}"
