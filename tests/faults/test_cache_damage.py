"""The kernel cache on disk heals: an edited or damaged file, Numba's index and data files cut
short, a read-only or vanishing directory and a temp folder fallback each leave every run
correct (with at most one warning), never an error blamed on the user's op.

A later process is simulated in this one by forgetting the kernel's module (the next
Session loads it from disk again), except where processes are the point."""

import importlib.util
import logging
import marshal
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import numpy as np
import pytest

import graphflow as gf
from graphflow.backends import kernel_cache

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
X = np.linspace(-1, 1, 1000).astype(np.float32)  # large enough for a kernel


def run(c):
    """``sin(x) * c + c`` run through one fused kernel (c is its argument)."""
    gf.reset_default_graph()
    x = gf.placeholder(gf.float32, [None])
    with gf.Session() as sess:
        return sess.run(gf.sin(x) * c + c, {x: X})


def expected(c):
    return np.sin(X) * np.float32(c) + np.float32(c)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory for this test, and no kernel module loaded yet (as in a new
    process: the tests' kernels have the same code, their constants are arguments); its
    kernels' folder."""
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("graphflow_kernel_")]:
        monkeypatch.delitem(sys.modules, name)
    return tmp_path / "kernels"


def kernel_file(kernels):
    (path,) = kernels.glob("graphflow_kernel_*.py")
    return path


def forget(kernels):
    """Drop this cache's kernel modules from memory, as a new process starts without them."""
    for path in kernels.glob("graphflow_kernel_*.py"):
        sys.modules.pop(path.stem, None)


def cache_warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name == "graphflow" and r.levelno == logging.WARNING]


def test_an_edited_kernel_file_is_written_again_and_said(cache, caplog):
    np.testing.assert_allclose(run(1.8125), expected(1.8125), rtol=1e-6)
    path = kernel_file(cache)
    good = path.read_text()
    path.write_text(good.replace("sin", "cos"))  # changed code, the same size
    forget(cache)
    np.testing.assert_allclose(run(1.8125), expected(1.8125), rtol=1e-6)
    assert path.read_text() == good
    (said,) = cache_warnings(caplog)
    assert str(path) in said and "not the code its name says" in said


def test_a_compiled_module_beside_a_kernel_file_is_never_loaded(cache):
    """Python's import loads ``__pycache__/*.pyc`` whenever its header names the source's
    mtime (whole seconds) and size: an edit of the same size within that second, or a
    copied cache, passed unseen. A kernel is compiled from the text that was checked."""
    np.testing.assert_allclose(run(1.6875), expected(1.6875), rtol=1e-6)
    path = kernel_file(cache)
    for numba_file in (cache / "__pycache__").glob("*.nb[ic]"):
        numba_file.unlink()  # else Numba's machine code would mask the module's code
    code = compile(path.read_text().replace("sin", "cos"), str(path), "exec")
    st = path.stat()
    header = importlib.util.MAGIC_NUMBER + b"\0\0\0\0" + int(st.st_mtime).to_bytes(
        4, "little") + (st.st_size & 0xFFFFFFFF).to_bytes(4, "little")
    with open(importlib.util.cache_from_source(str(path)), "wb") as f:
        f.write(header + marshal.dumps(code))
    forget(cache)
    np.testing.assert_allclose(run(1.6875), expected(1.6875), rtol=1e-6)


@pytest.mark.parametrize("suffix", ["nbi", "nbc"])
def test_numba_files_cut_short_are_deleted_and_the_kernel_compiled_again(cache, caplog,
                                                                         suffix):
    """Was: "Fused op 'add' failed at run time: Ran out of input" in every later process."""
    c = 1.5625 if suffix == "nbi" else 1.4375
    np.testing.assert_allclose(run(c), expected(c), rtol=1e-6)
    (damaged,) = (cache / "__pycache__").glob(f"*.{suffix}")
    damaged.write_bytes(damaged.read_bytes()[:40])
    forget(cache)
    np.testing.assert_allclose(run(c), expected(c), rtol=1e-6)
    (said,) = cache_warnings(caplog)
    assert "could not be loaded" in said and "compiling it afresh" in said
    assert damaged.stat().st_size > 40  # saved again, whole
    forget(cache)
    caplog.clear()
    np.testing.assert_allclose(run(c), expected(c), rtol=1e-6)
    assert cache_warnings(caplog) == []


def python(code, env, **kw):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": ROOT, **env}, **kw)


TWO_KERNELS = """
    import numpy as np, graphflow as gf
    x = gf.placeholder(gf.float32, [None])
    v = np.linspace(-1, 1, 1000).astype(np.float32)
    with gf.Session() as sess:
        for got, want in ((sess.run(gf.sin(x) * 1.25 + 1.25, {x: v}), np.sin(v) * 1.25 + 1.25),
                          (sess.run(gf.exp(x) - 0.75 * x, {x: v}), np.exp(v) - 0.75 * v)):
            np.testing.assert_allclose(got, want, rtol=1e-5)
    print("ok")
"""


