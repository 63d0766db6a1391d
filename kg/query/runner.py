"""Queries evaluated in a pool of long-lived worker processes, stopped at a deadline.

Neither pyoxigraph nor rdflib can cancel a running query, so each query runs in a
worker process that has the store open (read-only) and talks to the server over a
pipe. The server waits for the answer until the deadline; a worker that passes it
is killed and replaced in the background, the request gets QueryTimeout (503), and
the other workers keep answering meanwhile. The workers and the fair queue in front of
them (a share per client, a bounded wait, dead workers reaped) live in kg.query.pool; a
read-only query whose worker died is run once more on another; a worker may use
`memory_mb` MB beyond its open store (RLIMIT_AS), a query that needs more gets 507. Workers serialize the answer
themselves (kg.formats), so only bytes cross the pipe; for the REST lookups and pages
(`rows()`) they send plain Python rows instead, which neither side has to write or parse.

Answers are kept in a bounded cache (kg.query.cache) while the store cannot change, so a
repeated query is answered without a worker, also while every worker is busy. Updates
empty it, and so does a replacement worker that finds another store directory (rebuilt
and swapped in); a replacement reading the same read-only store keeps it.

Before a query reaches a worker, kg.query.guard refuses SERVICE, LOAD and remote FROM.
The worker side (kg.query.worker) also drops its network access when the kernel allows it.
"""
from __future__ import annotations

import logging
import os
import pickle
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from kg import config
from kg import formats as fmts
from kg.errors import ForbiddenError, KgError, QueryError, QueryTimeout, StoreError
from kg.query.cache import AnswerCache
from kg.query.catalogue import load_catalogue, prepare
from kg.query.guard import check_query
from kg.query.pool import CLIENT, ERRORS, QueryBusy, Worker, WorkerMemoryError, WorkerPool, pack_job
from kg.query.variables import star_columns

log = logging.getLogger(__name__)
__all__ = ["CLIENT", "Answer", "QueryBusy", "QueryRunner", "WorkerMemoryError", "answer_named", "run_query"]
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


@dataclass
class Answer:
    body: bytes
    format: fmts.Format
    form: str
    truncated: int | None = None
    count: int | None = None
    seconds: float = 0.0
    cached: bool = False


