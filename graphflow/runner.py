"""``graphflow run SCRIPT.py [args]``: an unmodified TF1 program, with graphflow as TensorFlow.

The script runs as ``__main__`` with ``sys.argv = [SCRIPT.py, args...]`` and its folder first
on ``sys.path``, as ``python SCRIPT.py`` would run it, while ``import tensorflow`` (and
``tensorflow.compat.v1``, ``tensorflow.examples.tutorials.mnist`` ...) gives graphflow
(``tf_import``). A TF1 name graphflow lacks ends the run with one line: where the script used
it, and what it is. Any other error prints its traceback from the script's own frames on.
"""

import contextlib
import os
import runpy
import sys
import threading
import traceback

from . import errors, flags, graph, session, tf1_names, tf_import
from . import logging as gf_logging

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# on the program's sys.path: a process multiprocessing starts for it imports tensorflow there
_SPAWN_PATH = os.path.join(_PACKAGE_DIR, "spawn_path")


def run(script, args=()):
    """Run ``script`` with ``args`` as a TF1 program; returns its exit status (0 when it ends
    normally; ``SystemExit``, from ``sys.exit`` or ``tf.app.run``, passes through)."""
    if not os.path.isfile(script):
        print(f"graphflow run: {script}: no such file", file=sys.stderr)
        return 2
    path = os.path.abspath(script)  # __file__, as Python gives it: a chdir does not move it
    folder = os.path.dirname(path)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path[:0] = [folder, _SPAWN_PATH]
    installed = tf_import.install()
    try:
        with _as_a_fresh_process(folder):
            return _run_as_main(path)
    finally:
        if installed:
            tf_import.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path


def _run_as_main(path):
    """Run the program at ``path`` as ``__main__``; its status, an error reported."""
    try:
        runpy.run_path(path, run_name="__main__")
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
    return 0


def main(script, args=()):
    """``run`` for the command line (``graphflow run``): Ctrl-C ends the program with the
    traceback from its own frames on and status 130, as ``python SCRIPT.py`` shows it
    (``run`` lets KeyboardInterrupt through, so a caller's loop of runs can be stopped)."""
    try:
        return run(script, args)
    except KeyboardInterrupt as e:
        traceback.print_exception(type(e), e, _from_the_script_on(e.__traceback__))
        return 130


@contextlib.contextmanager
def _as_a_fresh_process(folder):
    """What ``python SCRIPT.py`` starts with, for one run: an empty default graph, no default
    session, no flags, no log_first_n counts, and none of the modules the program's folder
    holds. Runs in one process (tests, a notebook) then neither see the last run's ops,
    variables and flag values nor keep them alive; what the caller had comes back after,
    once the threads the program started have ended (as Python waits for them)."""
    saved_graph, saved_stack = graph._global_default, graph._default_stack()[:]
    saved_sessions, saved_flags = session._default_sessions.stack[:], dict(flags.FLAGS.__dict__)
    saved_counts, modules = dict(gf_logging._counts), set(sys.modules)
    graph._global_default, graph._default_stack()[:] = graph.Graph(), []
    session._default_sessions.stack[:] = []
    flags.FlagValues.__init__(flags.FLAGS)
    gf_logging._counts.clear()
    threads = set(threading.enumerate())
    try:
        yield
    finally:
        try:
            _join_threads_but(threads)
        finally:
            graph._global_default, graph._default_stack()[:] = saved_graph, saved_stack
            session._default_sessions.stack[:] = saved_sessions
            flags.FLAGS.__dict__.clear()
            flags.FLAGS.__dict__.update(saved_flags)
            gf_logging._counts.clear()
            gf_logging._counts.update(saved_counts)
            for name in set(sys.modules) - modules:
                if name.partition(".")[0] not in modules and _found_in(folder,
                                                                       sys.modules[name]):
                    del sys.modules[name]


def _join_threads_but(threads):
    """Wait for the threads started since ``threads`` that are no daemons, as Python waits
    for them before a process ends: they still run the program (its graph, its flags)."""
    while True:
        running = [t for t in threading.enumerate()
                   if t not in threads and not t.daemon and t is not threading.current_thread()]
        if not running:
            return
        for t in running:
            t.join()


def _found_in(folder, module):
    """Whether ``module`` was imported from ``folder`` (a module of the program's own, which
    another program's folder may hold under the same name) rather than found elsewhere."""
    filename = getattr(module, "__file__", None)
    if not isinstance(filename, str):
        return False
    stem = os.path.splitext(os.path.abspath(filename))[0]
    if os.path.basename(stem) == "__init__":
        stem = os.path.dirname(stem)
    return stem == os.path.join(folder, *module.__name__.split("."))


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
