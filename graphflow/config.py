"""TF1's session options as plain records: ``ConfigProto``, ``GPUOptions``, ``RunOptions``...

TF1 programs build these protocol buffers to configure a Session
(``tf.Session(config=tf.ConfigProto(log_device_placement=True))``,
``config.gpu_options.allow_growth = True``). graphflow keeps their fields, defaults, type
checks and text format (``print(config)``) without protobuf. A Session reads
``log_device_placement`` (see ``placement``); the other fields are accepted and have no
effect, since graphflow has one device per backend and its own thread use.
"""

from . import errors


class Message:
    """A protocol-buffer-like record: keyword construction, typed fields, ``str`` in text
    format. ``_FIELDS`` maps each field, in the proto's field order, to its default: a bool,
    int, float or str value, a Message class (a nested message), ``[]`` (a repeated field)
    or ``{}`` (a map)."""

    _FIELDS = {}
    _ENUMS = {}  # field -> {value: name}, for the text format

    def __init__(self, **fields):
        for name, default in self._FIELDS.items():
            if isinstance(default, type):
                value = default()
            else:
                value = default.copy() if isinstance(default, (list, dict)) else default
            object.__setattr__(self, name, value)
        for name, value in fields.items():
            self._set(name, value, building=True)

    def __setattr__(self, name, value):
        self._set(name, value)

    def _set(self, name, value, building=False):
        cls = type(self).__name__
        if name not in self._FIELDS:
            error = errors.InvalidArgumentError if building else _NoFieldError
            raise errors.at_user_line(error, f'Protocol message {cls} has no "{name}" field; '
                                             f"its fields: {', '.join(self._FIELDS)}")
        default = self._FIELDS[name]
        if isinstance(default, type) and isinstance(value, dict):
            value = default(**value)
        ok = {bool: lambda v: isinstance(v, int),  # protobuf takes 0/1 for a bool
              int: lambda v: isinstance(v, int) and not isinstance(v, bool),
              float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              str: lambda v: isinstance(v, str),
              list: lambda v: isinstance(v, (list, tuple)),
              dict: lambda v: isinstance(v, dict)}.get(type(default), lambda v: isinstance(
                  v, default))(value)
        if not ok:
            want = default.__name__ if isinstance(default, type) else type(default).__name__
            raise errors.at_user_line(errors.DTypeError,
                                      f"{cls}.{name} takes {'an' if want == 'int' else 'a'} "
                                      f"{want}, got {value!r}")
        if isinstance(default, (bool, int, float)) and not isinstance(default, type):
            value = type(default)(value)
        elif isinstance(default, (list, dict)):
            value = type(default)(value)
        object.__setattr__(self, name, value)

    def CopyFrom(self, other):  # noqa: N802 (protobuf name)
        """Make this message a copy of ``other`` (a message of the same type)."""
        if type(other) is not type(self):
            raise errors.at_user_line(errors.DTypeError, f"CopyFrom needs a {type(self).__name__}"
                                                         f", got {type(other).__name__}")
        for name in self._FIELDS:
            value = getattr(other, name)
            if isinstance(value, Message):
                getattr(self, name).CopyFrom(value)
            else:
                object.__setattr__(self, name, value.copy() if hasattr(value, "copy") else value)

    def ListFields(self):  # noqa: N802 (protobuf name)
        """``[(name, value)]`` of the fields that differ from their defaults."""
        out = []
        for name, default in self._FIELDS.items():
            value = getattr(self, name)
            empty = default() if isinstance(default, type) else default
            if value != empty:
                out.append((name, value))
        return out

    def __eq__(self, other):
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self._FIELDS)

    __hash__ = None

    def __str__(self):
        return "".join(self._text(""))

    __repr__ = __str__

    def _text(self, indent):
        for name, value in self.ListFields():
            if isinstance(value, Message):
                yield f"{indent}{name} {{\n"
                yield from value._text(indent + "  ")
                yield f"{indent}}}\n"
            elif isinstance(value, dict):
                for key, item in value.items():
                    yield (f"{indent}{name} {{\n{indent}  key: {_scalar(key)}\n"
                           f"{indent}  value: {_scalar(item)}\n{indent}}}\n")
            elif isinstance(value, list):
                for item in value:
                    yield f"{indent}{name}: {_scalar(item)}\n"
            else:
                yield f"{indent}{name}: {self._ENUMS.get(name, {}).get(value, _scalar(value))}\n"


