"""random_shuffle, multinomial / random.categorical, random_crop and the ``tf.random``
module: distributions, shapes and TF1's seeding rules (graph seed, op seed; a new session
repeats the sequence, each run draws anew). The numbers cannot be TF1's bits: the tests
check what TF1 promises, the distributions, with seeds so that they never flake."""

import numpy as np
import pytest

import graphflow as gf

BACKENDS = ["numpy", "numba"]


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def draws(tensor, runs, feed=None, backend="numba"):
    with gf.Session(backend=backend) as sess:
        return [sess.run(tensor, feed) for _ in range(runs)]


# -- random_shuffle -----------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_shuffle_permutes_whole_rows(backend):
    x = np.arange(20).reshape(10, 2)
    out = draws(gf.random_shuffle(x, seed=3), 2, backend=backend)
    for rows in out:
        assert sorted(map(tuple, rows)) == sorted(map(tuple, x))  # rows kept whole
    assert not np.array_equal(out[0], out[1])  # a new order each run


def test_shuffle_makes_every_position_equally_likely():
    y = gf.random_shuffle(gf.range(4), seed=7)
    where_zero = [int(np.argmax(order == 0)) for order in draws(y, 1200)]
    counts = np.bincount(where_zero, minlength=4)
    assert np.all(np.abs(counts - 300) < 60), counts  # 4 standard deviations (15)


def test_shuffle_of_a_scalar_and_of_an_unknown_shape_and_it_has_no_gradient():
    assert draws(gf.random.shuffle(3.0), 1)[0] == 3.0
    x = gf.placeholder(gf.float32)
    y = gf.random_shuffle(x)
    assert y.shape.ndims is None and y.op.type == "RandomShuffle"
    assert sorted(draws(y, 1, {x: [3.0, 1.0, 2.0]})[0]) == [1.0, 2.0, 3.0]
    assert gf.gradients(gf.reduce_sum(y), x) == [None]  # TF1: not differentiable


# -- multinomial / categorical ------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_multinomial_draws_from_the_softmax_of_each_row(backend):
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.0, 0.5]])
    with np.errstate(divide="ignore"):
        logits = np.log(probs)  # log(0) = -inf: a class never drawn
    y = gf.multinomial(logits.astype(np.float32), 30000, seed=1)
    assert y.dtype == gf.int64 and y.shape.as_list() == [2, 30000]
    assert y.op.name == "multinomial/Multinomial"
    (samples,) = draws(y, 1, backend=backend)
    for row, p in zip(samples, probs):
        freq = np.bincount(row, minlength=3) / row.size
        np.testing.assert_allclose(freq, p, atol=0.01)  # 4 standard deviations
    assert not (samples[1] == 1).any()


def test_categorical_is_multinomial_with_its_dtype_and_num_samples_may_be_a_tensor():
    n = gf.placeholder(gf.int32, [])
    y = gf.random.categorical([[0.0, 1.0]], n, dtype=gf.int32)
    assert y.dtype == gf.int32 and y.shape.as_list() == [1, None]
    assert y.op.name == "categorical/Multinomial"
    out = draws(y, 1, {n: 5})[0]
    assert out.shape == (1, 5) and out.dtype == np.int32 and set(out.ravel()) <= {0, 1}
    assert gf.multinomial(gf.placeholder(gf.float32), 4).shape.as_list() == [None, 4]
    z = gf.multinomial([[1.0, 2.0]], 3, output_dtype=gf.int32)
    assert z.dtype == gf.int32
    assert draws(gf.multinomial(gf.zeros([0, 3]), 2), 1)[0].shape == (0, 2)


def test_multinomial_refuses_what_tf1_refuses_and_has_no_gradient():
    with pytest.raises(gf.errors.ShapeError, match=r"\[batch_size, num_classes\]"):
        gf.multinomial([0.0, 1.0], 5)
    with pytest.raises(gf.errors.DTypeError, match="multinomial's logits needs a floating"):
        gf.multinomial([[0, 1]], 2)
    logits = gf.constant([[0.0, 1.0]])
    y = gf.cast(gf.multinomial(logits, 2), gf.float32)
    assert gf.gradients(gf.reduce_sum(y), logits) == [None]


# -- random_crop --------------------------------------------------------------------------------

