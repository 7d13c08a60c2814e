"""gf.device records TF1's device requests; ConfigProto and friends keep TF1's fields; a
Session asked to log placement says once where ops asked for another device run.
(TF1's exact strings and text formats: test_tf1_host_program.py.)"""

import pytest

import graphflow as gf
from graphflow import placement


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def test_requests_nest_clear_and_come_back_after_the_block():
    with gf.device("/gpu:0"):
        a = gf.constant(1.0)
        with gf.device("/job:ps"):
            b = a + 1.0
            with gf.device(None):
                c = b * 2.0
        with pytest.raises(RuntimeError):
            with gf.device("/cpu:0"):
                raise RuntimeError("leaves the block")
        d = a - 1.0
    e = d / 2.0
    assert [t.device for t in (a, b, c, d, e)] == [
        "/device:GPU:0", "/job:ps/device:GPU:0", "", "/device:GPU:0", ""]
    assert a.op.device == a.device and a.op.node_def.device == "/device:GPU:0"
    graph = gf.Graph()
    with graph.as_default(), graph.device("/cpu:1"):
        assert gf.constant(1.0).device == "/device:CPU:1"


def test_a_device_function_sees_the_op_and_its_node_def():
    seen = []

    def chooser(op):
        seen.append((op.type, op.node_def.op, op.name, op.device))
        return "/cpu:0" if op.node_def.op in ("VariableV2", "Variable") else "/gpu:1"

    with gf.device("/job:worker"), gf.device(chooser):
        w = gf.Variable([1.0, 2.0], name="w")
        y = w * 3.0
    assert w.device == "/job:worker/device:CPU:0"
    assert y.device == "/job:worker/device:GPU:1"
    # the innermost entry comes first, so the function has seen no request yet
    assert [entry for entry in seen if entry[2] == "w"] == [(w.op.type, w.op.type, "w", "")]
    with gf.device(chooser), gf.device("/task:3"):  # an inner request the function replaces
        z = gf.identity(y, name="z")
    assert seen[-1] == ("Identity", "Identity", "z", "/task:3") and z.device == "/gpu:1"
    assert isinstance(y.op.node_def, gf.NodeDef) and y.op.node_def.input == ["w", "mul/y"]


def test_a_device_function_may_build_ops():
    building = []

    def chooser(op):  # builds a probe op for the first op it sees (guarding its recursion)
        if not building:
            building.append(op.name)
            gf.constant(0.0, name="probe")
        return "/cpu:0"

    with gf.device(chooser):
        x = gf.constant(1.0, name="x")
    probe = gf.get_default_graph().get_operation_by_name("probe")
    assert building == ["x"] and x.device == probe.device == "/cpu:0"


def test_bad_device_specs_fail_at_the_users_line():
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"unknown part 'foo:0'") as e:
        with gf.device("/foo:0"):
            pass
    assert "test_placement.py" in str(e.value)
    with pytest.raises(gf.errors.InvalidArgumentError, match="names two device types"):
        gf.DeviceSpec.from_string("/gpu:0/cpu:1")
    with pytest.raises(gf.errors.InvalidArgumentError, match="needs an integer index"):
        gf.device("/task:x")
    with gf.device(lambda op: "/nonsense:1"):
        with pytest.raises(gf.errors.InvalidArgumentError, match="nonsense"):
            gf.constant(1.0)
    with pytest.raises(gf.errors.DTypeError, match="a string or a function"):
        gf.device(3)


def test_device_spec_parts_and_merging():
    spec = gf.DeviceSpec.from_string("/job:w/replica:1/task:2/gpu:3")
    assert (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index) == (
        "w", 1, 2, "GPU", 3)
    inner = gf.DeviceSpec(device_type="cpu")
    assert gf.DeviceSpec().merge_from(spec).merge_from(inner).to_string() == \
        "/job:w/replica:1/task:2/device:CPU:3"
    assert gf.DeviceSpec.from_string("") == gf.DeviceSpec()
    assert repr(gf.DeviceSpec(device_type="GPU")) == "DeviceSpec('/device:GPU:*')"


# -- ConfigProto and friends ----------------------------------------------------------------