class _NoFieldError(errors.InvalidArgumentError, AttributeError):
    """Assigning a field a message does not have (also an AttributeError, as protobuf's)."""


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


class GPUOptions(Message):
    """TF1's ``tf.GPUOptions`` (``allow_growth``, ``per_process_gpu_memory_fraction``...)."""

    _FIELDS = {"per_process_gpu_memory_fraction": 0.0, "allocator_type": "",
               "deferred_deletion_bytes": 0, "allow_growth": False, "visible_device_list": "",
               "polling_active_delay_usecs": 0, "polling_inactive_delay_msecs": 0,
               "force_gpu_compatible": False}


class OptimizerOptions(Message):
    """TF1's ``tf.OptimizerOptions`` (graph optimizations; graphflow's compiler runs its own
    pipeline, see ``Session.plan``)."""

    L1, L0 = 0, -1  # opt_level
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2  # global_jit_level
    _FIELDS = {"do_common_subexpression_elimination": False, "do_constant_folding": False,
               "opt_level": 0, "do_function_inlining": False, "global_jit_level": 0,
               "max_folded_constant_in_bytes": 0, "cpu_global_jit": False}
    _ENUMS = {"opt_level": {0: "L1", -1: "L0"},
              "global_jit_level": {0: "DEFAULT", -1: "OFF", 1: "ON_1", 2: "ON_2"}}


class GraphOptions(Message):
    """TF1's ``tf.GraphOptions``."""

    _FIELDS = {"enable_recv_scheduling": False, "optimizer_options": OptimizerOptions,
               "build_cost_model": 0, "infer_shapes": False, "place_pruned_graph": False,
               "enable_bfloat16_sendrecv": False, "timeline_step": 0,
               "build_cost_model_after": 0}


class ConfigProto(Message):
    """TF1's ``tf.ConfigProto``: ``log_device_placement`` makes a Session say once where ops
    asked for another device run; the other fields are accepted and have no effect."""

    _FIELDS = {"device_count": {}, "intra_op_parallelism_threads": 0, "placement_period": 0,
               "device_filters": [], "inter_op_parallelism_threads": 0,
               "gpu_options": GPUOptions, "allow_soft_placement": False,
               "log_device_placement": False, "use_per_session_threads": False,
               "graph_options": GraphOptions, "operation_timeout_in_ms": 0,
               "isolate_session_state": False, "share_cluster_devices_in_session": False}


class RunOptions(Message):
    """TF1's ``tf.RunOptions`` for ``Session.run(options=...)``: accepted, no tracing."""

    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    _FIELDS = {"trace_level": 0, "timeout_in_ms": 0, "inter_op_thread_pool": 0,
               "output_partition_graphs": False, "report_tensor_allocations_upon_oom": False}
    _ENUMS = {"trace_level": {0: "NO_TRACE", 1: "SOFTWARE_TRACE", 2: "HARDWARE_TRACE",
                              3: "FULL_TRACE"}}


class StepStats(Message):
    """TF1's per-device step statistics; graphflow records none (``dev_stats`` stays empty)."""

    _FIELDS = {"dev_stats": []}


class RunMetadata(Message):
    """TF1's ``tf.RunMetadata`` for ``Session.run(run_metadata=...)``: stays empty (graphflow
    has no tracing; ``Session.plan`` shows what a run executes)."""

    _FIELDS = {"step_stats": StepStats, "partition_graphs": []}
