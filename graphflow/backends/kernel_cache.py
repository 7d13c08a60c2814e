"""Compiled kernels cached on disk across processes, healed when the disk lets them down.

Numba's ``cache=True`` needs a real source file, so each kernel's source is written
once, atomically, to a content-hashed module in the cache directory and imported as a
real module; Numba then stores the machine code beside it. The key covers the code (which
holds the operand modes and literals; not its comments and docstring, which name the ops,
so groups that compute the same thing share a kernel), and the graphflow, Numba and
scalar-library versions, never concrete sizes. ``GRAPHFLOW_CACHE_DIR`` overrides the
directory; ``GRAPHFLOW_LOG_COMPILES=1`` logs each compile with its reason.

Nothing on disk is trusted: a kernel file is compiled only from text whose code hashes to
its key (never from a ``.pyc``), and one that does not is written again; Numba's index and
data files are disposable (one that fails to load is deleted and the kernel compiled
afresh); a directory that cannot be written, or vanishes, leaves kernels compiled in memory.
Each of these is one warning on the ``graphflow`` logger; none fails a run.
"""

import contextlib
import getpass
import glob
import hashlib
import io
import linecache
import os
import re
import stat
import sys
import tempfile
import threading
import tokenize
import types

import numba

from .. import __version__
from .. import logging as gf_logging


