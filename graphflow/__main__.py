"""``python -m graphflow demo``: build a graph, run it, train a tiny model, show the graph."""

import argparse
import sys

import numpy as np

import graphflow as gf


def demo(steps=200, seed=0):
    """Fit ``y = 3x + 2`` by gradient descent written as graph ops (assign_sub).

    Until symbolic autodiff lands the gradient is spelled out by hand; everything
    else is the TF1 workflow: placeholders, variables, one Session, feed and fetch.
    """
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-1, 1, size=(256, 1)).astype(np.float32)
    ys = (3 * xs + 2 + rng.normal(0, 0.1, size=xs.shape)).astype(np.float32)

    graph = gf.Graph()
    with graph.as_default():
        x = gf.placeholder(gf.float32, [None, 1], name="x")
        y = gf.placeholder(gf.float32, [None, 1], name="y")
        with gf.name_scope("model"):
            w = gf.Variable([[0.0]], name="w")
            b = gf.Variable([0.0], name="b")
            pred = gf.matmul(x, w) + b
        with gf.name_scope("loss"):
            err = pred - y
            loss = gf.reduce_mean(gf.square(err))
        with gf.name_scope("update"):
            n = gf.cast(gf.shape(x)[0], gf.float32)
            grad_w = gf.matmul(x, err, transpose_a=True) * (2.0 / n)
            grad_b = gf.reduce_sum(err, axis=0) * (2.0 / n)
            train = gf.group(w.assign_sub(0.1 * grad_w), b.assign_sub(0.1 * grad_b))
        init = gf.global_variables_initializer()

    print(f"graph: {len(graph.get_operations())} ops")
    for op in graph.get_operations():
        ins = ", ".join(t.name for t in op.inputs)
        print(f"  {op.name:<28} {op.type:<14} ({ins})")
    with gf.Session(graph=graph) as sess:
        sess.run(init)
        for step in range(steps + 1):
            # the loss fetched beside the update is the loss *before* this step's update
            _, value = sess.run([train, loss], {x: xs, y: ys})
            if step % 50 == 0:
                print(f"step {step:4d}  loss {value:.5f}")
        w_value, b_value = sess.run([w, b])
    print(f"learned y = {w_value[0, 0]:.3f} x + {b_value[0]:.3f}   (data: y = 3 x + 2 + noise)")
    return float(w_value[0, 0]), float(b_value[0])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="graphflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="build and run a small graph, train a tiny model")
    d.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(steps=args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
