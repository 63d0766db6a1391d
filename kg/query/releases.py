"""The releases a store holds (kg:Release, in kg:releaseOrder order), and finding one by any of
its names: the one reader of releases from a store, for exports, stats and diffs. (The
shipped vocabulary's releases, before any store exists, are kg.terms.ontology's.)"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.query.catalogue import load_catalogue, term_value

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class Release:
    iri: str
    notation: str
    order: int


def list_releases(store: ox.Store) -> list[Release]:
    """Every release of the store in release order."""
    out = []
    for s in store.query(load_catalogue(QUERIES_DIR).get("releases").text):
        iri = s["release"].value
        notation = s["notation"].value if s["notation"] is not None else iri.rsplit("/", 1)[-1]
        out.append(Release(iri, notation, term_value(s["order"])))
    return out


def find_release(releases: list[Release], wanted: str) -> Release:
    """The release named `wanted` (notation, IRI, local name or order); InputError listing
    the known ones otherwise."""
    for r in releases:
        if wanted in (r.notation, r.iri, r.iri.rsplit("/", 1)[-1], str(r.order)):
            return r
    known = ", ".join(r.notation for r in releases) or "none: the store has no kg:Release"
    raise InputError(f"unknown release {wanted!r} (known: {known})")
