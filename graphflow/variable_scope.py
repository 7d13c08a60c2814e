"""TF1's variable scopes: ``variable_scope``, ``get_variable`` and sharing by name.

Variable names come from the *variable* scope alone (``get_variable("w")`` inside
``variable_scope("a")`` is ``a/w``, never ``a_1/w``), while ops go in the name scope that
``variable_scope`` also opens, which is made unique like any name scope.  Each Graph keeps
its own store of shared variables and scopes (``graph._variable_scope_store``).
"""

import contextlib
import inspect

from . import dtypes, errors
from .graph import GraphKeys, Tensor, _graph_of, get_default_graph
from .ops.state import Variable
from .shapes import as_shape


class _ReuseMode:
    """The type of ``AUTO_REUSE``: create a variable if missing, else share it."""

    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """A variable scope: its full name, reuse mode and defaults for ``get_variable``."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, dtype=dtypes.float32,
                 name_scope=""):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._dtype = dtypes.as_dtype(dtype)
        self._name_scope = name_scope

    name = property(lambda self: self._name)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    # The name scope this variable scope opened when first entered ("dense_1/").
    original_name_scope = property(lambda self: self._name_scope)

    def reuse_variables(self):
        """From now on, ``get_variable`` in this scope shares existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     trainable=None, collections=None, reuse=None, **kwargs):
        """``get_variable`` in this scope (``tf.get_variable`` uses the current scope)."""
        full_name = f"{self._name}/{name}" if self._name else name
        if dtype is not None and _is_constant(initializer):
            found = dtypes.as_dtype(dtype)
            given = (initializer.dtype if isinstance(initializer, Tensor)
                     else dtypes.infer_dtype(initializer))
            if given != found:
                raise errors.at_user_line(
                    errors.InvalidArgumentError, f"Initializer type '{given.name}' and explicit "
                    f"dtype '{found.name}' don't match.")
        reuse = reuse if reuse is not None else self._reuse
        return _store().get_variable(
            full_name, shape, dtypes.as_dtype(dtype or self._dtype),
            initializer if initializer is not None else self._initializer,
            regularizer if regularizer is not None else self._regularizer,
            True if trainable is None else trainable, collections, reuse)

    def __repr__(self):
        return f"<gf.VariableScope {self._name!r} reuse={self._reuse}>"


class _VariableStore:
    """One graph's shared variables, current variable scope and scope use counts."""

    def __init__(self, graph):
        self.graph = graph
        self.variables = {}  # full name -> Variable made by get_variable
        self.current = VariableScope(False)
        self.scope_counts = {}  # full scope name -> times opened (for unique default names)

    def open_scope(self, name):
        self.scope_counts[name] = self.scope_counts.get(name, 0) + 1

    def close_subscopes(self, name):
        """Leaving scope ``name`` resets the counts below it, so re-entering it (to share
        variables) gives its default-named subscopes the same names again (TF1)."""
        for key in self.scope_counts:
            if key.startswith(name + "/"):
                self.scope_counts[key] = 0

    def unique_scope_name(self, prefix):
        """``prefix``, or ``prefix_1``, ``prefix_2``... not yet opened in the current scope."""
        base = f"{self.current.name}/{prefix}" if self.current.name else prefix
        if not self.scope_counts.get(base):
            return prefix
        i = 1
        while self.scope_counts.get(f"{base}_{i}"):
            i += 1
        return f"{prefix}_{i}"

    def get_variable(self, name, shape, dtype, initializer, regularizer, trainable, collections,
                     reuse):
        shape = None if shape is None else as_shape(shape)
        found = self.variables.get(name)
        if found is not None:
            return _shared(found, name, shape, dtype, reuse)
        if reuse is True:
            raise errors.at_user_line(
                errors.InvalidArgumentError,
                f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
        initial_value, dtype = _initial_value(name, shape, dtype, initializer)
        graph = self.graph
        with graph.name_scope(None):  # the variable's name depends on the variable scope only
            var = Variable(initial_value, trainable=trainable, collections=collections,
                           name=name, dtype=dtype)
            self.variables[name] = var
            if regularizer is not None:
                with graph.name_scope(name + "/Regularizer/"):
                    loss = regularizer(var)
                if loss is not None:
                    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return var


def _shared(var, name, shape, dtype, reuse):
    if not reuse:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Variable {name} already exists, disallowed. Did you mean to set reuse=True or "
            f"reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n  "
            f"{var.op.source}: {var.op.source.code if var.op.source else ''}")
    if shape is not None and not shape.is_compatible_with(var.shape):
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Trying to share variable {name}, but specified shape {shape} and found shape "
            f"{var.shape}.")
    if dtype != var.dtype:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Trying to share variable {name}, but specified dtype {dtype.name} and found "
            f"dtype {var.dtype.name}.")
    return var


def _initial_value(name, shape, dtype, initializer):
    """``(initial value or a function making it, dtype or None)`` for a new variable."""
    if _is_constant(initializer):  # the value decides shape and dtype
        if shape is not None:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "If initializer is a constant, do not specify shape.")
        return initializer, None
    if shape is None:
        if initializer is not None and _needs_no_arguments(initializer):
            return initializer, None
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Variable {name} did not get an initializer, so its `shape` argument must be "
            "specified." if initializer is None else
            f"Shape of a new variable ({name}) must be fully defined, but instead was <unknown>.")
    if not shape.is_fully_defined():
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Shape of a new variable ({name}) must be fully defined, but instead was {shape}.")
    if initializer is None:
        initializer = _default_initializer(name, dtype)
    elif inspect.isclass(initializer):
        initializer = initializer()
    dims = shape.as_list()
    extra = {"partition_info": None} if _takes_partition_info(initializer) else {}

    def initial_value():  # called by Variable inside its name scope: <name>/Initializer/...
        with get_default_graph().name_scope("Initializer"):
            return initializer(dims, dtype=dtype, **extra)

    return initial_value, dtype


