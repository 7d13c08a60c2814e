import numpy as np

import graphflow as tf

# tf.gradients: symbolic derivatives that are themselves part of the graph.
# Each section builds its gradients into the dict `g`; one sess.run at the end.
g = {}

# --- (a) The tutorial example: a scalar function of two variables ----------------
a = tf.Variable(2.0, name="a")
b = tf.Variable(3.0, name="b")
y = a**2 * b + tf.exp(a * b) + a / b - tf.sqrt(b)   # a and b are each used 4 times
g["y"] = y
g["dy_dab"] = tf.gradients(y, [a, b])               # a list, one gradient per x
g["dy_da_alone"] = tf.gradients(y, a)               # a single x still gives a list

# --- (b) A non-scalar y: tf.gradients differentiates sum(y) ------------------------
x = tf.constant([1.0, 2.0, 3.0])
sq = x * x
g["sum_semantics"] = tf.gradients(sq, x)                        # 2x
g["two_ys"] = tf.gradients([sq, tf.sin(x)], x)                  # sum over the ys too
g["grad_ys"] = tf.gradients(sq, x, grad_ys=tf.constant([1.0, 0.0, -2.0]))
g["grad_ys_list"] = tf.gradients([sq, 3.0 * x], x, grad_ys=[x, tf.ones_like(x)])
h = tf.exp(x)
g["wrt_intermediate"] = tf.gradients(tf.reduce_sum(h * h), h)  # x needn't be a variable

# --- (c) Stopping gradients ------------------------------------------------------------
g["stop_gradient"] = tf.gradients(x * tf.stop_gradient(x), x)   # just x, not 2x
c0 = tf.constant(0.0)
c1 = 2.0 * c0
# stop_gradients= treats the listed tensors as constants: each total gradient is 1.
g["stop_gradients_arg"] = tf.gradients(c0 + c1, [c0, c1], stop_gradients=[c0, c1])
g["no_stop"] = tf.gradients(c0 + c1, [c0, c1])                  # [3, 1]

# --- (d) Unconnected and non-differentiable paths ----------------------------------
unused = tf.Variable([1.0, 2.0], name="unused")
g_none = tf.gradients(y, [a, unused])                          # [tensor, None]
g["zero_mode"] = tf.gradients(y, [a, unused], unconnected_gradients="zero")
ints = tf.constant([1, 2, 3])
g_int = tf.gradients(tf.cast(ints, tf.float32) * 2.0, ints)    # integers get None
g_argmax = tf.gradients(tf.cast(tf.argmax(x), tf.float32), x)  # argmax has no gradient

# --- (e) Broadcasting and bias_add ----------------------------------------------------------
col = tf.constant([[1.0], [2.0], [3.0]])          # shape [3, 1]
row = tf.constant([0.5, -1.0, 2.0, 4.0])          # shape [4]
prod = col * row + col                            # shape [3, 4]
g["broadcast"] = tf.gradients(prod, [col, row])   # shapes [3, 1] and [4]
m = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
bias = tf.constant([0.1, 0.2, 0.3])
ba = tf.nn.bias_add(m, bias)
g["bias_add"] = tf.gradients(ba * ba, [m, bias])
p = tf.placeholder(tf.float32, shape=[None, 3])   # unknown batch size
gp = tf.gradients(tf.reduce_sum((p + bias) * m[0]), [p, bias])
STATIC = {k: [t.shape.as_list() for t in v] for k, v in
          [("dy_dab", g["dy_dab"]), ("broadcast", g["broadcast"]), ("placeholder", gp)]}

