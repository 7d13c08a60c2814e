"""``tf.compat``: ``v1`` is graphflow itself (``import tensorflow.compat.v1 as tf`` programs),
and TF1's text helpers."""

import sys

from . import tf1_names

v1 = sys.modules[__package__]  # graphflow: it is TF1's API


def as_bytes(bytes_or_text, encoding="utf-8"):
    """``str`` encoded (``bytes`` and ``bytearray`` as they are), as TF1's compat.as_bytes."""
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError(f"expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """``bytes`` decoded (``str`` as it is), as TF1's compat.as_text."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value):
    """``str(value)``, decoding bytes (TF1)."""
    return as_str(value) if isinstance(value, (bytes, bytearray)) else str(value)


__getattr__ = tf1_names.module_getattr("tf.compat", __name__)
