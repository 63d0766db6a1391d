"""kg publish and kg serve --backend against a real remote store: Virtuoso (Debian's
virtuoso-opensource-7-bin, which .ci/run installs; tests/virtuoso.py starts it on 127.0.0.1).

Publishing: counts checked, safe to repeat, a kill -9 half-way leaves the live graph answering,
one clear line for refused credentials, an unreachable store, a URL without the Graph Store
Protocol. Serving: the named queries, the API and the W3C protocol suite give the embedded
store's answers; the endpoint's safety holds in front of the remote store."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import fixture_graph
import pytest
import virtuoso
from kgserver import EX, N_ITEMS, RUNAWAY, env, fixture_store, kg_command, kg_load, kg_serve
from test_safety import Listener, _get, ssrf_queries

from kg.graph.publish import count_triples, staging_iri
from kg.query.catalogue import load_catalogue
from kg.remote import RemoteStore
from kg.store import open_store
from kg.web.app import create_app

pytestmark = pytest.mark.skipif(not virtuoso.available(),
                                reason="virtuoso-t / isql-vt not installed (.ci/run installs "
                                       "virtuoso-opensource-7-bin from Debian)")
PROJECT = virtuoso.PROJECT
PASSWORD_ENV = "KG_TEST_VIRTUOSO_PASSWORD"
FIXTURE_GRAPH = "https://w3id.org/mindspore-kg/test/fixture"
SAFETY_GRAPH = EX + "default"
CATALOGUE = load_catalogue()
# required parameters of the named queries on the API fixture graph (as tests/test_queries.py)
FIXTURE_VALUES = {"feature_history": {"feature": "mixed-precision"},
                  "feature_docs": {"feature": "mixed-precision"},
                  "feature": {"feature": "mixed-precision"},
                  "support_matrix": {"release": "r1.2"},
                  "page_entries": {"page": "docs/faq/source_en/feature_notes.md"}}
API_PATHS = ["/api/features", "/api/features?hardware=Ascend", "/api/features?hardware=GPU",
             "/api/features?hardware=Ascend&status=supported&release=r1.2",
             "/api/features?hardware=ascend&status=supported&release=r1.2&lang=zh",
             "/api/features?status=planned", "/api/features?feature=mixed-precision&release=r2.0",
             "/api/features?subject=subject/mixed-precision-with-int4-weights",
             "/api/features/mixed-precision?lang=zh", "/api/features/candidate/kernel-fusion-tuning",
             "/api/hardware", "/api/hardware?lang=zh", "/api/releases", "/api/entries",
             "/api/entries?source=r1.2/docs/faq/source_en/feature_notes.md"]


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    with virtuoso.running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as v:
        os.environ[PASSWORD_ENV] = v.password
        yield v


def store_client(v) -> RemoteStore:
    return RemoteStore(v.sparql_auth, gsp_url=v.gsp, user="dba", password=v.password, timeout=300)


def kg_publish(v, store, graph, *extra, password_env=PASSWORD_ENV, **popen):
    args = kg_command("publish", str(store), "--to", v.sparql_auth, "--gsp", v.gsp, "--graph", graph,
                      "--user", "dba", "--password-env", password_env, *extra)
    if popen:
        return subprocess.Popen(args, env=env(), cwd=PROJECT, **popen)
    return subprocess.run(args, capture_output=True, text=True, env=env(), cwd=PROJECT, timeout=600)


def store_triples(path, graph=None) -> int:
    import pyoxigraph as ox
    return sum(1 for _ in open_store(path).quads_for_pattern(None, None, None, graph or ox.DefaultGraph()))


@pytest.fixture(scope="module")
def api_store(tmp_path_factory):
    return fixture_graph.write_fixture_store(tmp_path_factory.mktemp("api-fixture") / "store")


@pytest.fixture(scope="module")
def published_fixture(remote, api_store):
    out = kg_publish(remote, api_store, FIXTURE_GRAPH)
    assert out.returncode == 0, out.stderr
    return out


# --- kg publish ------------------------------------------------------------------------

def test_publish_checks_counts_and_can_be_repeated(remote, api_store, published_fixture):
    n = store_triples(api_store)
    assert re.search(rf"kg: published {n} triples to .* \(<{FIXTURE_GRAPH}> {n}\)", published_fixture.stdout)
    assert "kg: staged" in published_fixture.stderr
    rs = store_client(remote)
    assert count_triples(rs, FIXTURE_GRAPH) == n
    assert count_triples(rs, staging_iri(FIXTURE_GRAPH)) == 0  # MOVE emptied the staging graph
    again = kg_publish(remote, api_store, FIXTURE_GRAPH, "--chunk-mb", "0.01")  # many small chunks
    assert again.returncode == 0, again.stderr
    assert count_triples(rs, FIXTURE_GRAPH) == n


def test_publish_errors_are_one_line(remote, api_store, monkeypatch):
    def fails(out, text):
        assert out.returncode != 0
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kg: error: ") and text in lines[0], out.stderr
    os.environ["KG_TEST_WRONG_PASSWORD"] = "not-the-password"
    fails(kg_publish(remote, api_store, FIXTURE_GRAPH, password_env="KG_TEST_WRONG_PASSWORD"),
          "refused the query (401")
    port = virtuoso.free_port()
    out = subprocess.run(kg_command("publish", str(api_store), "--to", f"http://127.0.0.1:{port}/sparql"),
                         capture_output=True, text=True, env=env(), cwd=PROJECT, timeout=60)
    fails(out, f"cannot reach the remote store at http://127.0.0.1:{port}")
    out = subprocess.run(kg_command("publish", str(api_store), "--to", remote.sparql,
                                    "--gsp", remote.base + "/no-graph-store"),
                         capture_output=True, text=True, env=env(), cwd=PROJECT, timeout=60)
    fails(out, "does not take the SPARQL Graph Store Protocol")


def test_a_publish_killed_half_way_leaves_the_live_graph_answering(remote, api_store, published_fixture,
                                                                   two_release_store):
    rs = store_client(remote)
    before = count_triples(rs, FIXTURE_GRAPH)
    # a bigger store in small chunks: killed while its chunks go into the staging graph
    proc = kg_publish(remote, two_release_store, FIXTURE_GRAPH, "--chunk-mb", "0.05",
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while count_triples(rs, staging_iri(FIXTURE_GRAPH)) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    staged = count_triples(rs, staging_iri(FIXTURE_GRAPH))
    assert 0 < staged < store_triples(two_release_store)  # half-way indeed
    assert count_triples(rs, FIXTURE_GRAPH) == before
    app = create_app({"backend": remote.sparql, "backend_graph": FIXTURE_GRAPH, "workers": 1,
                      "cache_mb": 0, "access_log": False})
    try:
        r = app.test_client().get("/api/features?hardware=Ascend")
        assert r.status_code == 200 and r.get_json()["count"] > 0
    finally:
        app.extensions["kg"].runner.close()


# --- kg serve --backend: the same answers ------------------------------------------------

@pytest.fixture(scope="module")
def both_apps(remote, api_store, published_fixture):
    embedded = create_app({"store": str(api_store), "workers": 1, "cache_mb": 0, "access_log": False})
    backed = create_app({"backend": remote.sparql, "backend_graph": FIXTURE_GRAPH, "store": str(api_store),
                         "workers": 2, "cache_mb": 0, "access_log": False, "query_timeout": 60})
    yield embedded.test_client(), backed.test_client()
    for app in (embedded, backed):
        app.extensions["kg"].runner.close()


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_named_queries_answer_the_same(both_apps, name):
    embedded, backed = both_apps
    qs = {"format": "json", **FIXTURE_VALUES.get(name, {})}
    a, b = embedded.get(f"/queries/{name}", query_string=qs), backed.get(f"/queries/{name}", query_string=qs)
    assert a.status_code == 200, a.data
    assert b.status_code == 200, b.data
    assert json.loads(b.data) == json.loads(a.data)


@pytest.mark.parametrize("path", API_PATHS)
def test_api_answers_the_same(both_apps, path):
    embedded, backed = both_apps
    a, b = embedded.get(path), backed.get(path)
    assert (b.status_code, b.get_json()) == (a.status_code, a.get_json())


def test_sparql_formats_and_ask_answer_the_same(both_apps):
    embedded, backed = both_apps
    for q, fmt in [("SELECT ?f ?l WHERE { ?f <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
                    "ORDER BY STR(?f) STR(?l) LANG(?l)", fmt) for fmt in ("json", "csv", "tsv", "xml", "table")] + [
            ("ASK { ?s ?p ?o }", "json"), ("ASK { <urn:x> ?p ?o }", "json"),
            ("CONSTRUCT WHERE { ?s <http://www.w3.org/2004/02/skos/core#notation> ?o }", "nt")]:
        a = embedded.get("/sparql", query_string={"query": q, "format": fmt})
        b = backed.get("/sparql", query_string={"query": q, "format": fmt})
        assert a.status_code == b.status_code == 200, (q, b.data)
        if fmt == "nt":
            assert sorted(a.data.splitlines()) == sorted(b.data.splitlines())
        else:
            assert a.data == b.data, (q, fmt)


@pytest.mark.slow
def test_full_corpus_published_answers_the_lookups_identically(remote, full_store):
    graph = "https://w3id.org/mindspore-kg/test/full"
    out = kg_publish(remote, full_store, graph, "--chunk-mb", "4")
    assert out.returncode == 0, out.stderr
    embedded = create_app({"store": str(full_store), "workers": 1, "cache_mb": 0, "access_log": False})
    backed = create_app({"backend": remote.sparql, "backend_graph": graph, "workers": 1, "cache_mb": 0,
                         "access_log": False, "query_timeout": 60})
    try:
        for path in ("/api/features?hardware=Ascend", "/api/features?hardware=GPU",
                     "/queries/features_on_hardware?hardware=Ascend&format=json",
                     "/queries/status_changes?format=json", "/queries/status_changes?from=r0.7&to=master&format=json",
                     "/queries/release_diff?lang=en&format=json", "/queries/release_diff?lang=zh&format=json",
                     "/queries/support_matrix?release=r1.2&format=json", "/queries/support_matrix?format=json",
                     "/queries/unsupported_and_planned?format=json",
                     "/queries/unsupported_and_planned?release=r1.2&format=json"):
            a, b = embedded.test_client().get(path), backed.test_client().get(path)
            assert a.status_code == b.status_code == 200
            assert b.data == a.data, path
    finally:
        for app in (embedded, backed):
            app.extensions["kg"].runner.close()


# --- the W3C protocol suite and the endpoint's safety, in front of the remote store -------

def test_protocol_suite_passes_against_the_backend(remote, conformance_dir, tmp_path):
    store = tmp_path / "protocol"
    out = kg_load([conformance_dir / "sparql-protocol" / "protocol-dataset.nq"], store)
    assert out.returncode == 0, out.stderr
    graph = "http://example.org/kg/protocol-default"
    published = kg_publish(remote, store, graph)
    assert published.returncode == 0, published.stderr
    named = [f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)]
    extra = [a for g in named for a in ("--named-graph", g)]
    with kg_serve(None, "--backend", remote.sparql, "--graph", graph, *extra) as url:
        checker = conformance_dir / "sparql-protocol" / "protocol_check.py"
        run = subprocess.run([sys.executable, str(checker), url, "--run-bad-update", "--service-description"],
                             capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^29 passed, 0 failed$", run.stdout, re.M), run.stdout


@pytest.fixture(scope="module")
def safety_backend(remote, tmp_path_factory):
    """The safety tests' small dataset (tests/kgserver.py) published: its default graph as
    SAFETY_GRAPH, its named graphs g1, g2 under their own IRIs."""
    store = fixture_store(tmp_path_factory.mktemp("safety-remote"))
    out = kg_publish(remote, store, SAFETY_GRAPH)
    assert out.returncode == 0, out.stderr
    return {"backend": remote.sparql, "backend_graph": SAFETY_GRAPH,
            "backend_named_graphs": [EX + "g1", EX + "g2"], "workers": 1, "access_log": False}


def test_no_connection_for_service_or_remote_from_before_the_backend(safety_backend):
    listener = Listener()
    app = create_app(dict(safety_backend))
    try:
        client = app.test_client()
        for q in ssrf_queries(listener.url):
            r = client.post("/sparql", data={"query": q})
            assert r.status_code == 400, (q, r.data)
        ok = client.get("/sparql", query_string={"query": f"SELECT * FROM <{EX}g1> WHERE {{ ?s ?p ?o }}"})
        assert ok.status_code == 200 and len(ok.get_json()["results"]["bindings"]) == 2
    finally:
        app.extensions["kg"].runner.close()
        listener.close()
    assert listener.connections == 0


def test_updates_are_refused_unless_enabled_and_the_cap_holds(safety_backend):
    app = create_app({**safety_backend, "max_results": 5, "max_body": 2000})
    try:
        c = app.test_client()
        insert = {"update": f"INSERT DATA {{ GRAPH <{SAFETY_GRAPH}> {{ <{EX}new> <{EX}p> 1 }} }}"}
        assert c.post("/sparql", data=insert).status_code == 403
        assert c.post("/sparql", data=insert, headers={"Authorization": "Bearer x"}).status_code == 403
        r = c.get("/sparql", query_string={"query": f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }}"})
        assert len(r.get_json()["results"]["bindings"]) == 5 and r.headers["KG-Results-Truncated"] == "5"
        n = c.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}n> ?o }}"})
        assert n.get_json()["results"]["bindings"][0]["n"]["value"] == str(N_ITEMS)  # ours only
        assert c.post("/sparql", data={"query": "ASK {} #" + "x" * 3000}).status_code == 413
    finally:
        app.extensions["kg"].runner.close()


def test_runaway_query_is_stopped_at_the_deadline_and_the_cache_answers(safety_backend):
    args = ["--backend", safety_backend["backend"], "--graph", SAFETY_GRAPH, "--workers", "2",
            "--query-timeout", "2", "--client-workers", "0"]
    with kg_serve(None, *args) as url:
        t0 = time.monotonic()
        status, body = _get(url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
        took = time.monotonic() - t0
        assert status == 503 and b"2 s limit" in body, body
        assert took < 4.0
        quick = url + "?" + urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}n> ?o }}"})
        assert _get(quick)[0] == 200
        with urllib.request.urlopen(quick, timeout=10) as r:
            assert r.headers.get("KG-Cache") == "hit"
