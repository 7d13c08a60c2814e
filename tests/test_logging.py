"""tf.logging (gf.logging): TF1's levels, default threshold and format, on Python's logging
under the "graphflow" logger. The default set-up is checked in fresh interpreters (it
happens once per process, and pytest configures the root logger)."""

import logging
import os
import subprocess
import sys
import textwrap

import pytest

import graphflow as gf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": ROOT})


def test_tf1s_default_threshold_and_format():
    done = _python("""
        import graphflow as tf
        print(tf.logging.get_verbosity(), tf.logging.WARN, tf.logging.FATAL)
        tf.logging.info("hidden")
        tf.logging.warning("shown %d", 3)
        tf.logging.warn("warn")
        tf.logging.set_verbosity(tf.logging.INFO)
        tf.logging.info("now %s", "visible")
        tf.logging.debug("still hidden")
        tf.logging.fatal("fatal")
        tf.logging.TaskLevelStatusMessage("status")
        tf.logging.flush()
        print("still running")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "30 30 50\nstill running\n"
    assert done.stderr.splitlines() == [
        "WARNING:graphflow:shown 3", "WARNING:graphflow:warn", "INFO:graphflow:now visible",
        "CRITICAL:graphflow:fatal", "ERROR:graphflow:status"]


def test_a_configured_root_logger_gets_the_messages_alone():
    done = _python("""
        import logging
        logging.basicConfig(format="root says %(name)s %(message)s")
        import graphflow as tf
        tf.logging.error("once")
    """)
    assert done.stderr.splitlines() == ["root says graphflow once"]


@pytest.fixture
def records(caplog):
    caplog.set_level(logging.DEBUG, logger="graphflow")
    return caplog


def _lines(records):
    return [(r.levelname, r.getMessage()) for r in records.records if r.name == "graphflow"]


def test_every_n_first_n_if_and_vlog_count_per_line(records):
    for i in range(5):
        gf.logging.log_every_n(gf.logging.INFO, "every %d", 2, i)
        gf.logging.log_first_n(gf.logging.WARN, "first %d", 2, i)
    gf.logging.log_first_n(gf.logging.WARN, "another line %d", 1, 9)  # its own count
    gf.logging.log_if(gf.logging.ERROR, "if %s", False, "no")
    gf.logging.log_if(gf.logging.ERROR, "if %s", True, "yes")
    gf.logging.vlog(gf.logging.INFO, "vlog")
    gf.logging.log(gf.logging.DEBUG, "log")
    assert _lines(records) == [
        ("INFO", "every 0"), ("WARNING", "first 0"), ("WARNING", "first 1"), ("INFO", "every 2"),
        ("INFO", "every 4"), ("WARNING", "another line 9"), ("ERROR", "if yes"),
        ("INFO", "vlog"), ("DEBUG", "log")]


def test_records_name_the_users_line_and_verbosity_is_the_loggers_level(records):
    gf.logging.info("here")  # the-info-line
    gf.logging.log_if(gf.logging.INFO, "there", True)
    record, second = [r for r in records.records if r.name == "graphflow"]
    assert record.pathname == __file__ and record.funcName.startswith("test_records")
    with open(__file__) as f:
        assert "# the-info-line" in f.readlines()[record.lineno - 1]
    assert second.lineno == record.lineno + 1
    gf.logging.set_verbosity(gf.logging.ERROR)
    assert gf.logging.get_verbosity() == logging.ERROR == gf.get_logger().level
    assert gf.get_logger() is logging.getLogger("graphflow")
    assert gf.logging.WARNING == gf.logging.WARN
