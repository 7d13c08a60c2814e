"""Unknown shapes are first class: TF1 programs feed ``tf.placeholder(tf.float32)`` with no
shape, or with ``None`` dims, and expect the graph to work as if the shapes were known.

The rows of the op table (``op_cases.py``) and of the gradient table (``grad_cases.py``)
are rebuilt with their placeholders given (a) their full shapes, (b) every dim None,
(c) no shape at all (unknown rank), and (d) a mix drawn by hypothesis (per input: no
shape, every dim None, some dims None, or the full shape). Each graph also takes the
gradient of a scalar reduction of its float outputs (``gf.gradients``). Each variant must
give the values and gradients of (a) on the NumPy backend, with static shapes that never
contradict the run. The only error allowed is a graphflow error, and only where the row
says its graph needs what was hidden (``unknown_shapes_ok`` / ``unknown_rank_ok``: as in
TF1, ``unstack`` without ``num`` needs the static dim). One test per op, hypothesis
choosing among its rows, covers new rows with no change here; the numba backend runs a
sample of the rows (its kernels' first compile is what costs).
"""
import os
import re
import sys
import tracemalloc
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grad_cases  # noqa: E402
import op_cases  # noqa: E402
import tf1_runner  # noqa: E402

import graphflow as gf  # noqa: E402

# the first example hypothesis tries is the simplest one (the first row, no shapes at all);
# the others explore
_SETTINGS = settings(max_examples=3, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
NUMBA_SAMPLES = 12
BACKENDS = op_cases.BACKENDS


def _groups(cases, key):
    """Cases grouped by the op they test: one test per op keeps every op covered while
    hypothesis samples among its variants."""
    groups = defaultdict(list)
    for c in cases:
        groups[key(c)].append(c)
    return dict(groups)


OP_GROUPS = _groups(op_cases.CASES, lambda c: c.op)
GRAD_GROUPS = _groups(grad_cases.CASES, lambda c: c.id.split("/", 1)[0])


# -- the placeholders' shapes ---------------------------------------------------------------

def full(inputs):
    return [list(a.shape) for a in inputs]


def none_dims(inputs):
    return [[None] * a.ndim for a in inputs]


def no_shape(inputs):
    return [None for _ in inputs]


@st.composite
def mixed(draw, inputs):
    """Per input: its full shape, some dims None, every dim None, or no shape."""
    shapes = []
    for a in inputs:
        kind = draw(st.sampled_from(["rank", "none", "some", "full"]))
        if kind == "rank":
            shapes.append(None)
        elif kind == "some":
            hide = draw(st.lists(st.booleans(), min_size=a.ndim, max_size=a.ndim))
            shapes.append([None if h else d for h, d in zip(hide, a.shape)])
        else:
            shapes.append(list(a.shape) if kind == "full" else [None] * a.ndim)
    return shapes


def _hides(shapes):
    """(some dim is hidden, some rank is hidden)."""
    return (any(s is None or None in s for s in shapes), any(s is None for s in shapes))


# -- building and running ------------------------------------------------------------------

def run_graph(build, inputs, shapes, backend, wrt=None):
    """Build ``build`` on placeholders of ``shapes``, and fetch its outputs and the
    gradients of ``sum(0.5 * out ** 2)`` (over its float outputs) w.r.t. the inputs in
    ``wrt`` (default: the float ones), None where there is none. Checks every fetched
    tensor's static shape and dtype against its value."""
    with gf.Graph().as_default():
        phs = [gf.placeholder(gf.as_dtype(a.dtype), s) for a, s in zip(inputs, shapes)]
        outs, _ = op_cases._as_list(build(*phs))
        floats = [t for t in outs if t.dtype.is_floating]
        wrt = [i for i, a in enumerate(inputs) if a.dtype.kind == "f"] if wrt is None else wrt
        grads = []
        if floats and wrt:
            loss = gf.add_n([gf.cast(gf.reduce_sum(0.5 * gf.square(t)), gf.float64)
                             for t in floats])
            grads = gf.gradients(loss, [phs[i] for i in wrt])
        fetches = list(outs) + [g for g in grads if g is not None]
        with gf.Session(backend=backend) as sess:
            values = sess.run(fetches, feed_dict=dict(zip(phs, inputs)))
    for t, v in zip(fetches, values):
        v = np.asarray(v)
        assert v.dtype == t.dtype.as_numpy_dtype, (t, v.dtype)
        assert t.shape.is_compatible_with(v.shape), (
            f"static shape {t.shape} of {t.name} contradicts the run's {v.shape} "
            f"(placeholders {shapes})")
    it = iter(values[len(outs):])
    return list(values[:len(outs)]), [None if g is None else next(it) for g in grads]


def _tolerance(a, backend):
    """Tight for NumPy against NumPy; the numba backend's fused kernels contract and
    reassociate (float32 parts of a float64 graph, such as resize coordinates, then differ
    by float32 roundings)."""
    if np.asarray(a).dtype.itemsize < 8 or backend != "numpy":
        return 1e-4, 1e-5
    return 1e-9, 1e-11


def _same(got, want, what, backend):
    assert len(got) == len(want), what
    for k, (g, w) in enumerate(zip(got, want)):
        assert (g is None) == (w is None), f"{what}[{k}]: one gradient is None"
        if w is None:
            continue
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, f"{what}[{k}]: {g.shape} {w.shape}"
        if w.dtype.kind == "f":
            rtol, atol = _tolerance(w, backend)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{what}[{k}]")
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"{what}[{k}]")


