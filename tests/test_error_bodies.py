"""One error body format: every error of /sparql, /queries, /api, /export and the minted IRIs
(400, 404, 405, 406, 413, 415, 503) answers in the format the request's Accept header picks,
the same way on every route (kg.web.responses.error_format): JSON for application/json, */*
or no Accept, an HTML page for text/html, a line of text for text/plain."""
from __future__ import annotations

import json

import pytest
from kgserver import RUNAWAY
from lxml import html as lhtml

CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
MAX_BODY = 4096
# (name, how to trigger it, expected status)
ERRORS = [
    ("sparql-syntax", dict(path="/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }", "format": "json"}), 400),
    ("sparql-406", dict(path="/sparql", query_string={"query": CONSTRUCT, "format": "csv"}), 406),
    ("sparql-405", dict(path="/sparql", method="PUT", query_string={"query": "ASK {}"}), 405),
    ("sparql-415", dict(path="/sparql", method="POST", data=b"ASK {}", content_type="text/plain"), 415),
    ("sparql-413", dict(path="/sparql", method="POST", data=b"ASK {}" + b" " * MAX_BODY,
                        content_type="application/sparql-query"), 413),
    ("sparql-503", dict(path="/sparql", query_string={"query": RUNAWAY, "format": "json"}), 503),
    ("api-400", dict(path="/api/features", query_string={"hardware": "TPU"}), 400),
    ("api-404", dict(path="/api/features/no-such-feature"), 404),
    ("api-405", dict(path="/api/features", method="DELETE"), 405),
    ("queries-404", dict(path="/queries/no_such_query"), 404),
    ("queries-400", dict(path="/queries/features_on_hardware", query_string={"colour": "red"}), 400),
    ("export-404", dict(path="/export/graph.pdf"), 404),
    ("resource-404", dict(path="/feature/no-such-feature-at-all", headers={}), 404),
]
ACCEPTS = {
    "json": "application/json",
    "html": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "any": "*/*",
    "none": None,
    "text": "text/plain",
    "sparql-json": "application/sparql-results+json",
}
EXPECTED = {"json": "application/json", "html": "text/html", "any": "application/json",
            "none": "application/json", "text": "text/plain", "sparql-json": "application/json"}


@pytest.fixture(scope="module")
def app(make_app, two_release_store):
    # a timeout the runaway query meets, long enough for a replaced worker to start on a loaded machine
    return make_app(two_release_store, max_body=MAX_BODY, query_timeout=3.0, cache_mb=0)


def ask(client, how: dict, accept: str | None):
    how = dict(how)
    headers = dict(how.pop("headers", {}))
    if accept is not None:
        headers["Accept"] = accept
    return client.open(how.pop("path"), method=how.pop("method", "GET"), headers=headers, **how)


# every error with every Accept; the runaway query (it costs a worker each time) with three
CASES = [(name, how, status, accept) for name, how, status in ERRORS for accept in ACCEPTS
         if name != "sparql-503" or accept in ("json", "html", "text")]


@pytest.mark.parametrize("name, how, status, accept", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_every_error_body_follows_the_accept_header(client, name, how, status, accept):
    r = ask(client, how, ACCEPTS[accept])
    assert r.status_code == status, (name, r.data[:300])
    assert r.mimetype == EXPECTED[accept], (name, accept, r.mimetype)
    body = r.get_data(as_text=True)
    if r.mimetype == "application/json":
        doc = json.loads(body)
        assert doc["status"] == status and doc["error"] and doc["message"]
    elif r.mimetype == "text/html":
        doc = lhtml.fromstring(body)
        assert str(status) in doc.xpath("//h1")[0].text_content()
        assert doc.xpath("//p[@role='alert']")[0].text_content().strip()
    else:
        assert body.startswith(f"{status} ") and body.count("\n") == 1


def test_the_browser_console_answers_its_own_errors_as_html(client):
    """GET /sparql from a browser is the console: a bad query is the console page with the
    error (HTML, like every other error a browser gets)."""
    r = ask(client, dict(path="/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}), ACCEPTS["html"])
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert lhtml.fromstring(r.data).xpath("//p[@role='alert']")
