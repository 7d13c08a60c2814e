"""The one interface between the Session and a backend: a runner per (executable, feeds).

``executable.runner(feed_tensors)`` returns an object called as
``runner(values, state) -> (fetched values, fresh)`` for feed values given in the order of
``feed_tensors``. ``fresh`` is True when every value was made for this hand-out, a flag
per value, or None (the session checks each value before handing it out). ``stateful``:
whether a run reads or writes variables or random state (the session then gives it a run
state); ``warns``: whether NumPy steps may warn (the session silences them, as TF1 does).

``Runner`` is the plain strategy: every run goes through ``executable.run(feeds, state)``.
Backends may answer with their own strategy: the CPU plan replays a generated function
for feed shapes it has seen, the CUDA plan launches a captured CUDA graph.
"""


class Runner:
    """Runs ``executable.run({tensor: value}, state)`` with feeds given positionally."""

    def __init__(self, executable, feed_tensors):
        self.executable, self.feed_tensors = executable, tuple(feed_tensors)
        self.stateful = getattr(executable, "stateful", True)
        self.warns = getattr(executable, "warns", True)

    def __call__(self, values, state):
        return self.executable.run(dict(zip(self.feed_tensors, values)), state), None
