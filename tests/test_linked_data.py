"""Linked Data (kg.web.resources): the IRIs the graph mints dereference on the server, by
content negotiation, over the API fixture store (tests/data/api_fixture.ttl)."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import fixture_graph
import pytest
from rdflib import Graph, URIRef

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
BASE = "https://w3id.org/mindspore-kg/"


@pytest.fixture(scope="module")
def client(make_app, tmp_path_factory):
    path = fixture_graph.write_fixture_store(tmp_path_factory.mktemp("ld") / "store")
    return make_app(path, query_timeout=20).test_client()


def test_a_browser_is_sent_to_the_page_about_the_resource(client):
    for path, page in (("/feature/mixed-precision", "/features/mixed-precision"),
                       ("/candidate/kernel-fusion-tuning", "/features/candidate/kernel-fusion-tuning"),
                       ("/subject/mixed-precision-with-int4-weights",
                        "/features/subject/mixed-precision-with-int4-weights"),
                       ("/release/r1.2", "/matrix?release=r1.2")):
        resp = client.get(path, headers=HTML)
        assert resp.status_code == 303, path
        assert resp.headers["Location"].startswith(page)
        assert client.get(resp.headers["Location"], headers=HTML).status_code == 200
    # an answer has no page of its own: the console describes it
    resp = client.get("/answer/a12000000001", headers=HTML)
    assert resp.status_code == 303 and urlsplit(resp.headers["Location"]).path.rstrip("/") == "/sparql"
    assert client.get(resp.headers["Location"], headers=HTML).status_code == 200


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_other_clients_get_the_resource_s_triples(client, accept, fmt):
    resp = client.get("/feature/mixed-precision", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == accept
    g = Graph().parse(data=resp.get_data(as_text=True), format=fmt)
    me = URIRef(BASE + "feature/mixed-precision")
    assert len(g) > 2 and set(g.subjects()) == {me}
    assert 'rel="alternate"' in resp.headers["Link"]
    # without Accept: Turtle
    assert client.get("/feature/mixed-precision").mimetype == "text/turtle"


def test_what_the_graph_does_not_hold_is_404(client):
    for path in ("/feature/no-such-feature", "/statement/000000000000", "/hardware/TPU"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
        assert client.get(path, headers=HTML).status_code == 404


def test_the_console_links_minted_iris_to_the_server(client):
    q = "SELECT ?f WHERE { ?s <https://w3id.org/mindspore-kg/ontology#feature> ?f } ORDER BY ?f LIMIT 3"
    page = client.get("/sparql?query=" + quote(q), headers=HTML).get_data(as_text=True)
    links = [h for h in page.split('href="')[1:] if h.startswith(("/feature/", "/candidate/"))]
    assert links
    for href in links:
        href = href.split('"', 1)[0]
        assert client.get(href, headers={"Accept": "text/turtle"}).status_code == 200
