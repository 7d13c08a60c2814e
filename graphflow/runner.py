"""``graphflow run SCRIPT.py [args]``: an unmodified TF1 program, with graphflow as TensorFlow.

The script runs as ``__main__`` with ``sys.argv = [SCRIPT.py, args...]`` and its folder first
on ``sys.path``, as ``python SCRIPT.py`` would run it, while ``import tensorflow`` (and
``tensorflow.compat.v1``, ``tensorflow.examples.tutorials.mnist`` ...) gives graphflow
(``tf_import``). A TF1 name graphflow lacks ends the run with one line: where the script used
it, and what it is. Any other error prints its traceback from the script's own frames on.
"""

import os
import runpy
import sys
import traceback

from . import errors, tf1_names, tf_import

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def run(script, args=()):
    """Run ``script`` with ``args`` as a TF1 program; returns its exit status (0 when it ends
    normally; ``SystemExit``, from ``sys.exit`` or ``tf.app.run``, passes through)."""
    if not os.path.isfile(script):
        print(f"graphflow run: {script}: no such file", file=sys.stderr)
        return 2
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    tf_import.install()
    try:
        runpy.run_path(script, run_name="__main__")
    except (tf1_names.MissingTF1NameError, tf1_names.MissingTF1ModuleError) as e:
        print(f"{_script_line(e.__traceback__)}: {e}", file=sys.stderr)
        return 1
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:
        tb = _from_the_script_on(e.__traceback__)
        # a graphflow error's message names the line, and an unknown name is the module
        # __getattr__'s: the frames inside graphflow would only hide the script's
        if isinstance(e, errors.GraphflowError) or _ends_in_a_hook(tb):
            tb = errors.without_own_frames(tb)
        traceback.print_exception(type(e), e, tb)
        return 1
    finally:
        tf_import.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path
    return 0


def _is_ours(filename):
    return filename.startswith(_PACKAGE_DIR) or filename.startswith("<frozen")


def _script_line(tb):
    """``file:line`` of the innermost frame that is the program's, not graphflow's or Python's
    import machinery."""
    where = "?"
    while tb is not None:
        code = tb.tb_frame.f_code
        if not _is_ours(code.co_filename):
            where = f"{code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _ends_in_a_hook(tb):
    """Whether the innermost frame is a module ``__getattr__`` of graphflow's."""
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_name == "__getattr__" and _is_ours(
        tb.tb_frame.f_code.co_filename)


def _from_the_script_on(tb):
    """The traceback without its first frames, which are this runner's and runpy's."""
    while tb is not None and _is_ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb
