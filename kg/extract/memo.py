"""Work done once per text: the corpus repeats most answers in every release, and the extractor
and each claim rule read the same question, answer and sentences again. `Memo` keeps the values
of functions of a text alone (sentences, cuts, frames, vocabulary mentions); `Remembered` is a
compiled pattern whose searches are kept the same way (for the costly rule patterns)."""
from __future__ import annotations

import re
from typing import Callable

MEMO_SIZE = 50_000      # keys a memo keeps; past it, it starts over (the corpus needs ~20,000)


class Memo:
    """Values of functions of a text alone (the key), each worked out once."""

    def __init__(self, size: int = MEMO_SIZE):
        self.size, self.values = size, {}

    def get(self, key: tuple, work: Callable[[], object]):
        """`work()`'s value for `key`, worked out the first time only."""
        try:
            return self.values[key]
        except KeyError:
            if len(self.values) >= self.size:
                self.values.clear()
            value = self.values[key] = work()
            return value


class Remembered:
    """A compiled pattern whose `search` and `match` of a whole text are worked out once per
    text (match objects are immutable: every caller may share one); the rest is the pattern's."""

    def __init__(self, pattern: re.Pattern):
        self.compiled, self.memo = pattern, Memo()

    def search(self, text: str) -> re.Match | None:
        return self.memo.get(("search", text), lambda: self.compiled.search(text))

    def match(self, text: str) -> re.Match | None:
        return self.memo.get(("match", text), lambda: self.compiled.match(text))

    def __getattr__(self, name: str):
        return getattr(self.compiled, name)
