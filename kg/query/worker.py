"""The query worker: a child process of the server's query runner (kg.query.runner).

It opens the store (read-only, or the one read-write handle when updates are on),
then answers jobs from its socket until the parent goes away: queries serialized in
the asked format (kg.formats), plain rows for the REST lookups and pages, updates.
The parent kills it at a query's deadline and starts another. With a memory limit it may
grow by that much beyond its open store (RLIMIT_AS); a query that needs more fails here.

Before anything else it moves into a fresh, empty network namespace when the kernel
allows it (every connect() fails), so even a query that slipped past kg.query.guard could
not reach the network.
"""
from __future__ import annotations

import ctypes
import os
import pickle
import resource
import threading
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg import formats as fmts
from kg.errors import KgError, QueryError
from kg.query.catalogue import term_value
from kg.query.engines import open_engine
from kg.query.pool import WorkerMemoryError
from kg.query.serializers import serialize


def _drop_network() -> bool:
    """Move this process into a new, empty network namespace (no interface but a
    down loopback): every connect() fails. Needs unprivileged user namespaces."""
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    uid, gid = os.getuid(), os.getgid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newuser | clone_newnet) != 0:
            return False
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
        return True
    except OSError:
        return False


def worker_entry(fd: int, args: tuple) -> None:
    """Entry point of a worker child process."""
    conn = Connection(fd)
    try:
        _worker_main(conn, *args)
    except KeyboardInterrupt:
        pass


def _die_with_parent() -> None:
    """Exit when the server process goes away (even killed), also mid-query: a watchdog
    thread checks the parent pid. (Not PR_SET_PDEATHSIG: it fires when the *thread*
    that started the worker ends, and replacements start in short-lived threads.)"""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)
    threading.Thread(target=watch, daemon=True, name="kg-parent-watch").start()


def _limit_memory(mb: int) -> None:
    """Let this process grow by at most `mb` MB of address space beyond what it holds now
    (its store open): past that an allocation fails (MemoryError in Python, an abort in the
    engine), and the parent answers 507 and starts another worker."""
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = size + mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _open_apart(engine: str, store_path: str, writable: bool):
    """open_engine in a thread of its own: the store's memory (the in-memory copy is ~90 MB of
    allocations) then comes from that thread's malloc arena, and the queries, run in this
    thread, allocate from one the copy did not fragment: ~10% less CPU a query (the Ascend
    lookup: 27 instead of 30 ms on the full corpus; the bare engine answers from a fresh
    thread too)."""
    out: dict = {}

    def run():
        try:
            out["engine"] = open_engine(engine, store_path, writable=writable)
        except BaseException as e:  # noqa: BLE001 - raised again below, in the worker's thread
            out["error"] = e
    t = threading.Thread(target=run, name="kg-open-store")
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["engine"]


def _worker_main(conn, store_path: str, engine: str, writable: bool, isolate: bool,
                 memory_mb: int = 0) -> None:
    isolated = _drop_network() if isolate else False  # before any thread: unshare needs that
    _die_with_parent()
    try:
        engine_obj = _open_apart(engine, store_path, writable)
        if memory_mb:
            _limit_memory(memory_mb)
        _send(conn, ("ready", sorted(engine_obj.named_graphs()), isolated))
    except KgError as e:
        _send(conn, ("error", type(e).__name__, str(e), None))
        return
    except Exception as e:  # noqa: BLE001 - reported to the parent as one line
        _send(conn, ("error", "StoreError", f"cannot open store {store_path}: {e}", None))
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            if job["op"] == "update":
                engine_obj.update(job["text"], base_iri=job["base_iri"])
                _send(conn, ("ok", b"", "UPDATE", None, None))
                continue
            if job["op"] == "rows":
                _send(conn, ("ok", _plain_rows(engine_obj, job), "SELECT", None, None))
                continue
            res, form = engine_obj.query(job["text"], base_iri=job["base_iri"],
                                         default_graphs=job["default_graphs"],
                                         named_graphs=job["named_graphs"],
                                         substitutions=job["substitutions"],
                                         max_results=job["max_results"], columns=job["columns"],
                                         as_json=job["kind"] == "results" and job["format"] == "json")
            kind = res.kind
            if kind != job["kind"]:
                _send(conn, ("ok", b"", form, None, None))  # the parent renegotiates
                continue
            fmt = fmts.BY_NAME[(kind, job["format"])]
            if fmt.writer == "table" and res.rows:
                res.labels = engine_obj.labels(t.value for row in res.rows for t in row
                                               if isinstance(t, ox.NamedNode))
            _send(conn, ("ok", serialize(fmt, res), form, res.truncated, res.size))
        except KgError as e:
            _send(conn, ("error", type(e).__name__, e.message, e.offset))
        except MemoryError:
            res = None  # let go of what the query held, then say so
            _send(conn, ("error", WorkerMemoryError.__name__, "out of memory", None))
        except Exception as e:  # noqa: BLE001
            _send(conn, ("error", "KgError", f"query failed: {e}", None))


def _send(conn: Connection, msg: tuple) -> None:
    """One message to the parent, pickled by the C pickler (the answer's bytes copied once)."""
    conn.send_bytes(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))


def _plain_rows(engine_obj, job: dict) -> list[dict]:
    """The rows of a SELECT as plain values (kg.query.catalogue.term_value), capped at max_results."""
    res, form = engine_obj.query(job["text"], substitutions=job["substitutions"],
                                 max_results=job["max_results"], columns=None)  # rows are dicts: any order
    if res.rows is None:
        raise QueryError(f"expected a SELECT query, got {form}")
    names = res.variables
    return [{n: term_value(t) for n, t in zip(names, row) if t is not None} for row in res.rows]
