"""TF1 control flow (``tests/test_tf1_control_flow.py``): ``cond``, ``case``, ``while_loop``,
``TensorArray``, ``map_fn``, ``scan``, ``foldl``/``foldr``, with gradients and op names.

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` (graph mode, control flow v1) in ``make_control_flow_expected.py``,
graphflow in the test. Inputs come from a fixed ``RandomState`` and are float64, so the
comparison can be tight. Graph-building errors are recorded by ``error_record``.
"""

import collections

import numpy as np

State = collections.namedtuple("State", "step value")


def error_record(exc):
    """What a test compares of an exception: the Python exception class it is (the first
    builtin class of its MRO, so a framework's subclass of ValueError reads ValueError) and
    its message (the test looks for the first line of TF1's in it)."""
    builtin = next(c for c in type(exc).__mro__ if c.__module__ == "builtins")
    return {"__error__": builtin.__name__, "message": str(exc)}


def shape_of(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def compute(tf):
    """Every value the program fetches, by name (plus op names, static shapes, errors)."""
    rng = np.random.RandomState(0)
    x_val = rng.uniform(0.5, 1.5, 3)
    w_val = rng.uniform(-1.0, 1.0, 3)
    seq_val = rng.randn(4, 3)
    mat_val = rng.randn(5, 2)
    f64 = tf.float64
    out, names, fetches = {}, {}, {}

    x = tf.placeholder(f64, [3], name="x")
    pred = tf.placeholder(tf.bool, [], name="pred")
    n = tf.placeholder(tf.int32, [], name="n")
    s = tf.placeholder(f64, [], name="s")
    seq = tf.placeholder(f64, [4, 3], name="seq")
    mat = tf.placeholder(f64, [5, 2], name="mat")
    w = tf.Variable(w_val, name="w")
    v = tf.Variable(0.5, dtype=f64, name="v")
    counter = tf.Variable(0.0, dtype=f64, name="counter")

    # -- cond: values, names, nested outputs, gradients through both branches -------------
    inside = []

    def true_fn():
        inside.append(tf.square(x, name="sq"))
        return inside[-1] * w

    def false_fn():
        inside.append(tf.sin(x))
        return inside[-1] + w

    c = tf.cond(pred, true_fn, false_fn)
    names["cond"] = [c.name] + [t.name for t in inside]
    fetches["cond"] = c
    fetches["cond_grad"] = tf.gradients(tf.reduce_sum(c * c), [x, w])

    pair = tf.cond(pred, lambda: (x * 2.0, {"a": x + 1.0, "b": tf.reduce_sum(x)}),
                   lambda: (x * 3.0, {"a": x - 1.0, "b": tf.reduce_prod(x)}), name="nested")
    out["nested_structure"] = [type(pair).__name__, type(pair[1]).__name__, sorted(pair[1])]
    names["nested"] = [pair[0].name, pair[1]["a"].name, pair[1]["b"].name]
    out["nested_shapes"] = [shape_of(pair[0]), shape_of(pair[1]["b"])]
    fetches["nested"] = [pair[0], pair[1]["a"], pair[1]["b"]]
    fetches["nested_grad"] = tf.gradients(pair[0][0] + pair[1]["a"][1] * pair[1]["b"], x)

    single = tf.cond(pred, lambda: [x + 1.0], lambda: [x - 1.0])  # strict=False unpacks
    out["singleton_list_is_tensor"] = isinstance(single, tf.Tensor)

    def bump():
        return counter.assign_add(tf.reduce_sum(x))

    bumped = tf.cond(pred, bump, lambda: tf.identity(counter.read_value()))
    fetches["bumped"] = bumped

    const_pred = tf.cond(tf.constant(True), lambda: x * 5.0, lambda: x * 7.0)
    names["const_pred"] = const_pred.name
    fetches["const_pred"] = const_pred

    branch = tf.case([(s > 1.0, lambda: s * s), (s < -1.0, lambda: -s * 3.0)],
                     default=lambda: tf.sin(s))
    names["case"] = branch.name
    fetches["case"] = [branch, tf.gradients(branch, s)[0]]

    # -- while_loop -----------------------------------------------------------------------
    loop_ops = []

    def sum_body(i, acc):
        loop_ops.append(x * tf.cast(i, f64))
        return i + 1, acc + loop_ops[-1]

    i_end, total = tf.while_loop(lambda i, acc: i < n, sum_body,
                                 [tf.constant(0), tf.zeros([3], f64)])
    names["while_sum"] = [i_end.name, total.name, loop_ops[0].name]
    out["while_counter_dtype"] = i_end.dtype.name
    fetches["while_sum"] = [i_end, total, tf.gradients(tf.reduce_sum(total * total), x)[0]]

    _, power = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x + v),
                             [0, tf.ones([3], f64)])
    fetches["while_power"] = [power] + tf.gradients(tf.reduce_sum(power), [x, v])

    steps, capped = tf.while_loop(lambda i, a: i < 100, lambda i, a: (i + 1, a * 0.5 + x),
                                  (0, x), maximum_iterations=3)
    fetches["while_capped"] = [steps, capped, tf.gradients(tf.reduce_sum(capped), x)[0]]

    def outer_body(i, acc):
        _, inner = tf.while_loop(lambda j, a: j < i + 1, lambda j, a: (j + 1, tf.sin(a * x)),
                                 [0, acc])
        return i + 1, inner + acc

    _, nested_loop = tf.while_loop(lambda i, acc: i < 3, outer_body, [0, x])
    fetches["while_nested"] = [nested_loop, tf.gradients(tf.reduce_sum(nested_loop), x)[0]]

    alone = tf.while_loop(lambda a: tf.reduce_sum(a) < 10.0, lambda a: [a * 2.0], [x])
    out["single_loop_var_is_tensor"] = isinstance(alone, tf.Tensor)
    fetches["while_single"] = alone

    state = tf.while_loop(lambda step, value: step < 3,
                          lambda step, value: State(step + 1, value * x + 1.0),
                          State(tf.constant(0), tf.ones([3], f64)))
    out["namedtuple_type"] = type(state).__name__
    fetches["while_namedtuple"] = [state.step, state.value,
                                   tf.gradients(tf.reduce_sum(state.value), x)[0]]
    pair_loop = tf.while_loop(lambda i, ab: i < 2, lambda i, ab: (i + 1, (ab[1], ab[0] * x)),
                              (0, (x, w)))
    out["tuple_loop_type"] = [type(pair_loop).__name__, type(pair_loop[1]).__name__]
    fetches["while_tuple"] = [pair_loop[1][0], pair_loop[1][1]]

    start = tf.reshape(x[:2], [1, 2])
    _, grown = tf.while_loop(lambda i, g: i < 3, lambda i, g: (i + 1, tf.concat([g, g * 2.0], 0)),
                             [0, start], shape_invariants=[tf.TensorShape([]),
                                                           tf.TensorShape([None, 2])])
    out["grown_shape"] = shape_of(grown)
    fetches["while_grown"] = [grown, tf.gradients(tf.reduce_sum(grown), x)[0]]

    loop_in_cond = tf.cond(pred, lambda: tf.while_loop(lambda i, a: i < n,
                                                       lambda i, a: (i + 1, a * x), [0, x])[1],
                           lambda: x * 2.0)
    fetches["loop_in_cond"] = [loop_in_cond, tf.gradients(tf.reduce_sum(loop_in_cond), x)[0]]

    def alternating(i, a):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: a * x, lambda: a + w)

    _, cond_in_loop = tf.while_loop(lambda i, a: i < n, alternating, [0, x])
    fetches["cond_in_loop"] = [cond_in_loop] + tf.gradients(tf.reduce_sum(cond_in_loop), [x, w])

    # -- TensorArray ---------------------------------------------------------------------
    def write_body(i, ta):
        return i + 1, ta.write(i, x * tf.cast(i + 1, f64))

    _, written = tf.while_loop(lambda i, ta: i < n, write_body,
                               [0, tf.TensorArray(f64, size=n)])
    stacked = written.stack()
    fetches["ta_write_stack"] = [stacked, written.size(),
                                 tf.gradients(tf.reduce_sum(stacked * stacked), x)[0]]

    grown_ta = tf.while_loop(lambda i, ta: i < n, write_body,
                             [0, tf.TensorArray(f64, size=0, dynamic_size=True)])[1]
    fetches["ta_dynamic"] = [grown_ta.stack(), grown_ta.size()]

    rows = tf.TensorArray(f64, size=4).unstack(seq)

    def read_body(i, acc):
        return i + 1, acc + rows.read(i) * w

    _, read_sum = tf.while_loop(lambda i, acc: i < 4, read_body, [0, tf.zeros([3], f64)])
    fetches["ta_unstack_read"] = [read_sum] + tf.gradients(tf.reduce_sum(read_sum ** 2),
                                                           [seq, w])

    # (a second array: TF1's default clear_after_read forbids reading an index twice)
    picked = tf.TensorArray(f64, size=4).unstack(seq).gather([0, 2])
    fetches["ta_gather"] = [picked, tf.gradients(tf.reduce_sum(picked * picked), seq)[0]]
    scattered = tf.TensorArray(f64, size=4).scatter([1, 3, 0, 2], seq * 2.0)
    spread = scattered.stack()
    fetches["ta_scatter"] = [spread, scattered.size(),
                             tf.gradients(tf.reduce_sum(spread[0] * spread[1]), seq)[0]]

    # -- map_fn, scan, foldl, foldr -------------------------------------------------------
    mapped = tf.map_fn(lambda r: tf.reduce_sum(r * r) * v, mat)
    both = tf.map_fn(lambda r: (r * 2.0, tf.reduce_max(r)), mat, dtype=(f64, f64))
    names["map_fn"] = [mapped.name, both[0].name]
    fetches["map_fn"] = [mapped, both[0], both[1]] + tf.gradients(
        tf.reduce_sum(mapped) + tf.reduce_sum(both[1]), [mat, v])

    running = tf.scan(lambda a, e: a * 0.5 + e, mat, initializer=tf.ones([2], f64))
    plain = tf.scan(lambda a, e: a * e, mat)
    multi = tf.scan(lambda a, e: (a[0] + e[0] * e[1], a[1] * v + e[0]),
                    (mat, mat * 3.0), initializer=(tf.zeros([2], f64), tf.ones([2], f64)))
    names["scan"] = [running.name, multi[0].name]
    fetches["scan"] = [running, plain, multi[0], multi[1]] + tf.gradients(
        tf.reduce_sum(running ** 2) + tf.reduce_sum(plain) + tf.reduce_sum(multi[1]), [mat, v])

    left = tf.foldl(lambda a, e: a * e + 1.0, mat, initializer=tf.ones([2], f64))
    right = tf.foldr(lambda a, e: a * e + 1.0, mat, initializer=tf.ones([2], f64))
    left_plain = tf.foldl(lambda a, e: a + e * e, mat)
    names["fold"] = [left.name, right.name]
    fetches["fold"] = [left, right, left_plain,
                       tf.gradients(tf.reduce_sum(left), mat)[0],
                       tf.gradients(tf.reduce_sum(right), mat)[0],
                       tf.gradients(tf.reduce_sum(left_plain), mat)[0]]

    # -- runs -------------------------------------------------------------------------------
    feed = {x: x_val, seq: seq_val, mat: mat_val, s: 2.0}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for flag in (True, False):
            for count in (3, 5):
                key = f"pred_{flag}_n_{count}".lower()
                out[key] = sess.run(fetches, {**feed, pred: flag, n: count})
        out["counter_after_runs"] = sess.run(counter)  # bumped by each run with pred True
        out["case"] = [sess.run(fetches["case"], {s: value}) for value in (2.0, -2.0, 0.3)]
    out["names"] = names
    out["errors"] = errors(tf)
    out["static"] = static_facts(tf)
    return out


