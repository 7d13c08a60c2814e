"""Writes the tutorial notebooks from the cells below and runs them to fill in the outputs.

    python notebooks/make_notebooks.py          # all four, executed (needs the notebooks extra)

The cells live here, as code, so a change of the API is one edit and one command away from
notebooks that show it; the .ipynb files (with outputs) are what readers open and what CI
executes (tests/test_notebooks.py).
"""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def md(text):
    return ("markdown", text.strip("\n"))


def py(text):
    return ("code", text.strip("\n"))


# -- 01 tensors -------------------------------------------------------------------------------

TENSORS = [
    md("""
# 01 · Tensors: PyTorch beside graphflow

The tutorial this series follows contrasts two ways to program: **imperative** (PyTorch:
every line runs as you write it) and **symbolic** (TensorFlow 1, graphflow: first build a
graph, then feed data into it with `Session.run`). Each step below shows both, then checks
that they agree.
"""),
    py("""
import numpy as np
import torch
import graphflow as gf

sess = gf.InteractiveSession()          # the default session, so t.eval() works
"""),
    md("""
## 2.1 Creating tensors

From Python data, from NumPy, and with library functions. PyTorch gives values at once;
graphflow gives *symbolic* tensors with a static shape and dtype, and values when run.
"""),
    py("""
# PyTorch (imperative)
t_list = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
t_np = torch.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3))
t_zeros, t_ones = torch.zeros(2, 3), torch.ones(2, 3)
print(t_list.shape, t_list.dtype, t_list.device)
"""),
    py("""
# graphflow (symbolic)
g_list = gf.constant([[1.0, 2.0], [3.0, 4.0]])
g_np = gf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
g_zeros, g_ones = gf.zeros([2, 3]), gf.ones([2, 3])
print(g_list)                      # a node of the graph, not a value
print(g_list.shape, g_list.dtype)  # no device: where it runs is the Session's choice
"""),
    py("""
# they agree once the graph runs
for t, g in [(t_list, g_list), (t_np, g_np), (t_zeros, g_zeros), (t_ones, g_ones)]:
    np.testing.assert_array_equal(t.numpy(), sess.run(g))
print("same values")
"""),
    md("""
Random tensors: both draw from seeded generators, but from different streams, so we compare
their statistics, not their values.
"""),
    py("""
torch.manual_seed(0)
t_rand = torch.randn(1000, 100)
gf.set_random_seed(0)
g_rand = gf.random_normal([1000, 100])
r = sess.run(g_rand)
print(f"torch mean {t_rand.mean():.3f} std {t_rand.std():.3f}")
print(f"graphflow mean {r.mean():.3f} std {r.std():.3f}")
assert abs(r.mean()) < 0.02 and abs(r.std() - 1) < 0.02
"""),
    md("""
## 2.2 Operations: indexing, concatenation, `matmul` versus `*`
"""),
    py("""
a_np = np.arange(12, dtype=np.float32).reshape(3, 4)
b_np = np.ones((4, 2), np.float32)

# PyTorch (imperative)
ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
t_results = [ta[1], ta[:, 2], ta[[0, 2]], ta[:, 1:3], torch.cat([ta, ta], dim=0),
             torch.cat([ta, ta], dim=1), ta @ tb, ta * ta]

# graphflow (symbolic): the same expressions build graph nodes
ga, gb = gf.constant(a_np), gf.constant(b_np)
g_results = [ga[1], ga[:, 2], gf.gather(ga, [0, 2]), ga[:, 1:3], gf.concat([ga, ga], axis=0),
             gf.concat([ga, ga], axis=1), ga @ gb, ga * ga]

for t, g in zip(t_results, g_results):
    np.testing.assert_array_equal(t.numpy(), sess.run(g))
print([tuple(g.shape.as_list()) for g in g_results])
"""),
    md("""
`@` (`matmul`) is the matrix product; `*` multiplies element by element. In graphflow each
expression above is a node; this is the graph of the last two:
"""),
    py("""
gf.viz.show([g_results[-2], g_results[-1]])
"""),
    md("""
## 2.3 NumPy: shared memory versus copies

On the CPU, `torch.from_numpy` *shares* memory with the array: changing one changes the
other. In the graph world data crosses the session boundary by **copy**: a feed is copied in,
a fetched array is a fresh array, and variables live inside the session.
"""),
    py("""
array = np.zeros(3, np.float32)
shared = torch.from_numpy(array)
array[0] = 42.0
print("torch sees the change:", shared[0].item())          # 42.0

v = gf.Variable(array)                  # the initial value is copied into the graph
sess.run(v.initializer)
array[1] = 7.0                          # does not touch the session's variable
fetched = sess.run(v)
fetched[2] = -1.0                       # nor does changing what run returned
print("graphflow variable:", sess.run(v))                  # [42.  0.  0.]
np.testing.assert_array_equal(sess.run(v), [42.0, 0.0, 0.0])
"""),
    md("""
What replaces shared memory in the graph world: the *session* owns the state (variables),
you change it with ops (`v.assign(...)`) or `v.load(value)`, and every run hands you fresh
NumPy arrays that you may keep or modify freely.
"""),
    py("""
sess.run(v.assign(v * 2))
v.load([1.0, 2.0, 3.0])
print(sess.run(v))
sess.close()
"""),
]

