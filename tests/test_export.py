"""Export for Gephi (GEXF 1.3 with a release timeline), GraphML, CSV and RDF files.

Every GEXF written here is checked three independent ways: the official GEXF 1.3 schemas
(RELAX NG as published; the XSD with viz elements moved, see conformance/gexf/README.md),
networkx.read_gexf, and the JavaScript graphology-gexf parser run under node
(install it once with `npm ci` at the project root). Inputs: tests/data/export_fixture.ttl
(invented, on top of the real vocabulary) and a store built from two real releases.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import urllib.request
from pathlib import Path

import fixture_graph
import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml import etree

from kg.errors import InputError
from kg.export.gexf import GEXF_NS, VIZ_NS, XSI_NS, describe, write_gexf
from kg.export.projection import RELATION_RGB, STATUS_RGB, list_releases, project_graph
from kg.export.writers import FORMATS, ExportOptions, export_to_path, get_format, render, write_csv_table
from kg.store import build_store_atomically, load_file, rdf_format
from kg.terms.colours import colour_table, rgb
from kg.terms.iris import mint_iri

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "export_fixture.ttl"
NPM_INSTALL = "cd <project root> && npm ci   (package.json lists graphology and graphology-gexf)"


def fill_export_fixture(store: ox.Store) -> None:
    fixture_graph.fill_fixture(store, FIXTURE)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    fill_export_fixture(s)
    return s


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return build_store_atomically(tmp_path_factory.mktemp("export") / "store", fill_export_fixture)


@pytest.fixture(scope="module")
def order(store) -> dict[str, int]:
    """Release notation -> timeline integer, as the vocabulary orders them."""
    return {r.notation: r.order for r in list_releases(store)}


def F(name):
    return mint_iri("feature", name)


def H(name):
    return mint_iri("hardware", name)


def P(name):
    return mint_iri("product", name)


def R(name):
    return mint_iri("release", name)


# --- the projection ------------------------------------------------------------------

def test_projection_nodes_and_edges(store):
    G = project_graph(store)
    kinds = {}
    for n, d in G.nodes(data=True):
        kinds.setdefault(d["type"], set()).add(n)
    assert kinds["feature"] == {F("mixed-precision"), F("dynamic-shape"),
                                F("distributed-training"), F("graph-kernel-fusion")}
    assert F("quantum-simulation") not in G          # in the vocabulary, named by no answer
    assert len(kinds["release"]) == len(list_releases(store))
    assert {H("Ascend910"), H("Ascend310"), H("GPU"), H("CPU")} <= kinds["hardware"]
    assert P("MindSpore-Lite") in kinds["product"]
    rel = {(u, v): d["relation"] for u, v, d in G.edges(data=True)}
    assert rel[(H("Ascend910"), H("Ascend"))] == rel[(H("Ascend310"), H("Ascend"))] == "narrower"
    assert rel[(F("graph-kernel-fusion"), P("MindSpore-Lite"))] == "belongs-to"
    # MindSpore, the product most features belong to, is told by attributes, not by a fan of edges
    assert (F("mixed-precision"), P("MindSpore")) not in rel
    assert G.nodes[F("mixed-precision")]["product"] == "MindSpore"
    support = {k for k, r in rel.items() if r == "support"}
    assert support == {(F("mixed-precision"), H("Ascend910")), (F("mixed-precision"), H("GPU")),
                       (F("dynamic-shape"), H("CPU")), (F("distributed-training"), H("Ascend")),
                       (F("graph-kernel-fusion"), H("GPU"))}
    assert G.nodes[F("graph-kernel-fusion")]["candidate"] is True
    assert G.nodes[F("mixed-precision")]["candidate"] is False


def test_the_main_product_is_an_attribute_of_the_features_not_a_fan_of_edges(store, tmp_path):
    """The product more than half of the features belong to keeps no belongs-to edge: every
    feature names its products (`products`, the one it is filed under first, as `product`), in
    the GEXF and the CSV; the other products keep their edges."""
    G = project_graph(store)
    features = {n: d for n, d in G.nodes(data=True) if d["type"] == "feature"}
    belongs = [(u, v) for u, v, d in G.edges(data=True) if d["relation"] == "belongs-to"]
    assert belongs == [(F("graph-kernel-fusion"), P("MindSpore-Lite"))]
    assert {n: (d["product"], d["products"]) for n, d in features.items()} == {
        F("mixed-precision"): ("MindSpore", "MindSpore"), F("dynamic-shape"): ("MindSpore", "MindSpore"),
        F("distributed-training"): ("MindSpore", "MindSpore"),
        F("graph-kernel-fusion"): ("MindSpore Lite", "MindSpore Lite")}
    assert G.graph["main_product"] == "MindSpore"
    path = tmp_path / "g.gexf"
    write_gexf(G, path)
    H_ = nx.read_gexf(path)
    assert H_.nodes[F("mixed-precision")]["product"] == "MindSpore"
    assert "Features without a belongs-to edge are MindSpore's" in path.read_text(encoding="utf-8")
    text = io.StringIO(newline="")
    write_csv_table(G, "nodes", text)
    rows = {r["Id"]: r for r in csv.DictReader(io.StringIO(text.getvalue()))}
    assert rows[F("graph-kernel-fusion")]["products"] == "MindSpore Lite"
    assert rows[F("dynamic-shape")]["product"] == "MindSpore"


def test_one_edge_per_pair_whose_status_changes_over_time(store, order):
    G = project_graph(store)
    e = G.edges[F("mixed-precision"), H("GPU")]
    assert e["status_spells"] == [("unsupported", order["r1.0"], order["r1.0"]),
                                  ("planned", order["r1.1"], order["r1.1"]),
                                  ("partial", order["r1.2"], order["r1.2"]),
                                  ("supported", order["r2.0"], order["r2.0"])]
    assert e["spells"] == [(order["r1.0"], order["r1.2"]), (order["r2.0"], order["r2.0"])]
    assert e["status"] == "supported" and e["color"] == rgb(colour_table()["statuses"]["supported"]["colour"])
    assert e["statements"] == 6 and e["first_release"] == "r1.0" and e["last_release"] == "r2.0"
    assert e["doc_url_count"] == 3      # distinct URLs of the answers behind the statements
    # a gap: stated in r1.1 and r2.0 only -> two spells
    e = G.edges[F("dynamic-shape"), H("CPU")]
    assert e["spells"] == [(order["r1.1"], order["r1.1"]), (order["r2.0"], order["r2.0"])]
    # two "partial" statements outvote one "supported" in the same release
    assert G.edges[F("distributed-training"), H("Ascend")]["status"] == "partial"
    # the feature node lives in the releases its edges do
    assert G.nodes[F("dynamic-shape")]["spells"] == [(order["r1.1"], order["r1.1"]),
                                                     (order["r2.0"], order["r2.0"])]


def test_features_carry_their_summary_status_and_a_status_per_hardware(store, order):
    G = project_graph(store)
    attrs = {name for name, _, _ in G.graph["node_attributes"]}
    assert {"status", "status_overall", "status_GPU", "status_Ascend910", "status_CPU"} <= attrs
    mp = G.nodes[F("mixed-precision")]
    assert mp["status_GPU"] == G.edges[F("mixed-precision"), H("GPU")]["status"] == "supported"
    assert mp["status_Ascend910"] == G.edges[F("mixed-precision"), H("Ascend910")]["status"]
    assert "status_CPU" not in mp                  # no claim of it on CPU
    statuses = set(STATUS_RGB)
    for n, d in G.nodes(data=True):
        if d["type"] == "feature":
            assert d["status"] in statuses and d["color"] == STATUS_RGB[d["status"]], n
    # the releases are a timeline: each linked to the next, none alone
    releases = sorted((d["release_order"], n) for n, d in G.nodes(data=True) if d["type"] == "release")
    for (_, a), (_, b) in zip(releases, releases[1:]):
        assert G.edges[a, b]["relation"] == "next"
    assert not list(nx.isolates(G))


def test_every_feature_links_the_release_naming_it_first(store, order):
    """What holds a feature without hardware claims in a force layout: one first-named edge to
    the release its answers name it in first (its `release`), none in a snapshot."""
    G = project_graph(store)
    first = {(u, v): d for u, v, d in G.edges(data=True) if d["relation"] == "first-named"}
    features = {n for n, d in G.nodes(data=True) if d["type"] == "feature"}
    assert sorted(u for u, _ in first) == sorted(features)
    for (f, r), d in first.items():
        assert G.nodes[r]["type"] == "release" and G.nodes[r]["release"] == G.nodes[f]["release"]
        assert d["spells"] == [(G.nodes[r]["release_order"],) * 2] and d["color"] == RELATION_RGB["first-named"]
    assert first[(F("dynamic-shape"), R("r1.1"))]
    assert "first-named" in describe(G)
    assert not [e for *_, e in project_graph(store, release="r1.2").edges(data=True)
                if e["relation"] == "first-named"]


def test_labels_follow_the_language(store):
    en, zh = project_graph(store, lang="en"), project_graph(store, lang="zh")
    assert en.nodes[F("mixed-precision")]["label"] == "mixed precision"
    assert zh.nodes[F("mixed-precision")]["label"] == "混合精度"
    assert zh.nodes[H("Ascend910")]["label"] == "昇腾910"
    assert zh.nodes[F("graph-kernel-fusion")]["label"] == "graph kernel fusion"  # no @zh: falls back


def test_one_release_is_a_static_snapshot(store):
    G = project_graph(store, release="r1.2")
    assert G.graph["mode"] == "static"
    # the snapshot's release is the graph's (no node left alone without a timeline)
    assert G.graph["release"] == "r1.2" and not [n for n, d in G.nodes(data=True) if d["type"] == "release"]
    assert G.edges[F("mixed-precision"), H("GPU")]["status"] == "partial"
    assert not G.edges[F("mixed-precision"), H("GPU")]["spells"]
    assert not G.has_edge(F("dynamic-shape"), H("CPU"))          # not stated in r1.2
    assert F("graph-kernel-fusion") not in G


def test_entries_are_questions_of_the_chosen_language(store):
    G = project_graph(store, include_entries=True, lang="en")
    entries = {n: d for n, d in G.nodes(data=True) if d["type"] == "entry"}
    assert len(entries) == 3
    assert "On which hardware can I use mixed precision?" in {d["label"] for d in entries.values()}
    about = [(u, v) for u, v, d in G.edges(data=True) if d["relation"] == "about"]
    assert len(about) == 3 and all(v in G and G.nodes[v]["type"] == "feature" for _, v in about)


@pytest.mark.parametrize("kwargs, message", [
    ({"release": "r9.9"}, "unknown release 'r9.9' (known: r0.1"),
    ({"lang": "fr"}, "unknown language 'fr'"),
    ({"release": "r1.2", "dynamic": True}, "static snapshot"),
])
def test_bad_options_are_named(store, kwargs, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(".", r"\.")):
        project_graph(store, **kwargs)


# --- GEXF: schemas, networkx, graphology ----------------------------------------------

def gexf_schemas(conformance_dir):
    base = conformance_dir / "gexf" / "1.3"
    return (etree.XMLSchema(etree.parse(str(base / "gexf.xsd"))),
            etree.RelaxNG(etree.parse(str(base / "gexf.rng"))))


def schema_errors(path: Path, conformance_dir) -> list[str]:
    """Errors of the file against the 1.3 RNG (as published, xsi:* removed since RELAX NG does
    not skip them) and the 1.3 XSD (viz elements moved into the GEXF namespace, the published
    XSD's known defect; conformance/gexf/README.md)."""
    xsd, rng = gexf_schemas(conformance_dir)
    doc = etree.parse(str(path)).getroot()
    errors = []
    for_rng = copy.deepcopy(doc)
    for el in for_rng.iter():
        for a in [a for a in el.attrib if a.startswith(f"{{{XSI_NS}}}")]:
            del el.attrib[a]
    if not rng.validate(for_rng):
        errors += [f"rng line {e.line}: {e.message}" for e in rng.error_log]
    for_xsd = copy.deepcopy(doc)
    for el in for_xsd.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{VIZ_NS}}}"):
            el.tag = f"{{{GEXF_NS}}}{etree.QName(el).localname}"
    if not xsd.validate(for_xsd):
        errors += [f"xsd line {e.line}: {e.message}" for e in xsd.error_log]
    return errors


