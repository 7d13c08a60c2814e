"""Runs a TF1 program of ``tests/tf1_programs/`` (a ``compute(tf, ...)`` function written
against the module it is given) with graphflow standing in for ``tensorflow.compat.v1``."""

import os
import runpy
import types

import graphflow as gf

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_programs")


def graphflow_as_tf(backend):
    """graphflow's namespace, with ``Session()`` making sessions on ``backend``."""
    tf = types.SimpleNamespace(**{k: getattr(gf, k) for k in dir(gf) if not k.startswith("_")})
    tf.Session = lambda: gf.Session(backend=backend)
    return tf


def compute(program, backend, *args):
    """``compute(tf, *args)`` of ``tf1_programs/<program>`` run by graphflow, in a fresh graph."""
    with gf.Graph().as_default():
        return runpy.run_path(os.path.join(PROGRAMS, program))["compute"](
            graphflow_as_tf(backend), *args)
