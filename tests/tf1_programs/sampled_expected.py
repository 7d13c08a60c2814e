"""TF1 numbers for ``nn.embedding_lookup``, ``nn.compute_accidental_hits``, ``nn.nce_loss``,
``nn.sampled_softmax_loss`` and the candidate samplers' expected counts
(``tests/test_sampled.py``).

``compute(tf, known)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script, graphflow in the test (also
with ``known=False``: every input a placeholder with ``None`` dims, fed the same values).
Inputs are fixed formulas and the losses get explicit ``sampled_values``, so both sides
compute from the same numbers. Gradients of each lookup and loss with respect to weights
(every shard), biases and inputs are fetched too, converted to dense tensors (TF1's are
``IndexedSlices``).

``draws(tf)`` runs TF1's unique samplers, whose classes graphflow cannot reproduce (its bits
differ): the test checks graphflow's expected-count formula against the counts TF1 gave.

Usage, with a Python that has TensorFlow installed::

    python tests/tf1_programs/sampled_expected.py > /tmp/tf1_sampled.txt
"""

import numpy as np


def _values(shape, mult, mod, scale=3.0, dtype=np.float32):
    """Deterministic values in about [-scale/2, scale/2]."""
    k = np.arange(int(np.prod(shape)))
    v = (k * mult % mod) - mod // 2
    return (v / (mod / scale)).reshape(shape).astype(dtype)


def _input(tf, value, known, feeds):
    """A constant, or (known=False) a placeholder with None dims fed ``value``."""
    value = np.asarray(value)
    if known:
        return tf.constant(value)
    ph = tf.placeholder(tf.as_dtype(value.dtype), [None] * value.ndim)
    feeds[ph] = value
    return ph


