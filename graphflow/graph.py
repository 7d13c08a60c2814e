"""The static graph: Graph, Operation, Tensor, name scopes, control dependencies, collections.

Operations are immutable once made: an op's type, inputs, control inputs and attrs
never change, so later passes can key on them.  Every op remembers the user's
source line that created it, for error messages and the SVG.
"""

import contextlib
import re
import threading
import types

from . import errors, placement
from .shapes import as_shape

_VALID_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")


class GraphKeys:
    """Standard collection names (TF1's ``tf.GraphKeys``)."""

    GLOBAL_VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"


class Tensor:
    """The ``value_index``-th output of an Operation; a symbolic handle, not a value."""

    # Make NumPy defer to our reflected operators (``np_array * tensor``).
    __array_priority__ = 100
    __array_ufunc__ = None

    def __init__(self, op, value_index, shape, dtype):
        self._op = op
        self._value_index = value_index
        self._shape = as_shape(shape)
        self._dtype = dtype
        self._consumers = []
        self._claimed_at = None  # where the user's set_shape narrowed the shape (checked)

    op = property(lambda self: self._op)
    value_index = property(lambda self: self._value_index)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._op.graph)
    name = property(lambda self: f"{self._op.name}:{self._value_index}")
    device = property(lambda self: self._op.device)

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Narrow the static shape (TF1): it must stay compatible with what is known. The
        graph builds on it, so a run that contradicts it fails (TF1 does not check)."""
        try:
            merged = self._shape.merge_with(as_shape(shape))
        except ValueError:
            raise errors.ShapeError(
                f"cannot set the shape of {errors.describe(self)} to {as_shape(shape)}", self
            ) from None
        if merged != self._shape and errors.called_by_user():  # (graphflow's own are known)
            self._claimed_at = errors.user_location()
        self._shape = merged

    def consumers(self):
        """The operations that take this tensor as an input."""
        return list(self._consumers)

    @errors.api_boundary
    def eval(self, feed_dict=None, session=None):
        """Run this tensor in ``session`` (or the default session) and return its value."""
        return session_or_default(session, self).run(self, feed_dict)

    def __repr__(self):
        return f"<gf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __bool__(self):
        raise TypeError(
            f"using the graphflow Tensor {self.name!r} as a Python bool is not allowed: it has no "
            "value until Session.run; for a data-dependent choice use gf.cond (runs only the "
            "branch taken) or gf.where (elementwise, computes both sides), for a loop "
            "gf.while_loop"
        )

    def __iter__(self):
        raise TypeError(
            f"the graphflow Tensor {self.name!r} is symbolic and cannot be iterated; "
            "use gf.unstack or indexing"
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"cannot convert the symbolic Tensor {self.name!r} to a NumPy array: "
            "fetch it with Session.run to get its value"
        )

    __hash__ = object.__hash__


class Operation:
    """A node of the graph: an op declaration applied to input tensors with attrs."""

    def __init__(self, graph, opdef, name, inputs, attrs, control_inputs, output_specs, source,
                 role="forward", origin=None):
        self._graph = graph
        self._role = role
        self._origin = origin if origin is not None else self
        self._opdef = opdef
        self._name = name
        self._inputs = tuple(inputs)
        self._control_inputs = tuple(control_inputs)
        self._attrs = dict(attrs)
        self._source = source
        self._id = len(graph._ops)
        self._outputs = tuple(
            _new_tensor(opdef.tensor_class, self, i, shape, dtype)
            for i, (shape, dtype) in enumerate(output_specs)
        )
        for t in self._inputs:
            if t.graph is graph:  # a compiler's private copy never shows up in user graphs
                t._consumers.append(self)

    graph = property(lambda self: self._graph)
    name = property(lambda self: self._name)
    type = property(lambda self: self._opdef.type)
    opdef = property(lambda self: self._opdef)
    kind = property(lambda self: self._opdef.kind)
    inputs = property(lambda self: self._inputs)
    outputs = property(lambda self: self._outputs)
    control_inputs = property(lambda self: self._control_inputs)
    attrs = property(lambda self: types.MappingProxyType(self._attrs))
    role = property(lambda self: self._role)  # "forward", "backward" (gradients) or "update"
    # The user's op this one stands for: itself, or the op a compiler pass copied it from
    # (session state and random generators are keyed by the origin).
    origin = property(lambda self: self._origin)
    source = property(lambda self: self._source)
    id = property(lambda self: self._id)
    # the device asked for with gf.device, in TF1's spelling ("" when none); a request only
    device = property(lambda self: self._device)
    _device = ""

    @property
    def node_def(self):
        """TF1's NodeDef view of this op: ``name``, ``op`` (the type), ``input``, ``device``,
        ``attr`` (device functions written for TF1 read ``op.node_def.op``)."""
        return placement.NodeDef(name=self._name, op=self.type, device=self._device,
                       input=[t.op.name if t.value_index == 0 else t.name
                              for t in self._inputs]
                       + [f"^{c.name}" for c in self._control_inputs],
                       attr=dict(self._attrs))

    def values(self):
        return self._outputs

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise errors.NotFoundError(f"op {self._name!r} has no attr {name!r}", self) from None

    @errors.api_boundary
    def run(self, feed_dict=None, session=None):
        """Run this operation in ``session`` (or the default session)."""
        session_or_default(session, self).run(self, feed_dict)

    def __repr__(self):
        return f"<gf.Operation '{self._name}' type={self.type}>"


def _new_tensor(cls, op, index, shape, dtype):
    # Subclasses (Variable) have user-facing constructors; the op makes its outputs directly.
    t = object.__new__(cls)
    Tensor.__init__(t, op, index, shape, dtype)
    return t


class Graph:
    """A TF1 graph: ops in creation order, unique names, name/control scopes, collections."""

    def __init__(self):
        self._ops = []
        self._by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []
        self._collections = {}
        self._finalized = False
        self._role = "forward"
        self._lock = threading.Lock()
        self.seed = None
        self.outer = None  # the graph a control-flow body is built inside (body_graph.py)
        self.seed_offset = 0  # added to a random op's position for its op seed (bodies')

    @property
    def root(self):
        """The outermost graph: the one users run (a body's ``outer``, all the way out)."""
        graph = self
        while graph.outer is not None:
            graph = graph.outer
        return graph

    def descends_from(self, other):
        """True if this graph is ``other`` or a body built inside it (at any depth)."""
        graph = self
        while graph is not None and graph is not other:
            graph = graph.outer
        return graph is other

    # -- building -------------------------------------------------------------------------
    def create_op(self, opdef, inputs, attrs, output_specs, name=None):
        """Add an op (called by op declarations; users call the op functions)."""
        if self._finalized:
            raise errors.FailedPreconditionError("this graph is finalized and cannot be modified")
        inputs = [t if t.graph is self else self._capture(t, opdef) for t in inputs]
        control = self._current_control_inputs(inputs)
        with self._lock:
            # A name ending in "/" is a scope name already made unique (TF1's convention).
            if name and name.endswith("/"):
                name = name[:-1]
            else:
                name = self.unique_name(name or opdef.type)
            op = Operation(self, opdef, name, inputs, attrs, control, output_specs,
                           errors.user_location(), self._role)
            self._ops.append(op)
            self._by_name[op.name] = op
        if self._device_stack:
            # after the op exists (a device function sees the whole op, as in TF1's) and
            # outside the lock, which is not reentrant: a function that builds an op
            # (guarding against its own recursion) must not deadlock
            op._device = placement.apply(self._device_stack, op)
        return op

    def _capture(self, t, opdef):
        """``t`` from another graph, as an input of an op of this one: refused here; a
        control-flow body takes in tensors of the graphs it is built inside."""
        raise errors.InvalidArgumentError(
            f"{errors.describe(t)} belongs to another graph than the {opdef.type} op "
            "being built; build everything inside one `with graph.as_default():`",
            t,
        )

    def unique_name(self, name, mark_as_used=True):
        """``name`` under the current scope, with ``_1``, ``_2``... added if taken (TF1)."""
        if self._name_stack:
            name = f"{self._name_stack}/{name}"
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    @contextlib.contextmanager
    def name_scope(self, name):
        """Nest names under ``name``; ``None``/``""`` resets to the root; ``"a/"`` re-enters."""
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            if not _VALID_NAME.match(name):
                raise errors.InvalidArgumentError(f"{name!r} is not a valid scope name")
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield new + "/" if new else ""
        finally:
            self._name_stack = old

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops made inside run after ``control_inputs``; ``None`` clears outer ones."""
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops = []
        for c in control_inputs:
            c = getattr(c, "op", c) if not isinstance(c, Operation) else c
            if not isinstance(c, Operation):
                raise errors.DTypeError(f"control_dependencies takes ops or tensors, not {c!r}")
            if c.graph is not self:
                raise errors.InvalidArgumentError(f"{errors.describe(c)} is from another graph")
            ops.append(c)
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    def _current_control_inputs(self, inputs):
        input_ops = {t.op for t in inputs}
        seen, out = set(), []
        for frame in self._control_stack:
            for c in frame:
                if c not in seen and c not in input_ops:
                    seen.add(c)
                    out.append(c)
        return out

    def device(self, device_name_or_function):
        """Ops made inside ask for this device (see ``gf.device``)."""
        # parsed now, so that a bad spec fails at the user's `with` line
        return placement.pushed(self._device_stack, placement.entry(device_name_or_function))

    @contextlib.contextmanager
    def role(self, role):
        """Mark ops made inside as ``"backward"`` (gradients) or ``"update"`` (optimizers)."""
        saved, self._role = self._role, role
        try:
            yield
        finally:
            self._role = saved

    @contextlib.contextmanager
    def as_default(self):
        """Make this the graph that new ops go into, inside the ``with`` block."""
        stack = _default_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    def finalize(self):
        self._finalized = True

    finalized = property(lambda self: self._finalized)

    # -- lookup ---------------------------------------------------------------------------
    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise errors.NotFoundError(f"the graph has no operation named {name!r}") from None

    def get_tensor_by_name(self, name):
        op_name, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise errors.NotFoundError(
                f"{name!r} is not a tensor name; tensor names look like 'op_name:0'"
            )
        op = self.get_operation_by_name(op_name)
        if int(index) >= len(op.outputs):
            raise errors.NotFoundError(
                f"operation {op_name!r} has {len(op.outputs)} output(s); {name!r} names none"
            )
        return op.outputs[int(index)]

    def as_graph_element(self, obj):
        """A Tensor or Operation of this graph for a Tensor, Operation or name."""
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        if isinstance(obj, (Tensor, Operation)):
            if obj.graph is not self:
                raise errors.InvalidArgumentError(
                    f"{errors.describe(obj)} is not an element of this graph"
                )
            return obj
        raise errors.DTypeError(f"cannot interpret {obj!r} as a Tensor or Operation")

    # -- collections ----------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for name in [names] if isinstance(names, str) else names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [x for x in items if hasattr(x, "name") and pattern.match(x.name)]

    def get_all_collection_keys(self):
        return list(self._collections)

    # -- display --------------------------------------------------------------------------
    def _repr_svg_(self):
        """Jupyter draws the graph (gf.viz); None without Graphviz's dot, so text is shown."""
        from . import viz

        return viz.repr_svg(self)


class _ThreadStacks(threading.local):
    """Each thread's own ``as_default()`` graphs, innermost last (TF1's rule: a thread
    starts with none, so it builds into the global default graph)."""

    def __init__(self):
        self.stack = []


_stacks = _ThreadStacks()
_global_default = Graph()


def _default_stack():
    """This thread's stack of ``as_default()`` graphs."""
    return _stacks.stack


def get_default_graph():
    """The graph new ops go into: this thread's innermost ``as_default()`` graph, else the
    global one."""
    stack = _stacks.stack
    return stack[-1] if stack else _global_default


def reset_default_graph():
    """Replace the global default graph with a new, empty one (not inside ``as_default``)."""
    global _global_default
    if _stacks.stack:
        raise errors.FailedPreconditionError(
            "reset_default_graph() cannot be called inside a `with graph.as_default():` block"
        )
    _global_default = Graph()


# How eval/run reach the default session: the session module registers its getter here on
# import, so this module never imports the session module (which imports this one)
_session_resolver = None


def set_session_resolver(resolve):
    """Register ``resolve()``, which returns the default session or None."""
    global _session_resolver
    _session_resolver = resolve


def session_or_default(session, node):
    """``session``, else the default session; an error naming ``node`` if there is none."""
    if not session:
        session = _session_resolver() if _session_resolver is not None else None
    if session is None:
        raise errors.FailedPreconditionError(
            f"no session to evaluate {node.name!r}: pass session=, or run it inside "
            "`with gf.Session() as sess:`")
    return session


def name_scope(name, default_name=None, values=None):
    """TF1's ``tf.name_scope``: a context manager that yields the scope string ``"a/b/"``."""
    graph = _graph_of(values) if values else get_default_graph()
    return graph.name_scope(name if name is not None else default_name)


def device(device_name_or_function):
    """TF1's ``tf.device``: ops made inside the ``with`` block ask for this device (a string
    such as ``"/gpu:0"``, a function of the op, or None to clear); see ``placement``."""
    return get_default_graph().device(device_name_or_function)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def get_collection(name, scope=None):
    return get_default_graph().get_collection(name, scope)


def get_collection_ref(name):
    return get_default_graph().get_collection_ref(name)


def _graph_of(values):
    for v in values:
        if isinstance(v, (Tensor, Operation)):
            return graph_for([v])
    return get_default_graph()


def graph_for(inputs):
    """The graph an op of these input tensors goes into: the first input's, or the default
    graph when that is a control-flow body built inside it (the op then runs in the body,
    which takes the outer tensors in)."""
    graph = get_default_graph()
    if not inputs or graph.descends_from(inputs[0].graph):
        return graph
    if inputs[0].graph.outer is not None and inputs[0].graph.descends_from(graph):
        raise errors.at_user_line(errors.InvalidArgumentError, body_tensor_used_outside(
            inputs[0], "use"))
    return inputs[0].graph


def body_tensor_used_outside(t, verb):
    """Why ``t``, made inside a loop's or branch's body, cannot be used out of it."""
    return (f"cannot {verb} {errors.describe(t)}: it was made inside the body of "
            f"'{t.graph.scope}' and has a value per iteration or branch; return it from the "
            "body, or write it to a TensorArray")

