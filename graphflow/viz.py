"""Pictures of graphs: a Graph, some tensors, or a compiled Plan as Graphviz DOT or SVG.

``to_dot`` works everywhere; ``to_svg`` runs Graphviz's ``dot`` program. A picture is
built in two steps: the target becomes a small model (nodes, edges, nested clusters),
then one writer prints the model as DOT. Name scopes become nested clusters, fill colour
shows an op's role (forward, backward, update), node shape its kind, edges carry the
tensor's shape and dtype, and control edges are dashed::

    gf.viz.to_svg(graph, "graph.svg", collapse=["gradients"], rankdir="LR")
    gf.viz.to_svg(sess.plan(train_op, feed), "plan.svg")  # fused kernels as clusters
"""

import shutil
import subprocess
import sys

from . import errors
from .graph import Graph, Operation, Tensor
from .ops import base

ROLE_COLOURS = {"forward": "#cfe2f3", "backward": "#fce5cd", "update": "#d9ead3",
                "mixed": "#e6e6e6"}
# What a kind looks like: (shape, extra node attributes). Ops not listed are boxes.
KIND_SHAPES = {
    base.PLACEHOLDER: ("invhouse", ""),
    base.VARIABLE: ("cylinder", ""),
    base.SOURCE: ("ellipse", ', fontsize=8, height=0.25, margin="0.04,0.02"'),
    base.CONTROL: ("octagon", ""),
}
LEGEND_SHAPES = [("placeholder", base.PLACEHOLDER), ("variable", base.VARIABLE),
                 ("constant", base.SOURCE), ("op", base.ELEMENTWISE)]
