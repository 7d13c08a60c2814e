"""Writes the tutorial notebooks from the cells below and runs them to fill in the outputs.

    python notebooks/make_notebooks.py          # all of them, executed (needs the notebooks extra)

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
graph, then feed data into it with `Session.run`). Each step below shows both, labelled
*PyTorch (imperative)* and *graphflow (symbolic)*, then checks that they agree with
`np.testing.assert_allclose` (a disagreement stops the notebook).
"""),
    py("""
import numpy as np
import torch
import graphflow as gf

sess = gf.InteractiveSession()          # a default session, so t.eval() works too
"""),
    md("""
## 2.1 Creating tensors

From Python data, from NumPy, and with library functions like `zeros` and `ones`. PyTorch
computes the values on the spot; graphflow returns *symbolic* tensors, nodes of a graph that
know their static shape and dtype, and the values appear only when a session runs them.
"""),
    py("""
# PyTorch (imperative)
t_list = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
t_np = torch.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3))
t_zeros, t_ones = torch.zeros(2, 3), torch.ones(2, 3)
print(t_list)
print(t_list.shape, t_list.dtype, t_list.device)
"""),
    py("""
# graphflow (symbolic)
g_list = gf.constant([[1.0, 2.0], [3.0, 4.0]])
g_np = gf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
g_zeros, g_ones = gf.zeros([2, 3]), gf.ones([2, 3])
print(g_list)                      # a node of the graph, not a value
print(g_list.shape, g_list.dtype)  # no device: where it runs is the Session's choice
print(g_list.eval())               # the value: runs the graph in the default session
"""),
    py("""
# check: the same values once the graph runs
for t, g in [(t_list, g_list), (t_np, g_np), (t_zeros, g_zeros), (t_ones, g_ones)]:
    np.testing.assert_allclose(sess.run(g), t.numpy())
print("same values")
"""),
    md("""
**Device.** A PyTorch tensor lives on a device and moves with `.to("cuda")`; computing on
the GPU means moving the data there. A graphflow tensor has no device: the *session* decides
where the whole graph runs (`gf.Session(backend="numba")`, the default, compiles it for the
CPU; `backend="numpy"` interprets it op by op; a CUDA backend is planned), and feeds and
fetches cross that boundary for you.
"""),
    py("""
# PyTorch (imperative): move the data, then compute where it is
device = "cuda" if torch.cuda.is_available() else "cpu"
print((t_list.to(device) @ t_list.to(device)).device)
# graphflow (symbolic): the same graph, run by two different backends
square = g_list @ g_list
with gf.Session(backend="numpy") as reference:
    np.testing.assert_allclose(reference.run(square), sess.run(square))
print(sess.run(square))
"""),
    md("""
**Sampling.** Both draw random tensors from seeded generators, but from different streams,
so we compare their statistics, not their values. In graphflow a random op draws anew on
every run, like a fresh `torch.randn` call.
"""),
    py("""
# PyTorch (imperative)
torch.manual_seed(0)
t_rand = torch.randn(1000, 100)
# graphflow (symbolic)
gf.set_random_seed(0)
g_rand = gf.random_normal([1000, 100])
r, r_again = sess.run(g_rand), sess.run(g_rand)
print(f"torch     mean {t_rand.mean():+.3f} std {t_rand.std():.3f}")
print(f"graphflow mean {r.mean():+.3f} std {r.std():.3f}; a second run draws anew: "
      f"{not np.array_equal(r, r_again)}")
np.testing.assert_allclose([r.mean(), r.std()], [0.0, 1.0], atol=0.02)
np.testing.assert_allclose([t_rand.mean(), t_rand.std()], [0.0, 1.0], atol=0.02)
"""),
    md("""
## 2.2 Operations: indexing, concatenation, `matmul` versus `*`

Indexing reads like NumPy in both: a row, a column, several rows, a block of columns.
`torch.cat(..., dim=d)` is `gf.concat(..., axis=d)`. Choosing several rows by a list of
indices is `gf.gather`, TF1's name for it.
"""),
    py("""
a_np = np.arange(12, dtype=np.float32).reshape(3, 4)
b_np = np.ones((4, 2), np.float32)

# PyTorch (imperative)
ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
t_results = {"row 1": ta[1], "column 2": ta[:, 2], "rows 0 and 2": ta[[0, 2]],
             "columns 1-2": ta[:, 1:3], "cat dim 0": torch.cat([ta, ta], dim=0),
             "cat dim 1": torch.cat([ta, ta], dim=1), "matmul": ta @ tb, "elementwise": ta * ta}

# graphflow (symbolic): the same expressions build graph nodes
ga, gb = gf.constant(a_np, name="a"), gf.constant(b_np, name="b")
g_results = {"row 1": ga[1], "column 2": ga[:, 2], "rows 0 and 2": gf.gather(ga, [0, 2]),
             "columns 1-2": ga[:, 1:3], "cat dim 0": gf.concat([ga, ga], axis=0),
             "cat dim 1": gf.concat([ga, ga], axis=1), "matmul": ga @ gb, "elementwise": ga * ga}

values = sess.run(g_results)          # one run computes every fetch (a dict in, a dict out)
for name, t in t_results.items():
    np.testing.assert_allclose(values[name], t.numpy())
    print(f"{name:<13} torch {str(tuple(t.shape)):<8} graphflow {g_results[name].shape}")
"""),
    md("""
`@` (`matmul`) is the matrix product, `[3, 4] @ [4, 2] -> [3, 2]`; `*` multiplies element by
element and needs equal (or broadcastable) shapes. In graphflow each expression above is a
node; here are the last two, drawn (edges carry shape and dtype):
"""),
    py("""
gf.viz.show([g_results["matmul"], g_results["elementwise"]])
"""),
    md("""
## 2.3 NumPy: shared memory versus copies

On the CPU, `torch.from_numpy(array)` and `tensor.numpy()` *share* memory with the array:
change one and the other changes. In the graph world data crosses the session boundary by
**copy**: a feed is copied in, a fetched array is a fresh array, and variables live inside
the session.
"""),
    py("""
# PyTorch (imperative): one buffer, two views
array = np.zeros(3, np.float32)
shared = torch.from_numpy(array)
array[0] = 42.0
print("torch sees the NumPy change:", shared.tolist())
t = torch.ones(3)
view = t.numpy()
t.add_(1)                               # in place, on the tensor
print("NumPy sees the torch change:", view)
assert np.shares_memory(shared.numpy(), array) and view[0] == 2.0
"""),
    py("""
# graphflow (symbolic): copies at every boundary
p = gf.placeholder(gf.float32, [3], name="p")
fetched = sess.run(p, feed_dict={p: array})
print("fetched the feed back:", fetched, " shares memory:", np.shares_memory(fetched, array))

v = gf.Variable(array, name="v")        # the initial value is copied into the graph
sess.run(v.initializer)
array[1] = 7.0                          # does not touch the session's variable
got = sess.run(v)
got[2] = -1.0                           # nor does changing what run returned
print("graphflow variable:", sess.run(v))
np.testing.assert_allclose(sess.run(v), [42.0, 0.0, 0.0])
assert not np.shares_memory(fetched, array)
"""),
    md("""
What replaces shared memory in the graph world: the *session* owns the state (variables);
you change it with ops that are part of the graph (`v.assign(...)`, which is how optimizers
update weights) or from outside with `v.load(value)`, and every run hands you fresh NumPy
arrays you may keep or modify freely. The PyTorch in-place `t.add_(1)` becomes an assign op:
"""),
    py("""
# PyTorch (imperative)
t_v = torch.tensor([42.0, 0.0, 0.0])
t_v.mul_(2)
# graphflow (symbolic): an op that updates the variable each time it runs
double = v.assign(v * 2)
print(double)                          # nothing happened yet
sess.run(double)
np.testing.assert_allclose(sess.run(v), t_v.numpy())
v.load([1.0, 2.0, 3.0])                 # copy a value in from outside
print(sess.run(v))
sess.close()
"""),
]

