"""Variables and assignment: state that lives in the Session, not in the graph.

A ``Variable`` *is* the tensor that reads it, so it works anywhere a tensor does.
Assign ops write ``new = reference(old, value)`` into the session's store; the
Session decides which reads see values from before or after a run's assignments.
"""

from .. import errors
from ..graph import GraphKeys, Tensor, get_default_graph, name_scope, session_or_default
from .base import ASSIGN, VARIABLE, OpDef, Spec, old_value
from .control import group
from .elementwise import ADD, IDENTITY, SUB
from .sources import convert_to_tensor


def _variable_infer(inputs, *, shape, dtype):
    return Spec(shape, dtype)


class Variable(Tensor):
    """A mutable tensor held by each Session (TF1's ``tf.Variable``).

    ``Variable(initial_value, trainable=True, name=None, dtype=None)``; run
    ``v.initializer`` (or ``global_variables_initializer()``) before reading it.
    """

    @errors.api_boundary
    def __new__(cls, initial_value=None, trainable=True, collections=None, validate_shape=True,
                caching_device=None, name=None, variable_def=None, dtype=None, **kwargs):
        if initial_value is None:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "Variable needs an initial_value")
        return _make_variable(initial_value, trainable, collections, name, dtype)

    def __init__(self, *args, **kwargs):
        pass  # built in __new__ (the op creates this very object as its output)

    initializer = property(lambda self: self._initializer)
    initial_value = property(lambda self: self._initial_value)
    trainable = property(lambda self: self._trainable)

    @errors.api_boundary
    def assign(self, value, use_locking=None, name=None, read_value=True):
        return assign(self, value, name=name)

    @errors.api_boundary
    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return assign_add(self, delta, name=name)

    @errors.api_boundary
    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return assign_sub(self, delta, name=name)

    def read_value(self):
        """A read of the variable as a new tensor (inside control_dependencies: after them)."""
        return IDENTITY(self, name="read")

    def value(self):
        return self

    @errors.api_boundary
    def load(self, value, session=None):
        """Write ``value`` into this variable in ``session`` (or the default session)."""
        session_or_default(session, self).load_variable(self, value)

    def __repr__(self):
        return f"<gf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


VARIABLE_OP = OpDef("VariableV2", VARIABLE, _variable_infer, differentiable=False,
                    tensor_class=Variable)


def _make_variable(initial_value, trainable, collections, name, dtype):
    graph = get_default_graph()
    if graph.outer is not None:  # made inside a control-flow body: it belongs to the graph
        with graph.root.as_default():  # (and is read from the body), as in TF1
            return _make_variable(initial_value, trainable, collections, name, dtype)
    with graph.control_dependencies(None), name_scope(name, "Variable") as scope:
        if callable(initial_value):
            initial_value = initial_value()
        init = convert_to_tensor(initial_value, dtype, name="initial_value")
        if not init.shape.is_fully_defined():
            raise errors.ShapeError(
                f"the initial value of Variable {scope[:-1]!r} must have a fully known shape, "
                f"got {errors.describe(init)}"
            )
        var = VARIABLE_OP(shape=init.shape, dtype=init.dtype, name=scope)
        var._initial_value = init
        var._trainable = bool(trainable)
        var._initializer = ASSIGN_OP(var, init, name="Assign").op
    if collections is None:
        collections = [GraphKeys.GLOBAL_VARIABLES]
    if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
        collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
    graph.add_to_collections(collections, var)
    return var


def _assign_infer(inputs):
    ref, value = inputs
    if not isinstance(ref, Variable):
        raise TypeError(f"assign needs a Variable to write to, got {ref.name!r}")
    if value.dtype != ref.dtype:
        raise TypeError(f"cannot assign a {value.dtype.name} value to the {ref.dtype.name} "
                        f"variable {ref.name!r}")
    if not ref.shape.is_compatible_with(value.shape):
        raise ValueError(f"cannot assign a value of shape {value.shape} to the variable "
                         f"{ref.name!r} of shape {ref.shape}")
    return Spec(ref.shape, ref.dtype)


ASSIGN_OP = OpDef("Assign", ASSIGN, _assign_infer, lambda old, value: value, differentiable=False)
ASSIGN_ADD = OpDef("AssignAdd", ASSIGN, _assign_infer, lambda old, value: old_value(old) + value,
                   update=ADD, differentiable=False)
ASSIGN_SUB = OpDef("AssignSub", ASSIGN, _assign_infer, lambda old, value: old_value(old) - value,
                   update=SUB, differentiable=False)


def _assign_fn(opdef, default_name):
    def fn(ref, value, validate_shape=None, use_locking=None, name=None):
        if not isinstance(ref, Variable):
            raise errors.DTypeError(f"{default_name} needs a Variable, got {ref!r}")
        return opdef(ref, convert_to_tensor(value, ref.dtype), name=name or default_name)

    fn.__name__ = default_name
    fn.__doc__ = f"{opdef.type}: update variable ``ref``; returns its new value as a tensor."
    return fn


assign = _assign_fn(ASSIGN_OP, "Assign")
assign_add = _assign_fn(ASSIGN_ADD, "AssignAdd")
assign_sub = _assign_fn(ASSIGN_SUB, "AssignSub")


def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list``."""
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init_local")


# TF1's deprecated spellings, still common in tutorials
initialize_all_variables = global_variables_initializer
initialize_local_variables = local_variables_initializer
initialize_variables = variables_initializer
all_variables = global_variables

