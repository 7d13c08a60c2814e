"""Random tensors with TF1's seeding: graph seed + op seed -> the same numbers run to run.

Each Session keeps one generator per random op, seeded from the op's ``(seed, seed2)``
attrs, so a new Session replays the same sequence and each ``run`` draws new numbers.
With neither a graph seed nor an op seed the numbers differ every time.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, control_dependencies, get_default_graph, name_scope
from ..shapes import TensorShape
from .base import RANDOM, OpDef, Spec, require_dtype, static_value
from .elementwise import FLOAT, INT, add, binary_operands, floormod, identity, maximum
from .gather import check_indices, gather
from .reduce import reduce_max, reduce_min
from .shape_ops import shape as shape_of
from .sources import convert_to_tensor, shape_tensor, static_shape_of
from .sources import range as range_

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed):
    """Set the default graph's seed: random ops made after it become repeatable."""
    get_default_graph().seed = None if seed is None else _seed_int(seed, "the graph seed")


def get_seed(op_seed):
    """TF1's rule: the ``(seed, seed2)`` pair for a new random op (``(None, None)``: fresh)."""
    graph = get_default_graph()
    seed = graph.root.seed  # (a control-flow body's ops take their graph's seed)
    if op_seed is not None:
        op_seed = _seed_int(op_seed, "a random op's seed")
    if seed is not None:
        return seed, (op_seed if op_seed is not None
                            else graph.seed_offset + len(graph.get_operations()))
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, op_seed
    return None, None


def _seed_int(seed, what):
    if not isinstance(seed, (int, np.integer)):  # int('a') raised a raw ValueError
        raise errors.at_user_line(errors.DTypeError, f"{what} must be an int, got {seed!r}")
    return int(seed)


def generator(seed, seed2):
    """The NumPy generator a Session uses for one random op."""
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([seed, seed2])


def _random_infer(inputs, *, dtype, seed, seed2, **bounds):
    (shape_t,) = inputs
    require_dtype(shape_t, INT, "a random op's shape")
    return Spec(static_shape_of(shape_t), dtype)


def _shape(shape_t):
    return tuple(int(d) for d in shape_t)


def _truncated(rng, shape):
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():  # resample beyond two standard deviations, as TF1 does
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out


NORMAL = OpDef("RandomStandardNormal", RANDOM, _random_infer,
               lambda rng, s, *, dtype, seed, seed2: rng.standard_normal(_shape(s))
               .astype(dtype.np), shape_inputs=(0,), differentiable=False)
UNIFORM = OpDef("RandomUniform", RANDOM, _random_infer,
                lambda rng, s, *, dtype, seed, seed2: rng.random(_shape(s)).astype(dtype.np),
                shape_inputs=(0,), differentiable=False)
def _uniform_int_infer(inputs, *, dtype, seed, seed2):
    shape_t, minval, maxval = inputs
    for bound, what in ((minval, "minval"), (maxval, "maxval")):
        if bound.shape.ndims not in (0, None):
            raise ValueError(f"random_uniform's {what} must be a scalar, got shape "
                             f"{bound.shape}")
    return _random_infer([shape_t], dtype=dtype, seed=seed, seed2=seed2)


def _uniform_ints(rng, s, minval, maxval, *, dtype, seed, seed2):
    if np.ndim(minval) or np.ndim(maxval):
        raise ValueError(f"random_uniform's minval and maxval must be scalars, got shapes "
                         f"{np.shape(minval)} and {np.shape(maxval)}")
    if minval >= maxval:
        raise ValueError(f"random_uniform needs minval < maxval, got {minval} and {maxval}")
    return rng.integers(int(minval), int(maxval), _shape(s)).astype(dtype.np)


# minval and maxval are inputs, as TF1's: they may be tensors known only at run time
UNIFORM_INT = OpDef("RandomUniformInt", RANDOM, _uniform_int_infer, _uniform_ints,
                    shape_inputs=(0,), differentiable=False)
