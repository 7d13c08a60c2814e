"""``python -m graphflow demo``: build a graph, run it, train a tiny model, show the graph."""

import argparse
import sys

import numpy as np

import graphflow as gf


def demo(steps=200, seed=0):
    """Fit ``y = 3x + 2`` with symbolic gradients and gradient descent, TF1 style:
    placeholders, variables, ``minimize``, then one Session that feeds and fetches."""
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
            loss = gf.reduce_mean(gf.square(pred - y))
        train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = gf.global_variables_initializer()

    roles = {}
    for op in graph.get_operations():
        roles[op.role] = roles.get(op.role, 0) + 1
    print("graph: " + ", ".join(f"{n} {role} ops" for role, n in roles.items()))
    for op in graph.get_operations():
        ins = ", ".join(t.name for t in op.inputs)
        print(f"  {op.role:<8} {op.name:<40} {op.type:<12} ({ins})")
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
