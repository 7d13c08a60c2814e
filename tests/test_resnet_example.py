"""The tutorial's ResNet example: forward, loss and every variable's gradient, on both
backends, and the gradients against finite differences (a narrow float64 copy)."""

import numpy as np
import pytest

import graphflow as gf
from graphflow.examples import resnet


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def test_main_prints_a_loss_and_a_gradient_per_variable(capsys):
    loss, grads = resnet.main()
    out = capsys.readouterr().out
    assert np.isfinite(loss) and loss > 0
    assert len(grads) == out.count("d loss / d") == 17  # stem, 2 blocks x 2 convs, logits
    assert all(np.isfinite(g).all() and np.abs(g).sum() > 0 for g in grads)


def test_backends_agree_and_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    image, label, loss, grads_and_vars = resnet.build(gf.float64, channels=4, blocks=1)
    feed = {image: rng.uniform(0, 1, (1, 64, 64, 3)), label: [3]}
    results = []
    for backend in ("numpy", "numba"):
        with gf.Session(backend=backend) as sess:
            sess.run(gf.global_variables_initializer())
            results.append(sess.run([loss, [g for g, _ in grads_and_vars]], feed))
            if backend == "numba":
                wanted = [v for _, v in grads_and_vars
                          if v.op.name in ("stem/conv2d/kernel", "block1/b/conv2d/kernel",
                                           "block1/a/batch_normalization/gamma",
                                           "logits/kernel")]
                # a small step: ReLU kinks among 16k activations are then almost never crossed
                errs = gf.test.check_gradients(loss, wanted, feed, session=sess, delta=1e-6)
    (loss_np, grads_np), (loss_nb, grads_nb) = results
    np.testing.assert_allclose(loss_nb, loss_np, rtol=1e-10)
    for a, b in zip(grads_nb, grads_np):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    assert len(errs) == 4 and max(errs) < 1e-5, errs
