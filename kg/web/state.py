"""What the app owns while it serves, as one typed object: the settings, the query runner
(worker processes, deadline, answer cache), the named-query catalogue, the REST lookups over
the runner, and the exports (a read-only store handle and their builder). `create_app` builds
it once and keeps it in `app.extensions["kg"]`; views reach it through `get_state()` (Flask's
`get_db` pattern), never through each other's modules."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from kg.lookup.documents import Lookups, pool_runner
from kg.query.catalogue import Catalogue, load_catalogue
from kg.query.runner import QueryRunner
from kg.web.export_builds import ExportBuilds


@dataclass
class KgState:
    config: dict                   # kg.config settings + store, engine, queries_dir, ...
    runner: QueryRunner
    catalogue: Catalogue
    lookups: Lookups
    store: str | None              # the store directory (None: a runner given by a test)
    exports: ExportBuilds
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, config: dict, runner: QueryRunner) -> KgState:
        catalogue = load_catalogue(config.get("queries_dir"))
        exports = ExportBuilds(config.get("store"), concurrency=int(config.get("export_concurrency") or 1),
                               max_queue=int(config.get("max_queue") or 16))
        return cls(config=config, runner=runner, catalogue=catalogue,
                   lookups=Lookups(pool_runner(runner, catalogue), catalogue), store=config.get("store"),
                   exports=exports)

    def export_store(self):
        """The store opened read-only beside the query workers, for the exports: reopened
        when the store directory was rebuilt and swapped in (one store generation for every
        route)."""
        return self.exports.store()[0]


def get_state() -> KgState:
    """The state of the app handling the current request."""
    return current_app.extensions["kg"]
