"""gf.viz: graphs and numba Plans as DOT, and as SVG through Graphviz's dot."""

import re
import shutil
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors, viz

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot not installed")
SVG_TITLE = "{http://www.w3.org/2000/svg}title"


def training_graph():
    g = gf.Graph()
    with g.as_default():
        x = gf.placeholder(gf.float32, [None, 784], name="x")
        y = gf.placeholder(gf.float32, [None, 10], name="y")
        with gf.name_scope("layer1"):
            w = gf.Variable(gf.zeros([784, 10]), name="W")
            b = gf.Variable(gf.zeros([10]), name="b")
            logits = gf.matmul(x, w) + b
        with gf.name_scope("loss"):
            loss = gf.reduce_mean(gf.square(logits - y))
        train = gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return g, x, y, loss, train


def node_line(dot, name):
    """The DOT line of the node drawing op ``name`` (its tooltip starts with the full name)."""
    lines = [line for line in dot.splitlines() if f'tooltip="{name}\\n' in line]
    assert len(lines) == 1, (name, lines)
    return lines[0]


def node_id(dot, name):
    return re.match(r'\s*"(n\d+)"', node_line(dot, name)).group(1)


def attr(line, key):
    return re.search(rf'\b{key}=("(?:[^"\\]|\\.)*"|[^,\]]+)', line).group(1).strip('"')


def nodes_and_edges(dot):
    nodes = re.findall(r'^\s*"([^"]+)" \[label=', dot, flags=re.M)
    edges = re.findall(r'^\s*"([^"]+)" -> "([^"]+)"(?! \[style=invis)', dot, flags=re.M)
    return [n for n in nodes if not n.startswith("legend_")], edges


def test_training_graph_dot_has_scopes_roles_shapes_and_edge_labels():
    g, *_ = training_graph()
    dot = gf.viz.to_dot(g)
    assert dot.startswith("digraph graphflow {") and dot.endswith("}\n")
    for scope in ["layer1", "loss", "gradients", "gradients/loss", "GradientDescent"]:
        assert f'subgraph "cluster_{scope}" {{' in dot
    # nested: the cluster of a/b sits inside the one of a (one level deeper)
    outer = next(li for li in dot.splitlines() if 'subgraph "cluster_gradients" {' in li)
    inner = next(li for li in dot.splitlines() if 'subgraph "cluster_gradients/loss" {' in li)
    assert len(inner) - len(inner.lstrip()) == len(outer) - len(outer.lstrip()) + 2
    assert dot.index('"cluster_gradients"') < dot.index('"cluster_gradients/loss"')

    fills = {role: attr(node_line(dot, name), "fillcolor") for role, name in [
        ("forward", "layer1/MatMul"), ("backward", "gradients/layer1/MatMul_grad/MatMul"),
        ("update", "GradientDescent/update_layer1/W/AssignSub")]}
    assert len(set(fills.values())) == 3
    for role, colour in fills.items():  # the legend names each colour
        assert f'"legend_{role}" [label="{role}", shape=box, fillcolor="{colour}"]' in dot

    shapes = {name: attr(node_line(dot, name), "shape")
              for name in ["x", "layer1/W", "layer1/Const", "layer1/MatMul"]}
    assert shapes == {"x": "invhouse", "layer1/W": "cylinder", "layer1/Const": "ellipse",
                      "layer1/MatMul": "box"}
    matmul = node_line(dot, "layer1/MatMul")
    assert attr(matmul, "label") == "MatMul"
    assert attr(node_line(dot, "layer1/add"), "label") == "add\\nAdd"  # short name and type
    assert f"{__file__}:" in attr(matmul, "tooltip")  # the user's line
    assert "gf.matmul(x, w) + b" in attr(matmul, "tooltip")

    x_id, mm_id = (node_id(dot, n) for n in ("x", "layer1/MatMul"))
    assert f'"{x_id}" -> "{mm_id}" [xlabel="?x784 float32"];' in dot
    assert '[xlabel="scalar float32"]' in dot
    noop = node_id(dot, "GradientDescent")
    control = re.findall(rf'-> "{noop}" \[style=dashed', dot)
    assert len(control) == 2  # the NoOp waits on both AssignSubs


def test_same_graph_gives_identical_dot():
    first = gf.viz.to_dot(training_graph()[0])
    second = gf.viz.to_dot(training_graph()[0])
    assert first == second
    assert gf.viz.to_dot(training_graph()[0], collapse=["gradients"], max_depth=1) == \
        gf.viz.to_dot(training_graph()[0], collapse=["gradients"], max_depth=1)