def test_crop_is_a_block_of_the_value_at_an_offset_each_equally_likely():
    x = np.arange(30).reshape(5, 6)
    y = gf.random_crop(x, [2, 3], seed=2)
    assert y.shape.as_list() == [2, 3] and y.op.name == "random_crop"
    starts = []
    for block in draws(y, 1600):
        r, c = divmod(int(block[0, 0]), 6)
        np.testing.assert_array_equal(block, x[r:r + 2, c:c + 3])
        starts.append(r * 4 + c)
    counts = np.bincount(starts, minlength=16)
    assert len(counts) == 16 and np.all(np.abs(counts - 100) < 40), counts  # 4 sd (10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_crop_gradient_goes_to_the_block_it_took(backend):
    v = gf.Variable(np.arange(12.0).reshape(3, 4))
    y = gf.random_crop(v, [2, 3])
    (g,) = gf.gradients(gf.reduce_sum(y * y), [v])
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for _ in range(5):
            block, grad = sess.run([y, g])
            r, c = divmod(int(block[0, 0]), 4)
            expected = np.zeros((3, 4))
            expected[r:r + 2, c:c + 3] = 2 * block
            np.testing.assert_array_equal(grad, expected)


def test_crop_sizes_are_checked_while_building_where_known_else_when_run():
    with pytest.raises(gf.errors.ShapeError, match=r"size \[4, 2\] is larger than"):
        gf.random_crop(np.zeros((3, 4)), [4, 2])
    with pytest.raises(gf.errors.ShapeError, match="one entry per axis"):
        gf.random_crop(np.zeros((3, 4)), [2])
    images = gf.placeholder(gf.float32, [None, None, 3])
    y = gf.random_crop(images, [2, 2, 3])
    assert y.shape.as_list() == [2, 2, 3]
    assert draws(y, 1, {images: np.ones((5, 6, 3))})[0].shape == (2, 2, 3)
    with pytest.raises(gf.errors.InvalidArgumentError, match="crop size exceeding"):
        draws(y, 1, {images: np.ones((1, 6, 3))})
    assert gf.random_crop(gf.placeholder(gf.float32), [2, 2, 3]).shape.as_list() == [2, 2, 3]


def test_negative_crop_sizes_fail_instead_of_cropping_nothing():
    # a negative size gave a raw ValueError from TensorShape while building, and one fed at
    # run time an empty crop (gather of range(-1)) with no error
    with pytest.raises(gf.errors.ShapeError, match=r"size \[-1, 3\] has a negative entry"):
        gf.random_crop(np.zeros((4, 4)), [-1, 3])
    size = gf.placeholder(gf.int32, [2])
    y = gf.random_crop(np.zeros((4, 4)), size)
    assert draws(y, 1, {size: [0, 3]})[0].shape == (0, 3)
    with pytest.raises(gf.errors.InvalidArgumentError, match="crop size below 0 by 1"):
        draws(y, 1, {size: [-1, 3]})


# -- random_uniform over ints, the normal distributions ----------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_integer_uniform_takes_bounds_known_only_at_run_time(backend):
    # TF1's RandomUniformInt takes minval and maxval as tensors; int(maxval) raised a raw
    # TypeError for a tensor, and truncated a float maxval (2.5 -> 2) silently
    high = gf.placeholder(gf.int32, [])
    y = gf.random_uniform([4000], minval=-3, maxval=high, dtype=gf.int32, seed=4)
    z = gf.random_uniform([3], maxval=gf.constant(10, gf.int64), dtype=gf.int64, seed=4)
    assert y.shape.as_list() == [4000] and z.dtype == gf.int64
    with gf.Session(backend=backend) as sess:
        counts = np.bincount(sess.run(y, {high: 2}) + 3)
        assert len(counts) == 5 and np.all(np.abs(counts - 800) < 120), counts  # 4 sd (25)
        assert np.all((sess.run(z) >= 0) & (sess.run(z) < 10))
        with pytest.raises(gf.errors.InvalidArgumentError, match="minval < maxval, got -3 and"):
            sess.run(y, {high: -3})
    with pytest.raises(gf.errors.DTypeError, match="2.5"):
        gf.random_uniform([3], maxval=2.5, dtype=gf.int32)
    with pytest.raises(gf.errors.ShapeError, match="maxval must be a scalar"):
        gf.random_uniform([3], maxval=[2, 3], dtype=gf.int32)


