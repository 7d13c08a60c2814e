"""A plan's record of what recent runs worked out per shape (launch recipes, how often a
feed signature came), bounded: with shape-less placeholders each new batch size added
entries that were kept for ever, 9 KB per size for an MLP (70 MB after 8000 runs fed
sizes not seen before).
"""


class Recent(dict):
    """A dict that lets go of entries nobody used lately.

    It holds two generations: the dict itself (what was set or read since the last turn)
    and the one before. When ``size`` entries have come in, the older generation goes and
    the current one becomes it; an entry read from the older one moves back into the
    current one. So what is used at least once per ``size`` new entries stays, and at most
    ``2 * size`` entries are held. A hit in the current generation is a plain dict lookup;
    concurrent runs may lose an entry at a turn, which costs only its recomputation."""

    def __init__(self, size):
        super().__init__()
        self.size = size
        self._older = {}

    def __missing__(self, key):
        value = self._older.pop(key)  # KeyError: not known
        self[key] = value
        return value

    def __setitem__(self, key, value):
        if len(self) >= self.size and key not in self:
            self._older = dict(self)
            self.clear()
        super().__setitem__(key, value)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default
