"""nn.embedding_lookup, the candidate samplers, nn.compute_accidental_hits, nn.nce_loss and
nn.sampled_softmax_loss: TF1's numbers (``tests/tf1_programs/sampled_expected.py``), the
samplers' distributions, expected counts and seeding, the losses' default sampler, a small
skip-gram model that learns, and the errors."""

import os

import numpy as np
import pytest
import tf1_runner

import graphflow as gf
from graphflow.ops import candidates

BACKENDS = ["numpy", "numba"]
HERE = os.path.basename(__file__)

# -- TF1's numbers ------------------------------------------------------------------------------

PROGRAM = "sampled_expected.py"
_INT_RESULTS = {"hits/indices": np.int32, "hits/ids": np.int64}


@pytest.mark.parametrize("known", [True, False], ids=["known_shapes", "none_dims"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_numbers(backend, known):
    """Lookups in one table and in uneven mod/div shards (ids of rank 0 to 3, max_norm), the
    accidental hits, and both losses with explicit sampled_values (num_true 1 and 2, hits
    kept and removed, sharded weights, float32 and float64) with their gradients with
    respect to weights or shards, biases and inputs: TF1's values. With none_dims every
    input is a placeholder whose dims are all None."""
    got = tf1_runner.compute(PROGRAM, backend, known)
    assert sorted(got) == sorted(TF1_EXPECTED)
    for name, (shape, values) in TF1_EXPECTED.items():
        dtype = _INT_RESULTS.get(name, np.float64 if "_f64" in name else np.float32)
        value = np.asarray(got[name])
        assert value.dtype == dtype, name
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(value, np.array(values, dtype).reshape(shape), err_msg=name,
                                   **tol)


def _probability(sampler, classes, range_max):
    """TF1's distributions, written out again here."""
    classes = np.asarray(classes, np.float64)
    if sampler == "uniform":
        return np.full(classes.shape, 1 / range_max)
    return (np.log(classes + 2) - np.log(classes + 1)) / np.log(range_max + 1)


def _tries(p, counts, num_sampled):
    """The number of draws a unique sampler took, found from its expected counts."""
    for tries in range(num_sampled, 10_000):
        if np.allclose(candidates.expected_counts(p, num_sampled, tries), counts, rtol=1e-6):
            return tries
    raise AssertionError(f"no number of draws gives the counts {counts}")


def test_unique_expected_counts_are_tf1s_from_the_number_of_draws():
    """TF1's unique samplers drew these (its bits, which graphflow does not reproduce): one
    number of draws gives every expected count TF1 reported, true classes and sampled ones,
    by graphflow's formula."""
    true = np.array([[0, 3], [7, 1], [9, 2]])
    runs = {key.rsplit("/", 1)[0] for key in TF1_DRAWS}
    assert len(runs) == 16
    seen_tries = set()
    for run in runs:
        sampler, num_sampled, _, range_max = run.split("/")[0].rsplit("_", 3)
        num_sampled, range_max = int(num_sampled), int(range_max)
        classes = np.array(TF1_DRAWS[f"{run}/classes"][1], np.int64)
        assert len(set(classes.tolist())) == num_sampled and classes.max() < range_max
        sampled_counts = np.array(TF1_DRAWS[f"{run}/sampled"][1], np.float32)
        tries = _tries(_probability(sampler, classes, range_max), sampled_counts, num_sampled)
        seen_tries.add(tries)
        np.testing.assert_allclose(
            candidates.expected_counts(_probability(sampler, true, range_max), num_sampled,
                                       tries).ravel(),
            np.array(TF1_DRAWS[f"{run}/true"][1], np.float32), rtol=1e-6, err_msg=run)
    assert len(seen_tries) > 3  # the draws exercised several numbers of tries


# -- the samplers --------------------------------------------------------------------------------

@pytest.mark.parametrize("sampler", ["log_uniform", "uniform"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_samplers_draw_from_tf1s_distribution(backend, sampler):
    """20000 draws of 50 classes against TF1's P(k): Pearson's chi-square (49 degrees of
    freedom, mean 49, sd 9.9) stays below 49 + 6 sd (seeded: the test cannot flake)."""
    n, range_max = 20_000, 50
    fn = getattr(gf.nn, f"{sampler}_candidate_sampler")
    with gf.Graph().as_default():
        true = gf.placeholder(gf.int64, [None, 1])
        out = fn(true, 1, n, False, range_max, seed=1)
        with gf.Session(backend=backend) as sess:
            classes, true_count, sampled_count = sess.run(out, {true: [[0], [49], [7]]})
    assert classes.dtype == np.int64 and classes.shape == (n,)
    assert 0 <= classes.min() and classes.max() < range_max
    p = _probability(sampler, np.arange(range_max), range_max)
    observed = np.bincount(classes, minlength=range_max)
    chi2 = np.sum((observed - n * p) ** 2 / (n * p))
    assert chi2 < 49 + 6 * np.sqrt(2 * 49), chi2
    # without unique, a class's expected count is p * num_sampled
    np.testing.assert_allclose(true_count, n * _probability(sampler, [[0], [49], [7]], range_max),
                               rtol=1e-6)
    np.testing.assert_allclose(sampled_count, n * p[classes], rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_unique_sampling_gives_distinct_classes_and_counts_from_its_draws(backend):
    with gf.Graph().as_default():
        gf.set_random_seed(3)
        out = gf.random.log_uniform_candidate_sampler([[1, 4]], 2, 30, True, 40)
        with gf.Session(backend=backend) as sess:
            for _ in range(5):
                classes, true_count, sampled_count = sess.run(out)
                assert len(set(classes.tolist())) == 30 and classes.max() < 40
                p = _probability("log_uniform", classes, 40)
                tries = _tries(p, sampled_count, 30)
                assert tries > 30  # 30 of 40 Zipfian classes: repeats are certain
                np.testing.assert_allclose(true_count, candidates.expected_counts(
                    _probability("log_uniform", [[1, 4]], 40), 30, tries), rtol=1e-6)
    assert out.true_expected_count.shape.as_list() == [1, 2]
    assert out.sampled_candidates.shape.as_list() == [30]


def _draws(seed=None, graph_seed=None, runs=2, sessions=2):
    with gf.Graph().as_default():
        if graph_seed is not None:
            gf.set_random_seed(graph_seed)
        classes = gf.nn.uniform_candidate_sampler([[0]], 1, 8, True, 1000, seed=seed)[0]
        out = []
        for _ in range(sessions):
            with gf.Session() as sess:
                out.append([tuple(sess.run(classes)) for _ in range(runs)])
        return out


def test_samplers_follow_tf1s_seeding():
    """A graph seed or an op seed: a new session repeats the draws, each run draws anew;
    neither: every session draws its own."""
    for seeds in ({"graph_seed": 4}, {"seed": 9}, {"graph_seed": 4, "seed": 9}):
        first, second = _draws(**seeds)
        assert first == second and first[0] != first[1], seeds
    assert _draws(seed=9) == _draws(seed=9)
    assert _draws(seed=9) != _draws(seed=10)
    first, second = _draws()
    assert first != second


# -- the losses' default sampler -----------------------------------------------------------------

def _loss_graph(loss_name, sampled_values=None, **kwargs):
    """A loss over 20 classes with a batch of unknown size."""
    labels = gf.placeholder(gf.int32, [None, 1])
    inputs = gf.placeholder(gf.float32, [None, 3])
    weights = gf.constant(np.linspace(-1, 1, 60, dtype=np.float32).reshape(20, 3))
    biases = gf.constant(np.linspace(-0.5, 0.5, 20, dtype=np.float32))
    loss = getattr(gf.nn, loss_name)(weights, biases, labels, inputs, 4, 20,
                                     sampled_values=sampled_values, **kwargs)
    return labels, inputs, loss


FEED_LABELS = np.array([[3], [0], [17]], np.int32)
FEED_INPUTS = np.linspace(-1, 2, 9, dtype=np.float32).reshape(3, 3)


@pytest.mark.parametrize("loss_name", ["nce_loss", "sampled_softmax_loss"])
def test_losses_draw_with_the_log_uniform_sampler_by_default(loss_name):
    """One LogUniformCandidateSampler op, unique, over num_classes; the loss is the loss of
    the sampler's values of the same run (recomputed with them as sampled_values), and each
    run draws anew."""
    with gf.Graph().as_default() as g:
        labels, inputs, loss = _loss_graph(loss_name)
        (sampler,) = [op for op in g.get_operations() if op.type.endswith("CandidateSampler")]
        assert sampler.type == "LogUniformCandidateSampler"
        assert (sampler.get_attr("unique"), sampler.get_attr("range_max"),
                sampler.get_attr("num_sampled"), sampler.get_attr("num_true")) == (True, 20, 4, 1)
        assert loss.shape.as_list() == [None]
        with gf.Session() as sess:
            runs = [sess.run([loss, sampler.outputs], {labels: FEED_LABELS,
                                                       inputs: FEED_INPUTS})
                    for _ in range(6)]
    assert len({tuple(values[0]) for _, values in runs}) > 1
    for value, sampled_values in runs:
        with gf.Graph().as_default():
            labels, inputs, again = _loss_graph(loss_name, sampled_values)
            with gf.Session() as sess:
                np.testing.assert_allclose(
                    sess.run(again, {labels: FEED_LABELS, inputs: FEED_INPUTS}), value,
                    rtol=1e-6)


def test_sampled_softmax_loss_seeds_its_sampler():
    def losses():
        with gf.Graph().as_default() as g:
            labels, inputs, loss = _loss_graph("sampled_softmax_loss", seed=5)
            (sampler,) = [op for op in g.get_operations() if op.type.endswith("Sampler")]
            assert sampler.get_attr("seed2") == 5
            with gf.Session() as sess:
                return [sess.run(loss, {labels: FEED_LABELS, inputs: FEED_INPUTS}).tolist()
                        for _ in range(3)]

    assert losses() == losses()


# -- a skip-gram model learns ------------------------------------------------------------------

@pytest.mark.parametrize("loss_name", ["nce_loss", "sampled_softmax_loss"])
def test_a_small_skip_gram_model_learns(loss_name):
    """The TF1 word2vec tutorial's graph on a corpus where each word's context is one of the
    next two words: 150 steps of SGD lower the sampled loss by more than half, and every
    embedding row that occurs in the batches moves."""
    vocab, dim, batch = 30, 8, 64
    rng = np.random.default_rng(0)
    with gf.Graph().as_default():
        gf.set_random_seed(1)
        train_inputs = gf.placeholder(gf.int32, shape=[None])
        train_labels = gf.placeholder(gf.int32, shape=[None, 1])
        embeddings = gf.Variable(gf.random_uniform([vocab, dim], -1.0, 1.0))
        embed = gf.nn.embedding_lookup(embeddings, train_inputs)
        weights = gf.Variable(gf.truncated_normal([vocab, dim], stddev=1.0 / np.sqrt(dim)))
        biases = gf.Variable(gf.zeros([vocab]))
        loss = gf.reduce_mean(getattr(gf.nn, loss_name)(weights, biases, train_labels, embed,
                                                        num_sampled=6, num_classes=vocab))
        train = gf.train.GradientDescentOptimizer(1.0).minimize(loss)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            before = sess.run(embeddings)
            history = []
            for _ in range(150):
                centers = rng.integers(0, vocab, batch)
                contexts = (centers + rng.integers(1, 3, batch)) % vocab
                _, value = sess.run([train, loss], {train_inputs: centers,
                                                    train_labels: contexts[:, None]})
                history.append(value)
            after = sess.run(embeddings)
    first, last = np.mean(history[:15]), np.mean(history[-15:])
    assert last < 0.5 * first, (first, last)
    assert np.all(np.any(after != before, axis=1))


# -- errors ------------------------------------------------------------------------------------

def _run_error(fetch, feed=None):
    with gf.Session() as sess:
        with pytest.raises(gf.errors.InvalidArgumentError) as info:
            sess.run(fetch, feed)
    return str(info.value)


def test_an_id_outside_the_table_fails_the_run_at_the_users_line():
    ids = gf.placeholder(gf.int64, [None])
    table = gf.constant(np.zeros((7, 2), np.float32))
    shards = [gf.constant(np.zeros((n, 2), np.float32)) for n in (3, 2, 2)]
    one = gf.nn.embedding_lookup(table, ids)
    mod = gf.nn.embedding_lookup(shards, ids)
    div = gf.nn.embedding_lookup(shards, ids, partition_strategy="div")
    message = _run_error(one, {ids: [1, 7]})
    assert "gather index 7 is not in [0, 7)" in message and HERE in message
    assert "one = gf.nn.embedding_lookup(table, ids)" in message
    message = _run_error(mod, {ids: [7]})  # row 2 of shard 1 (of 2 rows), as in TF1
    assert "is not in [0, 2)" in message and "mod = gf.nn.embedding_lookup(shards, ids)" in message
    message = _run_error(div, {ids: [-1]})
    assert "embedding id -1 is outside the valid range [0, 7)" in message
    assert "div = gf.nn.embedding_lookup(shards, ids, partition_strategy=\"div\")" in message


def test_bad_lookup_arguments_are_refused_at_the_users_line():
    table = gf.constant(np.zeros((4, 2), np.float32))
    with pytest.raises(gf.errors.DTypeError, match="ids must be int32 or int64") as info:
        gf.nn.embedding_lookup(table, [0.0, 1.0])
    assert f"{HERE}:" in str(info.value)
    with pytest.raises(gf.errors.InvalidArgumentError, match="'mod' or 'div', not 'range'"):
        gf.nn.embedding_lookup([table, table], [0], partition_strategy="range")
    with pytest.raises(gf.errors.InvalidArgumentError, match="needs params"):
        gf.nn.embedding_lookup([], [0])
    with pytest.raises(gf.errors.ShapeError, match="rows of one shape"):
        gf.nn.embedding_lookup([table, gf.zeros([3, 3])], [0])
    with pytest.raises(gf.errors.InvalidArgumentError, match="at least one row per shard"):
        gf.nn.embedding_lookup([table, gf.zeros([0, 2]), gf.zeros([0, 2]), gf.zeros([0, 2]),
                                gf.zeros([0, 2])], [0], partition_strategy="div")
    shard = gf.placeholder(gf.float32, [None, 2])
    few = gf.nn.embedding_lookup([shard, shard, shard], [0], partition_strategy="div")
    assert "needs a row per shard" in _run_error(few, {shard: np.zeros((0, 2), np.float32)})


def test_bad_sampler_arguments_are_refused():
    true = gf.constant([[1, 2]], gf.int64)
    with pytest.raises(gf.errors.InvalidArgumentError, match="range is too small") as info:
        gf.nn.log_uniform_candidate_sampler(true, 2, 11, True, 10)
    assert f"{HERE}:" in str(info.value)
    gf.nn.log_uniform_candidate_sampler(true, 2, 11, False, 10)  # repeats allowed
    with pytest.raises(gf.errors.InvalidArgumentError, match="num_sampled must be a positive"):
        gf.nn.uniform_candidate_sampler(true, 2, 0, False, 10)
    with pytest.raises(gf.errors.ShapeError, match="num_true = 1 columns"):
        gf.nn.uniform_candidate_sampler(true, 1, 3, False, 10)
    with pytest.raises(gf.errors.DTypeError, match="true_classes needs a integer tensor"):
        gf.nn.uniform_candidate_sampler([[1.0]], 1, 3, False, 10)
    unknown = gf.placeholder(gf.int64)
    sampled = gf.nn.log_uniform_candidate_sampler(unknown, 1, 3, True, 10)
    message = _run_error(sampled, {unknown: [[1, 2]]})
    assert "num_true = 1 columns" in message and "sampled = gf.nn.log_uniform" in message
    message = _run_error(sampled, {unknown: [[10]]})
    assert "true class 10 is outside the sampler's range [0, 10)" in message


def test_labels_outside_the_classes_fail_the_run_at_the_loss():
    labels, inputs, loss = _loss_graph("nce_loss")
    message = _run_error(loss, {labels: [[20]], inputs: np.zeros((1, 3), np.float32)})
    assert "true class 20 is outside the sampler's range [0, 20)" in message
    assert "loss = getattr(gf.nn, loss_name)" in message
    sampled_values = ([1, 2, 3, 4], [[0.5]], [0.5, 0.5, 0.5, 0.5])
    labels, inputs, loss = _loss_graph("sampled_softmax_loss", sampled_values)
    message = _run_error(loss, {labels: [[25]], inputs: np.zeros((1, 3), np.float32)})
    assert "gather index 25 is not in [0, 20)" in message


@pytest.mark.parametrize("loss_name", ["nce_loss", "sampled_softmax_loss"])
def test_float_labels_are_cast_to_class_ids_as_tf1_casts_them(loss_name):
    # TF1's sampled losses cast labels and sampled candidates to int64 whatever their dtype;
    # float labels (a float32 label placeholder) raised a DTypeError here
    rng = np.random.RandomState(0)
    weights = gf.constant(rng.randn(10, 4).astype(np.float32))
    biases = gf.constant(rng.randn(10).astype(np.float32))
    inputs = gf.constant(rng.randn(3, 4).astype(np.float32))
    sampled_values = ([1, 2, 3, 9], [[0.5], [0.5], [0.5]], [0.5, 0.4, 0.3, 0.2])
    loss = getattr(gf.nn, loss_name)
    as_ints = loss(weights, biases, [[1], [4], [9]], inputs, 4, 10,
                   sampled_values=sampled_values)
    as_floats = loss(weights, biases, gf.constant([[1.0], [4.0], [9.0]]), inputs, 4, 10,
                     sampled_values=([1.0, 2.0, 3.0, 9.0],) + sampled_values[1:])
    with gf.Session() as sess:
        ints, floats = sess.run([as_ints, as_floats])
    np.testing.assert_array_equal(ints, floats)
    expected = {"nce_loss": [6.8583, 6.9428, 4.5257],  # TF 2.21's v1 graph
                "sampled_softmax_loss": [5.4402, 3.7492, 2.684]}[loss_name]
    np.testing.assert_allclose(floats, expected, atol=1e-4)


def test_accidental_hits_need_a_true_class_matrix():
    with pytest.raises(gf.errors.ShapeError, match=r"\[batch_size, num_true = 2\] matrix"):
        gf.nn.compute_accidental_hits([[1, 2, 3]], [1, 2], num_true=2)
    with pytest.raises(gf.errors.DTypeError, match="class ids must be ints"):
        gf.nn.compute_accidental_hits([[1.0]], [1, 2], num_true=1)


def test_static_shapes():
    ids = gf.placeholder(gf.int32, [None, 5])
    assert gf.nn.embedding_lookup(gf.zeros([9, 4, 2]), ids).shape.as_list() == [None, 5, 4, 2]
    shards = [gf.placeholder(gf.float32, [None, None]), gf.placeholder(gf.float32, [None, 3])]
    assert gf.nn.embedding_lookup(shards, ids).shape.as_list() == [None, 5, 3]
    assert gf.nn.embedding_lookup(shards, gf.placeholder(gf.int32)).shape.ndims is None
    hits = gf.nn.compute_accidental_hits(gf.placeholder(gf.int64, [None, 2]), [1, 2], 2)
    assert [h.shape.as_list() for h in hits] == [[None]] * 3
    assert [h.dtype for h in hits] == [gf.int32, gf.int64, gf.float32]
    w, b = gf.zeros([10, 3]), gf.zeros([10])
    loss = gf.nn.nce_loss(w, b, gf.zeros([4, 2], gf.int64), gf.zeros([4, 3]), 5, 10, num_true=2)
    assert loss.shape.as_list() == [4]
    loss = gf.nn.sampled_softmax_loss(w, b, gf.placeholder(gf.int64, [None, 1]),
                                      gf.placeholder(gf.float32, [None, 3]), 5, 10)
    assert loss.shape.as_list() == [None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_norm_with_ranks_known_only_at_run_time(backend):
    """Placeholders without a shape: each embedding is still clipped on its own, with the
    numbers of the known-rank path, for rank-0 to rank-2 ids (one table and shards)."""
    table = np.linspace(-2, 2, 24, dtype=np.float32).reshape(4, 3, 2)
    params, other, ids = gf.placeholder(gf.float32), gf.placeholder(gf.float32), \
        gf.placeholder(gf.int32)
    lookups = [gf.nn.embedding_lookup(params, ids, max_norm=1.0),
               gf.nn.embedding_lookup([params, other], ids, max_norm=1.0)]
    assert all(t.shape.ndims is None for t in lookups)
    both = np.empty((8, 3, 2), np.float32)
    both[0::2], both[1::2] = table, table[::-1]
    with gf.Session(backend=backend) as sess:
        for value in (np.array([[0, 3], [1, 1]]), np.array(2), np.zeros((0, 2), np.int32)):
            got = sess.run(lookups, {params: table, other: table[::-1], ids: value})
            for result, rows in zip(got, (table, both)):
                known = sess.run(gf.nn.embedding_lookup(gf.constant(rows), value, max_norm=1.0))
                np.testing.assert_allclose(result, known, rtol=1e-6)


def test_the_random_namespace_holds_tf1s_names():
    assert gf.random.uniform is not None and gf.random.normal is not None
    with gf.Graph().as_default():
        gf.random.set_random_seed(3)
        assert gf.random.get_seed(None)[0] == 3 and gf.random.get_seed(7) == (3, 7)
        x = gf.random.truncated_normal([2000], seed=1)
        with gf.Session() as sess:
            assert np.abs(sess.run(x)).max() <= 2


# generated by tests/tf1_programs/sampled_expected.py with TensorFlow 2.21.0
TF1_EXPECTED = {
    'emb/div': ([3, 2, 3], [-1.3636363744735718, 0, 1.3636363744735718, -0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767]),
    'emb/div/dshard0': ([3, 3], [-0.60000002384185791, 0.60000002384185791, -1.2000000476837158, 0, -0.60000002384185791, 1.8000000715255737, 0, 1.2000000476837158, -0.60000002384185791]),
    'emb/div/dshard1': ([2, 3], [0, 1.2000000476837158, -0.60000002384185791, -0.60000002384185791, 0.60000002384185791, -1.2000000476837158]),
    'emb/div/dshard2': ([2, 3], [0.60000002384185791, -1.2000000476837158, 0, -1.2000000476837158, 0, 1.2000000476837158]),
    'emb/div_ids3': ([2, 2, 2, 3], [-0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -1.3636363744735718, 0, 1.3636363744735718, 0.81818181276321411, -0.81818181276321411, 0.54545456171035767, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767, 0, 1.3636363744735718, -0.27272728085517883, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718]),
    'emb/div_max_norm': ([3, 2, 3], [-0.84852820634841919, 0, 0.84852820634841919, -0.66850322484970093, 0.44566881656646729, -0.89133763313293457, -0.74065607786178589, 0.18516401946544647, -0.92582017183303833, -0.74065607786178589, 0.18516401946544647, -0.92582017183303833, 0.89133763313293457, -0.44566881656646729, 0.66850322484970093, -0.26186147332191467, 1.0474458932876587, -0.52372294664382935]),
    'emb/div_max_norm/dshard0': ([3, 3], [1.1920928955078125e-07, 0, -1.1920928955078125e-07, 0.27433103322982788, 0.13716566562652588, 0.13716548681259155, 0, 0, 0]),
    'emb/div_max_norm/dshard1': ([2, 3], [0.33253949880599976, -0.95605099201202393, -0.45724174380302429, 0, 0, 0]),
    'emb/div_max_norm/dshard2': ([2, 3], [0.21734583377838135, -0.10867291688919067, -0.36224308609962463, 0.19319632649421692, 0.33809357881546021, 0.024149537086486816]),
    'emb/div_scalar': ([3], [0, 1.3636363744735718, -0.27272728085517883]),
    'emb/mod': ([3, 2, 3], [-1.3636363744735718, 0, 1.3636363744735718, -0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767]),
    'emb/mod/dshard0': ([3, 3], [-0.60000002384185791, 0.60000002384185791, -1.2000000476837158, 0, 1.2000000476837158, -0.60000002384185791, -1.2000000476837158, 0, 1.2000000476837158]),
    'emb/mod/dshard1': ([2, 3], [0, -0.60000002384185791, 1.8000000715255737, -0.60000002384185791, 0.60000002384185791, -1.2000000476837158]),
    'emb/mod/dshard2': ([2, 3], [0, 1.2000000476837158, -0.60000002384185791, 0.60000002384185791, -1.2000000476837158, 0]),
    'emb/mod_ids3': ([2, 2, 2, 3], [-0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -1.3636363744735718, 0, 1.3636363744735718, 0.81818181276321411, -0.81818181276321411, 0.54545456171035767, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767, 0, 1.3636363744735718, -0.27272728085517883, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718]),
    'emb/mod_max_norm': ([3, 2, 3], [-0.84852820634841919, 0, 0.84852820634841919, -0.66850322484970093, 0.44566881656646729, -0.89133763313293457, -0.74065607786178589, 0.18516401946544647, -0.92582017183303833, -0.74065607786178589, 0.18516401946544647, -0.92582017183303833, 0.89133763313293457, -0.44566881656646729, 0.66850322484970093, -0.26186147332191467, 1.0474458932876587, -0.52372294664382935]),
    'emb/mod_max_norm/dshard0': ([3, 3], [1.1920928955078125e-07, 0, -1.1920928955078125e-07, 0.33253949880599976, -0.95605099201202393, -0.45724174380302429, 0.19319632649421692, 0.33809357881546021, 0.024149537086486816]),
    'emb/mod_max_norm/dshard1': ([2, 3], [0.27433103322982788, 0.13716566562652588, 0.13716548681259155, 0, 0, 0]),
    'emb/mod_max_norm/dshard2': ([2, 3], [0, 0, 0, 0.21734583377838135, -0.10867291688919067, -0.36224308609962463]),
    'emb/mod_scalar': ([3], [0, 1.3636363744735718, -0.27272728085517883]),
    'emb/single': ([3, 2, 3], [-1.3636363744735718, 0, 1.3636363744735718, -0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, -1.0909091234207153, 0.27272728085517883, -1.3636363744735718, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767]),
    'emb/single_max_norm': ([3, 2, 3], [-1.0606601238250732, 0, 1.0606601238250732, -0.81818181276321411, 0.54545456171035767, -1.0909091234207153, -0.92582017183303833, 0.23145504295825958, -1.1572750806808472, -0.92582017183303833, 0.23145504295825958, -1.1572750806808472, 1.0909091234207153, -0.54545456171035767, 0.81818181276321411, -0.27272728085517883, 1.0909091234207153, -0.54545456171035767]),
    'emb/single_max_norm/dparams': ([7, 3], [0, 0, 0, 0, 1.2857142686843872, -0.42857146263122559, 0, 0, 0, 0.41567426919937134, -1.1950637102127075, -0.57155221700668335, 0, 0, 0, -0.85714292526245117, 0.42857146263122559, -1.2857142686843872, -0.42857146263122559, 0.85714292526245117, -0.85714292526245117]),
    'hits/ids': ([5], [2, 2, 1, 4, 3]),
    'hits/indices': ([5], [0, 0, 1, 2, 3]),
    'hits/weights': ([5], [-3.4028234663852886e+38, -3.4028234663852886e+38, -3.4028234663852886e+38, -3.4028234663852886e+38, -3.4028234663852886e+38]),
    'nce/div_shards': ([4], [15.13165283203125, 14.09874439239502, 6.1562261581420898, 10.281582832336426]),
    'nce/div_shards/dshard0': ([4, 4], [-4.3852572441101074, 3.9657471179962158, -4.1646037101745605, 4.1864008903503418, 0, 0, 0, 0, -1.7315925359725952, 1.4082105159759521, -0.0085211591795086861, 3.1312820911407471, 0, 0, 0, 0]),
    'nce/div_shards/dshard1': ([3, 4], [0, 0, 0, 0, 3.3267598152160645, -5.7435398101806641, 6.7079639434814453, -2.3623356819152832, 0, 0, 0, 0]),
    'nce/div_shards/dshard2': ([3, 4], [-2.4050745964050293, 2.0975909233093262, -1.1398152112960815, 3.3628504276275635, -2.3506577014923096, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535, 0, 0.71448153257369995, -0.17862038314342499, 0.53586113452911377]),
    'nce/div_shards_f64': ([4], [15.131651937944367, 14.098744552251517, 6.156226289797444, 10.281583110549596]),
    'nce/div_shards_f64/dshard0': ([4, 4], [-4.3852572111795869, 3.9657470121643223, -4.1646035944327702, 4.18640062891114, 0, 0, 0, 0, -1.7315925987960228, 1.4082106872804161, -0.0085211325358555516, 3.1312821535405835, 0, 0, 0, 0]),
    'nce/div_shards_f64/dshard1': ([3, 4], [0, 0, 0, 0, 3.3267595900660236, -5.7435395851531581, 6.7079637380960282, -2.362335437123154, 0, 0, 0, 0]),
    'nce/div_shards_f64/dshard2': ([3, 4], [-2.4050749394067297, 2.0975910794995674, -1.1398153855301243, 3.3628506333761732, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761, 0, 0.71448144165098793, -0.17862036041274698, 0.53586108123824094]),
    'nce/mod_shards': ([4], [15.449129104614258, 13.047961235046387, 6.9771347045898438, 9.7693204879760742]),
    'nce/mod_shards/dbiases': ([10], [2.9557352066040039, 1.2294996976852417, 3.8767678737640381, 0.96475338935852051, 0, 10.151456832885742, 0, 2.0801692008972168, 3.8309481143951416, 0.076119303703308105]),
    'nce/mod_shards/dinputs': ([4, 4], [-3.1418037414550781, 2.2791211605072021, -2.5108799934387207, 2.9100446701049805, -7.7498464584350586, 5.4288845062255859, -5.0839552879333496, 8.0947761535644531, 2.3104536533355713, -0.57673943042755127, 2.9807655811309814, -0.13478544354438782, 5.8650574684143066, -2.5441532135009766, 7.7053422927856445, -0.70386826992034912]),
    'nce/mod_shards/dshard0': ([4, 4], [-2.400792121887207, 2.8918459415435791, -1.4155468940734863, 3.8770909309387207, 0.64316892623901367, -0.64316892623901367, 0.96475338935852051, -0.32158446311950684, 0, 0, 0, 0, 0, -0.10149240493774414, 0.025373101234436035, -0.076119303703308105]),
    'nce/mod_shards/dshard1': ([3, 4], [-0.81966650485992432, 1.2294996976852417, -0.40983325242996216, 1.6393330097198486, 0, 0, 0, 0, -3.5488142967224121, 3.2413303852081299, -2.8554244041442871, 3.9347202777862549]),
    'nce/mod_shards/dshard2': ([3, 4], [-0.86996179819107056, 0.11576461791992188, 0.42229416966438293, 1.4080207347869873, 3.3163008689880371, -5.7409248352050781, 6.7001199722290039, -2.3571062088012695, -2.3506574630737305, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535]),
    'nce/mod_shards_f64': ([4], [15.449128291520827, 13.047962240948317, 6.9771347441304892, 9.7693205751750707]),
    'nce/mod_shards_f64/dbiases': ([10], [2.9557354289710314, 1.2294997778785246, 3.8767683812939353, 0.96475342695116906, 0, 10.151456854678543, 0, 2.0801695030485634, 3.830948511840766, 0.076119408609871098]),
    'nce/mod_shards_f64/dinputs': ([4, 4], [-3.1418035226513106, 2.2791212696489613, -2.5108798516997659, 2.910044940600506, -7.7498465828774634, 5.4288844367761797, -5.0839550451689597, 8.0947759744846852, 2.3104536486498288, -0.57673923100136315, 2.9807656187819891, -0.13478548669881638, 5.8650579595122601, -2.5441529593164862, 7.7053426176290696, -0.70386830119967847]),
    'nce/mod_shards_f64/dshard0': ([4, 4], [-2.4007920903052273, 2.8918460280645761, -1.4155469473148836, 3.8770911710549201, 0.64316895130077933, -0.64316895130077933, 0.96475342695116906, -0.32158447565038967, 0, 0, 0, 0, 0, -0.10149254481316146, 0.025373136203290365, -0.076119408609871098]),
    'nce/mod_shards_f64/dshard1': ([3, 4], [-0.81966651858568307, 1.2294997778785246, -0.40983325929284153, 1.6393330371713661, 0, 0, 0, 0, -3.5488143784608983, 3.241330518553736, -2.8554245441113775, 3.9347203529032573]),
    'nce/mod_shards_f64/dshard2': ([3, 4], [-0.86996192047164467, 0.11576466979384858, 0.42229420662633366, 1.4080207968918268, 3.3163003759479839, -5.7409247816236482, 6.7001193275074975, -2.3571058300641341, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761]),
    'nce/t1_keep': ([4], [15.13165283203125, 14.09874439239502, 6.1562261581420898, 10.281582832336426]),
    'nce/t1_keep/dbiases': ([10], [0.66196060180664062, 0, 5.1692137718200684, 0, 0, 10.143611907958984, 0, 3.7957785129547119, 3.8309478759765625, -0.53586113452911377]),
    'nce/t1_keep/dinputs': ([4, 4], [-3.1490445137023926, 2.2827417850494385, -2.5199310779571533, 2.9118552207946777, -7.2114372253417969, 6.0689759254455566, -4.5310196876525879, 8.7493925094604492, 1.5060940980911255, -1.2664995193481445, 2.1927776336669922, 1.0277674198150635, 8.0070896148681641, -1.1034512519836426, 9.3337192535400391, 0.22317767143249512]),
    'nce/t1_keep/dweights': ([10, 4], [-4.3852572441101074, 3.9657471179962158, -4.1646037101745605, 4.1864008903503418, 0, 0, 0, 0, -1.7315925359725952, 1.4082105159759521, -0.0085211591795086861, 3.1312820911407471, 0, 0, 0, 0, 0, 0, 0, 0, 3.3267598152160645, -5.7435398101806641, 6.7079639434814453, -2.3623356819152832, 0, 0, 0, 0, -2.4050745964050293, 2.0975909233093262, -1.1398152112960815, 3.3628504276275635, -2.3506577014923096, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535, 0, 0.71448153257369995, -0.17862038314342499, 0.53586113452911377]),
    'nce/t1_keep_f64': ([4], [15.131651937944367, 14.098744552251517, 6.156226289797444, 10.281583110549596]),
    'nce/t1_keep_f64/dbiases': ([10], [0.66196085024045148, 0, 5.1692143987805022, 0, 0, 10.143612444090014, 0, 3.7957786616298161, 3.830948511840766, -0.53586108123824094]),
    'nce/t1_keep_f64/dinputs': ([4, 4], [-3.1490445170407226, 2.2827417668436674, -2.5199310946865316, 2.9118551891978588, -7.2114372575218582, 6.0689761491909326, -4.5310196645191887, 8.7493937421936021, 1.5060940811949868, -1.2664991932723737, 2.1927774234962656, 1.0277673927436282, 8.007090335272947, -1.1034511444954136, 9.3337191588478809, 0.22317767907951924]),
    'nce/t1_keep_f64/dweights': ([10, 4], [-4.3852572111795869, 3.9657470121643223, -4.1646035944327702, 4.18640062891114, 0, 0, 0, 0, -1.7315925987960228, 1.4082106872804161, -0.0085211325358555516, 3.1312821535405835, 0, 0, 0, 0, 0, 0, 0, 0, 3.3267595900660236, -5.7435395851531581, 6.7079637380960282, -2.362335437123154, 0, 0, 0, 0, -2.4050749394067297, 2.0975910794995674, -1.1398153855301243, 3.3628506333761732, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761, 0, 0.71448144165098793, -0.17862036041274698, 0.53586108123824094]),
    'nce/t1_remove': ([4], [15.019439697265625, 9.0265064239501953, 6.1562261581420898, 10.200907707214355]),
    'nce/t1_remove/dbiases': ([10], [0.41393899917602539, 0, 2.5855116844177246, 0, 0, 10.058694839477539, 0, 3.7957785129547119, 3.8309478759765625, -0.53586113452911377]),
    'nce/t1_remove/dinputs': ([4, 4], [-3.2274293899536133, 2.3219339847564697, -2.6179122924804688, 2.9314513206481934, -6.0189590454101562, 3.0877811908721924, -3.9347808361053467, 5.1719598770141602, 1.5060940980911255, -1.2664995193481445, 2.1927776336669922, 1.0277674198150635, 8.3505048751831055, -1.1606869697570801, 9.6198978424072266, 0.10870611667633057]),
    'nce/t1_remove/dweights': ([10, 4], [-4.5506048202514648, 4.1310949325561523, -4.4126253128051758, 4.2690744400024414, 0, 0, 0, 0, -0.0091243181377649307, -1.1754915714263916, 0.85271292924880981, -0.31365421414375305, 0, 0, 0, 0, 0, 0, 0, 0, 3.4399824142456055, -5.771845817565918, 6.7928810119628906, -2.4189469814300537, 0, 0, 0, 0, -2.4050745964050293, 2.0975909233093262, -1.1398152112960815, 3.3628504276275635, -2.3506577014923096, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535, 0, 0.71448153257369995, -0.17862038314342499, 0.53586113452911377]),
    'nce/t1_remove_f64': ([4], [15.019438809621265, 9.0265066652946011, 6.156226289797444, 10.200907855278739]),
    'nce/t1_remove_f64/dbiases': ([10], [0.4139391466157929, 0, 2.5855121777184498, 0, 0, 10.058695429410754, 0, 3.7957786616298161, 3.830948511840766, -0.53586108123824094]),
    'nce/t1_remove_f64/dinputs': ([4, 4], [-3.2274294536677317, 2.3219342351571717, -2.6179122654702924, 2.931451423354611, -6.0189593093393707, 3.0877812787347181, -3.9347806904279459, 5.1719598976461434, 1.5060940811949868, -1.2664991932723737, 2.1927774234962656, 1.0277673927436282, 8.3505050018301663, -1.1606869222549503, 9.6198980476455649, 0.10870612356044629]),
    'nce/t1_remove_f64/dweights': ([10, 4], [-4.5506050135960265, 4.131094814580762, -4.4126252980574288, 4.2690745301193589, 0, 0, 0, 0, -0.0091244514213211971, -1.1754915337816367, 0.85271294115149543, -0.31365414120882024, 0, 0, 0, 0, 0, 0, 0, 0, 3.4399822763050367, -5.7718452567129113, 6.7928807527752877, -2.4189467802426603, 0, 0, 0, 0, -2.4050749394067297, 2.0975910794995674, -1.1398153855301243, 3.3628506333761732, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761, 0, 0.71448144165098793, -0.17862036041274698, 0.53586108123824094]),
    'nce/t2_keep': ([4], [15.561342239379883, 18.120199203491211, 7.2299680709838867, 9.8848695755004883]),
    'nce/t2_keep/dbiases': ([10], [3.2684993743896484, 1.2294998168945312, 6.4604701995849609, 0.96475350856781006, 0, 10.236373901367188, 0, 2.4293646812438965, 3.8309481143951416, 0.076119363307952881]),
    'nce/t2_keep/dinputs': ([4, 4], [-3.0634188652038574, 2.2399287223815918, -2.4128987789154053, 2.8904485702514648, -8.9423246383666992, 8.4100790023803711, -5.6801939010620117, 11.672208786010742, 1.8773959875106812, -0.50456315279006958, 2.6198842525482178, 0.0095670223236083984, 5.4621396064758301, -2.3829860687255859, 7.3830080032348633, -0.46211779117584229]),
    'nce/t2_keep/dweights': ([10, 4], [-2.400792121887207, 2.4748275279998779, -1.311292290687561, 3.5643272399902344, -0.81966656446456909, 1.2294998168945312, -0.40983328223228455, 1.6393331289291382, -2.5924301147460938, 2.6994667053222656, -0.4389398992061615, 4.8529572486877441, 0.64316904544830322, -0.64316904544830322, 0.96475350856781006, -0.32158452272415161, 0, 0, 0, 0, 3.203078031539917, -5.7126197814941406, 6.6152029037475586, -2.3004946708679199, 0, 0, 0, 0, -3.3160171508789062, 3.0085334777832031, -2.5062289237976074, 3.818321704864502, -2.3506574630737305, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535, 0, -0.10149248689413071, 0.025373121723532677, -0.076119363307952881]),
    'nce/t2_keep_f64': ([4], [15.561341419843929, 18.120200127905235, 7.2299682215368684, 9.884870117688811]),
    'nce/t2_keep_f64/dbiases': ([10], [3.2684993601213042, 1.2294997778785246, 6.4604706023559881, 0.96475342695116906, 0, 10.236373869357802, 0, 2.4293649114142166, 3.830948511840766, 0.076119408609871209]),
    'nce/t2_keep_f64/dinputs': ([4, 4], [-3.0634185860243015, 2.2399288013354566, -2.4128986809160056, 2.8904487064437534, -8.9423245310599508, 8.4100793072323938, -5.6801940192602025, 11.672209819032144, 1.8773958978263741, -0.50456293919745387, 2.6198841597624432, 0.0095670969090018154, 5.4621401806288148, -2.3829858477631078, 7.3830083945223119, -0.46211763386961113]),
    'nce/t2_keep_f64/dweights': ([10, 4], [-2.4007920903052273, 2.4748274531975456, -1.3112923035981259, 3.5643272399046468, -0.81966651858568307, 1.2294997778785246, -0.40983325929284153, 1.6393330371713661, -2.5924300678463466, 2.6994668908559012, -0.43893986706101729, 4.8529570916412306, 0.64316895130077933, -0.64316895130077933, 0.96475342695116906, -0.32158447565038967, 0, 0, 0, 0, 3.2030776897089712, -5.712619110063895, 6.615202312828238, -2.3004944869446278, 0, 0, 0, 0, -3.3160174395504627, 3.0085335796433004, -2.5062291357457243, 3.8183218834480397, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761, 0, -0.10149254481316161, 0.025373136203290403, -0.076119408609871209]),
    'nce/t2_remove': ([4], [15.449129104614258, 13.047961235046387, 6.9771347045898438, 9.7693204879760742]),
    'nce/t2_remove/dbiases': ([10], [2.9557352066040039, 1.2294996976852417, 3.8767678737640381, 0.96475338935852051, 0, 10.151456832885742, 0, 2.0801692008972168, 3.8309481143951416, 0.076119303703308105]),
    'nce/t2_remove/dinputs': ([4, 4], [-3.1418037414550781, 2.2791211605072021, -2.5108799934387207, 2.9100446701049805, -7.7498464584350586, 5.4288845062255859, -5.0839552879333496, 8.0947761535644531, 2.3104536533355713, -0.57673943042755127, 2.9807655811309814, -0.13478544354438782, 5.8650574684143066, -2.5441532135009766, 7.7053422927856445, -0.70386826992034912]),
    'nce/t2_remove/dweights': ([10, 4], [-2.400792121887207, 2.8918459415435791, -1.4155468940734863, 3.8770909309387207, -0.81966650485992432, 1.2294996976852417, -0.40983325242996216, 1.6393330097198486, -0.86996179819107056, 0.11576461791992188, 0.42229416966438293, 1.4080207347869873, 0.64316892623901367, -0.64316892623901367, 0.96475338935852051, -0.32158446311950684, 0, 0, 0, 0, 3.3163008689880371, -5.7409248352050781, 6.7001199722290039, -2.3571062088012695, 0, 0, 0, 0, -3.5488142967224121, 3.2413303852081299, -2.8554244041442871, 3.9347202777862549, -2.3506574630737305, 2.2813844680786133, -1.0736749172210693, 3.5583672523498535, 0, -0.10149240493774414, 0.025373101234436035, -0.076119303703308105]),
    'nce/t2_remove_f64': ([4], [15.449128291520827, 13.047962240948317, 6.9771347441304892, 9.7693205751750707]),
    'nce/t2_remove_f64/dbiases': ([10], [2.9557354289710314, 1.2294997778785246, 3.8767683812939353, 0.96475342695116906, 0, 10.151456854678543, 0, 2.0801695030485634, 3.830948511840766, 0.076119408609871098]),
    'nce/t2_remove_f64/dinputs': ([4, 4], [-3.1418035226513106, 2.2791212696489613, -2.5108798516997659, 2.910044940600506, -7.7498465828774634, 5.4288844367761797, -5.0839550451689597, 8.0947759744846852, 2.3104536486498288, -0.57673923100136315, 2.9807656187819891, -0.13478548669881638, 5.8650579595122601, -2.5441529593164862, 7.7053426176290696, -0.70386830119967847]),
    'nce/t2_remove_f64/dweights': ([10, 4], [-2.4007920903052273, 2.8918460280645761, -1.4155469473148836, 3.8770911710549201, -0.81966651858568307, 1.2294997778785246, -0.40983325929284153, 1.6393330371713661, -0.86996192047164467, 0.11576466979384858, 0.42229420662633366, 1.4080207968918268, 0.64316895130077933, -0.64316895130077933, 0.96475342695116906, -0.32158447565038967, 0, 0, 0, 0, 3.3163003759479839, -5.7409247816236482, 6.7001193275074975, -2.3571058300641341, 0, 0, 0, 0, -3.5488143784608983, 3.241330518553736, -2.8554245441113775, 3.9347203529032573, -2.3506577259658004, 2.2813846317905053, -1.0736748886855452, 3.558367469070761, 0, -0.10149254481316146, 0.025373136203290365, -0.076119408609871098]),
    'sampler/log_uniform_true_count': ([4, 2], [0.32142913341522217, 0.32142913341522217, 0.84546041488647461, 0.59986370801925659, 1.445324182510376, 0.19873715937137604, 0.24559670686721802, 0.46529042720794678]),
    'sampler/uniform_true_count': ([4, 2], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
    'ssm/div_shards': ([4], [6.0891203880310059, 0.35169544816017151, 2.7993173599243164, 6.7127852439880371]),
    'ssm/div_shards/dshard0': ([4, 4], [-2.4711470603942871, 2.3013763427734375, -3.4251906871795654, 1.3473324775695801, 0, 0, 0, 0, 0.10552310943603516, -0.71139025688171387, -0.020893990993499756, -0.83780735731124878, 0, 0, 0, 0]),
    'ssm/div_shards/dshard1': ([3, 4], [0, 0, 0, 0, 3.1369500160217285, -4.0263824462890625, 4.3455319404602051, -2.8178000450134277, 0, 0, 0, 0]),
    'ssm/div_shards/dshard2': ([3, 4], [-0.37471282482147217, 0.25443002581596375, -0.2378900945186615, 0.3912527859210968, -0.39661300182342529, 0.42888918519020081, -0.22328785061836243, 0.60221439599990845, 0, 1.7530770301818848, -0.43826925754547119, 1.3148077726364136]),
    'ssm/div_shards_f64': ([4], [6.0891202232810642, 0.35169532401232584, 2.7993173435054448, 6.7127855654443849]),
    'ssm/div_shards_f64/dshard0': ([4, 4], [-2.4711468831423327, 2.3013761421758514, -3.4251906769249283, 1.3473323483932562, 0, 0, 0, 0, 0.10552309238215446, -0.71139015334602529, -0.020894001922936112, -0.83780724765111581, 0, 0, 0, 0]),
    'ssm/div_shards_f64/dshard1': ([3, 4], [0, 0, 0, 0, 3.1369496730506476, -4.0263822918242838, 4.3455319323177077, -2.8178000325572232, 0, 0, 0, 0]),
    'ssm/div_shards_f64/dshard2': ([3, 4], [-0.37471291061379286, 0.2544300856460221, -0.23789016093603577, 0.39125283532377919, -0.39661297167667742, 0.42888918382146102, -0.22328783415206516, 0.60221432134607322, 0, 1.7530770335269752, -0.4382692583817438, 1.3148077751452314]),
    'ssm/mod_shards': ([4], [6.3983469009399414, 1.1162012815475464, 3.7432577610015869, 4.7585463523864746]),
    'ssm/mod_shards/dbiases': ([10], [-0.36405324935913086, -0.73509407043457031, 0.37224748730659485, -1.4034453630447388, 0, 3.4522333145141602, 0, -1.197543740272522, 0.50906139612197876, -0.63340568542480469]),
    'ssm/mod_shards/dinputs': ([4, 4], [-1.4216575622558594, 0.96257895231246948, -1.4216575622558594, 0.96257901191711426, 0.013489007949829102, -0.042983919382095337, 0.013489037752151489, -0.042983949184417725, 2.2551670074462891, -1.601395845413208, 2.2551670074462891, 0.29882127046585083, 4.5260186195373535, -0.091545701026916504, 4.5260190963745117, -0.091545760631561279]),
    'ssm/mod_shards/dshard0': ([4, 4], [-0.33525073528289795, 1.0962249040603638, -0.4566018283367157, 0.97487378120422363, -0.93563026189804077, 0.93563026189804077, -1.4034453630447388, 0.46781513094902039, 0, 0, 0, 0, 0, 0.84454095363616943, -0.21113523840904236, 0.63340568542480469]),
    'ssm/mod_shards/dshard1': ([3, 4], [0.49006271362304688, -0.73509407043457031, 0.24503135681152344, -0.98012542724609375, 0, 0, 0, 0, -1.4391541481018066, 1.3170400857925415, -1.838335394859314, 0.91785883903503418]),
    'ssm/mod_shards/dshard2': ([3, 4], [-0.39895644783973694, 0.044737592339515686, -0.27487394213676453, 0.1688200831413269, 3.0088670253753662, -3.9218747615814209, 4.1596112251281738, -2.7711300849914551, -0.38993793725967407, 0.41879478096961975, -0.22025075554847717, 0.58848190307617188]),
    'ssm/mod_shards_f64': ([4], [6.3983463522617168, 1.1162013083320355, 3.7432578946266255, 4.7585466256447457]),
    'ssm/mod_shards_f64/dbiases': ([10], [-0.36405325998526317, -0.73509409957433414, 0.3722476443699827, -1.4034453572534318, 0, 3.4522329906991072, 0, -1.197543641764462, 0.50906138571677328, -0.63340566220837213]),
    'ssm/mod_shards_f64/dinputs': ([4, 4], [-1.4216577523008511, 0.96257899471461583, -1.4216577523008511, 0.96257899471461594, 0.013488962225649104, -0.042983754919458494, 0.013488962225649215, -0.042983754919458383, 2.2551670557366954, -1.6013958070005723, 2.2551670557366954, 0.29882117962454435, 4.5260184296029085, -0.091545637867209706, 4.5260184296029085, -0.091545637867209706]),
    'ssm/mod_shards_f64/dshard0': ([4, 4], [-0.33525076198528114, 1.0962248799887242, -0.45660184864703557, 0.97487379332696988, -0.93563023816895452, 0.93563023816895452, -1.4034453572534318, 0.46781511908447726, 0, 0, 0, 0, 0, 0.84454088294449614, -0.21113522073612404, 0.63340566220837213]),
    'ssm/mod_shards_f64/dshard1': ([3, 4], [0.49006273304955605, -0.73509409957433414, 0.24503136652477803, -0.98012546609911211, 0, 0, 0, 0, -1.4391542032716693, 1.3170401192380938, -1.8383354171931567, 0.91785890531660641]),
    'ssm/mod_shards_f64/dshard2': ([3, 4], [-0.39895652873991372, 0.044737737787255205, -0.27487398061658619, 0.16882028591058279, 3.008866870248053, -3.921874480554449, 4.1596112004810895, -2.7711301503214134, -0.38993787113179035, 0.41879472200125917, -0.22025074255953261, 0.58848185057351687]),
    'ssm/t1_keep': ([4], [6.0901780128479004, 1.0372600555419922, 2.7993173599243164, 6.7141456604003906]),
    'ssm/t1_keep/dbiases': ([10], [-2.9209847450256348, 0, 0.0028585195541381836, 0, 0, 3.612746000289917, 0, 0.30315974354743958, 0.31702792644500732, -1.3148077726364136]),
    'ssm/t1_keep/dinputs': ([4, 4], [-1.4217650890350342, 0.96265172958374023, -1.4217650890350342, 0.96265172958374023, -0.16838765144348145, -0.19757688045501709, -0.16838774085044861, -0.19757699966430664, 1.4297167062759399, -2.3761956691741943, 1.4297168254852295, 1.5682277679443359, 7.2725362777709961, -2.1150174140930176, 7.2725362777709961, -2.1150174140930176]),
    'ssm/t1_keep/dweights': ([10, 4], [-2.4259839057922363, 2.2354176044464111, -3.3996453285217285, 1.2617559432983398, 0, 0, 0, 0, -0.1490703821182251, -0.32894027233123779, -0.14811748266220093, -0.32798731327056885, 0, 0, 0, 0, 0, 0, 0, 0, 3.1393773555755615, -4.0328454971313477, 4.3436260223388672, -2.8285965919494629, 0, 0, 0, 0, -0.30306118726730347, 0.14726020395755768, -0.20200793445110321, 0.24831345677375793, -0.26126199960708618, 0.22603043913841248, -0.15558600425720215, 0.33170643448829651, 0, 1.7530770301818848, -0.43826925754547119, 1.3148077726364136]),
    'ssm/t1_keep_f64': ([4], [6.0901777851933234, 1.0372599283957229, 2.7993173435054448, 6.7141457470589447]),
    'ssm/t1_keep_f64/dbiases': ([10], [-2.9209846655546778, 0, 0.0028586908959093993, 0, 0, 3.6127459814865657, 0, 0.30315979896862649, 0.31702796934880784, -1.3148077751452314]),
    'ssm/t1_keep_f64/dinputs': ([4, 4], [-1.4217650877546961, 0.96265166962747184, -1.4217650877546963, 0.96265166962747184, -0.16838776596124139, -0.19757667196730999, -0.16838776596124116, -0.1975766719673091, 1.4297167456850803, -2.3761956742120351, 1.4297167456850803, 1.5682276512236595, 7.2725359718165938, -2.1150174041220891, 7.2725359718165938, -2.1150174041220891]),
    'ssm/t1_keep_f64/dweights': ([10, 4], [-2.4259837376688149, 2.2354174715156749, -3.3996452928537075, 1.2617559163307823, 0, 0, 0, 0, -0.14907035799449231, -0.32894004277379008, -0.14811746102918932, -0.32798714580848642, 0, 0, 0, 0, 0, 0, 0, 0, 3.1393773299326555, -4.0328451634255318, 4.343625990428178, -2.8285965029300097, 0, 0, 0, 0, -0.3030612369223899, 0.14726023599693047, -0.20200797059951445, 0.24831350231980601, -0.26126199734695804, 0.22603046515974118, -0.15558600756402211, 0.33170645494267709, 0, 1.7530770335269752, -0.4382692583817438, 1.3148077751452314]),
    'ssm/t1_remove': ([4], [6.0891203880310059, 0.35169544816017151, 2.7993173599243164, 6.7127852439880371]),
    'ssm/t1_remove/dbiases': ([10], [-2.8621313571929932, 0, -0.37925136089324951, 0, 0, 3.6257469654083252, 0, 0.41046816110610962, 0.51997542381286621, -1.3148077726364136]),
    'ssm/t1_remove/dinputs': ([4, 4], [-1.4232693910598755, 0.96367025375366211, -1.4232692718505859, 0.96367031335830688, -0.33423152565956116, -0.39216849207878113, -0.33423155546188354, -0.39216858148574829, 1.4297167062759399, -2.3761956691741943, 1.4297168254852295, 1.5682277679443359, 7.282435417175293, -2.1178963184356689, 7.282435417175293, -2.1178963184356689]),
    'ssm/t1_remove/dweights': ([10, 4], [-2.4711470603942871, 2.3013763427734375, -3.4251906871795654, 1.3473324775695801, 0, 0, 0, 0, 0.10552310943603516, -0.71139025688171387, -0.020893990993499756, -0.83780735731124878, 0, 0, 0, 0, 0, 0, 0, 0, 3.1369500160217285, -4.0263824462890625, 4.3455319404602051, -2.8178000450134277, 0, 0, 0, 0, -0.37471282482147217, 0.25443002581596375, -0.2378900945186615, 0.3912527859210968, -0.39661300182342529, 0.42888918519020081, -0.22328785061836243, 0.60221439599990845, 0, 1.7530770301818848, -0.43826925754547119, 1.3148077726364136]),
    'ssm/t1_remove_f64': ([4], [6.0891202232810642, 0.35169532401232584, 2.7993173435054448, 6.7127855654443849]),
    'ssm/t1_remove_f64/dbiases': ([10], [-2.8621313813477864, 0, -0.37925128291527166, 0, 0, 3.6257467778011812, 0, 0.41046824903327128, 0.51997541257383684, -1.3148077751452314]),
    'ssm/t1_remove_f64/dinputs': ([4, 4], [-1.4232694877175223, 0.96367027189058463, -1.4232694877175223, 0.96367027189058474, -0.33423156290559108, -0.39216839470700704, -0.33423156290559108, -0.39216839470700693, 1.4297167456850803, -2.3761956742120351, 1.4297167456850803, 1.5682276512236595, 7.2824346720255768, -2.1178961692875444, 7.2824346720255759, -2.1178961692875444]),
    'ssm/t1_remove_f64/dweights': ([10, 4], [-2.4711468831423327, 2.3013761421758514, -3.4251906769249283, 1.3473323483932562, 0, 0, 0, 0, 0.10552309238215446, -0.71139015334602529, -0.020894001922936112, -0.83780724765111581, 0, 0, 0, 0, 0, 0, 0, 0, 3.1369496730506476, -4.0263822918242838, 4.3455319323177077, -2.8178000325572232, 0, 0, 0, 0, -0.37471291061379286, 0.2544300856460221, -0.23789016093603577, 0.39125283532377919, -0.39661297167667742, 0.42888918382146102, -0.22328783415206516, 0.60221432134607322, 0, 1.7530770335269752, -0.4382692583817438, 1.3148077751452314]),
    'ssm/t2_keep': ([4], [6.3994030952453613, 1.7891473770141602, 3.754197359085083, 4.7604084014892578]),
    'ssm/t2_keep/dbiases': ([10], [-0.40982210636138916, -1.0117831230163574, 1.0163991451263428, -1.4038108587265015, 0, 3.4243924617767334, 0, -1.2949771881103516, 0.31373190879821777, -0.63413017988204956]),
    'ssm/t2_keep/dinputs': ([4, 4], [-1.420156717300415, 0.96156275272369385, -1.420156717300415, 0.96156269311904907, 0.30076020956039429, 0.27194750308990479, 0.30076020956039429, 0.27194750308990479, 2.2218432426452637, -1.5927603244781494, 2.2218434810638428, 0.30963024497032166, 4.5141663551330566, -0.085881233215332031, 4.5141663551330566, -0.085881292819976807]),
    'ssm/t2_keep/dweights': ([10, 4], [-0.29457858204841614, 1.0154814720153809, -0.43118596076965332, 0.87887418270111084, 0.67452210187911987, -1.0117831230163574, 0.33726105093955994, -1.3490442037582397, -0.82837331295013428, 0.68962305784225464, -0.48957353830337524, 1.0284228324890137, -0.93587392568588257, 0.93587392568588257, -1.4038108587265015, 0.46793696284294128, 0, 0, 0, 0, 3.0102458000183105, -3.908517599105835, 4.151710033416748, -2.7670536041259766, 0, 0, 0, 0, -1.3662359714508057, 1.2101303339004517, -1.7978949546813965, 0.77847123146057129, -0.259706050157547, 0.22368475794792175, -0.15512874722480774, 0.32826206088066101, 0, 0.84550690650939941, -0.21137672662734985, 0.63413017988204956]),
    'ssm/t2_keep_f64': ([4], [6.399402717204584, 1.7891473666055098, 3.7541973919022031, 4.7604083988410668]),
    'ssm/t2_keep_f64/dbiases': ([10], [-0.40982208982758245, -1.0117831606974572, 1.0163992287129604, -1.4038109569814194, 0, 3.4243923069962063, 0, -1.2949770470155326, 0.31373191933000949, -0.63413020051718394]),
    'ssm/t2_keep_f64/dinputs': ([4, 4], [-1.4201567558301718, 0.96156269689506102, -1.4201567558301718, 0.96156269689506091, 0.30076014890975378, 0.27194758379028028, 0.30076014890975389, 0.2719475837902805, 2.2218435177768896, -1.592760409305257, 2.2218435177768896, 0.30963019224629507, 4.5141659268171548, -0.085881083750817488, 4.5141659268171548, -0.085881083750817933]),
    'ssm/t2_keep_f64/dweights': ([10, 4], [-0.29457860505963446, 1.0154815203632575, -0.43118596833549527, 0.87887415708739658, 0.67452210713163807, -1.0117831606974572, 0.33726105356581904, -1.3490442142632761, -0.82837330506134421, 0.68962311161498413, -0.48957356215702408, 1.0284228545193042, -0.9358739713209463, 0.9358739713209463, -1.4038109569814194, 0.46793698566047315, 0, 0, 0, 0, 3.0102458270762718, -3.9085174698577623, 4.1517099294083408, -2.7670533675256932, 0, 0, 0, 0, -1.3662360012082495, 1.2101303265555041, -1.797895016880094, 0.77847131088365984, -0.25970605155773513, 0.22368476667761542, -0.15512874511439864, 0.3282620731209519, 0, 0.84550693402291188, -0.21137673350572797, 0.63413020051718394]),
    'ssm/t2_remove': ([4], [6.3983469009399414, 1.1162012815475464, 3.7432577610015869, 4.7585463523864746]),
    'ssm/t2_remove/dbiases': ([10], [-0.36405324935913086, -0.73509407043457031, 0.37224748730659485, -1.4034453630447388, 0, 3.4522333145141602, 0, -1.197543740272522, 0.50906139612197876, -0.63340568542480469]),
    'ssm/t2_remove/dinputs': ([4, 4], [-1.4216575622558594, 0.96257895231246948, -1.4216575622558594, 0.96257901191711426, 0.013489007949829102, -0.042983919382095337, 0.013489037752151489, -0.042983949184417725, 2.2551670074462891, -1.601395845413208, 2.2551670074462891, 0.29882127046585083, 4.5260186195373535, -0.091545701026916504, 4.5260190963745117, -0.091545760631561279]),
    'ssm/t2_remove/dweights': ([10, 4], [-0.33525073528289795, 1.0962249040603638, -0.4566018283367157, 0.97487378120422363, 0.49006271362304688, -0.73509407043457031, 0.24503135681152344, -0.98012542724609375, -0.39895644783973694, 0.044737592339515686, -0.27487394213676453, 0.1688200831413269, -0.93563026189804077, 0.93563026189804077, -1.4034453630447388, 0.46781513094902039, 0, 0, 0, 0, 3.0088670253753662, -3.9218747615814209, 4.1596112251281738, -2.7711300849914551, 0, 0, 0, 0, -1.4391541481018066, 1.3170400857925415, -1.838335394859314, 0.91785883903503418, -0.38993793725967407, 0.41879478096961975, -0.22025075554847717, 0.58848190307617188, 0, 0.84454095363616943, -0.21113523840904236, 0.63340568542480469]),
    'ssm/t2_remove_f64': ([4], [6.3983463522617168, 1.1162013083320355, 3.7432578946266255, 4.7585466256447457]),
    'ssm/t2_remove_f64/dbiases': ([10], [-0.36405325998526317, -0.73509409957433414, 0.3722476443699827, -1.4034453572534318, 0, 3.4522329906991072, 0, -1.197543641764462, 0.50906138571677328, -0.63340566220837213]),
    'ssm/t2_remove_f64/dinputs': ([4, 4], [-1.4216577523008511, 0.96257899471461583, -1.4216577523008511, 0.96257899471461594, 0.013488962225649104, -0.042983754919458494, 0.013488962225649215, -0.042983754919458383, 2.2551670557366954, -1.6013958070005723, 2.2551670557366954, 0.29882117962454435, 4.5260184296029085, -0.091545637867209706, 4.5260184296029085, -0.091545637867209706]),
    'ssm/t2_remove_f64/dweights': ([10, 4], [-0.33525076198528114, 1.0962248799887242, -0.45660184864703557, 0.97487379332696988, 0.49006273304955605, -0.73509409957433414, 0.24503136652477803, -0.98012546609911211, -0.39895652873991372, 0.044737737787255205, -0.27487398061658619, 0.16882028591058279, -0.93563023816895452, 0.93563023816895452, -1.4034453572534318, 0.46781511908447726, 0, 0, 0, 0, 3.008866870248053, -3.921874480554449, 4.1596112004810895, -2.7711301503214134, 0, 0, 0, 0, -1.4391542032716693, 1.3170401192380938, -1.8383354171931567, 0.91785890531660641, -0.38993787113179035, 0.41879472200125917, -0.22025074255953261, 0.58848185057351687, 0, 0.84454088294449614, -0.21113522073612404, 0.63340566220837213]),
}

# generated by tests/tf1_programs/sampled_expected.py with TensorFlow 2.21.0
TF1_DRAWS = {
    'log_uniform_8_of_20/0/classes': ([8], [7, 0, 1, 12, 15, 5, 9, 3]),
    'log_uniform_8_of_20/0/true': ([3, 2], [0.954956412, 0.598850012, 0.377157092, 0.820048392, 0.31728065, 0.696114957]),
    'log_uniform_8_of_20/0/sampled': ([8], [0.377157092, 0.954956412, 0.820048392, 0.25599739, 0.214443877, 0.463938892, 0.31728065, 0.598850012]),
    'log_uniform_12_of_15/0/classes': ([12], [6, 0, 1, 9, 11, 4, 7, 3, 2, 10, 8, 14]),
    'log_uniform_12_of_15/0/true': ([3, 2], [0.999866068, 0.925806284, 0.739645004, 0.99256295, 0.661895216, 0.966490865]),
    'log_uniform_12_of_15/0/sampled': ([12], [0.783496678, 0.999866068, 0.99256295, 0.661895216, 0.596718669, 0.878596187, 0.739645004, 0.925806284, 0.966490865, 0.627849519, 0.699104011, 0.518153191]),
    'uniform_8_of_12/0/classes': ([8], [11, 1, 4, 8, 7, 10, 9, 2]),
    'uniform_8_of_12/0/true': ([3, 2], [0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802]),
    'uniform_8_of_12/0/sampled': ([8], [0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802, 0.791163802]),
    'uniform_9_of_10/0/classes': ([9], [3, 9, 0, 7, 5, 8, 4, 1, 6]),
    'uniform_9_of_10/0/true': ([3, 2], [0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161]),
    'uniform_9_of_10/0/sampled': ([9], [0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161, 0.935389161]),
    'log_uniform_8_of_20/1/classes': ([8], [0, 2, 5, 1, 6, 11, 4, 15]),
    'log_uniform_8_of_20/1/true': ([3, 2], [0.965211511, 0.628251672, 0.401252985, 0.844014108, 0.338653505, 0.724829614]),
    'log_uniform_8_of_20/1/sampled': ([8], [0.965211511, 0.724829614, 0.491080821, 0.844014108, 0.441810101, 0.292736918, 0.551923513, 0.230086416]),
    'log_uniform_12_of_15/1/classes': ([12], [9, 3, 1, 6, 2, 0, 4, 8, 10, 5, 11, 7]),
    'log_uniform_12_of_15/1/true': ([3, 2], [0.999995768, 0.972892463, 0.845355928, 0.998884618, 0.777797699, 0.990999639]),
    'log_uniform_12_of_15/1/sampled': ([12], [0.777797699, 0.972892463, 0.998884618, 0.880263925, 0.990999639, 0.999995768, 0.946328759, 0.810977697, 0.746168733, 0.914543629, 0.716247082, 0.845355928]),
    'uniform_8_of_12/1/classes': ([8], [7, 9, 4, 2, 0, 3, 6, 11]),
    'uniform_8_of_12/1/true': ([3, 2], [0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399]),
    'uniform_8_of_12/1/sampled': ([8], [0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399]),
    'uniform_9_of_10/1/classes': ([9], [0, 7, 5, 2, 4, 8, 1, 9, 3]),
    'uniform_9_of_10/1/true': ([3, 2], [0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981]),
    'uniform_9_of_10/1/sampled': ([9], [0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981, 0.814697981]),
    'log_uniform_8_of_20/2/classes': ([8], [7, 0, 3, 5, 1, 4, 8, 12]),
    'log_uniform_8_of_20/2/true': ([3, 2], [0.973131776, 0.655498385, 0.424416602, 0.864788055, 0.359357238, 0.750830889]),
    'log_uniform_8_of_20/2/sampled': ([8], [0.424416602, 0.973131776, 0.655498385, 0.516848505, 0.864788055, 0.57875663, 0.389253974, 0.291776717]),
    'log_uniform_12_of_15/2/classes': ([12], [3, 0, 7, 10, 6, 1, 12, 5, 2, 8, 4, 9]),
    'log_uniform_12_of_15/2/true': ([3, 2], [0.999999404, 0.984933555, 0.885879338, 0.999631226, 0.826057673, 0.995819449]),
    'log_uniform_12_of_15/2/sampled': ([12], [0.984933555, 0.999999404, 0.885879338, 0.796946406, 0.915244341, 0.999631226, 0.741956115, 0.942741156, 0.995819449, 0.855876088, 0.966660798, 0.826057673]),
    'uniform_8_of_12/2/classes': ([8], [8, 0, 4, 9, 3, 6, 5, 11]),
    'uniform_8_of_12/2/true': ([3, 2], [0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399]),
    'uniform_8_of_12/2/sampled': ([8], [0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399, 0.54301399]),
    'uniform_9_of_10/2/classes': ([9], [3, 8, 1, 4, 9, 2, 0, 5, 6]),
    'uniform_9_of_10/2/true': ([3, 2], [0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372]),
    'uniform_9_of_10/2/sampled': ([9], [0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372, 0.849905372]),
    'log_uniform_8_of_20/3/classes': ([8], [4, 1, 9, 13, 8, 0, 15, 6]),
    'log_uniform_8_of_20/3/true': ([3, 2], [0.973131776, 0.655498385, 0.424416602, 0.864788055, 0.359357238, 0.750830889]),
    'log_uniform_8_of_20/3/sampled': ([8], [0.57875663, 0.864788055, 0.359357238, 0.274510264, 0.389253974, 0.973131776, 0.245417461, 0.466292053]),
    'log_uniform_12_of_15/3/classes': ([12], [10, 5, 1, 3, 0, 11, 13, 12, 9, 4, 8, 2]),
    'log_uniform_12_of_15/3/true': ([3, 2], [0.999821424, 0.919312418, 0.728094101, 0.991289079, 0.649858832, 0.962611437]),
    'log_uniform_12_of_15/3/sampled': ([12], [0.615792036, 0.820234895, 0.991289079, 0.919312418, 0.999821424, 0.584730089, 0.530441642, 0.556374848, 0.649858832, 0.870050907, 0.68721807, 0.962611437]),
    'uniform_8_of_12/3/classes': ([8], [9, 0, 7, 11, 3, 4, 8, 6]),
    'uniform_8_of_12/3/true': ([3, 2], [0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898]),
    'uniform_8_of_12/3/sampled': ([8], [0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898, 0.704225898]),
    'uniform_9_of_10/3/classes': ([9], [0, 6, 5, 8, 4, 1, 7, 3, 9]),
    'uniform_9_of_10/3/true': ([3, 2], [0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834]),
    'uniform_9_of_10/3/sampled': ([9], [0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834, 0.864914834]),
}
