"""Issue 15, items 1, 4 and 6 on a real `kg serve` on 127.0.0.1: clients looping slow queries
leave cached answers and cheap queries to everyone else (the cache survives a timeout kill,
one client holds at most its share of the workers, the rest wait in a bounded queue and get
503 + Retry-After); a memory-hungry query gets 507 and its worker is replaced; a worker that
dies while idle or mid-query is noticed, and the query is answered by a fresh one."""
from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.kgserver import fixture_store, kg_serve

# the slow query, over the small fixture four times joined so that it never ends in time
SLOW = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c LIMIT 1"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ATTACKER = "127.0.0.2"  # every attacker thread is one client; the probe is another (127.0.0.1)
CACHED_BOUND = 0.05        # seconds: the bound for a cached probe
UNCACHED_BOUND = 1.0       # seconds: ... and for an uncached cheap query


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return fixture_store(tmp_path_factory.mktemp("workers"))


class Client:
    """One keep-alive HTTP connection to the server from a chosen loopback source address."""

    def __init__(self, url: str, source: str = "127.0.0.1", timeout: float = 20.0):
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout,
                                               source_address=(source, 0))

    def get(self, path: str, **params):
        if params:
            path += "?" + urllib.parse.urlencode(params)
        try:
            self.conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            resp = self.conn.getresponse()
            return resp.status, resp.headers, resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnect on the next call
            raise

    def sparql(self, query: str):
        return self.get("/sparql", query=query)

    def close(self):
        self.conn.close()


def _workers(server_pid: int | None = None) -> list[int]:
    """The pids of the query workers of the `kg serve` this test process started."""
    pids = []
    for child in _children(os.getpid()) if server_pid is None else [server_pid]:
        for pid in _children(child):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"kg.query.worker" in cmdline and _state(pid) not in ("Z", None):
                pids.append(pid)
    return sorted(pids)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _wait_workers(n: int, bound: float = 20.0, avoid=()) -> list[int]:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        pids = _workers()
        if len(pids) == n and not set(pids) & set(avoid):
            return pids
        time.sleep(0.05)
    raise AssertionError(f"expected {n} live query workers, have {_workers()}")


# --- item 1 ----------------------------------------------------------------

def _cached_probes(probe: Client, until: float) -> list[float]:
    """GET /api/hardware (answered from the cache) once, then again until `until` (every 50 ms):
    how long each took, in seconds."""
    times = []
    while True:
        t0 = time.monotonic()
        status, headers, _ = probe.get("/api/hardware")
        times.append(time.monotonic() - t0)
        assert (status, headers.get("KG-Cache")) == (200, "hit")
        if time.monotonic() >= until:
            return times
        time.sleep(0.05)


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95)]


