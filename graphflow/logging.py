"""TF1's ``tf.logging`` on Python's ``logging``, under the logger named ``"graphflow"``.

As TF1's: the threshold starts at Python's default, WARN (``info`` is hidden until
``set_verbosity(INFO)``); messages go to stderr as ``LEVEL:graphflow:message`` (to stdout,
and from INFO up, in an interactive shell); no handler is added when the root logger
already has one (an application that configured ``logging`` gets the messages its way).
"""

import logging as _logging
import sys as _sys
import threading as _threading

from . import tf1_names as _tf1_names

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = None
_lock = _threading.Lock()
_counts = {}  # (file, line) of a log_every_n/log_first_n call -> calls so far


def get_logger():
    """The ``"graphflow"`` logger, set up on first use as TF1 sets up its own."""
    global _logger
    with _lock:
        if _logger is None:
            logger = _logging.getLogger("graphflow")
            if not _logging.getLogger().handlers:
                interactive = hasattr(_sys, "ps1") or bool(_sys.flags.interactive)
                if interactive:
                    logger.setLevel(INFO)
                handler = _logging.StreamHandler(_sys.stdout if interactive else _sys.stderr)
                handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT))
                logger.addHandler(handler)
            _logger = logger
        return _logger


def _emit(level, msg, args, kwargs, depth=3):
    # stacklevel: the record names the user's line, not this module's
    get_logger().log(level, msg, *args, stacklevel=depth, **kwargs)


def log(level, msg, *args, **kwargs):
    """Log ``msg % args`` at ``level``."""
    _emit(level, msg, args, kwargs)


def debug(msg, *args, **kwargs):
    _emit(DEBUG, msg, args, kwargs)


def info(msg, *args, **kwargs):
    _emit(INFO, msg, args, kwargs)


def warning(msg, *args, **kwargs):
    _emit(WARNING, msg, args, kwargs)


warn = warning


def error(msg, *args, **kwargs):
    _emit(ERROR, msg, args, kwargs)


def fatal(msg, *args, **kwargs):
    """Log at FATAL (the program goes on, as in TF1's Python logging)."""
    _emit(FATAL, msg, args, kwargs)


def vlog(level, msg, *args, **kwargs):
    """Log at ``level`` (TF1's verbose log is a plain log at that level)."""
    _emit(level, msg, args, kwargs)


def log_if(level, msg, condition, *args):
    """Log ``msg % args`` at ``level`` when ``condition`` holds."""
    if condition:
        _emit(level, msg, args, {})


def _count_here():
    frame = _sys._getframe(2)  # the caller of log_every_n / log_first_n
    key = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        count = _counts.get(key, 0)
        _counts[key] = count + 1
    return count


def log_every_n(level, msg, n, *args):
    """Log the 1st, (n+1)th, (2n+1)th... call from this line."""
    if _count_here() % n == 0:
        _emit(level, msg, args, {})


def log_first_n(level, msg, n, *args):
    """Log the first ``n`` calls from this line."""
    if _count_here() < n:
        _emit(level, msg, args, {})


def TaskLevelStatusMessage(msg):  # noqa: N802 (TF1 name)
    """Log ``msg`` at ERROR (TF1's)."""
    _emit(ERROR, msg, (), {})


def flush():
    """Flush the logger's handlers."""
    for handler in get_logger().handlers:
        handler.flush()


def get_verbosity():
    """The threshold: messages below it are dropped (WARN unless set)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v):
    """Drop messages below ``v`` (``DEBUG``, ``INFO``, ``WARN``, ``ERROR``, ``FATAL``)."""
    get_logger().setLevel(v)

__getattr__ = _tf1_names.module_getattr("tf.logging", __name__)  # a TF1 name we lack: say so
