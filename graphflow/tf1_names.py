"""TF1's public names (``tf1_names.txt``, listed from TensorFlow itself): which of them
graphflow has, and the error for one it lacks.

Each public module of graphflow ends with ``__getattr__ = tf1_names.module_getattr(...)``:
Python calls it only for a name the module does not have, and it tells a TF1 name graphflow
lacks (``tf.contrib``, ``tf.nn.ctc_loss``: one clear line pointing at the compatibility page)
from a name TF1 never had (the usual AttributeError).
"""

import functools
import os

from . import errors

COMPAT_PAGE = "docs/tf1-compatibility.md"
_LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_names.txt")


class MissingTF1NameError(errors.UnimplementedError, AttributeError):
    """A name TF1 has and graphflow does not (an AttributeError too, so ``hasattr`` and
    ``getattr(tf, name, default)`` keep working)."""


class MissingTF1ModuleError(errors.UnimplementedError, ModuleNotFoundError):
    """``import tensorflow.<module>`` under ``graphflow run`` for a module graphflow lacks."""


@functools.cache
def names():
    """Every TF1 name as ``tf.nn.relu``, and every TF1 module as ``tf.nn/``."""
    with open(_LIST) as f:
        return frozenset(line.strip() for line in f if line.strip() and line[0] != "#")


# TF1's own modules that TF 2's compat.v1 dropped: the list names them, not what is in them,
# so every name under them is taken to be TF1's (a typo there reads as a name we lack).
UNLISTED_MODULES = ("tf.contrib", "tf.estimator")


def is_tf1(path):
    """Whether ``path`` (``tf.nn.relu``, ``tf.contrib``) is a TF1 name or module."""
    return (path in names() or path + "/" in names()
            or path.startswith(tuple(m + "." for m in UNLISTED_MODULES)))


def lacking(path):
    """The error for a TF1 name graphflow does not have."""
    what = "module" if path + "/" in names() else "name"
    return MissingTF1NameError(f"{path} is a TF1 {what} that graphflow does not have; "
                               f"{COMPAT_PAGE} lists what graphflow has and how it differs")


def missing(tf_path, name, module_name):
    """The error for ``<module>.<name>`` not found: MissingTF1NameError for a TF1 name, else
    the AttributeError Python would raise."""
    if not name.startswith("__") and is_tf1(f"{tf_path}.{name}"):
        return lacking(f"{tf_path}.{name}")
    return AttributeError(f"module {module_name!r} has no attribute {name!r}", name=name)


def module_getattr(tf_path, module_name):
    """A module ``__getattr__`` for the graphflow module that stands for TF1's ``tf_path``."""

    def __getattr__(name):
        raise missing(tf_path, name, module_name)

    return __getattr__


def coverage():
    """``(have, lack)``: TF1's names (modules left out) that resolve in graphflow, and the rest."""
    import graphflow

    have, lack, absent = [], [], object()
    for path in sorted(n for n in names() if not n.endswith("/")):
        value = graphflow
        for part in path.split(".")[1:]:
            value = getattr(value, part, absent)
            if value is absent:
                break
        (lack if value is absent else have).append(path)
    return have, lack
