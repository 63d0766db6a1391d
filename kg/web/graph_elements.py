"""The /graph page's drawing: the projected graph of kg.export.projection (the one the GEXF of
the same release holds, with its positions and its colours from kg/terms/colours.json) as
cytoscape.js elements. Built off the request threads and kept like an export
(kg.web.export_builds), keyed by release and language."""
from __future__ import annotations

import json

from kg.export.gexf import clean_text
from kg.export.projection import project_graph
from kg.lookup.documents import feature_id
from kg.terms.colours import colour_table

_PREFIX = {"feature": "f:", "hardware": "hw:", "product": "p:", "release": "r:", "entry": "q:"}


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(int(c) for c in rgb[:3])


def node_id(iri: str, kind: str) -> str:
    """hw:GPU, f:mixed-precision (a feature's page id), p:MindSpore, r:r1.2."""
    local = feature_id(iri) if kind == "feature" else iri.rstrip("/").rsplit("/", 1)[-1]
    return _PREFIX.get(kind, "n:") + local


def elements(G) -> dict:
    """{nodes, edges, legend, main_product}: cytoscape.js data with preset positions (y downwards,
    the GEXF's y upwards) and each element's colour; `legend`: (group, name, text, colour) of the
    colours drawn; `main_product`: the product whose belongs-to links the projection left out
    (features name their `products`)."""
    ids = {n: node_id(n, d["type"]) for n, d in G.nodes(data=True)}
    nodes = []
    for n, d in G.nodes(data=True):
        node = {"id": ids[n], "label": " ".join(clean_text(d.get("label", n)).split()), "type": d["type"],
                "colour": _hex(d["color"]), "x": round(d["x"], 1), "y": round(-d["y"], 1),
                "size": round(d.get("size") or 8.0, 1)}
        if d["type"] == "feature":
            node.update(status=d.get("status"), href=feature_id(n), candidate=bool(d.get("candidate")),
                        products=d.get("products") or "")
        nodes.append(node)
    edges = []
    for u, v, d in G.edges(data=True):
        edges.append({"id": f"{ids[u]}->{ids[v]}", "source": ids[u], "target": ids[v],
                      "relation": d["relation"], "status": d.get("status") or d["relation"],
                      "statuses": d.get("stated") or "", "entries": d.get("statements") or 0,
                      "colour": _hex(d["color"]), "sourceLabel": G.nodes[u].get("label", u),
                      "targetLabel": G.nodes[v].get("label", v)})
    table = colour_table()
    used = {("statuses", x["status"]) for x in nodes if x["type"] == "feature"}
    used |= {("kinds", x["type"]) for x in nodes if x["type"] != "feature"}
    used |= {("statuses", e["status"]) for e in edges if e["relation"] == "support"}
    used |= {("relations", e["relation"]) for e in edges if e["relation"] != "support"}
    legend = [(group, name, entry["legend"], entry["colour"]) for group, names in table.items()
              for name, entry in names.items() if (group, name) in used]
    return {"nodes": nodes, "edges": edges, "legend": legend, "main_product": G.graph.get("main_product")}


def build_elements(store, out, *, release: str, lang: str) -> None:
    """Write the elements of `release` with labels in `lang` as JSON to the binary `out`."""
    out.write(json.dumps(elements(project_graph(store, lang=lang, release=release)),
                         ensure_ascii=False).encode("utf-8"))
