"""Settings, each declared once with its default and help text.

Environment variables `KG_<NAME>` override defaults; the CLI and the Flask app
factory take the same names.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent           # the source tree, when kg runs from one
SHIPPED_DIR = PACKAGE_DIR / "_data"        # where a wheel carries ontology/ and queries/ (setup.py)
SHIPPED_DIRS = ("ontology", "queries")


def find_data_dir(name: str) -> Path:
    """A top-level data folder (ontology/, queries/): the source tree's first (a checkout or
    the editable install), then the copy an installed wheel carries in kg/_data/."""
    source = PROJECT_DIR / name
    if source.is_dir() and (PROJECT_DIR / "setup.cfg").is_file():
        return source
    shipped = SHIPPED_DIR / name
    return shipped if shipped.is_dir() else source


ONTOLOGY_DIR = find_data_dir("ontology")
LEXICON_DIR = ONTOLOGY_DIR / "lexicon"
QUERIES_DIR = find_data_dir("queries")
EXAMPLES_DIR = PROJECT_DIR / "examples"    # the source tree only (make run's demo corpus)


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    zero_ok: bool = False  # numbers: 0 allowed (it turns the thing off)

    def value(self):
        raw = os.environ.get("KG_" + self.name.upper())
        if raw is None:
            return self.default
        if isinstance(self.default, bool):
            return raw.lower() in ("1", "true", "yes", "on")
        if isinstance(self.default, (int, float)):
            kind = type(self.default)
            try:
                number = kind(raw)
            except ValueError:
                number = None
            if number is None or not (number >= 0 if self.zero_ok else number > 0):
                what = "a non-negative" if self.zero_ok else "a positive"
                raise InputError(f"KG_{self.name.upper()}={raw!r}: expected {what} "
                                 f"{'integer' if kind is int else 'number'} ({self.help})")
            return number
        return raw


SETTINGS = {s.name: s for s in [
    Setting("base_iri", "https://w3id.org/mindspore-kg/",
            "namespace of every IRI the build mints (set once per deployment)"),
    Setting("query_timeout", 10.0, "seconds a SPARQL query may run before it is stopped (503)"),
    Setting("max_results", 10000, "result rows returned at most; a marker says when the cap was hit"),
    Setting("max_body", 1_000_000, "request body bytes accepted at most (413 above)"),
    Setting("workers", 2, "query worker processes"),
    Setting("cache_mb", 64, "MB of query answers the server keeps for repeats (0: off)",
            zero_ok=True),
    Setting("allow_update", False, "accept SPARQL Update (also needs update_token)"),
    Setting("update_token", "", "bearer token a SPARQL Update request must carry"),
    # hardening: no request may take the server from everyone else
    Setting("export_concurrency", 1, "exports built at once (others wait; each is kept for repeats)"),
    Setting("max_queue", 16, "queries (per worker pool) and exports that may wait; more get 503 with Retry-After"),
    Setting("client_workers", 1, "query workers one client may hold at once (0: no limit)", zero_ok=True),
    Setting("worker_memory_mb", 2048, "MB of memory one query worker may use (0: no limit)", zero_ok=True),
    Setting("connection_limit", 1000, "open TCP connections the server accepts at once"),
    Setting("channel_timeout", 30, "seconds an idle or slow client connection is kept open"),
    Setting("public_url", "", "base URL the server is reached at (service description, links); "
            "empty: the request's own"),
    Setting("trust_proxy", False, "honour X-Forwarded-For/-Proto/-Host (only behind a proxy you run)"),
    Setting("access_log", True, "one JSON line per request on standard error"),
    # kg serve --backend: answer from a SPARQL 1.1 store elsewhere (kg.query.remote_engine)
    Setting("backend", "", "URL of a SPARQL 1.1 query endpoint to answer from (kg publish put the graph "
            "there); empty: the local store"),
    Setting("backend_graph", "", "IRI of our default graph in the backend (kg publish --graph); "
            "empty: BASE_IRI + 'graph'"),
    Setting("backend_cache_ttl", 60.0, "seconds the answers of a backend are cached (it may change "
            "under us: another kg publish)"),
]}


def get(name: str):
    return SETTINGS[name].value()


def base_iri() -> str:
    b = get("base_iri")
    return b if b.endswith(("/", "#")) else b + "/"


def published_graph() -> str:
    """The graph IRI our default graph has in a remote store (kg publish, kg serve --backend)."""
    return get("backend_graph") or base_iri() + "graph"
