"""The project's own Turtle (ontology/kg.ttl, ontology/vocabulary.ttl) as quads for the store.

The files are written with the default base https://w3id.org/mindspore-kg/; a deployment
with another base (KG_BASE_IRI) gets every instance IRI rewritten on load. The ontology
namespace (…/ontology#) is the schema and stays as it is.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import config
from kg.errors import InputError
from kg.terms.iris import rebase_iri
from kg.terms.namespaces import KG
from kg.terms.prefixes import PREFIXES

DEFAULT_BASE = config.SETTINGS["base_iri"].default
ONTOLOGY_FILES = ("kg.ttl", "vocabulary.ttl")


def ontology_paths() -> list[Path]:
    return [config.ONTOLOGY_DIR / name for name in ONTOLOGY_FILES]


def _rebase(term, base: str):
    """An IRI of the shipped Turtle under `base` (kg.terms.iris.rebase_iri); other terms as they are."""
    return ox.NamedNode(rebase_iri(term.value, base)) if isinstance(term, ox.NamedNode) else term


def read_turtle(path: Path, base: str | None = None) -> list[ox.Quad]:
    """Quads (default graph) of one Turtle file of ours, rebased to `base`."""
    base = base or config.base_iri()
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise InputError(f"invalid Turtle: {e}", path=str(path)) from e
    except OSError as e:
        raise InputError(f"cannot read: {e}", path=str(path)) from e
    if base == DEFAULT_BASE:
        return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return [ox.Quad(_rebase(t.subject, base), t.predicate, _rebase(t.object, base))
            for t in triples]


def ontology_quads(base: str | None = None) -> list[ox.Quad]:
    """The ontology and the vocabulary, ready to load beside the data."""
    out: list[ox.Quad] = []
    for path in ontology_paths():
        out.extend(read_turtle(path, base))
    return out


# kinds whose values form a closed list in ontology/vocabulary.ttl: kind -> class
CLOSED_KINDS = {"release": "Release", "hardware": "Hardware", "status": "SupportStatus"}


@lru_cache(maxsize=16)
def _ranked_concepts(kind: str, base: str) -> list[tuple[str, str, int]]:
    """(IRI, notation, kg:releaseOrder or 0) of the vocabulary's concepts of a closed kind under
    `base`, by order then notation: the one reading of the vocabulary's release order."""
    quads = read_turtle(config.ONTOLOGY_DIR / "vocabulary.ttl", base)
    cls = PREFIXES["kg"] + CLOSED_KINDS[kind]
    members = {q.subject for q in quads if q.predicate.value == PREFIXES["rdf"] + "type" and q.object.value == cls}
    notations = {q.subject: q.object.value for q in quads
                 if q.subject in members and q.predicate.value == PREFIXES["skos"] + "notation"}
    order = {q.subject: int(q.object.value) for q in quads
             if q.subject in members and q.predicate.value == str(KG.releaseOrder)}
    ranked = sorted(notations, key=lambda c: (order.get(c, 0), notations[c]))
    return [(c.value, notations[c], order.get(c, 0)) for c in ranked]


def release_orders() -> dict[str, int]:
    """Release notation ("r1.2") -> kg:releaseOrder, from the vocabulary, in release order."""
    return {notation: rank for _, notation, rank in _ranked_concepts("release", DEFAULT_BASE)}


def known_concepts(kind: str) -> dict[str, str]:
    """{IRI: notation} of the vocabulary's concepts of a closed kind (releases in order)."""
    return {iri: notation for iri, notation, _ in _ranked_concepts(kind, config.base_iri())}