_REFERENCE = {}  # (case id, build) -> what its full-shape graph gives on NumPy (the two
# tables may use one id)


def check_variants(case_id, build, inputs, variants, allowed, wrt=None):
    """Each (shapes, backend) variant gives what the full-shape graph gives on NumPy; a
    graphflow error is accepted only where ``allowed(shapes)``. Any other exception
    escapes, and fails the test with its traceback."""
    key = (case_id, build)
    if key not in _REFERENCE:
        _REFERENCE[key] = run_graph(build, inputs, full(inputs), "numpy", wrt)
    want = _REFERENCE[key]
    for shapes, backend in variants:
        what = f"{case_id} with placeholders {shapes} on {backend}"
        try:
            got = run_graph(build, inputs, shapes, backend, wrt)
        except gf.errors.GraphflowError as e:
            assert allowed(shapes), f"{what}: {type(e).__name__}: {e}"
            continue
        _same(got[0], want[0], f"{what}: outputs", backend)
        _same(got[1], want[1], f"{what}: gradients", backend)


def _variants(inputs, drawn, backend="numpy"):
    """(b), (c) and the drawn mix (d), each once."""
    out = []
    for shapes in (none_dims(inputs), no_shape(inputs), drawn):
        if shapes not in out:
            out.append(shapes)
    return [(shapes, backend) for shapes in out]


# -- the tables ----------------------------------------------------------------------------

def _op_allowed(case):
    def allowed(shapes):
        dims, rank = _hides(shapes)
        return (dims and not case.unknown_shapes_ok) or (rank and not case.unknown_rank_ok)
    return allowed


def _check_op_case(case, drawn, backend="numpy"):
    inputs = [np.asarray(a) for a in case.inputs]
    check_variants(case.id, case.build, inputs, _variants(inputs, drawn, backend),
                   _op_allowed(case))


def _check_grad_case(case, drawn, backend="numpy"):
    check_variants(case.id, case.build, case.inputs, _variants(case.inputs, drawn, backend),
                   _op_allowed(case), wrt=list(case.wrt_indices()))


@pytest.mark.parametrize("op", sorted(OP_GROUPS))
@_SETTINGS
@given(data=st.data())
def test_op_table_with_unknown_shapes(op, data):
    case = data.draw(st.sampled_from(OP_GROUPS[op]), label="case")
    _check_op_case(case, data.draw(mixed([np.asarray(a) for a in case.inputs]), label="mix"))


@pytest.mark.parametrize("op", sorted(GRAD_GROUPS))
@_SETTINGS
@given(data=st.data())
def test_gradient_table_with_unknown_shapes(op, data):
    case = data.draw(st.sampled_from(GRAD_GROUPS[op]), label="case")
    _check_grad_case(case, data.draw(mixed(case.inputs), label="mix"))


_ALL_ROWS = [(_check_op_case, c) for c in op_cases.CASES] + \
    [(_check_grad_case, c) for c in grad_cases.CASES]


