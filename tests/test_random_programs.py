"""Random training programs (variables, optimizers, hand-written assigns, control
dependencies, fetches of weights and gradients) run several steps on the numba backend and
the NumPy oracle, and agree on every fetched value and every variable after each step. Runs
from the third on are replays, where updates may be folded into GEMMs and written in place:
the cases the adversarial reviews found (a backup of a weight, a learning rate computed per
run, a fetched weight, a product that broadcasts) are all in this space."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphflow as gf

BATCHES = (5, 3)


def _build(plan, rng):
    """The program ``plan`` describes: (placeholders, variables, fetches, train op)."""
    lr_kind, optimizer, extras, fetch_kind, transpose, loss_kind = plan
    x = gf.placeholder(gf.float32, [None, 4], name="x")
    w1 = gf.Variable(rng.standard_normal((4, 3)).astype(np.float32), name="w1")
    b1 = gf.Variable(np.zeros(3, np.float32), name="b1")
    w2 = gf.Variable(rng.standard_normal((2, 3) if transpose else (3, 2)).astype(np.float32),
                     name="w2")
    h = gf.tanh(gf.matmul(x, w1) + b1)
    out = gf.matmul(h, w2, transpose_b=transpose)
    feeds = {}
    if loss_kind == "square":
        loss = gf.reduce_mean(gf.square(out - 0.5))
    elif loss_kind == "sparse xent":  # labels fed each step: their gradient is given by hand
        labels = gf.placeholder(gf.int32, [None], name="labels")
        feeds[labels] = lambda step, batch: rng.integers(0, 2, batch).astype(np.int32)
        loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=out))
    else:
        soft = gf.nn.softmax(gf.Variable(rng.standard_normal((1, 2)).astype(np.float32)))
        loss = gf.reduce_sum(gf.nn.softmax_cross_entropy_with_logits_v2(labels=soft, logits=out))

    if lr_kind == "fed":
        lr = gf.placeholder(gf.float32, [], name="lr")
        feeds[lr] = lambda step, batch: np.float32(0.05 + 0.01 * step)
    elif lr_kind == "variable":
        lr = gf.Variable(0.07, name="lr")
    elif lr_kind == "expression":
        lr = gf.reduce_mean(gf.abs(b1)) * 0.0 + 0.06
    else:
        lr = 0.08
    backup = gf.Variable(np.zeros((4, 3), np.float32), name="backup")
    before = []
    if "backup" in extras:  # a copy of w1 taken in the same run, before the update
        before.append(backup.assign(w1).op)
    with gf.control_dependencies(before):
        if optimizer == "sgd":
            train = gf.train.GradientDescentOptimizer(lr).minimize(loss)
        elif optimizer == "momentum":
            train = gf.train.MomentumOptimizer(lr, 0.9).minimize(loss)
        else:  # the update written by hand, as TF1 users do
            g1, g2 = gf.gradients(loss, [w1, w2])
            train = gf.group(w1.assign_sub(lr * g1), w2.assign(w2 - lr * g2))
    after = [backup.assign(w1 * 1.0)] if "copy_after" in extras else []
    fetches = {"loss": [loss, train], "weights": [w1, w2, train],
               "grads": gf.gradients(loss, [w1]) + [train], "none": [train]}[fetch_kind]
    return x, feeds, [w1, b1, w2, backup], fetches, after


plans = st.tuples(st.sampled_from(["const", "fed", "variable", "expression"]),
                  st.sampled_from(["sgd", "momentum", "by hand"]),
                  st.sets(st.sampled_from(["backup", "copy_after"])),
                  st.sampled_from(["loss", "weights", "grads", "none"]),
                  st.booleans(), st.sampled_from(["square", "sparse xent", "dense xent"]))


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans, seed=st.integers(0, 2**16), switch_batch=st.booleans())
def test_numba_agrees_with_numpy_on_random_training_programs(plan, seed, switch_batch):
    results = []
    for backend in ("numpy", "numba"):
        rng = np.random.default_rng(seed)
        with gf.Graph().as_default():
            x, feeds, variables, fetches, after = _build(plan, rng)
            with gf.Session(backend=backend) as sess:
                sess.run(gf.global_variables_initializer())
                seen = []
                for step in range(6):
                    batch = BATCHES[step % 2] if switch_batch else BATCHES[0]
                    feed = {x: rng.uniform(-1, 1, (batch, 4)).astype(np.float32)}
                    feed.update({t: make(step, batch) for t, make in feeds.items()})
                    seen.append(sess.run(fetches, feed))
                    if after:
                        sess.run(after)
                    seen.append(sess.run(variables))
        results.append(seen)
    for want, got in zip(*results):
        for w, g in zip(want, got):
            if w is None:
                assert g is None
                continue
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