class QueryRunner:
    """A pool of query workers over the store at `store_path`.

    engine: "oxigraph" (the store's own engine) or "rdflib" (rdflib's SPARQL engine
    over a copy of the store in memory; the benchmark baseline), or "remote": `store_path`
    is then a dict of kg.query.remote_engine.RemoteEngine arguments (url, graph, named_graphs,
    ...) and the workers answer from that store (`kg serve --backend`); they keep their network
    access for it, and since that store may change under us (another `kg publish`) the cached
    answers are dropped every `cache_ttl` seconds.
    cache_bytes: size of the answer cache (kg.query.cache); 0 turns it off.
    """

    def __init__(self, store_path, *, engine: str = "oxigraph", workers: int = 2,
                 timeout: float = 10.0, max_results: int = 10000, allow_update: bool = False,
                 isolate_network: bool = True, start_timeout: float = 600.0,
                 cache_bytes: int = 0, client_workers: int = 0, max_queue: int = 16, memory_mb: int = 0,
                 cache_ttl: float = 60.0):
        if engine not in ("oxigraph", "rdflib", "remote"):
            raise StoreError(f"unknown query engine {engine!r} (oxigraph, rdflib or remote)")
        remote = engine == "remote"
        if allow_update and not remote:
            workers = 1  # one read-write handle: RocksDB allows a single writer
        if remote:
            self.store_path = {**store_path, "timeout": float(timeout)}
            isolate_network = False  # the workers' one connection: the remote store
        else:
            self.store_path = os.fspath(store_path)
        self.cache_ttl = float(cache_ttl) if remote and cache_ttl else None
        self._cache_born = time.monotonic()
        self.engine = engine
        self.timeout = float(timeout)
        self.max_results = int(max_results)
        self.allow_update = allow_update
        self.size = max(1, int(workers))
        self.memory_mb = max(0, int(memory_mb))
        args = (self.store_path, engine, allow_update, isolate_network, self.memory_mb)
        self.local_graphs: frozenset[str] = frozenset()
        self.cache = AnswerCache(cache_bytes)
        self.pool = WorkerPool(args, self.size, client_workers=client_workers, max_queue=max_queue,
                               timeout=self.timeout, start_timeout=start_timeout, joined=self._joined)
        first = self.pool.first
        self._cache_store = first[0].store_id if len({w.store_id for w in first}) == 1 else None
        self.local_graphs = first[0].graphs
        self.isolated = all(w.isolated for w in first)

    # --- pool -------------------------------------------------------------

    def _joined(self, w: Worker, others: list[Worker]) -> None:
        """A replacement joins the pool. It reads the store again: when the store is read-only
        and still the same directory, the cached answers stay valid; when the store was
        rebuilt and swapped in meanwhile, empty the cache and keep nothing while older
        workers read another store. (With updates on, an interrupted update may have left
        changes: empty it too.)"""
        if self.allow_update or w.store_id is None or w.store_id != self._cache_store:
            self.cache.paused = True
            self.cache.invalidate()
            self._cache_store = w.store_id
        self.cache.paused = any(x.store_id != w.store_id for x in others)

    def _call(self, job: dict, timeout: float | None = None, *, tries: int = 0):
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        client = CLIENT.get()
        w = self.pool.acquire(deadline, client, pack_job(job))  # the job sent to it
        try:
            msg = w.conn.recv() if w.answered(deadline - time.monotonic()) else None
        except (EOFError, OSError):
            status = w.exit_status()
            memory = bool(self.memory_mb) and status == -signal.SIGABRT  # an allocation failed past the limit
            # once more on another worker; again while the workers were killed from outside
            # (SIGKILL: an operator, several at once), each may have died before it got the job
            killed = status == -signal.SIGKILL and tries < self.size
            again = (tries == 0 or killed) and not memory and job["op"] != "update" and deadline > time.monotonic()
            self.pool.discard(w, client, charge=not again)
            if memory:
                raise self._memory_error() from None
            if again:  # it died before or while it ran this (killed, crashed): not this query's doing
                log.warning("query worker %s died (status %s); the query runs once more", w.pid, status)
                return self._call(job, deadline - time.monotonic(), tries=tries + 1)
            raise StoreError(f"query worker died during the query (status {status})") from None
        except BaseException:
            self.pool.discard(w, client)  # a timeout, or interrupted mid-answer: the worker is unknown
            raise
        if msg is None:
            self.pool.discard(w, client)
            raise QueryTimeout(f"query stopped: it ran longer than the {self.timeout:g} s limit")
        if msg[0] == "error" and msg[1] == "WorkerMemoryError":
            self.pool.discard(w, client)  # start afresh rather than fragmented
            raise self._memory_error()
        self.pool.release(w, client)
        if msg[0] == "error":
            raise ERRORS.get(msg[1], KgError)(msg[2], offset=msg[3])
        return msg

    def _memory_error(self) -> WorkerMemoryError:
        return WorkerMemoryError(f"query stopped: it needed more than the {self.memory_mb} MB of memory "
                                 "a query worker may use (setting KG_WORKER_MEMORY_MB)")

    def _expire(self) -> None:
        """Over a remote store: a new cache generation every cache_ttl seconds."""
        if self.cache_ttl and time.monotonic() - self._cache_born > self.cache_ttl:
            self._cache_born = time.monotonic()
            self.cache.invalidate()

    def worker_pids(self) -> list[int]:
        return self.pool.pids()

    @property
    def kills(self) -> int:
        return self.pool.kills

    # --- public -----------------------------------------------------------

    def query(self, text: str, *, accept: str | None = None, format: str | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None, substitutions: dict | None = None) -> Answer:
        """Run a SPARQL query and serialize its answer in the negotiated format.
        `substitutions`: variable name -> pyoxigraph term, bound by the engine (never spliced)."""
        t0 = time.perf_counter()
        self._expire()
        # The key holds the request as given (Accept included): a hit skips the guard and
        # the negotiation too, whose outcome for it is part of the entry. Only answers
        # that passed the guard are ever stored.
        key = None
        if self.cache.enabled:  # (off: no key to build)
            key = ("query", text, accept, format, base_iri, _seq(default_graphs), _seq(named_graphs),
                   _terms(substitutions), self.max_results)
            hit = self.cache.get(key)
            if hit is not None:
                body, fmt, form, truncated, count = hit[0], *hit[1]
                return Answer(body, fmt, form, truncated, count, time.perf_counter() - t0, cached=True)
        report = check_query(text, local_graphs=self.local_graphs, base_iri=base_iri)
        if report.is_update:
            raise QueryError("this is a SPARQL Update, not a query (send it as `update`)")
        kind = "graph" if report.form in _GRAPH_FORMS else "results"
        fmt = fmts.negotiate(kind, accept, format)
        generation = self.cache.generation
        job = {"op": "query", "text": text, "format": fmt.name, "kind": kind, "base_iri": base_iri,
               "default_graphs": default_graphs, "named_graphs": named_graphs,
               "substitutions": substitutions, "max_results": self.max_results,
               "columns": star_columns(report.kinds, report.texts)}  # tokenized once: by the guard
        _, body, form, truncated, count = self._call(job)
        if form in _GRAPH_FORMS and kind != "graph":  # the guard could not tell the form
            fmt = fmts.negotiate("graph", accept, format)
            job.update(format=fmt.name, kind="graph")
            _, body, form, truncated, count = self._call(job)
        if key is not None:
            self.cache.put(key, (body, (fmt, form, truncated, count)), _size(key, body), generation)
        return Answer(body, fmt, form, truncated, count, time.perf_counter() - t0)

    def rows(self, text: str, *, substitutions: dict | None = None) -> list[dict]:
        """A SELECT query's solutions as plain rows ({variable: str, or int for
        xsd:integer}; unbound variables left out), for the REST lookups and pages: the
        worker sends Python values, so neither side writes or parses SPARQL JSON."""
        self._expire()
        key = ("rows", text, _terms(substitutions), self.max_results)
        hit = self.cache.get(key)
        if hit is not None:
            return pickle.loads(hit[0])  # a fresh copy: callers may change their rows
        report = check_query(text, local_graphs=self.local_graphs)
        if report.is_update or (report.form and report.form != "SELECT"):
            raise QueryError("rows() answers SELECT queries only")
        generation = self.cache.generation
        _, rows, _, _, _ = self._call({"op": "rows", "text": text, "substitutions": substitutions,
                                       "max_results": self.max_results})
        if self.cache.enabled:
            data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            self.cache.put(key, (data, None), _size(key, data), generation)
        return rows

    def update(self, text: str, *, base_iri: str | None = None) -> Answer:
        if not self.allow_update:
            raise ForbiddenError("SPARQL Update is disabled on this server (read-only)")
        t0 = time.perf_counter()
        check_query(text, local_graphs=self.local_graphs, base_iri=base_iri)
        try:
            self._call({"op": "update", "text": text, "base_iri": base_iri})
        finally:
            self.cache.invalidate()
        fmt = fmts.BY_NAME[("results", "table")]
        return Answer(b"update done\n", fmt, "UPDATE", None, None, time.perf_counter() - t0)

    def close(self) -> None:
        self.pool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _seq(values) -> tuple | None:
    return None if values is None else tuple(values)


