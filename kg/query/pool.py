"""The query runner's worker processes and the fair queue in front of them.

A worker is a `python -c` child (kg.query.worker) holding the store, reached over a socket
pair. The pool hands idle workers to queries in a fair order: one client (the address the
web layer puts in `CLIENT` for each request) holds at most `client_workers` workers at once,
and among the queries that may take a worker the one whose client holds the fewest goes
first, so a client looping slow queries cannot take every worker. At most `max_queue`
queries wait; one more, or one that waited past its deadline, gets QueryBusy (503 with
Retry-After). A worker found dead (killed, crashed while idle) is reaped and replaced.
"""
from __future__ import annotations

import contextvars
import logging
import math
import os
import pickle
import select
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from kg.errors import ForbiddenError, KgError, QueryError, QueryTimeout, StoreError
from kg.remote import RemoteAuthError, RemoteError, RemoteUnreachable

log = logging.getLogger(__name__)

# who asks: set per request by the web layer (kg.web.app); None (no limit) outside requests
CLIENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("kg_query_client", default=None)
REAP_INTERVAL = 0.5  # seconds between two looks for workers that died while idle


class QueryBusy(QueryTimeout):
    """No worker for this query in time (or the queue is full): try again later."""
    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


class WorkerMemoryError(KgError):
    """A query needed more memory than a worker may use (setting worker_memory_mb)."""
    code = "out-of-memory"
    http_status = 507


ERRORS = {cls.__name__: cls for cls in (QueryError, StoreError, KgError, ForbiddenError, WorkerMemoryError,
                                         QueryTimeout, RemoteError, RemoteUnreachable, RemoteAuthError)}


class Worker:
    """One worker: a `python -c` child holding the store, reached over a socket pair.
    (Not multiprocessing's spawn: that re-imports the parent's __main__.)"""

    def __init__(self, args: tuple):
        self.store_id = store_id(args[0])  # which store directory it is about to open
        parent_sock, child_sock = socket.socketpair()
        code = f"from kg.query.worker import worker_entry; worker_entry({child_sock.fileno()}, {args!r})"
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(child_sock.fileno(),),
                                     stdin=subprocess.DEVNULL, env=env)
        child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self._poller = select.poll()  # registered once: waiting for an answer is one poll() call
        self._poller.register(self.conn.fileno(), select.POLLIN)
        self.graphs: frozenset[str] = frozenset()
        self.isolated = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def idle_and_well(self) -> bool:
        """(For a worker with no job.) Alive, and its socket neither closed nor holding stray
        bytes: a worker being killed closes its socket before it can be waited for."""
        return self.alive() and not self._poller.poll(0)

    def hand(self, job: bytes) -> None:
        """Send the worker a job (pack_job). A worker that died meanwhile is found out by whoever
        waits for its answer (EOF: kg.query.runner runs the query once more on another)."""
        try:
            self.conn.send_bytes(job)
        except OSError:
            pass

    def answered(self, timeout: float) -> bool:
        """Wait until the worker's answer can be read (True) or `timeout` seconds pass (False):
        blocked in poll() on the socket, no polling loop. (Connection.poll would build a selector
        for every call.)"""
        return bool(self._poller.poll(max(0, math.ceil(timeout * 1000))))

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
            raise ERRORS.get(msg[1], StoreError)(msg[2])
        self.graphs = frozenset(msg[1])
        self.isolated = msg[2]

    def exit_status(self, wait: float = 1.0) -> int | None:
        """The worker's return code (negative: the signal that ended it), once it is gone."""
        try:
            return self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not die", self.proc.pid)
        self.conn.close()


