"""``gf.io``: TF1's ``tf.io`` names that graphflow has (``gf.io.gfile``)."""

from . import gfile  # noqa: F401