def test_tensors_draw_with_their_ancestors_including_control_inputs():
    g, x, y, loss, train = training_graph()
    dot = gf.viz.to_dot([loss])
    node_line(dot, "x")
    node_line(dot, "layer1/W")
    assert "gradients/" not in dot and "GradientDescent" not in dot
    dot = gf.viz.to_dot(train)  # an Operation: its control inputs pull in the whole update
    node_line(dot, "GradientDescent/update_layer1/W/AssignSub")
    node_line(dot, "gradients/layer1/MatMul_grad/MatMul_1")
    assert "layer1/W/Assign\\n" not in dot  # the initializer is not an ancestor


def test_collapse_makes_one_node_per_scope_and_keeps_edges():
    g, *_ = training_graph()
    full_nodes, full_edges = nodes_and_edges(gf.viz.to_dot(g))
    dot = gf.viz.to_dot(g, collapse=["gradients"])
    nodes, edges = nodes_and_edges(dot)
    n_grad = sum(op.name.startswith("gradients/") for op in g.get_operations())
    assert len(nodes) == len(full_nodes) - n_grad + 1
    assert "cluster_gradients" not in dot and "tooltip=\"gradients/" not in dot
    group = re.search(r'"(s\d+)" \[label="gradients\\n(\d+) ops", shape=box3d', dot)
    assert int(group.group(2)) == n_grad
    ins = [e for e in edges if e[1] == group.group(1)]
    outs = [e for e in edges if e[0] == group.group(1)]
    assert ins and outs  # forward values come in, gradients go out to the update ops
    assert len(set(edges)) == len(edges)  # parallel edges merged ...
    assert "\u00d72" in dot  # ... and counted in the label
    assert {n for e in edges for n in e} <= set(nodes)  # every edge ends at a drawn node


def test_max_depth_collapses_deep_scopes():
    g, *_ = training_graph()
    full, _ = nodes_and_edges(gf.viz.to_dot(g))
    dot1 = gf.viz.to_dot(g, max_depth=1)
    nodes1, edges1 = nodes_and_edges(dot1)
    assert 'subgraph "cluster_gradients" {' in dot1
    assert "cluster_gradients/" not in dot1
    assert re.search(r'label="loss\\n\d+ ops", shape=box3d', dot1)  # gradients/loss
    dot0 = gf.viz.to_dot(g, max_depth=0, rankdir="LR")
    nodes0, edges0 = nodes_and_edges(dot0)
    assert "rankdir=LR" in dot0
    assert re.findall(r'subgraph "(cluster_[^"]+)"', dot0) == ["cluster_legend"]
    assert len(nodes0) < len(nodes1) < len(full)
    assert edges0 and {n for e in edges0 for n in e} <= set(nodes0)
    assert {n for e in edges1 for n in e} <= set(nodes1)


def test_bad_options_and_targets():
    g, *_ = training_graph()
    with pytest.raises(errors.InvalidArgumentError, match="rankdir"):
        gf.viz.to_dot(g, rankdir="up")
    with pytest.raises(errors.InvalidArgumentError, match="max_depth"):
        gf.viz.to_dot(g, max_depth=-1)
    with pytest.raises(errors.DTypeError, match="Graph"):
        gf.viz.to_dot(42)
    with pytest.raises(errors.DTypeError):
        gf.viz.show(["not a tensor"])


def test_quoting_escapes_quotes_backslashes_and_newlines():
    assert viz._quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    g = gf.Graph()
    with g.as_default():
        gf.constant(1.0, name="c")  # a "quoted" comment with a \ backslash
    line = node_line(gf.viz.to_dot(g), "c")
    assert '\\"quoted\\" comment with a \\\\ backslash' in line


def numba_plan():
    g, x, y, loss, train = training_graph()
    sess = gf.Session(graph=g)
    feed = {x: np.zeros((2, 784), np.float32), y: np.zeros((2, 10), np.float32)}
    return sess.plan(train, feed)


