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


class GraphflowError(Exception):
    """Base class of every error graphflow raises on purpose."""

    def __init__(self, message, node=None):
        super().__init__(message)
        self.message = message
        self.node = node

    def __str__(self):
        return self.message


class InvalidArgumentError(GraphflowError, ValueError):
    """A bad value: a feed of the wrong shape, a shape that does not fit an op."""


class ShapeError(InvalidArgumentError):
    """Static shapes that cannot work together (broadcast, matmul, concat, reshape...)."""


class DTypeError(GraphflowError, TypeError):
    """Dtypes that cannot work together, or a value that does not convert safely."""


class NotFoundError(GraphflowError, KeyError):
    """A name that names nothing in the graph."""


class FailedPreconditionError(GraphflowError, RuntimeError):
    """The session is not ready: an uninitialized variable, a closed session."""


class UnimplementedError(GraphflowError, NotImplementedError):
    """A valid request that graphflow does not support (yet)."""


OpError = GraphflowError


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
