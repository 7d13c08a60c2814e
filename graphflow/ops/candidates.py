"""Candidate samplers: random ops that draw the classes a sampled loss (``nn.nce_loss``,
``nn.sampled_softmax_loss``) scores besides the true ones, with TF1's distributions and
expected counts.

Each returns ``(sampled_candidates, true_expected_count, sampled_expected_count)``: int64
``[num_sampled]`` classes, and float32 counts of how often a class is expected among the
draws, for the true classes ``[batch, num_true]`` and for the sampled ones. A sampler is a
RANDOM op (TF1's graph seed + op seed rules, see ``random.py``); its bits are not TF1's,
its distribution is.
"""

import collections

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..shapes import TensorShape
from .base import RANDOM, OpDef, Spec, require_dtype
from .elementwise import INT, cast
from .random import get_seed
from .sources import convert_to_tensor

SamplerOutput = collections.namedtuple(
    "SamplerOutput", "sampled_candidates true_expected_count sampled_expected_count")


def expected_counts(p, num_sampled, num_tries):
    """TF1's expected count of a class of probability ``p`` (float32) among ``num_sampled``
    candidates: ``p * num_sampled`` when every draw was kept, and for unique sampling, which
    took ``num_tries`` draws, the chance it came up at all, ``1 - (1 - p) ** num_tries``
    (as ``-expm1(num_tries * log1p(-p))``, in float32 as TF1's kernel computes it)."""
    p = np.asarray(p, np.float32)
    with np.errstate(all="ignore"):
        if num_tries == num_sampled:
            return p * np.float32(num_sampled)
        return -np.expm1(np.float32(num_tries) * np.log1p(-p))


def _log_uniform_draw(rng, n, range_max):
    # exp(u * log(range_max + 1)) is in [1, range_max + 1): floor(.) - 1 is k with the
    # probability (log(k + 2) - log(k + 1)) / log(range_max + 1)
    values = np.exp(rng.random(n) * np.log1p(range_max)).astype(np.int64) - 1
    return values % range_max


def log_uniform_probability(classes, range_max):
    """``P(k) = (log(k + 2) - log(k + 1)) / log(range_max + 1)`` for each class (float64)."""
    classes = np.asarray(classes, np.float64)
    return np.log((classes + 2.0) / (classes + 1.0)) / np.log1p(range_max)


def _uniform_draw(rng, n, range_max):
    return rng.integers(0, range_max, n, dtype=np.int64)


def uniform_probability(classes, range_max):
    """``1 / range_max`` for each class."""
    return np.full(classes.shape, 1.0 / range_max)


def _draw_unique(rng, draw, n, range_max):
    """``n`` distinct classes in the order they first came up, and the draws it took."""
    picked, seen, tries = [], set(), 0
    while len(picked) < n:
        for value in draw(rng, 2 * (n - len(picked)) + 16, range_max).tolist():
            tries += 1
            if value not in seen:
                seen.add(value)
                picked.append(value)
                if len(picked) == n:
                    break
    return np.array(picked, np.int64), tries


def _sampler_infer(inputs, *, num_true, num_sampled, unique, range_max, seed, seed2):
    (true_classes,) = inputs
    require_dtype(true_classes, INT, "a sampler's true_classes")
    shape = true_classes.shape
    if shape.ndims is not None and shape.ndims != 2:
        raise ValueError(f"true_classes must be a matrix [batch_size, num_true], got shape "
                         f"{shape}")
    if shape.ndims == 2 and shape[1] is not None and shape[1] != num_true:
        raise ValueError(f"true_classes must have num_true = {num_true} columns, got shape "
                         f"{shape}")
    batch = shape[0] if shape.ndims == 2 else None
    return [Spec(TensorShape([num_sampled]), dtypes.int64),
            Spec(TensorShape([batch, num_true]), dtypes.float32),
            Spec(TensorShape([num_sampled]), dtypes.float32)]


def sampler_opdef(type, draw, probability):
    """A candidate sampler op drawing with ``draw(rng, n, range_max)``, whose classes have
    the probabilities ``probability(classes, range_max)``."""

    def reference(rng, true_classes, *, num_true, num_sampled, unique, range_max, seed,
                  seed2):
        if true_classes.ndim != 2 or true_classes.shape[1] != num_true:
            raise ValueError(f"true_classes must be a matrix with num_true = {num_true} "
                             f"columns, got shape {true_classes.shape}")
        bad = (true_classes < 0) | (true_classes >= range_max)
        if bad.any():
            raise ValueError(f"true class {true_classes[bad][0]} is outside the sampler's "
                             f"range [0, {range_max})")
        if unique:
            sampled, tries = _draw_unique(rng, draw, num_sampled, range_max)
        else:
            sampled, tries = draw(rng, num_sampled, range_max), num_sampled

        def counts(classes):
            p = probability(classes, range_max).astype(np.float32)
            return expected_counts(p, num_sampled, tries)

        return sampled, counts(true_classes), counts(sampled)

    return OpDef(type, RANDOM, _sampler_infer, reference, differentiable=False)


LOG_UNIFORM_SAMPLER = sampler_opdef("LogUniformCandidateSampler", _log_uniform_draw,
                                    log_uniform_probability)
UNIFORM_SAMPLER = sampler_opdef("UniformCandidateSampler", _uniform_draw,
                                uniform_probability)


def _sample(opdef, true_classes, num_true, num_sampled, unique, range_max, seed, name):
    num_true, num_sampled, range_max = (_positive(v, what) for v, what in (
        (num_true, "num_true"), (num_sampled, "num_sampled"), (range_max, "range_max")))
    if unique and num_sampled > range_max:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"{opdef.type}: the sampler's range is too small: {num_sampled} unique candidates "
            f"cannot be drawn from range_max = {range_max} classes")
    true_classes = convert_to_tensor(true_classes)
    if true_classes.dtype.is_integer and true_classes.dtype != dtypes.int64:
        true_classes = cast(true_classes, dtypes.int64)  # TF1 takes int64 only
    seed, seed2 = get_seed(seed)
    with name_scope(name, opdef.type) as scope:
        return SamplerOutput(*opdef(
            true_classes, num_true=num_true, num_sampled=num_sampled, unique=bool(unique),
            range_max=range_max, seed=seed, seed2=seed2, name=scope))


def _positive(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"a sampler's {what} must be a positive int, got {value!r}")
    return int(value)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Draw ``num_sampled`` classes of ``[0, range_max)`` from the log-uniform (Zipfian)
    distribution ``P(k) = (log(k + 2) - log(k + 1)) / log(range_max + 1)``, which suits
    classes sorted by decreasing frequency (TF1's ``tf.nn.log_uniform_candidate_sampler``).

    With ``unique`` the draws are repeated until ``num_sampled`` distinct classes came up,
    and the expected counts use the number of draws that took. ``true_classes`` is an int
    ``[batch_size, num_true]`` matrix. Returns ``(sampled_candidates, true_expected_count,
    sampled_expected_count)``; not differentiable."""
    return _sample(LOG_UNIFORM_SAMPLER, true_classes, num_true, num_sampled, unique,
                   range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """Like ``log_uniform_candidate_sampler``, with every class of ``[0, range_max)``
    equally likely (TF1's ``tf.nn.uniform_candidate_sampler``)."""
    return _sample(UNIFORM_SAMPLER, true_classes, num_true, num_sampled, unique, range_max,
                   seed, name)
