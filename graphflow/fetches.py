"""Fetch structures: what ``Session.run(fetches)`` accepts and how its result is rebuilt.

A fetch is a tensor, an operation, a name, or any nesting of list/tuple/namedtuple/dict
of those. ``flatten`` turns it into a flat list of graph elements and a function that
puts values back in the same shape; ``structure_key`` gives the session a hashable key
for it, so a repeated run skips both.
"""

import copy

from . import errors
from .graph import Operation, Tensor, body_tensor_used_outside

ELEMENTS = (Tensor, Operation, str)


def structure_key(fetches):
    """A hashable key for a nested fetch structure, with each level's type; None for
    anything else (``flatten`` reports what is wrong with it)."""
    if isinstance(fetches, ELEMENTS):
        return fetches
    if isinstance(fetches, dict):
        # each label's type too: 1, 1.0 and True are equal keys, but the user's result
        # must carry the one they wrote
        labels, values = tuple((type(k), k) for k in fetches), fetches.values()
    elif isinstance(fetches, (list, tuple)):
        labels, values = (), fetches
    else:
        return None
    parts = tuple(structure_key(v) for v in values)
    if any(p is None for p in parts):
        return None
    key = (type(fetches), labels, parts)
    try:
        hash(key)
    except TypeError:  # an unhashable dict key
        return None
    return key


def flatten(fetches, graph):
    """Flat list of graph elements in ``fetches`` and a function rebuilding the structure."""
    if isinstance(fetches, ELEMENTS):
        element = graph.as_graph_element(fetches) if isinstance(fetches, str) else fetches
        if element.graph is not graph:
            if element.graph.descends_from(graph):
                raise errors.InvalidArgumentError(body_tensor_used_outside(element, "fetch"))
            raise errors.InvalidArgumentError(
                f"cannot fetch {errors.describe(element)}: it belongs to another graph than "
                "this session's")
        return [element], lambda values: values[0]
    if isinstance(fetches, dict):
        keys = list(fetches)
        parts = [flatten(fetches[k], graph) for k in keys]
        return _join(parts, lambda vals: _same_mapping(fetches, zip(keys, vals)))
    if isinstance(fetches, (list, tuple)):
        parts = [flatten(f, graph) for f in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
            return _join(parts, lambda vals: type(fetches)(*vals))
        return _join(parts, type(fetches))
    if fetches is None:
        raise errors.DTypeError("cannot fetch None")
    raise errors.DTypeError(f"cannot fetch a {type(fetches).__name__}: fetches are tensors, "
                            "operations, names, or lists/tuples/dicts of them")


def _same_mapping(like, items):
    """A mapping of ``like``'s type (an OrderedDict, a defaultdict with its factory) with
    ``items``."""
    if type(like) is dict:
        return dict(items)
    out = copy.copy(like)
    out.clear()
    out.update(items)
    return out


def _join(parts, make):
    elements, sizes = [], []
    for part_elements, _ in parts:
        elements.extend(part_elements)
        sizes.append(len(part_elements))

    def rebuild(values):
        out, start = [], 0
        for (_, part_rebuild), n in zip(parts, sizes):
            out.append(part_rebuild(values[start:start + n]))
            start += n
        return make(out)

    return elements, rebuild