# -- 02 autograd ------------------------------------------------------------------------------

AUTOGRAD = [
    md("""
# 02 · Autograd: recorded tape versus a backward graph

PyTorch records the operations on tensors with `requires_grad=True` and walks that record
back when you call `backward()`. graphflow builds the backward computation as **more graph**
with `gf.gradients`: you can draw it, compile it, and differentiate it again.
"""),
    py("""
import numpy as np
import torch
import graphflow as gf
"""),
    md("""
## 3.2 The small example: gradients of an expression in `a` and `b`
"""),
    py("""
a_value, b_value = np.array([2.0, 3.0]), np.array([6.0, 4.0])

# PyTorch (imperative)
ta = torch.tensor(a_value, requires_grad=True)
tb = torch.tensor(b_value, requires_grad=True)
tq = 3 * ta ** 3 - tb ** 2
tq.sum().backward()
print("torch:", ta.grad.numpy(), tb.grad.numpy())
"""),
    py("""
# graphflow (symbolic)
a = gf.placeholder(gf.float64, [2], name="a")
b = gf.placeholder(gf.float64, [2], name="b")
q = 3 * a ** 3 - b ** 2
da, db = gf.gradients(q, [a, b])             # symbolic: more nodes in the graph
with gf.Session() as sess:
    ga, gb = sess.run([da, db], {a: a_value, b: b_value})
print("graphflow:", ga, gb)
np.testing.assert_allclose(ga, ta.grad.numpy())
np.testing.assert_allclose(gb, tb.grad.numpy())
"""),
    md("""
The backward graph, drawn: forward ops in blue, the gradient ops `gf.gradients` added in
orange (`9 a²` and `-2 b`).
"""),
    py("""
gf.viz.show([da, db])
"""),
    md("""
Because gradients are graph nodes, the second derivative is one more call:
"""),
    py("""
(d2a,) = gf.gradients(da, [a])
with gf.Session() as sess:
    print(sess.run(d2a, {a: a_value, b: b_value}))        # 18 a
"""),
    md("""
## 3.1 Forward, loss and backward through a ResNet

The tutorial's example: one random 64x64 RGB image with an integer label through a ResNet;
forward, loss, backward. graphflow's version is `graphflow.examples.resnet`
(conv-BN-ReLU blocks with identity shortcuts, global average pooling, a dense layer).
"""),
    py("""
from graphflow.examples import resnet

rng = np.random.default_rng(0)
image_value = rng.uniform(0, 1, (1, 64, 64, 3)).astype(np.float32)
label_value = np.array([3])

graph = gf.Graph()
with graph.as_default():
    image, label, loss, grads_and_vars = resnet.build(channels=8, blocks=1, seed=0)
    sess = gf.Session(graph=graph)
    sess.run(gf.global_variables_initializer())
    g_loss, g_grads = sess.run([loss, [g for g, _ in grads_and_vars]],
                               {image: image_value, label: label_value})
    weights = {v.op.name: sess.run(v) for _, v in grads_and_vars}
print("graphflow loss", g_loss)
for (_, v), grad in zip(grads_and_vars, g_grads):
    print(f"  {v.op.name:<40} {str(grad.shape):<16}")
"""),
    md("""
The same network in PyTorch, given graphflow's initial weights (filters are HWIO in graphflow,
OIHW in PyTorch), so the two must agree number for number:
"""),
    py("""
import torch.nn.functional as F


class TorchResNet(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        conv = lambda name: torch.nn.Parameter(torch.tensor(w[name].transpose(3, 2, 0, 1)))
        bn = lambda name: (torch.nn.Parameter(torch.tensor(w[name + "/gamma"])),
                           torch.nn.Parameter(torch.tensor(w[name + "/beta"])))
        self.stem, self.stem_bn = conv("stem/conv2d/kernel"), bn("stem/batch_normalization")
        self.a, self.a_bn = conv("block1/a/conv2d/kernel"), bn("block1/a/batch_normalization")
        self.b, self.b_bn = conv("block1/b/conv2d/kernel"), bn("block1/b/batch_normalization")
        self.dense = torch.nn.Parameter(torch.tensor(w["logits/kernel"]))
        self.bias = torch.nn.Parameter(torch.tensor(w["logits/bias"]))

    def conv_bn(self, x, kernel, bn, relu=True):
        x = F.conv2d(x, kernel, padding=1)
        x = F.batch_norm(x, None, None, bn[0], bn[1], training=True, eps=1e-3)
        return F.relu(x) if relu else x

    def forward(self, x):
        x = F.max_pool2d(self.conv_bn(x, self.stem, self.stem_bn), 2)
        y = self.conv_bn(x, self.a, self.a_bn)
        x = F.relu(x + self.conv_bn(y, self.b, self.b_bn, relu=False))
        return x.mean(dim=(2, 3)) @ self.dense + self.bias


model = TorchResNet(weights)
logits = model(torch.tensor(image_value.transpose(0, 3, 1, 2)))
t_loss = F.cross_entropy(logits, torch.tensor(label_value))
t_loss.backward()
print("torch loss", t_loss.item())
np.testing.assert_allclose(t_loss.item(), g_loss, rtol=1e-4)
np.testing.assert_allclose(model.dense.grad.numpy(), g_grads[-2], rtol=1e-3, atol=1e-5)
np.testing.assert_allclose(model.stem.grad.numpy().transpose(2, 3, 1, 0), g_grads[0],
                           rtol=1e-3, atol=1e-5)
print("same loss and gradients")
"""),
]