TRUNCATED = OpDef("TruncatedNormal", RANDOM, _random_infer,
                  lambda rng, s, *, dtype, seed, seed2: _truncated(rng, _shape(s))
                  .astype(dtype.np), shape_inputs=(0,), differentiable=False)


def _draw(opdef, shape, dtype, seed, name=None, **bounds):
    seed, seed2 = get_seed(seed)
    return opdef(shape_tensor(shape), dtype=dtypes.as_dtype(dtype), seed=seed, seed2=seed2,
                 name=name, **bounds)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of a normal distribution with ``mean`` and ``stddev``."""
    dtype = _floating(dtype, "random_normal")
    with name_scope(name, "random_normal") as scope:
        rnd = _draw(NORMAL, shape, dtype, seed)
        return _scale(rnd, stddev, mean, scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn where more than two standard deviations from the mean."""
    dtype = _floating(dtype, "truncated_normal")
    with name_scope(name, "truncated_normal") as scope:
        rnd = _draw(TRUNCATED, shape, dtype, seed)
        return _scale(rnd, stddev, mean, scope)


def _floating(dtype, what):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise errors.at_user_line(errors.DTypeError,
                                  f"{what} draws floating numbers, not {dtype.name}")
    return dtype


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_uniform") as scope:
        if dtype.is_integer:
            if maxval is None:
                raise errors.at_user_line(
                    errors.InvalidArgumentError,
                    "random_uniform with an integer dtype needs maxval")
            seed, seed2 = get_seed(seed)
            return UNIFORM_INT(shape_tensor(shape), convert_to_tensor(minval, dtype, "min"),
                               convert_to_tensor(maxval, dtype, "max"), dtype=dtype,
                               seed=seed, seed2=seed2, name=scope)
        rnd = _draw(UNIFORM, shape, dtype, seed)
        maxval = 1 if maxval is None else maxval
        lo, hi = binary_operands(convert_to_tensor(minval, dtype), maxval)
        return add(rnd * (hi - lo), lo, name=scope)


def _scale(rnd, stddev, mean, name):
    return add(rnd * convert_to_tensor(stddev, rnd.dtype), convert_to_tensor(mean, rnd.dtype),
               name=name)


# -- shuffles, crops and draws from logits ---------------------------------------------------

SHUFFLE = OpDef("RandomShuffle", RANDOM,
                lambda inputs, *, seed, seed2: Spec(inputs[0].shape, inputs[0].dtype),
                lambda rng, x, *, seed, seed2: rng.permutation(x) if x.ndim else x.copy(),
                differentiable=False)


def random_shuffle(value, seed=None, name=None):
    """``value`` with the slices along its first axis in a random order (a new one each
    run); every permutation is equally likely."""
    value = convert_to_tensor(value)
    seed, seed2 = get_seed(seed)
    return SHUFFLE(value, seed=seed, seed2=seed2, name=name or "RandomShuffle")


def random_crop(value, size, seed=None, name=None):
    """A block of ``size`` (one entry per axis of ``value``) at a random offset, each
    offset equally likely; a crop larger than ``value`` fails (at build time where the
    shapes are known). Gradients flow back into the cropped block."""
    with name_scope(name, "random_crop") as scope:
        value = convert_to_tensor(value)
        size = size if isinstance(size, Tensor) else convert_to_tensor(size, dtypes.int32)
        require_dtype(size, INT, "random_crop's size")
        rank = size.shape[0] if size.shape.ndims == 1 else None
        if rank is None or value.shape.ndims not in (None, rank):
            raise errors.at_user_line(
                errors.ShapeError, f"random_crop's size {size.shape} needs one entry per axis "
                                   f"of value {value.shape}")
        known = static_value(size)
        if known is not None and (known < 0).any():
            raise errors.at_user_line(
                errors.ShapeError, f"random_crop's size {known.tolist()} has a negative entry")
        dims = value.shape.dims or [None] * rank
        if known is not None and any(d is not None and n > d for n, d in zip(known, dims)):
            raise errors.at_user_line(
                errors.ShapeError, f"random_crop's size {known.tolist()} is larger than the "
                                   f"value's shape {value.shape}")
        whole = shape_of(value, out_type=size.dtype)
        # a size known only at run time is checked then (TF1's Assert)
        excess = check_indices(maximum(reduce_max(size - whole), 0), 1,
                               "random_crop: a crop size exceeding the value's shape by")
        with control_dependencies([excess.op]):
            limit = whole - size + 1
        draw = random_uniform([rank], maxval=size.dtype.max, dtype=size.dtype, seed=seed)
        # made after the draw, so that the draw's seed (from the op count) stays as it was
        negative = check_indices(maximum(-reduce_min(size), 0), 1,
                                 "random_crop: a crop size below 0 by")
        with control_dependencies([negative.op]):
            starts = floormod(draw, limit)
        out = value
        for axis in range(rank):
            if known is None or dims[axis] != known[axis]:  # (an axis kept whole is skipped)
                out = gather(out, starts[axis] + range_(size[axis]), axis=axis)
        out = identity(out, name=scope)
        if known is not None:
            out.set_shape(TensorShape([int(n) for n in known]))
        return out


