"""Queries evaluated in a pool of long-lived worker processes, stopped at a deadline.

Neither pyoxigraph nor rdflib can cancel a running query, so each query runs in a
worker process that has the store open (read-only) and talks to the server over a
pipe. The server waits for the answer until the deadline; a worker that passes it
is killed and replaced in the background, the request gets QueryTimeout (503), and
the other workers keep answering meanwhile. Workers serialize the answer
themselves (kg.formats), so only bytes cross the pipe; for the REST lookups and pages
(`rows()`) they send plain Python rows instead, which neither side has to write or parse.

Answers are kept in a bounded cache (kg.query.cache) while the store cannot change, so a
repeated query is answered without a worker; updates and worker replacements empty it.

Before a query reaches a worker, kg.query.guard refuses SERVICE, LOAD and remote FROM.
The worker side (kg.query.worker) also drops its network access when the kernel allows it.
"""
from __future__ import annotations

import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Mapping

from kg import config
from kg import formats as fmts
from kg.errors import ForbiddenError, KgError, QueryError, QueryTimeout, StoreError
from kg.query.cache import AnswerCache
from kg.query.catalogue import load_catalogue, prepare
from kg.query.guard import check_query

log = logging.getLogger(__name__)
_ERRORS = {cls.__name__: cls for cls in (QueryError, StoreError, KgError, ForbiddenError)}
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


class _Worker:
    """One worker: a `python -c` child holding the store, reached over a socket pair.
    (Not multiprocessing's spawn: that re-imports the parent's __main__.)"""

    def __init__(self, args: tuple):
        self.store_id = _store_id(args[0])  # which store directory it is about to open
        parent_sock, child_sock = socket.socketpair()
        code = f"from kg.query.worker import worker_entry; worker_entry({child_sock.fileno()}, {args!r})"
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(child_sock.fileno(),),
                                     stdin=subprocess.DEVNULL, env=env)
        child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.graphs: frozenset[str] = frozenset()
        self.isolated = False

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"query worker did not start within {timeout:.0f} s")
        try:
            msg = self.conn.recv()
        except EOFError:
            raise StoreError("query worker died while starting") from None
        if msg[0] != "ready":
            self.kill()
            raise _ERRORS.get(msg[1], StoreError)(msg[2])
        self.graphs = frozenset(msg[1])
        self.isolated = msg[2]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not die", self.proc.pid)
        self.conn.close()


class QueryRunner:
    """A pool of query workers over the store at `store_path`.

    engine: "oxigraph" (the store's own engine) or "rdflib" (rdflib's SPARQL engine
    over a copy of the store in memory; the benchmark baseline).
    cache_bytes: size of the answer cache (kg.query.cache); 0 turns it off.
    """

    def __init__(self, store_path, *, engine: str = "oxigraph", workers: int = 2,
                 timeout: float = 10.0, max_results: int = 10000, allow_update: bool = False,
                 isolate_network: bool = True, start_timeout: float = 600.0,
                 cache_bytes: int = 0):
        if engine not in ("oxigraph", "rdflib"):
            raise StoreError(f"unknown query engine {engine!r} (oxigraph or rdflib)")
        if allow_update:
            workers = 1  # one read-write handle: RocksDB allows a single writer
        self.store_path = os.fspath(store_path)
        self.engine = engine
        self.timeout = float(timeout)
        self.max_results = int(max_results)
        self.allow_update = allow_update
        self.size = max(1, int(workers))
        self._args = (self.store_path, engine, allow_update, isolate_network)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.local_graphs: frozenset[str] = frozenset()
        self.isolated = False
        self.kills = 0
        self.cache = AnswerCache(cache_bytes)
        workers_ = [_Worker(self._args) for _ in range(self.size)]
        try:
            for w in workers_:
                w.wait_ready(start_timeout)
        except BaseException:
            for w in workers_:
                w.kill()
            raise
        for w in workers_:
            self._all.add(w)
            self._idle.put(w)
        self.local_graphs = workers_[0].graphs
        self.isolated = all(w.isolated for w in workers_)

    # --- pool -------------------------------------------------------------

    def _replace(self, dead: _Worker) -> None:
        """Kill `dead` and start a replacement in the background."""
        with self._lock:
            self._all.discard(dead)
            self.kills += 1
        dead.kill()
        self.cache.invalidate()  # the replacement reads the store again

        def respawn():
            while not self._closed:
                try:
                    w = _Worker(self._args)
                    w.wait_ready(600)
                except Exception:  # keep trying: the pool must not shrink for good
                    log.exception("query worker failed to start; retrying")
                    time.sleep(1)
                    continue
                with self._lock:
                    if self._closed:
                        w.kill()
                        return
                    self._all.add(w)
                    # it may read a store rebuilt meanwhile (kg load/build swap it in): empty
                    # the cache again, and keep nothing while older workers read another store
                    self.cache.paused = True
                    self.cache.invalidate()
                    self.cache.paused = any(x.store_id != w.store_id for x in self._all)
                self._idle.put(w)
                return
        threading.Thread(target=respawn, name="kg-respawn", daemon=True).start()

    def _call(self, job: dict, timeout: float | None = None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeout(f"all {self.size} query workers stayed busy for "
                               f"{self.timeout:g} s; try again later") from None
        try:
            w.conn.send(job)
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w)
                w = None
                raise QueryTimeout(f"query stopped: it ran longer than the {self.timeout:g} s limit")
            msg = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if w is not None:
                self._replace(w)
                w = None
            raise StoreError("query worker died during the query (out of memory?)") from None
        finally:
            if w is not None:
                self._idle.put(w)
        if msg[0] == "error":
            raise _ERRORS.get(msg[1], KgError)(msg[2], offset=msg[3])
        return msg

    # --- public -----------------------------------------------------------

    def query(self, text: str, *, accept: str | None = None, format: str | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None, substitutions: dict | None = None) -> Answer:
        """Run a SPARQL query and serialize its answer in the negotiated format.
        `substitutions`: variable name -> pyoxigraph term, bound by the engine (never spliced)."""
        t0 = time.perf_counter()
        # The key holds the request as given (Accept included): a hit skips the guard and
        # the negotiation too, whose outcome for it is part of the entry. Only answers
        # that passed the guard are ever stored.
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
               "substitutions": substitutions, "max_results": self.max_results}
        _, body, form, truncated, count = self._call(job)
        if form in _GRAPH_FORMS and kind != "graph":  # the guard could not tell the form
            fmt = fmts.negotiate("graph", accept, format)
            job.update(format=fmt.name, kind="graph")
            _, body, form, truncated, count = self._call(job)
        self.cache.put(key, (body, (fmt, form, truncated, count)), _size(key, body), generation)
        return Answer(body, fmt, form, truncated, count, time.perf_counter() - t0)

    def rows(self, text: str, *, substitutions: dict | None = None) -> list[dict]:
        """A SELECT query's solutions as plain rows ({variable: str, or int for
        xsd:integer}; unbound variables left out), for the REST lookups and pages: the
        worker sends Python values, so neither side writes or parses SPARQL JSON."""
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
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for w in workers:
            w.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _store_id(path: str) -> tuple | None:
    """The identity of the store directory at `path` (a rebuilt store is a new directory,
    swapped in by rename), or None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


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
