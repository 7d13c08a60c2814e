"""Device placement requests: ``gf.device``'s stack, ``DeviceSpec``, and what a Session does.

graphflow runs a whole graph on its backend's device (the CPU for ``numba``/``numpy``, the
GPU for ``cuda``), so a request is recorded, not obeyed: ``Operation.device`` reports it in
TF1's spelling (``"/gpu:0"`` -> ``"/device:GPU:0"``), and a Session made with
``ConfigProto(log_device_placement=True)`` says once where such ops actually run (as TF1
does with ``allow_soft_placement=True`` on a machine without the device).

Requests nest as in TF1: a string (``"/gpu:0"``, ``"/cpu:0"``, ``"/job:ps/task:0"``...) is
merged into the enclosing request part by part (the inner one wins where both name a part);
a function ``f(op) -> device string`` is called for each new op and its answer replaces the
inner requests (outer strings still fill in parts it leaves out, and the function's own
string is kept as written); ``None`` clears every enclosing request.
"""

import contextlib
import sys

from . import errors

# the device types TF1 writes in upper case in the short form "/gpu:0"
_SHORT_TYPES = ("CPU", "GPU", "TPU", "CUSTOM", "EPU")


class DeviceSpec:
    """TF1's ``tf.DeviceSpec``: ``/job:<name>/replica:<id>/task:<id>/device:<type>:<id>``.

    Every part may be None (unspecified); ``device_index`` None prints as ``*``.
    """

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job = job
        self.replica = None if replica is None else int(replica)
        self.task = None if task is None else int(task)
        self.device_type = _type_name(device_type) if device_type is not None else None
        self.device_index = None if device_index is None else int(device_index)

    @classmethod
    def from_string(cls, spec):
        """Parse a device string (TF1's forms: ``/gpu:0``, ``GPU:0``, ``/device:GPU:0``,
        ``/job:worker/task:1/cpu:0``...)."""
        return cls().parse_from_string(spec)

    def parse_from_string(self, spec):
        """Set the parts ``spec`` names (others are kept); returns self."""
        if not isinstance(spec, str):
            raise errors.at_user_line(errors.DTypeError,
                                      f"a device is a string or a function, got {spec!r}")
        device_type = None
        for part in spec.split("/"):
            if not part:
                continue
            fields = part.split(":")
            key = fields[0]
            if len(fields) == 2 and key in ("job", "replica", "task"):
                setattr(self, key, fields[1] if key == "job" else _index(fields[1], part, spec))
            elif len(fields) == 3 and key == "device" or (
                    len(fields) in (1, 2) and key.upper() in _SHORT_TYPES):
                if device_type is not None:
                    raise errors.at_user_line(errors.InvalidArgumentError,
                                              f"the device spec {spec!r} names two device types")
                device_type, index = (fields[1], fields[2]) if key == "device" else (
                    key, fields[1] if len(fields) == 2 else "*")
                self.device_type = _type_name(device_type)
                self.device_index = None if index == "*" else _index(index, part, spec)
            else:
                raise errors.at_user_line(
                    errors.InvalidArgumentError,
                    f"unknown part {part!r} in the device spec {spec!r}; device specs look "
                    "like '/gpu:0', '/device:CPU:0' or '/job:worker/task:1/device:GPU:0'")
        return self

    def merge_from(self, other):
        """Take every part ``other`` specifies (TF1's ``merge_from``)."""
        for key in ("job", "replica", "task", "device_type", "device_index"):
            value = getattr(other, key)
            if value is not None:
                setattr(self, key, value)
        return self

    def to_string(self):
        """The canonical string: ``/job:w/replica:0/task:1/device:GPU:0`` (parts left out)."""
        out = ""
        for key in ("job", "replica", "task"):
            if getattr(self, key) is not None:
                out += f"/{key}:{getattr(self, key)}"
        if self.device_type is not None:
            index = "*" if self.device_index is None else self.device_index
            out += f"/device:{self.device_type}:{index}"
        return out

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return f"DeviceSpec({self.to_string()!r})"


class NodeDef:
    """TF1's ``tf.NodeDef`` (the protobuf's fields, as a plain record): what an op is made of."""

    def __init__(self, name="", op="", input=(), device="", attr=None):  # noqa: A002 (TF1 name)
        self.name, self.op, self.device = name, op, device
        self.input, self.attr = list(input), dict(attr or {})

    def __eq__(self, other):
        return isinstance(other, NodeDef) and vars(self) == vars(other)

    __hash__ = None

    def __repr__(self):
        return f"NodeDef(name={self.name!r}, op={self.op!r}, device={self.device!r})"


def _index(text, part, spec):
    try:
        return int(text)
    except ValueError:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"{part!r} in the device spec {spec!r} needs an integer "
                                  "index") from None


def _type_name(name):
    return name.upper() if name.upper() in _SHORT_TYPES else name


def entry(device_name_or_function):
    """A device-stack entry: a function of the op, a DeviceSpec to merge, or None (a stop)."""
    if device_name_or_function is None or callable(device_name_or_function):
        return device_name_or_function
    if isinstance(device_name_or_function, DeviceSpec):
        return DeviceSpec().merge_from(device_name_or_function)
    return DeviceSpec.from_string(device_name_or_function)


def apply(stack, op):
    """The device string for a new op: the innermost entry first, each outer string filling
    in the parts not yet set, stopping at a None entry (TF1's order)."""
    current = None  # a DeviceSpec, or the raw string a function gave
    for item in reversed(stack):
        if item is None:
            break
        if callable(item):
            # the function may read the request so far, as TF1's sees it on op.device
            op._device = _as_string(current)
            answer = item(op)
            if isinstance(answer, str) and answer:
                DeviceSpec.from_string(answer)  # a bad answer fails here, at the op's line
            current = answer if isinstance(answer, DeviceSpec) else (answer or None)
            continue
        if current is None:
            current = DeviceSpec().merge_from(item)
        else:
            inner = current if isinstance(current, DeviceSpec) else DeviceSpec.from_string(current)
            current = DeviceSpec().merge_from(item).merge_from(inner)
    return _as_string(current)


def _as_string(current):
    if current is None:
        return ""
    # a function's own string is kept as it wrote it (TF1 does not normalize it)
    return current.to_string() if isinstance(current, DeviceSpec) else str(current)


@contextlib.contextmanager
def pushed(stack, item):
    """Push one ``entry`` on a graph's device stack for the ``with`` block."""
    stack.append(item)
    try:
        yield
    finally:
        stack.pop()


def note_placement(ops, backend_name, reported, out=None):
    """For ``log_device_placement``: one line naming the requested devices whose ops run
    elsewhere (on the backend's own device) and how many ops asked for each; a device is
    named once per Session (``reported`` remembers them). Called when a run's program is
    prepared, never on the run path."""
    here = "GPU" if backend_name == "cuda" else "CPU"
    counts = {}
    for op in ops:
        requested = op.device
        if requested and requested not in reported:
            wanted = DeviceSpec.from_string(requested).device_type
            if wanted is not None and wanted != here:
                counts[requested] = counts.get(requested, 0) + 1
    if counts:
        reported.update(counts)
        total = sum(counts.values())
        asked = ", ".join(f"{device} ({n})" if len(counts) > 1 else device
                          for device, n in counts.items())
        print(f"graphflow: {total} op{'s' if total > 1 else ''} asked for {asked} run on the "
              f"{here} (the {backend_name} backend runs every op on its one device)",
              file=out or sys.stderr)
