"""Checkpoints: ``Saver`` writes variable values to disk and reads them back (TF1's API).

The format is plain NumPy, never pickle:

- ``<prefix>.npz``: a zip of ``.npy`` arrays (what ``np.savez`` writes), one per variable,
  keyed by its checkpoint name (the variable's op name, ``dense/kernel``, or the key of a
  ``var_list`` dict), plus ``__graphflow_meta__``: a 0-d unicode array holding JSON
  ``{"format", "graphflow_version", "global_step", "variables": [{"name", "shape",
  "dtype"}]}``. Load it with ``np.load(path, allow_pickle=False)``. A string variable's
  array is its bytes one after another (uint8), its entry has ``"dtype": "string"`` and
  ``"lengths"``, each string's length in row-major order.
- ``checkpoint`` (JSON, in the checkpoint's directory): ``{"model_checkpoint_path":
  "model-200", "all_model_checkpoint_paths": ["model-100", "model-200"]}``, names relative
  to that directory, oldest first (``checkpoint_management`` reads and writes it).

Writes are atomic: each file goes to a temporary file in the same directory, is fsynced,
then renamed over its final name with ``os.replace``; the index is updated only after the
``.npz`` is in place. A crash at any point leaves the previous checkpoint and an index that
points at it; the next save of the prefix deletes the temporary files of writers that died.
``restore`` reads and checks every value before it writes any, so a failed restore leaves
every variable as it was.
"""

import contextlib
import json
import os
import time
import zipfile

import numpy as np

from .. import errors
from ..graph import Tensor
from ..ops.state import Variable, global_variables
from .checkpoint_management import INDEX_NAME, atomic_write, remove_stale_temporaries, write_index

FORMAT = "graphflow-checkpoint-1"
META_KEY = "__graphflow_meta__"  # not a valid op name, so it never clashes with a variable