RANKDIRS = ("TB", "LR", "BT", "RL")
INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`")


class DotNotFoundError(errors.UnimplementedError):
    """Graphviz's ``dot`` program, which turns DOT into SVG, is not installed."""


class _Node:
    """One box of the picture; ``path`` lists the keys of the clusters it sits in."""

    def __init__(self, key, label, kind, role, tooltip, path=()):
        self.key, self.label, self.kind, self.role = key, label, kind, role
        self.tooltip, self.path, self.ops = tooltip, tuple(path), 1


class _Picture:
    """Nodes, edges ``(src, dst, label, control)`` and clusters ``key -> (name, tooltip,
    counted)``: a counted cluster shows how many ops it holds next to its name."""

    def __init__(self, title):
        self.title, self.nodes, self.edges, self.clusters = title, [], [], {}


# -- targets -> pictures ----------------------------------------------------------------------

def _with_bodies(ops):
    """The ops and, after each control-flow op, the ops of its bodies (drawn once, inside
    the op's name scope: a loop's body is not unrolled), with the outer tensors each body
    captures."""
    out, captures, seen = [], [], set()
    for op in ops:
        out.append(op)
        if op.kind != "nested":
            continue
        graphs = {t.graph for fed, fetched in op.opdef.bodies(op) for t in (*fed, *fetched)}
        for body in sorted(graphs - seen, key=lambda g: g.scope):
            seen.add(body)
            inner, more = _with_bodies(body.get_operations())
            out += inner
            captures += more + list(body.captured.items())
    return out, captures


def _graph_picture(ops, title):
    """Ops (in graph order) with name scopes as nested clusters; a control-flow op's bodies
    inside its scope's cluster, fed by the tensors they capture."""
    ops, captures = _with_bodies(ops)
    picture = _Picture(title)
    node_of = {}
    for op in ops:
        scopes = op.name.split("/")[:-1]
        path = ["/".join(scopes[:i + 1]) for i in range(len(scopes))]
        for key in path:
            picture.clusters.setdefault(key, (key.rsplit("/", 1)[-1], key, False))
        node_of[op] = _op_node(op, f"n{len(picture.nodes)}", path)
        picture.nodes.append(node_of[op])
    for op in ops:
        for t in op.inputs:
            picture.edges.append((node_of[t.op], node_of[op], _tensor_label(t), False))
        for c in op.control_inputs:
            picture.edges.append((node_of[c], node_of[op], "", True))
    for outer, inner in captures:
        if outer.op in node_of:
            picture.edges.append((node_of[outer.op], node_of[inner.op], _tensor_label(outer),
                                  False))
    return picture


def _plan_picture(plan):
    """Each fused kernel is a cluster of its member ops; other steps are single nodes."""
    from .compiler.fuse import FUSED
    from .compiler.fuse import group as fused_group

    steps = plan.program.ops
    kernels = sum(op.opdef is FUSED for op in steps)
    picture = _Picture(f"plan: {len(steps)} steps, {kernels} fused kernels")
    producer = {}  # tensor -> the node that makes it
    outside = {}  # op outside the steps (a feed) -> its node

    def source(t):
        if t in producer:
            return producer[t]
        if t.op not in outside:
            outside[t.op] = _op_node(t.op, f"n{len(picture.nodes)}")
            picture.nodes.append(outside[t.op])
        return outside[t.op]

    for i, op in enumerate(steps):
        if op.opdef is not FUSED:
            node = _op_node(op, f"n{len(picture.nodes)}")
            picture.nodes.append(node)
            picture.edges.extend((source(t), node, _tensor_label(t), False) for t in op.inputs)
            producer.update((t, node) for t in op.outputs)
            continue
        group = fused_group(op)
        body, leaves, results = group.body, group.leaves, group.results
        key = f"kernel{i}"
        picture.clusters[key] = (f"kernel {op.name}",
                                 f"fused kernel {op.name}: " + ", ".join(m.name for m in body),
                                 True)
        outer = dict(zip(leaves, op.inputs))  # member-side leaf -> the step's input tensor
        inner = {}
        for member in body:
            node = _op_node(member, f"n{len(picture.nodes)}", [key])
            picture.nodes.append(node)
            for t in member.inputs:
                src = inner[t] if t in inner else source(outer[t])
                picture.edges.append((src, node, _tensor_label(t), False))
            inner.update((t, node) for t in member.outputs)
        producer.update((t, inner[r]) for t, r in zip(op.outputs, results))
    return picture


def _op_node(op, key, path=()):
    short = op.name.rsplit("/", 1)[-1]
    label = op.type if short == op.type else f"{short}\n{op.type}"
    tooltip = op.name
    if op.source is not None:
        code = op.source.code
        tooltip += f"\n{op.source}" + (f": {code}" if code else "")
    return _Node(key, label, op.kind, op.role, tooltip, path)


def _count(n):
    return f"{n} op" if n == 1 else f"{n} ops"


def _tensor_label(t):
    dims = t.shape.dims
    if dims is None:
        shape = "?..."
    elif not dims:
        shape = "scalar"
    else:
        shape = "x".join("?" if d is None else str(d) for d in dims)
    index = f":{t.value_index} " if len(t.op.outputs) > 1 else ""
    return f"{index}{shape} {t.dtype.name}"


def _ancestors(targets):
    """The target ops and every op they depend on (data and control), in graph order."""
    seen, stack = set(), []
    for x in targets:
        if isinstance(x, Tensor):
            stack.append(x.op)
        elif isinstance(x, Operation):
            stack.append(x)
        else:
            raise errors.at_user_line(
                errors.DTypeError, f"gf.viz draws Tensors and Operations, not {x!r}")
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            stack.extend(t.op for t in op.inputs)
            stack.extend(op.control_inputs)
    return sorted(seen, key=lambda op: op.id)


def _picture_of(target):
    if isinstance(target, Graph):
        return _graph_picture(target.get_operations(), "")
    if isinstance(target, (Tensor, Operation)):
        target = [target]
    if isinstance(target, (list, tuple)):
        if not target:
            raise errors.at_user_line(errors.InvalidArgumentError, "gf.viz got nothing to draw")
        graphs = {x.graph for x in target if isinstance(x, (Tensor, Operation))}
        if len(graphs) > 1:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      "gf.viz draws tensors of one graph at a time")
        return _graph_picture(_ancestors(target), "")
    compiled = sys.modules.get("graphflow.backends.plan")  # (imported with any compiled plan)
    if compiled is not None and isinstance(target, compiled.Plan):
        return _plan_picture(target)
    if hasattr(target, "program") or type(target).__name__ == "Interpreter":
        raise errors.at_user_line(
            errors.UnimplementedError,
            f"gf.viz draws Plans of the numba backend, not a {type(target).__name__}; draw the "
            "graph instead (gf.viz.to_svg(fetches)) or use gf.Session(backend='numba').plan")
    raise errors.at_user_line(
        errors.DTypeError,
        f"gf.viz draws a Graph, Tensors/Operations or a numba Plan, not {type(target).__name__}")


# -- collapsing scopes ------------------------------------------------------------------------

def _collapse(picture, names, max_depth):
    """Replace each collapsed scope by one node counting its ops; re-route and merge edges."""
    names = {n.strip("/") for n in names}
    if not names and max_depth is None:
        return picture

    def collapsed_at(path):  # the outermost cluster of ``path`` to collapse, if any
        for depth, key in enumerate(path, 1):
            if key in names or (max_depth is not None and depth > max_depth):
                return depth
        return None

    out = _Picture(picture.title)
    merged, rep = {}, {}  # cluster key -> its node; node -> the node drawn for it
    for node in picture.nodes:
        depth = collapsed_at(node.path)
        if depth is None:
            rep[node] = node
            out.nodes.append(node)
            continue
        key = node.path[depth - 1]
        group = merged.get(key)
        if group is None:
            group = merged[key] = _Node(f"s{len(merged)}", "", "scope", node.role, "",
                                        node.path[:depth - 1])
            group.ops = 0
            out.nodes.append(group)
        group.ops += 1
        if group.role != node.role:
            group.role = "mixed"
        rep[node] = group
    for key, group in merged.items():
        name, tooltip, _ = picture.clusters[key]
        group.label = f"{name}\n{_count(group.ops)}"
        group.tooltip = f"{tooltip}\n{_count(group.ops)} ({group.role})"
    kept = {key for node in out.nodes for key in node.path}
    out.clusters = {k: v for k, v in picture.clusters.items() if k in kept}
    out.edges = [(rep[a], rep[b], label, control) for a, b, label, control in picture.edges
                 if rep[a] is not rep[b]]
    return out


def _merged_edges(edges):
    """One edge per (source, destination, control); parallel ones are counted in the label."""
    groups = {}
    for src, dst, label, control in edges:
        groups.setdefault((src.key, dst.key, control), []).append(label)
    out = []
    for (src, dst, control), labels in groups.items():
        distinct = sorted(set(labels))
        if len(labels) == 1:
            label = labels[0]
        elif len(distinct) == 1:
            label = f"{distinct[0]} \u00d7{len(labels)}"
        else:
            label = f"{len(labels)} tensors"
        out.append((src, dst, label, control))
    return out


# -- the DOT writer ---------------------------------------------------------------------------

def _quote(text):
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return '"' + text.replace("\n", "\\n") + '"'


def _node_line(node, indent):
    if node.kind == "scope":
        shape, extra = "box3d", ""
    else:
        shape, extra = KIND_SHAPES.get(node.kind, ("box", ""))
    return (f"{indent}{_quote(node.key)} [label={_quote(node.label)}, shape={shape}, "
            f"fillcolor={_quote(ROLE_COLOURS.get(node.role, ROLE_COLOURS['mixed']))}, "
            f"tooltip={_quote(node.tooltip)}{extra}];")


def _write(picture, rankdir, legend):
    # Edge labels are xlabels: placed after the layout, they do not trip Graphviz's
    # "trouble in init_rank" on labelled edges between clusters (newrank avoids that too,
    # but made a 500-op graph take 50 s instead of 1 s); sideways, they need wider ranks.
    ranksep = 1.1 if rankdir in ("LR", "RL") else 0.5
    lines = ["digraph graphflow {",
             f'  graph [rankdir={rankdir}, fontname="Helvetica", fontsize=11, ranksep={ranksep}'
             + (f", label={_quote(picture.title)}, labelloc=t" if picture.title else "") + "];",
             '  node [fontname="Helvetica", fontsize=10, style=filled, height=0.3];',
             '  edge [fontname="Helvetica", fontsize=8, color="#555555", fontcolor="#555555"];']
    children = {}  # cluster key (None: the top) -> (child cluster keys, nodes)
    sizes = {}  # cluster key -> ops inside
    for node in picture.nodes:
        for key in node.path:
            sizes[key] = sizes.get(key, 0) + node.ops
        parent = None
        for key in node.path:
            children.setdefault(parent, ({}, []))[0][key] = None  # insertion order
            parent = key
        children.setdefault(parent, ({}, []))[1].append(node)

    def emit(key, depth):
        indent = "  " * depth
        clusters, nodes = children.get(key, ((), []))
        lines.extend(_node_line(node, indent) for node in nodes)
        for sub in clusters:
            label, tooltip, counted = picture.clusters[sub]
            if counted:
                label += f" ({_count(sizes[sub])})"
            lines.append(f"{indent}subgraph {_quote('cluster_' + sub)} {{")
            lines.append(f"{indent}  label={_quote(label)}; tooltip={_quote(tooltip)}; "
                         'style="rounded,filled"; fillcolor="#f5f5f5"; color="#999999";')
            emit(sub, depth + 1)
            lines.append(f"{indent}}}")

    emit(None, 1)
    for src, dst, label, control in _merged_edges(picture.edges):
        style = ' [style=dashed, arrowhead=odot, color="#999999"]' if control else (
            f" [xlabel={_quote(label)}]")
        lines.append(f"  {_quote(src)} -> {_quote(dst)}{style};")
    if legend:
        lines += _legend(picture, rankdir)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(picture, rankdir):
    roles = ["forward", "backward", "update"]
    if any(node.role == "mixed" for node in picture.nodes):
        roles.append("mixed")
    lines = ['  subgraph "cluster_legend" {',
             '    label="legend"; style="rounded"; color="#999999"; fontsize=9;',
             '    node [fontsize=8, height=0.2];']
    keys = []
    for role in roles:
        keys.append(f"legend_{role}")
        lines.append(f'    "legend_{role}" [label="{role}", shape=box, '
                     f'fillcolor="{ROLE_COLOURS[role]}"];')
    for name, kind in LEGEND_SHAPES:
        shape, _ = KIND_SHAPES.get(kind, ("box", ""))
        keys.append(f"legend_{name}")
        lines.append(f'    "legend_{name}" [label="{name}", shape={shape}, fillcolor=white];')
    # invisible edges keep the entries in order in one row (a column, read downwards, with LR)
    order = keys[::-1] if rankdir in ("LR", "RL") else keys
    lines += [f'    "{a}" -> "{b}" [style=invis];' for a, b in zip(order, order[1:])]
    lines.append("    { rank=same; " + " ".join(f'"{k}";' for k in keys) + " }")
    lines.append("  }")
    return lines


# -- public -----------------------------------------------------------------------------------

def to_dot(target, *, collapse=(), max_depth=None, rankdir="TB", legend=True):
    """Graphviz DOT text for ``target``: a Graph, a Tensor/Operation or a list of them (with
    all their ancestors), or a Plan of the numba backend (``sess.plan(fetches, feed)``).

    collapse: scope names (``["gradients"]``) drawn as one node each, with their op count.
    max_depth: collapse every scope nested deeper than this many levels (for a Plan,
        ``max_depth=0`` draws each fused kernel as one node).
    rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right); ``"BT"``/``"RL"`` too.
    The same graph always gives the same text.
    """
    if rankdir not in RANKDIRS:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    if isinstance(collapse, str):
        collapse = [collapse]
    if max_depth is not None and (not isinstance(max_depth, int) or max_depth < 0):
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"max_depth must be an int >= 0 or None, not {max_depth!r}")
    picture = _collapse(_picture_of(target), collapse, max_depth)
    return _write(picture, rankdir, legend)


def to_svg(target, path=None, *, timeout=60, **options):
    """SVG text for ``target`` (see ``to_dot`` for targets and options), laid out by Graphviz's
    ``dot`` program; also written to ``path`` when given. Raises DotNotFoundError (a
    graphflow UnimplementedError) with install instructions when ``dot`` is missing."""
    svg = dot_to_svg(to_dot(target, **options), timeout)
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
    return svg


def dot_to_svg(dot_text, timeout=60):
    """Run ``dot -Tsvg`` on DOT text and return the SVG."""
    program = shutil.which("dot")
    if program is None:
        raise DotNotFoundError(
            f"drawing SVG needs Graphviz's `dot` program, which is not on PATH; {INSTALL_HINT} "
            "(gf.viz.to_dot works without it)")
    try:
        done = subprocess.run([program, "-Tsvg"], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise errors.FailedPreconditionError(
            f"Graphviz's dot took over {timeout} s; draw less, e.g. collapse=['gradients'] "
            "or max_depth=1") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[:5]
        raise errors.FailedPreconditionError("Graphviz's dot failed: " + "\n".join(message))
    return done.stdout.decode("utf-8")


def repr_svg(target, **options):
    """SVG for Jupyter's ``_repr_svg_``: None when ``dot`` is missing (Jupyter shows text)."""
    try:
        return to_svg(target, **options)
    except DotNotFoundError:
        return None


class Drawing:
    """A target with drawing options, shown as SVG by Jupyter (see ``show``)."""

    def __init__(self, target, **options):
        self.target, self.options = target, options

    def to_dot(self):
        return to_dot(self.target, **self.options)

    def to_svg(self, path=None):
        return to_svg(self.target, path, **self.options)

    def _repr_svg_(self):
        return repr_svg(self.target, **self.options)

    def __repr__(self):
        return f"<gf.viz.Drawing of {self.target!r}>"


def show(target, **options):
    """An object Jupyter displays as the SVG of ``target`` (e.g. a list of tensors)."""
    _picture_of(target)  # a bad target fails here, not later inside Jupyter's formatter
    return Drawing(target, **options)


errors.wrap_public(globals())
