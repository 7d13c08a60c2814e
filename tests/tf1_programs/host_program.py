"""A TF1 program of the host-side names: tf.device, ConfigProto, tf.errors, tf.app.flags,
tf.gfile, tf.logging levels, checkpoint state. Its RESULTS are compared with TensorFlow's
(host_expected.py, made by make_host_expected.py)."""
import os
import shutil
import tempfile

import graphflow as tf

RESULTS = {}

# -- tf.device: TF1's spelling, nesting, functions, None -----------------------------------
devices = {}
with tf.device("/gpu:1"):
    devices["gpu1"] = tf.constant(1.0).device
    with tf.device("/cpu"):
        devices["cpu_in_gpu1"] = tf.constant(1.0).device
    with tf.device("/device:CPU:*"):
        devices["cpu_star_in_gpu1"] = tf.constant(1.0).device
    with tf.device("/job:worker/task:1"):
        devices["job_in_gpu1"] = tf.constant(1.0).device
    with tf.device(lambda op: "/cpu:3"):
        devices["function_in_gpu1"] = tf.constant(1.0).device
        with tf.device("/task:2"):
            devices["task_in_function"] = tf.constant(1.0).device
    with tf.device(lambda op: ""):
        devices["empty_function_in_gpu1"] = tf.constant(1.0).device
    with tf.device(None):
        devices["none_in_gpu1"] = tf.constant(1.0).device
    with tf.device(tf.DeviceSpec(device_type="CPU", device_index=4)):
        devices["spec_in_gpu1"] = tf.constant(1.0).device
with tf.device(lambda op: "/cpu:0" if op.type == "Const" else "/gpu:2"):
    total = tf.constant(1.0) + 1.0
    devices["function_add"] = total.device
    devices["function_const"] = total.op.inputs[0].device
with tf.device("/gpu:0"):
    v = tf.Variable(1.0, name="v")
    devices["variable"] = v.device
    devices["variable_op"] = v.op.device
    devices["initializer"] = v.initializer.device
devices["placeholder"] = tf.placeholder(tf.float32).device
for spec in ["GPU:0", "/device:gpu:3", "/tpu:0", "job:x", "/Gpu:0", "/job:a//task:2",
             "/task:1/job:b", "/device:CPU:01", "//gpu:0", "/device:XLA_GPU:0", "cpu",
             "/job:localhost/replica:0/task:0/device:CPU:0"]:
    with tf.device(spec):
        devices[spec] = tf.constant(1.0).device
    devices["spec " + spec] = tf.DeviceSpec.from_string(spec).to_string()
RESULTS["devices"] = devices

# -- ConfigProto and friends: fields, defaults and text format -----------------------------
config = tf.ConfigProto(log_device_placement=True, allow_soft_placement=True,
                        device_count={"GPU": 0}, intra_op_parallelism_threads=2)
config.gpu_options.allow_growth = True
config.gpu_options.per_process_gpu_memory_fraction = 0.5
config.graph_options.optimizer_options.global_jit_level = tf.OptimizerOptions.ON_1
RESULTS["config"] = {
    "text": str(config),
    "empty": str(tf.ConfigProto()),
    "defaults": [tf.ConfigProto().log_device_placement, tf.ConfigProto().inter_op_parallelism_threads,
                 tf.GPUOptions().allow_growth, tf.GPUOptions().per_process_gpu_memory_fraction],
    "gpu": str(tf.GPUOptions(allow_growth=True, visible_device_list="0,1")),
    "run_options": str(tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, timeout_in_ms=5)),
    "trace_levels": [tf.RunOptions.NO_TRACE, tf.RunOptions.SOFTWARE_TRACE,
                     tf.RunOptions.HARDWARE_TRACE, tf.RunOptions.FULL_TRACE],
    "run_metadata": str(tf.RunMetadata()),
    "equal": tf.ConfigProto(allow_soft_placement=True) == tf.ConfigProto(allow_soft_placement=True),
}
tf.reset_default_graph()  # TF1 places every op of the graph, even those a run leaves out
with tf.device("/gpu:0"):
    doubled = tf.constant([1.0, 2.0]) * 2.0
with tf.device(lambda op: "/cpu:0" if op.type == "Const" else "/gpu:1"):
    total = doubled + 1.0
with tf.Session(config=config) as sess:
    RESULTS["placed_run"] = sess.run(total)

# -- tf.errors: codes and TF1's (node_def, op, message) form -------------------------------
names = ["CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
         "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "UnauthenticatedError",
         "ResourceExhaustedError", "FailedPreconditionError", "AbortedError", "OutOfRangeError",
         "UnimplementedError", "InternalError", "UnavailableError", "DataLossError"]
