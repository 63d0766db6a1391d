"""The small invented graph of tests/data/api_fixture.ttl, in a store, for the named-query
and API tests. The vocabulary (statuses, hardware, releases) comes from
ontology/vocabulary.ttl; its feature concepts are left out so the fixture's own
features (and their labels) are the only ones, whatever the vocabulary grows into."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import config
from kg.store import build_store_atomically, load_file
from kg.terms.iris import mint_iri

FIXTURE = Path(__file__).parent / "data" / "api_fixture.ttl"


def fill_fixture(store: ox.Store, fixture: Path = FIXTURE) -> None:
    """The real vocabulary without its feature concepts, plus an invented fixture graph."""
    load_file(store, config.ONTOLOGY_DIR / "vocabulary.ttl")
    scheme = mint_iri("scheme", "features")
    store.update(f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        DELETE {{ ?f ?p ?o . ?s ?q ?f }}
        WHERE {{ ?f skos:inScheme <{scheme}> . {{ ?f ?p ?o }} UNION {{ ?s ?q ?f }} }}""")
    load_file(store, fixture)


def fixture_store() -> ox.Store:
    store = ox.Store()
    fill_fixture(store)
    return store


def write_fixture_store(path) -> Path:
    return build_store_atomically(path, fill_fixture)

