"""Answers the server already computed, kept while its store cannot change.

A served store is fixed: the workers read a read-only store (or an in-memory copy of
it) when they start, so the same query with the same bindings, dataset and format
gives the same bytes every time. The query runner keeps those bytes in this bounded,
least-recently-used cache and answers a repeat without running the query again.

Exactness: an entry is valid for one *generation* of the pool. The generation moves
on when anything might change what a worker sees: every SPARQL Update the server runs
(the cache is emptied), and a worker started to replace a killed one that finds another
store directory than the answers came from (rebuilt and swapped in meanwhile; one that
finds the same read-only store keeps the cache: kg.query.runner). An answer computed in
an older generation is not stored.

A replacement worker that reads a different store directory than the workers still
running (the store was rebuilt and swapped in while served) pauses the cache until
every worker reads the same store again: the pool gives two answers meanwhile.

Only answers are cached, never errors or timeouts. `max_bytes=0` turns the cache off.
"""
from __future__ import annotations

import threading
from collections import OrderedDict


class AnswerCache:
    """A thread-safe LRU bounded by the total size its users state for their values
    (the bytes of an answer)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, int(max_bytes))
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.generation = 0
        self.paused = False  # set while the workers read different stores: keep nothing
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple):
        if not self.enabled:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: tuple, value, size: int, generation: int) -> None:
        """Keep `value` (of `size` bytes) unless it was computed in an older generation
        or alone exceeds a quarter of the cache (one huge answer must not flush the rest)."""
        if not self.enabled or self.paused or size > self.max_bytes // 4:
            return
        with self._lock:
            if generation != self.generation:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def invalidate(self) -> None:
        """Forget everything and start a new generation."""
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.generation += 1

    def stats(self) -> dict:
        with self._lock:
            return {"enabled": self.enabled, "entries": len(self._items), "bytes": self._bytes,
                    "max_bytes": self.max_bytes, "hits": self.hits, "misses": self.misses}
