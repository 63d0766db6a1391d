"""Test helpers for the web pages: independent SPARQL on a store (the pages tests use
conftest's `two_release_store`), and what the matrix must show, asked without the app."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox


@lru_cache(maxsize=4)
def _open(store_path: Path) -> ox.Store:
    return ox.Store.read_only(str(store_path))


def select(store_path: Path, query: str) -> list[dict]:
    """Rows of an independent SPARQL query on the store (read-only), values as text."""
    res = _open(store_path).query(query)
    names = [v.value for v in res.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in res]


PREFIXES = """PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def statement_cells(store_path: Path, release: str, lang: str) -> set[tuple[str, str, str]]:
    """{(feature IRI, hardware notation or "", status)} of the release's statements whose
    entry is in `lang`: what the matrix must show, asked without the app's queries."""
    rows = select(store_path, PREFIXES + f"""
        SELECT DISTINCT ?f ?hw ?st WHERE {{
          ?s a kg:SupportStatement ; kg:feature ?f ; kg:status ?sc ; kg:release ?r ;
             prov:wasDerivedFrom ?a .
          ?r skos:notation "{release}" . ?sc skos:notation ?st .
          ?a kg:question ?q . ?q schema:inLanguage "{lang}" .
          OPTIONAL {{ ?s kg:hardware ?h . ?h skos:notation ?hw }}
        }}""")
    return {(r["f"], r["hw"] or "", r["st"]) for r in rows}
