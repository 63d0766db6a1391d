"""`kg publish`: push a store's graphs to a remote SPARQL 1.1 store, safely repeatable.

For every graph of the store (the default graph goes to the IRI given with `--graph`, a named
graph keeps its own IRI):

1. its triples go, as N-Triples chunks of at most `chunk_bytes`, into a staging graph beside the
   live one (Graph Store Protocol: PUT of the first chunk, which replaces whatever an earlier,
   interrupted publish left there, then POST of the others). Triples with blank nodes travel
   together in one chunk: a blank node label means one node only within one document;
2. the staging graph's triples are counted (SPARQL COUNT) and must be what the store holds;
3. once every staging graph checks, one SPARQL Update request `MOVE`s each staging graph onto
   its live graph: one request, which the store runs as one transaction (Virtuoso, Fuseki's
   TDB2), so readers see the old graphs or the new ones, never a half;
4. the live graphs are counted again.

A publish stopped anywhere (killed, a refused chunk, a failed count) leaves the live graphs as
they were: only the staging graphs are touched before step 3. The store needs the Graph
Store Protocol (step 1) and SPARQL Update (step 3) at the URLs given, under the credentials
given.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import CheckFailed, InputError
from kg.remote import RemoteStore
from kg.store import open_store

CHUNK_BYTES = 1 << 20   # 1 MiB of N-Triples per request: below any default body limit
STAGING_PREFIX = "urn:kg:staging:"


@dataclass
class Published:
    graph: str          # the live graph IRI
    triples: int
    chunks: int


@dataclass
class PublishReport:
    graphs: list[Published] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def staging_iri(live: str) -> str:
    """The staging graph of a live graph: an IRI of its own, derived from the live one."""
    return STAGING_PREFIX + quote(live, safe=":/#?&=.-_~")


def graph_plan(store: ox.Store, default_graph: str) -> list[tuple[object, str]]:
    """(store graph, live IRI) for every graph of the store that holds triples."""
    plan: list[tuple[object, str]] = []
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        plan.append((ox.DefaultGraph(), default_graph))
    for g in sorted(store.named_graphs(), key=str):
        if isinstance(g, ox.NamedNode):
            if g.value == default_graph:
                raise InputError(f"the store already has a named graph <{g.value}>: publish its default "
                                 "graph under another IRI (--graph)")
            plan.append((g, g.value))
    return plan


def chunks(triples: Iterable[ox.Triple], limit: int) -> Iterable[bytes]:
    """N-Triples documents of at most ~`limit` bytes each; triples with blank nodes last, in
    one document (their labels must meet again in the same document)."""
    with_bnodes: list[bytes] = []
    batch: list[bytes] = []
    size = 0
    for t in triples:
        line = f"{t.subject} {t.predicate} {t.object} .\n".encode("utf-8")
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            with_bnodes.append(line)
            continue
        if batch and size + len(line) > limit:
            yield b"".join(batch)
            batch, size = [], 0
        batch.append(line)
        size += len(line)
    if batch:
        yield b"".join(batch)
    if with_bnodes:
        yield b"".join(with_bnodes)


def count_triples(remote: RemoteStore, graph: str) -> int:
    with remote.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                      accept="application/sparql-results+json") as resp:
        data = json.load(resp)
    rows = data.get("results", {}).get("bindings", [])
    return int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0


def publish(store_path, remote: RemoteStore, *, graph: str, chunk_bytes: int = CHUNK_BYTES,
            progress: Callable[[str], None] | None = None) -> PublishReport:
    """Publish the store at `store_path` to `remote` (module doc); its PublishReport."""
    t0 = time.perf_counter()
    say = progress or (lambda line: None)
    try:
        ox.NamedNode(graph)
    except ValueError as e:
        raise InputError(f"--graph {graph!r} is not an IRI: {e}") from None
    store = open_store(store_path)
    plan = graph_plan(store, graph)
    if not plan:
        raise InputError(f"the store {store_path} holds no triples: nothing to publish")
    remote.ask_remote()  # reachable, and which engine (kg.remote.DIALECTS)
    report = PublishReport()
    for source, live in plan:
        staging = staging_iri(live)
        quads = store.quads_for_pattern(None, None, None, source)
        expected, n = 0, 0
        for n, doc in enumerate(chunks((q.triple for q in quads), chunk_bytes), 1):
            (remote.put_graph if n == 1 else remote.post_graph)(staging, doc)
            expected += doc.count(b"\n")
        found = count_triples(remote, staging)
        if found != expected:
            raise CheckFailed(f"staging graph <{staging}> holds {found} triples after the upload, "
                              f"not the {expected} sent; the live graph <{live}> is unchanged")
        say(f"kg: staged {expected} triples for <{live}> in {n} request{'s' if n != 1 else ''}")
        report.graphs.append(Published(live, expected, n))
    remote.update(" ;\n".join(f"MOVE <{staging_iri(p.graph)}> TO <{p.graph}>" for p in report.graphs))
    for p in report.graphs:
        found = count_triples(remote, p.graph)
        if found != p.triples:
            raise CheckFailed(f"live graph <{p.graph}> holds {found} triples after the swap, not {p.triples}")
    report.seconds = time.perf_counter() - t0
    return report