def graphology(conformance_dir, paths_and_counts: list[tuple[Path, int, int]]) -> None:
    """Parse each file with graphology-gexf (node, conformance/gexf/gexf_parse.mjs) and
    require its node and edge counts."""
    if not (PROJECT / "node_modules" / "graphology-gexf").is_dir():
        pytest.fail(f"graphology-gexf is not installed under {PROJECT / 'node_modules'}: "
                    f"run `{NPM_INSTALL}`")
    script = conformance_dir / "gexf" / "gexf_parse.mjs"
    for path, n, m in paths_and_counts:
        out = subprocess.run(["node", str(script), "--expect", f"{n},{m}", str(path)],
                             capture_output=True, text=True,
                             env={**os.environ, "GEXFJS_DIR": str(PROJECT)})
        assert out.returncode == 0, out.stdout + out.stderr


GEXF_VARIANTS = {
    "dynamic": {},
    "dynamic-entries-zh": {"include_entries": True, "lang": "zh"},
    "release": {"release": "r1.2"},
    "static": {"dynamic": False},
}


@pytest.fixture(scope="module")
def gexf_files(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("gexf")
    files = {}
    for name, kwargs in GEXF_VARIANTS.items():
        G = project_graph(store, **kwargs)
        write_gexf(G, str(out / f"{name}.gexf"))
        files[name] = (out / f"{name}.gexf", G)
    return files


@pytest.mark.parametrize("variant", list(GEXF_VARIANTS))
def test_gexf_validates_against_the_1_3_schemas(gexf_files, variant, conformance_dir):
    path, _ = gexf_files[variant]
    assert schema_errors(path, conformance_dir) == []
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.3" and etree.QName(root).namespace == GEXF_NS
    graph = root.find(f"{{{GEXF_NS}}}graph")
    assert graph.get("timeformat") == (None if "dynamic" not in variant else "double")


def test_the_validation_bites(conformance_dir, tmp_path):
    """networkx's own 1.3 writer fails these schemas (the trap the export avoids), and so do
    the official invalid examples."""
    G = nx.DiGraph()
    G.add_edge("a", "b", status="supported")
    nx.write_gexf(G, tmp_path / "nx.gexf", version="1.3")
    assert schema_errors(tmp_path / "nx.gexf", conformance_dir)
    for bad in (conformance_dir / "gexf" / "examples" / "invalid").glob("*1.3*.gexf"):
        assert schema_errors(bad, conformance_dir), bad


@pytest.mark.parametrize("variant", list(GEXF_VARIANTS))
def test_gexf_reads_back_with_networkx(gexf_files, variant):
    path, G = gexf_files[variant]
    back = nx.read_gexf(path, version="1.3")
    assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(),
                                                                G.number_of_edges())
    assert back.is_directed()
    assert {d["label"] for _, d in back.nodes(data=True)} == {d["label"] for _, d in G.nodes(data=True)}


