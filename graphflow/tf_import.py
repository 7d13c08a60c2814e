"""``import tensorflow`` as graphflow: the import hook behind ``graphflow run``.

``install()`` puts a finder in front of ``sys.meta_path`` that answers every ``tensorflow``
import of a TF1 program:

- ``tensorflow`` and ``tensorflow.compat.v1`` are graphflow (one module object standing for
  it, so a program that sets attributes on ``tf`` does not change graphflow itself);
- ``tensorflow.<m>`` is graphflow's module ``<m>`` where graphflow has it (``tensorflow.nn``,
  ``tensorflow.examples.tutorials.mnist.input_data``);
- ``tensorflow.python.<...>``, TF's internal modules that programs import public names from
  (``from tensorflow.python.framework import ops``), are views that look those names up in
  graphflow's namespaces;
- any other TF1 module (``tensorflow.contrib``) is a MissingTF1ModuleError naming it.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import types

from . import tf1_names

# TF's internal modules -> the graphflow namespaces holding their public names, in lookup order
_TOP, _NN, _TRAIN, _INIT = "graphflow", "graphflow.nn", "graphflow.train", "graphflow.initializers"
_OPS = (_TOP, _NN, _INIT)
_PYTHON_VIEWS = {
    "framework.ops": (_TOP,),
    "framework.dtypes": ("graphflow.dtypes", _TOP),
    "framework.tensor_shape": ("graphflow.shapes", _TOP),
    "framework.constant_op": (_TOP,),
    "framework.random_seed": (_TOP,),
    "framework.errors": ("graphflow.errors",),
    "framework.errors_impl": ("graphflow.errors",),
    "client.session": (_TOP,),
    "platform.gfile": ("graphflow.gfile",),
    "platform.tf_logging": ("graphflow.logging",),
    "platform.flags": ("graphflow.flags",),
    "platform.app": ("graphflow.app",),
    "training.training": (_TRAIN,),
    "training.saver": (_TRAIN,),
    "training.optimizer": (_TRAIN,),
    "training.gradient_descent": (_TRAIN,),
    "training.adam": (_TRAIN,),
    "training.momentum": (_TRAIN,),
    "training.rmsprop": (_TRAIN,),
    "training.adagrad": (_TRAIN,),
    "training.training_util": (_TRAIN,),
    "layers.core": ("graphflow.layers",),
    "layers.layers": ("graphflow.layers",),
    **{f"ops.{m}": _OPS for m in (
        "array_ops", "math_ops", "nn", "nn_ops", "nn_impl", "init_ops", "variables",
        "variable_scope", "state_ops", "control_flow_ops", "random_ops", "clip_ops",
        "embedding_ops", "gradients", "gradients_impl", "standard_ops", "check_ops",
        "resource_variable_ops", "gen_math_ops", "gen_array_ops", "gen_nn_ops")},
}
_PYTHON_PACKAGES = {"", "framework", "ops", "client", "platform", "training", "layers"}


class _View(types.ModuleType):
    """A package-like module whose names are looked up in graphflow modules, in order;
    ``tf_path`` is the TF1 module it stands for (None: one of TF's internal modules)."""

    def __init__(self, name, sources, tf_path=None):
        super().__init__(name)
        self._sources, self._tf_path = sources, tf_path
        self.__path__ = []  # submodules come from the finder (and a clear error if missing)

    def __getattr__(self, name):
        if not name.startswith("__"):
            for source in self._sources:
                value = getattr(importlib.import_module(source), name, _ABSENT)
                if value is not _ABSENT:
                    setattr(self, name, value)  # found once, then a plain attribute
                    return value
        if self._tf_path is not None:
            raise tf1_names.missing(self._tf_path, name, self.__name__)
        raise AttributeError(f"graphflow has no {self.__name__}.{name}: {_INTERNAL}", name=name)

    def __dir__(self):
        return sorted({n for source in self._sources
                       for n in dir(importlib.import_module(source)) if n[0] != "_"})


_ABSENT = object()
_INTERNAL = (f"graphflow stands in for TF1's public names (tf.*), listed in "
             f"{tf1_names.COMPAT_PAGE}, not for TensorFlow's internal modules")


class _TensorflowFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``tensorflow`` and its submodules; the module objects come from ``_module``."""

    def __init__(self):
        self._tensorflow = _View("tensorflow", ("graphflow",), "tf")

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "tensorflow" or fullname.startswith("tensorflow."):
            self._module(fullname)  # raises for what graphflow lacks
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return self._module(spec.name)

    def exec_module(self, module):
        pass  # made whole by _module

    def _module(self, fullname):
        if fullname in ("tensorflow", "tensorflow.compat.v1"):
            return self._tensorflow
        rest = fullname[len("tensorflow."):]
        if rest == "python" or rest.startswith("python."):
            inner = rest[len("python."):]
            if rest == "python" or inner in _PYTHON_PACKAGES:
                return _View(fullname, ())
            if inner in _PYTHON_VIEWS:
                return _View(fullname, _PYTHON_VIEWS[inner])
            raise tf1_names.MissingTF1ModuleError(f"graphflow has no {fullname}: {_INTERNAL}")
        try:
            importlib.import_module(f"graphflow.{rest}")
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("graphflow."):
                raise  # graphflow has the module; something it imports is missing
            path = f"tf.{rest}"
            if tf1_names.is_tf1(path) or any(tf1_names.is_tf1(p) for p in _parents(path)):
                # no name=: importing from a package swallows a ModuleNotFoundError named
                # after the missing name, and the program would read "cannot import name"
                raise tf1_names.MissingTF1ModuleError(tf1_names.lacking(path).message) from None
            raise ModuleNotFoundError(f"No module named {fullname!r} ({_INTERNAL})",
                                      name=fullname) from None
        return _View(fullname, (f"graphflow.{rest}",), f"tf.{rest}")


def _parents(path):
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def install():
    """Make ``import tensorflow`` (and its submodules) give graphflow, until ``uninstall()``.
    Whatever TensorFlow is installed stays hidden meanwhile."""
    if not any(isinstance(f, _TensorflowFinder) for f in sys.meta_path):
        for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
            del sys.modules[name]
        sys.meta_path.insert(0, _TensorflowFinder())


def uninstall():
    """Undo ``install()``: the finder goes, and the ``tensorflow`` modules it gave are forgotten."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _TensorflowFinder)]
    for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
        del sys.modules[name]
