"""variable_scope / get_variable (TF1 names, sharing, errors) and the initializers."""

import numpy as np
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()
    yield


def run(fetches, feed=None):
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        return sess.run(fetches, feed)


# -- scopes and names ----------------------------------------------------------------------

def test_variable_names_follow_the_variable_scope_and_ops_a_unique_name_scope():
    with gf.variable_scope("foo") as vs:
        c = gf.constant(1.0)
        v = gf.get_variable("v", [2])
    assert (vs.name, vs.original_name_scope, c.name, v.name) == ("foo", "foo/", "foo/Const:0",
                                                                 "foo/v:0")
    with gf.variable_scope(vs) as again:  # the scope object: same name, a new name scope
        c = gf.constant(1.0)
    assert (again.name, again.original_name_scope, c.name) == ("foo", "foo/", "foo_1/Const:0")
    with gf.variable_scope("foo") as third:
        c = gf.constant(1.0)
    assert (third.name, third.original_name_scope, c.name) == ("foo", "foo_2/", "foo_2/Const:0")
    with gf.variable_scope(None, default_name="foo") as unique:
        c = gf.constant(1.0)
    assert (unique.name, c.name) == ("foo_1", "foo_3/Const:0")  # TF1's numbers
    with gf.name_scope("ns"), gf.variable_scope("vs"):
        w = gf.get_variable("w", [3, 4])
        c = gf.constant(1.0)
    assert (w.name, c.name) == ("vs/w:0", "ns/vs/Const:0")
    assert w.initial_value.name.startswith("vs/w/Initializer/")
    assert gf.get_variable_scope().name == ""


def test_nested_scopes_and_default_names_restart_when_a_scope_is_reentered():
    names = []
    for _ in range(2):
        with gf.variable_scope("outer", reuse=gf.AUTO_REUSE):
            for _ in range(2):
                with gf.variable_scope(None, default_name="layer"):
                    names.append(gf.get_variable("w", [1]).name)
    assert names == ["outer/layer/w:0", "outer/layer_1/w:0"] * 2
    assert len(gf.global_variables()) == 2


def test_reuse_true_shares_and_is_inherited_by_nested_scopes():
    with gf.variable_scope("a"):
        with gf.variable_scope("b"):
            v = gf.get_variable("v", [2, 3])
    with gf.variable_scope("a", reuse=True) as scope:
        assert scope.reuse is True
        with gf.variable_scope("b", reuse=False) as inner:  # False does not switch it off
            assert inner.reuse is True
            assert gf.get_variable("v", [2, 3]) is v
            assert gf.get_variable("v") is v  # shape may be left out when sharing
    with gf.variable_scope("a") as scope:
        scope.reuse_variables()
        with gf.variable_scope("b"):
            assert gf.get_variable("v") is v
    assert gf.global_variables() == [v] and gf.trainable_variables() == [v]


def test_auto_reuse_creates_then_shares():
    def make():
        with gf.variable_scope("m", reuse=gf.AUTO_REUSE):
            return gf.get_variable("w", [3])
    assert make() is make()
    assert repr(gf.AUTO_REUSE) == "AUTO_REUSE"


def test_error_messages_match_tf1():
    with gf.variable_scope("foo"):
        gf.get_variable("v", [2])
    with pytest.raises(ValueError, match=r"Variable foo/v already exists, disallowed\. Did you "
                                         r"mean to set reuse=True or reuse=tf.AUTO_REUSE"):
        with gf.variable_scope("foo"):
            gf.get_variable("v", [2])
    with gf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"Variable foo/nope does not exist, or was not "
                                             r"created with tf.get_variable\(\)"):
            gf.get_variable("nope", [1])
        with pytest.raises(ValueError, match=r"Trying to share variable foo/v, but specified "
                                             r"shape \(3,\) and found shape \(2,\)"):
            gf.get_variable("v", [3])
        with pytest.raises(ValueError, match=r"specified dtype float64 and found dtype float32"):
            gf.get_variable("v", [2], dtype=gf.float64)
    with pytest.raises(ValueError, match=r"If initializer is a constant, do not specify shape"):
        gf.get_variable("c", [2], initializer=gf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"Variable d did not get an initializer, so its "
                                         r"`shape` argument must be specified"):
        gf.get_variable("d")
    with pytest.raises(ValueError, match=r"must be fully defined"):
        gf.get_variable("e", [None, 2])
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        gf.variable_scope(None, default_name="x", reuse=True)
    with pytest.raises(TypeError, match="default_name is None then name_or_scope is required"):
        gf.variable_scope(None)