@settings(_SETTINGS, max_examples=NUMBA_SAMPLES)
@given(data=st.data())
def test_tables_with_unknown_shapes_on_numba(data):
    check, case = data.draw(st.sampled_from(_ALL_ROWS), label="row")
    check(case, data.draw(mixed([np.asarray(a) for a in case.inputs]), label="mix"), "numba")


# -- one graph, fed tensors of changing rank -------------------------------------------------

_RANKED = st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple)


@settings(_SETTINGS, max_examples=4)
@given(shapes=st.lists(_RANKED, min_size=3, max_size=5))
def test_one_graph_runs_feeds_of_any_rank(shapes):
    """Shape-less placeholders fed arrays whose rank changes from run to run, in one
    session (the numba backend replays a feed signature from its third run): reductions,
    broadcasting, a where and their gradients agree with NumPy's on each run."""
    rng = np.random.default_rng(len(shapes))
    with gf.Graph().as_default():
        x, w = gf.placeholder(gf.float32), gf.placeholder(gf.float32)
        h = gf.nn.relu(x * 2.0 + 1.0) * w
        rows = gf.reduce_mean(h, axis=-1)
        z = gf.reduce_sum(gf.square(gf.where(x > 0, h, -h))) + gf.reduce_sum(rows * rows) * \
            gf.reduce_max(x)
        fetches = [rows, z] + gf.gradients(z, [x, w])
        with gf.Session(backend="numpy") as ref, gf.Session(backend="numba") as sess:
            for shape in shapes * 2:
                feed = {x: rng.normal(size=shape).astype(np.float32),
                        w: rng.normal(size=shape[-1:]).astype(np.float32)}
                for want, got in zip(ref.run(fetches, feed), sess.run(fetches, feed)):
                    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# -- TF1 programs with shape-less placeholders -----------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_programs_with_shapeless_placeholders(backend):
    """dropout with a shape-less keep_prob before conv2d/dense/minimize, the training switch
    of layers.dropout and batch_normalization, reduce_mean's gradient, a training loop on
    shape-less x and y, and the static shapes of ops on shape-less operands: TF1's."""
    shapes, values = tf1_runner.compute("unknown_shapes_expected.py", backend)
    assert shapes == TF1_SHAPES
    assert sorted(values) == sorted(TF1_EXPECTED)
    for name, (shape, flat) in TF1_EXPECTED.items():
        want = np.array(flat, np.float32).reshape(shape)
        np.testing.assert_allclose(values[name], want, rtol=1e-5, atol=1e-6, err_msg=name)


