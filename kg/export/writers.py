"""Export the graph: GEXF 1.3 (Gephi), GraphML, CSV nodes+edges, and RDF files (ttl, nt, jsonld, trig).

The formats are rows of the one registry, kg.formats (kind "network" or "graph", named by
their file extension); `FORMATS` here is its export view, read by the `kg export` command and
the `/export/graph.<ext>` endpoint. Graph formats write the networkx projection of
kg.export.projection; RDF formats dump the store itself (optionally one release, one language).
"""
from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import networkx as nx
import pyoxigraph as ox

from kg.errors import InputError
from kg.export.gexf import write_gexf
from kg.export.projection import project_graph
from kg.formats import EXPORT_FORMATS, Format
from kg.query.releases import find_release, list_releases
from kg.store import load_file, open_store, serialize_rdf
from kg.terms.iris import prefix_map

# the export formats, by file extension: a view of the one registry (kg.formats)
FORMATS: dict[str, Format] = EXPORT_FORMATS
CSV_TABLES = ("nodes", "edges")


@dataclass(frozen=True)
class ExportOptions:
    lang: str | None = None           # graph formats: label language (default en); RDF: only its pages/answers
    release: str | None = None        # one release (a static snapshot)
    include_entries: bool = False     # graph formats: add FAQ entries (questions) as nodes
    dynamic: bool | None = None       # graph formats: None = dynamic unless one release is chosen
    feature: str | None = None        # one feature (IRI): graph formats its neighbourhood, RDF its triples and claims


def get_format(name: str | None, path: str | os.PathLike | None = None) -> Format:
    """The format named, or the one the file extension names (its extension or a suffix)."""
    if not name and path and str(path) != "-":
        ext = Path(path).suffix.lower().lstrip(".")
        name = next((f.extension for f in FORMATS.values() if ext in f.suffixes), ext)
        if name not in FORMATS:
            raise InputError(f"cannot tell the export format from {Path(path).name!r}; "
                             f"give --format ({', '.join(FORMATS)})", path=str(path))
    if not name:
        raise InputError(f"no export format given (one of {', '.join(FORMATS)})")
    fmt = FORMATS.get(name.lower())
    if fmt is None:
        raise InputError(f"unknown export format {name!r} (known: {', '.join(FORMATS)})")
    return fmt


def open_export_store(path: str | os.PathLike) -> ox.Store:
    """A built store directory (read-only), or an RDF file loaded into memory."""
    p = Path(path)
    if p.is_dir():
        return open_store(p)
    if not p.exists():
        raise InputError("no such store or RDF file", path=str(p))
    store = ox.Store()
    load_file(store, p)
    return store


def project(store: ox.Store, options: ExportOptions):
    return project_graph(store, lang=options.lang or "en", release=options.release,
                         include_entries=options.include_entries, dynamic=options.dynamic,
                         feature=options.feature)


def _check(fmt: Format, options: ExportOptions) -> None:
    if fmt.kind == "graph" and options.include_entries:
        raise InputError("--include-entries applies to gexf, graphml and csv; "
                         "RDF exports always contain the entries")
    if fmt.kind == "graph" and options.dynamic is not None:
        raise InputError("--dynamic/--static apply to gexf, graphml and csv")
    if options.lang not in (None, "en", "zh"):
        raise InputError(f"unknown language {options.lang!r} (known: en, zh)")


def export_to_path(store: ox.Store, fmt: Format, path: str | os.PathLike,
                   options: ExportOptions = ExportOptions()) -> dict:
    """Write the export to `path` (for csv: two files, see csv_paths). Returns a summary."""
    _check(fmt, options)
    try:
        return _export_to_path(store, fmt, path, options)
    except OSError as e:  # unwritable path, missing folder, a folder where a file goes
        raise InputError(f"cannot write: {e.strerror or e}", path=str(e.filename or path)) from None