# -- 03 training loop -------------------------------------------------------------------------

TRAINING = [
    md("""
# 03 · A training loop: a model class versus a graph-building function

Following the tutorial's chapter 4: data, the model, loss and optimizer, the main loop with
epochs, saving and accuracy. In PyTorch the model is a class whose `forward` runs each step;
in graphflow a function *builds* the forward graph once and the loop only feeds it.
"""),
    py("""
import os
import tempfile

import numpy as np
import torch
import graphflow as gf
"""),
    md("""
## 4.1 Data: simulated, two classes
"""),
    py("""
rng = np.random.default_rng(0)
n = 400
labels = rng.integers(0, 2, n)
points = (rng.normal(size=(n, 2)) + 2.5 * (labels[:, None] * 2 - 1)).astype(np.float32)
targets = labels.astype(np.float32)[:, None]
w1 = rng.normal(0, 0.5, (2, 16)).astype(np.float32)
w2 = rng.normal(0, 0.5, (16, 1)).astype(np.float32)
print(points.shape, targets.mean())
"""),
    md("""
## 4.2 The model
"""),
    py("""
# PyTorch (imperative): a class; parameters made in __init__, forward() runs each step
class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(2, 16)
        self.out = torch.nn.Linear(16, 1)
        with torch.no_grad():                      # the same start as graphflow's
            self.hidden.weight.copy_(torch.tensor(w1.T)); self.hidden.bias.zero_()
            self.out.weight.copy_(torch.tensor(w2.T)); self.out.bias.zero_()

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


torch_model = Classifier()
"""),
    py("""
# graphflow (symbolic): a function that builds the forward graph, once
def classifier(x):
    h = gf.layers.dense(x, 16, activation=gf.nn.relu, kernel_initializer=gf.constant_initializer(w1))
    return gf.layers.dense(h, 1, kernel_initializer=gf.constant_initializer(w2))


x = gf.placeholder(gf.float32, [None, 2], name="x")
y = gf.placeholder(gf.float32, [None, 1], name="y")
logits = classifier(x)
print(logits, [v.name for v in gf.trainable_variables()])
"""),
    md("""
## 4.3 Loss and optimizer: MSE, cross-entropy, hinge

The three losses the tutorial names, on the same (untrained) predictions:
"""),
    py("""
t_logits = torch_model(torch.tensor(points))
t_y = torch.tensor(targets)
torch_losses = {
    "mse": torch.nn.functional.mse_loss(torch.sigmoid(t_logits), t_y).item(),
    "cross-entropy": torch.nn.functional.binary_cross_entropy_with_logits(t_logits, t_y).item(),
    "hinge": torch.clamp(1 - (2 * t_y - 1) * t_logits, min=0).mean().item(),
}
graph_losses = {
    "mse": gf.losses.mean_squared_error(y, gf.sigmoid(logits)),
    "cross-entropy": gf.losses.sigmoid_cross_entropy(y, logits),
    "hinge": gf.losses.hinge_loss(y, logits),
}
with gf.Session() as sess:
    sess.run(gf.global_variables_initializer())
    values = sess.run(graph_losses, {x: points, y: targets})
for name in torch_losses:
    print(f"{name:<14} torch {torch_losses[name]:.6f}   graphflow {values[name]:.6f}")
    np.testing.assert_allclose(values[name], torch_losses[name], rtol=1e-5)
"""),
    md("""
We train with cross-entropy and plain gradient descent, so both sides take the same steps.
In graphflow the optimizer adds the update ops to the graph; running `train` runs one step.
"""),
    py("""
loss = graph_losses["cross-entropy"]
train = gf.train.GradientDescentOptimizer(0.5).minimize(loss)
accuracy = gf.reduce_mean(gf.cast(gf.equal(gf.cast(logits > 0, gf.float32), y), gf.float32))
torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.5)
gf.viz.show(gf.get_default_graph(), collapse=["gradients"])
"""),
    md("""
## 4.4 The main loop: epochs, saving, accuracy
"""),
    py("""
checkpoints = tempfile.mkdtemp()
saver = gf.train.Saver(max_to_keep=2)
sess = gf.Session()
sess.run(gf.global_variables_initializer())
for epoch in range(1, 21):
    # PyTorch: forward, loss, backward, step
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        torch_model(torch.tensor(points)), t_y)
    torch_opt.zero_grad()
    t_loss.backward()
    torch_opt.step()
    # graphflow: one run of the update op (the loss fetched with it is from before the step)
    g_loss, _ = sess.run([loss, train], {x: points, y: targets})
    np.testing.assert_allclose(g_loss, t_loss.item(), rtol=1e-4)
    if epoch % 5 == 0:
        path = saver.save(sess, os.path.join(checkpoints, "model"), global_step=epoch)
        torch.save(torch_model.state_dict(), os.path.join(checkpoints, f"torch-{epoch}.pt"))
        print(f"epoch {epoch:2d}  loss {g_loss:.4f}  accuracy "
              f"{sess.run(accuracy, {x: points, y: targets}):.3f}  saved {os.path.basename(path)}")
"""),
    py("""
# restore the latest checkpoint into a fresh session: same predictions
fresh = gf.Session()
saver.restore(fresh, gf.train.latest_checkpoint(checkpoints))
np.testing.assert_array_equal(fresh.run(logits, {x: points}), sess.run(logits, {x: points}))
t_accuracy = ((torch_model(torch.tensor(points)) > 0).float() == t_y).float().mean().item()
print("torch accuracy", t_accuracy, " graphflow accuracy", fresh.run(accuracy, {x: points, y: targets}))
print(sorted(os.listdir(checkpoints)))
"""),
]

