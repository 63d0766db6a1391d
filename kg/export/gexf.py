"""GEXF 1.3 writer (lxml) for the graphs of kg.export.projection.

Written here rather than with networkx.write_gexf, whose 1.3 output does not validate (XML-Schema
instance namespace without "www.", `z="None"`, `timeformat="long"`, a `name` attribute on
<graph>), which fails on None and lists and renames reserved attribute names silently.

What this writer guarantees (tests check each against the 1.3 RNG/XSD, networkx and graphology):
- every attribute is declared once per class, typed, id == title; node and edge attributes
  each sit in ONE <attributes> block (graphology-gexf reads only the last block of a class);
- dynamic graphs: timeformat="double" (Gephi's importer does not know "integer"; "long" is not
  GEXF 1.3) with the release order as time (whole numbers), closed intervals; an attribute
  that changes over time is several <attvalue start= end=> of ONE edge, never duplicate edges;
  the edges' constant attributes carry the edge's lifetime as start/end (networkx needs them);
- viz elements in the viz namespace (http://gexf.net/1.3/viz), z written as 0.0.
"""
from __future__ import annotations

import re

import networkx as nx
from lxml import etree

from kg import __version__

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
MEDIA_TYPE = "application/gexf+xml"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value) -> str:
    """A string XML 1.0 can carry (control characters dropped)."""
    return _NOT_XML.sub("", str(value))


def format_value(value, gexf_type: str) -> str:
    if gexf_type == "boolean":
        return "true" if value else "false"
    if gexf_type in ("integer", "long", "short", "byte"):
        return str(int(value))
    if gexf_type in ("double", "float"):
        return repr(float(value))
    return clean_text(value)


def _g(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _v(tag: str) -> str:
    return f"{{{VIZ_NS}}}{tag}"


def _declare(graph_el, cls: str, attributes, dynamic: bool) -> None:
    block = etree.SubElement(graph_el, _g("attributes"), {"class": cls,
                             "mode": "dynamic" if dynamic else "static"})
    for name, gexf_type, _ in attributes:
        etree.SubElement(block, _g("attribute"), id=name, title=name, type=gexf_type)


def _attvalues(el, data: dict, attributes, lifetime: tuple[int, int] | None = None) -> None:
    """attvalues of one element. With `lifetime` (a dynamic attributes block), every value
    carries start/end: a changing attribute one value per `<name>_spells` entry, the others
    the element's whole lifetime (networkx's reader needs start/end on every dynamic value)."""
    values = etree.Element(_g("attvalues"))
    for name, gexf_type, may_change in attributes:
        spells = data.get(f"{name}_spells") if lifetime and may_change else None
        if not spells and data.get(name) is not None:
            spells = [(data[name], *lifetime)] if lifetime else [(data[name], None, None)]
        for value, start, end in spells or ():
            attrs = {"for": name, "value": format_value(value, gexf_type)}
            if start is not None:
                attrs["start"], attrs["end"] = str(start), str(end)
            etree.SubElement(values, _g("attvalue"), attrs)
    if len(values):
        el.append(values)


def _spells(el, spells) -> None:
    if spells:
        box = etree.SubElement(el, _g("spells"))
        for start, end in spells:
            etree.SubElement(box, _g("spell"), start=str(start), end=str(end))


def _color(el, rgb) -> None:
    if rgb:
        r, g, b = (int(c) for c in rgb[:3])
        etree.SubElement(el, _v("color"), r=str(r), g=str(g), b=str(b))


def build_gexf(G: nx.DiGraph) -> etree._ElementTree:
    """The GEXF 1.3 document of a projected graph (see kg.export.projection.project_graph)."""
    dynamic = G.graph.get("mode") == "dynamic"
    node_attrs = G.graph.get("node_attributes", [])
    edge_attrs = G.graph.get("edge_attributes", [])
    root = etree.Element(_g("gexf"), nsmap={None: GEXF_NS, "viz": VIZ_NS, "xsi": XSI_NS},
                         version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = etree.SubElement(root, _g("meta"))
    etree.SubElement(meta, _g("creator")).text = f"kg {__version__}"
    etree.SubElement(meta, _g("description")).text = clean_text(describe(G))
    etree.SubElement(meta, _g("keywords")).text = "MindSpore, FAQ, support, hardware, releases"

    graph_attrs = {"defaultedgetype": "directed", "mode": "dynamic" if dynamic else "static"}
    if dynamic:  # Gephi's importer knows double/date/datetime (not integer, not long)
        graph_attrs["timeformat"] = "double"
        graph_attrs["timerepresentation"] = "interval"
    graph_el = etree.SubElement(root, _g("graph"), graph_attrs)
    dynamic_edges = dynamic and any(a[2] for a in edge_attrs)
    _declare(graph_el, "node", node_attrs, False)
    _declare(graph_el, "edge", edge_attrs, dynamic_edges)
    orders = [o for o, _ in G.graph.get("releases", [])] or [0]
    timeline = (min(orders), max(orders))

    nodes_el = etree.SubElement(graph_el, _g("nodes"), count=str(G.number_of_nodes()))
    for n, d in G.nodes(data=True):
        el = etree.SubElement(nodes_el, _g("node"), id=clean_text(n),
                              label=" ".join(clean_text(d.get("label", n)).split()))
        _attvalues(el, d, node_attrs)
        _spells(el, d.get("spells") if dynamic else None)
        _color(el, d.get("color"))
        if "x" in d:
            etree.SubElement(el, _v("position"), x=repr(float(d["x"])), y=repr(float(d["y"])),
                             z="0.0")
        if d.get("size") is not None:
            etree.SubElement(el, _v("size"), value=repr(float(d["size"])))

    edges_el = etree.SubElement(graph_el, _g("edges"), count=str(G.number_of_edges()))
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        attrs = {"id": f"e{i}", "source": clean_text(u), "target": clean_text(v)}
        label = d.get("status") or d.get("relation")
        if label:
            attrs["label"] = clean_text(label)
        if d.get("weight") is not None:
            attrs["weight"] = repr(float(d["weight"]))
        el = etree.SubElement(edges_el, _g("edge"), attrs)
        spells = d.get("spells")
        lifetime = (spells[0][0], spells[-1][1]) if spells else timeline
        _attvalues(el, d, edge_attrs, lifetime if dynamic_edges else None)
        _spells(el, d.get("spells") if dynamic else None)
        _color(el, d.get("color"))
    return etree.ElementTree(root)


def describe(G: nx.DiGraph) -> str:
    lang = G.graph.get("lang", "en")
    text = f"Support graph of the MindSpore FAQ (labels: {lang}). "
    if G.graph.get("mode") == "dynamic":
        text += "Timeline: releases in order, " + ", ".join(
            f"{o}={n}" for o, n in G.graph.get("releases", [])) + "."
    if any(e.get("relation") == "first-named" for *_, e in G.edges(data=True)):
        text += " Every feature links the release that names it first (relation first-named)."
    elif G.graph.get("release"):
        text += f"Release {G.graph['release']}."
    else:
        text += "All releases; edges carry their latest status."
    if G.graph.get("main_product"):
        text += (f" Features without a belongs-to edge are {G.graph['main_product']}'s; every feature "
                 "names its products in the attributes product and products.")
    return text


def write_gexf(G: nx.DiGraph, out) -> None:
    """Write G as GEXF 1.3 to a path or a binary file object."""
    build_gexf(G).write(out, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def gexf_bytes(G: nx.DiGraph) -> bytes:
    return etree.tostring(build_gexf(G), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
