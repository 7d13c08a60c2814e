"""A save killed with kill -9 leaves its temporary file behind (the rename never comes):
the next save of the prefix deletes it, and keeps the file of a writer still at work."""

import os
import signal
import subprocess
import sys

import numpy as np

import graphflow as gf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A process that saves model-<step>, stopping in the middle of writing the .npz until it
# reads a line: the parent kills it there, or lets it finish.
WRITER = r"""
import os, sys
import numpy as np
import graphflow as gf
from graphflow.train import saver

directory, step = sys.argv[1], int(sys.argv[2])
gf.Variable(np.ones((256, 256), np.float32), name="w")
sess = gf.Session()
sess.run(gf.global_variables_initializer())
write = saver._write_npz

def stalled(f, arrays, step):
    f.write(b"the first part of the checkpoint")
    f.flush()
    print("writing", flush=True)
    sys.stdin.readline()
    f.seek(0)
    f.truncate()
    write(f, arrays, step)

saver._write_npz = stalled
gf.train.Saver().save(sess, os.path.join(directory, "model"), global_step=step)
print("saved", flush=True)
"""


def _writer(directory, step):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(directory), str(step)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _temporaries(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


def test_a_later_save_deletes_a_killed_writers_file_and_keeps_a_live_ones(tmp_path):
    killed, live = _writer(tmp_path, 1), _writer(tmp_path, 2)
    try:
        assert killed.stdout.readline() == live.stdout.readline() == "writing\n"
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        left = _temporaries(tmp_path)
        assert len(left) == 2 and any(n.startswith(".model-1.npz.") for n in left), left
        live_file = next(n for n in left if n.startswith(".model-2.npz."))

        gf.Variable(np.zeros(3, np.float32), name="mine")
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            gf.train.Saver().save(sess, str(tmp_path / "model"), global_step=3)
        assert _temporaries(tmp_path) == [live_file]  # the killed writer's is gone

        live.stdin.write("go on\n")
        live.stdin.flush()
        assert live.stdout.readline() == "saved\n" and live.wait(timeout=30) == 0
    finally:
        for child in (killed, live):
            if child.poll() is None:
                child.kill()
                child.wait()
    assert _temporaries(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model-2.npz", "model-3.npz"]
    stored = gf.train.saver.read_checkpoint(str(tmp_path / "model-2.npz"))
    np.testing.assert_array_equal(stored["w"], np.ones((256, 256), np.float32))