# -- 04 inside the compiler -------------------------------------------------------------------

COMPILER = [
    md("""
# 04 · Inside the compiler

`Session.run` does not interpret the graph op by op: it compiles the part a run needs. This
notebook shows each pass with the graph before and after, the fused kernels with their
generated source, and what that buys against NumPy eager.
"""),
    py("""
import timeit

import numpy as np
import graphflow as gf
from graphflow import subgraph
from graphflow.compiler import PIPELINE, compile_subgraph

print([name for name, _ in PIPELINE])
"""),
    md("""
A small training step: a dense layer, a loss, gradient descent.
"""),
    py("""
x = gf.placeholder(gf.float32, [None, 4], name="x")
y = gf.placeholder(gf.float32, [None, 1], name="y")
pred = gf.layers.dense(x, 1, activation=gf.tanh)
loss = gf.reduce_mean(gf.square(pred - y) * 0.5 + 0.0)
train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
feed = {x: np.ones((8, 4), np.float32), y: np.zeros((8, 1), np.float32)}

sess = gf.Session()
sess.run(gf.global_variables_initializer())
sess.run(train, feed)
plan = sess.plan(train, feed)
print(plan.explain())
"""),
    md("""
Each pass is a pure function from program to program; leaving passes out shows what each
one does. Op counts of the program with the passes up to each one:
"""),
    py("""
sub = subgraph.extract((), (train,), frozenset(feed))
names = [name for name, _ in PIPELINE]
for i in range(len(names) + 1):
    program, _ = compile_subgraph(sub, disabled=names[i:])
    print(f"after {', '.join(names[:i]) or 'copy':<62} {len(program.ops):3d} ops")
"""),
    md("""
The fused kernels: each lists the original ops it computes, and its generated source has one
line per op, with a comment naming the op and the line of *this notebook* that created it.
"""),
    py("""
for kernel in plan.kernels():
    print(kernel["name"], "<-", kernel["ops"])
print()
update = [k for k in plan.kernels() if any("update" in op for op in k["ops"])][0]
print(update["variants"][0]["source"])
"""),
    md("""
The Plan drawn: each fused kernel is a cluster (the optimizer's update of each variable is
one kernel).
"""),
    py("""
gf.viz.show(plan)
"""),
    md("""
## Eager versus compiled

Workload W1 of our benchmarks: an elementwise chain over a million floats. NumPy eager makes
a temporary array per operation; graphflow's compiler fuses the chain into one loop.
"""),
    py("""
n = 1_000_000
data = np.random.default_rng(0).uniform(-3, 3, n).astype(np.float32)


def numpy_eager(v):
    return np.tanh(v * 1.5 + 0.5) / (1 + np.exp(-v)) + 0.5 * v * v


gx = gf.placeholder(gf.float32, [None])
gy = gf.tanh(gx * 1.5 + 0.5) * gf.sigmoid(gx) + 0.5 * gx * gx
w1 = gf.Session()
np.testing.assert_allclose(w1.run(gy, {gx: data}), numpy_eager(data), rtol=1e-5, atol=1e-5)
print(w1.plan(gy, {gx: data}).explain().split("steps")[1])

eager = min(timeit.repeat(lambda: numpy_eager(data), number=5, repeat=3)) / 5
compiled = min(timeit.repeat(lambda: w1.run(gy, {gx: data}), number=5, repeat=3)) / 5
print(f"numpy eager {eager * 1e3:.2f} ms, graphflow {compiled * 1e3:.2f} ms "
      f"({eager / compiled:.1f}x faster)")
"""),
]

NOTEBOOKS = {
    "01_tensors.ipynb": TENSORS,
    "02_autograd.ipynb": AUTOGRAD,
    "03_training_loop.ipynb": TRAINING,
    "04_inside_the_compiler.ipynb": COMPILER,
}


def build(name, cells):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown"
                else nbformat.v4.new_code_cell(src) for kind, src in cells]
    return nb


def main(names=None):
    import nbclient
    import nbformat

    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        nb = build(name, cells)
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}}).execute()
        nbformat.write(nb, HERE / name)
        print("wrote", name)


if __name__ == "__main__":
    main(sys.argv[1:])