# -- 02 autograd ------------------------------------------------------------------------------

AUTOGRAD = [
    md("""
# 02 · Autograd: a recorded tape versus a backward graph

PyTorch records the operations on tensors created with `requires_grad=True` while they run,
and walks that record backwards when you call `backward()`; the gradients land in `.grad`.
graphflow builds the backward computation as **more graph** with `gf.gradients`, before any
number exists: you can draw it, compile it, run it as often as you like, and differentiate it
again.
"""),
    py("""
import numpy as np
import torch
import graphflow as gf
"""),
    md("""
## 3.2 The small example: gradients of an expression in `a` and `b`

`a = [2, 3]` and `b = [6, 4]`, both tracked, and `Q = 3a³ - b²`. `Q` is a vector, so
`backward` needs the gradient of something with respect to `Q`: passing ones
(`external_grad`) asks for `dQ/da = 9a²` and `dQ/db = -2b`. In graphflow the same seed is
`grad_ys`.
"""),
    py("""
a_value, b_value = np.array([2.0, 3.0]), np.array([6.0, 4.0])

# PyTorch (imperative): operations are recorded as they run
ta = torch.tensor(a_value, requires_grad=True)
tb = torch.tensor(b_value, requires_grad=True)
tq = 3 * ta ** 3 - tb ** 2
external_grad = torch.tensor([1.0, 1.0], dtype=torch.float64)
tq.backward(gradient=external_grad)
print("torch:    ", ta.grad.numpy(), tb.grad.numpy())
"""),
    py("""
# graphflow (symbolic): gf.gradients adds the backward ops to the graph
a = gf.placeholder(gf.float64, [2], name="a")
b = gf.placeholder(gf.float64, [2], name="b")
q = 3 * a ** 3 - b ** 2
da, db = gf.gradients(q, [a, b], grad_ys=gf.ones_like(q))
print(da)                                    # a tensor of the graph, no value yet
with gf.Session() as sess:
    ga, gb = sess.run([da, db], {a: a_value, b: b_value})
print("graphflow:", ga, gb)
np.testing.assert_allclose(ga, ta.grad.numpy())
np.testing.assert_allclose(gb, tb.grad.numpy())
np.testing.assert_allclose(ga, 9 * a_value ** 2)
np.testing.assert_allclose(gb, -2 * b_value)
"""),
    md("""
The backward graph, drawn: forward ops in blue, the ops `gf.gradients` added in orange (they
sit in the `gradients` name scope). PyTorch builds a similar record (`tq.grad_fn`), but it is
made by running the forward pass and consumed by `backward()`; here it is a program you can
inspect before running anything.
"""),
    py("""
gf.viz.show([da, db], rankdir="LR")
"""),
    md("""
Two differences that follow. PyTorch *accumulates* into `.grad` (call `backward` twice and
the gradients add up, hence `zero_grad()` in training loops); a graphflow gradient is a
tensor, recomputed from the feeds on every run. And because gradients are graph nodes, the
second derivative is one more `gf.gradients` call (PyTorch needs `create_graph=True`):
"""),
    py("""
# PyTorch (imperative)
ta2 = torch.tensor(a_value, requires_grad=True)
(first,) = torch.autograd.grad((3 * ta2 ** 3).sum(), ta2, create_graph=True)
(second,) = torch.autograd.grad(first.sum(), ta2)
# graphflow (symbolic)
(d2a,) = gf.gradients(da, [a])
with gf.Session() as sess:
    g_second = sess.run(d2a, {a: a_value, b: b_value})
print("torch", second.numpy(), " graphflow", g_second, " (18 a)")
np.testing.assert_allclose(g_second, second.numpy())
"""),
    md("""
## 3.1 Forward, loss and backward through a ResNet

The tutorial's example: one random 64x64 RGB image with an integer label through a ResNet;
forward, loss, backward. graphflow's version is `graphflow.examples.resnet`
(conv-BN-ReLU blocks with identity shortcuts, global average pooling, a dense layer). A small
one (8 channels, one block) keeps the notebook quick. Images are NHWC in graphflow (TF1's
layout), NCHW in PyTorch.
"""),
    py("""
from graphflow.examples import resnet

rng = np.random.default_rng(0)
image_value = rng.uniform(0, 1, (1, 64, 64, 3)).astype(np.float32)
label_value = np.array([3], np.int32)

graph = gf.Graph()
with graph.as_default():
    image, label, loss, grads_and_vars = resnet.build(channels=8, blocks=1, seed=0)
    print(f"{len(graph.get_operations())} ops, of which "
          f"{sum(op.name.startswith('gradients/') for op in graph.get_operations())} backward")
    sess = gf.Session(graph=graph)
    sess.run(gf.global_variables_initializer())
    g_loss, g_grads = sess.run([loss, [g for g, _ in grads_and_vars]],
                               {image: image_value, label: label_value})
    weights = {v.op.name: sess.run(v) for _, v in grads_and_vars}
print("graphflow loss", g_loss)
"""),
    md("""
The whole graph is large (the variables' initializers and batch normalization alone are
dozens of ops); drawing each top-level scope as one node (`max_depth=1`) and the `gradients`
scope too shows the network's stages and where the backward part attaches:
"""),
    py("""
gf.viz.show(graph, collapse=["gradients"], max_depth=1, rankdir="LR")
"""),
    md("""
The same network in PyTorch, an `nn.Module` whose `forward` runs each step, given graphflow's
initial weights (filters are HWIO in graphflow, OIHW in PyTorch), so the two must agree
number for number: loss and every gradient.
"""),
    py("""
import torch.nn.functional as F


class TorchResNet(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        def param(value):
            return torch.nn.Parameter(torch.tensor(value))

        def conv(name):                            # HWIO -> OIHW
            return param(w[name].transpose(3, 2, 0, 1))

        def bn(name):
            return torch.nn.ParameterList([param(w[name + "/gamma"]), param(w[name + "/beta"])])

        self.stem, self.stem_bn = conv("stem/conv2d/kernel"), bn("stem/batch_normalization")
        self.a, self.a_bn = conv("block1/a/conv2d/kernel"), bn("block1/a/batch_normalization")
        self.b, self.b_bn = conv("block1/b/conv2d/kernel"), bn("block1/b/batch_normalization")
        self.dense, self.bias = param(w["logits/kernel"]), param(w["logits/bias"])

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
t_loss = F.cross_entropy(logits, torch.tensor(label_value, dtype=torch.int64))
t_loss.backward()
print("torch loss", t_loss.item())
np.testing.assert_allclose(t_loss.item(), g_loss, rtol=1e-4)
"""),
    py("""
# every gradient: shape and norm on both sides, then the values
# (the torch parameters in graphflow's order of trainable variables)
torch_params = [model.stem, *model.stem_bn, model.a, *model.a_bn, model.b, *model.b_bn,
                model.dense, model.bias]
torch_grads = [p.grad for p in torch_params]
print(f"{'d loss / d':<36} {'shape':<14} {'norm graphflow':>15} {'norm torch':>12}")
for (_, var), g_grad, t_grad in zip(grads_and_vars, g_grads, torch_grads):
    t_grad = t_grad.numpy()
    if t_grad.ndim == 4:                           # OIHW -> HWIO
        t_grad = t_grad.transpose(2, 3, 1, 0)
    print(f"{var.op.name:<36} {str(g_grad.shape):<14} {np.linalg.norm(g_grad):15.5g} "
          f"{np.linalg.norm(t_grad):12.5g}")
    np.testing.assert_allclose(g_grad, t_grad, rtol=1e-3, atol=1e-5)
print("same loss and gradients")
"""),
]

