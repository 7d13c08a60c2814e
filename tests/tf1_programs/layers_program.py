import numpy as np

import graphflow as tf

# tf.layers with constant initializers: a small conv net, an MLP, batch normalization
# (training and inference, update ops) and dropout, plus the gradients of a loss.
RESULTS = {}
rng = np.random.RandomState(0)
images = rng.randn(2, 6, 6, 3).astype(np.float32)
k_conv = (rng.randn(3, 3, 3, 4) * 0.3).astype(np.float32)
b_conv = (rng.randn(4) * 0.1).astype(np.float32)
k_dense = (rng.randn(36, 5) * 0.2).astype(np.float32)
features = rng.randn(4, 3).astype(np.float32)
k_h = (rng.randn(3, 6) * 0.5).astype(np.float32)
k_o = (rng.randn(6, 2) * 0.5).astype(np.float32)
seq = rng.randn(2, 4, 3).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 6, 6, 3], name="x")
conv = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu,
                        kernel_initializer=tf.constant_initializer(k_conv),
                        bias_initializer=tf.constant_initializer(b_conv))
pool = tf.layers.max_pooling2d(conv, 2, 2)
avg = tf.layers.average_pooling2d(conv, 3, 2, padding="same")
valid = tf.layers.conv2d(x, 2, (2, 3), strides=(2, 1), use_bias=False,
                         kernel_initializer=tf.constant_initializer(0.1))
flat = tf.layers.flatten(pool)
logits = tf.layers.dense(flat, 5, kernel_initializer=tf.constant_initializer(k_dense))
loss = tf.reduce_mean(tf.square(logits))
conv_vars = [v for v in tf.trainable_variables() if not v.name.startswith("conv2d_1/")]
grads = tf.gradients(loss, conv_vars + [x])

f = tf.placeholder(tf.float32, [None, 3], name="f")
hidden = tf.layers.dense(f, 6, activation=tf.nn.relu, name="hidden",
                         kernel_initializer=tf.constant_initializer(k_h),
                         bias_initializer=tf.constant_initializer(0.1))
out = tf.layers.dense(hidden, 2, kernel_initializer=tf.constant_initializer(k_o), name="out")
shared = tf.layers.dense(f, 6, activation=tf.nn.relu, name="hidden", reuse=True)
s = tf.placeholder(tf.float32, [None, 4, 3], name="s")
seq_out = tf.layers.dense(s, 2, kernel_initializer=tf.constant_initializer(k_o[:3]))
dropped = tf.layers.dropout(hidden, 0.5, training=False)

bn_train = tf.layers.batch_normalization(f * 3.0 + 1.0, training=True,
                                         gamma_initializer=tf.constant_initializer(1.5),
                                         beta_initializer=tf.constant_initializer(-0.5))
bn_image = tf.layers.batch_normalization(conv, momentum=0.9, training=True)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
bn_infer = tf.layers.batch_normalization(f * 3.0 + 1.0, training=False, name="batch_normalization",
                                         reuse=True)
bn_grad = tf.gradients(tf.reduce_sum(bn_train * f), f)[0]

RESULTS["names"] = {
    "tensors": [t.name for t in [conv, pool, avg, valid, flat, logits, hidden, out, shared,
                                  seq_out, dropped]],
    "global_variables": [v.name for v in tf.global_variables()],
    "trainable_variables": [v.name for v in tf.trainable_variables()],
    "update_ops": len(update_ops),
}
RESULTS["shapes"] = [t.shape.as_list() for t in [conv, pool, avg, valid, flat, logits, seq_out]]

# the class forms: one Dense applied twice shares its variables
layer = tf.layers.Dense(6, activation=tf.nn.relu, kernel_initializer=tf.constant_initializer(k_h))
twice = [layer(f), layer(f * 2.0)]
named = tf.layers.Dense(2, name="head", kernel_initializer=tf.constant_initializer(k_o))
conv_layer = tf.layers.Conv2D(2, 3, strides=2, padding="same",
                              kernel_initializer=tf.constant_initializer(k_conv[..., :2]))
stack = tf.layers.Flatten()(tf.layers.MaxPooling2D(2, 1)(conv_layer(x)))
norm = tf.layers.BatchNormalization(momentum=0.5)
normed = norm(named(twice[1]), training=True)
class_vars = [layer.kernel, layer.bias, named.kernel, conv_layer.kernel, norm.moving_mean]
RESULTS["classes"] = {
    "names": [named.name],  # (an unnamed layer's name follows Keras's own counter)
    "variables": [v.name for v in layer.variables + named.trainable_variables
                  + norm.non_trainable_variables],
    "tensors": [t.name for t in twice + [stack, normed]],
    "trainable_count": len(tf.trainable_variables()),
}

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {x: images, f: features, s: seq}
    RESULTS["classes"]["values"] = sess.run(twice + [stack, normed], feed)
    (RESULTS["conv"], RESULTS["pool"], RESULTS["avg"], RESULTS["valid"], RESULTS["logits"],
     RESULTS["grads"]) = sess.run([conv, pool, avg, valid, logits, grads], feed)
    RESULTS["mlp"], RESULTS["shared"], RESULTS["seq_out"], RESULTS["dropped"] = sess.run(
        [out, shared, seq_out, dropped], feed)
    RESULTS["bn_train"], RESULTS["bn_image"], RESULTS["bn_grad"] = sess.run(
        [bn_train, bn_image, bn_grad], feed)
    sess.run(update_ops, feed)
    sess.run(update_ops, feed)
    RESULTS["moving"] = sess.run([v for v in tf.global_variables() if "moving" in v.name])
    RESULTS["bn_infer"] = sess.run(bn_infer, feed)
