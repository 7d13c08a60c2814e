"""A run that fails on bad values (an index out of range, caught when run) must not cost
the later good runs their replay (backends/cpu/replay.py): the replay was not at fault.
A replay that is wrong for some values (a value-dependent shape) is still dropped."""

import numpy as np
import pytest

import graphflow as gf


def _replays(sess, fetches, feed):
    return dict(sess.plan(fetches, feed).replays)


def test_a_run_failed_by_bad_values_keeps_the_replay_a_wrong_replay_is_dropped():
    with gf.Graph().as_default():
        table = gf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
        idx = gf.placeholder(gf.int32, [None])
        step = table.assign_add(gf.ones_like(table))
        rows = gf.reduce_sum(gf.gather(table, idx) * 2.0, axis=1)
        good, bad = np.array([3, 0], np.int32), np.array([3, 4], np.int32)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            for _ in range(3):  # the second run is traced, the third replayed
                sess.run([rows, step], {idx: good})
            (before,) = _replays(sess, [rows, step], {idx: good}).values()
            kept = sess.run(table)
            with pytest.raises(gf.errors.InvalidArgumentError, match="gather index 4"):
                sess.run([rows, step], {idx: bad})
            np.testing.assert_array_equal(sess.run(table), kept)  # the failed run wrote nothing
            calls = []
            fn = before.fn
            before.fn = lambda *args: calls.append(1) or fn(*args)
            for i in range(3):
                got, _ = sess.run([rows, step], {idx: good})
                want = (kept[[3, 0]] + i) * 2.0
                np.testing.assert_allclose(got, want.sum(axis=1))
            assert list(_replays(sess, [rows, step], {idx: good}).values()) == [before]
            assert len(calls) == 3  # every good run after the failure was replayed

    # while a replay that is wrong for some values (the dynamic run succeeds) is dropped
    x = gf.placeholder(gf.float32, [6])
    y = gf.reduce_sum(gf.cast(gf.where(x > 0), gf.float32)) + 1.0
    with gf.Session() as sess:
        pos, mix = np.ones(6, np.float32), np.array([1, -1] * 3, np.float32)
        for _ in range(3):
            sess.run(y, {x: pos})
        assert _replays(sess, y, {x: pos})
        assert sess.run(y, {x: mix}) == 7.0  # the replay's shapes miss; the dynamic run is right
        assert not _replays(sess, y, {x: pos})


def test_ctrl_c_while_a_run_waits_for_a_variable_lock_releases_what_it_took():
    """The main thread's run, interrupted while it waited for a lock a worker held, kept
    the lock it had already taken: the worker waited for ever."""
    import _thread
    import threading
    import time

    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [None, 128])
        a = gf.Variable(np.zeros((128, 128), np.float32))
        b = gf.Variable(np.zeros((128, 128), np.float32))
        train = gf.train.GradientDescentOptimizer(1e-9).minimize(
            gf.reduce_sum(gf.matmul(gf.matmul(x, a), b)))
        sess = gf.Session()
        sess.run(gf.global_variables_initializer())
        xs = np.ones((16, 128), np.float32)
        worker = threading.Thread(target=lambda: [sess.run(train, {x: xs}) for _ in range(300)],
                                  daemon=True)

        def interrupt():
            for _ in range(40):
                time.sleep(0.01)
                _thread.interrupt_main()

        interrupter = threading.Thread(target=interrupt, daemon=True)
        worker.start()
        interrupter.start()
        while interrupter.is_alive():
            try:
                sess.run(train, {x: xs})
            except KeyboardInterrupt:
                pass
        deadline = time.monotonic() + 0.5
        while interrupter.is_alive() or time.monotonic() < deadline:
            try:  # the last interrupts may still be on their way
                time.sleep(0.05)
            except KeyboardInterrupt:
                pass
        worker.join(timeout=60)
        assert not worker.is_alive(), "a lock the interrupted runs took was never released"
        assert not any(lock._is_owned() for lock in sess._locks.values())
