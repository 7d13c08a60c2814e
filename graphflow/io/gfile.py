"""TF1's ``tf.io.gfile``: the ``tf.gfile`` functions under their lower-case names."""

import os

from .. import gfile as _gfile
from .. import tf1_names as _tf1_names
from ..gfile import GFile  # noqa: F401

copy = _gfile.Copy
exists = _gfile.Exists
glob = _gfile.Glob
isdir = _gfile.IsDirectory
listdir = _gfile.ListDirectory
makedirs = _gfile.MakeDirs
mkdir = _gfile.MkDir
remove = _gfile.Remove
rename = _gfile.Rename
rmtree = _gfile.DeleteRecursively
stat = _gfile.Stat


def walk(top, topdown=True, onerror=None):
    """``(dirname, subdirs, files)`` below ``top`` (``onerror`` is accepted: a missing or
    unreadable directory is skipped, as in TF1)."""
    return _gfile.Walk(top, in_order=topdown)


def join(path, *paths):
    """``os.path.join`` (TF1's also joins URLs such as ``gs://``; graphflow's files are local)."""
    return os.path.join(path, *paths)

__getattr__ = _tf1_names.module_getattr("tf.io.gfile", __name__)  # a TF1 name we lack: say so
