"""Sampled losses over many classes: ``nce_loss`` and ``sampled_softmax_loss`` score the
true classes and a few sampled ones instead of every class (TF1's math: logits minus the
log of the expected counts, accidental hits masked), and ``compute_accidental_hits``.

Composites of embedding lookups, matmul and the cross-entropies, so gradients (dense)
and every backend come with them. The candidate samplers live in ``ops/candidates.py``.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops import elementwise as ew
from ..ops.candidates import log_uniform_candidate_sampler
from ..ops.gather import where_indices
from ..ops.linalg import matmul
from ..ops.movement import concat, expand_dims, reshape
from ..ops.reduce import reduce_any, reduce_max, reduce_sum
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor, fill
from ..ops.sources import range as range_op
from .embedding import embedding_lookup
from .ops import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2

# TF1 adds this (float32's lowest value) to the logit of an accidental hit
_HIT_LOGIT = float(np.finfo(np.float32).min)


def _hits(true_classes, sampled_candidates, num_true):
    """``[batch, num_true, num_sampled]`` bools: TF1's accidental hits. A sampled class
    that comes up more than once is a hit at its last position only."""
    true_classes = _int64(true_classes)
    sampled = _int64(sampled_candidates)
    if true_classes.shape.ndims not in (None, 2) or (
            true_classes.shape.ndims == 2 and true_classes.shape[1] not in (None, num_true)):
        raise errors.at_user_line(
            errors.ShapeError, f"true_classes must be a [batch_size, num_true = {num_true}] "
                               f"matrix, got {errors.describe(true_classes)}")
    same = ew.equal(expand_dims(reshape(true_classes, [-1, num_true]), 2),
                    reshape(sampled, [1, 1, -1]))
    # each true class matches at its last position among the sampled only: TF1's kernel
    # maps each sampled class to one position, the last one written
    positions = range_op(0, shape(sampled)[0])
    last = reduce_max(ew.where(same, positions, -1), axis=2, keepdims=True)
    return ew.logical_and(same, ew.equal(positions, last))


def _int64(t, cast_any=False):
    """``t`` as int64 class ids; ``cast_any``: floats too, as TF1's sampled losses cast
    their labels and sampled candidates whatever their dtype."""
    t = convert_to_tensor(t)
    if not (t.dtype.is_integer or cast_any and t.dtype.is_floating):
        raise errors.at_user_line(errors.DTypeError,
                                  f"class ids must be ints, got {errors.describe(t)}")
    return t if t.dtype == dtypes.int64 else ew.cast(t, dtypes.int64)


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled candidate is one of a row's true classes: ``(indices, ids,
    weights)``, the row (int32), the candidate's position (int64) and float32's lowest value
    for each hit, in TF1's order (by row, then by true class). Add the weights to those
    logits to take the hits out of a sampled loss. ``seed`` is accepted and unused, as in
    TF1."""
    with name_scope(name, "ComputeAccidentalHits"):
        where = where_indices(_hits(true_classes, sampled_candidates, num_true))
        indices = ew.cast(where[:, 0], dtypes.int32, name="indices")
        ids = ew.identity(where[:, 2], name="ids")
        weights = fill(shape(ids), _HIT_LOGIT, name="weights")
        return indices, ids, weights


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                    sampled_values, remove_accidental_hits, partition_strategy, seed):
    """TF1's logits and labels of a sampled loss, ``[batch, num_true + num_sampled]``: the
    true classes' logits first, each logit minus the log of its expected count."""
    shards = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    inputs = convert_to_tensor(inputs, name="inputs")
    labels = _int64(labels, cast_any=True)
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(
            labels, num_true, num_sampled, True, num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (ew.stop_gradient(convert_to_tensor(v))
                                                for v in sampled_values)
    sampled = _int64(sampled, cast_any=True)
    labels_flat = reshape(labels, [-1])

    def lookup(params, ids):
        found = embedding_lookup(params, ids, partition_strategy=partition_strategy)
        return found if found.dtype == inputs.dtype else ew.cast(found, inputs.dtype)

    # TF1 looks up the true and sampled ids together and slices; two lookups give the same
    # rows without a slice at a position known only at run time
    true_w, sampled_w = lookup(shards, labels_flat), lookup(shards, sampled)
    true_b, sampled_b = lookup(biases, labels_flat), lookup(biases, sampled)
    sampled_logits = matmul(inputs, sampled_w, transpose_b=True) + sampled_b
    dim = shape(true_w)[1:2]
    true_w = reshape(true_w, concat([[-1, num_true], dim], 0))
    true_logits = reduce_sum(expand_dims(inputs, 1) * true_w, axis=2)
    true_logits = true_logits + reshape(true_b, [-1, num_true])
    if remove_accidental_hits:  # 1 * lowest where a hit, exactly TF1's added weight
        hit = reduce_any(_hits(labels, sampled, num_true), axis=1)
        sampled_logits = sampled_logits + ew.cast(hit, inputs.dtype) * _HIT_LOGIT
    true_logits = true_logits - ew.log(true_expected)
    sampled_logits = sampled_logits - ew.log(sampled_expected)
    logits = concat([true_logits, sampled_logits], 1)
    labels = concat([ew.ones_like(true_logits) / num_true, ew.zeros_like(sampled_logits)], 1)
    return logits, labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation loss per example, ``[batch_size]``: sigmoid
    cross-entropies of the true classes (label ``1 / num_true``) and of ``num_sampled``
    sampled classes (label 0), each logit ``inputs . weights[c] + biases[c]`` minus the log
    of the class's expected count, summed per row.

    ``weights`` ``[num_classes, dim]`` (or a list of shards, split by
    ``partition_strategy`` as in ``embedding_lookup``), ``biases`` ``[num_classes]``,
    ``labels`` int ``[batch_size, num_true]``, ``inputs`` ``[batch_size, dim]``.
    ``sampled_values`` is a sampler's ``(sampled_candidates, true_expected_count,
    sampled_expected_count)``; by default ``log_uniform_candidate_sampler`` with
    ``unique=True`` draws anew each run. ``remove_accidental_hits`` masks the sampled
    classes that are one of a row's true classes."""
    with name_scope(name, "nce_loss"):
        logits, labels = _sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, remove_accidental_hits, partition_strategy, None)
    losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                               name="sampled_losses")
    return reduce_sum(losses, axis=1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Sampled softmax loss per example, ``[batch_size]``: the softmax cross-entropy over
    the true classes (each of probability ``1 / num_true``) and ``num_sampled`` sampled
    classes, logits as in ``nce_loss``; accidental hits are masked by default. ``seed``
    seeds the default sampler."""
    with name_scope(name, "sampled_softmax_loss"):
        logits, labels = _sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, remove_accidental_hits, partition_strategy, seed)
        labels = ew.stop_gradient(labels, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
