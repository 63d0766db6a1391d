"""The namespaces our Turtle files and RDF writers use, by prefix: the one table. The prefix
map every writer binds adds one prefix per IRI kind to it (kg.terms.iris.prefix_map)."""
from __future__ import annotations

KG_NS = "https://w3id.org/mindspore-kg/ontology#"

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "kg": KG_NS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
