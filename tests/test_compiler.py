"""The compiler pipeline and the Numba backend: passes, fusion, kernel reuse, disk cache."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as gf
from graphflow import subgraph
from graphflow.backends.cpu import plan as numba_cpu
from graphflow.compiler import compile_subgraph


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def compiled(fetches, fed=(), disabled=()):
    return compile_subgraph(subgraph.extract(tuple(fetches), (), frozenset(fed)), disabled)[0]


def types(program):
    return [op.type for op in program.ops]


def w1(x):
    return gf.tanh(x * 1.5 + 0.5) * gf.sigmoid(x) + 0.5 * x * x


def test_w1_chain_is_one_kernel_and_a_new_batch_size_reuses_it():
    x = gf.placeholder(gf.float32, [None])
    y = w1(x)
    with gf.Session() as sess:
        for n in (10, 1000, 7):
            xv = np.linspace(-3, 3, n).astype(np.float32)
            np.testing.assert_allclose(sess.run(y, {x: xv}), w1_numpy(xv), rtol=1e-5, atol=1e-6)
        plan = sess.plan(y, {x: xv})
        kernels = plan.kernels()
        assert len(kernels) == 1 and len(kernels[0]["ops"]) == 8
        assert len(kernels[0]["variants"]) == 1  # three batch sizes, one compiled kernel
        source = kernels[0]["variants"][0]["source"]
        assert "# Tanh 'Tanh' at " + __file__ in source
        assert len(sess._prepared) == 1


def w1_numpy(x):
    return np.tanh(x * 1.5 + 0.5) / (1 + np.exp(-x)) + 0.5 * x * x


def test_passes_fold_cse_and_simplify():
    x = gf.placeholder(gf.float32, [2, 3])
    folded = gf.reshape(x, gf.shape(x)[::-1]) * (gf.constant(2.0) * 3.0)
    assert types(compiled([folded], [x], disabled=("fuse",))).count("Shape") == 0
    twice = gf.exp(x) + gf.exp(x)
    assert types(compiled([twice], [x], disabled=("fuse",))).count("Exp") == 1
    ident = gf.transpose(gf.transpose(-(-x * 1.0) + 0.0))
    assert types(compiled([ident], [x], disabled=("fuse",))) == []  # x itself
    with gf.Session() as sess:
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        np.testing.assert_array_equal(sess.run(ident, {x: xv}), xv)
        assert sess.run(ident, {x: xv}) is not xv


def test_folding_an_op_of_several_outputs_that_has_one():
    """unstack of one row gives a one-output op whose reference returns a tuple: the fold
    keeps its one array (it made a (1, 2) constant of the (2,) output, and failed)."""
    rows = gf.unstack(gf.constant([[1.0, 2.0]]))
    assert types(compiled(rows)) == ["Const"]
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(rows), [[1.0, 2.0]])


def test_fusion_groups_are_convex_and_closed_before_outside_readers():
    x = gf.placeholder(gf.float32, [4, 3])
    e = gf.exp(x - gf.reduce_max(x, axis=1, keepdims=True))
    softmax = e / gf.reduce_sum(e, axis=1, keepdims=True)
    program = compiled([softmax], [x])
    kinds = [op.kind for op in program.ops]
    assert kinds == ["reduce", "fused", "reduce", "fused"]  # sub+exp | div
    with gf.Session() as sess, gf.Session(backend="numpy") as ref:
        xv = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
        np.testing.assert_allclose(sess.run(softmax, {x: xv}), ref.run(softmax, {x: xv}),
                                   rtol=1e-6)


def test_intermediate_buffers_are_recycled():
    x = gf.placeholder(gf.float32, [None])
    a = gf.tanh(x * 2.0)
    b = a - gf.reduce_max(a)  # a dies here: b can be written into a's buffer
    c = gf.exp(b) / gf.reduce_sum(gf.exp(b))
    with gf.Session() as sess:
        xv = np.linspace(-1, 1, 1000).astype(np.float32)
        first = sess.run(c, {x: xv})
        plan = sess.plan(c, {x: xv})
        assert plan.allocations == 1  # four kernels, each writing into its dying input
        for _ in range(3):
            again = sess.run(c, {x: xv})
            np.testing.assert_array_equal(again, first)
            assert again.flags.owndata  # the fetched result is its own array, not a copy
        # intermediates come from the pool; the traced second run took one of its own,
        # which its replay (every later run) keeps
        assert plan.allocations == 2 and plan.replays


def test_pipeline_explanation_lists_every_pass():
    x = gf.placeholder(gf.float32, [None])
    with gf.Session() as sess:
        text = sess.plan(w1(x), {x: np.ones(2, np.float32)}).explain()
    for name in ("fold", "cse", "simplify", "fuse", "kernel"):
        assert name in text


def test_a_second_process_loads_kernels_from_the_disk_cache(tmp_path):
    script = textwrap.dedent("""
        import numpy as np, graphflow as gf
        x = gf.placeholder(gf.float32, [None])
        y = gf.tanh(x * 1.25 + 0.75) * gf.sigmoid(x) - 0.25 * x * x
        with gf.Session() as sess:
            print(sess.run(y, {x: np.arange(5, dtype=np.float32)}).sum())
    """)
    env = {**os.environ, "GRAPHFLOW_CACHE_DIR": str(tmp_path), "GRAPHFLOW_LOG_COMPILES": "1"}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    assert "compiled kernel" in runs[0].stderr
    assert "compiled kernel" not in runs[1].stderr  # loaded from the cache
    assert runs[0].stdout == runs[1].stdout
    files = os.listdir(tmp_path / "kernels")
    assert any(f.endswith(".py") for f in files)
    assert oct(os.stat(tmp_path / "kernels").st_mode & 0o777) == oct(0o700)


def test_a_damaged_kernel_file_in_the_disk_cache_is_written_again(tmp_path):
    """A crash of the machine can leave a renamed file empty (its data was never synced):
    the kernel module then had no ``kernel`` and every later process failed its run until
    the user emptied the cache. A file that is not what its key says is written again."""
    script = textwrap.dedent("""
        import numpy as np, graphflow as gf
        x = gf.placeholder(gf.float32, [None])
        y = gf.tanh(x * 1.5 + 0.5) * gf.sigmoid(x) - 0.5 * x * x
        with gf.Session() as sess:
            print(sess.run(y, {x: np.arange(5, dtype=np.float32)}).sum())
    """)
    env = {**os.environ, "GRAPHFLOW_CACHE_DIR": str(tmp_path)}

    def run():
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = run()
    kernels = [p for p in (tmp_path / "kernels").iterdir() if p.suffix == ".py"]
    assert kernels
    for damage in ("", kernels[0].read_text()[:40]):  # empty, cut short
        for path in kernels:
            path.write_text(damage)
        assert run() == first
    assert [p.read_text() != "" for p in kernels] == [True] * len(kernels)


def test_kernel_falls_back_when_a_result_is_smaller_than_the_loop():
    x = gf.placeholder(gf.float32, [None, 3])
    y = gf.placeholder(gf.float32, [None, 3])
    t = gf.tanh(x)  # fetched: its own shape is (1, 3) while the group loops over (5, 3)
    z = t + y
    xv = np.ones((1, 3), np.float32)
    yv = np.arange(15, dtype=np.float32).reshape(5, 3)
    with gf.Session() as sess:
        got_t, got_z = sess.run([t, z], {x: xv, y: yv})
    np.testing.assert_allclose(got_t, np.tanh(xv), rtol=1e-6)
    np.testing.assert_allclose(got_z, np.tanh(xv) + yv, rtol=1e-6)


def test_make_callable_runs_with_feeds_in_order():
    a = gf.placeholder(gf.float32, [None])
    b = gf.placeholder(gf.float32, [])
    with gf.Session() as sess:
        f = sess.make_callable([a * b, gf.reduce_sum(a)], [a, b])
        out = f(np.array([1.0, 2.0], np.float32), 3.0)
        np.testing.assert_allclose(out[0], [3, 6])
        assert out[1] == 3.0
        with pytest.raises(gf.errors.InvalidArgumentError, match="takes 2 feed values"):
            f(np.ones(2, np.float32))


def test_a_reduction_takes_its_elementwise_prologue():
    x = gf.placeholder(gf.float32, [None, 5])
    y = gf.placeholder(gf.float32, [None, 5])
    row_loss = gf.reduce_sum(gf.square(x - y), axis=1)  # trailing axis: "rows"
    col_mean = gf.reduce_mean(gf.exp(x), axis=0, keepdims=True)  # leading axis: "cols"
    xv, yv = (np.random.default_rng(i).normal(size=(6, 5)).astype(np.float32) for i in (0, 1))
    with gf.Session() as sess, gf.Session(backend="numpy") as ref:
        for t in (row_loss, col_mean):
            plan = sess.plan(t, {x: xv, y: yv})
            got = sess.run(t, {x: xv, y: yv})
            assert [k["ops"][-1] for k in plan.kernels()] == [t.op.name]  # one kernel
            np.testing.assert_allclose(got, ref.run(t, {x: xv, y: yv}), rtol=1e-5)


def test_a_reduction_never_writes_into_the_buffer_it_reads():
    x = gf.placeholder(gf.float32, [1, 4])
    column = gf.abs(gf.transpose(x)) + 1.0  # dies inside the reduction kernel below
    m = gf.reduce_max(x / column, axis=0)
    xv = np.array([[0.5, -1, 2, -3]], np.float32)
    with gf.Session() as sess:
        np.testing.assert_allclose(sess.run(m, {x: xv}), np.max(xv / (np.abs(xv.T) + 1), 0))


# -- regressions found in review: buffers, aliasing, random streams ---------------------------

def test_in_place_output_never_overwrites_an_operand_still_read_by_row():
    x = gf.placeholder(gf.float32, [2, 3])
    a = x * 2.0
    k = a + a[0]  # a dies here, and a[0] (a view of it) is read per row
    out = gf.reshape(k, [6])
    xv = np.arange(6, dtype=np.float32).reshape(2, 3)
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {x: xv}), (xv * 2 + xv[0] * 2).ravel())


def test_a_fallback_group_does_not_free_a_buffer_its_result_aliases():
    x = gf.placeholder(gf.float32, [None])
    b = gf.placeholder(gf.float32, [None])
    a = x * 2.0
    w = gf.reduce_sum(gf.reshape(a, [-1, 1]), axis=1)
    s = gf.stop_gradient(a)
    u = s + b
    kk = gf.reshape(x * 5.0, [1, -1])
    feed = {x: np.ones(1, np.float32), b: np.zeros(3, np.float32)}
    with gf.Session() as sess, gf.Session(backend="numpy") as ref:
        for got, want in zip(sess.run([s, u, kk, w], feed), ref.run([s, u, kk, w], feed)):
            np.testing.assert_array_equal(got, want)


def test_integer_max_reduction_starts_at_the_true_minimum():
    x = gf.placeholder(gf.int32, [1, 2])
    m = gf.reduce_max(x - 1, axis=1)
    low = np.iinfo(np.int32).min
    with gf.Session() as sess:
        assert sess.run(m, {x: np.array([[low + 1, low + 1]], np.int32)}).tolist() == [low]


def test_random_streams_match_the_oracle_when_draws_are_not_fetched():
    def draws(backend):
        gf.reset_default_graph()
        r = gf.random_normal([2], seed=1)
        with gf.Session(backend=backend) as sess:
            sess.run(r.op)  # a draw that nothing fetches still advances the generator
            return sess.run(r)

    np.testing.assert_array_equal(draws("numba"), draws("numpy"))


def test_compiling_leaves_the_users_graph_alone():
    v = gf.Variable(1.0)
    before = v.consumers()
    for _ in range(3):
        with gf.Session() as sess:
            sess.run(v.initializer)
    assert v.consumers() == before


def test_a_variable_update_is_one_kernel_that_writes_the_variable():
    x = gf.placeholder(gf.float32, [None, 3])
    w = gf.Variable(np.ones((3, 2), np.float32))
    loss = gf.reduce_sum(gf.square(gf.matmul(x, w)))
    step = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xv = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(step, {x: xv})
        program = sess.plan(step, {x: xv}).program
        got = sess.run(w)
    update = [op for op in program.ops if op.type == "Fused"
              and any(m.name.endswith("update_Variable/AssignSub") for m in op.attrs["group"].body)]
    assert len(update) == 1 and [m.type for m in update[0].attrs["group"].body] == ["Mul", "Sub"]
    assert "Square" not in types(program)  # only its shape is needed for the gradient
    xw = xv @ np.ones((3, 2), np.float32)
    np.testing.assert_allclose(got, 1 - 0.1 * xv.T @ (2 * xw), rtol=1e-5)


def test_updates_of_one_variable_in_one_run_all_apply():
    c = gf.Variable(1.0)
    both = gf.group(c.assign_add(1.0), c.assign_sub(0.25), c.assign_add(2.0))
    with gf.Session() as sess:
        with pytest.raises(gf.errors.FailedPreconditionError, match="uninitialized"):
            sess.run(both)
        sess.run(c.initializer)
        sess.run(both)
        assert sess.run(c) == 3.75


@pytest.mark.parametrize("make", [
    lambda: gf.train.GradientDescentOptimizer(0.1),
    lambda: gf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    lambda: gf.train.AdamOptimizer(0.1),
    lambda: gf.train.RMSPropOptimizer(0.1, momentum=0.9, centered=True),
    lambda: gf.train.AdagradOptimizer(0.1),
], ids=["sgd", "nesterov", "adam", "rmsprop", "adagrad"])
def test_each_optimizers_update_of_a_variable_is_one_kernel(make):
    x = gf.placeholder(gf.float32, [None, 3])
    w = gf.Variable(np.ones((3, 2), np.float32), name="w")
    step = make().minimize(gf.reduce_sum(gf.square(gf.matmul(x, w))))
    xv = np.ones((4, 3), np.float32)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(step, {x: xv})
        program = sess.plan(step, {x: xv}).program
    kernels = [op for op in program.ops if op.type == "Fused"
               and any("/update_w/" in m.name for m in op.attrs["group"].body)
               and op.outputs[0].shape.as_list() == [3, 2]]
    stores = [op for op in program.ops if op.type == "Assign" and "/update_w/" in op.name]
    assert len(kernels) == 1
    assert {s.inputs[1].op for s in stores} == {kernels[0]}  # every slot and w, one kernel


def test_a_large_result_dropped_by_the_user_lends_its_memory_to_the_next_run():
    import weakref

    x = gf.placeholder(gf.float32, [None])
    y = gf.exp(x) + 1.0
    data = np.linspace(-1, 1, 1 << 19).astype(np.float32)  # 2 MiB: recycled
    with gf.Session() as sess:
        first = sess.run(y, {x: data})
        assert first.flags.writeable and not first.flags.owndata  # a view, yet fresh
        buffer = weakref.ref(first.base)
        del first
        second = sess.run(y, {x: data})
        assert second.base is buffer()  # the same memory, already mapped
        kept = second[::2]  # a view the user keeps: its memory is never reused under it
        expected = kept.copy()
        del second
        third = sess.run(y, {x: data})
        third[:] = -5
        np.testing.assert_array_equal(kept, expected)
        assert not np.shares_memory(kept, third)
        both = sess.run([y, y * 2.0], {x: data})  # live results never share memory
        assert not any(np.shares_memory(a, b) for a in both for b in (third, kept))
        assert not np.shares_memory(both[0], both[1])
        np.testing.assert_allclose(both[1], 2 * (np.exp(data) + 1), rtol=1e-6)


def test_a_deferred_store_never_moves_before_an_earlier_write_of_its_variable():
    v = gf.Variable(np.zeros(3, np.float32))
    w = gf.Variable(np.ones(3, np.float32))
    x = w * 2.0 + 1.0  # its kernel comes before the first write below
    first = v.assign(gf.constant([5.0, 5.0, 5.0]))
    with gf.control_dependencies([first]):
        second = v.assign(x)  # must run after `first`: v ends as x
    for backend in ("numpy", "numba"):
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            sess.run(second.op)
            np.testing.assert_array_equal(sess.run(v), [3.0, 3.0, 3.0])


def test_a_lone_op_on_few_elements_runs_numpy_and_compiles_nothing():
    x = gf.placeholder(gf.float32, [None])
    y = gf.exp(x)
    with gf.Session() as sess:
        small = np.linspace(-1, 1, 100).astype(np.float32)
        np.testing.assert_allclose(sess.run(y, {x: small}), np.exp(small), rtol=1e-6)
        assert not sess.plan(y, {x: small}).kernels()[0]["variants"]
        large = np.linspace(-1, 1, numba_cpu.SINGLE_OP_KERNEL_FROM).astype(np.float32)
        np.testing.assert_allclose(sess.run(y, {x: large}), np.exp(large), rtol=1e-6)
        assert sess.plan(y, {x: large}).kernels()[0]["variants"]


def test_groups_that_compute_the_same_thing_share_one_kernel():
    x = gf.placeholder(gf.float32, [None])
    a = gf.tanh(x * 2.0) + 1.0
    b = gf.tanh(gf.sqrt(gf.abs(x)) * 2.0) + 1.0
    with gf.Session() as sess:
        v = np.linspace(-1, 1, 5).astype(np.float32)
        sess.run([a, b], {x: v})
        keys = [var["cache_key"] for k in sess.plan([a, b], {x: v}).kernels()
                for var in k["variants"]]
    assert len(keys) == 2 and keys[0] != keys[1]
    with gf.Graph().as_default():  # the same group under other names: the same kernel
        x = gf.placeholder(gf.float32, [None], name="other")
        c = gf.tanh(x * 2.0, name="t") + 1.0
        with gf.Session() as sess:
            sess.run(c, {x: v})
            (kernel,) = sess.plan(c, {x: v}).kernels()
    assert kernel["variants"][0]["cache_key"] == keys[0]
    assert "'t'" in kernel["variants"][0]["source"]  # its own names in the source shown


def test_fused_divisions_keep_ieee_results_at_zero_inf_and_denormals():
    # fastmath 'arcp' let LLVM turn 1/sqrt(x) into the x86 reciprocal-square-root estimate
    # plus a Newton step: NaN at 0 and inf, -inf at denormals, and x/3 rounded as x*(1/3).
    # clip_by_global_norm of all-zero gradients (norm 0: scale 1/0 -> inf -> min -> 1)
    # then made every clipped gradient NaN on numba, and training wrote NaN variables.
    x = gf.placeholder(gf.float32, [None])
    fetches = [1.0 / gf.sqrt(x), 2.0 / gf.sqrt(x), x / 3.0, gf.sqrt(x) / x]
    v = np.resize(np.array([0.0, np.inf, 1e-40, 4.0, -0.0, 3e-39, 7.0, 1e38], np.float32),
                  numba_cpu.SINGLE_OP_KERNEL_FROM)  # x / 3 alone compiles from this size
    with gf.Session(backend="numpy") as sess:
        expected = sess.run(fetches, {x: v})
    with gf.Session(backend="numba") as sess:
        for fetch, want in zip(fetches, expected):  # one run each: each one fused kernel
            np.testing.assert_array_equal(sess.run(fetch, {x: v}), want)
            assert [k["variants"] for k in sess.plan(fetch, {x: v}).kernels()] != [[]]
    w = gf.Variable([3.0, 4.0])
    step = gf.placeholder(gf.float32, [])
    (grad,) = gf.gradients(gf.reduce_sum(w * step), [w])
    (clipped,), norm = gf.clip_by_global_norm([grad], 5.0)
    train = gf.train.GradientDescentOptimizer(0.1).apply_gradients([(clipped, w)])
    with gf.Session(backend="numba") as sess:
        sess.run(gf.global_variables_initializer())
        assert sess.run(norm, {step: 0.0}) == 0
        np.testing.assert_array_equal(sess.run(clipped, {step: 0.0}), [0.0, 0.0])
        sess.run(train, {step: 0.0})
        np.testing.assert_array_equal(sess.run(w), [3.0, 4.0])


def test_a_kernel_never_writes_in_place_over_a_reversed_view_it_reads():
    """A kernel's output may take a dying input's buffer because it reads a[i] before it
    writes out[i]; a reversed view of that buffer is read a[n-1-i], so it may not (found by
    test_random_graphs: exp, reverse, exp, matmul gave wrong numbers)."""
    x = gf.placeholder(gf.float32, [3, 1])
    y = gf.exp(gf.exp(x * 0.5)[::-1] * 0.5)  # the reversed view dies in this kernel
    z = gf.matmul(y, y, transpose_b=True)
    v = np.array([[0.5], [1.0], [2.0]], np.float32)
    want = np.exp(np.exp(v * 0.5)[::-1] * 0.5)
    with gf.Session() as sess:
        for _ in range(3):  # dynamic, traced, replayed
            np.testing.assert_allclose(sess.run(z, {x: v}), want @ want.T, rtol=1e-5)
