"""The compiler: an ordered, printable pipeline of passes over the ops a run needs.

``compile_subgraph(sub)`` copies the Subgraph into a Program (the IR: ops of a private
graph) and applies ``PIPELINE`` in order; each entry is ``(name, pass)`` and can be
left out with ``disabled``. The report records the op counts before and after each
pass, which ``Plan.explain()`` prints.
"""

from .fuse import fuse
from .passes import cse, expand_updates, fold, simplify
from .program import Program, from_subgraph

PIPELINE = [
    ("expand updates", expand_updates),
    ("fold", fold),
    ("cse", cse),
    ("simplify", simplify),
    ("cse after simplify", cse),
    ("fuse", fuse),
]


def compile_subgraph(sub, disabled=()):
    """The optimized Program for a Subgraph, and a report ``[(pass, before, after)]``."""
    program = from_subgraph(sub)
    report = [("copy", None, program.counts())]
    for name, run in PIPELINE:
        if name in disabled:
            continue
        before = program.counts()
        program = run(program)
        report.append((name, before, program.counts()))
    return program, report


__all__ = ["PIPELINE", "Program", "compile_subgraph"]
