"""`SELECT *` answers list their columns in the order the query first names the variables
(kg.query.variables), on a fresh run and from the answer cache, in every result format;
Oxigraph itself returns them sorted by name, which is what this guards against."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.query.variables import reorder_rows, star_order

KG = "PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
# ?zz first, ?a last: the reverse of the name order Oxigraph answers in
STAR = KG + """SELECT * WHERE {
  ?zz a kg:Release ; skos:notation ?notation ; kg:releaseOrder ?order .
  BIND(STR(?order) AS ?a)
} ORDER BY ?order LIMIT 3"""


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { ?zz ?p ?a . OPTIONAL { ?zz ?p ?m } BIND(1 AS ?b) }", ["zz", "p", "a", "m", "b"]),
    ("select distinct * { ?y ?x ?w }", ["y", "x", "w"]),
    # a subquery's projection, then the outer pattern; ?p is not in scope outside it
    ("SELECT * { { SELECT ?q ?zz WHERE { ?zz ?p ?q } } ?zz ?pp ?a }", ["q", "zz", "pp", "a"]),
    # comments and strings naming variables do not count
    ('SELECT * { # ?a first?\n ?c ?b "?a" . ?c ?b ?a }', ["c", "b", "a"]),
    # a trailing VALUES block is in scope, and last
    ("SELECT * { ?s ?p ?o } VALUES ?z { 1 }", ["s", "p", "o", "z"]),
    # a query that names its columns keeps them as named
    ("SELECT ?p ?zz ?a ?b ?m { ?zz ?p ?a . OPTIONAL { ?zz ?p ?m } BIND(1 AS ?b) }", None),
])
def test_star_order_is_the_order_of_first_appearance(text, expected):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o")))
    engine_order = [v.value for v in store.query(text).variables]
    if expected is None:
        assert star_order(text, engine_order) == engine_order
        return
    assert sorted(engine_order) == engine_order != expected  # what Oxigraph gives (sorted)
    assert star_order(text, engine_order) == expected


def test_reorder_rows_moves_cells_with_their_columns():
    assert reorder_rows(["a", "b", "c"], ["c", "a", "b"], [[1, 2, 3], [4, None, 6]]) == [[3, 1, 2], [6, 4, None]]


@pytest.fixture(scope="module")
def app(make_app, two_release_store):
    return make_app(two_release_store, cache_mb=8)


def test_select_star_columns_keep_the_query_order_fresh_and_cached(client):
    answers = []
    for expected_cache in ("miss", "hit"):
        r = client.get("/sparql", query_string={"query": STAR}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.headers["KG-Cache"] == expected_cache
        answers.append(json.loads(r.data))
    for doc in answers:
        assert doc["head"]["vars"] == ["zz", "notation", "order", "a"]
        first = doc["results"]["bindings"][0]
        assert first["a"]["value"] == first["order"]["value"] == "1"
    r = client.get("/sparql", query_string={"query": STAR, "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.data.decode())))
    assert rows[0] == ["zz", "notation", "order", "a"]
    assert rows[1][0].endswith("/release/" + rows[1][1]) and rows[1][2] == rows[1][3]
    r = client.get("/sparql", query_string={"query": STAR, "format": "tsv"})
    assert r.data.decode().splitlines()[0] == "?zz\t?notation\t?order\t?a"


def test_select_star_columns_keep_the_query_order_in_kg_query(two_release_store):
    from kg.query.runner import run_query
    answer = run_query(two_release_store, STAR, format="csv")
    assert answer.body.decode().splitlines()[0] == "zz,notation,order,a"