# -- 03 training loop -------------------------------------------------------------------------

TRAINING = [
    md("""
# 03 · A training loop: a model class versus a graph-building function

Following the tutorial's chapter 4: data, the model, loss and optimizer, then the main loop
with epochs, saving and accuracy. In PyTorch the model is a class whose `forward` runs every
step each time it is called; in graphflow a function *builds* the forward graph once, the
optimizer adds the backward and update ops to it, and the loop only feeds batches in.
"""),
    py("""
import os
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
import graphflow as gf

_ = torch.manual_seed(0)
# The model is tiny: one thread is PyTorch's fastest setting here, and it keeps PyTorch's
# thread pool from competing for the cores with the one of graphflow's compiled kernels
# (interleaved in one process, both pools spin-wait and slow each other down).
torch.set_num_threads(1)
"""),
    md("""
## 4.1 Data

The tutorial simulates its data. We use a small real data set that needs no download:
scikit-learn's 8x8 handwritten digits, through `gf.datasets.load_digits` (a fixed,
stratified train/test split; images scaled to [0, 1]). The model here is a small
multi-layer perceptron, so each image is flattened to 64 numbers. Both frameworks get
exactly the same arrays.
"""),
    py("""
(x_train, y_train), (x_test, y_test) = gf.datasets.load_digits(seed=0)
x_train, x_test = x_train.reshape(-1, 64), x_test.reshape(-1, 64)
print("train", x_train.shape, y_train.dtype, " test", x_test.shape,
      " images per class", np.bincount(y_train))
"""),
    md("""
## 4.2 The model

The same two-layer network (64 -> 32 ReLU -> 10 logits) both ways, starting from the same
random weights so the two runs can be compared step by step.
"""),
    py("""
rng = np.random.default_rng(0)
w1 = rng.normal(0, 0.2, (64, 32)).astype(np.float32)
w2 = rng.normal(0, 0.2, (32, 10)).astype(np.float32)


# PyTorch (imperative): a class; parameters made in __init__, forward() runs each step
class DigitsNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(64, 32)
        self.out = torch.nn.Linear(32, 10)
        with torch.no_grad():                      # the same start as graphflow's
            self.hidden.weight.copy_(torch.tensor(w1.T))
            self.hidden.bias.zero_()
            self.out.weight.copy_(torch.tensor(w2.T))
            self.out.bias.zero_()

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


torch_model = DigitsNet()
print(torch_model)
"""),
    py("""
# graphflow (symbolic): a function that builds the forward graph, once
def digits_net(x):
    h = gf.layers.dense(x, 32, activation=gf.nn.relu, name="hidden",
                        kernel_initializer=gf.constant_initializer(w1))
    return gf.layers.dense(h, 10, name="out", kernel_initializer=gf.constant_initializer(w2))


x = gf.placeholder(gf.float32, [None, 64], name="x")
labels = gf.placeholder(gf.int32, [None], name="labels")
logits = digits_net(x)
print(logits)
print([v.name for v in gf.trainable_variables()])
"""),
    md("""
`logits` is not a value but the end of a graph; calling `torch_model(batch)` computes one,
while here the batch arrives later through the placeholder `x` (its first dimension, `None`,
is the batch size, left open). The forward graph:
"""),
    py("""
gf.viz.show(logits, rankdir="LR")
"""),
    md("""
## 4.3 Loss and optimizer

The tutorial names three losses: mean squared error (regression, here on the softmax
probabilities against one-hot targets), cross-entropy (classification; its binary example
uses the sigmoid form, which applied to each class separately is one-vs-rest) and the hinge
loss (margin-based; `gf.losses.hinge_loss` takes 0/1 labels, turned into -1/+1). The same
untrained predictions, both ways:
"""),
    py("""
# PyTorch (imperative): values, computed now
t_logits = torch_model(torch.tensor(x_train))
t_labels = torch.tensor(y_train, dtype=torch.int64)
t_onehot = F.one_hot(t_labels, 10).float()
torch_losses = {
    "mse": F.mse_loss(torch.softmax(t_logits, dim=1), t_onehot),
    "softmax cross-entropy": F.cross_entropy(t_logits, t_labels),
    "sigmoid cross-entropy": F.binary_cross_entropy_with_logits(t_logits, t_onehot),
    "hinge": torch.clamp(1 - (2 * t_onehot - 1) * t_logits, min=0).mean(),
}

# graphflow (symbolic): loss tensors, computed when run
onehot = gf.one_hot(labels, 10)
graph_losses = {
    "mse": gf.losses.mean_squared_error(onehot, gf.nn.softmax(logits)),
    "softmax cross-entropy": gf.losses.sparse_softmax_cross_entropy(labels, logits),
    "sigmoid cross-entropy": gf.losses.sigmoid_cross_entropy(onehot, logits),
    "hinge": gf.losses.hinge_loss(onehot, logits),
}
sess = gf.Session()
sess.run(gf.global_variables_initializer())
values = sess.run(graph_losses, {x: x_train, labels: y_train})
for name, t in torch_losses.items():
    print(f"{name:<22} torch {t.item():.6f}   graphflow {values[name]:.6f}")
    np.testing.assert_allclose(values[name], t.item(), rtol=1e-5)
"""),
    md("""
We train with softmax cross-entropy and momentum SGD; TF1's momentum rule
(`accumulation = momentum * accumulation + gradient; w -= lr * accumulation`) is the one
`torch.optim.SGD(momentum=...)` uses, so both take the same steps. In PyTorch the optimizer
holds the parameters and `step()` changes them in place; in graphflow `minimize` adds the
gradients and the update ops to the graph and returns one op: running it is one step.
"""),
    py("""
loss = graph_losses["softmax cross-entropy"]
# graphflow (symbolic)
train = gf.train.MomentumOptimizer(learning_rate=0.1, momentum=0.9).minimize(loss)
correct = gf.equal(gf.argmax(logits, axis=1, output_type=gf.int32), labels)
accuracy = gf.reduce_mean(gf.cast(correct, gf.float32))
sess.run(gf.global_variables_initializer())   # also the optimizer's new slot variables
# PyTorch (imperative)
torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.1, momentum=0.9)
"""),
    md("""
The training graph: forward in blue, the backward ops (the `gradients` scope, drawn as one
node) in orange, the momentum updates in green. The loss's own scope is collapsed too.
"""),
    py("""
gf.viz.show(train, collapse=["gradients", "sparse_softmax_cross_entropy_loss"], max_depth=2,
            rankdir="LR")
"""),
    md("""
## 4.4 The main loop: epochs, saving, accuracy

The same shuffled batches go to both. PyTorch: forward, loss, `zero_grad`, `backward`,
`step`. graphflow: one `sess.run([loss, train], feed)`, where the loss fetched with the
update is the one computed before it. Every epoch we print the test accuracy and save a
checkpoint: `gf.train.Saver` writes every variable of the graph (the optimizer's momentum
slots too), `torch.save` writes the `state_dict` we give it.
"""),
    py("""
checkpoints = tempfile.mkdtemp()
saver = gf.train.Saver(max_to_keep=2)
order = np.random.default_rng(1)
batch_size, epochs = 64, 5
seconds = {"torch": [], "graphflow": []}    # per step
for epoch in range(1, epochs + 1):
    batches = np.array_split(order.permutation(len(x_train)), len(x_train) // batch_size)
    for index in batches:
        xb, yb = x_train[index], y_train[index]
        # PyTorch (imperative)
        start = time.perf_counter()
        t_loss = F.cross_entropy(torch_model(torch.tensor(xb)), torch.tensor(yb, dtype=torch.int64))
        torch_opt.zero_grad()
        t_loss.backward()
        torch_opt.step()
        seconds["torch"].append(time.perf_counter() - start)
        # graphflow (symbolic)
        start = time.perf_counter()
        g_loss, _ = sess.run([loss, train], {x: xb, labels: yb})
        seconds["graphflow"].append(time.perf_counter() - start)
        np.testing.assert_allclose(g_loss, t_loss.item(), rtol=2e-3)
    g_accuracy = sess.run(accuracy, {x: x_test, labels: y_test})
    with torch.no_grad():
        t_accuracy = (torch_model(torch.tensor(x_test)).argmax(1).numpy() == y_test).mean()
    path = saver.save(sess, os.path.join(checkpoints, "digits"), global_step=epoch)
    torch.save(torch_model.state_dict(), os.path.join(checkpoints, f"torch-{epoch}.pt"))
    print(f"epoch {epoch}  loss {g_loss:.4f} (torch {t_loss.item():.4f})  test accuracy "
          f"{g_accuracy:.3f} (torch {t_accuracy:.3f})  saved {os.path.basename(path)}")
torch_s, graph_s = sum(seconds["torch"]), sum(seconds["graphflow"])
print(f"{epochs} epochs, {len(seconds['torch'])} steps: torch {torch_s:.2f} s, graphflow "
      f"{graph_s:.2f} s, of which {seconds['graphflow'][0]:.2f} s for the first run (it compiles "
      "the kernels)")
np.testing.assert_allclose(g_accuracy, t_accuracy, atol=0.01)
assert g_accuracy > 0.9
"""),
    md("""
Restoring: graphflow restores values into a session of a graph that has the same variables
(here the same graph; a new process would first rebuild it with `digits_net`); PyTorch loads
a `state_dict` into a freshly made model. Both predict as before.
"""),
    py("""
# graphflow (symbolic)
fresh = gf.Session()
saver.restore(fresh, gf.train.latest_checkpoint(checkpoints))
np.testing.assert_array_equal(fresh.run(logits, {x: x_test}), sess.run(logits, {x: x_test}))
# PyTorch (imperative)
restored = DigitsNet()
restored.load_state_dict(torch.load(os.path.join(checkpoints, f"torch-{epochs}.pt")))
with torch.no_grad():
    np.testing.assert_array_equal(restored(torch.tensor(x_test)).numpy(),
                                  torch_model(torch.tensor(x_test)).numpy())
print("restored accuracy", fresh.run(accuracy, {x: x_test, labels: y_test}))
print(sorted(os.listdir(checkpoints)))
"""),
]

