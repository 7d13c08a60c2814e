"""TF1's public names (graphflow/tf1_names.txt, listed from TensorFlow): how many graphflow
has, the everyday ones among them, and the one-line error for the rest."""

import collections

import pytest

import graphflow as gf
from graphflow import tf1_names

# What TF1 tutorial programs use most (a survey of public collections), all of which we have.
EVERYDAY = """
tf.placeholder tf.Variable tf.float32 tf.Session tf.reduce_mean tf.matmul tf.random_normal
tf.global_variables_initializer tf.argmax tf.cast tf.equal tf.zeros tf.reshape tf.constant
tf.variable_scope tf.name_scope tf.set_random_seed tf.get_collection tf.GraphKeys tf.concat
tf.square tf.pow tf.sqrt tf.log tf.exp tf.shape tf.unstack tf.transpose tf.trainable_variables
tf.layers.dense tf.layers.conv2d tf.layers.max_pooling2d tf.layers.dropout
tf.layers.batch_normalization tf.nn.relu tf.nn.softmax tf.nn.dropout tf.nn.conv2d
tf.nn.max_pool tf.nn.softmax_cross_entropy_with_logits tf.nn.sigmoid_cross_entropy_with_logits
tf.nn.sparse_softmax_cross_entropy_with_logits tf.nn.bias_add tf.losses.mean_squared_error
tf.train.AdamOptimizer tf.train.GradientDescentOptimizer tf.train.RMSPropOptimizer
tf.train.Saver tf.train.latest_checkpoint tf.metrics.accuracy tf.compat.v1 tf.string
""".split()


def test_the_list_is_tf1s():
    names = tf1_names.names()
    assert len(names) > 2000 and "tf.nn.relu" in names and "tf.nn/" in names
    assert "tf.contrib/" in names and not any(n.startswith("tf.raw_ops.") for n in names)


def test_coverage_of_tf1s_public_names(capsys):
    have, lack = tf1_names.coverage()
    by_module = collections.Counter(n.rsplit(".", 1)[0] for n in have)
    total = collections.Counter(n.rsplit(".", 1)[0] for n in have + lack)
    with capsys.disabled():
        print(f"\ngraphflow has {len(have)} of TF1's {len(have) + len(lack)} public names; "
              "by module: " + ", ".join(f"{m} {by_module[m]}/{total[m]}"
                                        for m, _ in total.most_common(16)))
    missing = [n for n in EVERYDAY if n not in have and not n.endswith(".v1")]
    assert not missing, f"everyday TF1 names graphflow lost: {missing}"
    assert len(have) >= 510  # a floor: coverage only grows


@pytest.mark.parametrize("expression", ["gf.contrib.slim", "gf.summary.scalar", "gf.nn.ctc_loss",
                                        "gf.train.MonitoredTrainingSession", "gf.layers.Conv3D"])
def test_a_tf1_name_graphflow_lacks_says_so(expression):
    with pytest.raises(tf1_names.MissingTF1NameError,
                       match=r"is a TF1 (name|module) that graphflow does not have; "
                             r"docs/tf1-compatibility.md"):
        eval(expression)


def test_other_names_stay_plain_attribute_errors():
    with pytest.raises(AttributeError) as info:
        gf.nn.no_such_thing  # noqa: B018
    assert not isinstance(info.value, tf1_names.MissingTF1NameError)
    assert getattr(gf, "summary", None) is None and not hasattr(gf.train, "Supervisor")
