"""Real SPARQL clients against a real `kg serve`: SPARQLWrapper and rdflib's SPARQLStore."""
from __future__ import annotations

import pytest
import rdflib
from kgserver import EX, N_ITEMS, fixture_store, kg_serve
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

SELECT = f"PREFIX ex: <{EX}> SELECT ?s ?n WHERE {{ ?s ex:n ?n }} ORDER BY ?n"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with kg_serve(fixture_store(tmp_path_factory.mktemp("clients"))) as url:
        yield url


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json_and_xml(endpoint, method):
    sw = SPARQLWrapper(endpoint)
    sw.setMethod(method)
    sw.setQuery(SELECT)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert [int(r["n"]["value"]) for r in rows] == list(range(N_ITEMS))
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == N_ITEMS


def test_sparqlwrapper_ask_csv_and_construct(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(f"ASK {{ <{EX}item3> ?p ?o }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(SELECT)
    sw.setReturnFormat(CSV)
    lines = sw.query().convert().decode().splitlines()
    assert lines[0] == "s,n" and len(lines) == N_ITEMS + 1
    sw.setQuery(f"CONSTRUCT {{ ?s <{EX}n> ?n }} WHERE {{ ?s <{EX}n> ?n }}")
    sw.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) == N_ITEMS


@pytest.mark.parametrize("fmt, mime", [("json", "application/sparql-results+json"),
                                       ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                       ("tsv", "text/tab-separated-values"), ("rdf+xml", "application/rdf+xml"),
                                       ("turtle", "text/turtle"), ("n3", "text/n3"),
                                       ("json-ld", "application/ld+json")])
def test_sparqlwrapper_gets_every_format_it_asks_for(endpoint, fmt, mime):
    """Each return format of SPARQLWrapper 2 (its repeated format/output/results parameters and
    MIME lists included) is answered in that format."""
    sw = SPARQLWrapper(endpoint)
    graph = fmt in ("rdf+xml", "turtle", "n3", "json-ld")
    sw.setQuery(f"CONSTRUCT {{ ?s <{EX}n> ?n }} WHERE {{ ?s <{EX}n> ?n }}" if graph else SELECT)
    sw.setReturnFormat(fmt)
    response = sw.query().response
    assert response.status == 200 and response.headers["Content-Type"].split(";")[0] == mime
    body = response.read()
    if graph:
        assert len(rdflib.Graph().parse(data=body, format={"rdf+xml": "xml"}.get(fmt, fmt))) == N_ITEMS


def test_sparqlwrapper_sees_the_error_message(endpoint):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line 1, column 25"):
        sw.query()


def test_rdflib_sparqlstore_select_ask(endpoint):
    g = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(g.query(SELECT))
    assert [r.n.toPython() for r in rows] == list(range(N_ITEMS))
    assert rows[0].s == rdflib.URIRef(EX + "item0")
    assert g.query(f"ASK {{ <{EX}item1> ?p ?o }}").askAnswer is True
    # the store's own triple API goes through SELECT too
    assert (rdflib.URIRef(EX + "item2"), rdflib.URIRef(EX + "n"), rdflib.Literal(2)) in g


def test_rdflib_sparqlstore_default_xml_and_named_graphs(endpoint):
    store = SPARQLStore(endpoint)  # rdflib's default: SPARQL XML results
    ds = rdflib.Graph(store=store)  # (a Dataset would send default-graph-uri=urn:x-rdflib:default)
    names = {str(c.identifier) if hasattr(c, "identifier") else str(c) for c in store.contexts()}
    assert {EX + "g1", EX + "g2"} <= names
    rows = list(ds.query(f"SELECT ?o WHERE {{ GRAPH <{EX}g2> {{ ?s ?p ?o }} }}"))
    assert [str(r.o) for r in rows] == ["in g2"]
    # CONSTRUCT: rdflib's XML mode accepts RDF/XML (its JSON mode only asks for SPARQL JSON: 406)
    built = ds.query(f"CONSTRUCT {{ ?s <{EX}n> ?n }} WHERE {{ ?s <{EX}n> ?n }}").graph
    assert len(built) == N_ITEMS
