"""SHACL validation of the graph with pySHACL against ontology/shapes.ttl.

The shapes target classes the build states explicitly, so the data graph is validated
as it is: no RDFS/OWL inference, and the ontology is not mixed in (the vocabulary
concepts that sh:class checks need are loaded beside the data anyway).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import SH, BNode, Graph, Literal, URIRef

from kg import config
from kg.errors import CheckFailed, InputError
from kg.store import open_store, rdf_format_for

SHAPES = config.ONTOLOGY_DIR / "shapes.ttl"
MAX_SHOWN = 20
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Report:
    conforms: bool
    triples: int
    violations: list[str] = field(default_factory=list)   # one line per result (focus, path, message)

    def summary(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples valid against {SHAPES.name}"
        shown = "\n".join(self.violations[:MAX_SHOWN])
        more = len(self.violations) - MAX_SHOWN
        return (f"{len(self.violations)} SHACL violation(s) in {self.triples} triples:\n{shown}"
                + (f"\n... and {more} more" if more > 0 else ""))


@lru_cache(maxsize=1)
def shapes_graph():
    return Graph().parse(SHAPES, format="turtle")


def to_rdflib(quads: Iterable):
    """An rdflib Graph holding the (default-graph) quads or triples of pyoxigraph."""
    cache: dict = {}

    def term(t):
        r = cache.get(t)
        if r is None:
            if isinstance(t, ox.NamedNode):
                r = URIRef(t.value)
            elif isinstance(t, ox.BlankNode):
                r = BNode(t.value)
            elif t.language:
                r = Literal(t.value, lang=t.language)
            elif t.datatype.value == XSD_STRING:
                r = Literal(t.value)
            else:
                r = Literal(t.value, datatype=URIRef(t.datatype.value))
            cache[t] = r
        return r

    g = Graph()
    add = g.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)))
    return g


def validate_graph(data) -> Report:
    """Validate an rdflib Graph; never raises on violations (see `check_graph`)."""
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes_graph(), inference="none",
                                    abort_on_first=False, allow_infos=True, allow_warnings=True,
                                    advanced=False, js=False)
    violations = []
    if not conforms:
        for r in results.subjects(SH.focusNode, None):
            focus = results.value(r, SH.focusNode)
            path = results.value(r, SH.resultPath)
            msg = results.value(r, SH.resultMessage)
            value = results.value(r, SH.value)
            violations.append(f"{focus} {path or ''}: {msg}" + (f" (value {value})" if value is not None else ""))
        violations.sort()
    return Report(conforms=bool(conforms), triples=len(data), violations=violations)


def check_graph(data) -> Report:
    """Validate and raise CheckFailed (exit code 1) on a violation."""
    report = validate_graph(data)
    if not report.conforms:
        raise CheckFailed(report.summary())
    return report


def load_target(path: str | os.PathLike):
    """An rdflib Graph from a store directory or an RDF file (format from the extension)."""
    p = Path(path)
    if p.is_dir():
        store = open_store(p)
        return to_rdflib(store.quads_for_pattern(None, None, None, None))
    if not p.is_file():
        raise InputError("no such store or file", path=str(p))
    fmt = rdf_format_for(p)
    try:
        return to_rdflib(ox.parse(path=str(p), format=fmt, base_iri=p.resolve().as_uri()))
    except SyntaxError as e:
        raise InputError(f"invalid {fmt.name}: {e}", path=str(p)) from e


def validate_path(path: str | os.PathLike) -> Report:
    """`kg validate STORE|FILE`: raise CheckFailed on a violation, else the report."""
    return check_graph(load_target(path))
