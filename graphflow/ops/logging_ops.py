"""TF1's logging ops: ``Assert`` (fails the run with its data when a condition is false),
``Print`` (passes its input through and prints data to stderr) and ``print`` (TF2's
``tf.print``, an op in graph mode).

All three are EFFECT ops: they run on the host, whatever the backend, whenever a run
needs them (fetched, read, or through ``control_dependencies``), and are never folded,
merged or pruned away. Values are written as TF1's ``Tensor::SummarizeValue`` writes them.
"""

import sys
import threading

import numpy as np

from .. import errors
from ..graph import Tensor, name_scope
from .base import EFFECT, OpDef, Spec, require_dtype
from .elementwise import BOOL
from .sources import convert_to_tensor

# -- TF1's formatting of values ------------------------------------------------------------

def element_text(v):
    """One element as TF1's StrCat writes it: floats with 6 (float32) or 15 (float64)
    significant digits, or 9/17 when that is what it takes to read them back."""
    if isinstance(v, (bytes, str)):
        return v.decode(errors="backslashreplace") if isinstance(v, bytes) else v
    if isinstance(v, (np.bool_, bool)):
        return "1" if v else "0"
    if isinstance(v, np.floating):
        if not np.isfinite(v):
            return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
        short, long = (15, 17) if v.dtype == np.float64 else (6, 9)
        text = f"{float(v):.{short}g}"
        return text if type(v)(text) == v else f"{float(v):.{long}g}"
    return str(v)


def summarize_value(value, limit=3):
    """TF1's ``SummarizeValue`` (what Assert and Print write): the first ``limit`` elements
    (all if negative), rows in brackets, "..." where elements were left out."""
    a = np.asarray(value)
    n = a.size
    limit = n if limit is None or limit < 0 else min(limit, n)
    flat = a.reshape(-1)
    if a.ndim == 0:
        return " ".join(element_text(x) for x in flat[:limit]) + ("..." if n > limit else "")
    out, index = [], [0]

    def one_dim(dim):
        if index[0] >= limit:
            return
        count = a.shape[dim]
        if dim == a.ndim - 1:
            for i in range(count):
                if index[0] >= limit:
                    if dim != 0:
                        out.append("...")
                    return
                out.append((" " if i else "") + element_text(flat[index[0]]))
                index[0] += 1
            return
        for _ in range(count):
            opened = index[0] < limit
            if opened:
                out.append("[")
            one_dim(dim + 1)
            if index[0] < limit or opened:
                out.append("]")

    one_dim(0)
    return "".join(out) + ("..." if n > limit else "")


def _template(data):
    """Data items as ``(template, tensors)``: Python strings stay text in the op's attrs
    (never a tensor, so a GPU run moves no strings), the rest become its inputs."""
    if isinstance(data, (Tensor, np.ndarray, str, bytes)) or np.isscalar(data):
        data = [data]
    template, tensors = [], []
    for x in data:
        if isinstance(x, (str, bytes)):
            template.append((False, x.decode() if isinstance(x, bytes) else x))
        else:
            template.append((True, None))
            tensors.append(convert_to_tensor(x))
    return tuple(template), tensors


def _fill(values, template):
    """The data items again: each tensor's value in its place among the texts."""
    it = iter(values)
    return [(True, next(it)) if is_tensor else (False, text) for is_tensor, text in template]


def _bracketed(values, template, limit, sep):
    return sep.join(f"[{summarize_value(v, limit) if is_tensor else v}]"
                    for is_tensor, v in _fill(values, template))


# -- Assert ----------------------------------------------------------------------------------

def _assert_infer(inputs, *, template, summarize):
    cond = inputs[0]
    require_dtype(cond, BOOL, "Assert's condition")
    if cond.shape.ndims not in (None, 0) and cond.shape.num_elements() != 1:
        raise ValueError(f"Assert's condition must be a scalar, not of shape {cond.shape}")
    return []


def _assert_reference(condition, *data, template, summarize):
    if not np.asarray(condition).all():
        raise ValueError("assertion failed: " + _bracketed(data, template, summarize, " "))
    return ()


