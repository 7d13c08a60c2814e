"""``gf.test.check_gradients``: symbolic gradients against central finite differences."""

import numpy as np

from . import tf1_names
from .autodiff import gradients
from .ops.reduce import reduce_sum
from .ops.sources import placeholder
from .ops.state import global_variables_initializer
from .session import Session


def check_gradients(y, xs, feed_dict=None, session=None, delta=None, floor=1e-3, seed=0):
    """The worst relative error of ``gradients`` against central differences, per x.

    The objective is ``sum(w * y)`` for fixed random weights ``w`` (so every entry of
    the Jacobian counts, not only its column sums). Each x may be any float tensor:
    a placeholder, a variable or an intermediate; it is perturbed by feeding it.
    Build the graph in float64 for tight results (``delta`` defaults to 1e-5 there,
    1e-2 for float32). The relative error of one entry is
    ``|symbolic - numeric| / max(|symbolic|, |numeric|, floor)``.
    """
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    feeds = dict(feed_dict or {})
    own = session is None
    sess = Session(graph=y.graph) if own else session
    try:
        with y.graph.as_default():
            if own:
                sess.run(global_variables_initializer())
            y_value = np.asarray(sess.run(y, feeds))
            w = placeholder(y.dtype, y.shape, name="check_gradients_w")
            objective = reduce_sum(y * w)
            grads = gradients(objective, xs)
        feeds[w] = np.random.default_rng(seed).standard_normal(y_value.shape)
        symbolic = sess.run([g if g is not None else x for g, x in zip(grads, xs)], feeds)
        worst = []
        for x, g, sym in zip(xs, grads, symbolic):
            numeric = _central_differences(sess, objective, x, feeds, delta)
            sym = np.zeros_like(numeric) if g is None else np.asarray(sym, np.float64)
            scale = np.maximum(np.maximum(np.abs(sym), np.abs(numeric)), floor)
            worst.append(float(np.max(np.abs(sym - numeric) / scale)) if sym.size else 0.0)
        return worst
    finally:
        if own:
            sess.close()


def _central_differences(sess, objective, x, feeds, delta):
    base = np.array(sess.run(x, feeds), dtype=x.dtype.np)
    h = delta if delta is not None else (1e-5 if x.dtype.size >= 8 else 1e-2)
    out = np.zeros(base.shape, np.float64)
    for i in range(base.size):
        values = []
        for step in (h, -h):
            moved = base.copy()
            moved.flat[i] += step
            values.append(float(sess.run(objective, {**feeds, x: moved})))
        out.flat[i] = (values[0] - values[1]) / (2 * h)
    return out

__getattr__ = tf1_names.module_getattr("tf.test", __name__)  # a TF1 name we lack: say so