def cache_dir():
    """The per-user kernel directory (created with mode 0700); if it cannot be created, one
    per user in the temp folder; None if neither can be had."""
    root = os.environ.get("GRAPHFLOW_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "graphflow")
    path = os.path.join(root, "kernels")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path
    except OSError as e:  # no writable home: kernels still cache, in the temp folder
        fallback = _fallback_dir()
        if fallback is not None:
            _warn_once("fallback", "cannot create %s (%s); caching kernels in %s", path,
                       e.strerror or e, fallback)
        return fallback


def _fallback_dir():
    """``<temp>/graphflow-kernels-<uid>``, the same for every process of this user (one
    ``mkdtemp`` per process piled up in the temp folder), or None where that name is taken
    by anything but a directory of ours that only we can open (another user could have
    planted kernels there)."""
    user = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    path = os.path.join(tempfile.gettempdir(), f"graphflow-kernels-{user}")
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        st = os.lstat(path)
    except OSError:
        return None
    ours = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    private = os.name == "nt" or not st.st_mode & 0o077
    return path if stat.S_ISDIR(st.st_mode) and ours and private else None


_warned = set()


def _warn_once(kind, msg, *args):
    """A warning about the cache as a whole, logged once per process for each kind."""
    if kind not in _warned:
        _warned.add(kind)
        gf_logging.get_logger().warning(msg, *args)


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
    """``(key, kernel function)`` of this source, from memory, disk or a fresh compile."""
    key, module = load_module(source)
    return key, module.kernel


def load_module(source):
    """``(key, module)`` of this kernel source, from memory, disk or a fresh compile."""
    key = kernel_key(source)
    name = f"graphflow_kernel_{key}"
    with _LOADING:  # a second thread must not see a module that is still executing
        module = sys.modules.get(name)
        if module is None:
            module = _load(name, key, f"# cache key: {key} ({_VERSIONS})\n{source}")
    return key, module


def _load(name, key, text):
    """The module from its file in the cache directory (written if absent or not what the
    key says), or, where the directory cannot hold it, compiled in memory."""
    where, why = None, "no cache directory can be created"
    for _ in range(2):  # a directory deleted under us is created again, once
        where = cache_dir()
        if where is None:
            break
        path = os.path.join(where, f"{name}.py")
        try:
            return _execute(name, path, _stored(path, key, text), key)
        except (OSError, _NoDiskCache) as e:
            why = e
    _warn_once("memory", "kernel %s cannot be cached in %s (%s); compiled in memory (said "
               "once per process)", key, where, why)
    return _execute(name, f"<graphflow kernel {key}>", _without_disk_cache(text), None)


class _NoDiskCache(Exception):
    """Numba found no directory to cache a kernel's machine code in."""


def _stored(path, key, text):
    """The text of the kernel file at ``path``, written first if its code is not the code
    its key names (absent; edited; cut short or left empty by a crash)."""
    found = _read(path)
    if found is not None and _key_of(found) == key:
        return found  # (its comments may name another group's ops: same code, same kernel)
    _write_atomically(path, text)
    if found is not None:  # Numba's files were stamped with what the file held
        _remove_machine_code(os.path.join(os.path.dirname(path), "__pycache__"),
                             _numba_files(key))
        gf_logging.get_logger().warning(
            "kernel cache file %s is not the code its name says (edited or damaged); "
            "wrote it again, compiling it afresh", path)
    return text


def _key_of(text):
    try:
        return kernel_key(text)
    except (SyntaxError, tokenize.TokenError):  # cut short inside a bracket or a string
        return None


def _execute(name, filename, text, key):
    """Run the module's code from ``text`` (the text that was checked: a ``.pyc`` or a
    file changed since is never used). With a ``key``, ``filename`` is the kernel file, and
    Numba's cache of each of its functions is made disposable."""
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    sys.modules[name] = module
    try:
        exec(compile(text, filename, "exec"), module.__dict__)
    except RuntimeError as e:
        del sys.modules[name]
        if key is not None and "cannot cache" in str(e):  # e.g. the file was deleted
            raise _NoDiskCache(str(e)) from None
        raise
    except BaseException:
        del sys.modules[name]
        raise
    for value in list(vars(module).values()):
        defined_here = getattr(getattr(value, "py_func", None), "__globals__", None) is vars(
            module)  # not the scalar library's functions it imports
        if key is not None and defined_here and hasattr(value, "_cache"):
            value._cache = _DisposableCache(value._cache, key)
    return module


_DECORATOR_CACHE = re.compile(r"^(@[\w.]+\()cache=True", re.MULTILINE)


def _without_disk_cache(text):
    """The kernel text with Numba's disk cache off (there is no file to cache it by)."""
    text, count = _DECORATOR_CACHE.subn(r"\1cache=False", text)
    assert count, "a kernel's decorators start with cache=True"
    return text


class _DisposableCache:
    """Numba's disk cache of one kernel function, whose files may be damaged or vanish at
    any time: a load that fails deletes them, so the function compiles afresh (and saves
    new ones); a save that fails leaves the function compiled for this process. Numba
    raises from either (a truncated index: EOFError) and would fail the user's run."""

    def __init__(self, cache, key, files=None):
        self._numba_cache, self._key = cache, key
        self._files = files or _numba_files(key)  # its files' glob

    def __getattr__(self, attr):
        return getattr(self._numba_cache, attr)

    def load_overload(self, sig, target_context):
        try:
            return self._numba_cache.load_overload(sig, target_context)
        except Exception as e:  # noqa: BLE001 (any damage: pickle, EOF, OS, LLVM errors)
            where = self._numba_cache.cache_path
            gf_logging.get_logger().warning(
                "Numba's cache of kernel %s in %s could not be loaded (%s: %s); deleted "
                "%d of its files, compiling it afresh", self._key, where, type(e).__name__,
                e, _remove_machine_code(where, self._files))
            return None

    def save_overload(self, sig, data):
        try:
            self._numba_cache.save_overload(sig, data)
        except Exception as e:  # noqa: BLE001 (a directory deleted or made read-only)
            _warn_once("save", "cannot save compiled kernel %s in %s (%s: %s); it stays "
                       "compiled for this process", self._key, self._numba_cache.cache_path,
                       type(e).__name__, e)


def _numba_files(key):
    """The glob of Numba's index and data files of every function of kernel ``key``."""
    return f"graphflow_kernel_{key}.*.nb[ic]"


def disposable(function, name):
    """Make Numba's disk cache of a ``cache=True`` function of graphflow's own (outside
    the kernel cache: ``ops/window_kernels``) disposable, as the kernels' is."""
    function._cache = _DisposableCache(function._cache, name, f"{name}-*.nb[ic]")


def _remove_machine_code(directory, files):
    """Delete Numba's index and data files matching the glob ``files``; how many were
    deleted."""
    removed = 0
    pattern = os.path.join(glob.escape(directory), files)
    for path in glob.glob(pattern):
        with contextlib.suppress(OSError):
            os.remove(path)
            removed += 1
    return removed


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
