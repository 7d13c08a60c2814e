"""TF1's ``tf.gfile``: files and directories with TF1's names and errors, on the local disk.

Missing paths raise ``errors.NotFoundError``, existing targets ``AlreadyExistsError``, a
directory where a file is wanted ``FailedPreconditionError``, and reading a file opened for
writing (or the reverse) ``PermissionDeniedError``, as in TF1. graphflow has no remote file
systems (``gs://``, ``hdfs://``): paths are local.
"""

import contextlib
import glob as _glob
import os
import shutil

from . import errors
from . import tf1_names as _tf1_names

_MODES = ("r", "w", "a", "r+", "w+", "a+")


@contextlib.contextmanager
def _os_errors(path):
    """OSErrors as TF1's errors, naming the path."""
    try:
        yield
    except FileNotFoundError:
        raise errors.NotFoundError(f"{path}; No such file or directory") from None
    except FileExistsError:
        raise errors.AlreadyExistsError(f"{path}; File exists") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(f"{path}; Is a directory") from None
    except NotADirectoryError:
        raise errors.FailedPreconditionError(f"{path}; Not a directory") from None
    except PermissionError:
        raise errors.PermissionDeniedError(f"{path}; Permission denied") from None
    except OSError as e:
        raise errors.UnknownError(f"{path}; {e.strerror or e}") from None


class GFile:
    """A file (TF1's ``tf.gfile.GFile``/``Open``): ``read``, ``readline``, ``readlines``,
    ``write``, ``seek``, ``tell``, ``size``, iteration over lines, ``with`` blocks.

    ``mode`` is ``r``, ``w``, ``a``, ``r+``, ``w+`` or ``a+``, with ``b`` for bytes (else
    reads give str, decoded as UTF-8); ``write`` takes str or bytes in either. As in TF1 the
    file opens at the first read or write: a missing file raises ``NotFoundError`` there, and
    a file opened for writing and never written is not created.
    """

    def __init__(self, name, mode="r"):
        if mode.replace("b", "") not in _MODES:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"mode {mode!r} is not one of {', '.join(_MODES)} "
                                      "(with 'b' for bytes)")
        self.name, self.mode = os.fspath(name), mode
        self._binary = "b" in mode
        self._file, self._closed = None, False

    def _open(self, for_write):
        if self._closed:
            raise errors.FailedPreconditionError(f"the file {self.name} is closed")
        plain = self.mode.replace("b", "")
        if for_write and plain == "r":
            raise errors.PermissionDeniedError("File isn't open for writing")
        if not for_write and plain in ("w", "a"):
            raise errors.PermissionDeniedError("File isn't open for reading")
        if self._file is None:
            with _os_errors(self.name):
                self._file = open(self.name, plain.replace("+", "") + "b" + (
                    "+" if "+" in plain else ""))
        return self._file

    def _out(self, data):
        return data if self._binary else data.decode("utf-8")

    def read(self, n=-1):
        """``n`` bytes (all with -1), as str unless the mode has ``b``."""
        return self._out(self._open(False).read(n))

    def readline(self):
        return self._out(self._open(False).readline())

    def readlines(self):
        return [self._out(line) for line in self._open(False).readlines()]

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__  # TF1's Python 2 spelling

    def write(self, file_content):
        """Write str (as UTF-8) or bytes."""
        data = file_content.encode("utf-8") if isinstance(file_content, str) else file_content
        self._open(True).write(data)

    def seek(self, offset=None, whence=0, position=None):
        """Move to byte ``offset`` (TF1 also spells it ``position``)."""
        target = position if offset is None else offset
        self._open("w" in self.mode or "a" in self.mode).seek(target, whence)

    def tell(self):
        return self._open("w" in self.mode or "a" in self.mode).tell()

    def size(self):
        """The file's length in bytes."""
        if self._file is not None:
            self._file.flush()
        return Stat(self.name).length

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
        self._file, self._closed = None, True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<gfile.GFile {self.name!r} mode={self.mode!r}>"


Open = GFile


class FastGFile(GFile):
    """TF1's deprecated ``FastGFile``: a GFile."""


class FileStatistics:
    """What ``Stat`` returns: ``length`` (bytes), ``mtime_nsec``, ``is_directory``."""

    def __init__(self, length, mtime_nsec, is_directory):
        self.length, self.mtime_nsec, self.is_directory = length, mtime_nsec, is_directory

    def __repr__(self):
        return (f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, "
                f"is_directory={self.is_directory})")


