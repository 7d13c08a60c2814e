"""Regenerate ``control_flow_expected.py`` from real TensorFlow, with a Python that has
TensorFlow and tf_keras::

    /work/scratch/tfvenv/bin/python tests/tf1_programs/make_control_flow_expected.py
"""
from make_compute_expected import main

if __name__ == "__main__":
    main("control_flow_program", "make_control_flow_expected.py")