def test_config_fields_assign_check_and_copy():
    config = gf.ConfigProto(gpu_options={"allow_growth": True}, device_count={"GPU": 0})
    assert config.gpu_options.allow_growth is True and config.device_count == {"GPU": 0}
    config.gpu_options.per_process_gpu_memory_fraction = 1  # an int for a float field
    assert config.gpu_options.per_process_gpu_memory_fraction == 1.0
    config.log_device_placement = 1  # protobuf takes 0/1 for a bool
    assert config.log_device_placement is True
    other = gf.ConfigProto()
    other.CopyFrom(config)
    assert other == config and other.gpu_options is not config.gpu_options
    assert other.ListFields()[0] == ("device_count", {"GPU": 0})
    with pytest.raises(gf.errors.InvalidArgumentError, match='has no "foo" field'):
        gf.ConfigProto(foo=1)
    with pytest.raises(AttributeError, match='has no "foo" field'):
        config.foo = 1
    assert not hasattr(config, "foo")
    with pytest.raises(gf.errors.DTypeError, match="takes an int, got 2.0"):
        gf.ConfigProto(intra_op_parallelism_threads=2.0)
    with pytest.raises(gf.errors.DTypeError, match="takes a bool"):
        config.allow_soft_placement = "yes"
    with pytest.raises(gf.errors.DTypeError, match="takes a GPUOptions"):
        gf.ConfigProto(gpu_options=3)


def test_run_options_and_metadata_are_accepted_by_run():
    x = gf.constant(2.0) * 3.0
    meta = gf.RunMetadata()
    with gf.Session(config=gf.ConfigProto(allow_soft_placement=True)) as sess:
        assert sess.run(x, options=gf.RunOptions(trace_level=gf.RunOptions.FULL_TRACE),
                        run_metadata=meta) == 6.0
    assert meta.step_stats.dev_stats == [] and str(meta) == ""
    with pytest.raises(gf.errors.DTypeError, match="must be a gf.ConfigProto, got dict"):
        gf.Session(config={"log_device_placement": True})


# -- what a Session says -------------------------------------------------------------------

def _gpu_graph():
    with gf.device("/gpu:0"):
        a = gf.constant([1.0, 2.0]) * 2.0
    with gf.device("/cpu:0"):
        b = a + 1.0
    with gf.device("/device:GPU:1"):
        c = b * b
    return a, b, c


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_log_device_placement_tells_once_per_device(backend, capsys):
    a, b, c = _gpu_graph()
    config = gf.ConfigProto(log_device_placement=True)
    with gf.Session(config=config, backend=backend) as sess:
        for _ in range(3):
            assert list(sess.run(b)) == [3.0, 5.0]
        first = capsys.readouterr().err.splitlines()
        assert list(sess.run(c)) == [9.0, 25.0]
        sess.run([a, c])  # a new plan, but every device was told already
        second = capsys.readouterr().err.splitlines()
    assert first == [f"graphflow: 3 ops asked for /device:GPU:0 run on the CPU (the {backend} "
                     "backend runs every op on its one device)"]
    assert second == [f"graphflow: 1 op asked for /device:GPU:1 run on the CPU (the {backend} "
                      "backend runs every op on its one device)"]


def test_no_placement_log_unless_asked(capsys):
    _, _, c = _gpu_graph()
    with gf.Session() as sess:
        sess.run(c)
    with gf.Session(config=gf.ConfigProto(allow_soft_placement=True)) as sess:
        sess.run(c)
    assert capsys.readouterr().err == ""


def test_the_cuda_backend_names_ops_asked_for_the_cpu():
    a, b, _ = _gpu_graph()
    told, lines = set(), []

    class Out:
        def write(self, text):
            lines.append(text)

    placement.note_placement(b.graph.get_operations()[:5], "cuda", told, out=Out())
    assert "".join(lines) == ("graphflow: 2 ops asked for /device:CPU:0 run on the GPU (the cuda "
                              "backend runs every op on its one device)\n")
    assert told == {"/device:CPU:0"}


def test_tf1_deprecated_variable_names():
    w = gf.Variable(1.0, name="w")
    local = gf.Variable(2.0, name="local", collections=[gf.GraphKeys.LOCAL_VARIABLES])
    assert gf.all_variables() == [w]
    with gf.Session() as sess:
        sess.run([gf.initialize_variables([w]), gf.initialize_local_variables()])
        assert sess.run([w, local]) == [1.0, 2.0]
