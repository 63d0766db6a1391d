"""What the app owns while it serves, as one typed object: the settings, the query runner
(worker processes, deadline, answer cache), the named-query catalogue, the REST lookups over
the runner, and the read-only store handle of the exports. `create_app` builds it once and
keeps it in `app.extensions["kg"]`; views reach it through `get_state()` (Flask's `get_db`
pattern), never through each other's modules."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from kg.errors import StoreError
from kg.lookup.documents import Lookups, pool_runner
from kg.query.catalogue import Catalogue, load_catalogue
from kg.query.runner import QueryRunner
from kg.store import open_store


@dataclass
class KgState:
    config: dict                   # kg.config settings + store, engine, queries_dir, ...
    runner: QueryRunner
    catalogue: Catalogue
    lookups: Lookups
    store: str | None              # the store directory (None: a runner given by a test)
    _export_store: ox.Store | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, config: dict, runner: QueryRunner) -> KgState:
        catalogue = load_catalogue(config.get("queries_dir"))
        return cls(config=config, runner=runner, catalogue=catalogue,
                   lookups=Lookups(pool_runner(runner), catalogue), store=config.get("store"))

    def export_store(self) -> ox.Store:
        """The store opened read-only beside the query workers, once (for the exports)."""
        with self._lock:
            if self._export_store is None:
                if not self.store:
                    raise StoreError("the export needs a store directory (create_app({'store': PATH}))")
                self._export_store = open_store(self.store)
            return self._export_store


def get_state() -> KgState:
    """The state of the app handling the current request."""
    return current_app.extensions["kg"]
