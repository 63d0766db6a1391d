"""Project the RDF graph onto a networkx graph for Gephi and other graph tools.

Nodes: features, hardware, products, releases (and, on request, FAQ entries = questions of one
language). Edges: feature -support-> hardware (one edge per pair, its status per release),
feature -belongs-to-> product, hardware -narrower-> broader hardware, entry -about-> feature,
release -next-> release, feature -first-named-> release (_connect_releases).
The product most features belong to (MindSpore: the FAQ is its) has no belongs-to edges: dozens
of them were spokes across every label. Each feature names its products as attributes instead
(`product`, `products`); the other products keep their edges.

It knows nothing of file formats (kg.export.gexf, kg.export.writers); its SPARQL is in kg/export/queries/.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.errors import InputError
from kg.export.layout import place
from kg.model import LANGUAGES
from kg.query.catalogue import load_catalogue
from kg.query.releases import Release, find_release, list_releases
from kg.terms.colours import colour_table, rgb
from kg.terms.iris import mint_iri

DATA_DIR = Path(__file__).resolve().parent / "queries"

# Declared, typed attributes (name, GEXF type, dynamic?). Writers of every format use these lists.
NODE_ATTRIBUTES = [
    ("type", "string", False),          # feature | hardware | product | release | entry
    ("iri", "string", False),
    ("release", "string", False),       # release nodes: their notation; others: first release named
    ("last_release", "string", False),
    ("release_order", "integer", False),
    ("doc_url_count", "integer", False),
    ("statements", "integer", False),   # support statements behind the node's support edges
    ("candidate", "boolean", False),    # features: not (yet) in the vocabulary
    ("status", "string", False),        # features: the summary status (_summarise), or "unstated"
    ("status_overall", "string", False),  # features: what claims naming no hardware say (latest release kept)
    ("status_history", "string", False),  # ... per release: "r1.2:supported r2.0:unsupported"
    ("product", "string", False),       # features: the product they are filed under (their block)
    ("products", "string", False),      # features: every product their answers come from ("MindSpore, MindSpore Lite")
]
# ... and per hardware, "status_<notation>" (features: the status on it in the latest release stating it)
EDGE_ATTRIBUTES = [
    ("relation", "string", False),      # support | belongs-to | narrower | about | next | first-named
    ("status", "string", True),         # support edges: the status in each release
    ("release", "string", True),        # the release each spell stands for
    ("first_release", "string", False),
    ("last_release", "string", False),
    ("statements", "integer", False),
    ("doc_url_count", "integer", False),
    ("status_history", "string", False),  # "r1.0:unsupported r1.1:planned ..." for static readers
    ("stated", "string", False),        # support edges: every status the latest release states ("supported partial")
]


# colours of the one table (kg/terms/colours.json) as GEXF's RGB
STATUS_RGB = {k: rgb(v["colour"]) for k, v in colour_table()["statuses"].items() if k != "mixed"}
KIND_RGB = {k: rgb(v["colour"]) for k, v in colour_table()["kinds"].items()}
RELATION_RGB = {k: rgb(v["colour"]) for k, v in colour_table()["relations"].items()}


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    return load_catalogue(DATA_DIR).get(name).text


@lru_cache(maxsize=1)
def load_style() -> dict:
    return json.loads((DATA_DIR.parent / "style.json").read_text(encoding="utf-8"))


def _value(term):
    """Python value of an RDF term: IRIs as strings, typed literals as int/bool/str."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            return int(term.value)
        if dt.endswith("#boolean"):
            return term.value in ("true", "1")
        return term.value
    return term.value


def select(store: ox.Store, name: str, **bindings) -> list[dict]:
    """Run kg/export/queries/<name>.rq; bindings are substituted as typed terms, never spliced."""
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    solutions = store.query(load_query(name), substitutions=subs or None)
    variables = [v.value for v in solutions.variables]
    return [{v: s[v] for v in variables} for s in solutions]


def runs(orders) -> list[tuple[int, int]]:
    """Consecutive integers as closed intervals: {1,2,3,5} -> [(1,3), (5,5)]."""
    out: list[list[int]] = []
    for o in sorted(set(orders)):
        if out and o == out[-1][1] + 1:
            out[-1][1] = o
        else:
            out.append([o, o])
    return [(a, b) for a, b in out]