def test_dynamic_status_reads_back_as_values_over_time(gexf_files, order):
    back = nx.read_gexf(gexf_files["dynamic"][0], version="1.3")
    e = back.edges[F("mixed-precision"), H("GPU")]
    assert sorted(e["status"], key=lambda t: t[1]) == [
        ("unsupported", order["r1.0"], order["r1.0"]), ("planned", order["r1.1"], order["r1.1"]),
        ("partial", order["r1.2"], order["r1.2"]), ("supported", order["r2.0"], order["r2.0"])]
    assert e["spells"] == [(order["r1.0"], order["r1.2"]), (order["r2.0"], order["r2.0"])]
    assert back.nodes[F("mixed-precision")]["type"] == "feature"
    status = back.nodes[F("mixed-precision")]["status"]  # a feature is coloured by its summary status
    r, g, b = rgb(colour_table()["statuses"][status]["colour"])  # the one colour table's
    assert back.nodes[F("mixed-precision")]["viz"]["color"] == {"r": r, "g": g, "b": b, "a": 1.0}


def test_gexf_parses_with_graphology(gexf_files, conformance_dir):
    graphology(conformance_dir, [(p, G.number_of_nodes(), G.number_of_edges()) for p, G in gexf_files.values()])


def test_gexf_carries_what_gephi_needs(gexf_files):
    root = etree.parse(str(gexf_files["dynamic"][0])).getroot()
    ns = {"g": GEXF_NS, "viz": VIZ_NS}
    graph = root.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("defaultedgetype") == "directed"
    blocks = graph.findall("g:attributes", ns)
    assert sorted(b.get("class") for b in blocks) == ["edge", "node"]   # one block per class
    declared = {(b.get("class"), a.get("id")): a.get("type") for b in blocks
                for a in b.findall("g:attribute", ns)}
    for key, typ in {("node", "type"): "string", ("node", "iri"): "string",
                     ("node", "doc_url_count"): "integer", ("edge", "status"): "string",
                     ("edge", "release"): "string", ("edge", "doc_url_count"): "integer"}.items():
        assert declared[key] == typ
    for node in graph.iterfind("g:nodes/g:node", ns):
        assert node.find("viz:color", ns) is not None and node.find("viz:size", ns) is not None
        assert float(node.find("viz:size", ns).get("value")) > 0
    colours = {e.get("label"): {k: int(v) for k, v in e.find("viz:color", ns).attrib.items()}
               for e in graph.iterfind("g:edges/g:edge", ns)}
    assert colours["supported"]["g"] > colours["supported"]["r"]     # green
    assert colours["partial"]["r"] > colours["partial"]["b"]         # amber


