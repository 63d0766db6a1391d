"""Safe by default: no outbound connection (SERVICE, LOAD, remote FROM), runaway queries
stopped at the deadline while others still answer, a result cap with a marker, 413 on
big bodies, updates refused unless enabled with the token."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from kgserver import EX, N_ITEMS, RUNAWAY, fixture_store, kg_serve, serve_fails, write_fixture

from kg.errors import QueryError
from kg.query.guard import check_query
from kg.store import load_files


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("safety"))


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            c.close()

    def close(self):
        time.sleep(0.3)  # let a late connection arrive before counting
        self._stop = True
        self._t.join()
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def test_the_listener_does_see_an_unguarded_federated_query(listener):
    """Control: Oxigraph itself would connect, so the tests below are meaningful."""
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    listener.close()
    assert listener.connections >= 1


def ssrf_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{url}> SELECT * WHERE {{ ?s ?p ?o . SERVICE r:x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?s<?o)SERVICE<{url}>{{ ?s ?p ?o }} }}",
        "SELECT * WHERE { VALUES (?a ?b) { (1 <x?b)SERVICE?u#>\n) } }",
        f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
        f"PREFIX r: <{url}> SELECT * FROM NAMED r:g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"BASE <{url}> SELECT * FROM <relative> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM <{url}> {{ }}",
        f"DESCRIBE ?s FROM <{url}> WHERE {{ ?s ?p ?o }}",
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_no_connection_for_service_or_remote_from_whatever_engine(make_app, store, listener, engine):
    # network isolation of the workers off: the guard alone must stop every one of these
    app = make_app(store, engine=engine, isolate_network=False)
    client = app.test_client()
    for q in ssrf_queries(listener.url):
        r = client.post("/sparql", data={"query": q})
        assert r.status_code == 400, (q, r.data)
        assert b"never" in r.data or b"ambiguous" in r.data, r.data
    # the same words where they are no keywords are fine
    ok = client.get("/sparql", query_string={"query": (
        f'SELECT ?service ?from WHERE {{ BIND("SERVICE <{listener.url}>" AS ?service) '
        f'BIND(<{EX}load/from> AS ?from) }} # FROM <{listener.url}>')})
    assert ok.status_code == 200, ok.data
    listener.close()
    assert listener.connections == 0


def test_from_naming_a_graph_of_the_store_is_allowed(store):
    report = check_query(f"PREFIX ex: <{EX}> SELECT * FROM ex:g1 FROM NAMED <{EX}g2> {{ }}",
                         local_graphs={EX + "g1", EX + "g2"})
    assert report.from_graphs == [EX + "g1"] and report.from_named_graphs == [EX + "g2"]
    with pytest.raises(QueryError, match="LOAD"):
        check_query(f"LOAD <{EX}x> INTO GRAPH <{EX}g>")


def test_load_is_refused_even_with_updates_enabled(make_app, tmp_path, listener):
    load_files([write_fixture(tmp_path)], tmp_path / "store")
    app = make_app(tmp_path / "store", allow_update=True, update_token="s3cret", isolate_network=False)
    r = app.test_client().post("/sparql", data={"update": f"LOAD <{listener.url}data.ttl>"},
                               headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 400 and b"LOAD is not allowed" in r.data
    listener.close()
    assert listener.connections == 0


def test_updates_need_the_switch_and_the_token(make_app, tmp_path):
    load_files([write_fixture(tmp_path)], tmp_path / "store")
    insert = {"update": f"INSERT DATA {{ <{EX}new> <{EX}p> 1 }}"}
    ask = {"query": f"ASK {{ <{EX}new> <{EX}p> 1 }}"}
    app = make_app(tmp_path / "store", allow_update=True, update_token="s3cret")
    c = app.test_client()
    assert c.post("/sparql", data=insert).status_code == 403
    assert c.post("/sparql", data=insert, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert json.loads(c.get("/sparql", query_string=ask).data)["boolean"] is False
    r = c.post("/sparql", data=insert, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200, r.data
    assert json.loads(c.get("/sparql", query_string=ask).data)["boolean"] is True
    app.extensions["kg"].runner.close()  # the store's one writer: free it for the next app
    app = make_app(tmp_path / "store", allow_update=True, update_token="")
    # enabled without a token configured: still refused
    r = app.test_client().post("/sparql", data=insert, headers={"Authorization": "Bearer "})
    assert r.status_code == 403


@pytest.fixture(scope="module")
def small_app(make_app, store):
    return make_app(store, max_results=5, max_body=2000)


def test_result_cap_has_a_clear_marker_in_every_format(small_app):
    c = small_app.test_client()
    q = f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }}"
    r = c.get("/sparql", query_string={"query": q})
    body = json.loads(r.data)
    assert len(body["results"]["bindings"]) == 5
    assert r.headers["KG-Results-Truncated"] == "5"
    assert body["truncated"]["limit"] == 5 and "truncated" in body["truncated"]["message"]
    assert "urn:kg:results-truncated:5" in body["head"]["link"]
    xml = c.get("/sparql", query_string={"query": q, "format": "xml"}).data.decode()
    assert 'link href="urn:kg:results-truncated:5"' in xml and xml.count("<result>") == 5
    csv_ = c.get("/sparql", query_string={"query": q, "format": "csv"})
    assert csv_.headers["KG-Results-Truncated"] == "5" and len(csv_.data.splitlines()) == 6
    ttl = c.get("/sparql", query_string={"query": f"CONSTRUCT WHERE {{ ?s <{EX}n> ?n }}"})
    assert ttl.data.startswith(b"# results truncated: only the first 5 triples")
    under = c.get("/sparql", query_string={"query": q + " LIMIT 5"})
    assert "KG-Results-Truncated" not in under.headers and "truncated" not in json.loads(under.data)


def test_big_bodies_get_413(small_app):
    c = small_app.test_client()
    big = "ASK {} #" + "x" * 3000
    r = c.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert r.status_code == 413 and b"413" in r.data
    assert b"over the limit of" in r.data and b"KG_MAX_BODY" in r.data  # says what is wrong and what to change
    r = c.post("/sparql", data={"query": big})
    assert r.status_code == 413
    assert c.post("/sparql", data={"query": "ASK {}"}).status_code == 200


def _get(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_runaway_query_is_stopped_at_the_deadline_while_others_answer(store):
    # every request comes from 127.0.0.1, one client: let it hold both workers (its fair share
    # per client is tested in tests/test_hardening_workers.py)
    with kg_serve(store, "--workers", "2", "--query-timeout", "2", "--client-workers", "0") as url:
        result = {}

        def runaway():
            t0 = time.monotonic()
            result["status"], result["body"] = _get(url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
            result["seconds"] = time.monotonic() - t0
        t = threading.Thread(target=runaway)
        t.start()
        time.sleep(0.3)
        latencies = []
        while t.is_alive():
            # a new text each time, so the other worker answers it (not the answer cache)
            quick = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}n> ?o }} # probe {len(latencies)}"
            t0 = time.monotonic()
            status, body = _get(url + "?" + urllib.parse.urlencode({"query": quick}))
            latencies.append(time.monotonic() - t0)
            assert status == 200, body
            assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(N_ITEMS)
            time.sleep(0.05)
        t.join()
        assert result["status"] == 503, result
        assert b"2 s limit" in result["body"]
        assert 1.9 <= result["seconds"] < 4.0
        assert len(latencies) >= 10 and max(latencies) < 1.0
        # the killed worker was replaced: two runaways at once still both time out
        time.sleep(1.0)
        both = []
        ths = [threading.Thread(target=lambda: both.append(_get(url + "?" + urllib.parse.urlencode(
            {"query": RUNAWAY}))[0])) for _ in range(2)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        assert both == [503, 503]
        time.sleep(1.0)
        assert _get(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))[0] == 200


def test_serve_refuses_bad_settings_in_one_line(store):
    with socket.socket() as taken:   # a port some other program holds
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert f"cannot listen on 127.0.0.1:{port}" in serve_fails(store, "--port", port)
    assert "99999 is not in the range" in serve_fails(store, "--port", "99999")
    assert "'--query-timeout'" in serve_fails(store, "--port", "0", "--query-timeout", "-1")
    line = serve_fails(store, "--port", "0", extra_env={"KG_QUERY_TIMEOUT": "soon"})
    assert "KG_QUERY_TIMEOUT='soon': expected a positive number" in line