def value_runs(by_order: dict[int, str]) -> list[tuple[str, int, int]]:
    """Runs of consecutive orders with the same value: {1:'a',2:'a',3:'b',5:'b'} ->
    [('a',1,2), ('b',3,3), ('b',5,5)]."""
    out: list[list] = []
    for o in sorted(by_order):
        v = by_order[o]
        if out and out[-1][0] == v and out[-1][2] == o - 1:
            out[-1][2] = o
        else:
            out.append([v, o, o])
    return [tuple(r) for r in out]


def resolve_status(counts: Counter) -> str:
    """The status of one release: the most frequent; ties go to the first in status_precedence."""
    precedence = load_style()["status_precedence"]
    rank = {s: i for i, s in enumerate(precedence)}
    return min(counts, key=lambda s: (-counts[s], rank.get(s, len(rank)), s))


class _Labels:
    def __init__(self, store: ox.Store, lang: str):
        self.lang = lang
        self.by_node: dict[str, dict[str, str]] = defaultdict(dict)
        self.notation: dict[str, str] = {}
        for row in select(store, "labels"):
            node = row["node"].value
            if row["label"] is not None:
                self.by_node[node].setdefault(row["label"].language or "", row["label"].value)
            elif row["notation"] is not None:
                self.notation.setdefault(node, row["notation"].value)

    def get(self, node: str) -> str:
        labels = self.by_node.get(node, {})
        for lang in (self.lang, "en", "zh", ""):
            if lang in labels:
                return labels[lang]
        if labels:
            return labels[sorted(labels)[0]]
        return self.notation.get(node) or node.rsplit("/", 1)[-1]


