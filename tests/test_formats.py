"""The one format registry (kg.formats): its rows are consistent, and every user reads them
from it, so the query side (/sparql, /queries, kg query), the export side (kg export -f,
/export/graph.<ext>), the service description and the README cannot disagree."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import click
import fixture_graph
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import PROJECT

from kg import formats
from kg.cli import main
from kg.export import writers as export
from kg.query.serializers import RESULT_WRITERS, serialize
from kg.store import build_store_atomically, rdf_format

EXPORT_FIXTURE = Path(__file__).parent / "data" / "export_fixture.ttl"
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def app(make_app, tmp_path_factory):
    store = build_store_atomically(tmp_path_factory.mktemp("formats") / "store",
                                   lambda s: fixture_graph.fill_fixture(s, EXPORT_FIXTURE))
    return make_app(store)


# --- the rows ------------------------------------------------------------------

def test_names_and_export_extensions_are_unique():
    assert not [k for k, n in Counter((f.kind, f.name) for f in formats.FORMATS).items() if n > 1]
    exported = [f.extension for f in formats.FORMATS if f.export]
    assert len(exported) == len(set(exported)) == len(formats.EXPORT_FORMATS)
    suffixes = [s for f in formats.FORMATS if f.export for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes)) and not set(suffixes) & set(exported)
    assert {f.kind for f in formats.FORMATS} == {"results", "graph", "network"}


@pytest.mark.parametrize("fmt", formats.query_formats(), ids=lambda f: f"{f.kind}-{f.name}")
def test_every_name_alias_and_mime_of_a_query_format_finds_that_format(fmt):
    for key in (fmt.name, *fmt.aliases, *fmt.mimes, fmt.name.upper()):
        assert formats.get_format(fmt.kind, key) is fmt, key
    assert formats.negotiate(fmt.kind, fmt.mime) is fmt


def test_rdf_rows_agree_with_pyoxigraph():
    for f in formats.FORMATS:
        if f.kind != "graph":
            assert not f.syntax and not f.comment
            continue
        rdf = rdf_format(f)
        assert rdf.media_type == f.mime and rdf.file_extension == f.extension, f.name
        # pyoxigraph names JSON-LD https://www.w3.org/ns/formats/data/JSON-LD; the W3C registry
        # (https://www.w3.org/ns/formats/) says http://www.w3.org/ns/formats/JSON-LD, which we use
        assert rdf.iri == f.iri or (f.name, f.iri) == ("jsonld", "http://www.w3.org/ns/formats/JSON-LD"), f.name
    results = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    for name, qrf in results.items():
        f = formats.BY_NAME[("results", name)]
        assert (f.iri, f.mime) == (qrf.iri, qrf.media_type.split(";")[0])


def test_every_format_has_a_writer():
    for f in formats.FORMATS:
        if f.kind == "results":
            assert f.query and not f.export and f.writer in RESULT_WRITERS, f.name
        elif f.kind == "network":
            assert f.export and not f.query, f.name
            assert f.name in export.GRAPH_WRITERS or f.name == "csv", f.name
    res = formats.Results(variables=["x"], rows=[[ox.Literal("a")]])
    for f in formats.formats_for("results"):
        assert serialize(f, res), f.name
    with pytest.raises(TypeError, match="export format"):
        serialize(formats.EXPORT_FORMATS["gexf"], res)


# --- every user reads the registry ---------------------------------------------------

def test_the_export_table_is_the_registry():
    assert export.FORMATS is formats.EXPORT_FORMATS
    assert all(f in formats.FORMATS for f in export.FORMATS.values())
    for ext, f in formats.EXPORT_FORMATS.items():
        assert export.get_format(ext.upper()) is f
        assert export.get_format(None, f"out/graph.{ext}") is f
        for suffix in f.suffixes:
            assert export.get_format(None, f"graph.{suffix}") is f


def test_cli_export_choices_are_the_registry():
    option = next(p for p in main.commands["export"].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(formats.EXPORT_FORMATS)
    # a format the query side knows but the export side does not is refused by both
    assert "rdf" not in formats.EXPORT_FORMATS
    r = CliRunner().invoke(main, ["export", str(PROJECT), "-f", "rdf"])
    assert r.exit_code == 2 and "'rdf' is not one of" in r.output


def test_build_file_formats_are_the_rdf_export_rows():
    """`kg build --format` offers the registry's RDF export formats and writes each of them
    with the writer of `kg export` (kg.store.serialize_rdf)."""
    from kg.graph import pipeline as graphs
    option = next(p for p in main.commands["build"].params if p.name == "fmt")
    rdf_exports = [ext for ext, f in formats.EXPORT_FORMATS.items() if f.kind == "graph"]
    assert list(option.type.choices) == rdf_exports == list(formats.rdf_exports())
    assert all(graphs.export_format(ext) is formats.EXPORT_FORMATS[ext] for ext in rdf_exports)


def test_cli_query_help_names_every_query_format():
    r = CliRunner().invoke(main, ["query", "--help"])
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    for f in formats.query_formats():
        assert re.search(rf"\b{f.name}\b", text), f.name
    assert "trig" not in text and "gexf" not in text  # export-only rows are not offered


@pytest.mark.parametrize("ext", list(formats.EXPORT_FORMATS))
def test_every_export_route_serves_its_registry_row(client, ext):
    f = formats.EXPORT_FORMATS[ext]
    r = client.get(f"/export/graph.{ext}" + ("?table=nodes" if ext == "csv" else ""))
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype == f.media_type    # (graph.csv without ?table= is both tables zipped)
    name = "graph-nodes.csv" if ext == "csv" else f"graph.{f.extension}"
    assert f"filename={name}" in r.headers["Content-Disposition"]


@pytest.mark.parametrize("ext", ["rdf", "srj", "turtle", "pdf"])
def test_an_extension_outside_the_registry_is_404_naming_the_registry(client, ext):
    r = client.get(f"/export/graph.{ext}")
    assert r.status_code == 404
    assert ", ".join(formats.EXPORT_FORMATS) in r.data.decode("utf-8")


def test_service_description_lists_the_query_formats(client):
    r = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    listed = {t.object.value for t in ox.parse(r.data, ox.RdfFormat.N_TRIPLES)
              if t.predicate.value == SD + "resultFormat"}
    assert listed == {f.iri for f in formats.query_formats() if not f.iri.startswith("urn:")}
    assert formats.EXPORT_FORMATS["trig"].iri not in listed


def test_readme_lists_every_export_route():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if "`/export/graph." in ln)
    listed = re.findall(r"`(?:/export/graph)?\.([a-z]+)`", line)
    assert listed == list(formats.EXPORT_FORMATS), line


@pytest.mark.parametrize("name", [f.name for f in formats.formats_for("graph")
                                  if f.syntax in ("TURTLE", "N3", "RDF_XML")])
def test_graph_answers_declare_the_kg_prefixes(client, name):
    """CONSTRUCT answers in a syntax with prefixes bind kg: and the IRI kinds' prefixes and use them."""
    query = ("PREFIX kg: <https://w3id.org/mindspore-kg/ontology#> CONSTRUCT { ?s a kg:Thing } "
             "WHERE { ?s ?p ?o } LIMIT 3")
    r = client.get("/sparql", query_string={"query": query, "format": name})
    body = r.data.decode()
    assert r.status_code == 200, body[:300]
    if name == "rdfxml":
        assert 'xmlns:kg="https://w3id.org/mindspore-kg/ontology#"' in body and "kg:Thing" in body
    else:
        assert "@prefix kg: <https://w3id.org/mindspore-kg/ontology#> ." in body and "kg:Thing" in body


@pytest.mark.parametrize("ext", ["ttl", "trig"])
def test_rdf_exports_declare_the_kg_prefix(client, ext):
    body = client.get(f"/export/graph.{ext}").data.decode()
    assert "@prefix kg: <https://w3id.org/mindspore-kg/ontology#> ." in body
    assert " kg:" in body
