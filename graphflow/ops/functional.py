"""``map_fn``, ``scan``, ``foldl``, ``foldr``: TF1's higher-order functions, composed from
``while_loop`` and ``TensorArray`` as TF1 composes them (so they have gradients)."""

from .. import errors, nest
from ..dtypes import int32
from ..graph import get_default_graph
from ..shapes import TensorShape
from .shape_ops import shape as shape_of
from .sources import constant, convert_to_tensor
from .tensor_array import TensorArray
from .while_loop import while_loop


def _elements(elems):
    """The flat element tensors, their count (a tensor) and its static value (or None)."""
    flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
    if not flat:
        raise errors.at_user_line(ValueError, "elems must not be empty")
    for e in flat:
        if e.shape.ndims == 0:
            raise errors.at_user_line(
                ValueError, f"elems must be tensors of rank 1 or more, got {errors.describe(e)}")
    static = flat[0].shape.dims[0] if flat[0].shape.ndims else None
    n = constant(static, int32) if static is not None else shape_of(flat[0], out_type=int32)[0]
    return flat, n, static


def _unstacked(flat, n):
    return [TensorArray(e.dtype, size=n, element_shape=e.shape[1:] if e.shape.ndims else None,
                        infer_shape=True).unstack(e) for e in flat]


def _stacked(tas, static):
    out = []
    for ta in tas:
        t = ta.stack()
        if static is not None and t.shape.ndims is not None:
            t.set_shape(TensorShape([static]).concatenate(t.shape[1:]))
        out.append(t)
    return out


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None):
    """``fn`` applied to each element of ``elems`` (unpacked along dimension 0), results
    stacked; ``dtype``: the structure of ``fn``'s result dtypes when it differs from
    ``elems``'."""
    with get_default_graph().name_scope(name or "map"):
        flat, n, static = _elements(elems)
        inputs = _unstacked(flat, n)
        out_dtypes = nest.flatten(dtype) if dtype is not None else [e.dtype for e in flat]
        structure = dtype if dtype is not None else elems
        accs = [TensorArray(d, size=n, infer_shape=infer_shape) for d in out_dtypes]

        def body(i, *accs):
            x = nest.pack_sequence_as(elems, [ta.read(i) for ta in inputs])
            result = fn(x)
            values = nest.flatten(result)
            if len(values) != len(accs):
                raise errors.at_user_line(
                    ValueError, f"map_fn: fn returned {len(values)} values where the "
                    f"dtype structure has {len(accs)}")
            return (i + 1, *[ta.write(i, v) for ta, v in zip(accs, values)])

        _, *accs = while_loop(lambda i, *_: i < n, body, (constant(0, int32), *accs),
                              back_prop=back_prop, parallel_iterations=parallel_iterations,
                              swap_memory=swap_memory, maximum_iterations=n)
        return nest.pack_sequence_as(structure, _stacked(accs, static))


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """The running results of ``a = fn(a, x)`` over the elements (TF1's ``tf.scan``);
    without ``initializer`` the first element starts it (and is the first result)."""
    with get_default_graph().name_scope(name or "scan"):
        flat, n, static = _elements(elems)
        inputs = _unstacked(flat, n)
        if initializer is None:
            structure = elems
            first = n - 1 if reverse else 0
            init = [ta.read(first) for ta in inputs]
            start = 1
        else:
            structure = initializer
            init = [convert_to_tensor(v) for v in nest.flatten(initializer)]
            start = 0
        accs = [TensorArray(a.dtype, size=n, infer_shape=infer_shape,
                            element_shape=a.shape) for a in init]
        if start:
            accs = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs, init)]
        k = len(init)

        def body(i, *carried):
            a, tas = carried[:k], carried[k:]
            index = n - 1 - i if reverse else i
            x = nest.pack_sequence_as(elems, [ta.read(index) for ta in inputs])
            result = fn(nest.pack_sequence_as(structure, list(a)), x)
            values = [convert_to_tensor(v) for v in nest.flatten(result)]
            return (i + 1, *values, *[ta.write(index, v) for ta, v in zip(tas, values)])

        out = while_loop(lambda i, *_: i < n, body, (constant(start, int32), *init, *accs),
                         back_prop=back_prop, parallel_iterations=parallel_iterations,
                         swap_memory=swap_memory, maximum_iterations=n)
        return nest.pack_sequence_as(structure, _stacked(out[1 + k:], static))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``a = fn(a, x)`` over the elements, first to last; the final ``a``."""
    return _fold(fn, elems, initializer, back_prop, name or "foldl", reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``a = fn(a, x)`` over the elements, last to first; the final ``a``."""
    return _fold(fn, elems, initializer, back_prop, name or "foldr", reverse=True)


def _fold(fn, elems, initializer, back_prop, name, reverse):
    with get_default_graph().name_scope(name):
        flat, n, _ = _elements(elems)
        inputs = _unstacked(flat, n)
        if initializer is None:
            structure = elems
            init = [ta.read(n - 1 if reverse else 0) for ta in inputs]
            start = 1
        else:
            structure = initializer
            init = [convert_to_tensor(v) for v in nest.flatten(initializer)]
            start = 0

        def body(i, *a):
            index = n - 1 - i if reverse else i
            x = nest.pack_sequence_as(elems, [ta.read(index) for ta in inputs])
            result = fn(nest.pack_sequence_as(structure, list(a)), x)
            return (i + 1, *[convert_to_tensor(v) for v in nest.flatten(result)])

        out = while_loop(lambda i, *_: i < n, body, (constant(start, int32), *init),
                         back_prop=back_prop, maximum_iterations=n)
        return nest.pack_sequence_as(structure, list(out[1:]))