codes = {}
for name in names:
    error = getattr(tf.errors, name)(None, None, "message of " + name)
    codes[name] = [error.error_code, str(error), error.message, error.op is None,
                   isinstance(error, tf.errors.OpError)]
for code in ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
             "ALREADY_EXISTS", "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED",
             "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
             "UNAVAILABLE", "DATA_LOSS"]:
    codes[code] = getattr(tf.errors, code)
codes["from_code"] = tf.errors.exception_type_from_error_code(11).__name__
codes["to_code"] = tf.errors.error_code_from_exception_type(tf.errors.NotFoundError)
codes["op_error"] = tf.errors.OpError(None, None, "m", tf.errors.ABORTED).error_code
try:
    raise tf.errors.OutOfRangeError(None, None, "done")
except tf.errors.OpError as e:
    codes["caught"] = [type(e).__name__, e.message]
RESULTS["errors"] = codes

# -- tf.app.flags on a FlagValues of its own -----------------------------------------------
flags = tf.app.flags
fv = flags.FlagValues()
flags.DEFINE_string("name", "x", "a name", flag_values=fv)
flags.DEFINE_integer("n", 3, "a count", lower_bound=0, flag_values=fv)
flags.DEFINE_boolean("fast", False, "go fast", flag_values=fv)
flags.DEFINE_bool("slow", True, "go slow", flag_values=fv)
flags.DEFINE_float("lr", 0.1, "learning rate", flag_values=fv)
flags.DEFINE_list("items", "a,b", "some items", flag_values=fv)
flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=fv)
flags.DEFINE_multi_string("tag", [], "tags", flag_values=fv)
parsed = {}
parsed["remaining"] = fv(["prog", "--name=bob", "--n", "5", "pos1", "--nofast", "--noslow",
                          "--lr=2", "--items=x, y,z", "--mode", "eval", "--tag=a", "--tag", "b",
                          "pos2", "--", "--name=z"])
parsed["values"] = [fv.name, fv.n, fv.fast, fv.slow, fv.lr, fv.items, fv.mode, fv.tag]
parsed["known_only"] = fv(["prog", "--fast", "--unknown=3", "rest", "--slow=false"],
                          known_only=True)
parsed["after_known_only"] = [fv.fast, fv.slow]
fv.n = 7
parsed["assigned"] = fv.n
parsed["dict"] = sorted(fv.flag_values_dict())
for bad in [["prog", "--bogus"], ["prog", "--n=-1"], ["prog", "--n=abc"], ["prog", "--mode=foo"],
            ["prog", "--fast=maybe"], ["prog", "--name"]]:
    try:
        fv(bad)
        parsed[" ".join(bad)] = "parsed"
    except flags.Error as e:
        parsed[" ".join(bad)] = [isinstance(e, flags.Error), type(e).__name__]
RESULTS["flags"] = parsed

# -- tf.gfile: files, directories and TF1's errors -----------------------------------------
top = tempfile.mkdtemp()
g = tf.gfile
files = {}


def attempt(what, fn):
    try:
        files[what] = fn()
    except tf.errors.OpError as e:
        files[what] = type(e).__name__


with g.GFile(os.path.join(top, "a.txt"), "w") as f:
    f.write("hello\nworld\n")
    f.write(b"bytes\n")
with g.GFile(os.path.join(top, "a.txt")) as f:
    files["reads"] = [f.read(3), f.readline(), f.readlines(), f.tell(), f.size()]
with g.GFile(os.path.join(top, "a.txt"), "rb") as f:
    files["binary"] = list(f.read())
files["lines"] = list(g.GFile(os.path.join(top, "a.txt")))
with g.GFile(os.path.join(top, "a.txt"), "a") as f:
    f.write("more")
