"""graphflow's error types, and where in the user's code a node was made.

Every error a user can cause is a ``GraphflowError`` that also subclasses the
builtin it resembles, so ``except ValueError`` keeps working.  Messages name
the node, its dtype and shape, and the user's ``file:line`` that created it.
"""

import functools
import linecache
import os
import sys
import types

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class SourceLocation:
    """The user's frame that created a node: file, line and function."""

    __slots__ = ("filename", "lineno", "function")

    def __init__(self, filename, lineno, function):
        self.filename, self.lineno, self.function = filename, lineno, function

    @property
    def code(self):
        return linecache.getline(self.filename, self.lineno).strip()

    def __str__(self):
        return f"{self.filename}:{self.lineno}"

    def __repr__(self):
        return f"SourceLocation({self})"


def user_location():
    """The innermost frame on the stack outside graphflow's own package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return None
    return SourceLocation(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)


def called_by_user():
    """Whether the function that calls this one was called from outside graphflow."""
    return not sys._getframe(2).f_code.co_filename.startswith(_PACKAGE_DIR)


def describe(node):
    """``'name' (Type, dtype, shape (?, 3)) created at file.py:12: <code>`` for errors."""
    op = getattr(node, "op", node)
    parts = [op.type]
    if hasattr(node, "dtype") and node is not op:
        parts += [node.dtype.name, f"shape {node.shape}"]
    text = f"'{node.name}' ({', '.join(parts)})"
    return text + created_at(op)


def created_at(op):
    loc = op.source
    if loc is None:
        return ""
    code = loc.code
    return f", created at {loc}" + (f": {code}" if code else "")


def at_user_line(cls, message):
    """An error of ``cls`` for a bad argument, pointing at the user's line."""
    loc = user_location()
    return cls(message + (f"\n  at {loc}: {loc.code}" if loc else ""))


# TF1's error codes (``tf.errors.OK``...): the canonical status codes of its C++ runtime.
OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class GraphflowError(Exception):
    """Base class of every error graphflow raises on purpose (TF1's ``tf.errors.OpError``).

    Made as ``Error(message, node=None)``, or with TF1's arguments ``(node_def, op,
    message)`` (``OpError`` also takes TF1's fourth, ``error_code``), so that a TF1 program's
    ``raise tf.errors.OutOfRangeError(None, None, "done")`` works. ``message``, ``node`` (the
    op or tensor concerned, or None), ``op``, ``node_def`` and ``error_code`` as in TF1.
    """

    error_code = UNKNOWN

    def __init__(self, *args, **kwargs):
        if len(args) >= 3:  # TF1's (node_def, op, message[, error_code])
            node_def, node, message, *rest = args
            if len(rest) > 1:
                raise TypeError(f"{type(self).__name__} takes at most 4 arguments, got "
                                f"{len(args)}")
            if rest and type(self) is GraphflowError:  # only the base takes a code, as TF1's
                self.error_code = rest[0]
            self._node_def = node_def
        else:
            message, node = (list(args) + [None, None])[:2] if args else (None, None)
        message = kwargs.pop("message", message)
        node = kwargs.pop("node", kwargs.pop("op", node))
        if "node_def" in kwargs:
            self._node_def = kwargs.pop("node_def")
        if "error_code" in kwargs and type(self) is GraphflowError:
            self.error_code = kwargs.pop("error_code")
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}")
        super().__init__(message)
        self.message = message
        self.node = node

    @property
    def op(self):
        """The Operation concerned (the op of ``node`` when it is a tensor), or None."""
        return getattr(self.node, "op", self.node)

    @property
    def node_def(self):
        """TF1's NodeDef of the op concerned (given, or the op's ``node_def``), or None."""
        given = self.__dict__.get("_node_def")
        return given if given is not None else getattr(self.op, "node_def", None)

    def __str__(self):
        return str(self.message)

    def __reduce__(self):
        # A pickled or copied error (multiprocessing sends a worker's error back pickled)
        # keeps its message, code and node_def but not its node: the op drags its whole
        # graph along, with locks and the references' lambdas, which cannot be pickled.
        state = {k: v for k, v in self.__dict__.items() if k != "node"}
        if self.__dict__.get("_node_def") is None and self.node_def is not None:
            state["_node_def"] = self.node_def
        return type(self), (self.message,), state


# Each TF1 error is also the builtin it resembles, so ``except ValueError`` keeps working.
class CancelledError(GraphflowError, RuntimeError):
    """An operation was cancelled."""

    error_code = CANCELLED


class UnknownError(GraphflowError, RuntimeError):
    """An error of no other kind."""

    error_code = UNKNOWN


