import numpy as np

import graphflow as tf

# Variables, initialisers, assignments and control dependencies, ending with
# a tiny linear regression trained by hand-written gradient descent.
RESULTS = {}

# --- A counter --------------------------------------------------------------------------
counter = tf.Variable(0, name="counter", trainable=False)   # int32, not trained
inc = counter.assign_add(1)
add_ten = tf.assign_add(counter, 10)                       # function form
dec = counter.assign_sub(3)
reset = tf.assign(counter, 100)
with tf.control_dependencies([inc]):
    # Created under the control dependency, so this read happens after inc.
    after_inc = tf.identity(counter)
    doubled_after_inc = counter * 2
# Two assignments grouped into a single op; group and no_op fetch as None.
scaled = tf.Variable([1.0, 2.0, 3.0], name="scaled")
both = tf.group(scaled.assign(scaled * 2.0), counter.assign_add(5))
with tf.control_dependencies([both]):
    done = tf.no_op(name="done")

RESULTS["counter_static"] = counter.shape.as_list()
RESULTS["scaled_static"] = scaled.shape.as_list()

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    RESULTS["initial"] = sess.run(counter)
    RESULTS["inc_returns"] = sess.run(inc)          # an assign fetches the new value
    for _ in range(4):                               # run an update in a loop
        sess.run(inc)
    RESULTS["after_loop"] = sess.run(counter)
    RESULTS["add_ten"] = sess.run(add_ten)
    RESULTS["dec"] = sess.run(dec)
    RESULTS["ordered"] = sess.run([after_inc, doubled_after_inc])
    RESULTS["reset"] = sess.run(reset)
    RESULTS["group_fetch"] = sess.run([both, done])  # both runs once even though fetched twice
    RESULTS["after_group"] = sess.run([counter, scaled])

# Variables live in a session: a new session starts from the initial values again.
with tf.Session() as sess:
    sess.run(tf.variables_initializer([counter]))
    RESULTS["new_session"] = sess.run(counter)

# --- Hand-written gradient descent on a linear model --------------------------------------
tf.reset_default_graph()
X = tf.constant([[1.0, 2.0], [2.0, -1.0], [0.5, 0.5], [-1.0, 3.0]])
true_w = np.array([[2.0], [-3.0]], dtype=np.float32)
Y = tf.constant(np.array([[1.0, 2.0], [2.0, -1.0], [0.5, 0.5], [-1.0, 3.0]],
                         dtype=np.float32).dot(true_w) + 1.0)
with tf.name_scope("model"):
    w = tf.Variable(tf.zeros([2, 1]), name="w")
    b = tf.Variable(0.5, name="b")
    step = tf.Variable(0, name="step", trainable=False)
lr = tf.constant(0.05, name="lr")

pred = tf.matmul(X, w) + b
err = pred - Y
loss = tf.reduce_mean(tf.square(err))
n = tf.cast(tf.shape(X)[0], tf.float32)
grad_w = 2.0 * tf.matmul(X, err, transpose_a=True) / n   # d loss / d w
grad_b = 2.0 * tf.reduce_mean(err)                        # d loss / d b
train = tf.group(w.assign_sub(lr * grad_w),
                 b.assign_sub(lr * grad_b),
                 tf.assign_add(step, 1))
with tf.control_dependencies([train]):
    # Re-reading the weights after the update, in the same run.
    w_after = tf.identity(w)

RESULTS["names"] = {
    "global": [v.name for v in tf.global_variables()],
    "trainable": [v.name for v in tf.trainable_variables()],
    "w_op": w.op.name,
}

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    RESULTS["loss0"] = sess.run(loss)
    losses = []
    for _i in range(20):
        # `loss` does not depend on `train`'s assignments; `train` depends on the
        # same reads (through pred), so the loss is the one from before this step.
        _, l = sess.run([train, loss])
        losses.append(l)
    RESULTS["losses"] = np.array(losses)
    RESULTS["final"] = sess.run({"w": w, "b": b, "step": step, "loss": loss})
    RESULTS["w_after"] = sess.run(w_after)
    RESULTS["step_after"] = sess.run(step)