def _multinomial_infer(inputs, *, seed, seed2, output_dtype):
    logits, num_samples = inputs
    require_dtype(logits, FLOAT, "multinomial's logits")
    require_dtype(num_samples, INT, "multinomial's num_samples")
    if logits.shape.ndims not in (2, None):
        raise ValueError(f"multinomial's logits must be [batch_size, num_classes], got shape "
                         f"{logits.shape}")
    if num_samples.shape.ndims not in (0, None):
        raise ValueError(f"multinomial's num_samples must be a scalar, got {num_samples.shape}")
    n = static_value(num_samples)
    batch = logits.shape.dims[0] if logits.shape.ndims == 2 else None
    return Spec(TensorShape([batch, None if n is None else int(n)]), output_dtype)


def _multinomial(rng, logits, num_samples, *, seed, seed2, output_dtype):
    """Inverse-CDF draws from each row's softmax, in float64: a uniform number times the
    row's total lands in class k with probability p_k, and never in a class of probability
    0 (a -inf logit)."""
    n = int(num_samples)
    batch, classes = logits.shape
    if n < 0 or (classes == 0 and batch and n):
        raise ValueError(f"multinomial needs num_samples >= 0 (got {n}) and at least one "
                         f"class (got {classes})")
    x = logits.astype(np.float64)
    cdf = np.cumsum(np.exp(x - x.max(axis=1, keepdims=True)), axis=1)
    u = rng.random((batch, n)) * cdf[:, -1:]
    out = np.array([np.searchsorted(row, draws, side="right") for row, draws in zip(cdf, u)],
                   np.int64).reshape(batch, n)
    return np.minimum(out, max(classes - 1, 0)).astype(output_dtype.np)


MULTINOMIAL = OpDef("Multinomial", RANDOM, _multinomial_infer, _multinomial,
                    differentiable=False)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """``num_samples`` class indices per row of ``logits`` ([batch_size, num_classes],
    unnormalized log-probabilities), drawn independently from each row's softmax:
    int64 (or ``output_dtype``), shape [batch_size, num_samples]."""
    with name_scope(name, "multinomial"):
        return _draw_classes(logits, num_samples, seed, output_dtype)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """``multinomial`` under its TF2 name (``tf.random.categorical``)."""
    with name_scope(name, "categorical"):
        return _draw_classes(logits, num_samples, seed, dtype)


def _draw_classes(logits, num_samples, seed, dtype):
    logits = convert_to_tensor(logits)
    num_samples = convert_to_tensor(num_samples, dtypes.int32)
    dtype = dtypes.as_dtype(dtype or dtypes.int64)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise errors.at_user_line(errors.DTypeError, f"multinomial draws int32 or int64 class "
                                                     f"ids, not {dtype.name}")
    seed, seed2 = get_seed(seed)
    return MULTINOMIAL(logits, num_samples, seed=seed, seed2=seed2,
                       output_dtype=dtype, name="Multinomial")
