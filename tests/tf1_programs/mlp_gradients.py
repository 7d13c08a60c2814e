import numpy as np

import graphflow as tf

# Gradients of a small classifier (4 -> 5 -> 3) and of the tf.nn losses and
# activations, including logits large enough to overflow a naive formula.
RESULTS = {}

# --- Fixed weights and a fixed batch -----------------------------------------------
rng = np.random.RandomState(0)
inputs = rng.randn(6, 4).astype(np.float32)
W1_init = (rng.randn(4, 5) * 0.5).astype(np.float32)
b1_init = (rng.randn(5) * 0.1).astype(np.float32)
W2_init = (rng.randn(5, 3) * 0.5).astype(np.float32)
b2_init = (rng.randn(3) * 0.1).astype(np.float32)
targets = np.array([0, 2, 1, 1, 0, 2], dtype=np.int32)

# --- The model ---------------------------------------------------------------------------
x = tf.placeholder(tf.float32, shape=[None, 4], name="x")
labels = tf.placeholder(tf.int32, shape=[None], name="labels")
W1 = tf.Variable(W1_init, name="W1")
b1 = tf.Variable(b1_init, name="b1")
W2 = tf.Variable(W2_init, name="W2")
b2 = tf.Variable(b2_init, name="b2")
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
loss = tf.reduce_mean(per_example)
params = [W1, b1, W2, b2]
grads = tf.gradients(loss, params)      # one gradient per variable, same shapes
RESULTS["static"] = [[g.shape.as_list(), g.dtype.name] for g in grads]

# The same loss written with one-hot labels and the dense (v2) cross-entropy.
onehot = tf.one_hot(labels, depth=3)
loss_v2 = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=onehot, logits=logits))
grads_v2 = tf.gradients(loss_v2, params)
# Gradient of the loss with respect to the inputs and the logits themselves.
d_inputs, d_logits = tf.gradients(loss, [x, logits])

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {x: inputs, labels: targets}
    RESULTS["loss"], RESULTS["grads"] = sess.run([loss, grads], feed)
    RESULTS["loss_v2"], RESULTS["grads_v2"] = sess.run([loss_v2, grads_v2], feed)
    RESULTS["d_inputs"], RESULTS["d_logits"] = sess.run([d_inputs, d_logits], feed)
    RESULTS["hidden"] = sess.run(hidden, feed)

# --- Losses and activations at large logits: gradients must stay finite -------------------
tf.reset_default_graph()
z = tf.placeholder(tf.float32, shape=[None, 3], name="z")
soft = tf.placeholder(tf.float32, shape=[None, 3], name="soft")   # labels in [0, 1]
sparse = tf.placeholder(tf.int32, shape=[None], name="sparse")
weights = tf.constant([[1.0, -2.0, 0.5]])      # so that no gradient is trivially uniform
terms = {
    "softmax_xent": tf.nn.softmax_cross_entropy_with_logits_v2(labels=soft, logits=z),
    "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse, logits=z),
    "sigmoid_xent": tf.nn.sigmoid_cross_entropy_with_logits(labels=soft, logits=z) * weights,
    "log_softmax": tf.nn.log_softmax(z) * weights,
    "softmax": tf.nn.softmax(z) * weights,
    "tanh": tf.tanh(z) * weights,
    "nn_tanh": tf.nn.tanh(z),
    "sigmoid": tf.sigmoid(z) * weights,
    "nn_sigmoid": tf.nn.sigmoid(z),
    "softplus": tf.nn.softplus(z),
    "elu": tf.nn.elu(z),
    "leaky_relu": tf.nn.leaky_relu(z, alpha=0.1),
}
d_z = {name: tf.gradients(t, z)[0] for name, t in terms.items()}
# The v2 cross-entropy also back-propagates into its labels (v1 did not);
# sigmoid cross-entropy is differentiable in its labels too.
d_labels = {
    "softmax_xent": tf.gradients(terms["softmax_xent"], soft)[0],
    "sigmoid_xent": tf.gradients(terms["sigmoid_xent"], soft)[0],
}
big = np.array([[50.0, -50.0, 0.0],
                [-50.0, -50.0, 50.0],
                [1.0, 2.0, 3.0],
                [0.0, 0.0, 0.0]], dtype=np.float32)
soft_val = np.array([[1, 0, 0], [0, 0.5, 0.5], [0.2, 0.3, 0.5], [0, 1, 0]], dtype=np.float32)
with tf.Session() as sess:
    feed = {z: big, soft: soft_val, sparse: [1, 2, 0, 2]}
    RESULTS["big_values"] = sess.run(terms, feed)
    RESULTS["big_grads"] = sess.run(d_z, feed)
    RESULTS["big_label_grads"] = sess.run(d_labels, feed)
RESULTS["all_finite"] = bool(all(np.isfinite(v).all() for v in RESULTS["big_grads"].values()))
