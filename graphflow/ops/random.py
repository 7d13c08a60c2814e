"""Random tensors with TF1's seeding: graph seed + op seed -> the same numbers run to run.

Each Session keeps one generator per random op, seeded from the op's ``(seed, seed2)``
attrs, so a new Session replays the same sequence and each ``run`` draws new numbers.
With neither a graph seed nor an op seed the numbers differ every time.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph, name_scope
from .base import RANDOM, OpDef, Spec, require_dtype
from .elementwise import FLOAT, INT, add, binary_operands
from .sources import convert_to_tensor, shape_tensor, static_shape_of

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed):
    """Set the default graph's seed: random ops made after it become repeatable."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed):
    """TF1's rule: the ``(seed, seed2)`` pair for a new random op (``(None, None)``: fresh)."""
    graph = get_default_graph()
    if graph.seed is not None:
        return graph.seed, int(op_seed) if op_seed is not None else len(graph.get_operations())
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed)
    return None, None


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
               .astype(dtype.np), differentiable=False)
UNIFORM = OpDef("RandomUniform", RANDOM, _random_infer,
                lambda rng, s, *, dtype, seed, seed2: rng.random(_shape(s)).astype(dtype.np),
                differentiable=False)
UNIFORM_INT = OpDef("RandomUniformInt", RANDOM, _random_infer,
                    lambda rng, s, *, dtype, seed, seed2, minval, maxval:
                    rng.integers(minval, maxval, _shape(s)).astype(dtype.np),
                    differentiable=False)
TRUNCATED = OpDef("TruncatedNormal", RANDOM, _random_infer,
                  lambda rng, s, *, dtype, seed, seed2: _truncated(rng, _shape(s))
                  .astype(dtype.np), differentiable=False)


def _draw(opdef, shape, dtype, seed, name=None, **bounds):
    seed, seed2 = get_seed(seed)
    return opdef(shape_tensor(shape), dtype=dtypes.as_dtype(dtype), seed=seed, seed2=seed2,
                 name=name, **bounds)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of a normal distribution with ``mean`` and ``stddev``."""
    with name_scope(name, "random_normal") as scope:
        rnd = _draw(NORMAL, shape, dtype, seed)
        return _scale(rnd, stddev, mean, scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn where more than two standard deviations from the mean."""
    with name_scope(name, "truncated_normal") as scope:
        rnd = _draw(TRUNCATED, shape, dtype, seed)
        return _scale(rnd, stddev, mean, scope)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_uniform") as scope:
        if dtype.is_integer:
            if maxval is None:
                raise errors.at_user_line(
                    errors.InvalidArgumentError,
                    "random_uniform with an integer dtype needs maxval")
            return _draw(UNIFORM_INT, shape, dtype, seed, minval=int(minval), maxval=int(maxval),
                         name=scope)
        rnd = _draw(UNIFORM, shape, dtype, seed)
        maxval = 1 if maxval is None else maxval
        lo, hi = binary_operands(convert_to_tensor(minval, dtype), maxval)
        return add(rnd * (hi - lo), lo, name=scope)


def _scale(rnd, stddev, mean, name):
    require_dtype(rnd, FLOAT, "a normal distribution")
    return add(rnd * convert_to_tensor(stddev, rnd.dtype), convert_to_tensor(mean, rnd.dtype),
               name=name)
