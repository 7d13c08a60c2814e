"""The op declaration: one place per op for its kind, shape rule, reference and gradient.

An ``OpDef`` is declared once in its family module (``elementwise.py``, ``reduce.py``...)::

    ADD = OpDef("Add", ELEMENTWISE, infer=same_dtype_broadcast, reference=np.add,
                scalar="({0} + {1})")

and calling it builds a node: ``ADD(x, y, name="sum")``.  The gradient rule is
registered right after the declaration with ``@ADD.gradient`` (autodiff), and
backends lower ops *by kind*, using ``reference`` (NumPy) or ``scalar`` (the
per-element expression that fused CPU/CUDA kernels are generated from).
"""

from collections import namedtuple

import numpy as np

from .. import errors
from ..dtypes import as_dtype
from ..graph import Tensor, graph_for

# Kinds: what a backend needs to know to lower an op without looking at its name.
ELEMENTWISE = "elementwise"  # per-element scalar expression over broadcast inputs
REDUCE = "reduce"  # reduces axes of one input (attrs: axis, keepdims)
CONTRACTION = "contraction"  # matmul
WINDOW = "window"  # reduces sliding windows: pooling
MOVEMENT = "movement"  # reshape/transpose/slice/concat/gather...: moves elements
SOURCE = "source"  # no tensor inputs, value from attrs (Const, Fill, Range, Eye)
SHAPE = "shape"  # depends only on its input's shape (Shape, Size, Rank)
PLACEHOLDER = "placeholder"  # must be fed
# its input's value unless fed (placeholder_with_default). Not pure on purpose: a pure op of
# a constant gets a static value while the graph is built, which a feed could contradict
DEFAULT = "default"
VARIABLE = "variable"  # reads session state
ASSIGN = "assign"  # writes session state: new = reference(old, value)
RANDOM = "random"  # draws from the session's per-op generator
CONTROL = "control"  # no value (NoOp)
FUSED = "fused"  # a group of elementwise ops made by the compiler (one kernel)
NESTED = "nested"  # owns bodies (pieces of graph) that its OpDef's drive runs: control flow
# runs on the host for its effect: a check that may fail the run (CheckNumerics, Assert) or a
# print. Never folded, merged or pruned away once a run needs it; its reference may raise
EFFECT = "effect"
# makes, reads or writes a host container (a TensorArray's list of arrays, dtype variant):
# not pure (never folded or merged: two TensorArrays of one size are two lists)
CONTAINER = "container"

Spec = namedtuple("Spec", "shape dtype")


class Fault:
    """Inputs an ELEMENTWISE op rejects at run time, as TF1 does (integer division by zero).

    For inputs whose dtype passes ``dtypes`` (an ``allowed`` string: "is_integer"), the op
    fails with ``message`` (TF1's) if ``condition`` holds for some element. ``condition``
    is a scalar expression over the inputs (as ``scalar``) that compiled kernels evaluate
    per element; ``test(*arrays)`` is its NumPy form, which guards the op's reference.
    ``operand``: the input the condition reads alone (a divisor); a constant there is
    written into kernels as it is (a literal divisor becomes a multiplication) and checked
    once, ``cannot_hold(value)``, instead of per element."""

    __slots__ = ("message", "dtypes", "condition", "test", "operand", "cannot_hold")

    def __init__(self, message, dtypes, condition, test, operand=None, cannot_hold=None):
        self.message, self.dtypes, self.condition, self.test = message, dtypes, condition, test
        self.operand, self.cannot_hold = operand, cannot_hold

    def applies(self, dtype):
        """Whether inputs of graphflow ``dtype`` are checked."""
        return any(getattr(dtype, flag) for flag in self.dtypes.split("|"))

    def guard(self, reference):
        """``reference``, raising ``Faulted`` first where the inputs are rejected."""
        def checked(*arrays, **attrs):
            if self.applies(as_dtype(np.asarray(arrays[0]).dtype)) and self.test(*arrays):
                raise Faulted(self.message)
            return reference(*arrays, **attrs)

        return checked


class Faulted(ArithmeticError):
    """Raised where an op's ``Fault`` holds (by its guarded reference or a kernel); ``member``:
    the failing op's position in a fused group's body, when a group's kernel raised it. The
    backend turns it into an InvalidArgumentError naming the op and its line."""

    def __init__(self, message, member=None):
        super().__init__(message, member)
        self.message, self.member = message, member

    def __str__(self):
        return self.message