def Exists(filename):  # noqa: N802 (TF1 name)
    """Whether a file or directory exists."""
    return os.path.exists(os.fspath(filename))


def IsDirectory(dirname):  # noqa: N802 (TF1 name)
    return os.path.isdir(os.fspath(dirname))


def MakeDirs(dirname):  # noqa: N802 (TF1 name)
    """Make a directory and its missing parents; nothing happens if it exists."""
    dirname = os.fspath(dirname)
    if os.path.exists(dirname) and not os.path.isdir(dirname):
        raise errors.FailedPreconditionError(f"{dirname} is not a directory")
    with _os_errors(dirname):
        os.makedirs(dirname, exist_ok=True)


def MkDir(dirname):  # noqa: N802 (TF1 name)
    """Make one directory (its parent must exist); nothing happens if it exists."""
    dirname = os.fspath(dirname)
    if not os.path.isdir(dirname):
        with _os_errors(dirname):
            os.mkdir(dirname)


def ListDirectory(dirname):  # noqa: N802 (TF1 name)
    """The names in a directory (sorted; no ``.`` or ``..``)."""
    dirname = os.fspath(dirname)
    if not os.path.isdir(dirname):
        raise errors.NotFoundError(f"Could not find directory {dirname}")
    with _os_errors(dirname):
        return sorted(os.listdir(dirname))


def Glob(filename):  # noqa: N802 (TF1 name)
    """The paths matching a pattern (``*``, ``?``, ``[...]``), sorted; [] when none."""
    if isinstance(filename, (list, tuple)):
        return sorted(p for pattern in filename for p in _glob.glob(os.fspath(pattern)))
    return sorted(_glob.glob(os.fspath(filename)))


def Remove(filename):  # noqa: N802 (TF1 name)
    """Delete a file (a directory is a FailedPreconditionError: use DeleteRecursively)."""
    filename = os.fspath(filename)
    if os.path.isdir(filename):
        raise errors.FailedPreconditionError(f"{filename}; Is a directory")
    with _os_errors(filename):
        os.remove(filename)


def DeleteRecursively(dirname):  # noqa: N802 (TF1 name)
    """Delete a directory and everything in it (or a file)."""
    dirname = os.fspath(dirname)
    if not os.path.lexists(dirname):
        raise errors.NotFoundError(f"{dirname} not found")
    with _os_errors(dirname):
        if os.path.isdir(dirname) and not os.path.islink(dirname):
            shutil.rmtree(dirname)
        else:
            os.remove(dirname)


def Rename(oldname, newname, overwrite=False):  # noqa: N802 (TF1 name)
    """Move a file or directory; an existing ``newname`` needs ``overwrite=True``."""
    oldname, newname = os.fspath(oldname), os.fspath(newname)
    _check_target(oldname, newname, overwrite)
    with _os_errors(oldname):
        os.replace(oldname, newname) if overwrite else os.rename(oldname, newname)


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802 (TF1 name)
    """Copy a file; an existing ``newpath`` needs ``overwrite=True``."""
    oldpath, newpath = os.fspath(oldpath), os.fspath(newpath)
    _check_target(oldpath, newpath, overwrite)
    with _os_errors(oldpath):
        shutil.copyfile(oldpath, newpath)


def _check_target(source, target, overwrite):
    if not os.path.exists(source):
        raise errors.NotFoundError(f"{source}; No such file or directory")
    if not overwrite and os.path.exists(target):
        raise errors.AlreadyExistsError(f"{target}; file already exists (pass overwrite=True)")


def Walk(top, in_order=True):  # noqa: N802 (TF1 name)
    """``(dirname, subdirs, files)`` for ``top`` and every directory below it (names sorted),
    parents first (``in_order``) or last; nothing for a missing ``top``."""
    top = os.fspath(top)
    try:
        names = sorted(os.listdir(top))
    except OSError:
        return
    subdirs = [n for n in names if os.path.isdir(os.path.join(top, n))]
    files = [n for n in names if n not in subdirs]
    if in_order:
        yield top, subdirs, files
    for name in subdirs:
        yield from Walk(os.path.join(top, name), in_order)
    if not in_order:
        yield top, subdirs, files


def Stat(filename):  # noqa: N802 (TF1 name)
    """A FileStatistics for a file or directory."""
    filename = os.fspath(filename)
    with _os_errors(filename):
        st = os.stat(filename)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(filename))

__getattr__ = _tf1_names.module_getattr("tf.gfile", __name__)  # a TF1 name we lack: say so
