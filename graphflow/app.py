"""TF1's ``tf.app``: ``run(main)`` parses the command-line flags, then calls ``main``.

``tf.app.flags`` is ``graphflow.flags`` (also ``tf.flags``).
"""

import sys

from . import flags
from . import tf1_names as _tf1_names

_HELP = ("--help", "-help", "--helpshort", "-helpshort", "--helpfull", "-helpfull", "-?")


def run(main=None, argv=None):
    """Parse ``argv`` (default ``sys.argv``) into ``flags.FLAGS``, then exit with
    ``main(remaining)``'s return value (``sys.exit``: None is 0), as TF1 does.

    ``main`` defaults to the ``main`` function of the ``__main__`` module. ``remaining`` is
    the program name, the positional arguments and the flags no DEFINE_* made (TF1
    tolerates those and passes them on). ``--help`` prints the flags' help and exits with
    status 1 (absl's); a bad flag value prints the error and exits with status 1.
    """
    if main is None:
        main = getattr(sys.modules.get("__main__"), "main", None)
        if main is None:
            raise flags.Error("app.run() needs a main function: pass main=..., or define "
                              "main(argv) in the program that calls it")
    args = list(sys.argv if argv is None else argv)
    ends = args.index("--") if "--" in args else len(args)
    if any(a in _HELP and a.lstrip("-?") not in flags.FLAGS for a in args[1:ends]):
        print(flags.FLAGS.usage())
        print("\nflags are given as --name=value or --name value; --[no]name for booleans")
        sys.exit(1)
    try:
        remaining = flags.FLAGS(args, known_only=True)
    except flags.Error as e:
        sys.stderr.write(f"FATAL Flags parsing error: {e}\nPass --help to see help on flags.\n")
        sys.exit(1)
    sys.exit(main(remaining))

__getattr__ = _tf1_names.module_getattr("tf.app", __name__)  # a TF1 name we lack: say so