class WorkerPool:
    """`size` workers started from `args`; `joined(worker, others)` is called (under the
    pool's lock) when a replacement joins, before it takes queries."""

    def __init__(self, args: tuple, size: int, *, client_workers: int = 0, max_queue: int = 16,
                 timeout: float = 10.0, start_timeout: float = 600.0,
                 joined: Callable[[Worker, list[Worker]], None] | None = None):
        self.args = args
        self.size = size
        self.client_workers = max(0, int(client_workers))
        self.max_queue = max(0, int(max_queue))
        self.retry_after = max(1, math.ceil(timeout))
        self.kills = 0
        self._joined = joined
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._held: Counter = Counter()
        self._waiting: list[list] = []  # [client, seq, job, worker handed over] in arrival order
        self._seq = 0
        self._closed = False
        first = [Worker(args) for _ in range(size)]
        try:
            for w in first:
                w.wait_ready(start_timeout)
        except BaseException:
            for w in first:
                w.kill()
            raise
        self._all.update(first)
        self._idle.extend(first)
        self.first = first
        threading.Thread(target=self._reap_loop, name="kg-reaper", daemon=True).start()

    def workers(self) -> list[Worker]:
        with self._cond:
            return list(self._all)

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self.workers())

    # --- taking and giving back -------------------------------------------

    def _may_take(self, client) -> bool:
        return client is None or not self.client_workers or self._held[client] < self.client_workers

    def _next(self):
        """The waiter that gets the next idle worker: the fewest workers held, then arrival."""
        ready = [t for t in self._waiting if self._may_take(t[0])]
        return min(ready, key=lambda t: (self._held[t[0]] if t[0] is not None else 0, t[1]), default=None)

    def _take(self, ticket: list) -> Worker | None:
        """(Under the lock.) An idle, live worker for `ticket` when it is its turn, else None."""
        while self._idle and self._next() is ticket:
            w = self._idle.pop()  # the last one back: its caches are warm
            if not w.idle_and_well():  # died while idle: replace it, try the next one
                self._drop(w)
                continue
            self._held[ticket[0]] += 1
            return w
        return None

    def acquire(self, deadline: float, client: str | None, job: bytes | None = None) -> Worker:
        """An idle worker for `client`, in the fair order, by `deadline` (else QueryBusy). With `job`
        (pack_job) the worker returned has been sent it: here, or, when this query waited, by the
        thread that gave the worker back (release), the moment it did: the worker starts on it
        without waiting for this thread to wake up."""
        with self._cond:
            if len(self._waiting) >= self.max_queue + len(self._idle):
                raise QueryBusy(f"{len(self._waiting)} queries are already waiting for a query worker "
                                f"(setting KG_MAX_QUEUE); try again later", retry_after=self.retry_after)
            self._seq += 1
            ticket = [client, self._seq, job, None]
            self._waiting.append(ticket)
            try:
                while True:
                    if ticket[3] is not None:  # handed over by release(), the job sent
                        return ticket[3]
                    if self._closed:
                        raise StoreError("the query runner is closed")
                    w = self._take(ticket)
                    if w is not None:
                        break
                    left = deadline - time.monotonic()
                    if left <= 0:
                        held = f"; this client holds {self._held[client]}" if client is not None else ""
                        raise QueryBusy(f"no query worker became free in time (all {self.size} busy{held}); "
                                        "try again later", retry_after=self.retry_after)
                    self._cond.wait(left)
            except BaseException:
                if ticket[3] is not None:  # handed over as this thread was stopped: nobody reads its answer
                    self._drop(ticket[3], client, charged=True)
                raise
            finally:
                if ticket[3] is None:
                    self._waiting.remove(ticket)
                self._cond.notify_all()
        if job is not None:
            w.hand(job)
        return w

    def release(self, w: Worker, client: str | None) -> None:
        """`client` is done with `w`. When a query waits that may take it and has its job packed,
        `w` goes straight to it: the job is sent from here (the waiter is woken too, to read the
        answer), so the worker does not sit idle while the waiting thread wakes up."""
        handover = None
        with self._cond:
            self._unhold(client)
            if w in self._all:
                nxt = self._next() if self._waiting else None
                if nxt is not None and nxt[2] is not None and w.alive():
                    nxt[3] = w
                    self._waiting.remove(nxt)
                    self._held[nxt[0]] += 1
                    handover = nxt[2]
                else:
                    self._idle.append(w)
            self._cond.notify_all()
        if handover is not None:
            w.hand(handover)

    def discard(self, w: Worker, client: str | None, *, charge: bool = True) -> None:
        """Kill `w` (stopped at its deadline, or dead) and start a replacement. With `charge`
        the client's query cost the worker: it still counts as the client's until the
        replacement has joined (so a client looping slow queries never holds more)."""
        with self._cond:
            if not charge:
                self._unhold(client)
            self._drop(w, client if charge else None, charged=charge)
            self._cond.notify_all()

    def _unhold(self, client) -> None:
        self._held[client] -= 1
        if self._held[client] <= 0:
            del self._held[client]

    def _drop(self, w: Worker, client: str | None = None, *, charged: bool = False) -> None:
        """(Under the lock.) Forget `w`, kill it and start a replacement in the background;
        `charged`: `client` holds it until the replacement joins."""
        if w not in self._all:
            if charged:
                self._unhold(client)
            return
        self._all.discard(w)
        if w in self._idle:
            self._idle.remove(w)
        self.kills += 1
        threading.Thread(target=self._respawn, args=(w, client, charged), name="kg-respawn",
                         daemon=True).start()

    def _respawn(self, dead: Worker, client: str | None = None, charged: bool = False) -> None:
        status = dead.proc.poll()
        dead.kill()
        if status is not None:
            log.warning("query worker %s ended (status %s); replacing it", dead.pid, status)
        while not self._closed:
            try:
                w = Worker(self.args)
                w.wait_ready(600)
            except Exception:  # keep trying: the pool must not shrink for good
                log.exception("query worker failed to start; retrying")
                time.sleep(1)
                continue
            with self._cond:
                if self._closed:
                    w.kill()
                    return
                if self._joined is not None:
                    self._joined(w, list(self._all))
                if charged:
                    self._unhold(client)
                self._all.add(w)
                self._idle.append(w)
                self._cond.notify_all()
            return

    def _reap_loop(self) -> None:
        while not self._closed:
            time.sleep(REAP_INTERVAL)
            with self._cond:
                for w in [w for w in self._idle if not w.alive()]:
                    self._drop(w)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers, self._all, self._idle = list(self._all), set(), []
            self._cond.notify_all()
        for w in workers:
            w.kill()


def pack_job(job: dict) -> bytes:
    """A job as the worker reads it, pickled by the C pickler (multiprocessing's own pickler is a
    Python class made anew for every message)."""
    return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)


def store_id(path) -> tuple | None:
    """The identity of the store directory at `path` (a rebuilt store is a new directory,
    swapped in by rename), or None when it cannot be read. A remote backend (a dict of
    RemoteEngine arguments) is identified by its URL and graph: the same for every worker."""
    if isinstance(path, dict):
        return ("remote", path.get("url"), path.get("graph"))
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