def test_plan_draws_a_cluster_per_fused_kernel():
    plan = numba_plan()
    kernels = plan.kernels()
    assert kernels
    dot = gf.viz.to_dot(plan)
    assert len(re.findall(r'subgraph "cluster_kernel\d+"', dot)) == len(kernels)
    for k in kernels:
        n = len(k["ops"])
        assert f'label="kernel {k["name"]} ({n} op{"s" if n > 1 else ""})"' in dot
        for member in k["ops"]:
            assert f'tooltip="{member}\\n' in dot
    # a non-fused step is a node of its own, fed by the placeholder's feed
    feed, matmul = node_id(dot, "x"), node_id(dot, "layer1/MatMul")
    assert f'"{feed}" -> "{matmul}" [xlabel="?x784 float32"];' in dot
    nodes, edges = nodes_and_edges(dot)
    assert {n for e in edges for n in e} <= set(nodes)
    assert dot == gf.viz.to_dot(numba_plan())
    small = gf.viz.to_dot(plan, max_depth=0)  # each kernel as one node
    assert "cluster_kernel" not in small
    assert len(re.findall(r'label="kernel [^"]+\\n\d+ ops?", shape=box3d', small)) == len(kernels)


def test_numpy_interpreter_is_refused_clearly():
    g, x, y, loss, train = training_graph()
    interp = gf.Session(graph=g, backend="numpy").plan(loss, {
        x: np.zeros((1, 784), np.float32), y: np.zeros((1, 10), np.float32)})
    with pytest.raises(errors.UnimplementedError, match="numba"):
        gf.viz.to_dot(interp)


def svg_titles(svg):
    return {t.text for t in ET.fromstring(svg).iter(SVG_TITLE)}


@needs_dot
def test_svg_parses_and_names_the_clusters(tmp_path):
    g, x, y, loss, train = training_graph()
    path = tmp_path / "graph.svg"
    svg = gf.viz.to_svg(g, str(path), collapse=["gradients"])
    assert path.read_text(encoding="utf-8") == svg
    titles = svg_titles(svg)
    assert {"cluster_layer1", "cluster_loss", "cluster_GradientDescent"} <= titles
    assert "cluster_gradients" not in titles
    assert svg_titles(g._repr_svg_()) >= {"cluster_gradients", "cluster_gradients/loss"}
    shown = gf.viz.show([loss], rankdir="LR")
    assert "cluster_loss" in svg_titles(shown._repr_svg_())
    assert "cluster_gradients" not in svg_titles(shown._repr_svg_())


@needs_dot
def test_plan_svg_has_kernel_clusters():
    plan = numba_plan()
    titles = svg_titles(plan._repr_svg_())
    assert sum(t.startswith("cluster_kernel") for t in titles) == len(plan.kernels())


def test_missing_dot_raises_with_install_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot anywhere
    g, x, y, loss, train = training_graph()
    with pytest.raises(errors.UnimplementedError, match="apt-get install graphviz") as info:
        gf.viz.to_svg(g)
    assert isinstance(info.value, viz.DotNotFoundError)
    assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    assert gf.viz.to_dot(g).startswith("digraph")  # DOT needs no Graphviz
    assert g._repr_svg_() is None  # Jupyter falls back to text
    assert gf.viz.show([loss])._repr_svg_() is None
    assert numba_plan()._repr_svg_() is None


@needs_dot
def test_500_op_graph_renders_quickly():
    g = gf.Graph()
    with g.as_default():
        h = gf.placeholder(gf.float32, [None, 8], name="x")
        for i in range(27):
            with gf.name_scope(f"block{i}"):
                w = gf.Variable(gf.ones([8, 8]), name="w")
                h = gf.tanh(gf.matmul(h, w) + 1.0)
        gf.train.GradientDescentOptimizer(0.1).minimize(gf.reduce_mean(h))
    assert len(g.get_operations()) >= 500
    start = time.perf_counter()
    svg = gf.viz.to_svg(g)
    assert time.perf_counter() - start < 5
    assert "cluster_gradients/block26" in svg_titles(svg)


@needs_dot
def test_labelled_edges_between_clusters_do_not_trip_graphviz():
    # With plain edge labels Graphviz 2.42 failed on this graph ("trouble in init_rank");
    # edge labels are xlabels, which take no part in ranking.
    g = gf.Graph()
    with g.as_default():
        x = gf.placeholder(gf.float32, [None, 8], name="x")
        labels = gf.placeholder(gf.int64, [None], name="labels")
        with gf.name_scope("net"), gf.name_scope("dense0"):
            w = gf.Variable(gf.random_normal([8, 8]), name="kernel")
            b = gf.Variable(gf.zeros([8]), name="bias")
            h = gf.nn.relu(gf.matmul(x, w) + b)
        with gf.name_scope("loss"):
            loss = gf.reduce_mean(
                gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=h))
        gf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert {"cluster_net/dense0", "cluster_gradients/loss"} <= svg_titles(gf.viz.to_svg(g))
