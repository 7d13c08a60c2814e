"""Nested structures of tensors (TF1's ``nest``): flatten a structure of lists, tuples,
namedtuples and dicts to its leaves, and pack leaves back into the same structure."""


def is_sequence(value):
    """True for the containers ``flatten`` walks into (not strings, tensors or arrays)."""
    return isinstance(value, (list, tuple, dict))


def flatten(structure):
    """The leaves of ``structure`` in order (dicts by sorted key, as TF1)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    """``flat``'s items arranged as ``structure``'s leaves."""
    flat = list(flat)
    if len(flatten(structure)) != len(flat):
        raise ValueError(f"the structure has {len(flatten(structure))} leaves, "
                         f"got {len(flat)} values")
    packed, rest = _pack(structure, flat)
    return packed


def _pack(structure, flat):
    if isinstance(structure, dict):
        out = {}
        for key in sorted(structure):
            out[key], flat = _pack(structure[key], flat)
        return type(structure)((k, out[k]) for k in structure), flat
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            value, flat = _pack(item, flat)
            items.append(value)
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items), flat  # a namedtuple
        return type(structure)(items), flat
    return flat[0], flat[1:]


def map_structure(fn, *structures):
    """``fn`` applied leaf by leaf to structures of the same shape."""
    flats = [flatten(s) for s in structures]
    if len({len(f) for f in flats}) > 1:
        raise ValueError("the structures do not have the same number of leaves")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a, b, check_types=True):
    """ValueError unless ``a`` and ``b`` nest the same way."""
    if is_sequence(a) != is_sequence(b):
        raise ValueError(f"the two structures don't have the same nested structure: {a!r} "
                         f"and {b!r}")
    if not is_sequence(a):
        return
    if isinstance(a, dict) != isinstance(b, dict) or len(a) != len(b):
        raise ValueError(f"the two structures don't have the same nested structure: {a!r} "
                         f"and {b!r}")
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            raise ValueError(f"the two dicts don't have the same keys: {sorted(a)} and "
                             f"{sorted(b)}")
        for key in a:
            assert_same_structure(a[key], b[key], check_types)
        return
    for x, y in zip(a, b):
        assert_same_structure(x, y, check_types)