def _size(key: tuple, value: bytes) -> int:
    """What an entry costs: its answer and its key's query text (a client could send many
    long queries with short answers), plus a little for the rest."""
    return len(value) + len(key[1]) + 256


def _terms(substitutions: dict | None) -> tuple:
    """Substitutions as a hashable key: variable names with their terms in N-Triples form."""
    return tuple(sorted((k, str(v)) for k, v in (substitutions or {}).items()))


def run_query(store_path, text: str, *, format: str = "table", timeout: float | None = None,
              engine: str = "oxigraph", substitutions: dict | None = None) -> Answer:
    """Run one query on a store with the server's guard, timeout and result cap
    (one worker process), answered in `format` (any kg.formats name or alias)."""
    with QueryRunner(store_path, engine=engine, workers=1,
                     timeout=config.get("query_timeout") if timeout is None else timeout,
                     max_results=config.get("max_results")) as runner:
        return runner.query(text, format=format, substitutions=substitutions)


def answer_named(store_path, name: str, values: Mapping[str, str] | None = None, *,
                 format: str = "table", timeout: float | None = None,
                 directory: str | Path | None = None):
    """Run named query `name` on the store at `store_path` the way the server does
    (guard, worker process, timeout, result cap); an execution.Answer in `format`."""
    query, substitutions = prepare(load_catalogue(directory), name, values)
    return run_query(store_path, query.text, format=format, timeout=timeout,
                     substitutions=substitutions)
