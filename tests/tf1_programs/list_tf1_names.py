"""Regenerate ``graphflow/tf1_names.txt``: TF1's public names, from TensorFlow itself.

Walks ``tensorflow.compat.v1`` and its modules (``tf.layers`` and ``tf.nn.rnn_cell`` from
tf-keras's legacy modules, ``tf.app.flags`` and ``tf.flags``, ``tf.logging``), one line per
name (``tf.nn.relu``) and per module (``tf.nn/``). Left out:
``tf.keras`` and ``tf.raw_ops`` (listed as modules only) and ``tf.compat``. TF 2.x's
compat.v1 no longer carries ``tf.contrib`` and ``tf.estimator``; they are added as modules,
so a program that uses them hears that they are TF1's. graphflow reads the file to tell a
TF1 name it lacks from a typo, and ``tests/test_tf1_names.py`` reports the coverage. Run with
a Python that has TensorFlow and tf-keras::

    TF_USE_LEGACY_KERAS=1 python tests/tf1_programs/list_tf1_names.py graphflow/tf1_names.txt
"""

import sys
import types

WALKED_ELSEWHERE = ("tf.app.flags", "tf.flags")  # absl's flags module, under both names
# compat.v1's own modules; a module wrapper (tf.logging) is named after the public path
ROOTS = ("tensorflow._api.v2.compat.v1", "tensorflow.compat.v1")
LISTED_NOT_WALKED = ("tf.keras", "tf.raw_ops")
TF1_ONLY_MODULES = ("tf.contrib", "tf.estimator")


def _module_name(value):
    try:
        return value.__name__
    except Exception:  # lazy loaders raise anything when asked
        return ""


def walk(module, prefix, seen, out):
    for name in dir(module):
        full = f"{prefix}.{name}"
        if name.startswith("_") or full == "tf.compat":
            continue
        if full in LISTED_NOT_WALKED:
            out.add(full + "/")
            continue
        try:
            value = getattr(module, name)
        except Exception:
            continue
        if not isinstance(value, types.ModuleType):
            out.add(full)
            continue
        mod_name = _module_name(value)
        lazy_keras = type(value).__name__ == "KerasLazyLoader"  # tf.layers, tf.nn.rnn_cell
        if (mod_name.startswith(ROOTS) or lazy_keras or full in WALKED_ELSEWHERE) \
                and (mod_name not in seen or full in WALKED_ELSEWHERE):
            seen.add(mod_name)
            out.add(full + "/")
            walk(value, full, seen, out)


def main(path):
    import tensorflow
    import tensorflow.compat.v1 as tf
    import tf_keras

    out = {m + "/" for m in TF1_ONLY_MODULES}
    walk(tf, "tf", set(), out)
    with open(path, "w") as f:
        f.write(f"# TF1's public names: tensorflow.compat.v1 of TensorFlow {tensorflow.__version__} "
                f"(tf.layers from tf-keras {tf_keras.__version__});\n# a line ending in '/' is "
                "a module. Made by tests/tf1_programs/list_tf1_names.py; do not edit.\n")
        f.writelines(name + "\n" for name in sorted(out))


if __name__ == "__main__":
    main(sys.argv[1])
