"""``graphflow run``: unmodified TF1 programs, written here, run with graphflow as tensorflow."""

import os
import subprocess
import sys
import textwrap

import pytest

import graphflow as gf
from graphflow import runner, tf1_names, tf_import


def _script(tmp_path, body, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def _run(tmp_path, body, *args):
    """The script run by ``python -m graphflow run`` in a fresh process: (status, out, err)."""
    done = subprocess.run([sys.executable, "-m", "graphflow", "run", _script(tmp_path, body),
                           *args], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(
                              os.path.abspath(gf.__file__)))})
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
    """, "--learning_rate=0.1", "data")
    assert (status, err) == (0, "")
    assert out.strip() == "['--learning_rate=0.1', 'data'] [[3.0]] __main__"


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
    ("from tensorflow.contrib import rnn", "tf.contrib is a TF1 module"),
    ("import tensorflow.contrib.layers as layers", "tf.contrib is a TF1 module"),
    ("import tensorflow as tf\nflat = tf.contrib.layers.flatten", "tf.contrib is a TF1 module"),
    ("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(4)", "tf.nn.rnn_cell is a TF1 module"),
    ("import tensorflow as tf\nloss = tf.nn.ctc_loss", "tf.nn.ctc_loss is a TF1 name"),
    ("from tensorflow.nn import ctc_loss", "tf.nn.ctc_loss is a TF1 name"),
    ("from tensorflow.python.ops import rnn", "graphflow has no tensorflow.python.ops.rnn"),
])
def test_a_missing_tf1_name_is_one_line_at_the_users_line(tmp_path, use, named):
    status, out, err = _run(tmp_path, "x = 1\n" + use + "\n")
    line = len(use.splitlines()) + 1
    assert status == 1 and out == ""
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith(f"{tmp_path / 'prog.py'}:{line}: {named}")
    assert tf1_names.COMPAT_PAGE in err


def test_a_name_tf1_never_had_is_the_usual_attribute_error(tmp_path):
    status, out, err = _run(tmp_path, "import tensorflow as tf\n\n\ny = tf.no_such_name\n")
    assert status == 1
    assert 'File "' + str(tmp_path / "prog.py") + '", line 4, in <module>' in err
    assert "AttributeError: module 'tensorflow' has no attribute 'no_such_name'" in err
    assert "graphflow/" not in err
    assert not hasattr(gf, "contrib") and getattr(gf.nn, "ctc_loss", 7) == 7


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
    """Installed or not, ``tensorflow`` is graphflow inside a run and is not afterwards."""
    sys.modules["tensorflow"] = "a stand-in for an imported TensorFlow"
    try:
        tf_import.install()
        import tensorflow

        assert tensorflow.Session is gf.Session
    finally:
        tf_import.uninstall()
    assert "tensorflow" not in sys.modules