class InvalidArgumentError(GraphflowError, ValueError):
    """A bad value: a feed of the wrong shape, a shape that does not fit an op."""

    error_code = INVALID_ARGUMENT


class ShapeError(InvalidArgumentError):
    """Static shapes that cannot work together (broadcast, matmul, concat, reshape...)."""


class DTypeError(GraphflowError, TypeError):
    """Dtypes that cannot work together, or a value that does not convert safely."""

    error_code = INVALID_ARGUMENT


class DeadlineExceededError(GraphflowError, TimeoutError):
    """A deadline passed before the operation finished."""

    error_code = DEADLINE_EXCEEDED


class NotFoundError(GraphflowError, KeyError):
    """A name that names nothing in the graph, or a file that does not exist."""

    error_code = NOT_FOUND


class AlreadyExistsError(GraphflowError, FileExistsError):
    """Something to be made already exists (a file ``gfile.Copy`` would overwrite)."""

    error_code = ALREADY_EXISTS


class PermissionDeniedError(GraphflowError, PermissionError):
    """No permission for the operation (a file opened for reading, written to)."""

    error_code = PERMISSION_DENIED


class UnauthenticatedError(GraphflowError, PermissionError):
    """The request has no valid credentials."""

    error_code = UNAUTHENTICATED


class ResourceExhaustedError(GraphflowError, MemoryError):
    """Out of memory or of another resource."""

    error_code = RESOURCE_EXHAUSTED


class FailedPreconditionError(GraphflowError, RuntimeError):
    """The session is not ready: an uninitialized variable, a closed session."""

    error_code = FAILED_PRECONDITION


class AbortedError(GraphflowError, RuntimeError):
    """An operation was aborted (in TF1, typically by a concurrent one)."""

    error_code = ABORTED


class OutOfRangeError(GraphflowError, IndexError):
    """Iterating past the end (TF1 programs raise it to end an input loop)."""

    error_code = OUT_OF_RANGE


class UnimplementedError(GraphflowError, NotImplementedError):
    """A valid request that graphflow does not support (yet)."""

    error_code = UNIMPLEMENTED


class InternalError(GraphflowError, RuntimeError):
    """A broken invariant inside graphflow: a bug to report."""

    error_code = INTERNAL


class UnavailableError(GraphflowError, ConnectionError):
    """A service (a download server) cannot be reached now."""

    error_code = UNAVAILABLE


class DataLossError(GraphflowError, OSError):
    """Data that is lost or corrupt beyond repair."""

    error_code = DATA_LOSS


OpError = GraphflowError

_BY_CODE = {cls.error_code: cls for cls in (
    CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError, NotFoundError,
    AlreadyExistsError, PermissionDeniedError, UnauthenticatedError, ResourceExhaustedError,
    FailedPreconditionError, AbortedError, OutOfRangeError, UnimplementedError, InternalError,
    UnavailableError, DataLossError)}


def exception_type_from_error_code(error_code):
    """The error class of a TF1 error code (``OUT_OF_RANGE`` -> ``OutOfRangeError``)."""
    try:
        return _BY_CODE[error_code]
    except (KeyError, TypeError):
        raise NotFoundError(f"{error_code!r} is not an error code; they are "
                            f"{sorted(_BY_CODE)}") from None


def error_code_from_exception_type(cls):
    """The TF1 error code of an error class (its nearest graphflow base's), else UNKNOWN."""
    return getattr(cls, "error_code", UNKNOWN) if isinstance(cls, type) and issubclass(
        cls, GraphflowError) else UNKNOWN


def api_boundary(fn):
    """Wrap a public entry point: a GraphflowError leaves it without graphflow's frames.

    The message already names the user's line; the traceback should end there too
    (one frame, this wrapper's, stays: Python adds it while the error propagates).
    """

    @functools.wraps(fn)
    def boundary(*args, **kwargs):
        __tracebackhide__ = True  # noqa: F841 (pytest hides this frame)
        try:
            return fn(*args, **kwargs)
        except GraphflowError as e:
            raise e.with_traceback(without_own_frames(e.__traceback__)) from None

    return boundary


def without_own_frames(tb):
    kept = []
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for entry in reversed(kept):
        out = types.TracebackType(out, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return out


def wrap_public(namespace):
    """Put an ``api_boundary`` around every graphflow function in a module namespace."""
    for name, value in list(namespace.items()):
        if (isinstance(value, types.FunctionType) and not name.startswith("_")
                and value.__module__.startswith("graphflow")):
            namespace[name] = api_boundary(value)


def __getattr__(name):  # a TF1 error name we lack: say so (tf1_names imports this module)
    from . import tf1_names

    raise tf1_names.missing("tf.errors", name, __name__)