@pytest.mark.parametrize("attackers", [2, 4])
def test_slow_query_clients_leave_cached_and_cheap_queries_answered(store, attackers):
    with kg_serve(store, "--workers", "2", "--query-timeout", "2", "--client-workers", "1") as url:
        probe = Client(url)
        assert probe.get("/api/hardware")[0] == 200
        status, headers, _ = probe.get("/api/hardware")
        assert (status, headers.get("KG-Cache")) == (200, "hit")
        baseline = _cached_probes(probe, time.monotonic() + 1.5)  # the same probes before the attack
        stop = time.monotonic() + 6.0
        outcomes: list[tuple[int, str | None, str]] = []

        def attack():
            c = Client(url, ATTACKER)
            while time.monotonic() < stop and len(outcomes) < 500:
                try:
                    status, headers, body = c.sparql(SLOW)
                    outcomes.append((status, headers.get("Retry-After"), json.loads(body).get("error", "")))
                except OSError as e:
                    outcomes.append((0, None, str(e)))
            c.close()

        threads = [threading.Thread(target=attack) for _ in range(attackers)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # the attack is on: both attackers' queries sent
        cached, uncached, n = [], [], 0
        while time.monotonic() < stop - 0.5 and n < 200:
            n += 1
            cached += _cached_probes(probe, 0)
            t0 = time.monotonic()
            status, _, body = probe.sparql(f"{CHEAP} # probe {n}")
            uncached.append(time.monotonic() - t0)
            assert status == 200, body
            time.sleep(0.05)
        for t in threads:
            t.join(30)
        probe.close()
        print(f"{attackers} attackers, {len(outcomes)} slow queries answered "
              f"{sorted({o[:1] + o[2:] for o in outcomes})}; cached probe p50 "
              f"{statistics.median(cached) * 1000:.1f} ms p95 {_p95(cached) * 1000:.1f} ms max "
              f"{max(cached) * 1000:.1f} ms (before the attack: p95 {_p95(baseline) * 1000:.1f} ms); uncached p50 "
              f"{statistics.median(uncached) * 1000:.1f} ms max {max(uncached) * 1000:.1f} ms ({n} probes)")
        # Cached answers do not wait for the attack: the typical probe within the bound, 95% of
        # them within it plus what the machine alone gave the same probes just before (the 2 cores are
        # shared with whatever else runs: a loaded machine slows every request, attack or not), and no
        # probe near the 2 s a wait for a worker would take
        assert statistics.median(cached) < CACHED_BOUND, cached
        assert _p95(cached) < CACHED_BOUND + _p95(baseline), (cached, baseline)
        assert max(cached) < 0.25, cached
        assert max(uncached) < UNCACHED_BOUND, uncached
        # the attackers got 503s (stopped at the deadline, or waited for their share in vain)
        assert outcomes and {o[0] for o in outcomes} <= {503, 507}, outcomes
        busy = [o for o in outcomes if o[2] == "busy"]
        if attackers > 2:
            assert busy, outcomes  # more queries of one client than its share: they wait, then 503
        assert all(o[1] and int(o[1]) >= 1 for o in busy), busy


def test_a_full_queue_is_answered_503_with_retry_after_at_once(store):
    with kg_serve(store, "--workers", "1", "--query-timeout", "3", "--max-queue", "1",
                  "--client-workers", "0") as url:
        results = []

        def slow():
            c = Client(url)
            results.append(c.sparql(SLOW)[0])
            c.close()
        threads = [threading.Thread(target=slow) for _ in range(2)]  # one runs, one waits
        for t in threads:
            t.start()
            time.sleep(0.3)
        t0 = time.monotonic()
        status, headers, body = Client(url).sparql(CHEAP)
        waited = time.monotonic() - t0
        for t in threads:
            t.join(30)
        assert (status, json.loads(body)["error"]) == (503, "busy"), body
        assert headers.get("Retry-After") == "3" and waited < 0.5, (headers, waited)
        assert "KG_MAX_QUEUE" in json.loads(body)["message"]
        assert len(results) == 2 and set(results) <= {503, 507}  # timeout, or the memory limit first


# --- item 4 ----------------------------------------------------------------

def test_a_memory_hungry_query_gets_507_and_its_worker_is_replaced(store):
    with kg_serve(store, "--workers", "1", "--worker-memory-mb", "300", "--query-timeout", "15") as url:
        c = Client(url)
        before = _wait_workers(1)
        t0 = time.monotonic()
        status, _, body = c.sparql(HUNGRY)
        took = time.monotonic() - t0
        error = json.loads(body)
        assert (status, error["error"]) == (507, "out-of-memory"), body
        assert "300 MB" in error["message"] and "KG_WORKER_MEMORY_MB" in error["message"]
        assert took < 10, took
        print(f"507 after {took:.2f} s")
        _wait_workers(1, avoid=before)  # replaced
        status, _, body = c.sparql(CHEAP)
        assert status == 200 and json.loads(body)["results"]["bindings"], body
        c.close()


# --- item 6 ----------------------------------------------------------------

def test_workers_killed_while_idle_are_reaped_and_the_next_queries_get_200(store):
    with kg_serve(store, "--workers", "2") as url:
        c = Client(url)
        assert c.sparql(CHEAP)[0] == 200
        first = _wait_workers(2)
        for pid in first:
            os.kill(pid, signal.SIGKILL)
        statuses = [c.sparql(f"{CHEAP} # after the kill {i}")[0] for i in range(3)]
        assert statuses == [200, 200, 200]
        again = _wait_workers(2, avoid=first)  # replaced, and the dead ones reaped (no zombie left)
        assert not any(_state(pid) == "Z" for pid in first)
        os.kill(again[0], signal.SIGKILL)  # one dies while idle and nobody asks: noticed anyway
        _wait_workers(2, bound=5, avoid=again[:1])
        assert c.sparql(CHEAP + " # at last")[0] == 200
        c.close()


def test_a_worker_killed_mid_query_has_the_query_run_again_on_a_fresh_one(store):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with kg_serve(store, "--workers", "1", "--query-timeout", "15") as url:
        c = Client(url)
        (pid,) = _wait_workers(1)
        result = {}

        def ask():
            result["answer"] = c.sparql(query)
        t = threading.Thread(target=ask)
        t.start()
        deadline = time.monotonic() + 5
        while _state(pid) != "R" and time.monotonic() < deadline:  # the query runs
            time.sleep(0.01)
        os.kill(pid, signal.SIGKILL)
        t.join(20)
        status, _, body = result["answer"]
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(161 ** 3)
        assert _wait_workers(1) != [pid]
        c.close()


def test_queries_that_waited_get_their_own_answers_from_the_worker_handed_to_them(store):
    """A query waiting for a worker is sent to the worker the moment another query gives it back
    (kg.query.pool: release hands it over): under a queue of 8 clients on 2 workers, each of 240
    queries gets its own answer, and afterwards no worker is held, waited for or lost."""
    from kg.query.runner import CLIENT, QueryRunner
    with QueryRunner(store, workers=2, client_workers=1, max_queue=64, timeout=30) as runner:
        wrong: list = []

        def client(k: int) -> None:
            CLIENT.set(f"client-{k}")
            for i in range(30):
                n = k * 1000 + i
                # a cross join of the fixture (a few ms) so that queries queue up
                text = ("SELECT ?n WHERE { { SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c0 . ?d ?e ?f } } "
                        f"BIND({n} AS ?n) }}")
                got = json.loads(runner.query(text, format="json").body)["results"]["bindings"]
                if [int(b["n"]["value"]) for b in got] != [n]:
                    wrong.append((n, got))
        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not wrong, wrong[:3]
        pool = runner.pool
        assert not pool._held and not pool._waiting and len(pool._idle) == 2 and pool.kills == 0
