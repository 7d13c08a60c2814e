"""``graphflow run``: unmodified TF1 programs, written here, run with graphflow as tensorflow."""

import gc
import os
import subprocess
import sys
import textwrap
import types

import pytest

import graphflow as gf
from graphflow import runner, tf1_names, tf_import


def _script(tmp_path, body, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


_ENV = {**os.environ,
        "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(gf.__file__)))}


def _run(tmp_path, body, *args):
    """The script run by ``python -m graphflow run`` in a fresh process: (status, out, err)."""
    done = subprocess.run([sys.executable, "-m", "graphflow", "run", _script(tmp_path, body),
                           *args], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env=_ENV)
    return done.returncode, done.stdout, done.stderr


def test_a_tf1_program_runs_unchanged_with_its_argv(tmp_path):
    status, out, err = _run(tmp_path, """
        import sys
        import tensorflow as tf

        x = tf.placeholder("float", [None, 2])
        w = tf.Variable(tf.ones([2, 1]))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(sys.argv[1:], sess.run(tf.matmul(x, w), {x: [[1, 2]]}).tolist(), __name__)
    """, "--", "--learning_rate=0.1", "data")
    assert (status, err) == (0, "")
    assert out.strip() == "['--', '--learning_rate=0.1', 'data'] [[3.0]] __main__"


def test_every_way_to_import_tensorflow_gives_graphflow(tmp_path):
    path = _script(tmp_path, """
        import tensorflow as tf
        import tensorflow.compat.v1 as tf1
        import tensorflow.nn as nn
        from tensorflow.compat import v1
        from tensorflow.python.framework import ops, dtypes
        from tensorflow.python.ops import math_ops
        from tensorflow.python.platform import gfile  # noqa: F401
        tf1.disable_v2_behavior()
        RESULT = (tf1 is tf, v1 is tf, tf.nn.relu is nn.relu is tf1.nn.relu,
                  ops.reset_default_graph is tf.reset_default_graph, dtypes.float32 is tf.float32,
                  math_ops.reduce_sum is tf.reduce_sum, tf.placeholder is tf1.placeholder)
    """)
    tf_import.install()
    try:
        import runpy

        namespace = runpy.run_path(path)
    finally:
        tf_import.uninstall()
    assert namespace["RESULT"] == (True,) * 7
    assert "tensorflow" not in sys.modules  # uninstall forgets what it gave


@pytest.mark.parametrize("use, named", [
    ("from tensorflow.contrib import slim", "tf.contrib.slim is a TF1 name"),
    ("import tensorflow.contrib.slim as slim", "tf.contrib.slim is a TF1 name"),
    ("import tensorflow as tf\nbn = tf.contrib.layers.batch_norm", "tf.contrib.layers.batch_norm is"),
    ("from tensorflow.contrib.rnn import AttentionCellWrapper", "tf.contrib.rnn.AttentionCellW"),
    ("import tensorflow as tf\nrnn = tf.nn.static_state_saving_rnn", "tf.nn.static_state_saving_rnn is"),
    ("import tensorflow as tf\nloss = tf.nn.ctc_loss", "tf.nn.ctc_loss is a TF1 name"),
    ("from tensorflow.nn import ctc_loss", "tf.nn.ctc_loss is a TF1 name"),
    ("from tensorflow.python.ops import ctc_ops", "graphflow has no tensorflow.python.ops.ctc_"),
    ("from tensorflow.compat.v1.nn import relu, ctc_loss", "tf.nn.ctc_loss is a TF1 name"),
    ("import tensorflow as tf\nflag = tf.flags.DEFINE_enum_class", "tf.flags.DEFINE_enum_class is a TF1"),
])
def test_a_missing_tf1_name_is_one_line_at_the_users_line(tmp_path, use, named):
    status, out, err = _run(tmp_path, "x = 1\n" + use + "\n")
    line = len(use.splitlines()) + 1
    assert status == 1 and out == ""
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith(f"{tmp_path / 'prog.py'}:{line}: {named}")
    assert tf1_names.COMPAT_PAGE in err


def test_importing_a_function_as_a_module_is_no_missing_name(tmp_path):
    """``import tensorflow.nn.relu`` fails in TF1 too, as no module; graphflow has relu, so
    the message must not say graphflow lacks it."""
    status, out, err = _run(tmp_path, "import tensorflow.nn.relu\n")
    assert status == 1
    assert "ModuleNotFoundError: No module named 'tensorflow.nn.relu'" in err
    assert "does not have" not in err


def test_a_name_tf1_never_had_is_the_usual_attribute_error(tmp_path):
    status, out, err = _run(tmp_path, "import tensorflow as tf\n\n\ny = tf.no_such_name\n")
    assert status == 1
    assert 'File "' + str(tmp_path / "prog.py") + '", line 4, in <module>' in err
    assert "AttributeError: module 'tensorflow' has no attribute 'no_such_name'" in err
    assert "graphflow/" not in err
    assert not hasattr(gf.contrib, "slim") and getattr(gf.nn, "ctc_loss", 7) == 7


def test_errors_keep_the_scripts_frames_and_drop_graphflows(tmp_path):
    status, out, err = _run(tmp_path, """
        import tensorflow as tf

        def model():
            return tf.placeholder(tf.float32, [2, 3]) + tf.placeholder(tf.float32, [4, 3])

        model()
    """)
    assert status == 1
    assert f'File "{tmp_path / "prog.py"}", line 7, in <module>' in err
    assert f'File "{tmp_path / "prog.py"}", line 5, in model' in err
    assert "graphflow.errors.ShapeError: cannot build Add op" in err
    assert "graphflow/" not in err.split("ShapeError")[0] and "runpy" not in err


def test_exit_status_and_missing_script(tmp_path):
    assert _run(tmp_path, "import sys\nsys.exit(3)\n")[0] == 3
    assert runner.run(str(tmp_path / "absent.py")) == 2


def test_the_real_tensorflow_stays_hidden_and_comes_back(tmp_path):
    """Installed or not, ``tensorflow`` is graphflow inside a run; a TensorFlow imported
    before comes back as the very modules it was (a real one cannot be imported twice)."""
    real = {"tensorflow": types.ModuleType("tensorflow"),
            "tensorflow.python": types.ModuleType("tensorflow.python")}
    sys.modules.update(real)
    try:
        assert tf_import.install() and not tf_import.install()  # once
        import tensorflow

        assert tensorflow.Session is gf.Session and tensorflow is not real["tensorflow"]
    finally:
        tf_import.uninstall()
        restored = {name: sys.modules.pop(name, None) for name in real}
    assert restored == real
    assert "tensorflow.nn" not in sys.modules


def test_a_tensorflow_package_on_the_path_stays_hidden(tmp_path):
    fake = tmp_path / "site" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("REAL = True\n")
    status, out, err = _run(tmp_path, """
        import sys
        sys.path.insert(0, sys.argv[1])
        import tensorflow as tf
        import tensorflow.compat.v1 as v1
        print(hasattr(tf, "REAL"), v1 is tf, tf.Session.__module__)
    """, str(tmp_path / "site"))
    assert (status, err, out) == (0, "", "False True graphflow.session\n")


def test_the_module_tensorflow_as_programs_use_it(tmp_path, capsys):
    """``from tensorflow import *``, ``tf.__version__``, ``help(tf)``, and one object for each
    module however it is reached (``tf.compat.v1 is tf`` before any import of it)."""
    path = _script(tmp_path, """
        from tensorflow import *
        x = placeholder(float32, [None, 2])
        print(Session.__name__, nn.relu.__name__, x.dtype.name)

        import pydoc
        import tensorflow as tf
        print(tf.__version__, tf.__file__.endswith("__init__.py"), "placeholder" in tf.__all__)
        print(tf.compat.v1 is tf, tf.nn.__name__, getattr(tf.compat, "v1", None) is tf)
        import tensorflow.nn
        import tensorflow.app.flags as app_flags
        import tensorflow.compat.v1.nn as v1_nn
        print(tf.nn is tensorflow.nn is v1_nn,
              app_flags.FLAGS is tf.flags.FLAGS is tf.app.flags.FLAGS)
        print("placeholder(" in pydoc.render_doc(tf, renderer=pydoc.plaintext),
              "relu(" in pydoc.render_doc(tf.nn, renderer=pydoc.plaintext))
        try:
            tf.compat.v1.no_such_name
        except AttributeError as e:
            print(e)
    """)
    assert runner.run(path) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "Session relu float32", f"{gf.__version__} True True", "True tensorflow.nn True",
        "True True", "True True", "module 'tensorflow' has no attribute 'no_such_name'"]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_multiprocessing_children_import_graphflow_too(tmp_path, method):
    """spawn and forkserver start fresh interpreters that import the program again: they must
    get graphflow as tensorflow too (a worker that fails to import hangs a Pool)."""
    status, out, err = _run(tmp_path, """
        import multiprocessing
        import sys
        import tensorflow as tf

        def work(n):
            import tensorflow.compat.v1 as tf1
            return n, tf1.Session.__module__, tf is not None

        if __name__ == "__main__":
            with multiprocessing.get_context(sys.argv[1]).Pool(1) as pool:
                print(pool.apply_async(work, (3,)).get(timeout=100))
    """, method)
    assert (status, err, out) == (0, "", "(3, 'graphflow.session', True)\n")


def test_runs_in_one_process_start_afresh(tmp_path, capsys):
    """Each run gets what a fresh process has: an empty default graph, unparsed flags with
    their defaults, the modules of its own folder; the caller's come back afterwards."""
    for folder, value in (("a", 1), ("b", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "helper.py").write_text(f"VALUE = {value}\n")
    body = """
        import tensorflow as tf
        import helper
        tf.app.flags.DEFINE_integer("steps", 5, "training steps")
        x = tf.placeholder(tf.float32, name="x")
        v = tf.Variable(1.0, name="v")
        print(x.name, v.name, len(tf.global_variables()), tf.app.flags.FLAGS.steps, helper.VALUE)
    """
    outer = gf.get_default_graph()
    gf.app.flags.DEFINE_string("callers_flag", "kept", "a flag of the caller's")
    try:
        with gf.Graph().as_default() as mine:
            callers = gf.placeholder(gf.float32, name="callers")
            runs = [runner.run(_script(tmp_path / "a", body), ["--steps=7"]),
                    runner.run(_script(tmp_path / "a", body)),
                    runner.run(_script(tmp_path / "b", body))]
            assert gf.get_default_graph() is mine and mine.get_operations() == [callers.op]
        out, err = capsys.readouterr()
        assert runs == [0, 0, 0] and err == ""
        assert out.splitlines() == ["x:0 v:0 1 7 1", "x:0 v:0 1 5 1", "x:0 v:0 1 5 2"]
        assert gf.get_default_graph() is outer
        assert "callers_flag" in gf.app.flags.FLAGS and "steps" not in gf.app.flags.FLAGS
        assert "helper" not in sys.modules
    finally:
        gf.app.flags.FLAGS.__delattr__("callers_flag")


def test_many_runs_in_one_process_keep_no_graphs(tmp_path):
    probe = types.ModuleType("graphflow_test_probe")
    probe.graphs = []
    sys.modules[probe.__name__] = probe
    path = _script(tmp_path, """
        import weakref
        import numpy as np
        import tensorflow as tf
        import graphflow_test_probe

        x = tf.placeholder(tf.float32, [None, 4])
        w = tf.Variable(tf.ones([4, 2]))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.matmul(x, w), {x: np.ones((3, 4), np.float32)})
        graphflow_test_probe.graphs.append(weakref.ref(tf.get_default_graph()))
    """)
    try:
        assert [runner.run(path) for _ in range(20)] == [0] * 20
    finally:
        del sys.modules[probe.__name__]
    gc.collect()
    assert len(probe.graphs) == 20 and [ref() for ref in probe.graphs] == [None] * 20


def test_ctrl_c_shows_the_programs_frames_only(tmp_path):
    status, out, err = _run(tmp_path, """
        def train():
            raise KeyboardInterrupt

        train()
    """)
    assert status == 130 and out == ""
    assert err.splitlines() == [
        "Traceback (most recent call last):",
        f'  File "{tmp_path / "prog.py"}", line 5, in <module>', "    train()",
        f'  File "{tmp_path / "prog.py"}", line 3, in train', "    raise KeyboardInterrupt",
        "KeyboardInterrupt"]


def test_a_relative_script_path_and_a_chdir(tmp_path):
    """``__file__`` is absolute, as Python gives it, so a program that changes directory
    still finds its files; errors name the script wherever the program went."""
    (tmp_path / "data.txt").write_text("42")
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import os
        import tensorflow as tf
        here = os.path.dirname(__file__)
        os.chdir("/")
        print(open(os.path.join(here, "data.txt")).read())
        tf.nn.ctc_loss
    """))
    done = subprocess.run([sys.executable, "-m", "graphflow", "run", "prog.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env=_ENV)
    assert done.returncode == 1 and done.stdout == "42\n"
    assert done.stderr.startswith(f"{tmp_path / 'prog.py'}:7: tf.nn.ctc_loss is a TF1 name")


def test_threads_the_program_leaves_running_still_see_its_world(tmp_path):
    """``python SCRIPT.py`` waits for the threads the program started before it ends, and
    they keep the program's default graph, flags and ``import tensorflow``: the run is over
    only then, also when the program ends with an error or sys.exit."""
    body = """
        import sys
        import threading
        import time
        import tensorflow as tf

        tf.app.flags.DEFINE_integer("steps", 3, "steps")
        FLAGS = tf.app.flags.FLAGS
        FLAGS(sys.argv)
        x = tf.placeholder(tf.float32, name="x")

        def work():
            time.sleep(0.5)
            y = tf.get_default_graph().get_tensor_by_name("x:0")
            import tensorflow.nn
            with tf.Session() as sess:
                print(sess.run(y * 2.0, {y: 3.0}), FLAGS.steps, tensorflow.nn.relu is tf.nn.relu)

        threading.Thread(target=work).start()
    """
    body = textwrap.dedent(body)
    assert _run(tmp_path, body) == (0, "6.0 3 True\n", "")
    status, out, err = _run(tmp_path, body + "sys.exit(4)\n")
    assert (status, out, err) == (4, "6.0 3 True\n", "")
    status, out, err = _run(tmp_path, body + "tf.nn.ctc_loss\n")
    assert (status, out) == (1, "6.0 3 True\n") and "tf.nn.ctc_loss is a TF1 name" in err


def test_an_interactive_session_left_open_ends_quietly(tmp_path):
    """``graphflow run`` restores the default sessions after the program; an
    InteractiveSession it never closed used to print 'Exception ignored ... not in list'."""
    status, out, err = _run(tmp_path, """
        import tensorflow as tf

        sess = tf.InteractiveSession()
        print(tf.constant(2.0).eval() * 3)
    """)
    assert (status, out.strip(), err) == (0, "6.0", "")
