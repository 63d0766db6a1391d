"""The REST lookups (/api/*), /openapi.json and the /queries blueprint.

The app is the real one (kg.web.app.create_app) over a real on-disk store of the invented
fixture graph, with the real query runner (worker processes); requests go through
Flask's in-process test client. Every JSON answer is validated against the OpenAPI
document the server publishes.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import fixture_graph
import jsonschema
import pytest
from conftest import PROJECT

from kg.web.api import openapi_document

SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def app(make_app, tmp_path_factory):
    path = fixture_graph.write_fixture_store(tmp_path_factory.mktemp("api") / "store")
    return make_app(path, query_timeout=20)


def checked(resp, template: str, status: int = 200) -> dict:
    """The JSON body of `resp`, validated against the OpenAPI response schema of
    GET `template` for `status`."""
    assert resp.status_code == status, resp.data
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    doc = openapi_document()
    schema = doc["paths"][template]["get"]["responses"][str(status)]["content"][
        "application/json"]["schema"]
    jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(body)
    return body


# --- the OpenAPI document ------------------------------------------------------------

def test_openapi_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    served = {r.rule for r in client.application.url_map.iter_rules()
              if r.rule.startswith("/api/")}
    documented = {p.replace("{id}", "<path:fid>") for p in doc["paths"]}
    assert served == documented


# --- /api/features -----------------------------------------------------------------------

def test_features_on_ascend_with_evidence(client):
    body = checked(client.get("/api/features?hardware=Ascend&status=supported"), "/api/features")
    by_id = {f["id"]: f for f in body["features"]}
    # mixed precision is stated on Ascend910 only: found through the hardware hierarchy
    assert set(by_id) == {"mixed-precision", "distributed-training"}
    mp = by_id["mixed-precision"]
    assert mp["hardware"] == ["Ascend910"] and mp["statuses"] == ["supported"]
    assert mp["releases"] == ["r1.1", "r1.2", "r2.0"]
    assert mp["iri"] == "https://w3id.org/mindspore-kg/feature/mixed-precision"
    ev = {(e["source"], e["n"], e["line"]) for e in mp["evidence"]}
    assert ("r1.2/docs/faq/source_zh_cn/feature_notes.md", 1, 6) in ev
    r11 = next(e for e in mp["evidence"] if e["release"] == "r1.1")
    assert r11["upstream"].endswith("/r1.1/docs/faq/source_en/feature_notes.md#L5")
    assert r11["text"] == "Yes on Ascend 910."


def test_features_filters_combine(client):
    body = checked(client.get("/api/features?hardware=ascend&status=supported&release=r1.2&lang=zh"),
                   "/api/features")
    assert body["query"] == {"hardware": "Ascend", "status": "supported", "release": "r1.2",
                             "lang": "zh"}
    labels = {f["id"]: f["label"] for f in body["features"]}
    assert labels == {"mixed-precision": "混合精度", "distributed-training": "分布式训练"}
    mp = next(f for f in body["features"] if f["id"] == "mixed-precision")
    assert {e["release"] for e in mp["evidence"]} == {"r1.2"}
    assert len(mp["evidence"]) == 2       # the en and the zh entry


def test_features_without_filters_lists_every_feature(client):
    body = checked(client.get("/api/features"), "/api/features")
    assert {f["id"] for f in body["features"]} == {
        "mixed-precision", "dynamic-shape", "hot-model-reload", "distributed-training",
        "candidate/kernel-fusion-tuning"}
    assert sum(len(f["evidence"]) for f in body["features"]) == 15
    gpu = checked(client.get("/api/features?hardware=GPU"), "/api/features")
    assert {f["id"] for f in gpu["features"]} == {"mixed-precision", "candidate/kernel-fusion-tuning"}
    planned = checked(client.get("/api/features?status=planned"), "/api/features")
    assert {f["id"] for f in planned["features"]} == {"mixed-precision", "hot-model-reload"}


def test_features_q_matches_labels_in_both_languages_and_alt_labels(client):
    def ids(query):
        body = checked(client.get("/api/features?" + query), "/api/features")
        assert body["total"] == len(body["features"])
        return {f["id"] for f in body["features"]}, body["query"]

    assert ids("q=TRAINING") == ({"distributed-training"}, {"lang": "en", "q": "TRAINING"})
    assert ids("q=amp")[0] == {"mixed-precision"}                 # an alternative label
    assert ids("q=%E7%83%AD%E6%9B%B4%E6%96%B0")[0] == {"hot-model-reload"}   # 热更新, a Chinese label
    assert ids("q=%20ShApE%20&lang=zh")[0] == {"dynamic-shape"}   # trimmed; label shown in Chinese
    assert ids("q=fusion&hardware=GPU")[0] == {"candidate/kernel-fusion-tuning"}
    assert ids("q=fusion&hardware=Ascend310")[0] == set()         # filters combine
    assert ids("q=no-such-label")[0] == set()
    every = ids("")[0]
    assert ids("q=")[0] == ids("q=%20%20")[0] == every            # empty or blank: no filter
    body = checked(client.get("/api/features?limit=1&q=i"), "/api/features")
    assert "q=i" in body["next"] and body["total"] >= 2
    body = checked(client.get("/api/features?q=" + "x" * 201), "/api/features", 400)
    assert "parameter 'q'" in body["message"]


@pytest.mark.parametrize("query, param", [
    ("hardware=TPU", "hardware"), ("status=maybe", "status"), ("release=r9.9", "release"),
    ("lang=fr", "lang"), ("colour=red", "colour"), ("hardware=Ascend&hardware=GPU", "hardware"),
    ("hardware=Ascend%3E%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo", "hardware"),
])
def test_bad_parameters_are_400_naming_them(client, query, param):
    body = checked(client.get("/api/features?" + query), "/api/features", 400)
    assert body["error"] == "bad-input" and f"'{param}'" in body["message"]


# --- /api/features/<id> ------------------------------------------------------------------

def test_feature_with_history(client):
    body = checked(client.get("/api/features/mixed-precision?lang=zh"), "/api/features/{id}")
    assert body["label"] == "混合精度" and body["labels"]["en"] == "mixed precision"
    assert body["altLabels"] == {"en": ["AMP"]} and body["candidate"] is False
    assert [h["release"] for h in body["history"]] == ["r1.1", "r1.2", "r2.0"]
    cpu = [(h["release"], s["status"]) for h in body["history"] for s in h["statements"]
           if s["hardware"] == "CPU"]
    assert cpu == [("r1.1", "unsupported"), ("r1.2", "planned"), ("r2.0", "supported")]
    assert "https://docs.example.org/r2.0/amp.html" in {d["url"] for d in body["docUrls"]}


def test_candidate_feature(client):
    body = checked(client.get("/api/features/candidate/kernel-fusion-tuning"), "/api/features/{id}")
    assert body["candidate"] is True and body["id"] == "candidate/kernel-fusion-tuning"
    assert body["history"][0]["statements"][0]["hardware"] == "GPU"


@pytest.mark.parametrize("fid", ["no-such-feature", "candidate/nothing", "x>y", "ab%20cd"])
def test_unknown_feature_is_404(client, fid):
    body = checked(client.get(f"/api/features/{fid}"), "/api/features/{id}", 404)
    assert body["error"] == "not-found"


# --- /api/hardware, /api/releases, /api/entries ----------------------------------------------

def test_hardware(client):
    body = checked(client.get("/api/hardware?lang=zh"), "/api/hardware")
    hw = {h["id"]: h for h in body["hardware"]}
    assert set(hw) == {"Ascend", "Ascend910", "Ascend310", "GPU", "CPU", "NPU"}
    assert sorted(hw["Ascend"]["narrower"]) == ["Ascend310", "Ascend910"]
    assert hw["Ascend910"]["broader"] == "Ascend" and hw["Ascend910"]["label"] == "昇腾910"
    # statements on Ascend itself plus its narrower hardware
    assert hw["Ascend"]["statements"] == 6 and hw["Ascend910"]["statements"] == 4
    checked(client.get("/api/hardware?lang=xx"), "/api/hardware", 400)


def test_releases_in_order(client):
    body = checked(client.get("/api/releases"), "/api/releases")
    orders = [r["order"] for r in body["releases"]]
    assert orders == sorted(orders) and body["releases"][-1]["id"] == "master"
    r12 = next(r for r in body["releases"] if r["id"] == "r1.2")
    assert (r12["previous"], r12["entries"], r12["statements"]) == ("r1.1", 6, 8)


def test_entries_of_a_file(client):
    body = checked(client.get("/api/entries?source=r1.2/docs/faq/source_en/feature_notes.md"),
                   "/api/entries")
    assert [e["n"] for e in body["entries"]] == [1, 2, 3, 4, 5]
    assert body["entries"][1]["line"] == 12 and body["entries"][1]["status"] == "partial"
    across = checked(client.get("/api/entries?page=docs/faq/source_en/feature_notes.md&release=r2.0"),
                     "/api/entries")
    assert {e["release"] for e in across["entries"]} == {"r2.0"} and across["count"] == 2
    assert "'source'" in checked(client.get("/api/entries"), "/api/entries", 400)["message"]
    checked(client.get("/api/entries?source=r1.2/nothing.md"), "/api/entries", 404)


# --- /queries --------------------------------------------------------------------------------

def test_queries_are_listed(client):
    body = client.get("/queries").get_json()
    names = {q["name"] for q in body["queries"]}
    assert {"features_on_hardware", "support_matrix", "feature_history", "status_changes",
            "unsupported_and_planned", "feature_docs", "page_entries"} <= names
    fh = next(q for q in body["queries"] if q["name"] == "features_on_hardware")
    assert {"name": "hardware", "kind": "hardware", "default": "Ascend", "required": False,
            "help": fh["parameters"][0]["help"]} == fh["parameters"][0]
    src = client.get(fh["source"])
    assert src.status_code == 200
    assert src.data.decode("utf-8") == (PROJECT / "queries" / "features_on_hardware.rq").read_text(encoding="utf-8")


def test_named_query_in_every_result_format(client):
    url = "/queries/features_on_hardware?hardware=Ascend"
    j = client.get(url, headers={"Accept": "application/sparql-results+json"})
    assert j.mimetype == "application/sparql-results+json"
    features = {b["feature"]["value"].rsplit("/", 1)[-1] for b in j.get_json()["results"]["bindings"]}
    assert features == {"mixed-precision", "distributed-training"}
    x = client.get(url, headers={"Accept": "application/sparql-results+xml"})
    assert x.mimetype == "application/sparql-results+xml"
    assert len(ET.fromstring(x.data).findall(f".//{SPARQL_RESULTS}result")) == 2
    c = client.get(url + "&format=csv")
    assert c.mimetype == "text/csv"
    assert len(list(csv.DictReader(io.StringIO(c.data.decode())))) == 2
    t = client.get(url, headers={"Accept": "text/tab-separated-values"})
    assert t.data.decode().splitlines()[0].startswith("?feature\t")
    assert client.get(url, headers={"Accept": "image/png"}).status_code == 406


def test_named_query_parameters_are_bound_not_spliced(client):
    r = client.get("/queries/page_entries", query_string={
        "page": 'docs/faq/source_en/feature_notes.md" } UNION { ?answer ?p ?source } #'})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []
    bad = client.get("/queries/features_on_hardware", query_string={"hardware": "Ascend> } #"})
    assert bad.status_code == 400 and "'hardware'" in bad.get_json()["message"]
    assert client.get("/queries/features_on_hardware?colour=red").status_code == 400
    assert client.get("/queries/feature_history").status_code == 400      # required parameter
    missing = client.get("/queries/no_such_query")
    assert missing.status_code == 404 and "no_such_query" in missing.get_json()["message"]


@pytest.mark.parametrize("url, param, word", [
    ("/queries/release_diff?from=foo&to=bar", "from", "release 'foo'"),
    ("/queries/status_changes?from=r1.2&to=r9.9", "to", "release 'r9.9'"),
    ("/queries/support_matrix?release=https://w3id.org/mindspore-kg/release/r9", "release", "release"),
    ("/queries/features_on_hardware?hardware=TPU", "hardware", "hardware 'TPU'"),
    ("/queries/feature_statements?status=maybe", "status", "status 'maybe'"),
])
def test_named_query_refuses_unknown_vocabulary_values(client, url, param, word):
    r = client.get(url)
    message = r.get_json()["message"]
    assert r.status_code == 400 and f"parameter {param!r}: unknown {word}" in message
    known = "r1.2, r1.3" if "release" in word else "Ascend" if "hardware" in word else "supported"
    assert "(known: " in message and known in message
    # the known values are accepted
    ok = client.get(url.split("?")[0], query_string={
        param: {"release": "r2.0", "from": "r1.2", "to": "r2.0", "hardware": "GPU",
                "status": "planned"}[param]})
    assert ok.status_code == 200


def test_named_query_answer_matches_the_lookup(client):
    """The REST lookup and the named query it rests on agree."""
    q = client.get("/queries/feature_statements?status=planned&format=json").get_json()
    api = client.get("/api/features?status=planned").get_json()
    assert len(q["results"]["bindings"]) == sum(len(f["evidence"]) for f in api["features"]) == 2
    assert json.loads(client.get("/queries/support_matrix?release=r1.2").data)["head"]["vars"][0] \
        == "release"


# --- on real data --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_client(make_app, full_store):
    """The app over the full-corpus store (`full_store`, built once per session)."""
    return make_app(full_store, query_timeout=30).test_client()


def test_real_ascend_lookup_in_chinese(real_client):
    body = checked(real_client.get("/api/features?hardware=Ascend&status=supported&release=r1.2"
                                   "&lang=zh"), "/api/features")
    assert body["count"] > 3
    hw = {h for f in body["features"] for h in f["hardware"]}
    assert hw <= {"Ascend", "Ascend910", "Ascend310"} and hw & {"Ascend910", "Ascend310"}
    for f in body["features"]:
        # a feature listed for its limitations alone states no status of its own
        assert f["statuses"] == (["supported"] if f["evidence"] else [])
        assert f["releases"] == (["r1.2"] if f["evidence"] else []) and (f["evidence"] or f["limitations"])
        for lim in f["limitations"]:
            assert (lim["status"], lim["release"]) == ("supported", "r1.2")
            assert lim["hardware"] in {"Ascend", "Ascend910", "Ascend310"}
        for e in f["evidence"]:
            assert e["source"].startswith("r1.2/docs/") and e["n"] >= 1 and e["line"] >= 1
            assert e["upstream"] is None or e["upstream"].endswith(f"#L{e['line']}")
    assert any(re.search(r"[\u4e00-\u9fff]", f["label"]) for f in body["features"])


def test_real_feature_page_and_entries(real_client):
    first = checked(real_client.get("/api/features?hardware=GPU"), "/api/features")["features"][0]
    detail = checked(real_client.get(f"/api/features/{first['id']}"), "/api/features/{id}")
    assert detail["iri"] == first["iri"] and detail["history"]
    entry = first["evidence"][0]
    entries = checked(real_client.get(f"/api/entries?source={entry['source']}"), "/api/entries")
    assert entry["entry"] in {e["entry"] for e in entries["entries"]}


def test_real_features_q_finds_what_the_features_page_filter_finds(real_client):
    """On the whole corpus, `/api/features?q=` lists the features the /features filter box
    shows for the same text (one definition: a label in either language, preferred or
    alternative, contains it, in any case)."""
    for q in ("parallel", "PARALLEL", "量化", "checkpoint", "自动"):
        body = checked(real_client.get(f"/api/features?q={q}&evidence=none"), "/api/features")
        api = {f["id"] for f in body["features"]}
        page = real_client.get(f"/features?q={q}").get_data(as_text=True)
        shown = set(re.findall(r'<th scope="row"><a href="/features/([^"?]+)', page))
        assert api and api == shown, (q, api ^ shown)
    assert {f["id"] for f in real_client.get("/api/features?q=parallel&evidence=none").get_json()[
        "features"]} >= {"auto-parallel"}
    every = real_client.get("/api/features?evidence=none").get_json()["total"]
    assert checked(real_client.get("/api/features?q=%20&evidence=none"), "/api/features")["total"] == every


# --- the shell ---------------------------------------------------------------------------------

def test_kg_query_runs_a_named_query(app):
    from click.testing import CliRunner

    from kg.cli import main

    store = app.extensions["kg"].store
    r = CliRunner().invoke(main, ["query", "--name", "features_on_hardware", "--param",
                                  "hardware=Ascend910", "--format", "csv", store])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [row["feature"].rsplit("/", 1)[-1] for row in rows] == ["mixed-precision"]
    bad = CliRunner().invoke(main, ["query", "--name", "features_on_hardware", "--param",
                                    "hardware=A>B", store])
    assert bad.exit_code == 2 and "'hardware'" in bad.output
    assert CliRunner().invoke(main, ["query", "--name", "nope", store]).exit_code != 0
    assert CliRunner().invoke(main, ["query", "--param", "a=b", "SELECT * {}", store]).exit_code == 2


def test_features_page_through_with_limit_offset_and_next(client):
    whole = checked(client.get("/api/features"), "/api/features")
    assert whole["total"] == whole["count"] == len(whole["features"]) >= 3
    assert whole["offset"] == 0 and "next" not in whole and "limit" not in whole
    got, url = [], "/api/features?limit=2"
    while url:
        page = checked(client.get(url), "/api/features")
        assert page["total"] == whole["total"] and page["limit"] == 2 and page["count"] <= 2
        got += page["features"]
        url = page.get("next")
    assert got == whole["features"]              # the pages, in order, are the whole answer
    last = checked(client.get(f"/api/features?limit=2&offset={whole['total']}"), "/api/features")
    assert last["count"] == 0 and last["features"] == [] and "next" not in last


def test_features_without_evidence_keep_everything_else(client):
    full = checked(client.get("/api/features?hardware=Ascend"), "/api/features")
    slim = checked(client.get("/api/features?hardware=Ascend&evidence=none"), "/api/features")
    assert [{k: v for k, v in f.items() if k != "evidence"} for f in full["features"]] == slim["features"]
    assert all("evidence" in f for f in full["features"])


@pytest.mark.parametrize("query,message", [
    ("limit=0", "parameter 'limit': 0 is out of range (from 1 to 1000)"),
    ("limit=1001", "parameter 'limit': 1001 is out of range"),
    ("limit=ten", "parameter 'limit': 'ten' is not a whole number"),
    ("offset=-1", "parameter 'offset': -1 is out of range (0 or more)"),
    ("evidence=some", "parameter 'evidence': 'some' is not one of: all, none"),
])
def test_bad_paging_parameters_are_named(client, query, message):
    body = checked(client.get("/api/features?" + query), "/api/features", 400)
    assert message in body["message"]


def test_features_list_limitations_apart_from_their_statuses(app):
    client = app.test_client()
    body = checked(client.get("/api/features?feature=mixed-precision&release=r2.0"), "/api/features")
    f, = body["features"]
    assert f["subject"] == f["iri"] and f["statuses"] == ["supported"]     # the int4 claim does not turn it
    lim, = f["limitations"]
    assert (lim["label"], lim["hardware"], lim["status"], lim["line"]) == \
        ("mixed precision with int4 weights", "GPU", "unsupported", 3)
    # one subject: the feature it belongs to, with only the claims about that subject
    body = checked(client.get("/api/features?subject=subject/mixed-precision-with-int4-weights"), "/api/features")
    f, = body["features"]
    assert f["iri"].endswith("/mixed-precision") and not f["evidence"] and len(f["limitations"]) == 1
    # a status filter applies to limitations too; a subject nothing has matches nothing
    body = checked(client.get("/api/features?feature=mixed-precision&status=unsupported"), "/api/features")
    assert [len(f["limitations"]) for f in body["features"]] == [1]
    assert checked(client.get("/api/features?subject=subject/no-such-thing"), "/api/features")["total"] == 0
