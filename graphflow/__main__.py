"""``python -m graphflow demo``: train a small CNN on the digits, save it, draw its graph.
``python -m graphflow run SCRIPT.py [args]`` (also ``graphflow run``): run a TF1 program.

The main job, TF1 style from start to end: placeholders, ``tf.layers``, a loss, Adam,
one Session that feeds batches, a checkpoint, and the training graph as SVG.
"""

import argparse
import os
import sys
import time

import numpy as np

import graphflow as gf
from graphflow import runner


def build_model(graph, seed=0):
    """The digits CNN: two 3x3 conv + ReLU + 2x2 max-pool blocks, a dense layer, 10 logits.

    Returns the tensors and ops the training loop uses, by name."""
    with graph.as_default():
        gf.set_random_seed(seed)
        images = gf.placeholder(gf.float32, [None, 8, 8, 1], name="images")
        labels = gf.placeholder(gf.int64, [None], name="labels")
        training = gf.placeholder_with_default(False, [], name="training")
        learning_rate = gf.placeholder_with_default(1e-3, [], name="learning_rate")
        with gf.variable_scope("cnn"):
            x = gf.layers.conv2d(images, 32, 3, padding="same", activation=gf.nn.relu)
            x = gf.layers.max_pooling2d(x, 2, 2)  # 4x4x32
            x = gf.layers.conv2d(x, 64, 3, padding="same", activation=gf.nn.relu)
            x = gf.layers.max_pooling2d(x, 2, 2)  # 2x2x64
            x = gf.layers.flatten(x)
            x = gf.layers.dense(x, 128, activation=gf.nn.relu)
            x = gf.layers.dropout(x, rate=0.2, training=training)
            logits = gf.layers.dense(x, 10)
        with gf.name_scope("loss"):
            loss = gf.losses.sparse_softmax_cross_entropy(labels, logits)
        with gf.name_scope("accuracy"):
            correct = gf.equal(gf.argmax(logits, axis=1), labels)
            accuracy = gf.reduce_mean(gf.cast(correct, gf.float32))
        global_step = gf.train.get_or_create_global_step()
        train = gf.train.AdamOptimizer(learning_rate).minimize(loss, global_step=global_step)
        init = gf.global_variables_initializer()
    return dict(images=images, labels=labels, training=training, learning_rate=learning_rate,
                logits=logits, loss=loss,
                accuracy=accuracy, train=train, init=init, global_step=global_step)


def demo(epochs=20, batch_size=32, learning_rate=3e-3, out_dir="graphflow-demo", seed=0,
         progress=True):
    """Train the digits CNN; returns the test accuracy. Writes ``out_dir/checkpoints/`` and
    ``out_dir/graph.svg`` (``graph.dot`` when Graphviz's ``dot`` is not installed)."""
    from tqdm.auto import tqdm

    start = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = gf.datasets.load_digits(seed=seed)
    graph = gf.Graph()
    m = build_model(graph, seed)
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of 8x8; "
          f"{len(graph.get_operations())} ops in the graph "
          f"({sum(op.role == 'backward' for op in graph.get_operations())} backward, "
          f"{sum(op.role == 'update' for op in graph.get_operations())} update)")
    os.makedirs(os.path.join(out_dir, "checkpoints"), exist_ok=True)
    with gf.Session(graph=graph) as sess:
        sess.run(m["init"])
        for epoch in range(1, epochs + 1):
            # a cosine schedule: big steps first, then settle (fed like any tensor)
            lr = learning_rate * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * (epoch - 1) / epochs)))
            batches = gf.data.batches((x_train, y_train), batch_size, shuffle=True,
                                      seed=seed + epoch)
            bar = tqdm(list(batches), desc=f"epoch {epoch:2d}/{epochs}", unit="batch",
                       disable=not progress, leave=epoch == epochs, file=sys.stdout)
            seen = correct = total_loss = 0.0
            for xb, yb in bar:
                _, loss, acc = sess.run([m["train"], m["loss"], m["accuracy"]],
                                        {m["images"]: xb, m["labels"]: yb, m["training"]: True,
                                         m["learning_rate"]: lr})
                seen += len(xb)
                correct += acc * len(xb)
                total_loss += loss * len(xb)
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
        test_accuracy = float(sess.run(m["accuracy"], {m["images"]: x_test,
                                                       m["labels"]: y_test}))
        saver = gf.train.Saver()
        checkpoint = saver.save(sess, os.path.join(out_dir, "checkpoints", "digits"),
                                global_step=m["global_step"])
    graph_path = _draw(graph, out_dir)
    print(f"test accuracy {test_accuracy:.4f} after {epochs} epochs "
          f"in {time.perf_counter() - start:.1f} s")
    print(f"checkpoint: {checkpoint}")
    print(f"training graph: {graph_path}")
    return test_accuracy


def _draw(graph, out_dir):
    """The graph as SVG, or as DOT text when Graphviz's ``dot`` program is missing."""
    try:
        path = os.path.join(out_dir, "graph.svg")
        gf.viz.to_svg(graph, path, collapse=["gradients", "Adam"])
    except gf.errors.GraphflowError as e:
        path = os.path.join(out_dir, "graph.dot")
        with open(path, "w") as f:
            f.write(gf.viz.to_dot(graph, collapse=["gradients", "Adam"]))
        print(f"(no SVG: {str(e).splitlines()[0]})")
    return path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) > 1 and argv[0] == "run" and not argv[1].startswith("-"):
        return runner.main(argv[1], argv[2:])  # the program's arguments as given: argparse
        # would drop a "--" among them, which TF1's flags read as the end of the flags
    parser = argparse.ArgumentParser(prog="graphflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="train a small CNN on the digits, save it, draw its graph")
    d.add_argument("--epochs", type=int, default=20)
    d.add_argument("--batch-size", type=int, default=32)
    d.add_argument("--out", default="graphflow-demo", help="where the checkpoint and SVG go")
    d.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("run", help="run an unmodified TF1 program with graphflow as tensorflow",
                       description=runner.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("script", help="the program, e.g. mnist_softmax.py")
    r.add_argument("args", nargs=argparse.REMAINDER, help="its command-line arguments")
    args = parser.parse_args(argv)
    if args.command == "run":
        return runner.main(args.script, args.args)
    demo(epochs=args.epochs, batch_size=args.batch_size, out_dir=args.out, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
