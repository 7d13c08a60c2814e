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
import threading
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
    "ops.rnn": (_NN,),
    "ops.rnn_cell": ("graphflow.nn.rnn_cell",),
    "ops.rnn_cell_impl": ("graphflow.nn.rnn_cell",),
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
    ``tf_path`` is the TF1 module it stands for (None: one of TF's internal modules).

    A public view hands out graphflow's modules as the views that stand for them
    (``tf.nn``, ``tf.compat.v1`` is ``tf``), as ``import tensorflow.nn`` does, so the two
    ways to reach a module give one object. ``__all__`` is every public name, as
    ``from tensorflow import *`` and ``help(tf)`` expect."""

    def __init__(self, name, sources, tf_path=None, finder=None):
        super().__init__(name)
        self._sources, self._tf_path, self._finder = sources, tf_path, finder
        self.__path__ = []  # submodules come from the finder (and a clear error if missing)
        if tf_path is not None:
            first = importlib.import_module(sources[0])
            self.__doc__, self.__file__ = first.__doc__, getattr(first, "__file__", None)

    def __getattr__(self, name):
        if name == "__all__":  # never Python's own print: `from tensorflow import *` then
            return [n for n in self.__dir__() if n != "print"]  # print("...") must print
        if not name.startswith("__") or name == "__version__":
            for source in self._sources:
                value = getattr(importlib.import_module(source), name, _ABSENT)
                if value is not _ABSENT:
                    value = self._public(name, value)
                    setattr(self, name, value)  # found once, then a plain attribute
                    return value
        if self._tf_path is not None:
            raise tf1_names.missing(self._tf_path, name, self.__name__)
        raise AttributeError(f"graphflow has no {self.__name__}.{name}: {_INTERNAL}", name=name)

    def _public(self, name, value):
        """A graphflow module as the view standing for it (``tensorflow.<...>.name``)."""
        if (self._tf_path is None or not isinstance(value, types.ModuleType)
                or not value.__name__.split(".")[0] == "graphflow"):
            return value
        try:
            view = self._finder.module(f"{self.__name__}.{name}")
        except ImportError:
            return value
        return view if view._sources[0] == value.__name__ else value

    def __dir__(self):
        return sorted({n for source in self._sources
                       for n in dir(importlib.import_module(source)) if n[0] != "_"})


_ABSENT, _NOT_A_MODULE = object(), object()
_INTERNAL = (f"graphflow stands in for TF1's public names (tf.*), listed in "
             f"{tf1_names.COMPAT_PAGE}, not for TensorFlow's internal modules")


class _TensorflowFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``tensorflow`` and its submodules; the module objects come from ``module``,
    one per name. ``hidden``: the ``tensorflow`` modules imported before (a real TensorFlow),
    put back by ``uninstall``."""

    def __init__(self, hidden):
        self.hidden = hidden
        self._tensorflow = _View("tensorflow", (_TOP,), "tf", self)
        self._modules = {"tensorflow": self._tensorflow, "tensorflow.compat.v1": self._tensorflow}
        self._lock = threading.Lock()

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "tensorflow" or fullname.startswith("tensorflow."):
            self.module(fullname)  # raises for what graphflow lacks
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return self.module(spec.name)

    def exec_module(self, module):
        pass  # made whole by module()

    def module(self, fullname):
        """The one module object standing for ``fullname`` (``tensorflow.nn``)."""
        module = self._modules.get(fullname)
        if module is None and fullname.startswith("tensorflow.compat.v1."):
            module = self.module("tensorflow." + fullname[len("tensorflow.compat.v1."):])
        if module is None:
            module = self._make(fullname)
            with self._lock:  # two threads importing at once get one module
                module = self._modules.setdefault(fullname, module)
        return module

    def _make(self, fullname):
        rest = fullname[len("tensorflow."):]
        if rest == "python" or rest.startswith("python."):
            inner = rest[len("python."):]
            if rest == "python" or inner in _PYTHON_PACKAGES:
                return _View(fullname, ())
            if inner in _PYTHON_VIEWS:
                return _View(fullname, _PYTHON_VIEWS[inner])
            raise tf1_names.MissingTF1ModuleError(f"graphflow has no {fullname}: {_INTERNAL}")
        source = _graphflow_module(rest)
        if source is _NOT_A_MODULE:  # graphflow has the name, and it is no module (TF1's too)
            raise ModuleNotFoundError(f"No module named {fullname!r}: tf.{rest} is not a "
                                      "module", name=fullname)
        if source is None:
            path = f"tf.{rest}"
            if tf1_names.is_tf1(path) or any(tf1_names.is_tf1(p) for p in _parents(path)):
                # no name=: importing from a package swallows a ModuleNotFoundError named
                # after the missing name, and the program would read "cannot import name"
                raise tf1_names.MissingTF1ModuleError(tf1_names.lacking(path).message) from None
            raise ModuleNotFoundError(f"No module named {fullname!r} ({_INTERNAL})",
                                      name=fullname) from None
        return _View(fullname, (source,), f"tf.{rest}", self)


def _graphflow_module(rest):
    """The name of graphflow's module for ``tensorflow.<rest>``: its submodule of that name
    (imported here), else the module that attribute path reaches (``tf.app.flags`` is
    ``graphflow.flags``); ``_NOT_A_MODULE`` when the path reaches a value, not a module
    (``tf.nn.relu``), None when graphflow has nothing there."""
    try:
        return importlib.import_module(f"{_TOP}.{rest}").__name__
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith(f"{_TOP}."):
            raise  # graphflow has the module; something it imports is missing
    value = importlib.import_module(_TOP)
    for part in rest.split("."):
        value = getattr(value, part, _ABSENT)
    if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == _TOP:
        return value.__name__
    return None if value is _ABSENT or isinstance(value, types.ModuleType) else _NOT_A_MODULE


def _parents(path):
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def install():
    """Make ``import tensorflow`` (and its submodules) give graphflow, until ``uninstall()``.
    A TensorFlow imported before stays hidden meanwhile, and comes back afterwards (its
    modules as they were: a real TensorFlow cannot be imported twice in one process).
    Returns False, and does nothing, when the finder is already installed."""
    if any(isinstance(f, _TensorflowFinder) for f in sys.meta_path):
        return False
    hidden = {name: sys.modules.pop(name) for name in _tensorflow_modules()}
    sys.meta_path.insert(0, _TensorflowFinder(hidden))
    return True


def uninstall():
    """Undo ``install()``: the finder goes, the ``tensorflow`` modules it gave are forgotten,
    and those it hid come back."""
    finders = [f for f in sys.meta_path if isinstance(f, _TensorflowFinder)]
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _TensorflowFinder)]
    for name in _tensorflow_modules():
        del sys.modules[name]
    for finder in finders:
        sys.modules.update(finder.hidden)


def _tensorflow_modules():
    return [n for n in list(sys.modules) if n == "tensorflow" or n.startswith("tensorflow.")]
