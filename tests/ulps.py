"""Error of float32 results in ulps of the exact (float64) result, for the accuracy tests."""

import numpy as np

TINY = 2.0 ** -126  # the smallest normal float32; below it one ulp is 2^-149


def ulps(got, exact):
    """|got - exact| in units of the last place of ``exact`` in float32; 0 where ``got`` is
    the inf that ``exact`` rounds to, or both are NaN; inf where only one is inf or NaN."""
    got, exact = np.asarray(got, np.float64), np.asarray(exact, np.float64)
    with np.errstate(all="ignore"):
        binade = np.floor(np.log2(np.maximum(np.abs(exact), TINY)))
        err = np.abs(got - exact) / np.exp2(binade - 23)
        rounded = exact.astype(np.float32)
    same = (got == rounded) & np.isinf(rounded) | np.isnan(got) & np.isnan(exact)
    err = np.where(same, 0.0, err)
    return np.where(np.isfinite(err), err, np.inf)


def sigmoid64(x):
    """The exact sigmoid of float32 inputs, computed in float64 without overflow."""
    x = np.asarray(x, np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sweep(count=100_000):
    """float32 inputs over the whole range: ``count`` magnitudes log-spaced from the smallest
    denormal to 120, both signs, then the edges of exp, tanh and sigmoid."""
    magnitudes = np.geomspace(1.4e-45, 120, count).astype(np.float32)
    edges = np.array([0, 1.4e-45, 1e-40, TINY, 1e-30, 4e-4, 0.625, 1, 7.9, 9.0109, 9.011,
                      87.33, 87.3365, 88.7228, 88.72283, 88.72284, 89, 103.97, 103.98, 104,
                      200, 1e4, 3.4e38, np.inf], np.float32)
    x = np.concatenate([magnitudes, edges])
    return np.concatenate([x, -x, [np.nan]]).astype(np.float32)