# -- 04 inside the compiler -------------------------------------------------------------------

COMPILER = [
    md("""
# 04 · Inside the compiler

PyTorch runs each operation as Python reaches it: every line is one kernel call and one new
tensor. `Session.run` instead sees the whole graph before computing anything, so it can
*compile* the part a run needs: fold constants, merge duplicates, drop useless work, and
fuse chains of elementwise ops into one generated loop. This notebook shows each pass with
the program before and after, the fused kernels with their generated source, the compiled
Plan drawn, and what it buys against NumPy executed eagerly.
"""),
    py("""
import textwrap
import timeit

import numpy as np
import graphflow as gf
from graphflow import subgraph
from graphflow.compiler import PIPELINE, compile_subgraph

for name, run in PIPELINE:                   # (name, pass): a pass maps Program -> Program
    summary = " ".join(run.__doc__.split()).split(". ")[0].rstrip(".")
    print(textwrap.fill(summary, 96, initial_indent=f"{name:<20} ", subsequent_indent=" " * 21))
"""),
    md("""
## The passes, one at a time

A tiny program in which every pass has something to do: a constant expression (`fold`),
the same `exp(x)` written twice (`cse`), `* 1.0 + 0.0` (`simplify`), a variable update
(`expand updates` turns `AssignSub` into an explicit read, subtract and write) and a chain
of elementwise ops (`fuse`).
"""),
    py("""
x = gf.placeholder(gf.float32, [4], name="x")
v = gf.Variable(gf.zeros([4]), name="v")
scale = gf.constant(2.0) * 3.0               # fold: computed once, at compile time
y = gf.exp(x) * scale + gf.exp(x)            # cse: exp(x) twice, computed once
z = y * 1.0 + 0.0                            # simplify: identities removed
step = v.assign_sub(0.1 * z)                 # expand updates, then fuse
feed = {x: np.ones(4, np.float32)}
"""),
    md("""
`compile_subgraph(sub, disabled=[...])` runs the pipeline with some passes left out, so
leaving out every pass from the *i*-th on gives the program just before it. Each line shows
what a pass removed (-) and added (+):
"""),
    py("""
sub = subgraph.extract((), (step.op,), frozenset(feed))   # the ops this run needs
names = [name for name, _ in PIPELINE]


def listing(program):
    return [f"{op.type} '{op.name}'" for op in program.ops]


programs = [compile_subgraph(sub, disabled=names[i:])[0] for i in range(len(names) + 1)]
print(f"copy of the graph: {len(programs[0].ops)} ops")
for name, before, after in zip(names, programs, programs[1:]):
    old, new = listing(before), listing(after)
    print(f"{name:<20} -{[s for s in old if s not in new]}")
    print(f"{'':<20} +{[s for s in new if s not in old]}")
print(f"after all passes: {len(programs[-1].ops)} ops")
"""),
    md("""
The program before any pass and after all of them (a program's ops can be drawn like graph
ops). After `fuse`, the whole computation is a single `Fused` op: one loop over the four
elements that reads `x` and `v` and computes the new value of `v`, which the `Assign` stores.
The constant `2.0 * 3.0` is now one `Const` holding 6.
"""),
    py("""
gf.viz.show(programs[0].ops, rankdir="LR", legend=False)
"""),
    py("""
gf.viz.show(programs[-1].ops, rankdir="LR", legend=False)
"""),
    py("""
sess = gf.Session()
sess.run(v.initializer)
sess.run(step, feed)
reference = gf.Session(backend="numpy")                 # op by op, no compiler: the oracle
reference.run(v.initializer)
reference.run(step, feed)
np.testing.assert_allclose(sess.run(v), reference.run(v), rtol=1e-6)
np.testing.assert_allclose(sess.run(v), -0.1 * 7 * np.exp(1.0) * np.ones(4), rtol=1e-6)
print(sess.run(v))
"""),
    md("""
## A training step: `explain()`, kernels and their source

A dense layer, a loss and gradient descent. `sess.plan(fetches, feed)` returns the compiled
Plan that `run` executes; `explain()` prints the op counts (by kind) before and after each
pass, then the steps.
"""),
    py("""
g = gf.Graph()
with g.as_default():
    gx = gf.placeholder(gf.float32, [None, 4], name="x")
    gy = gf.placeholder(gf.float32, [None, 1], name="y")
    pred = gf.layers.dense(gx, 1, activation=gf.tanh)
    loss = gf.reduce_mean(gf.square(pred - gy) * 0.5 + 0.0)
    train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    init = gf.global_variables_initializer()
train_feed = {gx: np.ones((8, 4), np.float32), gy: np.zeros((8, 1), np.float32)}

train_sess = gf.Session(graph=g)
train_sess.run(init)
train_sess.run(train, train_feed)      # kernels compile on first sight of the shapes
plan = train_sess.plan(train, train_feed)
print(plan.explain())
"""),
    md("""
The fused kernels: each lists the original ops it computes, and its generated source has one
line per op, with a comment naming the op and the line that created it (here a cell of this
notebook). The optimizer's update of each variable is one kernel: read, scale, subtract and
write in one pass over the weights.
"""),
    py("""
for kernel in plan.kernels():
    print(f"{kernel['name']:<48} <- {kernel['ops']}")
update = [k for k in plan.kernels() if any("update" in op for op in k["ops"])][0]
print()
print(update["variants"][0]["source"])
"""),
    md("""
The Plan drawn: each fused kernel is a cluster of the ops it computes.
"""),
    py("""
gf.viz.show(plan, rankdir="LR", legend=False)
"""),
    md("""
## Running again: a replay

The second run with the same feed shapes is *traced*, and every later run calls one generated
Python function instead of walking the Plan: a line per step, with the compiled kernels, their
buffers and everything that never changes between runs (constants, shapes, the `1/batch` of
the mean's gradient) bound in advance as `C...` names. Values computed per run are `v...`.
That is how a small `run` costs microseconds. Look for the kernel's weight update: the matmul
that computes its gradient does it (`# and ..., in place`), because BLAS's GEMM can add
`-lr * x.T @ g` straight into the weights, and the update kernel is `(not needed)`.
"""),
    py("""
for _ in range(2):
    train_sess.run(train, train_feed)
(replay,) = plan.replays.values()
print(replay.source)
"""),
    md("""
## Eager versus compiled

Workload W1 of our benchmarks (`benchmarks/run.py`): an elementwise chain over a million
floats. NumPy executed eagerly, like PyTorch's CPU mode, makes a temporary array per
operation and passes over memory once per op; graphflow's numpy backend interprets the graph
the same way; the default (numba) backend fuses the chain into one loop.
"""),
    py("""
n = 1_000_000
data = np.random.default_rng(0).uniform(-3, 3, n).astype(np.float32)


def numpy_eager(v):
    return np.tanh(v * 1.5 + 0.5) / (1 + np.exp(-v)) + 0.5 * v * v


wx = gf.placeholder(gf.float32, [None], name="wx")
wy = gf.tanh(wx * 1.5 + 0.5) * gf.sigmoid(wx) + 0.5 * wx * wx
compiled_sess, interpreted_sess = gf.Session(), gf.Session(backend="numpy")
np.testing.assert_allclose(compiled_sess.run(wy, {wx: data}), numpy_eager(data),
                           rtol=1e-5, atol=1e-5)
np.testing.assert_allclose(interpreted_sess.run(wy, {wx: data}), numpy_eager(data),
                           rtol=1e-5, atol=1e-5)
for kernel in compiled_sess.plan(wy, {wx: data}).kernels():
    print(f"one kernel for {len(kernel['ops'])} ops: {kernel['ops']}")


def best_ms(f):
    return min(timeit.repeat(f, number=5, repeat=3)) / 5 * 1e3


eager = best_ms(lambda: numpy_eager(data))
interpreted = best_ms(lambda: interpreted_sess.run(wy, {wx: data}))
compiled = best_ms(lambda: compiled_sess.run(wy, {wx: data}))
print(f"numpy eager                 {eager:6.2f} ms")
print(f"graphflow, numpy backend    {interpreted:6.2f} ms")
print(f"graphflow, compiled (numba) {compiled:6.2f} ms  ({eager / compiled:.1f}x eager's speed)")
"""),
    md("""
Timings depend on the machine (these outputs come from the run that filled in the notebook).
The compiled run also pays for feeding (a copy in) and fetching (a fresh array out); what it
saves is the temporaries and the repeated passes over memory. The numpy backend is slower
than the hand-written eager line because it is the *reference*: every op uses its numerically
safe NumPy formulation (the sigmoid, for instance, never overflows `exp` for large negative
inputs, as `1 / (1 + np.exp(-v))` does) and its job is to be the oracle the compiled kernels
are tested against, not to be fast.
"""),
]

