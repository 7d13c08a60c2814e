"""The host-side TF1 names (tf.device, ConfigProto, tf.errors, tf.app.flags, tf.gfile,
tf.logging's levels, checkpoint state) give TensorFlow's results: ``host_program.py`` runs
unchanged under graphflow and matches ``host_expected.py``, made once with TensorFlow by
``make_host_expected.py``."""
import os
import runpy

from test_tf1_programs import PROGRAM_DIR, compare


def test_host_program_matches_tensorflow(capsys):
    expected = runpy.run_path(os.path.join(PROGRAM_DIR, "host_expected.py"))["EXPECTED"]
    results = runpy.run_path(os.path.join(PROGRAM_DIR, "host_program.py"),
                             run_name="__main__")["RESULTS"]
    compare(results, expected)
    # the program's session asked to log placement: graphflow says it once, in one line
    told = [line for line in capsys.readouterr().err.splitlines() if "asked for" in line]
    assert told == ["graphflow: 4 ops asked for /device:GPU:0 (3), /gpu:1 (1) run on the CPU "
                    "(the numba backend runs every op on its one device)"]