def _run(fetch, feed, backend="numpy"):
    with gf.Session(backend=backend) as sess:
        return sess.run(fetch, feed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_where_decides_rows_at_run_time(backend):
    """TF1's where over a shape-less condition: a vector selects rows, a scalar or a full
    mask elementwise; a condition of higher rank than x is refused (TF1's Select)."""
    with gf.Graph().as_default():
        cond = gf.placeholder(gf.bool)
        x = gf.placeholder(gf.float32, [None, 3])
        out = gf.where(cond, x, -x)
        assert out.shape.as_list() == [None, 3]
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        for c in (np.array([True, False]), np.array(False), a > 2):
            want = np.where(c.reshape(-1, 1) if c.ndim == 1 else c, a, -a)
            np.testing.assert_array_equal(_run(out, {cond: c, x: a}, backend), want)
        with pytest.raises(gf.errors.InvalidArgumentError, match="may not outrank x"):
            _run(out, {cond: np.ones((1, 2, 3), bool), x: a}, backend)


def test_a_shapeless_scalar_argument_must_be_a_scalar_when_run():
    """dropout's keep_prob and a layer's training switch are reshaped to scalars (so the
    result keeps x's shape, as in TF1): a fed vector fails the run with a graphflow error."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 4])
        keep_prob, training = gf.placeholder(gf.float32), gf.placeholder(gf.bool)
        dropped = gf.nn.dropout(x, keep_prob)
        switched = gf.layers.dropout(x, training=training)
        assert dropped.shape.as_list() == switched.shape.as_list() == [None, 4]
        ones = np.ones((2, 4), np.float32)
        np.testing.assert_array_equal(_run(dropped, {x: ones, keep_prob: 1.0}), ones)
        with pytest.raises(gf.errors.InvalidArgumentError):
            _run(dropped, {x: ones, keep_prob: [0.5, 0.5]})
        with pytest.raises(gf.errors.InvalidArgumentError):
            _run(switched, {x: ones, training: [True, False]})


@pytest.mark.parametrize("backend", BACKENDS)
def test_tile_with_multiples_known_at_run_time(backend):
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 3])
        multiples = gf.placeholder(gf.int32)
        batch_tiled = gf.tile(x, [gf.shape(x)[0], 2])
        tiled = gf.tile(x, multiples)
        assert tiled.shape.as_list() == [None, None]
        (gx,) = gf.gradients(gf.reduce_sum(tiled * tiled) + gf.reduce_sum(batch_tiled), x)
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        got = _run([tiled, batch_tiled, gx], {x: a, multiples: [3, 2]}, backend)
        np.testing.assert_array_equal(got[0], np.tile(a, [3, 2]))
        np.testing.assert_array_equal(got[1], np.tile(a, [2, 2]))
        np.testing.assert_allclose(got[2], 2 * a * 6 + 4)
        with pytest.raises(gf.errors.ShapeError, match="one multiple per axis"):
            gf.tile(x, gf.placeholder(gf.int32, [3]))


# generated by tests/tf1_programs/unknown_shapes_expected.py with TensorFlow 2.21.0
TF1_SHAPES = {
    'dropout': [None, 5, 5, 3],
    'conv2d': [None, 5, 5, 4],
    'flatten': [None, 100],
    'dense': [None, 3],
    'dropout_rate': [None, 5, 5, 3],
    'layers_dropout': [None, 6],
    'layers_batch_norm': [None, 6],
    'layers_dense': [None, 2],
    'Dropout': [None, 6],
    'BatchNormalization': [None, 6],
    'mean_dims': [None],
    'mean_all': [],
    'mean_axis': None,
    'grad_dims': [None, None],
    'grad_rank': None,
    'where_shapeless_condition': [None, 3],
    'where_scalar_condition': [None, 3],
    'where_vector_condition': [None, 3],
    'add_shapeless': None,
    'concat_axis0': [None, 3],
    'concat_axis1': [None, None],
    'stack': [2, None, 3],
    'reshape': [None, 3],
    'tile_shapeless': [None, None],
    'bias_add_shapeless_bias': [None, 3],
    'conv2d_shapeless_input': [None, None, None, 4],
    'conv2d_shapeless_filter': [None, 5, 5, None],
    'max_pool': [None, None, None, None],
    'softmax_xent_shapeless_labels': [None],
    'sparse_xent_shapeless_labels': [None],
    'transpose_perm': [None, None],
    'l2_loss': [],
    'matmul': None,
    'argmax': None,
    'gather_batch_dims': None,
    'losses/mse': [],
    'losses/absolute': [],
    'losses/sparse': [],
    'losses/unreduced': None,
    'loop_pred': None,
    'loop_xent': [],
}
TF1_EXPECTED = {
    'conv_net_losses': ([3], [0.0331005119, 0.030463269, 0.0280508045]),
    'reduce_mean_grads/dims': ([4, 6], [-0.923076928, -0.15384616, 0.615384638, -0.615384638, 0.15384616, 0.923076928, -0.307692319, 0.461538464, -0.769230783, 0, 0.769230783, -0.461538464, 0.307692319, -0.923076928, -0.15384616, 0.615384638, -0.615384638, 0.15384616, 0.923076928, -0.307692319, 0.461538464, -0.769230783, 0, 0.769230783]),
    'reduce_mean_grads/rank': ([2, 3, 4], [-0.0740740746, 0.0185185187, -0.0555555597, 1.03703701, -0.0370370373, 0.0555555597, -0.0185185187, 1.07407403, 0, -0.0740740746, 1.01851857, -0.0555555597, 0.0370370373, -0.0370370373, 1.05555558, -0.0185185187, 1.07407403, 0, -0.0740740746, 0.0185185187, -0.0555555597, 0.0370370373, -0.0370370373, 1.05555558]),
    'switch/training=True': ([4, 2], [1.75834155, 1.00694907, 0.663933337, -3.03878117, -1.70496857, -0.604841888, -0.717306316, 2.63667393]),
    'switch/training=False': ([4, 2], [1.05811954, 1.05254579, 0.309178382, -1.06410861, -1.01324546, 0.25846839, -0.615886927, 2.15386248]),
    'switch/eval_after_updates': ([4, 2], [1.05811954, 1.05254579, 0.309178382, -1.06410861, -1.01324546, 0.25846839, -0.615886927, 2.15386248]),
    'loop/losses': ([5], [1.09861231, 0.86477685, 0.696104765, 0.572993279, 0.48132509]),
    'loop/accuracy': ([], [1]),
    'losses/absolute': ([], [1.10000002]),
    'losses/mse': ([], [2.63249993]),
    'losses/sparse': ([], [2.00205493]),
    'losses/unreduced': ([4, 4], [0.0900000036, 1, 1, 0.25, 0, 0, 0, 0, 2.88000011, 12.5, 0.5, 8, 1.61999989, 0.125, 3.125, 0.5]),
    'losses/accuracy': ([], [0]),
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_attrs_that_assume_a_rank_refuse_a_feed_of_another_rank(backend):
    """tile's multiples, pad's paddings and unstack's num are fixed while building; fed a
    shape-less tensor of another rank (or size), the run fails as in TF1, instead of
    NumPy's tile/pad broadcasting them (a result of a rank the static shape denies) or
    unstack leaving outputs unset (a raw KeyError) or dropping some silently."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        tiled, padded = gf.tile(x, [2, 2]), gf.pad(x, [[1, 1]])
        mirrored = gf.pad(x, [[1, 1]], "REFLECT")
        three, two = gf.unstack(x, num=3), gf.unstack(x, num=2, axis=-1)
        cases = [(tiled, np.ones(3)), (tiled, np.ones((2, 2, 2))), (padded, np.ones((3, 3))),
                 (mirrored, np.ones((3, 3))), (three, np.ones(2)), (two, np.ones((2, 3)))]
        for fetch, value in cases:
            with pytest.raises(gf.errors.InvalidArgumentError,
                               match="one multiple per axis|one .before, after. pair per axis|"
                                     "unstack of num"):
                _run(fetch, {x: value.astype(np.float32)}, backend)
        # what fits still runs
        np.testing.assert_array_equal(_run(tiled, {x: np.ones((1, 2), np.float32)}, backend),
                                      np.ones((2, 4)))
        got = _run(two, {x: np.arange(4, dtype=np.float32).reshape(2, 2)}, backend)
        np.testing.assert_array_equal(got, [[0, 2], [1, 3]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_shapes_tf1_refuses_fail_the_run_instead_of_broadcasting(backend):
    """What TF1's kernels refuse when shapes are known only at run time fails the run here
    too, instead of NumPy broadcasting it into a result of another shape: labels [n, 1]
    against logits [n, k] in the sparse cross-entropy (a [n, n] loss), a bias that does not
    match the channels or an input of rank 1 in bias_add, a vector in matmul."""
    with gf.Graph().as_default():
        u, v = gf.placeholder(gf.float32), gf.placeholder(gf.float32)
        labels = gf.placeholder(gf.int32)
        sparse = gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=u)
        row_labels, row_logits = gf.placeholder(gf.int32, [None]), gf.placeholder(
            gf.float32, [None, 3])  # a batch of 1 broadcast silently
        rows = gf.nn.sparse_softmax_cross_entropy_with_logits(labels=row_labels,
                                                              logits=row_logits)
        bias, product = gf.nn.bias_add(u, v), gf.matmul(u, v)
        logits = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
        refused = [(sparse, {u: logits, labels: [[0], [1], [2], [0]]}, "labels"),
                   (sparse, {u: logits, labels: [0, 1, 2]}, "labels"),
                   (sparse, {u: logits[None], labels: [0, 1, 2, 0]}, "labels"),
                   (rows, {row_logits: logits[:1], row_labels: [0, 1, 2, 0]}, "labels"),
                   (bias, {u: np.ones((2, 1), np.float32), v: np.ones(3, np.float32)}, "bias"),
                   (bias, {u: np.ones(3, np.float32), v: np.ones(3, np.float32)}, "rank"),
                   (product, {u: np.ones(3, np.float32), v: np.ones((3, 2), np.float32)},
                    "matmul"),
                   (product, {u: np.ones((2, 3), np.float32), v: np.ones(3, np.float32)},
                    "matmul")]
        for fetch, feed, match in refused:
            with pytest.raises(gf.errors.InvalidArgumentError, match=match):
                _run(fetch, feed, backend)
        want = np.log(np.exp(logits).sum(1)) - logits[range(4), [0, 1, 2, 0]]
        got = _run(sparse, {u: logits, labels: [0, 1, 2, 0]}, backend)
        np.testing.assert_allclose(got, want, rtol=1e-6)
        got = _run(bias, {u: np.ones((2, 1, 3), np.float32), v: [1, 2, 3]}, backend)
        np.testing.assert_array_equal(got, np.ones((2, 1, 3)) + [1, 2, 3])


def test_shapes_tf1_refuses_while_building_are_refused():
    """Known ranks and dims are checked while building, as TF1 does."""
    p = gf.placeholder
    with gf.Graph().as_default():
        for labels, logits in (([4, 1], [4, 3]), ([None, 1], [None, 3]), ([3], [4, 3])):
            with pytest.raises(gf.errors.ShapeError, match="labels"):
                gf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=p(gf.int32, labels), logits=p(gf.float32, logits))
        for value, bias in (([3], [3]), ([2, 1], [3]), ([None, 2, 4], [3])):
            with pytest.raises(gf.errors.ShapeError, match="bias"):
                gf.nn.bias_add(p(gf.float32, value), p(gf.float32, bias))
        assert gf.nn.bias_add(p(gf.float32, [None, None]), p(gf.float32, [3])).shape.as_list() \
            == [None, 3]
        assert gf.nn.bias_add(p(gf.float32, [None, 4]), p(gf.float32)).shape.as_list() == \
            [None, 4]
        assert gf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=p(gf.int32), logits=p(gf.float32, [None, 3])).shape.as_list() == [None]