def compute(tf, known=True):
    """Every value the program fetches, by name."""
    out, feeds = {}, {}

    def inp(value):
        return _input(tf, value, known, feeds)

    def grads(prefix, y, xs, names):
        for n, g in zip(names, tf.gradients(y, xs)):
            out[f"{prefix}/d{n}"] = tf.convert_to_tensor(g)

    # -- embedding_lookup: one table, and 7 rows in 3 uneven shards (3, 2, 2) --------------
    table = _values((7, 3), 5, 11)
    params = inp(table)
    ids2 = inp(np.array([[0, 6], [3, 3], [5, 1]], np.int32))
    out["emb/single"] = tf.nn.embedding_lookup(params, ids2)
    out["emb/single_max_norm"] = tf.nn.embedding_lookup(params, ids2, max_norm=1.5)
    weight = tf.constant(_values((3, 2, 3), 3, 7))
    grads("emb/single_max_norm", tf.reduce_sum(out["emb/single_max_norm"] * weight),
          [params], ["params"])
    ids3 = inp(np.array([[[6, 0], [2, 5]], [[1, 1], [4, 3]]], np.int64))
    for strategy in ("mod", "div"):
        if strategy == "mod":  # row r of shard p is id r * 3 + p
            rows = [table[p::3] for p in range(3)]
        else:  # contiguous blocks
            rows = [table[0:3], table[3:5], table[5:7]]
        shards = [inp(r) for r in rows]
        name = f"emb/{strategy}"
        out[name] = tf.nn.embedding_lookup(shards, ids2, partition_strategy=strategy)
        out[name + "_ids3"] = tf.nn.embedding_lookup(shards, ids3, partition_strategy=strategy)
        out[name + "_scalar"] = tf.nn.embedding_lookup(shards, tf.constant(4),
                                                       partition_strategy=strategy)
        clipped = tf.nn.embedding_lookup(shards, ids2, partition_strategy=strategy,
                                         max_norm=1.2)
        out[name + "_max_norm"] = clipped
        grads(name + "_max_norm", tf.reduce_sum(clipped * weight), shards,
              ["shard0", "shard1", "shard2"])
        grads(name, tf.reduce_sum(out[name + "_ids3"] * tf.constant(_values((2, 2, 2, 3), 2, 5))),
              shards, ["shard0", "shard1", "shard2"])

    # -- accidental hits: a true class twice in a row, a sampled class twice ---------------
    true2 = inp(np.array([[5, 5], [1, 2], [0, 9], [7, 3]], np.int64))
    sampled = inp(np.array([5, 2, 5, 7, 0, 8], np.int64))
    hits = tf.nn.compute_accidental_hits(true2, sampled, num_true=2)
    out["hits/indices"], out["hits/ids"], out["hits/weights"] = hits

    # -- the sampled losses with explicit sampled_values ----------------------------------
    for dt in (np.float32, np.float64):
        suffix = "" if dt == np.float32 else "_f64"
        w_value = _values((10, 4), 7, 13, dtype=dt)
        weights, biases = inp(w_value), inp(_values((10,), 3, 7, 1.0, dt))
        inputs = inp(_values((4, 4), 5, 9, dtype=dt))
        counts = {1: inp((np.arange(4, dtype=dt).reshape(4, 1) + 1) / 5),
                  2: inp((np.arange(8, dtype=dt).reshape(4, 2) + 2) / 9)}
        sampled_values = {t: (sampled, counts[t], inp((np.arange(6, dtype=dt) + 1) / 7))
                          for t in (1, 2)}
        labels = {1: inp(np.array([[5], [2], [9], [0]], np.int32)), 2: true2}
        mod_shards = [inp(w_value[p::3]) for p in range(3)]  # 4, 3, 3 rows
        c = tf.constant(_values((4,), 3, 5, dtype=dt) + 2)
        for loss_name, loss_fn in (("nce", tf.nn.nce_loss),
                                   ("ssm", tf.nn.sampled_softmax_loss)):
            for num_true in (1, 2):
                for remove in (False, True):
                    name = f"{loss_name}/t{num_true}_{'remove' if remove else 'keep'}{suffix}"
                    loss = loss_fn(weights, biases, labels[num_true], inputs, 6, 10,
                                   num_true=num_true, sampled_values=sampled_values[num_true],
                                   remove_accidental_hits=remove)
                    out[name] = loss
                    grads(name, tf.reduce_sum(loss * c), [weights, biases, inputs],
                          ["weights", "biases", "inputs"])
            name = f"{loss_name}/mod_shards{suffix}"
            loss = loss_fn(mod_shards, biases, labels[2], inputs, 6, 10, num_true=2,
                           sampled_values=sampled_values[2], remove_accidental_hits=True)
            out[name] = loss
            grads(name, tf.reduce_sum(loss * c), mod_shards + [biases, inputs],
                  ["shard0", "shard1", "shard2", "biases", "inputs"])
            div_shards = [inp(w_value[a:b]) for a, b in ((0, 4), (4, 7), (7, 10))]
            name = f"{loss_name}/div_shards{suffix}"
            loss = loss_fn(div_shards, biases, labels[1], inputs, 6, 10,
                           sampled_values=sampled_values[1], partition_strategy="div")
            out[name] = loss
            grads(name, tf.reduce_sum(loss * c), div_shards, ["shard0", "shard1", "shard2"])

    # -- the samplers' expected counts of the true classes: p * num_sampled without unique --
    for sampler in ("log_uniform", "uniform"):
        fn = getattr(tf.nn, f"{sampler}_candidate_sampler")
        result = fn(true2, 2, 5, False, 10, seed=3)
        out[f"sampler/{sampler}_true_count"] = result[1]

    names = sorted(out)
    with tf.Session() as sess:
        values = sess.run([out[n] for n in names], feeds)
    return dict(zip(names, values))


DRAWS = [("log_uniform", 8, 20), ("log_uniform", 12, 15), ("uniform", 8, 12),
         ("uniform", 9, 10)]


def draws(tf, runs=4):
    """TF1's unique samplers, ``runs`` draws each: name -> [classes, true counts, counts]."""
    true = tf.constant(np.array([[0, 3], [7, 1], [9, 2]], np.int64))
    samplers = {}
    for sampler, num_sampled, range_max in DRAWS:
        fn = getattr(tf.nn, f"{sampler}_candidate_sampler")
        samplers[f"{sampler}_{num_sampled}_of_{range_max}"] = fn(
            true, 2, num_sampled, True, range_max, seed=11)
    results = {}
    with tf.Session() as sess:
        for run in range(runs):
            for name, value in sess.run(samplers).items():
                for part, v in zip(("classes", "true", "sampled"), value):
                    results[f"{name}/{run}/{part}"] = v
    return results


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    print_expected("sampled_expected.py", tf.__version__, compute(tf), digits=17)
    tf.reset_default_graph()
    print()
    print_expected("sampled_expected.py", tf.__version__, draws(tf), variable="TF1_DRAWS")


if __name__ == "__main__":
    main()