# --- (f) Reductions (with keepdims) and gather ---------------------------------------------
r = tf.constant([[1.0, 5.0, 5.0], [2.0, -1.0, 0.0]])
w = tf.constant([[1.0], [10.0]])                  # weights each row differently
g["reduce_sum_keep"] = tf.gradients(tf.reduce_sum(r, axis=1, keepdims=True) * w, r)
g["reduce_mean_keep"] = tf.gradients(tf.reduce_mean(r, axis=0, keepdims=True) * r, r)
g["reduce_max_keep"] = tf.gradients(tf.reduce_max(r, axis=1, keepdims=True) * w, r)  # a tie
g["reduce_max_all"] = tf.gradients(tf.reduce_max(r), r)
params = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], name="params")
picked = tf.gather(params, [2, 0, 2])             # row 2 is picked twice
gather_grad = tf.gradients(picked * tf.constant([[1.0], [2.0], [3.0]]), params)[0]
# TF returns gather gradients as IndexedSlices; convert_to_tensor makes them dense.
g["gather"] = tf.convert_to_tensor(gather_grad)
g["gather_axis1"] = tf.convert_to_tensor(
    tf.gradients(tf.gather(params, [1, 1], axis=1), params)[0])
g["maximum_tie"] = tf.gradients(tf.maximum(x, tf.constant([1.0, 5.0, 3.0])), x)
g["relu_at_zero"] = tf.gradients(tf.nn.relu(x - 2.0), x)      # relu'(0) is 0
g["relu6_edges"] = tf.gradients(tf.nn.relu6(3.0 * x - 3.0), x)  # 0 at both 0 and 6
g["abs_where"] = tf.gradients(tf.abs(x - 2.0) + tf.where(x > 1.5, x * x, -x), x)
m = tf.constant([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])
weights = tf.constant(np.arange(1.0, 43.0, dtype=np.float32).reshape(6, 7))
for mode, pads in (("REFLECT", [[1, 2], [3, 0]]), ("SYMMETRIC", [[2, 1], [1, 2]])):
    g["pad_" + mode.lower()] = tf.gradients(tf.reduce_sum(tf.pad(m, pads, mode) * weights), m)
# the cross-entropies' gradients are TF1's fused ops': (softmax - labels) * g, whatever the
# labels sum to; a -inf logit outside the label's class leaves the sparse loss finite
logits3 = tf.constant([[1.0, 2.0, 0.5], [0.5, -1.0, 2.0]])
unnormalized = tf.constant([[0.5, 0.7, 0.3], [0.0, 0.0, 0.0]])
g["xent_unnormalized_labels"] = tf.gradients(
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=unnormalized, logits=logits3),
    [logits3, unnormalized])
masked = tf.constant(np.array([[1.0, -np.inf, 0.0], [2.0, 0.5, -np.inf]], np.float32))
g["sparse_xent_masked"] = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1],
                                                                         logits=masked)
batched = tf.constant(np.arange(24.0, dtype=np.float32).reshape(2, 3, 4))
picked = tf.gather(batched, [[3, 0, 3], [1, 1, 2]], axis=2, batch_dims=1)
g["gather_batch_dims"] = picked
g["gather_batch_dims_grad"] = tf.gradients(tf.reduce_sum(picked * picked), batched)

# --- (g) Second order: gradients of gradients ---------------------------------------------
v = tf.Variable(2.0, name="v")
d1 = tf.gradients(v**3, v)[0]          # 3 v^2 = 12
d2 = tf.gradients(d1, v)[0]            # 6 v   = 12
d3 = tf.gradients(d2, v)[0]            # 6
g["higher_order"] = [d1, d2, d3]
A = tf.constant([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [1.0, 0.0, 4.0]])
wv = tf.Variable([[1.0], [-2.0], [0.5]], name="wv")
f = 0.5 * tf.reduce_sum(wv * tf.matmul(A, wv)) + tf.reduce_sum(tf.sin(wv))
grad_f = tf.gradients(f, wv)[0]                     # (A + A^T)/2 w + cos(w)
vec = tf.constant([[1.0], [0.0], [2.0]])
# Hessian-vector product, two ways: d(grad . vec)/dw, or grad_ys=vec.
g["hvp_dot"] = tf.gradients(tf.reduce_sum(grad_f * vec), wv)
g["hvp_grad_ys"] = tf.gradients(grad_f, wv, grad_ys=vec)
g["grad_f"] = grad_f

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    RESULTS = sess.run(g)
    RESULTS["placeholder_grads"] = sess.run(gp, {p: np.ones((2, 3), np.float32)})
RESULTS["none"] = [g_none[1], g_int, g_argmax]      # None is recorded as None
RESULTS["static"] = STATIC
