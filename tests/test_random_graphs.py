"""Random graphs (elementwise, broadcasting, reductions, matmul, movement) agree on the
numba backend and the NumPy oracle. Each example is a recipe of steps over a growing
list of values; shapes stay static so every binary step is a valid broadcast."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphflow as gf

SHAPES = [(3, 4), (4,), (1, 4), (3, 1), ()]
UNARY = {
    "tanh": gf.tanh, "sin": gf.sin, "abs": gf.abs, "square": gf.square, "neg": gf.negative,
    "sigmoid": gf.sigmoid, "relu": gf.nn.relu,
    "exp": lambda x: gf.exp(gf.clip_by_value(x, -5.0, 5.0)),
    "sqrt": lambda x: gf.sqrt(gf.abs(x) + 1.0),
}
BINARY = {
    "add": gf.add, "sub": gf.subtract, "mul": gf.multiply, "max": gf.maximum,
    "min": gf.minimum, "div": lambda x, y: x / (gf.abs(y) + 1.0),
    "where": lambda x, y: gf.where(x > y, x, y * 0.5),
}
REDUCE = {"sum": gf.reduce_sum, "mean": gf.reduce_mean, "max": gf.reduce_max}


def _shape(t):
    return tuple(t.shape.as_list())


def _apply(values, step):
    """Build one step on the current values; None if the step does not fit them."""
    kind, name, i, j, flag = step
    x, y = values[i % len(values)], values[j % len(values)]
    if kind == "unary":
        return UNARY[name](x)
    if kind == "binary":
        try:
            np.broadcast_shapes(_shape(x), _shape(y))
        except ValueError:
            return None
        return BINARY[name](x, y)
    rank = len(_shape(x))
    if kind == "reduce":
        axis = None if rank == 0 or name == "sum" and flag else (-1 if flag else 0)
        return REDUCE[name](x, axis=axis, keepdims=bool(flag) and rank > 0)
    if kind == "matmul":
        return gf.matmul(x, x, transpose_b=True) if rank == 2 else None
    if kind == "move":
        if name == "transpose" and rank == 2:
            return gf.transpose(x)
        if name == "flatten":
            return gf.reshape(x, [-1])
        if name == "reverse" and rank >= 1:
            return x[::-1]
        if name == "expand":
            return gf.expand_dims(x, 0)
    return None


steps = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(sorted(UNARY)), st.integers(0, 99),
              st.just(0), st.just(0)),
    st.tuples(st.just("binary"), st.sampled_from(sorted(BINARY)), st.integers(0, 99),
              st.integers(0, 99), st.just(0)),
    st.tuples(st.just("reduce"), st.sampled_from(sorted(REDUCE)), st.integers(0, 99),
              st.just(0), st.integers(0, 1)),
    st.tuples(st.just("matmul"), st.just(""), st.integers(0, 99), st.just(0), st.just(0)),
    st.tuples(st.just("move"), st.sampled_from(["transpose", "flatten", "reverse", "expand"]),
              st.integers(0, 99), st.just(0), st.just(0)),
)


@settings(max_examples=500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shapes=st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3),
       recipe=st.lists(steps, min_size=1, max_size=8), seed=st.integers(0, 2**16),
       fetch_all=st.booleans())
def test_numba_agrees_with_numpy_on_random_graphs(shapes, recipe, seed, fetch_all):
    rng = np.random.default_rng(seed)
    with gf.Graph().as_default():
        inputs = [gf.placeholder(gf.float32, list(s)) for s in shapes]
        values = list(inputs)
        for step in recipe:
            out = _apply(values, step)
            if out is not None:
                values.append(out)
        fetches = values[len(inputs):] or values
        if not fetch_all:  # intermediates that nothing fetches can fuse into kernels
            fetches = fetches[-1:]
        # three runs with new values: the second is traced, the third replays it
        feeds = [{p: rng.uniform(-2, 2, s).astype(np.float32) for p, s in zip(inputs, shapes)}
                 for _ in range(3)]
        with gf.Session(backend="numpy") as ref, gf.Session(backend="numba") as sess:
            wants = [ref.run(fetches, feed) for feed in feeds]
            gots = [sess.run(fetches, feed) for feed in feeds]
            assert sess.plan(fetches, feeds[0]).replays
    for got, want in zip(gots, wants):  # earlier results are intact after later runs
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w) and np.asarray(g).dtype == np.asarray(w).dtype
            np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5)
