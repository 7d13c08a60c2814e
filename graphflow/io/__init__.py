"""``gf.io``: TF1's ``tf.io`` names that graphflow has (``gf.io.gfile``)."""

from .. import tf1_names as _tf1_names
from . import gfile  # noqa: F401

__getattr__ = _tf1_names.module_getattr("tf.io", __name__)  # a TF1 name we lack: say so