def _export_to_path(store: ox.Store, fmt: Format, path: str | os.PathLike,
                    options: ExportOptions) -> dict:
    given, path = path, Path(path)
    if fmt.kind == "graph":
        n = write_rdf(store, fmt, path, options)
        return {"format": fmt.extension, "files": [str(path)], "triples": n}
    G = project(store, options)
    if fmt.name == "csv":
        nodes_path, edges_path = csv_paths(given)
        with open(nodes_path, "w", encoding="utf-8", newline="") as f:
            write_csv_table(G, "nodes", f)
        with open(edges_path, "w", encoding="utf-8", newline="") as f:
            write_csv_table(G, "edges", f)
        files = [str(nodes_path), str(edges_path)]
    else:
        with open(path, "wb") as f:
            GRAPH_WRITERS[fmt.name](G, f)
        files = [str(path)]
    return {"format": fmt.extension, "files": files, "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(), "mode": G.graph["mode"]}


def render(store: ox.Store, fmt: Format, options: ExportOptions = ExportOptions(),
           table: str | None = None, out: io.BufferedIOBase | None = None) -> bytes | None:
    """The export as bytes (or written to the binary `out`): for csv, one `table` (nodes|edges),
    or without one a zip of nodes.csv and edges.csv."""
    _check(fmt, options)
    buf = out if out is not None else io.BytesIO()
    if fmt.kind == "graph":
        write_rdf(store, fmt, buf, options)
    elif fmt.name == "csv" and table is None:
        write_csv_zip(project(store, options), buf)
    elif fmt.name == "csv":
        if table not in CSV_TABLES:
            raise InputError(f"csv export needs table=nodes or table=edges (or none: both, zipped), got {table!r}")
        text = io.TextIOWrapper(buf, encoding="utf-8", newline="", write_through=True)
        write_csv_table(project(store, options), table, text)
        text.detach()
    else:
        GRAPH_WRITERS[fmt.name](project(store, options), buf)
    return None if out is not None else buf.getvalue()


def csv_paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """-o DIR/ -> DIR/nodes.csv, DIR/edges.csv; -o graph.csv -> graph-nodes.csv, graph-edges.csv."""
    p = Path(path)
    if p.is_dir() or str(path).endswith(os.sep):
        p.mkdir(parents=True, exist_ok=True)
        return p / "nodes.csv", p / "edges.csv"
    stem = p.name[:-4] if p.name.lower().endswith(".csv") else p.name
    return p.with_name(f"{stem}-nodes.csv"), p.with_name(f"{stem}-edges.csv")


# --- graph formats ------------------------------------------------------------

def _hex(rgb) -> str | None:
    return "#%02x%02x%02x" % tuple(int(c) for c in rgb[:3]) if rgb else None


def _intervals(spells) -> str | None:
    """Gephi's interval-set syntax: <[7,9];[18,18]>."""
    return "<" + ";".join(f"[{a},{b}]" for a, b in spells) + ">" if spells else None


def _timeline(value_spells) -> str | None:
    """Gephi's dynamic-value syntax: <[8,8,unsupported];[18,18,supported]>."""
    return ("<" + ";".join(f"[{a},{b},{v}]" for v, a, b in value_spells) + ">"
            if value_spells else None)


def node_records(G) -> list[dict]:
    """One flat record per node: the declared attributes plus label, colour, size, position."""
    rows = []
    for n, d in G.nodes(data=True):
        row = {"id": n, "label": d.get("label", n)}
        row.update({name: d.get(name) for name, _, _ in G.graph["node_attributes"]})
        row.update({"color": _hex(d.get("color")), "size": d.get("size"), "x": d.get("x"),
                    "y": d.get("y"), "interval": _intervals(d.get("spells"))})
        rows.append(row)
    return rows


def edge_records(G) -> list[dict]:
    rows = []
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        row = {"id": f"e{i}", "source": u, "target": v,
               "label": d.get("status") or d.get("relation"), "weight": d.get("weight")}
        row.update({name: d.get(name) for name, _, _ in G.graph["edge_attributes"]})
        row.update({"color": _hex(d.get("color")), "interval": _intervals(d.get("spells")),
                    "status_timeline": _timeline(d.get("status_spells"))})
        rows.append(row)
    return rows


# Gephi's spreadsheet import recognises these column names; the rest become attributes.
_CSV_HEADERS = {"id": "Id", "label": "Label", "source": "Source", "target": "Target",
                "weight": "Weight", "interval": "Time Interval"}


def write_csv_table(G, table: str, text_out) -> None:
    records = node_records(G) if table == "nodes" else edge_records(G)
    keys = list(records[0]) if records else ["id", "label"]
    if table == "edges":
        keys.insert(3, "type")
        for r in records:
            r["type"] = "Directed"
    header = [_CSV_HEADERS.get(k, "Type" if k == "type" and table == "edges" else k)
              for k in keys]
    w = csv.writer(text_out)
    w.writerow(header)
    for r in records:
        w.writerow(["" if r.get(k) is None else
                    ("true" if r[k] is True else "false" if r[k] is False else r[k])
                    for k in keys])


def write_csv_zip(G, out) -> None:
    """nodes.csv and edges.csv in one zip (what a download of "the CSV" gets)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for table in CSV_TABLES:
            text = io.StringIO(newline="")
            write_csv_table(G, table, text)
            z.writestr(f"{table}.csv", text.getvalue().encode("utf-8"))


def write_graphml(G, out) -> None:
    """GraphML (yEd, Cytoscape) with the same attributes as the GEXF, flattened."""
    H = nx.DiGraph()
    for r in node_records(G):
        H.add_node(r.pop("id"), **{k: v for k, v in r.items() if v is not None})
    for r in edge_records(G):
        r.pop("id")
        u, v = r.pop("source"), r.pop("target")
        H.add_edge(u, v, **{k: v_ for k, v_ in r.items() if v_ is not None})
    nx.write_graphml_lxml(H, out, encoding="utf-8", prettyprint=True)


GRAPH_WRITERS: dict[str, Callable] = {"gexf": write_gexf, "graphml": write_graphml}


# --- RDF formats --------------------------------------------------------------

_SCHEMA = "http://schema.org/"
_KG = "https://w3id.org/mindspore-kg/ontology#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def excluded_nodes(store: ox.Store, options: ExportOptions) -> set:
    """The pages, questions, answers and support statements a filtered export leaves out:
    with options.lang, those of the other language; with options.release, the answers of
    other releases; then the statements derived from a left-out answer, the questions left
    with no answer and the pages left with no question (so the subset stays valid)."""
    if not options.lang and not options.release:
        return set()
    schema = {n: ox.NamedNode(_SCHEMA + n) for n in ("inLanguage", "acceptedAnswer", "isPartOf")}
    excluded: set = set()
    if options.lang:
        excluded |= {q.subject for q in store.quads_for_pattern(None, schema["inLanguage"], None)
                     if q.object.value != options.lang}
        # a question on a page of the other language, an answer to such a question
        excluded |= {q.subject for q in store.quads_for_pattern(None, schema["isPartOf"], None)
                     if q.object in excluded}
        excluded |= {q.object for q in store.quads_for_pattern(None, schema["acceptedAnswer"], None)
                     if q.subject in excluded}
    if options.release:
        keep = ox.NamedNode(find_release(list_releases(store), options.release).iri)
        answer = ox.NamedNode(_SCHEMA + "Answer")
        excluded |= {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(_KG + "release"), None)
                     if q.object != keep and ox.Quad(q.subject, _RDF_TYPE, answer, q.graph_name) in store}
    claims = (ox.NamedNode(_KG + "SupportStatement"), ox.NamedNode(_KG + "Claim"))
    excluded |= {q.subject for q in store.quads_for_pattern(
                     None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None)
                 if q.object in excluded
                 and any(ox.Quad(q.subject, _RDF_TYPE, t, q.graph_name) in store for t in claims)}
    for child, link, parent_type in (("acceptedAnswer", False, "Question"),
                                     ("isPartOf", True, "FAQPage")):
        kept: set = set()   # parents with at least one child kept
        for q in store.quads_for_pattern(None, schema[child], None):
            node, parent = (q.subject, q.object) if link else (q.object, q.subject)
            if node not in excluded:
                kept.add(parent)
        excluded |= {q.subject for q in store.quads_for_pattern(
            None, _RDF_TYPE, ox.NamedNode(_SCHEMA + parent_type)) if q.subject not in kept}
    return excluded


def select_quads(store: ox.Store, options: ExportOptions):
    """The store's quads without those about (or pointing at) the nodes `excluded_nodes`
    leaves out. The vocabulary keeps its labels in both languages (its shapes ask for both)."""
    excluded = excluded_nodes(store, options)
    about = _about_feature(store, options.feature) if options.feature else None
    for q in store:
        if about is not None and q.subject not in about:
            continue
        if q.subject in excluded or q.object in excluded:
            continue
        yield q


def _about_feature(store: ox.Store, feature: str) -> set:
    """The feature and the statements and claims about it (kg:feature, kg:limitationOf)."""
    node = ox.NamedNode(feature)
    about = {node}
    for p in ("feature", "limitationOf"):
        about |= {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(_KG + p), node)}
    return about


def write_rdf(store: ox.Store, fmt: Format, out, options: ExportOptions) -> int:
    """Serialize the (filtered) store; returns the number of triples/quads written."""
    return serialize_rdf(select_quads(store, options), out, fmt, prefix_map())