def project_graph(store: ox.Store, *, lang: str = "en", release: str | None = None,
                  include_entries: bool = False, dynamic: bool | None = None,
                  feature: str | None = None) -> nx.DiGraph:
    """The graph for Gephi. `release` keeps one release (static); otherwise every release is
    kept and, unless `dynamic` is False, edges carry spells over the releases that state them.
    `feature` (an IRI) keeps that feature, what it links to and the releases."""
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    releases = list_releases(store)
    selected = find_release(releases, release) if release else None
    if dynamic is None:
        dynamic = selected is None
    if dynamic and selected is not None:
        raise InputError("a single --release is a static snapshot; drop --dynamic or --release")
    keep = {selected.order} if selected else {r.order for r in releases}
    by_order = {r.order: r for r in releases}
    style = load_style()
    labels = _Labels(store, lang)

    G = nx.DiGraph(mode="dynamic" if dynamic else "static", lang=lang,
                   release=selected.notation if selected else None,
                   releases=[(r.order, r.notation) for r in releases if r.order in keep],
                   node_attributes=NODE_ATTRIBUTES, edge_attributes=EDGE_ATTRIBUTES)

    def add_node(iri: str, kind: str, **attrs):
        if iri not in G:
            G.add_node(iri, label=labels.get(iri), type=kind, iri=iri, **attrs)
        return G.nodes[iri]

    for row in select(store, "hardware"):
        add_node(row["hardware"].value, "hardware")
        if row["broader"] is not None:
            add_node(row["broader"].value, "hardware")
            G.add_edge(row["hardware"].value, row["broader"].value, relation="narrower")
    for row in select(store, "products"):
        add_node(row["product"].value, "product")
    for r in releases:
        if r.order in keep:
            add_node(r.iri, "release", release=r.notation, release_order=r.order,
                     orders={r.order})

    # features and "feature belongs to product", per release
    candidates = {row["feature"].value for row in select(store, "candidates")}
    belongs: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in select(store, "features"):
        order = _value(row["order"])
        if order not in keep:
            continue
        f = row["feature"].value
        node = add_node(f, "feature", candidate=f in candidates, orders=set())
        node.setdefault("orders", set()).add(order)     # a product a claim is about is already a node
        if row["product"] is not None:
            add_node(row["product"].value, "product")
            key = (f, row["product"].value)
            belongs[key][order] = belongs[key].get(order, 0) + _value(row["n"])
    for (f, p), per_order in belongs.items():
        G.add_edge(f, p, relation="belongs-to", orders=per_order, statements=0)

    # support edges: one per (feature, hardware), the status resolved per release
    support: dict[tuple[str, str], dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for row in select(store, "support"):
        order, status = _value(row["order"]), _value(row["status"])
        if order in keep and status in STATUS_RGB:
            support[(row["feature"].value, row["hardware"].value)][order][status] += _value(row["n"])
    for (f, h), per_order in support.items():
        add_node(f, "feature", candidate=f in candidates, orders=set()).setdefault("orders", set()).update(per_order)
        add_node(h, "hardware")
        statuses = {o: resolve_status(c) for o, c in per_order.items()}
        n = sum(sum(c.values()) for c in per_order.values())
        stated = " ".join(sorted(per_order[max(per_order)], key=lambda s: list(STATUS_RGB).index(s)))
        G.add_edge(f, h, relation="support", orders={o: 1 for o in per_order},
                   statuses=statuses, status=statuses[max(statuses)], statements=n, stated=stated)
        for node in (f, h):
            G.nodes[node]["statements"] = G.nodes[node].get("statements", 0) + n

    _fold_main_product(G, mint_iri("product", "MindSpore"))
    _add_overall_status(store, G, keep, by_order)
    _summarise(G)
    _connect_releases(G, [r for r in releases if r.order in keep])
    if include_entries:
        _add_entries(store, G, lang, keep, add_node)
    _add_doc_url_counts(store, G, keep)
    if feature:
        _keep_feature(G, feature)
    _finish(G, by_order, dynamic, style)
    return G


def _fold_main_product(G, component: str) -> None:
    """Every feature's `products` (labels, the one it is filed under first) and `product` (the one
    it is filed under: another than `component` when it has one, as the matrix groups them; its
    IRI is the layout's `block`); the belongs-to edges of the product more than half of the
    features belong to leave the graph, told by those attributes (G.graph["main_product"]); its
    node stays when other edges hold it (claims about it on hardware)."""
    features = [n for n, d in G.nodes(data=True) if d["type"] == "feature"]
    members: Counter = Counter()
    for f in features:
        products = sorted((p for _, p, e in G.out_edges(f, data=True) if e["relation"] == "belongs-to"),
                          key=lambda p: (p == component, G.nodes[p]["label"], p))
        members.update(products)
        G.nodes[f]["products"] = ", ".join(G.nodes[p]["label"] for p in products)
        G.nodes[f]["product"] = G.nodes[products[0]]["label"] if products else ""
        G.nodes[f]["block"] = products[0] if products else ""
    main = min(members, key=lambda p: (-members[p], p), default=None)
    if main is not None and members[main] * 2 > len(features):
        G.graph["main_product"] = G.nodes[main]["label"]
        G.remove_edges_from([(u, v) for u, v, e in G.in_edges(main, data=True) if e["relation"] == "belongs-to"])


def _add_overall_status(store, G, keep, by_order) -> None:
    """Features' own status where no hardware is named (hot update: unsupported), as node
    attributes: the latest release's, and the history per release."""
    per: dict[str, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for row in select(store, "overall"):
        order, status = _value(row["order"]), _value(row["status"])
        if order in keep and row["feature"].value in G and status in STATUS_RGB:
            per[row["feature"].value][order][status] += _value(row["n"])
    for f, counts in per.items():
        statuses = {o: resolve_status(c) for o, c in counts.items()}
        G.nodes[f]["status_overall"] = statuses[max(statuses)]
        G.nodes[f]["overall_order"] = max(statuses)
        G.nodes[f]["status_history"] = " ".join(f"{by_order[o].notation}:{s}" for o, s in sorted(statuses.items()))


def _summarise(G) -> None:
    """Every feature's summary status and its status per hardware (status_<notation>): what the
    latest release stating anything about the feature says, overall (claims naming no hardware)
    when it says that, else the status most of its hardware links have (ties: status_precedence);
    "unstated" when no claim is about the feature as a whole (entries name it, or only its
    limitations). Products and hardware nothing links to are left out, as are
    self-links (a product named by its own pages)."""
    G.remove_edges_from([(u, v) for u, v in G.edges if u == v])
    G.remove_nodes_from([n for n, d in G.nodes(data=True)
                         if d["type"] in ("product", "hardware") and G.degree(n) == 0])
    hardware = sorted({v for _, v, e in G.edges(data=True) if e["relation"] == "support"},
                      key=lambda h: h.rsplit("/", 1)[-1])
    G.graph["node_attributes"] = NODE_ATTRIBUTES + [
        (f"status_{h.rsplit('/', 1)[-1]}", "string", False) for h in hardware]
    for f, d in G.nodes(data=True):
        if d["type"] != "feature":
            continue
        links = [(e["status"], max(e["statuses"])) for _, _, e in G.out_edges(f, data=True)
                 if e["relation"] == "support"]
        for (_, h, e) in G.out_edges(f, data=True):
            if e["relation"] == "support":
                d[f"status_{h.rsplit('/', 1)[-1]}"] = e["status"]
        latest = max([o for _, o in links], default=-1)
        overall_order = d.pop("overall_order", -1)
        if d.get("status_overall") and overall_order >= latest:
            d["status"] = d["status_overall"]
        elif links:
            d["status"] = resolve_status(Counter(s for s, o in links if o == latest))
        else:
            d["status"] = "unstated"


def _connect_releases(G, releases: list[Release]) -> None:
    """The releases as a timeline (release -next-> release), and every feature -first-named->
    the release naming it first (its `release`): what holds the two thirds of the features no
    hardware claim links in a force layout. A single release (a snapshot) is the graph's own
    `release`, not a node (nor an edge)."""
    if len(releases) == 1:
        G.remove_node(releases[0].iri)
        return
    for a, b in zip(releases, releases[1:]):
        G.add_edge(a.iri, b.iri, relation="next", orders={a.order: 1, b.order: 1}, statements=0)
    iri = {r.order: r.iri for r in releases}
    for f, first in [(f, min(d["orders"])) for f, d in G.nodes(data=True) if d["type"] == "feature" and d["orders"]]:
        G.add_edge(f, iri[first], relation="first-named", orders={first: 1}, statements=0)


def _keep_feature(G, feature: str) -> None:
    """Only `feature`, its neighbours and the releases (only those when they say nothing of it)."""
    keep = {feature, *G.successors(feature), *G.predecessors(feature)} if feature in G else set()
    keep |= {n for n, d in G.nodes(data=True) if d["type"] == "release"}
    G.remove_nodes_from([n for n in list(G) if n not in keep])
    G.graph["feature"] = feature


def _add_entries(store, G, lang, keep, add_node) -> None:
    about: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in select(store, "entries", lang=ox.Literal(lang)):
        order = _value(row["order"])
        if order not in keep:
            continue
        q = row["question"].value
        node = add_node(q, "entry", orders=set())
        node["label"] = " ".join(row["name"].value.split())
        node["orders"].add(order)
        if row["feature"] is not None and row["feature"].value in G:
            about[(q, row["feature"].value)].add(order)
    for (q, f), orders in about.items():
        G.add_edge(q, f, relation="about", orders={o: 1 for o in orders}, statements=0)


def _add_doc_url_counts(store, G, keep) -> None:
    nodes: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in select(store, "doc_urls"):
        if _value(row["order"]) not in keep:
            continue
        node, url = row["node"].value, row["url"].value
        if row["hardware"] is not None:
            edges[(node, row["hardware"].value)].add(url)
        else:
            nodes[node].add(url)
    for n, data in G.nodes(data=True):
        data["doc_url_count"] = len(nodes.get(n, ()))
    for u, v, data in G.edges(data=True):
        data["doc_url_count"] = len(edges.get((u, v), ()))


def _finish(G: nx.DiGraph, by_order: dict[int, Release], dynamic: bool, style: dict) -> None:
    """Releases, spells, dynamic values, colours, sizes and positions."""
    name = {o: r.notation for o, r in by_order.items()}
    for _u, _v, e in G.edges(data=True):
        counts = e.pop("orders", {})
        orders = sorted(counts)
        e.setdefault("statements", 0)
        e["weight"] = float(e["statements"] or sum(counts.values()) or 1)
        if orders:
            e["first_release"], e["last_release"] = name[orders[0]], name[orders[-1]]
            e["release"] = name[orders[-1]]
            e["release_spells"] = [(name[o], o, o) for o in orders]
            e["spells"] = runs(orders) if dynamic else []
        statuses = e.pop("statuses", None)
        if statuses:
            e["status_spells"] = value_runs(statuses)
            e["status_history"] = " ".join(f"{name[o]}:{s}" for o, s in sorted(statuses.items()))
            e["color"] = STATUS_RGB[e["status"]]
        else:
            e["color"] = RELATION_RGB.get(e["relation"], (128, 128, 128))
        if not dynamic:
            e.pop("release_spells", None)
            e.pop("status_spells", None)
    for n, d in G.nodes(data=True):
        orders = sorted(d.pop("orders", ()))
        if orders and d["type"] != "release":
            d["release"], d["last_release"] = name[orders[0]], name[orders[-1]]
        d["spells"] = runs(orders) if dynamic and d["type"] in ("feature", "entry", "release") else []
        kind = "candidate" if d.get("candidate") else d["type"]
        d["color"] = STATUS_RGB[d["status"]] if d["type"] == "feature" else KIND_RGB[kind]
        size = style["node_size"]
        d["size"] = size["base"] + size["per_sqrt_degree"] * math.sqrt(G.degree(n))
    rank = {st: i for i, st in enumerate(style["status_precedence"])}
    place(G, style["layout"], rank, mint_iri("product", "MindSpore"))
