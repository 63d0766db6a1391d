"""The starting layout of the projected graph: the positions the GEXF carries (viz:position)
and the /graph page draws (cytoscape's preset layout), so both look right before any layout
is run. Deterministic: the same graph gives the same positions (no randomness at all).

Bands, top to bottom (y grows upwards, as in Gephi):
- hardware in a row, each broader hardware followed by its narrower ones;
- features in a grid per product (the product a feature is filed under: one other than the
  component product when it has one, as the matrix groups rows), blocks side by side; in a
  block, features with hardware links first (ordered by where their hardware sits, so links
  stay short), then by status and label; each column as wide as its longest label;
- under each block its product;
- the releases in a row at the bottom, in release order (the timeline: every feature links the
  release that names it first), and FAQ entries
  (with --include-entries) in a grid below them.
Sizes come from kg/export/style.json ("layout").
"""
from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx


def text_width(label: str, char: float) -> float:
    """The drawn width of a label: CJK characters are about 1.7 Latin ones wide."""
    return char * sum(1.7 if ord(c) >= 0x2E80 else 1.0 for c in label)


def _grid(members: list[str], labels: dict[str, str], x0: float, y0: float, cols: int,
          cfg: dict) -> tuple[dict[str, tuple[float, float]], float]:
    """Place `members` row by row from (x0, y0) downwards, each column as wide as its longest
    label; returns the positions and the grid's width."""
    char, gap, row_h = cfg["char_width"], cfg["column_gap"], cfg["row_height"]
    widths = [0.0] * cols
    for i, n in enumerate(members):
        widths[i % cols] = max(widths[i % cols], text_width(labels[n], char))
    lefts, x = [], x0
    for w in widths:
        lefts.append(x)
        x += w + gap
    positions = {}
    for i, n in enumerate(members):
        c, r = i % cols, i // cols
        positions[n] = (lefts[c] + widths[c] / 2, y0 - r * row_h)
    return positions, max(x - x0 - gap, 0.0)


def place(G: nx.DiGraph, cfg: dict, status_rank: dict[str, int], component: str | None) -> None:
    """Set x, y on every node of G (see the module docstring). `component`: the IRI of the
    product features are filed under when no other product names them (MindSpore)."""
    label = {n: " ".join(str(d.get("label", n)).split()) for n, d in G.nodes(data=True)}
    kinds: dict[str, list[str]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        kinds[d["type"]].append(n)

    # hardware: broader first, its narrower ones after it
    hardware = sorted(kinds["hardware"], key=lambda n: label[n])
    broader = {u: v for u, v, e in G.edges(data=True) if e["relation"] == "narrower"}
    ordered_hw: list[str] = []
    for h in [h for h in hardware if h not in broader]:
        ordered_hw.append(h)
        ordered_hw.extend(n for n in hardware if broader.get(n) == h)
    ordered_hw.extend(h for h in hardware if h not in ordered_hw)
    hw_index = {h: i for i, h in enumerate(ordered_hw)}

    # features: filed under one product each (the projection's `block`, else their belongs-to edges)
    def product_of(f: str) -> str:
        if "block" in G.nodes[f]:
            return G.nodes[f]["block"]
        products = sorted((p for _, p, e in G.out_edges(f, data=True) if e["relation"] == "belongs-to"),
                          key=lambda p: (p == component, label[p], p))
        return products[0] if products else ""
    blocks: dict[str, list[str]] = defaultdict(list)
    for f in kinds["feature"]:
        blocks[product_of(f)].append(f)

    def feature_key(f: str):
        hws = [hw_index[v] for _, v, e in G.out_edges(f, data=True) if e["relation"] == "support"]
        d = G.nodes[f]
        return (0 if hws else 1, sum(hws) / len(hws) if hws else 0,
                status_rank.get(d.get("status") or "", len(status_rank)), label[f].casefold(), f)

    row_h = cfg["row_height"]
    x, top = 0.0, 0.0
    spans = []
    for product in sorted(blocks, key=lambda p: (-len(blocks[p]), label.get(p, ""), p)):
        members = sorted(blocks[product], key=feature_key)
        cols = max(1, min(cfg["max_columns"], round(math.sqrt(len(members) / cfg["rows_per_column"]))))
        positions, width = _grid(members, label, x, top, cols, cfg)
        for n, (px, py) in positions.items():
            G.nodes[n]["x"], G.nodes[n]["y"] = px, py
        rows = math.ceil(len(members) / cols)
        if product in G:
            G.nodes[product]["x"], G.nodes[product]["y"] = x + width / 2, top - rows * row_h - cfg["band_gap"] / 2
        spans.append((x, x + width, rows))
        x += width + cfg["block_gap"]
    width = max(x - cfg["block_gap"], cfg["char_width"] * 20)
    deepest = max((r for _, _, r in spans), default=0) * row_h + cfg["band_gap"] / 2

    # products no feature is filed under: in the product row, after the blocks
    placed = {p for p in blocks if p in G}
    rest = sorted((p for p in kinds["product"] if p not in placed), key=lambda p: label[p])
    for i, p in enumerate(rest):
        G.nodes[p]["x"], G.nodes[p]["y"] = x + i * cfg["char_width"] * 18, top - deepest

    # hardware above the features, spread over the width of the first (largest) block
    first = spans[0] if spans else (0.0, width, 0)
    span = max(first[1] - first[0], cfg["char_width"] * 16 * len(ordered_hw))
    for i, h in enumerate(ordered_hw):
        G.nodes[h]["x"] = first[0] + span * (i + 0.5) / max(len(ordered_hw), 1)
        G.nodes[h]["y"] = top + cfg["band_gap"]

    # the timeline: releases in a row, each as wide as its label; in as few rows as fit the
    # picture's width (the releases split evenly between them, each row from the left)
    y = top - deepest - cfg["band_gap"]
    releases = sorted(kinds["release"], key=lambda n: G.nodes[n].get("release_order", 0))
    if releases:
        widths = [text_width(label[r], cfg["char_width"]) + cfg["column_gap"] for r in releases]
        per_row = math.ceil(len(releases) / math.ceil(sum(widths) / max(width, x, max(widths))))
        for i, (r, w) in enumerate(zip(releases, widths)):
            if i % per_row == 0:
                rx, ry = 0.0, y - (i // per_row) * row_h
            G.nodes[r]["x"], G.nodes[r]["y"] = rx + w / 2, ry
            rx += w
        y -= math.ceil(len(releases) / per_row) * row_h + cfg["band_gap"]
    entries = sorted(kinds["entry"], key=lambda n: label[n])
    if entries:
        cols = max(1, int(max(width, 1) // (cfg["char_width"] * 40)))
        positions, _ = _grid(entries, {n: label[n][:40] for n in entries}, 0.0, y, cols, cfg)
        for n, (px, py) in positions.items():
            G.nodes[n]["x"], G.nodes[n]["y"] = px, py