def unwritable_files():
    """In the child: no file may grow past 0 bytes, as on a full disk (root too)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead


def test_a_cache_directory_that_takes_no_writes_compiles_in_memory_with_one_warning(tmp_path):
    """A read-only directory (which root may write to anyway) on a full disk. Was: "Fused op
    'add' failed at run time: [Errno 13] Permission denied" (or "[Errno 27] File too
    large")."""
    kernels = tmp_path / "kernels"
    kernels.mkdir()
    kernels.chmod(0o555)
    try:
        done = python(TWO_KERNELS, {"GRAPHFLOW_CACHE_DIR": str(tmp_path)},
                      preexec_fn=unwritable_files)
    finally:
        kernels.chmod(0o755)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
    (said,) = done.stderr.splitlines()
    assert said.startswith("WARNING:graphflow:") and "compiled in memory" in said
    assert list(kernels.iterdir()) == []


WORKER = """
    import sys, numpy as np, graphflow as gf
    x = gf.placeholder(gf.float32, [None])
    v = np.linspace(-1, 1, 1000).astype(np.float32)
    for c in sys.argv[1:]:
        c = np.float32(c)
        with gf.Session() as sess:
            got = sess.run(gf.sin(x) * c + c, {x: v})
        np.testing.assert_allclose(got, np.sin(v) * c + c, rtol=1e-5)
    print("ok")
"""


def test_deleting_the_cache_directory_while_processes_compile_fails_no_run(tmp_path):
    """Three processes compile kernels (two of them the same ones) while the directory is
    deleted every few milliseconds. Was: most of their runs failed ("No such file or
    directory", "cannot cache function 'kernel': no locator available")."""
    constants = [["1.03125", "1.09375"], ["1.03125", "1.09375"], ["2.03125", "2.09375"]]
    env = {**os.environ, "PYTHONPATH": ROOT, "GRAPHFLOW_CACHE_DIR": str(tmp_path)}
    workers = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WORKER), *cs],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for cs in constants]
    done = threading.Event()

    def delete():
        while not done.is_set():
            shutil.rmtree(tmp_path / "kernels", ignore_errors=True)
            time.sleep(0.005)

    deleter = threading.Thread(target=delete)
    deleter.start()
    try:
        results = [w.communicate(timeout=120) for w in workers]
    finally:
        done.set()
        deleter.join()
    for w, (out, err) in zip(workers, results):
        assert w.returncode == 0 and out == "ok\n", err
        assert all(line.startswith("WARNING:graphflow:") for line in err.splitlines()), err


def test_the_temp_folder_fallback_is_one_private_directory_per_user(tmp_path, monkeypatch):
    """Was: each process without a writable cache directory made a ``graphflow-kernels-*``
    with ``mkdtemp`` and left it in the temp folder for ever."""
    temp = tmp_path / "temp"
    temp.mkdir()
    unwritable = tmp_path / "a-file"
    unwritable.write_text("")
    env = {"TMPDIR": str(temp), "GRAPHFLOW_CACHE_DIR": str(unwritable)}
    other = python("from graphflow.backends import kernel_cache\n"
                   "print(kernel_cache.cache_dir())", env)
    assert other.returncode == 0, other.stderr
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # this process: the same folder
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(unwritable))
    assert kernel_cache.cache_dir() == other.stdout.strip()
    (fallback,) = temp.iterdir()
    assert other.stdout.strip() == str(fallback)
    assert fallback.stat().st_mode & 0o777 == 0o700
    # a directory of that name that others can write to is not ours to load kernels from
    fallback.chmod(0o777)
    assert kernel_cache.cache_dir() is None
    np.testing.assert_allclose(run(1.96875), expected(1.96875), rtol=1e-6)
    assert list(fallback.iterdir()) == []


MAX_POOL = """
    import numpy as np, graphflow as gf
    x = gf.placeholder(gf.float32, [1, 4, 4, 1])
    v = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    y = gf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    with gf.Session() as sess:
        assert sess.run(y, {x: v}).ravel().tolist() == [5, 7, 13, 15]
    print("ok")
"""


def test_damaged_numba_files_of_the_window_kernels_are_compiled_again(tmp_path):
    """The pooling and col2im loops cache through Numba itself, outside the kernel cache;
    an index cut short there failed every later max_pool too."""
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "numba"), "GRAPHFLOW_CACHE_DIR": str(tmp_path)}
    assert python(MAX_POOL, env).stdout == "ok\n"
    damaged = list((tmp_path / "numba").rglob("window_kernels.max_pool-*.nbi"))
    assert damaged
    for path in damaged:
        path.write_bytes(path.read_bytes()[:40])
    again = python(MAX_POOL, env)
    assert again.stdout == "ok\n", again.stderr
    assert "could not be loaded" in again.stderr
