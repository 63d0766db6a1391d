"""The answer cache (kg.query.cache) and conditional GETs: a repeat is answered from memory with
the same bytes, nothing stale survives an update or a worker replacement, errors are
never kept, memory stays within the bound whatever clients send, and `ETag` /
`If-None-Match` give 304."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from kgserver import EX, N_ITEMS, RUNAWAY, fixture_store, kg_serve, serve_fails, write_fixture

from kg.errors import QueryError, QueryTimeout
from kg.query.cache import AnswerCache
from kg.query.runner import QueryRunner
from kg.store import load_files

COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}n> ?o }}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def runner(store):
    with QueryRunner(store, workers=1, timeout=1.0, cache_bytes=1 << 20) as r:
        yield r


# --- the cache itself ---------------------------------------------------------------

def test_lru_keeps_within_its_size_and_drops_the_least_recently_used():
    c = AnswerCache(1000)
    for k in "abcd":
        c.put((k,), k.encode(), 250, c.generation)
    assert c.stats()["bytes"] == 1000
    assert c.get(("a",)) == b"a"          # a is now the most recently used
    c.put(("e",), b"e", 250, c.generation)
    assert c.get(("b",)) is None          # b was the least recently used: dropped
    assert [c.get((k,)) for k in "acde"] == [b"a", b"c", b"d", b"e"]
    assert c.stats()["bytes"] <= 1000


def test_answers_from_an_older_generation_or_too_big_are_not_kept():
    c = AnswerCache(1000)
    generation = c.generation
    c.invalidate()                        # e.g. an update ran while the query did
    c.put(("old",), b"x", 10, generation)
    assert c.get(("old",)) is None
    c.put(("big",), b"x", 251, c.generation)   # over a quarter of the cache
    assert c.get(("big",)) is None
    off = AnswerCache(0)
    off.put(("a",), b"x", 1, off.generation)
    assert not off.enabled and off.get(("a",)) is None


# --- in the query runner ---------------------------------------------------------------

def test_a_repeat_is_answered_from_the_cache_with_the_same_bytes(runner):
    first = runner.query(COUNT, format="json")
    again = runner.query(COUNT, format="json")
    assert not first.cached and again.cached
    assert again.body == first.body
    assert json.loads(again.body)["results"]["bindings"][0]["n"]["value"] == str(N_ITEMS)
    other = runner.query(COUNT, format="csv")            # another format: its own entry
    assert not other.cached and other.body.decode().splitlines() == ["n", str(N_ITEMS)]


def test_bindings_and_datasets_are_part_of_the_key(runner):
    q = f"SELECT ?o ?s WHERE {{ ?s <{EX}n> ?o }}"
    a = runner.query(q, format="csv", substitutions={"s": ox.NamedNode(f"{EX}item3")})
    b = runner.query(q, format="csv", substitutions={"s": ox.NamedNode(f"{EX}item4")})
    assert not b.cached
    assert a.body.decode().split()[1].startswith("3,") and b.body.decode().split()[1].startswith("4,")
    g = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = runner.query(g, format="csv")
    only_g1 = runner.query(g, format="csv", default_graphs=[f"{EX}g1"])
    assert not only_g1.cached and only_g1.body.decode().split() == ["n", "2"]
    assert whole.body != only_g1.body


def test_rows_come_back_as_fresh_copies(runner):
    q = f"SELECT ?s ?o WHERE {{ ?s <{EX}n> ?o }} ORDER BY ?o"
    rows = runner.rows(q)
    rows[0]["o"] = "changed by a caller"
    rows.append({"s": "extra"})
    again = runner.rows(q)
    assert len(again) == N_ITEMS and again[0]["o"] == 0


def test_errors_are_not_kept(runner):
    before = runner.cache.stats()["entries"]
    for _ in range(2):
        with pytest.raises(QueryError, match="syntax error"):
            runner.query("SELECT WHERE {", format="json")
    with pytest.raises(QueryError, match="SERVICE"):
        runner.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", format="json")
    assert runner.cache.stats()["entries"] == before


def test_a_replaced_worker_keeps_the_cache_of_the_same_read_only_store(store):
    # issue 15 item 1: a timeout kill used to empty the cache; the replacement reads the same store
    with QueryRunner(store, workers=1, timeout=1.0, cache_bytes=1 << 20) as r:
        r.query(COUNT, format="json")
        assert r.query(COUNT, format="json").cached
        generation = r.cache.generation
        with pytest.raises(QueryTimeout):
            r.query(RUNAWAY, format="json")
        assert r.query(COUNT, format="json").cached
        assert not r.query(COUNT + " ", format="json").cached  # waits for the replacement
        assert r.cache.generation == generation and r.cache.stats()["entries"] >= 2


def test_a_store_swapped_in_while_served_is_never_answered_stale(tmp_path):
    # QA: `kg load -o STORE` while STORE is served, then a runaway query: the replacement
    # worker reads the new store while the other still reads the old one; an answer the old
    # worker gave after the replacement joined was kept and served as a hit for good
    load_files([write_fixture(tmp_path)], tmp_path / "store")
    with QueryRunner(tmp_path / "store", workers=2, timeout=1.0, cache_bytes=1 << 20) as r:
        def count():
            a = r.query(COUNT, format="csv")
            return int(a.body.split()[-1]), a.cached
        old, _ = count()
        assert count() == (old, True)
        extra = tmp_path / "extra.ttl"
        extra.write_text(f"<{EX}more> <{EX}n> 1000 .\n", encoding="utf-8")
        load_files([write_fixture(tmp_path), extra], tmp_path / "store")  # swapped in
        with pytest.raises(QueryTimeout):
            r.query(RUNAWAY, format="json")
        seen, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:  # until the replacement has joined and answered
            seen.append(count())
            if seen[-1][0] == old + 1:
                break
            time.sleep(0.05)
        assert seen[-1] == (old + 1, False)
        # two clients at once, so the old worker answers too (an idle worker is taken last-in
        # first-out: one client alone keeps getting the same one); the cache keeps none of it
        later: list = []
        threads = [threading.Thread(target=lambda: later.extend(count() for _ in range(6))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(later) == 12 and {n for n, _ in later} <= {old, old + 1} and not any(hit for _, hit in later)
        assert r.cache.paused   # workers read different stores: nothing is cached meanwhile


def test_an_update_empties_the_cache(tmp_path):
    load_files([write_fixture(tmp_path)], tmp_path / "store")
    ask = f"ASK {{ <{EX}new> <{EX}p> 1 }}"
    with QueryRunner(tmp_path / "store", allow_update=True, cache_bytes=1 << 20) as r:
        assert json.loads(r.query(ask, format="json").body)["boolean"] is False
        assert r.query(ask, format="json").cached
        r.update(f"INSERT DATA {{ <{EX}new> <{EX}p> 1 }}")
        after = r.query(ask, format="json")
        assert not after.cached and json.loads(after.body)["boolean"] is True


def test_many_distinct_queries_stay_within_the_bound(store):
    """A client sending long queries with tiny answers cannot grow the cache past its size:
    the query text counts as well as the answer."""
    with QueryRunner(store, workers=1, cache_bytes=64 * 1024) as r:
        padding = "#" + "x" * 4000 + "\n"
        for i in range(60):
            r.query(f"{padding}ASK {{ <{EX}item{i}> ?p ?o }}", format="json")
        stats = r.cache.stats()
        assert stats["bytes"] <= 64 * 1024 and 0 < stats["entries"] < 60


# --- over HTTP ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(make_app, store):
    return make_app(store)


@pytest.mark.parametrize("path", [
    "/sparql?" + urllib.parse.urlencode({"query": COUNT}),
    "/queries/concepts",
    "/api/releases",
])
def test_responses_say_miss_then_hit_with_the_same_body(client, path):
    first = client.get(path, headers={"Accept": "application/json"})
    again = client.get(path, headers={"Accept": "application/json"})
    assert first.status_code == again.status_code == 200
    assert (first.headers["KG-Cache"], again.headers["KG-Cache"]) == ("miss", "hit")
    assert again.data == first.data and again.content_type == first.content_type
    assert "KG-Cache" in first.headers["Access-Control-Expose-Headers"]


def test_api_errors_are_not_kept(client):
    for _ in range(2):
        r = client.get("/api/features?hardware=Quantum")
        assert r.status_code == 400 and "KG-Cache" not in r.headers
        assert "unknown hardware 'Quantum'" in r.get_json()["message"]


def test_etag_and_if_none_match_give_304(client):
    path = "/sparql?" + urllib.parse.urlencode({"query": COUNT})
    r = client.get(path, headers={"Accept": "text/csv"})
    etag = r.headers["ETag"]
    assert r.status_code == 200 and etag
    again = client.get(path, headers={"Accept": "text/csv", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(path, headers={"Accept": "application/json", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag   # another format
    assert client.get("/api/hardware", headers={"If-None-Match": etag}).status_code == 200


def test_kg_serve_cache_switch_and_conditional_get_over_loopback(store):
    path = "/queries/concepts"
    with kg_serve(store, "--workers", "1") as url:
        base = url.rsplit("/sparql", 1)[0]
        with urllib.request.urlopen(base + path, timeout=30) as r:
            etag, first = r.headers["ETag"], r.read()
        with urllib.request.urlopen(base + path, timeout=30) as r:
            assert r.headers["KG-Cache"] == "hit" and r.read() == first
        req = urllib.request.Request(base + path, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=30)
        assert e.value.code == 304
    with kg_serve(store, "--workers", "1", "--cache-mb", "0") as url:
        base = url.rsplit("/sparql", 1)[0]
        for _ in range(2):
            with urllib.request.urlopen(base + path, timeout=30) as r:
                assert "KG-Cache" not in r.headers and r.read() == first


def test_bad_cache_settings_get_one_line(store):
    assert "expected a non-negative integer" in serve_fails(store, "--port", "0",
                                                            extra_env={"KG_CACHE_MB": "-1"})
    assert "'--cache-mb'" in serve_fails(store, "--port", "0", "--cache-mb", "-5")


def test_openapi_describes_the_cache_headers_and_304(client):
    doc = client.get("/openapi.json").get_json()
    for path, item in doc["paths"].items():
        responses = item["get"]["responses"]
        assert "304" in responses, path
        assert {"ETag", "KG-Cache"} <= set(responses["200"]["headers"]), path
        assert any(p.get("$ref", "").endswith("/IfNoneMatch") for p in item["get"]["parameters"]), path
    first = client.get("/api/hardware")
    assert client.get("/api/hardware", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_cached_answers_come_while_every_worker_is_busy(store):
    """One worker, held by a runaway query: a question asked before is still answered at
    once, a new one waits for the deadline like before."""
    import threading
    import time

    with QueryRunner(store, workers=1, timeout=2.0, cache_bytes=1 << 20) as r:
        r.query(COUNT, format="json")
        outcome = {}

        def runaway():
            try:
                r.query(RUNAWAY, format="json")
            except QueryTimeout as e:
                outcome["timeout"] = str(e)
        t = threading.Thread(target=runaway)
        t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        answer = r.query(COUNT, format="json")
        waited = time.monotonic() - t0
        assert answer.cached and waited < 0.5
        t.join()
        assert "2 s limit" in outcome["timeout"]