# -- 05 control flow and RNNs -----------------------------------------------------------------

CONTROL_FLOW = [
    md("""
# 05 · Control flow and RNNs: Python's `if` and `for` versus ops in the graph

In PyTorch, control flow is Python's: an `if` picks a branch, a loop calls the LSTM cell once
per time step, and autograd records whatever ran. A graphflow graph is built **once**, before
any value exists, and then run many times with different feeds, so a choice or a loop that
depends on the data has to be an op *in* the graph: `gf.cond` and `gf.while_loop` (TF1's
names). On top of them, `gf.TensorArray` collects one value per iteration and
`gf.nn.dynamic_rnn` runs an RNN cell over time. Each step below shows both sides and checks
that they agree.
"""),
    py("""
import numpy as np
import torch
import torch.nn.functional as F
import graphflow as gf

torch.set_num_threads(1)    # tiny models: one thread is fastest and leaves the cores to graphflow
_ = torch.manual_seed(0)
gf.set_random_seed(0)      # graphflow's initializers draw from it
sess = gf.Session()
"""),
    md("""
## 1 Choices and loops in the graph

### A Python `if` versus `gf.cond`

A logarithm that is 0 for inputs that are not positive. PyTorch decides with a Python `if`
on the value. A graphflow placeholder has no value while the graph is built, so a Python
`if` on it is an error, not a silent choice made once:
"""),
    py("""
# PyTorch (imperative): the if runs on the value, now
def torch_safe_log(x):
    return torch.log(x) if x > 0 else torch.zeros(())


print([torch_safe_log(torch.tensor(v)).item() for v in (2.0, -1.0)])

# graphflow (symbolic): x is a node; its value arrives with a feed
x = gf.placeholder(gf.float32, [], name="x")
try:
    if x > 0:
        pass
except TypeError as error:
    print("TypeError:", error)
"""),
    md("""
`gf.cond(pred, true_fn, false_fn)` puts the choice in the graph: both functions are called
once, to build both branches, and at run time the `Cond` op runs **only the branch the
predicate picks**. To show it, the `log` branch checks its result with `check_numerics`,
which fails the run on a NaN (the log of a negative number): fed `-1`, that branch does not
run, so nothing fails.
"""),
    py("""
def log_branch():   # fails the run if it computes a NaN
    return gf.debugging.check_numerics(gf.log(x), "log of x")


safe_log = gf.cond(x > 0, log_branch, lambda: gf.constant(0.0))
for value in (2.0, -1.0):
    g, t = sess.run(safe_log, {x: value}), torch_safe_log(torch.tensor(value)).item()
    print(f"x = {value:4}   graphflow {g:.6f}   torch {t:.6f}")
    np.testing.assert_allclose(g, t, rtol=1e-6)
"""),
    md("""
`gf.where(pred, a, b)` is no substitute: it is an elementwise op whose inputs `a` and `b`
are both computed before it picks, so the failing side runs too:
"""),
    py("""
both_sides = gf.where(x > 0, log_branch(), 0.0)
print(sess.run(both_sides, {x: 2.0}))
try:
    sess.run(both_sides, {x: -1.0})
except gf.errors.InvalidArgumentError as error:
    print(type(error).__name__, "-", str(error).splitlines()[0])
"""),
    md("""
### A Python `while` versus `gf.while_loop`

The Collatz sequence: halve an even number, map an odd one to `3n + 1`, stop at 1. How many
steps that takes depends on the number, so the trip count is known only at run time. PyTorch
runs a Python `while` and appends to a list. In graphflow,
`gf.while_loop(cond, body, loop_vars)` builds the condition and the body once; the `While` op
runs them until the condition is false. A `gf.TensorArray` plays the list (`write` returns
the array with one more element, carried as a loop variable), and `n` is fed at run time:
one graph for every `n`.
"""),
    py("""
# PyTorch (imperative)
def torch_collatz(n):
    path = [n]
    while path[-1] > 1:
        v = path[-1]
        path.append(v // 2 if v % 2 == 0 else 3 * v + 1)
    return torch.stack(path)


# graphflow (symbolic)
n = gf.placeholder(gf.int32, [], name="n")
body_calls = []


def keep_going(i, v, visited):
    return v > 1


def step(i, v, visited):
    body_calls.append(i)     # Python runs this once, while the graph is built
    next_v = gf.where(gf.equal(v % 2, 0), v // 2, 3 * v + 1)
    return i + 1, next_v, visited.write(i, v)


visited = gf.TensorArray(gf.int32, size=0, dynamic_size=True)
steps, last, visited = gf.while_loop(keep_going, step, [0, n, visited])
path = gf.concat([visited.stack(), [last]], axis=0)

for value in (6, 7, 27):
    g_steps, g_path = sess.run([steps, path], {n: value})
    t_path = torch_collatz(torch.tensor(value))
    np.testing.assert_array_equal(g_path, t_path.numpy())
    print(f"n = {value:<3} {g_steps:4} steps   {' '.join(map(str, g_path[:10]))} ...")
print(f"the Python body ran {len(body_calls)} time; the loop ran "
      f"{sum(sess.run(steps, {n: v}) for v in (6, 7, 27))} iterations")
"""),
    md("""
### Why the graph needs them

That is the reason for these ops: the Python code that builds a graph runs once, so it
cannot branch or loop on values that arrive later. PyTorch has no such split, since the
Python code *is* the computation, run again for each input. The price of the graph is this
indirection; what it buys is a program that exists before it runs, which graphflow can
compile (the body is a compiled sub-plan, §4), differentiate (§3) and draw:
"""),
    py("""
gf.viz.show([steps, path], rankdir="LR", legend=False)
"""),
    md("""
The `while` cluster holds the body, drawn once however many times it runs: its inputs are
placeholders (`Identity`, `Identity_1`, `Identity_2`: the loop variables `i`, `v`,
`visited`) that the `While` op feeds each iteration, and its `Exit` outputs are the final
loop variables. (The small `gradients` cluster inside is the body's gradient, which graphflow
builds when the loop is made because a TensorArray is carried; for this integer loop it is
never used.)
"""),
    md("""
## 2 An RNN: a Python loop over time versus `dynamic_rnn`

An LSTM over a batch of 2 sequences of 5 steps, 3 features, 4 units. graphflow first:
`BasicLSTMCell` is TF1's, and `dynamic_rnn` puts a `While` in the graph whose body is *one*
step of the cell; the number of steps is read from the input at run time (`[batch, None,
depth]`). The bias starts at zero; we load a random one so that a mix-up of the gates would
show.
"""),
    py("""
batch, depth, units = 2, 3, 4
rng = np.random.default_rng(0)
xs = rng.normal(size=(batch, 5, depth)).astype(np.float32)

# graphflow (symbolic)
inputs = gf.placeholder(gf.float32, [None, None, depth], name="inputs")
cell = gf.nn.rnn_cell.BasicLSTMCell(units)
outputs, state = gf.nn.dynamic_rnn(cell, inputs, dtype=gf.float32)
kernel_var, bias_var = cell.variables
sess.run(gf.global_variables_initializer())
bias_var.load(rng.normal(0, 0.5, 4 * units).astype(np.float32), sess)
kernel, bias = sess.run([kernel_var, bias_var])
print(outputs)
print(state)
print(kernel_var.name, kernel.shape, bias_var.name, bias.shape)
"""),
    md("""
PyTorch's `nn.LSTMCell` computes the same function with its parameters laid out
differently, so copying the weights takes care:

- **weights**: graphflow has one `kernel` `[depth + units, 4 units]` that multiplies
  `concat([x, h])`; PyTorch has `weight_ih` `[4 units, depth]` for `x` and `weight_hh`
  `[4 units, units]` for `h`.
- **gate order**: graphflow's blocks are `i, j, f, o` (`j` is the candidate, PyTorch's `g`);
  PyTorch's are `i, f, g, o`.
- **bias**: graphflow has one `bias` and adds `forget_bias=1.0` to `f` at run time; PyTorch
  adds `bias_ih + bias_hh`.

So: transpose the kernel, reorder its four blocks of rows, split the columns into the input
and the hidden part, and fold the forget bias into `bias_ih` (with `bias_hh` zero). The
PyTorch RNN is a Python loop over time, one cell call per step.
"""),
    py("""
def torch_lstm_cell(kernel, bias, forget_bias=1.0):
    \"\"\"An nn.LSTMCell computing what BasicLSTMCell(kernel, bias) computes.\"\"\"
    n = kernel.shape[1] // 4
    d = kernel.shape[0] - n
    i, j, f, o = np.split(kernel.T, 4)                 # each [units, depth + units]
    bi, bj, bf, bo = np.split(bias, 4)
    weight = np.concatenate([i, f, j, o])               # torch's gate order
    torch_cell = torch.nn.LSTMCell(d, n)
    with torch.no_grad():
        torch_cell.weight_ih.copy_(torch.tensor(weight[:, :d]))
        torch_cell.weight_hh.copy_(torch.tensor(weight[:, d:]))
        torch_cell.bias_ih.copy_(torch.tensor(np.concatenate([bi, bf + forget_bias, bj, bo])))
        torch_cell.bias_hh.zero_()
    return torch_cell


def torch_rnn(torch_cell, x):
    \"\"\"x [batch, time, depth] -> (outputs [batch, time, units], (c, h)).\"\"\"
    h = c = torch.zeros(x.shape[0], torch_cell.hidden_size)
    hs = []
    for t in range(x.shape[1]):           # the loop is Python's
        h, c = torch_cell(x[:, t], (h, c))
        hs.append(h)
    return torch.stack(hs, dim=1), (c, h)


# PyTorch (imperative)
torch_cell = torch_lstm_cell(kernel, bias)
t_outputs, (t_c, t_h) = torch_rnn(torch_cell, torch.tensor(xs))

g_outputs, g_state = sess.run([outputs, state], {inputs: xs})
print("h of sequence 0, step by step:")
print(f"{'t':>2}  {'graphflow':<40}  torch")
for t in range(xs.shape[1]):
    print(f"{t:>2}  {np.array2string(g_outputs[0, t], precision=5):<40}  "
          f"{np.array2string(t_outputs[0, t].detach().numpy(), precision=5)}")
np.testing.assert_allclose(g_outputs, t_outputs.detach().numpy(), atol=1e-5)
np.testing.assert_allclose(g_state.c, t_c.detach().numpy(), atol=1e-5)
np.testing.assert_allclose(g_state.h, t_h.detach().numpy(), atol=1e-5)
print("same outputs and final state (c, h)")
"""),
    md("""
The loop is in the graph, so a longer sequence is just a bigger feed: the graph does not
change. `static_rnn`, TF1's other RNN, is the Python loop again, at build time: it unrolls
the cell once per step of a fixed-length list, and the graph grows with the length. Called
with the same `cell`, it shares its weights:
"""),
    py("""
graph = gf.get_default_graph()
ops_before = len(graph.get_operations())
long_xs = rng.normal(size=(batch, 50, depth)).astype(np.float32)
g_long = sess.run(outputs, {inputs: long_xs})
t_long, _ = torch_rnn(torch_cell, torch.tensor(long_xs))
np.testing.assert_allclose(g_long, t_long.detach().numpy(), atol=1e-5)
print(f"50 steps: the same {len(graph.get_operations())} ops "
      f"(was {ops_before}); outputs {g_long.shape}")

steps_list = gf.unstack(gf.constant(xs), axis=1)     # a Python list of 5 [batch, depth] tensors
static_outputs, _ = gf.nn.static_rnn(cell, steps_list, dtype=gf.float32)
print(f"static_rnn over 5 steps added {len(graph.get_operations()) - ops_before} ops")
np.testing.assert_allclose(sess.run(gf.stack(static_outputs, axis=1)), g_outputs, atol=1e-6)
"""),
    md("""
Sequences of different lengths in one batch: `sequence_length` makes each row stop at its
length (zeros as output from there on, the state kept), as PyTorch's packed sequences do for
`nn.LSTM`, which gets the same weights:
"""),
    py("""
lengths = np.array([5, 3], np.int32)
# graphflow (symbolic): a second RNN in the graph, with the same cell (the same weights)
seq_len = gf.placeholder(gf.int32, [None], name="seq_len")
ragged, ragged_state = gf.nn.dynamic_rnn(cell, inputs, sequence_length=seq_len,
                                         dtype=gf.float32, scope="ragged")
g_ragged, g_ragged_state = sess.run([ragged, ragged_state], {inputs: xs, seq_len: lengths})
# PyTorch (imperative)
lstm = torch.nn.LSTM(depth, units, batch_first=True)
with torch.no_grad():
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(lstm, name + "_l0").copy_(getattr(torch_cell, name))
packed = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(xs), torch.tensor(lengths),
                                                 batch_first=True, enforce_sorted=False)
t_packed, (t_h_n, t_c_n) = lstm(packed)
t_ragged, _ = torch.nn.utils.rnn.pad_packed_sequence(t_packed, batch_first=True)
print("sequence 1 (length 3), h per step:")
print(np.array2string(g_ragged[1], precision=5))
np.testing.assert_allclose(g_ragged, t_ragged.detach().numpy(), atol=1e-5)
np.testing.assert_allclose(g_ragged_state.h, t_h_n[0].detach().numpy(), atol=1e-5)
np.testing.assert_allclose(g_ragged_state.c, t_c_n[0].detach().numpy(), atol=1e-5)
np.testing.assert_allclose(g_ragged[1, :3], g_outputs[1, :3], atol=1e-6)
"""),
    md("""
## 3 Gradients through the loop

PyTorch's tape recorded every cell call of the Python loop, and `backward()` walks them back.
`gf.gradients` adds a `WhileGrad` op to the graph: it runs the gradient of the loop's body
over the iterations in reverse, reading the values the forward loop saved for it (TF1 keeps
them on stacks too). The same loss both ways, and the gradients with respect to the kernel,
the bias and the inputs; torch's gradients are put back into TF1's layout (the inverse of
the copy above).
"""),
    py("""
targets = rng.normal(size=(batch, 5, units)).astype(np.float32)

# graphflow (symbolic)
loss = gf.reduce_mean(gf.square(outputs - targets)) + gf.reduce_sum(state.c)
grads = gf.gradients(loss, [kernel_var, bias_var, inputs])
g_loss, g_grads = sess.run([loss, grads], {inputs: xs})

# PyTorch (imperative)
t_inputs = torch.tensor(xs, requires_grad=True)
t_out, (t_c, _) = torch_rnn(torch_cell, t_inputs)
t_loss = ((t_out - torch.tensor(targets)) ** 2).mean() + t_c.sum()
t_loss.backward()


def tf1_layout(cell_grads):
    \"\"\"weight_ih, weight_hh, bias_ih gradients -> kernel and bias gradients (i, j, f, o).\"\"\"
    w_ih, w_hh, b_ih = cell_grads
    i, f, g, o = np.split(np.concatenate([w_ih, w_hh], axis=1), 4)
    bi, bf, bg, bo = np.split(b_ih, 4)
    return np.concatenate([i, g, f, o]).T, np.concatenate([bi, bg, bf, bo])


t_grads = [*tf1_layout([torch_cell.weight_ih.grad.numpy(), torch_cell.weight_hh.grad.numpy(),
                        torch_cell.bias_ih.grad.numpy()]), t_inputs.grad.numpy()]
print(f"loss: graphflow {g_loss:.6f}   torch {t_loss.item():.6f}")
print(f"{'d loss / d':<28} {'shape':<10} {'norm graphflow':>15} {'norm torch':>12}")
for wrt, g, t in zip([kernel_var, bias_var, inputs], g_grads, t_grads):
    print(f"{wrt.name:<28} {str(g.shape):<10} {np.linalg.norm(g):15.6f} {np.linalg.norm(t):12.6f}")
    np.testing.assert_allclose(g, t, rtol=1e-4, atol=1e-6)
np.testing.assert_allclose(g_loss, t_loss.item(), rtol=1e-5)
"""),
    md("""
### Training a tiny character model

A next-character model on one short string: one-hot characters into the LSTM (16 units),
a dense layer to the vocabulary, softmax cross-entropy, SGD with momentum (TF1's
`MomentumOptimizer` and `torch.optim.SGD(momentum=...)` take the same steps, as in notebook
03). graphflow gets a graph of
its own (so `minimize` sees only this model's variables); PyTorch gets the same initial
weights. One detail of the copy matters now: torch has two biases, and both would receive
the same gradient, so SGD would move their sum twice as far as TF1's single bias. We train
`bias_ih` (which holds the forget bias) and freeze `bias_hh` at zero.
"""),
    py("""
text = "hello graphflow. hello torch. "
vocab = sorted(set(text))
ids = np.array([vocab.index(c) for c in text], np.int32)
chars_in, chars_next = ids[None, :-1], ids[None, 1:]
char_units, lr, momentum, train_steps = 16, 0.2, 0.9, 50
w_dense = rng.normal(0, 0.3, (char_units, len(vocab))).astype(np.float32)

# graphflow (symbolic)
char_graph = gf.Graph()
with char_graph.as_default():
    chars = gf.placeholder(gf.int32, [1, None], name="chars")
    next_chars = gf.placeholder(gf.int32, [1, None], name="next_chars")
    char_cell = gf.nn.rnn_cell.BasicLSTMCell(char_units)
    hidden, _ = gf.nn.dynamic_rnn(char_cell, gf.one_hot(chars, len(vocab)), dtype=gf.float32)
    logits = gf.layers.dense(hidden, len(vocab), name="dense",
                             kernel_initializer=gf.constant_initializer(w_dense))
    char_loss = gf.losses.sparse_softmax_cross_entropy(next_chars, logits)
    train = gf.train.MomentumOptimizer(lr, momentum).minimize(char_loss)
    char_sess = gf.Session(graph=char_graph)
    char_sess.run(gf.global_variables_initializer())
    char_kernel, char_bias = char_sess.run(char_cell.variables)

# PyTorch (imperative)
t_char_cell = torch_lstm_cell(char_kernel, char_bias)
t_char_cell.bias_hh.requires_grad_(False)
t_dense = torch.nn.Linear(char_units, len(vocab))
with torch.no_grad():
    t_dense.weight.copy_(torch.tensor(w_dense.T))
    t_dense.bias.zero_()
t_params = [t_char_cell.weight_ih, t_char_cell.weight_hh, t_char_cell.bias_ih,
            *t_dense.parameters()]
t_opt = torch.optim.SGD(t_params, lr=lr, momentum=momentum)
t_chars_in = F.one_hot(torch.tensor(chars_in, dtype=torch.int64), len(vocab)).float()
t_chars_next = torch.tensor(chars_next[0], dtype=torch.int64)

feed = {chars: chars_in, next_chars: chars_next}
for step in range(1, train_steps + 1):
    g_step_loss, _ = char_sess.run([char_loss, train], feed)
    t_hidden, _ = torch_rnn(t_char_cell, t_chars_in)
    t_step_loss = F.cross_entropy(t_dense(t_hidden)[0], t_chars_next)
    t_opt.zero_grad()
    t_step_loss.backward()
    t_opt.step()
    np.testing.assert_allclose(g_step_loss, t_step_loss.item(), rtol=1e-4)
    if step == 1 or step % 10 == 0:
        print(f"step {step:>2}  loss graphflow {g_step_loss:.5f}   torch {t_step_loss.item():.5f}")
"""),
    py("""
# what each model now predicts after each character of the string
g_pred = char_sess.run(logits, feed)[0].argmax(axis=1)
with torch.no_grad():
    t_pred = t_dense(torch_rnn(t_char_cell, t_chars_in)[0])[0].argmax(dim=1).numpy()
print("text      ", repr(text[1:]))
print("graphflow ", repr("".join(vocab[k] for k in g_pred)))
print("torch     ", repr("".join(vocab[k] for k in t_pred)))
print(f"next character right: graphflow {np.mean(g_pred == ids[1:]):.2f}, "
      f"torch {np.mean(t_pred == ids[1:]):.2f}")
assert np.mean(g_pred == t_pred) > 0.95
"""),
    md("""
## 4 Looking inside

`sess.plan(fetches, feed).explain()` lists the compiled steps of a run. A `While` (or
`Cond`, or `WhileGrad`) is one step that holds its bodies as compiled sub-plans, each with
its own fused kernels; the step calls them from Python once per iteration (or branch
taken). For a `While`, body 0 is the condition and body 1 the body; body 2 is the body that
also hands out the values its gradient reads, used by runs that need them, like this one.
The plan of the gradient run of §3: its step count, its two control-flow steps, and their
bodies:
"""),
    py("""
explained = sess.plan(grads, {inputs: xs}).explain().splitlines()
steps_at = next(i for i, line in enumerate(explained) if line.startswith("steps"))
bodies_at = next(i for i, line in enumerate(explained) if line.startswith("While"))
print(explained[steps_at])
print("\\n".join(line for line in explained[steps_at:bodies_at] if "nested" in line))
print("\\n".join(explained[bodies_at:]))
"""),
    md("""
The graph of the LSTM drawn: the `rnn` scope holds the set-up (zero state, the TensorArrays
for inputs and outputs), the `While` op, and, as the `while` cluster, the body: one LSTM step
(`MatMul` of `concat([x, h])` with the kernel, `split` into the gates, sigmoids and tanhs),
drawn once. The captured kernel and bias enter it as `Enter` nodes. The body's own gradient
(built with the loop) is collapsed into one orange node.
"""),
    py("""
gf.viz.show(outputs, rankdir="LR", collapse=["rnn/while/gradients"], legend=False)
"""),
]