ASSERT = OpDef("Assert", EFFECT, _assert_infer, _assert_reference, differentiable=False)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 (TF1's name)
    """An op that fails the run with InvalidArgumentError "assertion failed: [d0] [d1]..."
    (the first ``summarize`` elements of each of ``data``, 3 by default) if the bool scalar
    ``condition`` is false when it runs: when fetched or through ``control_dependencies``."""
    with name_scope(name, "Assert") as scope:
        condition = convert_to_tensor(condition, name="Condition")
        template, tensors = _template(data)
        return ASSERT(condition, *tensors, template=template,
                      summarize=3 if summarize is None else int(summarize), name=scope)


# -- Print (TF1) -----------------------------------------------------------------------------

class _Counter:
    """How many times an op printed (``first_n``): one count per graph op, under a lock."""

    def __init__(self):
        self.count, self.lock = 0, threading.Lock()

    def take(self, first_n):
        if first_n < 0:
            return True
        with self.lock:
            self.count += 1
            return self.count <= first_n

    def __repr__(self):  # (node_def and explain show attrs)
        return f"<printed {self.count} times>"


def _print_infer(inputs, **attrs):
    return Spec(inputs[0].shape, inputs[0].dtype)


def _print_reference(x, *data, message, template, first_n, summarize, counter):
    if counter.take(first_n):
        print(message + _bracketed(data, template, summarize, ""), file=sys.stderr, flush=True)
    return x


PRINT = OpDef("Print", EFFECT, _print_infer, _print_reference, same_elements=True)
PRINT.gradient(lambda op, g: [g] + [None] * (len(op.inputs) - 1))


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """``input_`` unchanged; each time it is computed, ``message`` followed by each of
    ``data`` in brackets (its first ``summarize`` elements, 3 by default) is written to
    stderr, the first ``first_n`` times only if given (TF1's ``tf.Print``)."""
    with name_scope(name, "Print") as scope:
        input_ = convert_to_tensor(input_)
        template, tensors = _template(data)
        return PRINT(input_, *tensors, message=message or "", template=template,
                     first_n=-1 if first_n is None else int(first_n),
                     summarize=3 if summarize is None else int(summarize), counter=_Counter(),
                     name=scope)


# -- print (TF2's tf.print, in graph mode) ---------------------------------------------------

def format_v2(value, limit):
    """``tf.print``'s layout: nested brackets, each dimension longer than ``2 * limit``
    shown by its first and last ``limit`` entries around "...", strings quoted inside
    tensors."""
    a = np.asarray(value)
    if a.ndim == 0:
        return element_text(a[()])

    def text(x):
        if isinstance(x, (bytes, str)):
            return '"' + element_text(x) + '"'
        return element_text(x)

    def rows(x, depth):
        keep = range(len(x)) if limit < 0 or len(x) <= 2 * limit else \
            [*range(limit), None, *range(len(x) - limit, len(x))]
        if x.ndim == 1:
            return "[" + " ".join("..." if i is None else text(x[i]) for i in keep) + "]"
        sep = "\n" * (x.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join("..." if i is None else rows(x[i], depth + 1) for i in keep) + "]"

    return rows(a, 0)


def _print_v2_reference(*values, template, stream, summarize, sep, end):
    line = sep.join(format_v2(v, summarize) if is_tensor else v
                    for is_tensor, v in _fill(values, template)) + end
    if stream.startswith("file://"):
        with open(stream[len("file://"):], "a") as f:
            f.write(line)
    else:
        out = sys.stdout if stream == "stdout" else sys.stderr
        out.write(line)
        out.flush()
    return ()


PRINT_V2 = OpDef("PrintV2", EFFECT, lambda inputs, **attrs: [], _print_v2_reference,
                 differentiable=False)


def print_(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """TF2's ``tf.print`` in graph mode: an op that, when run (fetched or through
    ``control_dependencies``), writes ``inputs`` joined by ``sep`` and followed by ``end``:
    Python strings as they are, tensors as nested brackets (each dimension longer than
    ``2 * summarize`` shortened with "..."). ``output_stream``: ``sys.stderr`` (default),
    ``sys.stdout`` or ``"file://<path>"`` (appended to)."""
    stream = _stream_name(output_stream)
    template, tensors = _template(list(inputs))
    return PRINT_V2(*tensors, template=template, stream=stream,
                    summarize=-1 if summarize is None else int(summarize), sep=str(sep),
                    end=str(end), name=name or "PrintV2")


def _stream_name(stream):
    if stream is None or stream is sys.stderr:
        return "stderr"
    if stream is sys.stdout:
        return "stdout"
    if isinstance(stream, str) and stream.startswith("file://"):
        return stream
    raise errors.at_user_line(
        errors.InvalidArgumentError,
        f"print's output_stream must be sys.stderr, sys.stdout or 'file://<path>', "
        f"got {stream!r}")
