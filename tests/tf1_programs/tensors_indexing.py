import numpy as np

import graphflow as tf

# A tour of tensor creation, dtype rules, indexing and shape manipulation.
# Everything is built first, then evaluated in one sess.run at the end.
t = {}

# --- Constants and dtype rules --------------------------------------------
t["c_float_list"] = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # float32
t["c_int_list"] = tf.constant([[1, 2, 3], [4, 5, 6]])                # int32
t["c_np_f64"] = tf.constant(np.array([0.5, 1.5, 2.5]))              # stays float64
t["c_np_i64"] = tf.constant(np.arange(4, dtype=np.int64))           # stays int64
t["c_scalar"] = tf.constant(3.0)                                      # 0-d float32
t["c_dtype_arg"] = tf.constant([1, 2], dtype=tf.float32)            # ints -> float32

# --- Filled tensors ----------------------------------------------------------
t["zeros"] = tf.zeros([2, 3])
t["ones_int"] = tf.ones([2, 2], dtype=tf.int32)
t["fill"] = tf.fill([2, 3], 7.0)
t["range"] = tf.range(10)
t["range_step"] = tf.range(1, 10, 3)
t["range_float"] = tf.range(0.0, 1.0, 0.25)
t["eye"] = tf.eye(3)
t["zeros_like"] = tf.zeros_like(t["c_int_list"])
t["ones_like"] = tf.ones_like(t["c_float_list"])

# --- __getitem__ ---------------------------------------------------------------
a = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
t["a"] = a
t["idx_int"] = a[1]                    # shape [3, 4]
t["idx_neg"] = a[-1, -2]               # shape [4]
t["idx_scalar"] = a[0, 1, 2]           # 0-d
t["idx_slice_step"] = a[:, ::2, 1::2]  # steps
t["idx_reverse"] = a[0, ::-1, :]       # negative step reverses
t["idx_ellipsis"] = a[..., 0]          # last-axis pick
t["idx_newaxis"] = a[:, tf.newaxis, 0, :]
t["idx_tensor"] = a[tf.constant(1)]    # int tensor as first-axis index

# --- Joining and splitting ------------------------------------------------------
m = t["c_float_list"]
t["concat0"] = tf.concat([m, m * 10.0], axis=0)
t["concat1"] = tf.concat([m, m + 100.0], 1)
t["stack0"] = tf.stack([m, -m])
t["stack1"] = tf.stack([m, -m], axis=1)
s1, s2, s3 = tf.split(tf.range(12), 3)
t["split_even"] = [s1, s2, s3]
t["split_sizes"] = tf.split(a, [1, 3], axis=2)
t["unstack"] = tf.unstack(m, axis=1)

# --- Matrix product vs elementwise product ---------------------------------------
sq = tf.constant([[1.0, 2.0], [3.0, 4.0]])
t["matmul"] = tf.matmul(sq, sq)
t["elementwise"] = sq * sq
t["matmul_op"] = sq @ tf.transpose(sq)
t["transpose"] = tf.transpose(a, perm=[2, 0, 1])
t["reshape"] = tf.reshape(a, [-1, 6])
t["reshape_flat"] = tf.reshape(a, [-1])

# --- Reductions -----------------------------------------------------------------------
t["sum_all"] = tf.reduce_sum(a)
t["sum_axis0"] = tf.reduce_sum(a, axis=0)
t["sum_keep"] = tf.reduce_sum(a, axis=[0, 2], keepdims=True)
t["mean_axis1"] = tf.reduce_mean(a, axis=1)
t["mean_int"] = tf.reduce_mean(t["c_int_list"], axis=0)  # integer mean truncates
t["max_neg_axis"] = tf.reduce_max(a, axis=-1)
t["argmax"] = tf.argmax(tf.constant([[1.0, 9.0, 3.0], [7.0, 2.0, 7.0]]), axis=1)

# --- Gather / one_hot / tile / pad ------------------------------------------------------
t["gather"] = tf.gather(m, [1, 0, 1])
t["gather_axis1"] = tf.gather(m, tf.constant([2, 0]), axis=1)
t["one_hot"] = tf.one_hot([0, 2, 1], depth=3)
t["one_hot_vals"] = tf.one_hot(tf.constant([1, 0]), 4, on_value=5.0, off_value=-1.0)
t["tile"] = tf.tile(tf.constant([[1, 2]]), [2, 3])
t["pad"] = tf.pad(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 2]])

# --- Cast / where / shape ---------------------------------------------------------------
t["cast_trunc"] = tf.cast(tf.constant([1.7, -1.7, 2.5]), tf.int32)  # truncates to 0
t["cast_bool"] = tf.cast(tf.constant([0.0, 2.0]), tf.bool)
t["where"] = tf.where(m > 3.0, m, -m)
t["shape"] = tf.shape(a)
t["int_div"] = tf.constant([7, -7]) // 2     # floor division on ints
t["int_truediv"] = tf.constant([7, -7]) / 2  # "/" on int32 gives float64!
t["int_mod"] = tf.constant([7, -7]) % 3      # Python-style sign

# Static shapes and dtype names are known before running the graph.
STATIC = {}
for key, value in t.items():
    if isinstance(value, list):
        STATIC[key] = [[v.shape.as_list(), v.dtype.name] for v in value]
    else:
        STATIC[key] = [value.shape.as_list(), value.dtype.name]

# A placeholder with unknown dimensions has a partially known static shape.
p = tf.placeholder(tf.float32, shape=[None, 3])
STATIC["placeholder"] = p.shape.as_list()
STATIC["placeholder_row"] = p[0].shape.as_list()
STATIC["placeholder_sum"] = tf.reduce_sum(p, axis=1, keepdims=True).shape.as_list()

with tf.Session() as sess:
    values = sess.run(t)
    dyn_shape = sess.run(tf.shape(p), feed_dict={p: np.zeros((5, 3))})

RESULTS = dict(values)
RESULTS["static"] = STATIC
RESULTS["dyn_shape"] = dyn_shape