def test_normal_distributions_refuse_integer_dtypes_at_the_users_line():
    # they raised a bare TypeError from inside graphflow (require_dtype outside an infer)
    for draw in (gf.random_normal, gf.truncated_normal, gf.random.normal):
        with pytest.raises(gf.errors.DTypeError, match="floating numbers, not int32") as e:
            draw([2], dtype=gf.int32)
        assert "test_random_ops.py" in str(e.value)
    with pytest.raises(gf.errors.DTypeError, match="int32 or int64 class ids, not float32"):
        gf.multinomial([[0.0, 1.0]], 3, output_dtype=gf.float32)


def test_a_seed_that_is_not_an_int_is_refused_at_the_users_line():
    # int('a') raised a raw ValueError from inside get_seed
    for build in (lambda: gf.random_shuffle([1, 2], seed="a"),
                  lambda: gf.random_normal([2], seed=1.5),
                  lambda: gf.set_random_seed("7")):
        with pytest.raises(gf.errors.DTypeError, match="(?s)seed must be an int.*test_random"):
            build()
    gf.set_random_seed(np.int64(3))
    assert gf.random_shuffle([1, 2], seed=np.int32(4)).op.attrs["seed2"] == 4


# -- seeding: TF1's rules for the new ops -------------------------------------------------------

def _build(graph_seed, op_seed):
    """One of each new random op in a fresh graph, with the given seeds."""
    gf.reset_default_graph()
    if graph_seed is not None:
        gf.set_random_seed(graph_seed)
    return [gf.random_shuffle(gf.range(50), seed=op_seed),
            gf.multinomial(gf.zeros([1, 50]), 20, seed=op_seed),
            gf.random_crop(gf.reshape(gf.range(400), [20, 20]), [3, 3], seed=op_seed)]


def _two_runs(graph_seed, op_seed, backend="numba"):
    ops = _build(graph_seed, op_seed)
    with gf.Session(backend=backend) as sess:
        return [sess.run(ops) for _ in range(2)]


@pytest.mark.parametrize("graph_seed, op_seed", [(5, None), (None, 9), (5, 9)])
def test_seeded_ops_repeat_in_a_new_graph_and_session_and_on_each_backend(graph_seed, op_seed):
    first = _two_runs(graph_seed, op_seed)
    for again in (_two_runs(graph_seed, op_seed), _two_runs(graph_seed, op_seed, "numpy")):
        for run_a, run_b in zip(first, again):
            for a, b in zip(run_a, run_b):
                np.testing.assert_array_equal(a, b)
    for a, b in zip(*first):  # each run draws anew
        assert not np.array_equal(a, b)


def test_other_seeds_other_numbers_and_no_seed_new_numbers_every_session():
    base = _two_runs(5, 9)[0]
    for other in (_two_runs(6, 9)[0], _two_runs(5, 10)[0], _two_runs(None, None)[0]):
        assert not np.array_equal(base[0], other[0])
    ops = _build(None, None)
    with gf.Session() as s1, gf.Session() as s2:
        assert not np.array_equal(s1.run(ops[0]), s2.run(ops[0]))


# -- the tf.random module -----------------------------------------------------------------------

def test_random_module_names_are_graphflows_random_ops():
    pairs = {"normal": gf.random_normal, "uniform": gf.random_uniform,
             "truncated_normal": gf.truncated_normal, "shuffle": gf.random_shuffle,
             "multinomial": gf.multinomial, "set_random_seed": gf.set_random_seed}
    for name, fn in pairs.items():
        assert getattr(gf.random, name).__wrapped__ is fn.__wrapped__, name
    assert gf.random.get_seed(None) == (None, None)
    assert gf.random.get_seed(5) == (87654321, 5)  # TF1's default graph seed
    gf.random.set_random_seed(3)
    assert gf.get_default_graph().seed == 3 and gf.random.get_seed(5) == (3, 5)
    y = gf.random.uniform([1000], -2.0, 2.0, seed=1)
    z = gf.random.normal([1000], 1.0, 0.5, seed=1)
    u, n = draws([y, z], 1)[0]
    assert -2.0 <= u.min() and u.max() < 2.0 and abs(u.mean()) < 0.2
    assert abs(n.mean() - 1.0) < 0.07 and abs(n.std() - 0.5) < 0.05