files["appended"] = g.GFile(os.path.join(top, "a.txt")).read()
files["open_is_gfile"] = g.Open is g.GFile
g.GFile(os.path.join(top, "never.txt"), "w").close()
files["unwritten_exists"] = g.Exists(os.path.join(top, "never.txt"))
attempt("read missing", lambda: g.GFile(os.path.join(top, "missing")).read())
attempt("write read-only", lambda: g.GFile(os.path.join(top, "a.txt"), "r").write("x"))
attempt("read write-only", lambda: g.GFile(os.path.join(top, "b.txt"), "w").read())
attempt("mkdir existing", lambda: g.MkDir(top))
attempt("mkdir no parent", lambda: g.MkDir(os.path.join(top, "x", "y")))
attempt("makedirs", lambda: g.MakeDirs(os.path.join(top, "x", "y")))
attempt("makedirs again", lambda: g.MakeDirs(os.path.join(top, "x", "y")))
attempt("makedirs over file", lambda: g.MakeDirs(os.path.join(top, "a.txt")))
attempt("listdir", lambda: sorted(g.ListDirectory(top)))
attempt("listdir missing", lambda: g.ListDirectory(os.path.join(top, "nope")))
attempt("isdir", lambda: [g.IsDirectory(top), g.IsDirectory(os.path.join(top, "a.txt"))])
attempt("glob", lambda: [os.path.basename(p) for p in g.Glob(os.path.join(top, "*.txt"))])
attempt("remove missing", lambda: g.Remove(os.path.join(top, "nope")))
attempt("remove dir", lambda: g.Remove(os.path.join(top, "x")))
attempt("copy", lambda: g.Copy(os.path.join(top, "a.txt"), os.path.join(top, "c.txt")))
attempt("copy again", lambda: g.Copy(os.path.join(top, "a.txt"), os.path.join(top, "c.txt")))
attempt("copy overwrite", lambda: g.Copy(os.path.join(top, "a.txt"), os.path.join(top, "c.txt"),
                                         overwrite=True))
attempt("copy missing", lambda: g.Copy(os.path.join(top, "nope"), os.path.join(top, "d.txt")))
attempt("rename exists", lambda: g.Rename(os.path.join(top, "a.txt"), os.path.join(top, "c.txt")))
attempt("rename", lambda: g.Rename(os.path.join(top, "c.txt"), os.path.join(top, "e.txt")))
attempt("rename missing", lambda: g.Rename(os.path.join(top, "nope"), os.path.join(top, "f.txt")))
attempt("stat", lambda: [g.Stat(os.path.join(top, "e.txt")).length,
                         g.Stat(os.path.join(top, "e.txt")).is_directory,
                         g.Stat(os.path.join(top, "x")).is_directory])
attempt("stat missing", lambda: g.Stat(os.path.join(top, "nope")))
attempt("walk", lambda: [(os.path.relpath(d, top), sorted(s), sorted(f))
                         for d, s, f in g.Walk(top)])
attempt("walk missing", lambda: list(g.Walk(os.path.join(top, "nope"))))
attempt("rmtree missing", lambda: g.DeleteRecursively(os.path.join(top, "nope")))
attempt("rmtree", lambda: g.DeleteRecursively(os.path.join(top, "x")))
attempt("after rmtree", lambda: g.Exists(os.path.join(top, "x")))
RESULTS["gfile"] = files

# -- tf.logging's levels -------------------------------------------------------------------
RESULTS["logging"] = [tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN,
                      tf.logging.ERROR, tf.logging.FATAL, tf.logging.get_verbosity()]

# -- checkpoint state after two saves -------------------------------------------------------
tf.reset_default_graph()
w = tf.Variable([1.0, 2.0], name="w")
step = tf.Variable(0, name="global_step")
RESULTS["all_variables"] = [x.name for x in tf.all_variables()]
saver = tf.train.Saver(max_to_keep=2)
ckpt_dir = os.path.join(top, "ckpt")
g.MakeDirs(ckpt_dir)
state = {"before": tf.train.get_checkpoint_state(ckpt_dir),
         "latest_before": tf.train.latest_checkpoint(ckpt_dir)}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(tf.initialize_local_variables())
    for s in (1, 2, 3):
        saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=s)
ckpt = tf.train.get_checkpoint_state(ckpt_dir)
state["model"] = os.path.relpath(ckpt.model_checkpoint_path, top)
state["all"] = [os.path.relpath(p, top) for p in ckpt.all_model_checkpoint_paths]
state["latest"] = os.path.relpath(tf.train.latest_checkpoint(ckpt_dir), top)
state["exists"] = [tf.train.checkpoint_exists(os.path.join(ckpt_dir, "model-3")),
                   tf.train.checkpoint_exists(os.path.join(ckpt_dir, "model-1"))]
tf.train.update_checkpoint_state(ckpt_dir, os.path.join(ckpt_dir, "model-2"))
state["updated"] = os.path.relpath(tf.train.latest_checkpoint(ckpt_dir), top)
with tf.Session() as sess:
    saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
    state["restored_step"] = int(sess.run(step))
RESULTS["checkpoint"] = state
shutil.rmtree(top)
