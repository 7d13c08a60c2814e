"""The ``checkpoint`` index of a checkpoint directory, and TF1's functions that read it.

``Saver.save`` writes the index (JSON, in the checkpoint's directory)::

    {"model_checkpoint_path": "model-200",
     "all_model_checkpoint_paths": ["model-100", "model-200"]}

with names relative to that directory when the checkpoints are in it, oldest first.
``get_checkpoint_state`` reads it into a ``CheckpointState`` (TF1's record, with the names
joined to the directory as TF1 does); ``latest_checkpoint`` gives the newest checkpoint's
prefix if its file exists.
"""

import contextlib
import json
import os
import re
import socket
import tempfile

from .. import errors
from .. import logging as gf_logging
from ..config import Message

INDEX_NAME = "checkpoint"


class CheckpointState(Message):
    """TF1's ``CheckpointState``: ``model_checkpoint_path`` (the newest checkpoint's prefix)
    and ``all_model_checkpoint_paths`` (those kept, oldest first)."""

    _FIELDS = {"model_checkpoint_path": "", "all_model_checkpoint_paths": [],
               "all_model_checkpoint_timestamps": [], "last_preserved_timestamp": 0.0}


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in ``checkpoint_dir``'s index, or None when there is no index
    (nor a directory there), or, with a warning, when it cannot be read.

    Relative names are joined to ``checkpoint_dir`` (TF1's rule); an index that is not
    graphflow's (a TF1 one) or is damaged raises InvalidArgumentError.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    index = os.path.join(checkpoint_dir, latest_filename or INDEX_NAME)
    try:
        with open(index, "rb") as f:
            data = f.read()
    except (FileNotFoundError, NotADirectoryError):  # no index (a file given for the dir)
        return None
    except OSError as e:  # TF1: an index it cannot read is ignored, with a warning
        gf_logging.warning("%s: %s; checkpoint index ignored", index, e.strerror or e)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise errors.DataLossError(
            f"the checkpoint index {index!r} is corrupt: its bytes are not text ({e}); "
            "delete it, or write it again with update_checkpoint_state") from None
    try:
        stored = json.loads(text)
        latest = stored["model_checkpoint_path"]
        kept = stored.get("all_model_checkpoint_paths", [latest])
        if not isinstance(latest, str) or not latest or not all(
                isinstance(p, str) for p in kept):
            raise ValueError("no checkpoint path")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise errors.InvalidArgumentError(
            f"the checkpoint index {index!r} is not graphflow's JSON index (a TF1 one, or "
            "damaged)") from None

    def full(path):
        return path if os.path.isabs(path) else os.path.join(checkpoint_dir, path)

    return CheckpointState(model_checkpoint_path=full(latest),
                           all_model_checkpoint_paths=[full(p) for p in kept])


def checkpoint_exists(checkpoint_prefix):
    """Whether a checkpoint was written under this prefix (``<prefix>.npz`` exists; a path
    given with its ``.npz`` counts too)."""
    prefix = os.fspath(checkpoint_prefix)
    return os.path.isfile(prefix + ".npz") or prefix.endswith(".npz") and os.path.isfile(prefix)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir`` (from its ``checkpoint``
    index), or None when there is none (no index, or its file is gone)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Write ``save_dir``'s index naming ``model_checkpoint_path`` as the newest checkpoint
    (TF1's; it is appended to ``all_model_checkpoint_paths`` if not their last). The
    timestamps are accepted and not stored."""
    paths = [os.fspath(p) for p in all_model_checkpoint_paths or []]
    model_checkpoint_path = os.fspath(model_checkpoint_path)
    if not paths or paths[-1] != model_checkpoint_path:
        paths = [p for p in paths if p != model_checkpoint_path] + [model_checkpoint_path]
    save_dir = os.fspath(save_dir)
    if not os.path.isdir(save_dir):
        raise errors.at_user_line(errors.NotFoundError,
                                  f"cannot write a checkpoint index: {save_dir!r} is not a "
                                  "directory")
    write_index(os.path.abspath(save_dir), latest_filename or INDEX_NAME,
                _resolved(save_dir, model_checkpoint_path),
                [_resolved(save_dir, p) for p in paths])


def _resolved(save_dir, path):
    return path if os.path.isabs(path) else os.path.join(save_dir, path)


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times (seconds) of the checkpoints that exist among the prefixes."""
    return [os.path.getmtime(os.fspath(p) + ".npz") for p in checkpoint_prefixes
            if checkpoint_exists(p)]


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=None, meta_graph_suffix=None):
    """Delete the checkpoint file of a prefix (the index is left as it is, as in TF1)."""
    path = os.fspath(checkpoint_prefix)
    path = path if path.endswith(".npz") else path + ".npz"
    if not os.path.isfile(path):
        raise errors.at_user_line(errors.NotFoundError, f"no checkpoint at {path!r}")
    os.remove(path)


def write_index(directory, filename, latest, all_paths):
    """Write the index atomically: names in ``directory`` relative to it, others as given."""
    def rel(p):
        p = os.path.abspath(p)
        return os.path.relpath(p, directory) if os.path.dirname(p) == directory else p

    state = {"model_checkpoint_path": rel(latest),
             "all_model_checkpoint_paths": [rel(p) for p in all_paths]}
    text = json.dumps(state, indent=1) + "\n"
    remove_stale_temporaries(directory, filename)
    atomic_write(os.path.join(directory, filename), lambda f: f.write(text.encode("utf-8")))


def atomic_write(path, write):
    """Write ``path`` through a fsynced temporary file renamed over it: readers see the old
    file or the complete new one, never a part. The temporary file's name holds the writer
    (host and pid), so that a writer killed before the rename can be told from a live one
    by ``remove_stale_temporaries``."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.{_writer()}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX only)
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# .<file name>.<host>-<pid>.<mkstemp's random part>.tmp, as atomic_write names them
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)\.\w+\.tmp\Z")


def _host():
    return re.sub(r"[^A-Za-z0-9]+", "-", socket.gethostname()).strip("-") or "host"


def _writer():
    return f"{_host()}-{os.getpid()}"


def _alive(pid):
    """Whether process ``pid`` of this host is running (assumed so where it cannot be told:
    outside POSIX, ``os.kill(pid, 0)`` would end it)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (EPERM): alive
        return True
    return True


def remove_stale_temporaries(directory, name_start):
    """Delete the temporary files that ``atomic_write`` left in ``directory`` for files
    whose names start with ``name_start`` and whose writer died before renaming them (a
    save killed with kill -9 leaves its whole checkpoint there). A live writer's file is
    kept, as is one written from another host, which this one cannot judge."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    host = _host()
    for name in names:
        found = _TEMPORARY.match(name)
        if found and found["target"].startswith(name_start) and found["host"] == host and (
                not _alive(int(found["pid"]))):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, name))


errors.wrap_public(globals())
