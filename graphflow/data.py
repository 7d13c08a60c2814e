"""Minibatches from in-memory arrays, for feeding placeholders.

``for x, y in gf.data.batches((images, labels), 32, seed=0): sess.run(train_op, {...})``
"""

import numbers

import numpy as np

from . import errors, tf1_names


def batches(arrays, batch_size, shuffle=True, seed=None, drop_remainder=False, num_epochs=1):
    """Yield minibatches of rows of ``arrays`` for ``num_epochs`` epochs.

    ``arrays``: one array, or a tuple/list of arrays with the same number of rows; each
    batch is then a tuple with a slice of each (rows kept aligned). Every row appears
    once per epoch; with ``shuffle`` the order is a new permutation each epoch, the same
    for the same ``seed``. The last, smaller batch of an epoch is dropped if
    ``drop_remainder``. ``num_epochs=None`` repeats forever.
    """
    single = not isinstance(arrays, (tuple, list))
    arrays = [np.asarray(a) for a in ([arrays] if single else arrays)]
    if not arrays:
        raise errors.at_user_line(errors.InvalidArgumentError, "batches needs at least one array")
    if any(a.ndim == 0 for a in arrays):
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "batches needs arrays with rows, got a scalar")
    rows = {len(a) for a in arrays}
    if len(rows) != 1:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"batches needs arrays with the same number of rows, got {[len(a) for a in arrays]}")
    if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"batch_size must be a positive integer, got {batch_size!r}")
    return _generate(arrays, rows.pop(), int(batch_size), shuffle, seed, drop_remainder,
                     num_epochs, single)


def num_batches(num_rows, batch_size, drop_remainder=False):
    """How many batches one epoch of ``num_rows`` rows gives."""
    return num_rows // batch_size if drop_remainder else -(-num_rows // batch_size)


def _generate(arrays, n, batch_size, shuffle, seed, drop_remainder, num_epochs, single):
    rng = np.random.default_rng(seed)
    epoch = 0
    while num_epochs is None or epoch < num_epochs:
        order = rng.permutation(n) if shuffle else None
        end = n - n % batch_size if drop_remainder else n
        for start in range(0, end, batch_size):
            rows = slice(start, min(start + batch_size, n))
            batch = tuple(a[rows] if order is None else a[order[rows]] for a in arrays)
            yield batch[0] if single else batch
        epoch += 1


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.data", __name__)  # a TF1 name we lack: say so
