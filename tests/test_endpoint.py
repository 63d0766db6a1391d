"""The /sparql blueprint in-process (Flask test client) over a real store and real
query workers: protocol forms, content negotiation, errors, CORS, service description."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from kgserver import EX, N_ITEMS, fixture_store

from kg import formats as fmts
from kg.errors import InputError, NotAcceptable

SELECT = f"PREFIX ex: <{EX}> SELECT ?s ?n WHERE {{ ?s ex:n ?n }} ORDER BY ?n"
CONSTRUCT = f"PREFIX ex: <{EX}> CONSTRUCT {{ ?s ex:n ?n }} WHERE {{ ?s ex:n ?n }}"
FORM = "application/x-www-form-urlencoded"
SRJ = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("endpoint"))


@pytest.fixture(scope="module")
def app(make_app, store):
    return make_app(store, query_timeout=10, max_results=1000)


def rows(resp):
    return json.loads(resp.data)["results"]["bindings"]


def test_three_ways_to_send_a_query_agree(client):
    by_get = client.get("/sparql", query_string={"query": SELECT})
    by_form = client.post("/sparql", data={"query": SELECT}, content_type=FORM)
    by_body = client.post("/sparql", data=SELECT.encode(), content_type="application/sparql-query")
    for r in (by_get, by_form, by_body):
        assert r.status_code == 200 and r.mimetype == SRJ
    assert rows(by_get) == rows(by_form) == rows(by_body)
    assert [int(b["n"]["value"]) for b in rows(by_get)] == list(range(N_ITEMS))
    assert rows(by_get)[3]["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_dataset_parameters_choose_the_graphs(client):
    q = f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}"
    everything = client.get("/sparql", query_string={"query": q})
    assert rows(everything) == []  # the default graph has no ex:a
    only_g1 = client.get("/sparql", query_string={"query": q, "default-graph-uri": EX + "g1"})
    assert [b["o"]["value"] for b in rows(only_g1)] == [EX + "b"]
    both = client.get("/sparql", query_string=[("query", q), ("default-graph-uri", EX + "g1"),
                                               ("default-graph-uri", EX + "g2")])
    assert sorted(b["o"]["value"] for b in rows(both)) == [EX + "b", "in g2"]
    named = client.get("/sparql", query_string={
        "query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": EX + "g2"})
    assert {b["g"]["value"] for b in rows(named)} == {EX + "g2"}


@pytest.mark.parametrize("param, value", [("default-graph-uri", "not an iri"),
                                          ("named-graph-uri", "<x>")])
def test_a_malformed_dataset_iri_is_a_bad_request(client, param, value):
    r = client.get("/sparql", query_string={"query": SELECT, param: value})
    assert r.status_code == 400, r.data
    assert f"{param} {value!r} is not an IRI" in r.data.decode("utf-8")


@pytest.mark.parametrize("fmt", fmts.formats_for("results"), ids=lambda f: f.name)
def test_every_result_format_by_accept_and_by_override(client, fmt):
    by_accept = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": fmt.mime})
    by_param = client.get("/sparql", query_string={"query": SELECT, "format": fmt.name})
    assert by_accept.status_code == by_param.status_code == 200
    assert by_accept.mimetype == by_param.mimetype == fmt.mime
    assert by_accept.data == by_param.data
    text = by_accept.data.decode("utf-8")
    if fmt.name == "json":
        assert len(json.loads(text)["results"]["bindings"]) == N_ITEMS
    elif fmt.name == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(by_accept.data).findall(f"{ns}results/{ns}result")) == N_ITEMS
    elif fmt.name == "csv":
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == ["s", "n"] and table[1] == [EX + "item0", "0"] and len(table) == N_ITEMS + 1
    elif fmt.name == "tsv":
        lines = text.splitlines()
        assert lines[0] == "?s\t?n" and lines[1].startswith(f"<{EX}item0>\t")
    else:
        assert f"({N_ITEMS} rows)" in text


@pytest.mark.parametrize("fmt", fmts.formats_for("graph"), ids=lambda f: f.name)
def test_every_rdf_format_parses_back_to_the_same_graph(client, fmt):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": fmt.mime})
    assert r.status_code == 200 and r.mimetype == fmt.mime
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld", "n3": "n3"}[fmt.name]
    g = rdflib.Graph().parse(data=r.data.decode("utf-8"), format=rdflib_format)
    assert len(g) == N_ITEMS
    assert (rdflib.URIRef(EX + "item7"), rdflib.URIRef(EX + "n"), rdflib.Literal(7)) in g


@pytest.mark.parametrize("accept, kind, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml", "results", "xml"),
    ("application/sparql-results+json;q=0.2, text/*;q=0.4", "results", "csv"),
    ("text/turtle;q=0.1, application/rdf+xml;q=0.9, */*;q=0.05", "graph", "rdfxml"),
    # one combined header for both kinds of query, as Yasgui and SPARQLWrapper send
    ("application/sparql-results+json, application/n-triples;q=0.9, */*;q=0.1", "results", "json"),
    ("application/sparql-results+json, application/n-triples;q=0.9, */*;q=0.1", "graph", "ntriples"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "results", "xml"),
    ("*/*", "graph", "turtle"),
    ("", "results", "json"),
    ("text/csv;q=0, */*;q=0.3", "results", "json"),
])
def test_negotiation_honours_q_values_wildcards_and_combined_headers(accept, kind, expected):
    assert fmts.negotiate(kind, accept).name == expected


def test_nothing_acceptable_is_406_and_bad_override_is_400(client):
    r = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "image/png" in r.data.decode()
    with pytest.raises(NotAcceptable):
        fmts.negotiate("graph", "text/csv")
    r = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406
    r = client.get("/sparql", query_string={"query": SELECT, "format": "yaml"})
    assert r.status_code == 400 and "yaml" in r.data.decode()
    with pytest.raises(InputError):
        fmts.get_format("results", "yaml")


def test_syntax_error_is_400_with_the_parser_position(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and r.mimetype == "application/json"  # no Accept: JSON (tests/test_error_bodies.py)
    assert "line 1, column 25" in json.loads(r.data)["message"]
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": "text/plain"})
    assert r.status_code == 400 and r.mimetype == "text/plain" and "line 1, column 25" in r.data.decode()
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p"},
                   headers={"Accept": SRJ})
    body = json.loads(r.data)
    assert r.status_code == 400 and body["error"] == "bad-query" and "line 2" in body["message"]


@pytest.mark.parametrize("kwargs, status, words", [
    ({"method": "PUT", "query_string": {"query": "ASK {}"}}, 405, "method"),
    ({"method": "POST", "data": b"ASK {}", "content_type": "text/plain"}, 415, "Content-Type"),
    ({"method": "POST", "data": b"query=ASK+%7B%7D"}, 415, "none"),
    ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "2 `query`"),
    ({"method": "POST", "data": "ASK {}".encode("utf-16"),
      "content_type": "application/sparql-query; charset=UTF-16"}, 400, "UTF-8"),
    ({"method": "POST", "data": b"ASK {\xff}", "content_type": "application/sparql-query"}, 400, "UTF-8"),
    ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 400, "POST"),
    ({"method": "POST", "data": {"update": "CLEAR ALL"}, "content_type": FORM}, 403, "read-only"),
    ({"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"}, 403, "read-only"),
    ({"method": "GET", "query_string": {"query": "  "}}, 400, "empty"),
])
def test_protocol_violations_get_a_clear_4xx(client, kwargs, status, words):
    method = kwargs.pop("method")
    r = client.open("/sparql", method=method, **kwargs)
    assert r.status_code == status
    assert words in r.data.decode()


def test_service_description_is_negotiated_rdf_naming_the_endpoint(client):
    r = client.get("/sparql", headers={"Accept": "application/rdf+xml;q=0.5, text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data.decode(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert set(g.objects(None, sd.endpoint)) == {rdflib.URIRef("http://localhost/sparql")}
    assert {str(n) for n in g.objects(None, sd.name)} == {EX + "g1", EX + "g2"}
    formats = set(g.objects(None, sd.resultFormat))
    # every format IRI is one the W3C defines (https://www.w3.org/ns/formats/), JSON-LD's included
    W3C = "http://www.w3.org/ns/formats/"
    assert {rdflib.URIRef(W3C + n) for n in ("SPARQL_Results_CSV", "JSON-LD", "Turtle")} <= formats
    assert all(str(f).startswith(W3C) or str(f).startswith("urn:kg:") for f in formats)
    r = client.get("/sparql", query_string={"format": "jsonld"})
    assert r.mimetype == "application/ld+json" and len(rdflib.Graph().parse(data=r.data, format="json-ld"))


def test_cors_on_answers_errors_and_preflight(client):
    r = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://yasgui.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.get("/sparql", query_string={"query": "ASK {"}, headers={"Origin": "https://yasgui.org"})
    assert r.status_code == 400 and r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://yasgui.org",
                                           "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type, accept"})
    assert r.status_code < 300
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "content-type, accept"


def test_ask_and_relative_iris_resolve_against_the_endpoint(client):
    r = client.post("/sparql", data="ASK { FILTER(<x> = <http://localhost/x>) }",
                    content_type="application/sparql-query")
    assert json.loads(r.data) == {"head": {}, "boolean": True}
    r = client.get("/sparql", query_string={"query": "ASK { FILTER(false) }", "format": "xml"})
    assert b"<boolean>false</boolean>" in r.data


def test_terms_are_encoded_exactly(client):
    q = f"SELECT ?l ?note WHERE {{ <{EX}item0> <http://www.w3.org/2000/01/rdf-schema#label> ?l . " \
        f"OPTIONAL {{ <{EX}item0> <{EX}note> ?note }} FILTER(lang(?l) = 'zh') }}"
    (b,) = rows(client.get("/sparql", query_string={"query": q}))
    assert b["l"] == {"type": "literal", "value": "条目 0", "xml:lang": "zh"}
    assert b["note"] == {"type": "literal", "value": 'tab\there, "quoted", comma'}
    text = client.get("/sparql", query_string={"query": q, "format": "csv"}).data.decode()
    assert list(csv.reader(io.StringIO(text)))[1] == ["条目 0", 'tab\there, "quoted", comma']
    tsv = client.get("/sparql", query_string={"query": q, "format": "tsv"}).data.decode()
    assert tsv.splitlines()[1] == '"条目 0"@zh\t"tab\\there, \\"quoted\\", comma"'


def test_head_gets_the_headers_of_the_get_answer(client):
    # QA: HEAD /sparql?query=... was taken for a POST without Content-Type (415)
    get = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"})
    head = client.head("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"})
    assert get.status_code == head.status_code == 200
    assert head.mimetype == get.mimetype == "text/csv" and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert client.head("/sparql").status_code == 200  # the service description


def test_a_repeated_format_naming_one_format_is_one_format(client):
    """SPARQLWrapper sends format=tsv&format=text/tab-separated-values (and format=rdf+xml&format=)."""
    select = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    r = client.get("/sparql", query_string=[("query", select), ("format", "tsv"),
                                            ("format", "text/tab-separated-values")])
    assert r.status_code == 200 and r.mimetype == "text/tab-separated-values"
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    r = client.get("/sparql", query_string=[("query", construct), ("format", "rdf+xml"), ("format", "")])
    assert r.status_code == 200 and r.mimetype == "application/rdf+xml"
    # its JSON-LD: a name we do not know and a list of MIME types, the first known part wins
    r = client.get("/sparql", query_string=[("query", construct), ("format", "json-ld"),
                                            ("format", "application/ld+json,application/x-json+ld")])
    assert r.status_code == 200 and r.mimetype == "application/ld+json"
    # two that name different formats are still refused, naming the parameter
    r = client.get("/sparql", query_string=[("query", select), ("format", "json"), ("format", "csv")])
    assert r.status_code == 400 and b"format" in r.data


def test_n3_is_served_for_graph_answers(client):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
    for kw in ({"query_string": {"query": construct, "format": "n3"}},
               {"query_string": {"query": construct}, "headers": {"Accept": "text/n3"}}):
        r = client.get("/sparql", **kw)
        assert r.status_code == 200 and r.mimetype == "text/n3"
        assert len(rdflib.Graph().parse(data=r.data.decode(), format="n3")) == 2