def _is_constant(initializer):
    return initializer is not None and (isinstance(initializer, Tensor)
                                        or not callable(initializer))


def _default_initializer(name, dtype):
    """TF1: glorot_uniform for floats, zeros for integers and bools."""
    from .initializers import GlorotUniform, Zeros

    if dtype.is_floating:
        return GlorotUniform()
    if dtype.is_integer or dtype == dtypes.bool_:
        return Zeros()
    raise errors.at_user_line(
        errors.InvalidArgumentError,
        f"An initializer for variable {name} of {dtype.name} is required")


def _needs_no_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params)


def _takes_partition_info(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "partition_info" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _store(graph=None):
    graph = (graph if graph is not None else get_default_graph()).root  # (a body's: its graph's)
    store = graph.__dict__.get("_variable_scope_store")
    if store is None:
        store = graph._variable_scope_store = _VariableStore(graph)
    return store


def get_variable_scope():
    """The current VariableScope (the root scope has the name ``""``)."""
    return _store().current


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 **kwargs):
    """The variable ``<scope>/<name>``: created if new, shared if the scope reuses.

    ``initializer`` may be an initializer (class or object), any callable taking
    ``(shape, dtype=...)``, or a constant value or tensor (then leave ``shape`` out).
    Without one: glorot_uniform for floats, zeros for integers (TF1's defaults).
    """
    if partitioner is not None or custom_getter is not None:
        raise errors.at_user_line(
            errors.UnimplementedError, "get_variable: partitioner and custom_getter are not "
            "supported")
    return get_variable_scope().get_variable(
        name, shape, dtype, initializer, regularizer, trainable, collections)


class variable_scope:  # noqa: N801 (TF1 name)
    """``with variable_scope("a") as scope:`` - ``get_variable`` names start with ``a/``.

    Also opens a name scope for ops (made unique: ``a_1/`` on a second entry).
    ``reuse=True`` shares existing variables, ``AUTO_REUSE`` creates or shares; reuse is
    inherited by nested scopes. ``name_or_scope`` may be a VariableScope (re-enter it,
    same variable names); with ``name_or_scope=None`` the scope is ``default_name`` made
    unique (``dense``, ``dense_1``...).
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if partitioner is not None or custom_getter is not None:
            raise errors.at_user_line(
                errors.UnimplementedError, "variable_scope: partitioner and custom_getter are "
                "not supported")
        if name_or_scope is None and default_name is None:
            raise errors.at_user_line(
                errors.DTypeError, "If default_name is None then name_or_scope is required")
        if name_or_scope is None and reuse is True:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "reuse=True cannot be used without a name_or_scope")
        if not isinstance(name_or_scope, (str, VariableScope, type(None))):
            raise errors.at_user_line(
                errors.DTypeError, f"VariableScope: name_or_scope must be a string or "
                f"VariableScope, got {name_or_scope!r}")
        if reuse is False:
            reuse = None  # False never turns off an outer scope's reuse (TF1)
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._graph = _graph_of(values) if values else get_default_graph()
        self._defaults = {"initializer": initializer, "regularizer": regularizer,
                          "dtype": dtype}
        self._reuse = reuse
        self._auxiliary = auxiliary_name_scope
        self._exit = None

    def __enter__(self):
        with contextlib.ExitStack() as stack:
            stack.enter_context(self._graph.as_default())
            scope = self._open(stack)
            self._exit = stack.pop_all()
        return scope

    def __exit__(self, *exc):
        exit_stack, self._exit = self._exit, None
        return exit_stack.__exit__(*exc)

    def _open(self, stack):
        store = _store(self._graph)
        old = store.current
        given = self._name_or_scope
        if isinstance(given, VariableScope):
            if self._auxiliary and given.name:
                stack.enter_context(self._graph.name_scope(given.name.split("/")[-1]))
            new = VariableScope(self._reuse or given.reuse, given.name, given.initializer,
                                given.regularizer, given.dtype, given.original_name_scope)
            store.open_scope(new.name)
            saved_counts = dict(store.scope_counts)
            stack.callback(lambda: setattr(store, "scope_counts", saved_counts))
        else:
            local = given if given is not None else self._default_name
            name_scope = self._name_scope(stack, local)
            if given is None:
                local = store.unique_scope_name(self._default_name)
            full = f"{old.name}/{local}" if old.name else local
            new = VariableScope(self._reuse or old.reuse, full, old.initializer,
                                old.regularizer, old.dtype, name_scope)
            store.open_scope(full)
            stack.callback(store.close_subscopes, full)
        if self._defaults["initializer"] is not None:
            new.set_initializer(self._defaults["initializer"])
        if self._defaults["regularizer"] is not None:
            new.set_regularizer(self._defaults["regularizer"])
        if self._defaults["dtype"] is not None:
            new.set_dtype(self._defaults["dtype"])
        store.current = new
        stack.callback(setattr, store, "current", old)
        return new

    def _name_scope(self, stack, name):
        if not self._auxiliary:
            current = self._graph.get_name_scope()
            return f"{current}/{name}/" if current else f"{name}/"
        return stack.enter_context(self._graph.name_scope(name))


errors.wrap_public(globals())
