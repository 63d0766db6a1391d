"""The SPARQL 1.1 Service Description of the endpoint (returned by GET /sparql)."""
from __future__ import annotations

import pyoxigraph as ox

from kg import formats as fmts

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCTERMS = "http://purl.org/dc/terms/"
MAX_GRAPHS_LISTED = 1000


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def endpoint_url(public_url: str | None, request_url: str) -> str:
    """The endpoint's address as clients should use it: the configured public base URL
    (setting public_url) plus /sparql, else the URL of the request (whose host part is the
    client's Host header, or X-Forwarded-Host only behind a trusted proxy: trust_proxy)."""
    if public_url:
        return public_url.rstrip("/") + "/sparql"
    return request_url.rstrip("/")


def describe_service(endpoint_url: str, runner, *, update: bool = False) -> fmts.Results:
    """Triples of the description: endpoint, languages, formats, the default dataset."""
    svc = ox.BlankNode("service")
    ds = ox.BlankNode("dataset")
    dg = ox.BlankNode("defaultGraph")
    t = [ox.Triple(svc, RDF_TYPE, _sd("Service")),
         ox.Triple(svc, _sd("endpoint"), ox.NamedNode(endpoint_url)),
         ox.Triple(svc, _sd("supportedLanguage"), _sd("SPARQL11Query")),
         ox.Triple(svc, ox.NamedNode(DCTERMS + "description"),
                   ox.Literal("kg SPARQL 1.1 endpoint: read-only unless updates are enabled; "
                              "no federation (SERVICE), LOAD or remote FROM; "
                              f"queries stop after {runner.timeout:g} s; "
                              f"at most {runner.max_results} results per answer")),
         ox.Triple(svc, _sd("defaultDataset"), ds),
         ox.Triple(ds, RDF_TYPE, _sd("Dataset")),
         ox.Triple(ds, _sd("defaultGraph"), dg),
         ox.Triple(dg, RDF_TYPE, _sd("Graph"))]
    if update:
        t.append(ox.Triple(svc, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    seen = set()
    for f in fmts.query_formats():
        if f.iri.startswith("urn:") or f.iri in seen:
            continue
        seen.add(f.iri)
        t.append(ox.Triple(svc, _sd("resultFormat"), ox.NamedNode(f.iri)))
    for i, g in enumerate(sorted(runner.local_graphs)[:MAX_GRAPHS_LISTED]):
        ng = ox.BlankNode(f"namedGraph{i}")
        t += [ox.Triple(ds, _sd("namedGraph"), ng),
              ox.Triple(ng, RDF_TYPE, _sd("NamedGraph")),
              ox.Triple(ng, _sd("name"), ox.NamedNode(g))]
    order = {}
    for x in t:
        order.setdefault(x.subject, len(order))
    t.sort(key=lambda x: order[x.subject])  # one block per subject in Turtle
    return fmts.Results(triples=t, prefixes={"sd": SD, "dcterms": DCTERMS})
