import collections

import numpy as np

import graphflow as tf

# Placeholders, feed_dict, the many shapes a fetch can take, op names,
# and the tf.nn activation / loss functions.
RESULTS = {}

# --- Placeholders with unknown dimensions ----------------------------------------
x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
scale = tf.placeholder(tf.float32, shape=[], name="scale")  # a scalar
h = x * scale                        # an intermediate tensor
y = tf.reduce_sum(h, axis=1, name="y")
z = tf.add(y, 1.0, name="z")
RESULTS["static_x"] = x.shape.as_list()
RESULTS["static_y"] = y.shape.as_list()

Point = collections.namedtuple("Point", ["row_sums", "scaled"])

x_val = np.array([[1.0, 2.0, 3.0], [-4.0, 5.0, 0.5]], dtype=np.float32)
with tf.Session() as sess:
    feed = {x: x_val, scale: 2.0}
    RESULTS["single"] = sess.run(y, feed_dict=feed)
    RESULTS["feed_list"] = sess.run(y, {x: [[1, 1, 1]], scale: 3})  # lists/ints are converted
    RESULTS["list"] = sess.run([y, z], feed)
    tup = sess.run((y, z), feed)
    RESULTS["tuple_type"] = type(tup).__name__
    RESULTS["tuple"] = tup
    RESULTS["dict"] = sess.run({"y": y, "z": z}, feed)
    nt = sess.run(Point(row_sums=y, scaled=h), feed)
    RESULTS["namedtuple_type"] = type(nt).__name__
    RESULTS["namedtuple"] = dict(nt._asdict())
    RESULTS["nested"] = sess.run({"a": [y, (z, h)], "b": {"c": [scale]}}, feed)
    # Tensors can also be fetched (and fed) by name.
    RESULTS["by_name"] = sess.run("z:0", feed_dict={"x:0": x_val, scale: 1.0})
    # Fetching an operation runs it and returns None.
    RESULTS["op_fetch"] = sess.run([tf.group(y, z), tf.no_op(), z], feed)
    # Any tensor can be fed, not just placeholders: here h replaces x * scale,
    # so neither x nor scale is needed.
    RESULTS["feed_intermediate"] = sess.run(z, {h: np.ones((4, 3))})
    # A 0-d fetch comes back as a NumPy scalar.
    zero_d = sess.run(tf.reduce_sum(x), feed)
    RESULTS["zero_d"] = zero_d
    RESULTS["zero_d_type"] = type(zero_d).__name__

# --- Names and name scopes ---------------------------------------------------------------
tf.reset_default_graph()
a = tf.constant(1.0)
b = tf.constant(2.0, name="b")
names = [a.name, b.name, (a + b).name, (a + b).name, (a * b).name, (a - b).name,
         (a / b).name, tf.identity(a).name, tf.nn.relu(a).name, tf.matmul([[a]], [[b]]).name]
with tf.name_scope("outer"):
    c = tf.add(a, b, name="sum")
    with tf.name_scope("inner"):
        d = tf.multiply(c, c, name="sq")
        e = tf.identity(d)
    f = tf.identity(e, name="sum")  # same name in the same scope -> sum_1
with tf.name_scope("outer"):        # re-entering a scope uniquifies it
    g = tf.identity(a, name="sum")
names += [c.name, d.name, e.name, f.name, g.name, c.op.name, d.op.type]
names += [tf.placeholder(tf.float32, name="p").name, tf.placeholder(tf.float32, name="p").name]
RESULTS["names"] = names
RESULTS["same_graph"] = c.graph is tf.get_default_graph()

# --- Neural-network functions, with large logits for numerical stability -----------------
tf.reset_default_graph()
logits = tf.placeholder(tf.float32, shape=[None, 3])
labels = tf.placeholder(tf.float32, shape=[None, 3])
sparse = tf.placeholder(tf.int32, shape=[None])
bias = tf.constant([0.5, -0.5, 0.0])
nn = {
    "relu": tf.nn.relu(logits),
    "relu6": tf.nn.relu6(logits),
    "leaky_relu": tf.nn.leaky_relu(logits),
    "leaky_relu_01": tf.nn.leaky_relu(logits, alpha=0.1),
    "elu": tf.nn.elu(logits),
    "softplus": tf.nn.softplus(logits),
    "sigmoid": tf.nn.sigmoid(logits),
    "tanh": tf.nn.tanh(logits),
    "softmax": tf.nn.softmax(logits),
    "log_softmax": tf.nn.log_softmax(logits),
    "softmax_axis0": tf.nn.softmax(logits, axis=0),
    "bias_add": tf.nn.bias_add(logits, bias),
    "l2_loss": tf.nn.l2_loss(logits),
    "softmax_xent": tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
    "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse, logits=logits),
    "sigmoid_xent": tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
}
nn["mean_loss"] = tf.reduce_mean(nn["softmax_xent"])
RESULTS["nn_static"] = {k: [v.shape.as_list(), v.dtype.name] for k, v in nn.items()}
batch = np.array([[1.0, 2.0, 3.0],
                  [-1.5, 0.0, 7.0],
                  [100.0, -100.0, 0.0],   # huge logits: no overflow allowed
                  [-100.0, -100.0, -99.0]], dtype=np.float32)
onehot = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0.2, 0.3, 0.5]], dtype=np.float32)
with tf.Session() as sess:
    RESULTS["nn"] = sess.run(nn, {logits: batch, labels: onehot, sparse: [2, 0, 1, 2]})