def test_a_loop_of_changing_batch_sizes_holds_bounded_memory():
    """A plan keeps the buffers its runs free for the next run of the same sizes; fed a new
    batch size on every run (shape-less x and y), it kept every size's buffers: 270 MB more
    over 900 runs of an MLP with random batch sizes. Sizes no recent run used are let go."""
    rng = np.random.default_rng(0)
    with gf.Graph().as_default():
        x, y = gf.placeholder(gf.float32), gf.placeholder(gf.int32)
        h = gf.layers.dense(gf.reshape(x, [-1, 64]), 256, activation=gf.nn.relu)
        loss = gf.losses.sparse_softmax_cross_entropy(y, gf.layers.dense(h, 4))
        step = gf.train.GradientDescentOptimizer(0.01).minimize(loss)
        with gf.Session(backend="numba") as sess:
            sess.run(gf.global_variables_initializer())

            def feed(n):
                return {x: rng.normal(size=(n, 64)).astype(np.float32),
                        y: rng.integers(0, 4, n)}

            plan = sess.plan([loss, step], feed(1))
            held = []
            for n in range(1000, 1060):
                sess.run([loss, step], feed(n))
                held.append(plan.pool.nbytes)
    one_run = 1060 * 256 * 4 * 3  # a run's largest buffers: a few [n, 256] float32
    assert max(held[-20:]) < 12 * one_run, held[::10]


