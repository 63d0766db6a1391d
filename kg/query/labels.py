"""What a person reads for an IRI in a table (`kg query --format table`, text/plain answers):
a vocabulary concept's notation (r1.2, Ascend910, supported: what `--param` takes), else its
English label (skos:prefLabel, rdfs:label, schema:name; any language when it has no English
one), else the IRI compacted with the prefix map (answer:1f2547c76f8d, kg:Release), else the
IRI itself. Machine formats (JSON, XML, CSV, TSV) keep the IRIs.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox

from kg.terms.iris import prefix_map
from kg.terms.prefixes import PREFIXES

# the predicates a label is read from, best first
LABEL_PREDICATES = tuple(ox.NamedNode(PREFIXES[p] + local) for p, local in (
    ("skos", "notation"), ("skos", "prefLabel"), ("rdfs", "label"), ("schema", "name")))


def store_labels(store: ox.Store, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """{IRI: label} for the IRIs of `iris` that have one in `store` (see the module doc)."""
    out: dict[str, str] = {}
    for iri in dict.fromkeys(iris):
        node = ox.NamedNode(iri)
        label = choose_label({p.value: [q.object for q in store.quads_for_pattern(node, p, None, None)]
                              for p in LABEL_PREDICATES}, lang)
        if label is not None:
            out[iri] = label
    return out


def choose_label(values: dict[str, list], lang: str = "en") -> str | None:
    """The label of one IRI from its values {predicate IRI: [terms]}: the best predicate
    with a literal, then its `lang` value, else one without a language, else any (the least)."""
    for predicate in LABEL_PREDICATES:
        literals = [v for v in values.get(predicate.value, ()) if isinstance(v, ox.Literal)]
        if literals:
            asked = [v for v in literals if v.language == lang]
            plain = [v for v in literals if not v.language]
            return min(v.value for v in (asked or plain or literals))
    return None


def compact_iri(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """`iri` as prefix:local with the longest namespace of `prefixes` (default: the prefix map
    of every RDF writer) that leaves a non-empty local name; the IRI itself otherwise."""
    best: tuple[str, str] | None = None
    for prefix, ns in (prefixes if prefixes is not None else _prefixes()).items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    return prefix_map()