NOTEBOOKS = {
    "01_tensors.ipynb": TENSORS,
    "02_autograd.ipynb": AUTOGRAD,
    "03_training_loop.ipynb": TRAINING,
    "04_inside_the_compiler.ipynb": COMPILER,
    "05_rnn_and_control_flow.ipynb": CONTROL_FLOW,
}


def build(cells):
    """A notebook (no outputs yet) from ``(kind, source)`` pairs; cell ids are stable."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown"
                else nbformat.v4.new_code_cell(src) for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
    return nb


def execute(nb, timeout=120):
    """Run ``nb`` top to bottom in a fresh kernel of *this* interpreter, with notebooks/ as
    the working directory and this checkout importable; raises on the first failing cell.

    The kernel name "python3" may resolve to another Python (a kernelspec installed for a
    different environment), so a kernelspec pointing at ``sys.executable`` is written to a
    temporary directory that JUPYTER_PATH puts first."""
    import json
    import os
    import tempfile

    import nbclient

    root = str(HERE.parent)
    with tempfile.TemporaryDirectory() as jupyter_path:
        spec_dir = os.path.join(jupyter_path, "kernels", "python3")
        os.makedirs(spec_dir)
        spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3", "language": "python"}
        with open(os.path.join(spec_dir, "kernel.json"), "w") as f:
            json.dump(spec, f)
        env = {"JUPYTER_PATH": os.pathsep.join(filter(None, [jupyter_path,
                                                             os.environ.get("JUPYTER_PATH")])),
               "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                             resources={"metadata": {"path": str(HERE)}})
            client.execute()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return nb


def main(names=None):
    import time

    import nbformat

    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        start = time.perf_counter()
        nb = execute(build(cells))
        nbformat.write(nb, HERE / name)
        print(f"wrote {name} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
