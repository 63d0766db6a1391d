"""Exports built off the request threads, capped and cached.

An export reads the whole store (`graph.jsonld` of two releases takes seconds), so it never
runs on a WSGI thread: a small pool of `export_concurrency` threads builds them, at most that
many at once; a request waits for its build at most `EXPORT_WAIT` seconds, and when more than
`max_queue` builds are already waiting it gets 503 with `Retry-After` at once. The same export
asked again while it is built waits for that one build.

The served store cannot change while it is served, so a built export is kept, as a file under a
temporary folder, for every later request (least recently used dropped first past
`EXPORT_CACHE_BYTES`). The key holds the store's identity (what `open_store` resolves: the
real path and inode of the store directory): a store rebuilt into the same directory while
served is a new generation, so the exports' store handle is reopened and the old exports are
dropped, as the query workers do.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pyoxigraph as ox

from kg.errors import KgError, StoreError
from kg.store import open_store

EXPORT_WAIT = 30.0                 # seconds a request waits for its export to be built
EXPORT_RETRY_AFTER = 5             # seconds, in the 503 of a busy builder
EXPORT_CACHE_BYTES = 512 << 20     # built exports kept on disk


class ExportBusy(KgError):
    code = "busy"
    http_status = 503


def store_identity(path: str) -> tuple | None:
    """Which store directory `path` names now: its real path (a symlink flipped to a new
    version) and its device and inode (a new directory renamed into place)."""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return None
    return (real, st.st_dev, st.st_ino)


class ExportBuilds:
    def __init__(self, store_path: str | None, *, concurrency: int = 1, max_queue: int = 16,
                 max_bytes: int = EXPORT_CACHE_BYTES, wait: float = EXPORT_WAIT):
        self.store_path = store_path
        self.concurrency = max(1, concurrency)
        self.max_queue = max(0, max_queue)
        self.max_bytes = max_bytes
        self.wait = wait
        self._lock = threading.Lock()
        self._store: ox.Store | None = None
        self._identity: tuple | None = None
        self._files: OrderedDict[tuple, tuple[str, int]] = OrderedDict()
        self._bytes = 0
        self._building: dict[tuple, Future] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._dir: str | None = None
        self.hits = 0
        self.builds = 0

    # --- the store handle --------------------------------------------------------------

    def store(self) -> tuple[ox.Store, tuple | None]:
        """The store read-only and its identity; reopened when the directory changed."""
        if not self.store_path:
            raise StoreError("the export needs a store directory (create_app({'store': PATH}))")
        with self._lock:
            for _ in range(3):  # a swap between looking and opening: look again
                identity = store_identity(self.store_path)
                if self._store is not None and identity == self._identity:
                    return self._store, identity
                store = open_store(self.store_path)
                if store_identity(self.store_path) == identity:
                    self._store, self._identity = store, identity
                    self._drop_other_generations(identity)
                    return store, identity
            self._store, self._identity = store, store_identity(self.store_path)
            return store, self._identity

    def _drop_other_generations(self, identity) -> None:
        for key in [k for k in self._files if k[0] != identity]:
            self._unlink(key)

    # --- built exports -----------------------------------------------------------------

    def open(self, key: tuple, build) -> tuple[object, bool]:
        """A binary file of the export `key` (format, options, ...) and whether it was
        already built; `build(store, out)` writes it. Raises ExportBusy when the builders
        are busy past the wait or the queue."""
        for _ in range(3):
            store, identity = self.store()
            full = (identity, *key)
            with self._lock:
                entry = self._files.get(full)
                if entry is not None:
                    self._files.move_to_end(full)
                    try:
                        f = open(entry[0], "rb")  # opened under the lock: never evicted from under us
                    except OSError:
                        self._unlink(full)
                    else:
                        self.hits += 1
                        return f, True
                future = self._building.get(full)
                if future is None:
                    if len(self._building) >= self.concurrency + self.max_queue:
                        raise ExportBusy(f"{len(self._building)} exports are being built; try again later")
                    future = self._executor().submit(self._build, full, store, build)
                    self._building[full] = future
            try:
                path = future.result(timeout=self.wait)
            except FutureTimeout:
                raise ExportBusy(f"the export was not built within {self.wait:g} s "
                                 "(other exports are being built); try again later") from None
            with self._lock:
                try:
                    return open(path, "rb"), False
                except OSError:
                    continue  # dropped meanwhile (a newer generation): build it again
        raise ExportBusy("the store changed while the export was built; try again")

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="kg-export")
            self._dir = tempfile.mkdtemp(prefix="kg-exports-")
            weakref.finalize(self, _cleanup, self._pool, self._dir)
        return self._pool

    def _build(self, full: tuple, store: ox.Store, build) -> str:
        try:
            fd, path = tempfile.mkstemp(dir=self._dir, suffix=".export")
            try:
                with os.fdopen(fd, "wb") as out:
                    build(store, out)
            except BaseException:
                os.unlink(path)
                raise
            size = os.path.getsize(path)
            with self._lock:
                self.builds += 1
                if full in self._files:
                    self._unlink(full)
                self._files[full] = (path, size)
                self._bytes += size
                while self._bytes > self.max_bytes and len(self._files) > 1:
                    self._unlink(next(iter(self._files)))
            return path
        finally:
            with self._lock:
                self._building.pop(full, None)

    def _unlink(self, key: tuple) -> None:
        path, size = self._files.pop(key)
        self._bytes -= size
        try:
            os.unlink(path)  # a response still reading it keeps its open file
        except OSError:
            pass

    def stats(self) -> dict:
        with self._lock:
            return {"entries": len(self._files), "bytes": self._bytes, "building": len(self._building),
                    "hits": self.hits, "builds": self.builds}


def _cleanup(pool: ThreadPoolExecutor, folder: str) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    shutil.rmtree(folder, ignore_errors=True)
