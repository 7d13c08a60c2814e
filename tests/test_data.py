"""gf.data.batches, gf.metrics.accuracy and gf.datasets.load_digits."""

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

# -- batches ---------------------------------------------------------------------------------


def test_batches_cover_every_row_once_per_epoch_with_rows_aligned():
    x = np.arange(10)
    y = np.arange(10) * 10.0
    out = list(gf.data.batches((x, y), 4, seed=3, num_epochs=2))
    assert [len(bx) for bx, _ in out] == [4, 4, 2, 4, 4, 2]
    for bx, by in out:
        np.testing.assert_array_equal(by, bx * 10.0)
    first, second = np.concatenate([b[0] for b in out[:3]]), np.concatenate([b[0] for b in out[3:]])
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert not np.array_equal(first, second)  # a new order each epoch
    assert not np.array_equal(first, x)  # shuffled


def test_batches_are_deterministic_for_a_seed():
    x = np.random.default_rng(0).normal(size=(50, 3))

    def run(seed):
        return [b[0] for b in gf.data.batches([x], 8, seed=seed, num_epochs=3)]

    a, b, c = run(7), run(7), run(8)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c))


def test_batches_remainder_and_single_array_and_no_shuffle():
    x = np.arange(11)
    kept = list(gf.data.batches(x, 5, shuffle=False))
    assert [b.tolist() for b in kept] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10]]
    dropped = list(gf.data.batches(x, 5, shuffle=False, drop_remainder=True))
    assert [b.tolist() for b in dropped] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    shuffled = list(gf.data.batches(x, 5, seed=0, drop_remainder=True))
    assert [len(b) for b in shuffled] == [5, 5] and len(set(np.concatenate(shuffled))) == 10
    assert gf.data.num_batches(11, 5) == 3 and gf.data.num_batches(11, 5, True) == 2
    forever = gf.data.batches(x, 4, seed=0, num_epochs=None)
    assert len([next(forever) for _ in range(30)]) == 30


def test_batches_reject_bad_arguments():
    with pytest.raises(errors.InvalidArgumentError, match=r"same number of rows.*\[3, 4\]"):
        gf.data.batches((np.zeros(3), np.zeros(4)), 2)
    with pytest.raises(errors.InvalidArgumentError, match="batch_size"):
        gf.data.batches(np.zeros(3), 0)


# -- metrics.accuracy ------------------------------------------------------------------------

def _numpy_accuracy(batches):
    hits = np.concatenate([(p.reshape(-1) == l.reshape(-1)) * w for l, p, w in batches])
    weights = np.concatenate([np.broadcast_to(w, l.reshape(-1).shape) for l, _, w in batches])
    return np.float32(hits.sum() / weights.sum())


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_accuracy_accumulates_over_update_calls_like_numpy(backend):
    rng = np.random.default_rng(1)
    with gf.Graph().as_default():
        labels = gf.placeholder(gf.int64, [None])
        logits = gf.placeholder(gf.float32, [None, 4])
        weights = gf.placeholder(gf.float32, [None])
        predictions = gf.argmax(logits, 1)
        acc, update = gf.metrics.accuracy(labels, predictions)
        wacc, wupdate = gf.metrics.accuracy(labels, predictions, weights=weights, name="weighted")
        assert (acc.name, update.name) == ("accuracy/value:0", "accuracy/update_op:0")
        assert [v.op.name for v in gf.local_variables()] == [
            "accuracy/total", "accuracy/count", "weighted/total", "weighted/count"]
        assert gf.trainable_variables() == [] and gf.global_variables() == []
        with gf.Session(backend=backend) as sess:
            sess.run(gf.local_variables_initializer())
            assert sess.run([acc, wacc]) == [0.0, 0.0]  # no data yet: 0, not nan
            seen, seen_weighted = [], []
            for n in (7, 5):
                l = rng.integers(0, 4, n)
                z = rng.normal(size=(n, 4)).astype(np.float32)
                w = rng.uniform(0, 2, n).astype(np.float32)
                p = z.argmax(1)
                seen.append((l, p, np.float32(1)))
                seen_weighted.append((l, p, w))
                got, got_w = sess.run([update, wupdate], {labels: l, logits: z, weights: w})
                np.testing.assert_allclose(got, _numpy_accuracy(seen), rtol=1e-6)
                np.testing.assert_allclose(got_w, _numpy_accuracy(seen_weighted), rtol=1e-6)
            assert 0 < got < 1
            np.testing.assert_allclose(sess.run(acc), got, rtol=1e-6)  # the value reads totals
            np.testing.assert_allclose(sess.run(wacc), got_w, rtol=1e-6)
            sess.run(gf.local_variables_initializer())  # resets the running totals
            assert sess.run(acc) == 0.0


def test_accuracy_squeezes_a_trailing_one_and_checks_shapes():
    with gf.Graph().as_default():
        labels = gf.constant([[1], [2], [3], [0]])
        acc, update = gf.metrics.accuracy(labels, gf.constant([1.0, 2.0, 0.0, 0.0]))
        with gf.Session(backend="numpy") as sess:
            sess.run(gf.local_variables_initializer())
            assert sess.run(update) == 0.75
        with pytest.raises(errors.ShapeError, match="one shape"):
            gf.metrics.accuracy(gf.constant([1, 2, 3]), gf.constant([1, 2]))


# -- datasets.load_digits --------------------------------------------------------------------

def test_load_digits_shapes_dtypes_and_a_deterministic_stratified_split():
    pytest.importorskip("sklearn")
    (x_train, y_train), (x_test, y_test) = gf.datasets.load_digits()
    assert x_train.shape == (1438, 8, 8, 1) and x_test.shape == (359, 8, 8, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(y_test) == set(range(10))
    test_share = np.bincount(y_test) / (np.bincount(y_test) + np.bincount(y_train))
    assert np.all(np.abs(test_share - 0.2) < 0.02)  # stratified
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()  # the two sets partition the original images, labels kept
    original = np.concatenate([digits.images.reshape(-1, 64) / 16.0, digits.target[:, None]], 1)
    ours = np.concatenate([np.concatenate([x_train, x_test]).reshape(-1, 64),
                           np.concatenate([y_train, y_test])[:, None]], 1)
    np.testing.assert_array_equal(np.unique(ours, axis=0), np.unique(original, axis=0))
    assert len(ours) == len(original)
    again = gf.datasets.load_digits()
    np.testing.assert_array_equal(again[0][0], x_train)
    np.testing.assert_array_equal(again[1][1], y_test)
    other = gf.datasets.load_digits(test_fraction=0.5, seed=1)
    assert len(other[1][1]) == sum(round(0.5 * n) for n in np.bincount(digits.target))
    assert not np.array_equal(other[0][1][:50], y_train[:50])


def test_load_digits_without_scikit_learn_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(errors.GraphflowError, match=r'pip install "graphflow\[examples\]"'):
        gf.datasets.load_digits()


def test_a_batch_size_that_is_not_a_positive_integer_is_refused():
    for size in (None, 0, 2.5, "8"):
        with pytest.raises(gf.errors.InvalidArgumentError, match="batch_size"):
            gf.data.batches(np.zeros((4, 2)), size)