def errors(tf):
    """Graph-building errors TF1 raises, each in a graph of its own."""
    found = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3], name="x")
        try:
            tf.cond(True, lambda: x, lambda: x * 2.0)
        except Exception as exc:  # noqa: BLE001 - the record is the point
            found["cond_python_bool"] = error_record(exc)
        try:
            tf.while_loop(lambda i, g: i < 3, lambda i, g: (i + 1, tf.concat([g, g], 0)),
                          [0, tf.reshape(x, [1, 3])])
        except Exception as exc:  # noqa: BLE001
            found["shape_invariant"] = error_record(exc)
        try:
            tf.cond(tf.constant(True), lambda: x, lambda: (x, x))
        except Exception as exc:  # noqa: BLE001
            found["cond_structure"] = error_record(exc)
        try:
            tf.cond(tf.constant(True), lambda: x, lambda: tf.cast(x, tf.float32))
        except Exception as exc:  # noqa: BLE001
            found["cond_dtypes"] = error_record(exc)
        try:
            tf.while_loop(lambda i, g: i < 3, lambda i, g: (i + 1, g), [0, tf.reshape(x, [1, 3])],
                          shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 2])])
        except Exception as exc:  # noqa: BLE001
            found["invariant_incompatible"] = error_record(exc)
    return found


def static_facts(tf):
    """What TF1 knows at graph-building time: the static shape of a cond whose branches
    differ, and no gradient through a loop built with back_prop=False."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3], name="x")
        pred = tf.placeholder(tf.bool, [], name="pred")
        rows = tf.cond(pred, lambda: tf.zeros([2, 3]), lambda: tf.zeros([4, 3]))
        ranks = tf.cond(pred, lambda: tf.zeros([2, 3]), lambda: tf.zeros([4]))
        _, frozen = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x],
                                  back_prop=False)
        return {"merged_rows": shape_of(rows), "merged_ranks": shape_of(ranks),
                "back_prop_false_grad": tf.gradients(tf.reduce_sum(frozen), x)}