REGISTRY = {}


class OpDef:
    """Declaration of one op type.

    infer(inputs, **attrs) -> Spec or list of Specs   (static shape/dtype; raise
        ValueError/TypeError with a plain sentence, the caller adds who and where)
    reference(*arrays, **attrs) -> array or tuple      (the NumPy oracle)
    scalar: for ELEMENTWISE ops, a format string over the inputs' scalar
        expressions (``"({0} + {1})"``) or a function ``(args, attrs) -> str``.
    combine: for REDUCE ops that a kernel can compute, ``(step, identity, finish)``:
        the expression folding element ``{1}`` into accumulator ``{0}``, the identity
        ("zero", "one", "lowest", "highest", "false", "true") and a finish ("mean" or None).
    update: for ASSIGN ops that combine the old value with the new one (AssignAdd), the
        ELEMENTWISE OpDef computing ``new = update(old, value)``: the compiler rewrites
        them as a plain Assign of that expression, so it fuses with what computes value.
    shape_inputs: the positions of the inputs that are shapes, not data: small int vectors
        read as dimensions (the shape to make, as Reshape's; the sizes to split into; the
        extents indices must stay under, as CheckIndices' limit), never computed with. A
        device backend reads them on the host.
    same_elements: True when output 0 is input 0's elements, unchanged and in the same
        (row-major) order, only perhaps shaped otherwise (Reshape, Squeeze; the checks
        that pass their input through): a backend may hand out a view of input 0.
    fault: for ELEMENTWISE ops that reject some inputs at run time, a ``Fault``; the
        reference then checks it, and kernels evaluate its condition per element.
    bodies, drive: for NESTED ops. ``bodies(op) -> [(fed tensors, fetched tensors)]``: the
        pieces of graph the op runs (each backend prepares them as plans of its own);
        ``drive(run_body, *values, **attrs) -> outputs``: the op's semantics, calling
        ``run_body(i, values) -> outputs`` to run body ``i`` (any number of times), and
        ``needed`` (per output, whether the plan reads it; None: all).
    loop: for NESTED ops that are while loops, ``loop(op)``: the loop's parts
        (``ops/while_loop.Loop``), which a backend may compile into one function.
    """

    def __init__(self, type, kind, infer, reference=None, *, scalar=None, combine=None,
                 update=None, shape_inputs=(), same_elements=False, bodies=None, drive=None,
                 loop=None, differentiable=True, tensor_class=Tensor, doc=None, fault=None):
        if type in REGISTRY:
            raise ValueError(f"op type {type!r} is declared twice")
        self.type = type
        self.kind = kind
        self.infer = infer
        self.fault = fault
        self.reference = reference if fault is None else fault.guard(reference)
        self.scalar = scalar
        self.combine = combine
        self.update = update
        self.shape_inputs = tuple(shape_inputs)
        self.same_elements = same_elements
        self.bodies, self.drive, self.loop = bodies, drive, loop
        self.differentiable = differentiable
        self.tensor_class = tensor_class
        self.grad = None
        self.__doc__ = doc
        REGISTRY[type] = self

    def gradient(self, rule):
        """Register ``rule(op, *output_grads) -> one gradient term per input`` (autodiff)."""
        self.grad = rule
        return rule

    def scalar_expr(self, args, attrs):
        """The per-element expression of an ELEMENTWISE op, given its inputs' expressions."""
        if callable(self.scalar):
            return self.scalar(args, attrs)
        return self.scalar.format(*args, **attrs)

    def __call__(self, *inputs, name=None, **attrs):
        """Build a node of this op; returns its Tensor, list of Tensors, or the Operation."""
        graph = graph_for(inputs)
        try:
            specs = self.infer(list(inputs), **attrs)
        except (ValueError, TypeError) as e:
            raise construction_error(self, graph, name, inputs, e) from None
        op = graph.create_op(self, inputs, attrs, [specs] if isinstance(specs, Spec) else specs,
                             name)
        if isinstance(specs, Spec):
            return op.outputs[0]
        return list(op.outputs) if specs else op

    def __repr__(self):
        return f"<OpDef {self.type} ({self.kind})>"