class Saver:
    """Saves and restores variables (TF1's ``tf.train.Saver``).

    ``var_list``: None (all global variables at construction), a list of variables (saved
    under their op names) or a dict ``{checkpoint name: variable}``. ``max_to_keep``: how
    many recent checkpoints to keep (None or 0 keeps all); a dropped checkpoint is kept
    anyway if ``keep_checkpoint_every_n_hours`` have passed since the last one kept that way.
    ``pad_step_number`` writes ``model-00000100`` instead of ``model-100``.
    """

    @errors.api_boundary
    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=2, pad_step_number=False, save_relative_paths=True,
                 filename=None):
        if reshape:
            raise errors.at_user_line(errors.UnimplementedError,
                                      "Saver(reshape=True) is not supported")
        self._vars = _named_variables(var_list, allow_empty)
        self._max_to_keep = max_to_keep
        self._keep_every_s = keep_checkpoint_every_n_hours * 3600.0
        self._next_kept_time = time.time() + self._keep_every_s
        self._pad_step_number = pad_step_number
        self._last = []  # [(prefix, time saved)], oldest first

    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints this Saver wrote and still keeps, oldest first."""
        return [path for path, _ in self._last]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Take over ``[(prefix, timestamp)]`` (e.g. from a previous run) for ``max_to_keep``."""
        self._last = [(str(p), float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths):
        """Adopt existing checkpoints (oldest first) so ``max_to_keep`` also deletes them."""
        now = time.time()
        self._last = [(p, now) for p in checkpoint_paths if os.path.exists(p + ".npz")]

    @errors.api_boundary
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Write the variables' values in ``sess`` to ``save_path[-<global_step>].npz``.

        ``global_step`` may be an int or a tensor/variable (evaluated in ``sess``). Updates
        the ``checkpoint`` index in the same directory (unless ``write_state=False``), then
        deletes checkpoints beyond ``max_to_keep``. Returns the prefix written.
        """
        save_path, step = _strip_npz(os.fspath(save_path)), None
        if not save_path:  # TF1: "Parent directory of  doesn't exist, can't save."
            raise errors.at_user_line(
                errors.InvalidArgumentError, "cannot save to an empty save_path: give a "
                                             "checkpoint prefix, such as 'model' or 'ckpt/model'")
        prefix_name = os.path.basename(save_path)
        if global_step is not None:
            step = int(sess.run(global_step) if isinstance(global_step, Tensor) else global_step)
            save_path += f"-{step:08d}" if self._pad_step_number else f"-{step}"
        directory = os.path.dirname(os.path.abspath(save_path))
        if not os.path.isdir(directory):
            raise errors.at_user_line(
                errors.NotFoundError,
                f"cannot save to {save_path!r}: the directory {directory!r} does not exist")
        # what saves of this prefix killed mid-way left (only the dead writers')
        remove_stale_temporaries(directory, prefix_name)
        names = list(self._vars)
        values = sess.run([self._vars[n] for n in names]) if names else []
        arrays = {n: np.asarray(v, self._vars[n].dtype.np) for n, v in zip(names, values)}
        atomic_write(save_path + ".npz", lambda f: _write_npz(f, arrays, step))
        if write_state:
            kept, dropped, next_kept_time = self._kept_after(save_path)
            write_index(directory, latest_filename or INDEX_NAME, save_path,
                        [p for p, _ in kept])
            self._last, self._next_kept_time = kept, next_kept_time
            for path in dropped:  # only once the index no longer names them
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path + ".npz")
        return save_path

    @errors.api_boundary
    def restore(self, sess, save_path):
        """Set the variables in ``sess`` from the checkpoint ``save_path`` (a prefix, as
        ``save`` returned or ``latest_checkpoint`` gives). Needs no initializer to have run.
        Every value is read and checked first: on any error no variable changes."""
        if save_path is None:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      "cannot restore: save_path is None (no checkpoint found?)")
        if getattr(sess, "_closed", False):
            raise errors.FailedPreconditionError("this Session is closed; open a new one")
        path = _strip_npz(os.fspath(save_path)) + ".npz"
        stored = read_checkpoint(path)
        staged = []
        for name, var in self._vars.items():
            if var.graph is not sess.graph:
                raise errors.InvalidArgumentError(
                    f"cannot restore {errors.describe(var)}: it belongs to another graph than "
                    "the session's")
            if name not in stored:
                raise errors.NotFoundError(
                    f"the checkpoint {path!r} has no variable {name!r} to restore "
                    f"{errors.describe(var)}; it holds {_listing(stored)}")
            value = stored[name]
            want_shape, want_dtype = tuple(var.shape.dims), var.dtype.np
            if value.shape != want_shape or value.dtype != want_dtype:
                raise errors.InvalidArgumentError(
                    f"cannot restore {name!r} from {path!r}: the checkpoint holds a "
                    f"{value.dtype.name} value of shape {value.shape}, the variable "
                    f"{errors.describe(var)} needs {np.dtype(want_dtype).name} {want_shape}")
            staged.append((var, value))
        for var, value in staged:
            sess.load_variable(var, value)

    def _kept_after(self, path):
        """The checkpoints to keep once ``path`` is the newest, those to delete (beyond
        ``max_to_keep``, oldest first, sparing one every ``keep_checkpoint_every_n_hours``
        as TF1 does) and the next time to spare one."""
        kept = [(p, t) for p, t in self._last if p != path] + [(path, time.time())]
        dropped, next_kept_time = [], self._next_kept_time
        while self._max_to_keep and len(kept) > self._max_to_keep:
            old, saved_at = kept.pop(0)
            if saved_at > next_kept_time:
                next_kept_time += self._keep_every_s
            else:
                dropped.append(old)
        return kept, dropped, next_kept_time


def read_checkpoint(path):
    """``{name: array}`` from a checkpoint ``.npz``, every array read and checked against
    the stored metadata (NotFoundError if missing, InvalidArgumentError if damaged)."""
    if not os.path.exists(path):
        raise errors.NotFoundError(f"no checkpoint at {path!r}: the file does not exist")
    try:
        with np.load(path, allow_pickle=False) as npz:
            stored = {key: npz[key] for key in npz.files}
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 (zipfile and np.load raise many kinds on junk)
        raise errors.InvalidArgumentError(
            f"the checkpoint {path!r} is truncated or corrupt, or holds pickled objects "
            f"({type(e).__name__}: {e})") from None
    try:
        meta = json.loads(str(stored.pop(META_KEY)[()]))
        if meta["format"] != FORMAT:
            raise ValueError(f"unknown format {meta['format']!r}")
        for entry in meta["variables"]:
            value = stored[entry["name"]]
            if entry["dtype"] == "string":
                value = stored[entry["name"]] = _strings(value, entry)
            if list(value.shape) != entry["shape"] or (
                    value.dtype.name != entry["dtype"] and entry["dtype"] != "string"):
                raise ValueError(f"{entry['name']!r} does not match its metadata")
    except (KeyError, ValueError, TypeError) as e:
        raise errors.InvalidArgumentError(
            f"the checkpoint {path!r} is not a graphflow checkpoint or is damaged "
            f"({type(e).__name__}: {e})") from None
    return stored


# -- helpers ----------------------------------------------------------------------------------

def _named_variables(var_list, allow_empty):
    if var_list is None:
        var_list = global_variables()
    if isinstance(var_list, dict):
        named = dict(var_list)
    else:
        named = {}
        for var in var_list:
            name = var.op.name if isinstance(var, Tensor) else None
            if name in named:
                raise errors.at_user_line(errors.InvalidArgumentError,
                                          f"the variable {name!r} is in var_list twice")
            named[name] = var
    for name, var in named.items():
        if not isinstance(var, Variable):
            raise errors.at_user_line(errors.DTypeError,
                                      f"Saver saves variables; got {var!r} in var_list")
        if not isinstance(name, str) or not name or name == META_KEY:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"{name!r} cannot name a variable in a checkpoint")
    if not named and not allow_empty:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "no variables to save (pass allow_empty=True to allow it)")
    return named


def _strip_npz(path):
    return path[:-4] if path.endswith(".npz") else path


def _write_npz(f, arrays, step):
    from .. import __version__

    members, entries = {}, []
    for name, array in arrays.items():
        entry = {"name": name, "shape": list(array.shape), "dtype": array.dtype.name}
        if array.dtype == object:  # strings: no pickle, and no bytes array (it drops NULs)
            items = [bytes(item) for item in array.reshape(-1)]
            entry.update(dtype="string", lengths=[len(item) for item in items])
            array = np.frombuffer(b"".join(items), np.uint8)
        members[name] = array
        entries.append(entry)
    meta = {"format": FORMAT, "graphflow_version": __version__, "global_step": step,
            "variables": entries}
    members[META_KEY] = np.array(json.dumps(meta))
    # One .npy per entry, as np.savez writes them; allow_pickle=False refuses object arrays.
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in members.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def _strings(stored, entry):
    """A string variable's value from its bytes, stored one after another as uint8, and
    the metadata's ``lengths``."""
    lengths = [int(n) for n in entry["lengths"]]
    if stored.dtype != np.uint8 or stored.ndim != 1 or sum(lengths) != stored.size or min(
            lengths, default=0) < 0 or len(lengths) != int(np.prod(entry["shape"])):
        raise ValueError(f"{entry['name']!r} does not match its metadata")
    data, value, start = stored.tobytes(), np.empty(len(lengths), object), 0
    for i, n in enumerate(lengths):
        value[i], start = data[start:start + n], start + n
    return value.reshape(entry["shape"])


def _listing(stored):
    names = sorted(stored)
    shown = ", ".join(repr(n) for n in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "") if names \
        else "no variables"


errors.wrap_public(globals())
