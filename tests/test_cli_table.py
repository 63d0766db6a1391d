"""`kg query --format table` is for people: IRIs shown by their labels (a concept's notation,
else its English label) or compacted with the prefix map (kg.query.labels); json and csv keep
the IRIs. On the two-release store of the real corpus, checked against the store itself."""
from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query.labels import compact_iri, store_labels
from kg.store import open_store

SKOS = "http://www.w3.org/2004/02/skos/core#"


def kg_query(*args) -> str:
    result = CliRunner().invoke(main, ["query", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def table_rows(text: str) -> list[list[str]]:
    """The cells of a table (columns split at the runs of spaces of the dashed line)."""
    lines = text.splitlines()
    spans, pos = [], 0
    for dashes in lines[1].split("  "):
        spans.append((pos, pos + len(dashes)))
        pos += len(dashes) + 2
    body = [line for line in lines[2:] if line and not line.startswith("(")]
    return [[line[a:b + 2 if i < len(spans) - 1 else None].strip() for i, (a, b) in enumerate(spans)]
            for line in body]


def test_named_query_table_shows_labels_and_csv_keeps_iris(two_release_store):
    store = two_release_store
    raw = list(csv.DictReader(io.StringIO(kg_query("--name", "features_on_hardware", "--format", "csv", store))))
    table = table_rows(kg_query("--name", "features_on_hardware", store))
    assert raw and len(table) == len(raw)
    assert all(r["feature"].startswith("https://") and r["hardware"].startswith("https://") for r in raw)
    assert not any(cell.startswith(("http://", "https://")) for row in table for cell in row)
    db = open_store(store)
    for r, cells in zip(raw, table):
        feature = ox.NamedNode(r["feature"])
        en = {q.object.value for q in db.quads_for_pattern(feature, ox.NamedNode(SKOS + "prefLabel"), None, None)
              if q.object.language == "en"}
        assert cells[0] in en or (not en and ":" in cells[0]), (r["feature"], cells[0])
        hardware = next(db.quads_for_pattern(ox.NamedNode(r["hardware"]), ox.NamedNode(SKOS + "notation"), None, None))
        assert cells[2] == hardware.object.value == "Ascend"
        assert cells[3] == "supported"
    as_json = kg_query("--name", "features_on_hardware", "--format", "json", store)
    assert '"https://w3id.org/mindspore-kg/feature/' in as_json


def test_iris_without_labels_are_compacted(two_release_store):
    query = ("PREFIX kg: <https://w3id.org/mindspore-kg/ontology#> PREFIX schema: <http://schema.org/> "
             "SELECT ?answer ?release ?type WHERE { ?answer a schema:Answer ; kg:release ?release ; a ?type } LIMIT 3")
    raw = list(csv.DictReader(io.StringIO(kg_query(query, two_release_store, "--format", "csv"))))
    table = table_rows(kg_query(query, two_release_store))
    for r, (answer, release, kind) in zip(raw, table):
        assert answer == "answer:" + r["answer"].rsplit("/", 1)[1]
        assert release == r["release"].rsplit("/", 1)[1] and release in ("r1.1", "r1.2")
        assert kind == compact_iri(r["type"]) and not kind.startswith("http")
    assert {row[2] for row in table} == {"schema:Answer"}


@pytest.mark.parametrize("iri, expected", [
    ("https://w3id.org/mindspore-kg/ontology#Release", "kg:Release"),
    ("https://w3id.org/mindspore-kg/feature/LSTM", "feature:LSTM"),
    ("https://w3id.org/mindspore-kg/feature/", "https://w3id.org/mindspore-kg/feature/"),
    ("http://example.org/x", "http://example.org/x"),
])
def test_compact_iri_uses_the_longest_namespace(iri, expected):
    assert compact_iri(iri) == expected


def test_store_labels_prefer_notation_then_english():
    s = ox.Store()
    a, b, c = (ox.NamedNode(f"http://ex/{n}") for n in "abc")
    s.add(ox.Quad(a, ox.NamedNode(SKOS + "notation"), ox.Literal("r1.2")))
    s.add(ox.Quad(a, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("MindSpore 1.2", language="en")))
    s.add(ox.Quad(b, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("自动并行", language="zh")))
    s.add(ox.Quad(b, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("auto-parallel", language="en")))
    assert store_labels(s, [a.value, b.value, c.value]) == {a.value: "r1.2", b.value: "auto-parallel"}