def construction_error(opdef, graph, name, inputs, cause):
    """A ShapeError/DTypeError for an op that could not be built, naming inputs and line."""
    cls = errors.DTypeError if isinstance(cause, TypeError) else errors.ShapeError
    loc = errors.user_location()
    where = f" at {loc}: {loc.code}" if loc else ""
    if name and name.endswith("/"):  # an exact scope name (see Graph.create_op)
        op_name = name[:-1]
    else:
        op_name = graph.unique_name(name or opdef.type, mark_as_used=False)
    lines = [f"cannot build {opdef.type} op {op_name!r}{where}", f"  {cause}"]
    lines += [f"  input {i}: {errors.describe(t)}" for i, t in enumerate(inputs)]
    return cls("\n".join(lines))


def read_inputs(op):
    """(position, tensor) of the inputs an op reads as values: all but an ASSIGN's target."""
    start = 1 if op.kind == ASSIGN else 0
    return list(enumerate(op.inputs))[start:]


class Uninitialized(Exception):
    """An ASSIGN reference needed the old value of a variable that has none yet."""


def old_value(old):
    """For ASSIGN references: the variable's old value, which must exist."""
    if old is None:
        raise Uninitialized()
    return old


# -- small reusable shape/dtype checks for infer functions -----------------------------------

def require_same_dtype(inputs):
    dtypes = {t.dtype for t in inputs}
    if len(dtypes) > 1:
        raise TypeError(
            "inputs must have the same dtype, got "
            + ", ".join(f"{t.dtype.name} ({t.name})" for t in inputs)
            + "; use gf.cast to convert one"
        )
    return inputs[0].dtype


def require_dtype(t, allowed, what):
    """``allowed`` is a predicate name of DType ('is_floating', 'is_integer', 'is_bool', ...)."""
    if not any(getattr(t.dtype, p) for p in allowed.split("|")):
        kinds = allowed.replace("is_", "").replace("|", " or ")
        raise TypeError(f"{what} needs a {kinds} tensor, got {t.dtype.name} ({t.name})")


# -- values known while the graph is built ----------------------------------------------------

PURE_KINDS = {ELEMENTWISE, REDUCE, CONTRACTION, WINDOW, MOVEMENT, SOURCE, SHAPE}  # no effects
_STATIC_LIMIT = 4096  # evaluate at construction only small things (shape vectors, axes)
_STATIC_RESULT_LIMIT = 1 << 20  # elements of a result known to be larger: not evaluated


def static_value(tensor):
    """The tensor's value as a NumPy array if it is known without running, else None.

    Const is known; a SHAPE-kind op is known when its input's static shape is fully
    defined; any other pure op is known when all its (small) inputs are.  This is
    what lets ``reshape(x, tf.shape(y))`` or ``fill([2, n], 0.)`` infer static shapes.
    """
    op = tensor.op
    if op.kind == SOURCE and not op.inputs:
        return op.opdef.reference(**op._attrs)
    if op.kind not in PURE_KINDS or (tensor.shape.num_elements() or 0) > _STATIC_RESULT_LIMIT:
        return None  # (never made while building: range(2**40) would be 8 TiB)
    if op.kind == SHAPE:
        return shape_query_value(op, op.inputs[0])
    values = [static_value(t) for t in op.inputs]
    if any(v is None or v.size > _STATIC_LIMIT for v in values):
        return None
    try:
        with np.errstate(all="ignore"):
            return _as_outputs(op.opdef.reference(*values, **op._attrs))[tensor.value_index]
    except Exception:  # the run will report it, with the op and its line
        return None


def shape_query_value(op, *inputs):
    """The value of an op that reads only its inputs' shapes (a SHAPE-kind op, ones_like)
    if their static shapes are fully known, else None (evaluated on zero-stride dummies:
    nothing of the inputs' size is allocated)."""
    if not all(x.shape.is_fully_defined() for x in inputs):
        return None
    dummies = [np.broadcast_to(np.zeros((), x.dtype.np), x.shape.dims) for x in inputs]
    return np.asarray(op.opdef.reference(*dummies, **op._attrs))


def static_ints(value, what):
    """An int or (nested) list of ints for an argument that must be known while the graph is
    built: Python values pass through, a tensor must have a static value."""
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        from .sources import convert_to_tensor

        value = convert_to_tensor(value)  # [n, 2]: stacked, known if all of its parts are
    if isinstance(value, Tensor):
        known = static_value(value)
        if known is None:
            raise errors.at_user_line(
                errors.DTypeError,
                f"{what} must be known while the graph is built, not {value.name!r}")
        value = known
    return np.asarray(value, dtype=np.int64).tolist()


def _as_outputs(result):
    return result if isinstance(result, (tuple, list)) else (result,)
