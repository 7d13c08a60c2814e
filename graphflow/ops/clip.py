"""Clipping by norms (TF1's ``clip_by_norm``, ``clip_by_global_norm``, ``global_norm``,
``clip_by_average_norm``): composites of reductions and elementwise ops, so their gradients
and every backend come with them. The formulas are TF1's, term for term, so the rounding and
the special cases (a zero norm, an infinite one) come out as in TF1."""

from collections.abc import Sequence

from .. import errors
from ..graph import name_scope
from .base import require_dtype
from .elementwise import (
    FLOAT,
    cast,
    greater,
    identity,
    maximum,
    minimum,
    ones_like,
    rsqrt,
    sqrt,
    where,
)
from .movement import stack
from .reduce import reduce_sum
from .shape_ops import size
from .sources import constant, convert_to_tensor


def _floating(t, what):
    try:
        require_dtype(t, FLOAT, what)
    except TypeError as e:
        raise errors.at_user_line(errors.DTypeError, str(e)) from None
    return t


def _tensor_list(t_list, what):
    """A list of the tensors (or Nones) of ``t_list``, which must be a sequence, as in TF1 (a
    generator would be spent by the norm before the clipping sees it)."""
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise errors.at_user_line(
            errors.DTypeError,
            f"{what}'s t_list should be a list or tuple of tensors, got {type(t_list).__name__}")
    return [None if t is None else convert_to_tensor(t, name=f"t_{i}")
            for i, t in enumerate(t_list)]


def global_norm(t_list, name=None):
    """``sqrt(sum(sum(t ** 2) for t in t_list))``: the L2 norm of all the tensors' elements
    together. ``None`` entries are skipped; an empty list gives 0.0 (float32)."""
    with name_scope(name, "global_norm"):
        values = [_floating(t, "global_norm") for t in _tensor_list(t_list, "global_norm")
                  if t is not None]
        if not values:
            return sqrt(constant(0.0), name="global_norm")
        squares = stack([reduce_sum(v * v) for v in values])
        return sqrt(reduce_sum(squares), name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """``(list_clipped, global_norm)``: each tensor times ``clip_norm / max(global_norm,
    clip_norm)``, so the list's joint norm is at most ``clip_norm``, the tensors keeping
    their proportions. ``None`` entries stay ``None`` (gradients of unused variables), and
    ``use_norm`` replaces the computed norm. An infinite or NaN norm makes every clipped
    tensor NaN, as in TF1 (a diverged step shows instead of silently becoming zero).

    The usual training step::

        grads, _ = tf.clip_by_global_norm(tf.gradients(loss, tvars), 5.0)
        train_op = optimizer.apply_gradients(zip(grads, tvars))
    """
    t_list = _tensor_list(t_list, "clip_by_global_norm")
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    with name_scope(name, "clip_by_global_norm") as scope:
        use_norm = convert_to_tensor(use_norm)
        clip_norm = convert_to_tensor(clip_norm, use_norm.dtype)
        # clip_norm * min(1 / norm, 1 / clip_norm) is 1 for a small norm; adding
        # (norm - norm), zero for a finite norm, turns the scale NaN for inf/NaN
        scale = clip_norm * minimum(1.0 / use_norm, 1.0 / clip_norm)
        scale = scale + (use_norm - use_norm)
        base = scope.rstrip("/").rsplit("/", 1)[-1]
        clipped = [None if t is None else identity(t * cast(scale, t.dtype), name=f"{base}_{i}")
                   for i, t in enumerate(t_list)]
    return clipped, use_norm


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t * clip_norm / max(norm, clip_norm)`` with ``norm`` the L2 norm of ``t`` (over
    ``axes``, each slice on its own, or over all of it): a tensor whose norm exceeds
    ``clip_norm`` is scaled down to it, others pass unchanged. A zero norm gives zeros, with
    a finite gradient (TF1's guarded square root)."""
    with name_scope(name, "clip_by_norm") as scope:
        t = _floating(convert_to_tensor(t), "clip_by_norm")
        clip_norm = convert_to_tensor(clip_norm, t.dtype)
        squares = reduce_sum(t * t, axes, keepdims=True)
        positive = greater(squares, 0)
        # sqrt only where positive: sqrt's gradient at 0 is infinite
        norm = where(positive, sqrt(where(positive, squares, ones_like(squares))), squares)
        return identity(t * clip_norm / maximum(norm, clip_norm), name=scope)


def clip_by_average_norm(t, clip_norm, name=None):
    """``t`` scaled so that its average L2 norm (the norm divided by the number of
    elements) is at most ``clip_norm``."""
    with name_scope(name, "clip_by_average_norm") as scope:
        t = _floating(convert_to_tensor(t), "clip_by_average_norm")
        clip_norm = convert_to_tensor(clip_norm, t.dtype)
        n = cast(size(t), t.dtype)
        inverse_norm = rsqrt(reduce_sum(t * t))
        return identity(t * clip_norm * minimum(inverse_norm * n, 1.0 / clip_norm),
                        name=scope)
