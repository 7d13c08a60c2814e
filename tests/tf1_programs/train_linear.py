import numpy as np

import graphflow as tf

# Linear regression trained with tf.train.GradientDescentOptimizer: first with
# minimize(), then with compute_gradients/apply_gradients and a fed learning rate.
RESULTS = {}

# --- Data: y = X @ [2, -3] + 0.5 + small noise -------------------------------------
rng = np.random.RandomState(1)
X_data = rng.randn(50, 2).astype(np.float32)
noise = 0.01 * rng.randn(50, 1)
Y_data = (X_data.dot(np.array([[2.0], [-3.0]])) + 0.5 + noise).astype(np.float32)

# --- Model 1: minimize() with a global step ----------------------------------------------
X = tf.constant(X_data, name="X")
Y = tf.constant(Y_data, name="Y")
w = tf.Variable(tf.zeros([2, 1]), name="w")
b = tf.Variable(0.0, name="b")
global_step = tf.Variable(0, trainable=False, name="global_step")
loss = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y))
# minimize() = compute_gradients() + apply_gradients(); it also adds 1 to global_step.
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)

# --- Model 2 (float64): a learning rate fed through a placeholder -------------------------
X64 = tf.constant(X_data.astype(np.float64))
Y64 = tf.constant(Y_data.astype(np.float64))
w2 = tf.Variable(np.zeros((2, 1)), name="w2")                # float64 variables
b2 = tf.Variable(np.float64(1.0), name="b2")
step2 = tf.Variable(0, trainable=False, name="step2")
lr = tf.placeholder(tf.float32, [], name="lr")   # float32: cast to each variable's dtype
loss2 = tf.reduce_mean(tf.abs(tf.matmul(X64, w2) + b2 - Y64))  # an L1 loss this time
opt2 = tf.train.GradientDescentOptimizer(lr)
# With var_list=None every trainable variable is paired with its gradient; w and b
# do not affect loss2, so their gradients are None.
grads_and_vars = opt2.compute_gradients(loss2)
RESULTS["grads_and_vars"] = [[v.name, g is None] for g, v in grads_and_vars]
connected = [g for g, v in grads_and_vars if g is not None]
apply2 = opt2.apply_gradients(grads_and_vars, global_step=step2)   # skips the None pairs

# --- Model 3: var_list restricts what is trained -----------------------------------------
w3 = tf.Variable(tf.zeros([2, 1]), name="w3")
b3 = tf.Variable(0.5, name="b3")                 # stays 0.5: not in var_list
loss3 = tf.reduce_mean(tf.square(tf.matmul(X, w3) + b3 - Y))
train3 = tf.train.GradientDescentOptimizer(tf.constant(0.05)).minimize(loss3, var_list=[w3])

RESULTS["trainable"] = [v.name for v in tf.trainable_variables()]

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    losses = []
    for _ in range(30):
        # loss is computed from the weights as they were before this step's update.
        _, l = sess.run([train_op, loss])
        losses.append(l)
    RESULTS["losses"] = np.array(losses)
    RESULTS["final"] = sess.run({"w": w, "b": b, "loss": loss})
    RESULTS["global_step"] = sess.run(global_step)

    RESULTS["grads_step0"] = sess.run(connected)   # at the initial w2, b2
    losses2 = []
    for i in range(30):
        _, l = sess.run([apply2, loss2], feed_dict={lr: 0.5 / (1.0 + i)})  # a decaying rate
        losses2.append(l)
    RESULTS["losses2"] = np.array(losses2)
    RESULTS["final2"] = sess.run([w2, b2, step2])

    for _ in range(20):
        sess.run(train3)
    RESULTS["final3"] = sess.run([w3, b3, loss3])
    # The first model was not touched by the others.
    RESULTS["untouched"] = sess.run([w, b, global_step])
