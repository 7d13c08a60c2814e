"""Small data sets for examples and tests, with no download."""

import numpy as np

from . import errors


def load_digits(test_fraction=0.2, seed=0):
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, classes 0-9), split.

    Returns ``(x_train, y_train), (x_test, y_test)``: images float32 ``[n, 8, 8, 1]``
    (NHWC) scaled to [0, 1], labels int32. The split is stratified (each class gives
    ``round(test_fraction * its count)`` images to the test set) and depends only on
    ``seed``; both sets come shuffled. Needs ``pip install "graphflow[examples]"``.
    """
    if not 0 <= test_fraction < 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"test_fraction must be in [0, 1), got {test_fraction!r}")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise errors.FailedPreconditionError(
            'load_digits needs scikit-learn: pip install "graphflow[examples]"') from None
    digits = sklearn_digits()
    images = (np.asarray(digits.images, np.float32) / 16.0)[..., np.newaxis]
    labels = np.asarray(digits.target, np.int32)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = int(round(test_fraction * len(members)))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    return (images[train], labels[train]), (images[test], labels[test])


errors.wrap_public(globals())