def test_a_loop_of_new_batch_sizes_keeps_no_record_of_each():
    """Besides its free buffers, a plan kept a launch recipe per kernel and batch size, and
    its runner a count per batch size: 9 KB more for every new size, without end (70 MB
    after 8000 runs of an MLP fed batch sizes it had not seen). Recent sizes' are kept."""
    rng = np.random.default_rng(0)
    with gf.Graph().as_default():
        x, y = gf.placeholder(gf.float32, [None, 4]), gf.placeholder(gf.int64, [None])
        h = gf.layers.dense(x, 8, activation=gf.nn.relu)
        loss = gf.losses.sparse_softmax_cross_entropy(y, gf.layers.dense(h, 3))
        step = gf.train.AdamOptimizer(0.01).minimize(loss)
        with gf.Session(backend="numba") as sess:
            sess.run(gf.global_variables_initializer())

            def run(n):
                sess.run([loss, step], {x: rng.normal(size=(n, 4)).astype(np.float32),
                                        y: rng.integers(0, 3, n)})

            for n in range(100, 200):
                run(n)
            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                for n in range(200, 500):
                    run(n)
                grown = tracemalloc.get_traced_memory()[0] - before
            finally:
                tracemalloc.stop()
    assert grown < 1_000_000, grown  # 2.6 MB when every size was kept


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_shape_set_with_set_shape_is_checked_when_run(backend):
    """set_shape on a computed tensor is a claim the graph builds on (a mean's count, a
    folded tf.shape); a run that contradicts it gave garbage that differed between the
    backends (reduce_mean + reduce_sum of a tensor claimed [6] and run [2, 3]: [6, 6, 6]
    on NumPy, [14, 14, 14] on numba). It fails the run, naming the set_shape line."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        y = x * 2.0
        y.set_shape([None, 3])  # the claim
        z = gf.reduce_mean(y) + gf.reduce_sum(gf.reshape(y, gf.shape(y)))
        fetches = [z, gf.gradients(z, x)[0]]
        ones = np.ones((2, 3), np.float32)
        got = _run(fetches, {x: ones}, backend)
        np.testing.assert_allclose(got[0], 14.0)
        for value in (np.ones((2, 4), np.float32), np.ones(6, np.float32)):
            with pytest.raises(gf.errors.InvalidArgumentError,
                               match=r"contradicts the shape \(\?, 3\) set by set_shape at "
                                     r".*test_unknown_shapes.py:\d+: y.set_shape"):
                _run(fetches, {x: value}, backend)
    with gf.Graph().as_default():  # a claim made in a file whose path holds braces
        x = gf.placeholder(gf.float32)
        y = x * 2.0
        exec(compile("y.set_shape([3])", "/tmp/{odd}/prog{1}.py", "exec"))
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"set by set_shape at /tmp/\{odd\}/prog\{1\}.py:1"):
            _run(y, {x: np.ones(4, np.float32)}, backend)
    with gf.Graph().as_default():  # graphflow's own set_shape calls are not claims to check
        t = gf.tile(gf.placeholder(gf.float32, [None, 3]), gf.placeholder(gf.int32, [2]))
        assert t._claimed_at is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_windows_and_arg_reductions_of_shapeless_inputs_check_the_run(backend):
    """conv2d and the pools need 4-D NHWC values, argmax an axis inside the rank; fed a
    shape-less input of another rank they said "not enough values to unpack", "tuple
    index out of range" or a Numba typing failure (compiling a kernel for the rank first),
    or, avg_pool of a 5-D value, returned a 5-D result under a 4-D static shape."""
    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32)
        conv = gf.nn.conv2d(x, gf.ones([2, 2, 2, 3]), [1, 1, 1, 1], "VALID")
        pools = [gf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
                 gf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")]
        arg = gf.argmax(x, 1)
        for fetch in [conv] + pools:
            for shape in [(2, 4, 4, 2, 2), (4, 4, 2)]:
                with pytest.raises(gf.errors.InvalidArgumentError, match=r"must be 4-D \(NHWC\)"
                                   r", got shape " + re.escape(str(shape))):
                    _run(fetch, {x: np.ones(shape, np.float32)}, backend)
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match=r"the input has 3 channels but the filter \(2, 2, 2, 3\)"):
            _run(conv, {x: np.ones((1, 4, 4, 3), np.float32)}, backend)
        with pytest.raises(gf.errors.InvalidArgumentError, match="axis 1 is out of range"):
            _run(arg, {x: np.ones(3, np.float32)}, backend)
        for fetch in (gf.gather(x, [0], axis=2), gf.split(x, 1, axis=2)[0]):  # (said "tuple
            with pytest.raises(gf.errors.InvalidArgumentError,  # index out of range")
                               match="axis 2 is out of range for a value of rank 2"):
                _run(fetch, {x: np.ones((2, 3), np.float32)}, backend)
        assert _run(conv, {x: np.ones((1, 3, 3, 2), np.float32)}, backend).shape == (1, 2, 2, 3)