def test_default_initializers_and_dtypes():
    f = gf.get_variable("f", [20, 30])
    i = gf.get_variable("i", [4], dtype=gf.int32)
    f_val, i_val = run([f, i])
    limit = np.sqrt(6 / 50)
    assert f_val.dtype == np.float32 and 0 < np.abs(f_val).max() <= limit
    assert np.abs(f_val).max() > 0.8 * limit  # glorot_uniform fills its range
    np.testing.assert_array_equal(i_val, np.zeros(4, np.int32))
    assert i.dtype == gf.int32


def test_initializer_forms_constant_array_tensor_callable_class():
    a = gf.get_variable("a", initializer=np.arange(6.0).reshape(2, 3))  # keeps float64
    b = gf.get_variable("b", initializer=gf.constant([1, 2], gf.int32))
    c = gf.get_variable("c", [2, 2], initializer=lambda shape, dtype: gf.fill(shape, 3.0))
    d = gf.get_variable("d", [3], initializer=gf.ones_initializer)  # a class is instantiated
    e = gf.get_variable("e", [2], initializer=gf.constant_initializer([4.0, 5.0]))
    with gf.variable_scope("s", initializer=gf.constant_initializer(0.5), dtype=gf.float64):
        f = gf.get_variable("f", [2])  # the scope's initializer and dtype
    values = run([a, b, c, d, e, f])
    assert a.dtype == gf.float64 and a.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(values[0], np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(values[1], [1, 2])
    np.testing.assert_array_equal(values[2], np.full((2, 2), 3.0))
    np.testing.assert_array_equal(values[3], np.ones(3))
    np.testing.assert_array_equal(values[4], [4.0, 5.0])
    assert f.dtype == gf.float64
    np.testing.assert_array_equal(values[5], [0.5, 0.5])


def test_regularizers_fill_the_regularization_losses_collection_once():
    with gf.variable_scope("r", regularizer=lambda v: gf.reduce_sum(v) * 2.0):
        v = gf.get_variable("v", initializer=[1.0, 2.0])
        gf.get_variable("w", [1], regularizer=lambda v: None)  # None: nothing is added
    with gf.variable_scope("r", reuse=True):
        gf.get_variable("v")  # sharing adds no second loss
    losses = gf.get_collection(gf.GraphKeys.REGULARIZATION_LOSSES)
    assert gf.GraphKeys.REGULARIZATION_LOSSES == "regularization_losses"
    assert len(losses) == 1 and losses[0].name.startswith("r/v/Regularizer/")
    assert run(losses[0]) == pytest.approx(6.0)
    assert v.name == "r/v:0"


def test_get_variable_ignores_control_dependencies_and_name_scope():
    x = gf.placeholder(gf.float32, [])
    with gf.control_dependencies([gf.no_op()]), gf.name_scope("ns"):
        v = gf.get_variable("v", [1])
    assert v.op.control_inputs == () and v.name == "v:0"
    assert v.initializer.control_inputs == ()
    del x


def test_non_trainable_and_collections():
    v = gf.get_variable("v", [1], trainable=False)
    w = gf.get_variable("w", [1], collections=[gf.GraphKeys.LOCAL_VARIABLES])
    assert gf.global_variables() == [v] and gf.trainable_variables() == [w]
    assert gf.local_variables() == [w]


def test_each_graph_keeps_its_own_store():
    g1, g2 = gf.Graph(), gf.Graph()
    with g1.as_default():
        a = gf.get_variable("v", [1])
    with g2.as_default():
        b = gf.get_variable("v", [1])  # no clash: another graph
        with gf.variable_scope("s", values=[a]):  # values pick the graph, as TF1
            c = gf.get_variable("w", [1])
    assert a.graph is g1 and b.graph is g2 and c.graph is g1 and c.name == "s/w:0"


# -- initializers ---------------------------------------------------------------------------

def sample(init, shape, dtype=gf.float32):
    return run(init(shape, dtype=dtype))


@pytest.mark.parametrize("shape, fans", [([], (1, 1)), ([7], (7, 7)), ([3, 5], (3, 5)),
                                         ([3, 3, 4, 8], (36, 72)), ([2, 3, 4, 5, 6], (120, 144))])
def test_fan_computation_counts_the_receptive_field(shape, fans):
    assert gf.initializers.compute_fans(shape) == fans


def test_constant_zeros_ones():
    np.testing.assert_array_equal(sample(gf.zeros_initializer(), [2, 3]), np.zeros((2, 3)))
    np.testing.assert_array_equal(sample(gf.ones_initializer(), [2], gf.int32), [1, 1])
    np.testing.assert_array_equal(sample(gf.constant_initializer(7), [3]), [7, 7, 7])
    np.testing.assert_array_equal(sample(gf.constant_initializer([[1, 2], [3, 4]]), [2, 2]),
                                  [[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        sample(gf.constant_initializer([1, 2], verify_shape=True), [3])


N = 200_000


def test_random_normal_and_uniform_statistics():
    x = sample(gf.random_normal_initializer(mean=1.0, stddev=2.0, seed=1), [N])
    assert abs(x.mean() - 1.0) < 0.03 and abs(x.std() - 2.0) < 0.03
    u = sample(gf.random_uniform_initializer(-3.0, 1.0, seed=1), [N])
    assert u.min() >= -3.0 and u.max() < 1.0 and abs(u.mean() + 1.0) < 0.02
    assert abs(u.std() - 4 / np.sqrt(12)) < 0.02
    t = sample(gf.truncated_normal_initializer(mean=0.5, stddev=0.1, seed=1), [N])
    assert t.min() >= 0.3 - 1e-6 and t.max() <= 0.7 + 1e-6
    assert abs(t.std() - 0.1 * 0.87962566103423978) < 0.002


@pytest.mark.parametrize("mode, distribution", [
    ("fan_in", "truncated_normal"), ("fan_out", "untruncated_normal"), ("fan_avg", "uniform"),
    ("fan_in", "normal")])
def test_variance_scaling_reaches_the_asked_variance(mode, distribution):
    shape = [5, 5, 40, 16]  # fan_in 1000, fan_out 400
    n = {"fan_in": 1000, "fan_out": 400, "fan_avg": 700}[mode]
    x = sample(gf.variance_scaling_initializer(2.0, mode, distribution, seed=3), shape)
    assert abs(x.std() / np.sqrt(2.0 / n) - 1) < 0.03 and abs(x.mean()) < 0.003
    if distribution == "uniform":
        assert np.abs(x).max() <= np.sqrt(6.0 / n)
    if distribution in ("normal", "truncated_normal"):
        assert np.abs(x).max() <= 2 * np.sqrt(2.0 / n) / 0.87962566103423978 + 1e-6


def test_glorot_initializers():
    u = sample(gf.glorot_uniform_initializer(seed=2), [300, 500])
    limit = np.sqrt(6 / 800)
    assert np.abs(u).max() <= limit and abs(u.std() - limit / np.sqrt(3)) < 2e-4
    g = sample(gf.glorot_normal_initializer(seed=2), [300, 500])
    assert abs(g.std() - np.sqrt(2 / 800)) < 2e-4
    assert gf.initializers.glorot_uniform is gf.glorot_uniform_initializer
    assert gf.initializers.he_normal().scale == 2.0


def test_seeds_repeat_and_differ():
    a = gf.random_normal_initializer(seed=5)([4])
    b = gf.random_normal_initializer(seed=5)([4])
    c = gf.random_normal_initializer(seed=6)([4])
    va, vb, vc = run([a, b, c])
    np.testing.assert_array_equal(va, vb)
    assert not np.array_equal(va, vc)
    gf.reset_default_graph()  # the op seed comes from the graph's op count
    gf.set_random_seed(1)
    first = run(gf.glorot_uniform_initializer()([3, 3]))
    gf.reset_default_graph()
    gf.set_random_seed(1)
    np.testing.assert_array_equal(run(gf.glorot_uniform_initializer()([3, 3])), first)


def test_initializer_argument_checks():
    with pytest.raises(ValueError, match="Invalid `mode`"):
        gf.variance_scaling_initializer(mode="fan")
    with pytest.raises(ValueError, match="positive"):
        gf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(TypeError, match="floating point"):
        gf.random_normal_initializer()([2], dtype=gf.int32)
    assert gf.initializers.constant(3).get_config()["value"] == 3


def test_a_constant_initializer_must_agree_with_an_explicit_dtype():
    with pytest.raises(ValueError, match="Initializer type 'float64' and explicit dtype "
                                         "'float32' don't match"):
        gf.get_variable("a", initializer=np.zeros(2), dtype=gf.float32)
    assert gf.get_variable("b", initializer=[1.0, 2.0], dtype=gf.float32).dtype == gf.float32
