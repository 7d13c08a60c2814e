"""``import tensorflow`` in a process that ``multiprocessing`` starts for a program under
``graphflow run`` (the spawn and forkserver methods: a fresh interpreter that imports the
program again). Such a process inherits the program's ``sys.path``, which has this folder,
and not the import hook; this module installs the hook and hands graphflow over in its place.
"""

import importlib
import sys

if __name__ == "tensorflow":  # not when a tool walks graphflow's files
    from graphflow import tf_import

    del sys.modules[__name__]  # not a TensorFlow for install() to hide
    tf_import.install()
    sys.modules[__name__] = importlib.import_module(__name__)  # what the import returns