# --- GraphML and CSV -------------------------------------------------------------------

def test_graphml_has_the_same_graph_and_attributes(store, tmp_path):
    G = project_graph(store)
    summary = export_to_path(store, FORMATS["graphml"], tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert (summary["nodes"], summary["edges"]) == (back.number_of_nodes(), back.number_of_edges())
    assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    e = back.edges[F("mixed-precision"), H("GPU")]
    assert e["status"] == "supported" and e["relation"] == "support"
    assert e["status_history"] == "r1.0:unsupported r1.1:planned r1.2:partial r2.0:supported"
    assert back.nodes[F("mixed-precision")]["doc_url_count"] == G.nodes[F("mixed-precision")]["doc_url_count"]


def test_csv_is_two_tables_for_gephi(store, tmp_path, order):
    G = project_graph(store)
    summary = export_to_path(store, FORMATS["csv"], tmp_path / "out.csv")
    assert [Path(f).name for f in summary["files"]] == ["out-nodes.csv", "out-edges.csv"]
    with open(tmp_path / "out-nodes.csv", encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(tmp_path / "out-edges.csv", encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert (len(nodes), len(edges)) == (G.number_of_nodes(), G.number_of_edges())
    assert {"Id", "Label", "type", "iri", "doc_url_count", "Time Interval"} <= set(nodes[0])
    assert {"Source", "Target", "Type", "Weight", "relation", "status", "Time Interval"} <= set(edges[0])
    row = next(r for r in edges if r["Source"] == F("mixed-precision") and r["Target"] == H("GPU"))
    assert row["Time Interval"] == f"<[{order['r1.0']},{order['r1.2']}];[{order['r2.0']},{order['r2.0']}]>"
    assert row["status_timeline"].startswith(f"<[{order['r1.0']},{order['r1.0']},unsupported];")
    assert {r["Type"] for r in edges} == {"Directed"}
    export_to_path(store, FORMATS["csv"], str(tmp_path / "tables") + "/")
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["edges.csv", "nodes.csv"]


# --- RDF files -------------------------------------------------------------------------

def _parse(data: bytes, fmt: str) -> set:
    return {(q.subject, q.predicate, q.object) for q in ox.parse(data, rdf_format(FORMATS[fmt]))}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_rdf_files_hold_the_store(store, fmt):
    triples = _parse(render(store, FORMATS[fmt]), fmt)
    assert triples == {(q.subject, q.predicate, q.object) for q in store}


def test_rdf_filtered_by_release_and_language(store):
    data = render(store, FORMATS["ttl"], ExportOptions(release="r1.2", lang="en"))
    triples = _parse(data, "ttl")
    kg_release = ox.NamedNode("https://w3id.org/mindspore-kg/ontology#release")
    releases = {o for s, p, o in triples if p == kg_release}
    assert releases == {ox.NamedNode(mint_iri("release", "r1.2"))}
    # no zh page, question, answer or statement: zh literals are left on vocabulary concepts only
    vocabulary = {q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme"), None)}
    vocabulary |= {q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme"))}
    assert not [(s, o) for s, _, o in triples if isinstance(o, ox.Literal) and o.language == "zh"
                and s not in vocabulary]
    assert any(isinstance(o, ox.Literal) and o.language == "en" for _, _, o in triples)
    # nothing points at an answer of another release
    r10 = mint_iri("answer", "0c0000000101").rsplit("/", 1)[0] + "/0c0000000101"
    assert not [t for t in triples if ox.NamedNode(r10) in (t[0], t[2])]


# --- the command -----------------------------------------------------------------------

def test_cli_export_writes_each_format(store_dir, tmp_path):
    from kg.cli import main
    runner = CliRunner()
    for fmt in ("gexf", "graphml", "ttl", "nt", "jsonld", "trig"):
        out = tmp_path / f"g.{fmt}"
        r = runner.invoke(main, ["export", str(store_dir), "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 0
    r = runner.invoke(main, ["export", str(store_dir), "-f", "gexf", "--release", "r1.2",
                             "--lang", "zh", "--include-entries", "-o", str(tmp_path / "s.gexf")])
    assert r.exit_code == 0 and "(static)" in r.output
    back = nx.read_gexf(tmp_path / "s.gexf", version="1.3")
    assert "混合精度" in {d["label"] for _, d in back.nodes(data=True)}
    r = runner.invoke(main, ["export", str(store_dir), "-f", "nt"])     # to stdout
    assert r.exit_code == 0
    assert len(list(ox.parse(r.stdout_bytes, ox.RdfFormat.N_TRIPLES))) == len(
        ox.Store.read_only(str(store_dir)))


@pytest.mark.parametrize("args, message", [
    (["-o", "g.pdf"], "cannot tell the export format from 'g.pdf'"),
    (["-f", "csv"], "csv writes two files"),
    (["-f", "gexf", "--release", "r7"], "unknown release 'r7'"),
    (["-f", "ttl", "--include-entries"], "--include-entries applies to gexf"),
    (["-o", "no/such/dir/g.gexf"], "no/such/dir/g.gexf: cannot write"),
    (["-f", "csv", "-o", "not-a-dir.txt/"], "cannot write"),
    (["-f", "gexf", "-o", "."], "cannot write"),
    (["-o", "no/such/dir/g.ttl"], "cannot write"),
])
def test_cli_bad_input_is_one_line_exit_2(store_dir, tmp_path, monkeypatch, args, message):
    from kg.cli import main
    monkeypatch.chdir(tmp_path)   # relative -o paths land in tmp_path
    (tmp_path / "not-a-dir.txt").write_text("x", encoding="utf-8")
    r = CliRunner().invoke(main, ["export", str(store_dir), *args])
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_format_from_extension():
    # export formats are named by their file extension (kg.formats.EXPORT_FORMATS)
    assert get_format(None, "x.gexf").extension == "gexf"
    assert get_format(None, "x.json").extension == "jsonld"
    assert get_format(None, "x.turtle").extension == "ttl"
    assert get_format("TTL").extension == "ttl"


# --- over HTTP -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(make_app, store_dir):
    return make_app(store_dir)


def test_http_gexf_is_the_cli_gexf(client, store_dir, tmp_path):
    r = client.get("/export/graph.gexf?lang=zh&include_entries=1")
    assert r.status_code == 200 and r.mimetype == "application/gexf+xml"
    assert 'filename=graph-zh.gexf' in r.headers["Content-Disposition"]
    export_to_path(ox.Store.read_only(str(store_dir)), FORMATS["gexf"], tmp_path / "cli.gexf",
                   ExportOptions(lang="zh", include_entries=True))
    assert r.data == (tmp_path / "cli.gexf").read_bytes()


@pytest.mark.parametrize("query, name", [("", "graph.gexf"), ("?lang=en", "graph.gexf"),
                                         ("?release=r1.2&lang=zh", "graph-r1.2-zh.gexf"),
                                         ("?feature=mixed-precision", "graph-mixed-precision.gexf")])
def test_a_download_is_named_after_what_it_holds(client, query, name):
    r = client.get("/export/graph.gexf" + query)
    assert r.status_code == 200 and f"filename={name}" in r.headers["Content-Disposition"]


@pytest.mark.parametrize("fmt", ["graphml", "ttl", "nt", "jsonld", "trig"])
def test_http_other_formats(client, fmt):
    r = client.get(f"/export/graph.{fmt}?release=r2.0")
    assert r.status_code == 200, r.data
    assert r.mimetype == ("application/zip" if fmt == "csv" else FORMATS[fmt].media_type)
    if fmt == "jsonld":
        assert isinstance(json.loads(r.data), list)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_http_content_type_names_the_charset_once(client, fmt):
    r = client.get(f"/export/graph.{fmt}")
    assert r.status_code == 200
    assert r.headers["Content-Type"].count("charset") <= 1, r.headers["Content-Type"]


def test_http_csv_tables(client):
    """graph.csv is both tables zipped (a download link gets the whole graph); ?table= one of them."""
    import io
    import zipfile
    r = client.get("/export/graph.csv")
    assert r.mimetype == "application/zip" and "graph-csv.zip" in r.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        zipped = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    nodes = client.get("/export/graph.csv?table=nodes")
    edges = client.get("/export/graph.csv?table=edges").data.decode("utf-8")
    assert nodes.mimetype == "text/csv" and "graph-nodes.csv" in nodes.headers["Content-Disposition"]
    assert zipped == {"nodes.csv": nodes.data.decode("utf-8"), "edges.csv": edges}
    assert zipped["nodes.csv"].startswith("Id,Label,type") and edges.startswith("Id,Source,Target,Type")
    static = client.get("/export/graph.csv?table=edges&mode=static").data.decode("utf-8")
    assert static.startswith("Id,Source,Target,Type")


@pytest.mark.parametrize("url, status, word", [
    ("/export/graph.pdf", 404, "no export format 'pdf'"),
    ("/export/graph.gexf?release=r7", 400, "unknown release 'r7'"),
    ("/export/graph.gexf?mode=sometimes", 400, "mode='sometimes'"),
    ("/export/graph.gexf?colour=red", 400, "unknown query parameter(s) colour"),
    ("/export/graph.csv?table=both", 400, "table=nodes or table=edges"),
    ("/export/graph.ttl?include_entries=1", 400, "--include-entries applies"),
    ("/export/graph.ttl?release=r2.5.0&release=r2.6.0", 400, "release given more than once"),  # QA
])
def test_http_bad_requests(client, url, status, word):
    r = client.get(url)
    assert r.status_code == status
    assert word in r.data.decode("utf-8")


def test_real_server_serves_a_gexf_graphology_reads(store_dir, tmp_path, conformance_dir):
    """`kg serve` on 127.0.0.1, a plain HTTP client, and the JavaScript reader on the download."""
    from kgserver import kg_serve
    with kg_serve(store_dir, "--workers", "1") as sparql_url:
        url = sparql_url.rsplit("/", 1)[0] + "/export/graph.gexf?lang=zh"
        with urllib.request.urlopen(url, timeout=60) as resp:
            assert resp.headers.get_content_type() == "application/gexf+xml"
            (tmp_path / "served.gexf").write_bytes(resp.read())
    back = nx.read_gexf(tmp_path / "served.gexf", version="1.3")
    assert schema_errors(tmp_path / "served.gexf", conformance_dir) == []
    graphology(conformance_dir, [(tmp_path / "served.gexf", back.number_of_nodes(),
                                  back.number_of_edges())])


# --- on a store built from real releases -------------------------------------------------

@pytest.fixture(scope="module")
def real_store(two_release_store):
    return ox.Store.read_only(str(two_release_store))


def test_real_store_exports_a_valid_dynamic_gexf(real_store, tmp_path, conformance_dir):
    G = project_graph(real_store, include_entries=True)
    path = tmp_path / "real.gexf"
    write_gexf(G, str(path))
    assert schema_errors(path, conformance_dir) == []
    back = nx.read_gexf(path, version="1.3")
    assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    graphology(conformance_dir, [(path, G.number_of_nodes(), G.number_of_edges())])
    # one support edge per (feature, hardware) pair the store states a status for, counted
    # independently with SPARQL
    pairs = next(iter(real_store.query("""
        PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?f ?h WHERE {
          ?s a kg:SupportStatement ; kg:feature ?f ; kg:hardware ?h ; kg:status ?st .
          ?st skos:notation ?code FILTER(?code != "n/a") } }""")))["n"]
    support = [d for *_, d in G.edges(data=True) if d["relation"] == "support"]
    assert len(support) == int(pairs.value) > 0
    statuses = {"supported", "unsupported", "partial", "planned"}
    for d in support:
        assert {s for s, _, _ in d["status_spells"]} <= statuses
        assert d["spells"] and all(a <= b for a, b in d["spells"])


@pytest.mark.parametrize("options", [ExportOptions(lang="en"), ExportOptions(release="r1.2"),
                                     ExportOptions(release="r1.1", lang="zh")],
                         ids=["lang", "release", "release-lang"])
def test_real_filtered_rdf_export_is_a_valid_subset(real_store, tmp_path, options):
    """A filtered RDF export passes the check `kg validate FILE` runs, and holds only the
    chosen release's and language's answers."""
    from kg.graph.shacl import validate_path
    path = tmp_path / "subset.ttl"
    export_to_path(real_store, FORMATS["ttl"], path, options)
    assert validate_path(path).conforms
    sub = ox.Store()
    load_file(sub, path)
    rows = list(sub.query("""
        PREFIX schema: <http://schema.org/>
        PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
        SELECT ?a ?lang ?release WHERE { ?a a schema:Answer ; schema:inLanguage ?lang ;
                                         kg:release ?release }"""))
    assert rows
    if options.lang:
        assert {r["lang"].value for r in rows} == {options.lang}
    if options.release:
        assert {r["release"].value for r in rows} == {mint_iri("release", options.release)}
    # the whole store has more answers than the subset: the filter did something
    total = len(list(real_store.quads_for_pattern(
        None, ox.NamedNode("http://schema.org/text"), None)))
    assert len(rows) < total


def test_the_graph_page_and_the_gexf_draw_with_one_colour_table(store):
    """The page draws the projection's own colours (kg.web.graph_elements), which are the table's."""
    from kg.web.graph_elements import elements
    G = project_graph(store, release="r1.2")
    table = colour_table()
    page = elements(G)
    by_id = {n["id"]: n for n in page["nodes"]}
    for n, d in G.nodes(data=True):
        group, name = ("statuses", d["status"]) if d["type"] == "feature" else (
            "kinds", "candidate" if d.get("candidate") else d["type"])
        assert d["color"] == rgb(table[group][name]["colour"]), n
    for n in page["nodes"]:
        assert n["colour"] in {v["colour"] for g in table.values() for v in g.values()}, n
    assert len(by_id) == G.number_of_nodes()
    js = (Path(__file__).resolve().parents[1] / "kg/web/static/graph.js").read_text()
    assert "#" not in js.split("style: [", 1)[1].split("layout:", 1)[0].replace('"#ffffff"', "").replace(
        '"#1a1a1a"', "").replace('"#c2410c"', ""), "no status or kind colour written in the page's script"
