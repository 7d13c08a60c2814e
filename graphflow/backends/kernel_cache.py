"""Compiled kernels cached on disk across processes.

Numba's ``cache=True`` needs a real source file, so each kernel's source is written
once, atomically, to a content-hashed module in the cache directory and imported as a
real module; Numba then stores the machine code beside it. The key covers the code (which
holds the operand modes and literals; not its comments and docstring, which name the ops,
so groups that compute the same thing share a kernel), and the graphflow, Numba and
scalar-library versions, never concrete sizes. ``GRAPHFLOW_CACHE_DIR`` overrides the
directory; ``GRAPHFLOW_LOG_COMPILES=1`` logs each compile with its reason.
"""

import contextlib
import hashlib
import importlib.util
import io
import os
import sys
import tempfile
import threading
import tokenize

import numba

from .. import __version__


def cache_dir():
    """The per-user kernel directory (created with mode 0700)."""
    root = os.environ.get("GRAPHFLOW_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "graphflow")
    path = os.path.join(root, "kernels")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError:  # no writable home: kernels still cache, for this process only
        global _FALLBACK_DIR
        if _FALLBACK_DIR is None:
            _FALLBACK_DIR = tempfile.mkdtemp(prefix="graphflow-kernels-")
            print(f"graphflow: cannot create {path}; caching kernels in {_FALLBACK_DIR}",
                  file=sys.stderr)
        path = _FALLBACK_DIR
    return path


_FALLBACK_DIR = None


# a kernel's source names the version of the scalar library it imports (see the codegens)
_VERSIONS = f"graphflow {__version__}, numba {numba.__version__}"


def kernel_key(source):
    """The cache key of a kernel module: its code without comments and docstring (which
    name the graph's ops: two groups computing the same thing share one kernel), and the
    versions."""
    return hashlib.sha256(f"{_VERSIONS}\n{_code(source)}".encode()).hexdigest()[:24]


def _code(source):
    """``source``'s tokens less comments and the module docstring."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    kept, first = [], True
    for tok in tokens:
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING):
            continue
        if first and tok.type == tokenize.STRING:  # the module docstring
            first = False
            continue
        first = first and tok.type in (tokenize.NEWLINE, tokenize.INDENT)
        kept.append(tok.string)
    return " ".join(kept)


_LOADING = threading.RLock()


def load_kernel(source):
    """The ``kernel`` function of this source, from memory, disk or a fresh compile."""
    key = kernel_key(source)
    name = f"graphflow_kernel_{key}"
    with _LOADING:  # a second thread must not see a module that is still executing
        module = sys.modules.get(name)
        if module is None:
            path = os.path.join(cache_dir(), f"{name}.py")
            text = f"# cache key: {key} ({_VERSIONS})\n{source}"
            if _read(path) != text:  # absent, or damaged (left empty by a crash)
                _write_atomically(path, text)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
    return key, module.kernel


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _write_atomically(path, text):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())  # else a crash may leave the renamed file empty
        os.replace(tmp, path)  # never rewritten in place: readers see all of it or none
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


_logged = {}  # id(kernel) -> compiles logged so far


def log_compile(key, kernel, reason):
    """Report a compile when GRAPHFLOW_LOG_COMPILES is set (cache hits stay quiet)."""
    misses = dict(kernel.stats.cache_misses)
    if os.environ.get("GRAPHFLOW_LOG_COMPILES") and sum(misses.values()) > _logged.get(
            id(kernel), 0):  # a kernel shared by several groups compiles once
        _logged[id(kernel)] = sum(misses.values())
        print(f"graphflow: compiled kernel {key} ({reason}; signatures {list(misses)})",
              file=sys.stderr)
