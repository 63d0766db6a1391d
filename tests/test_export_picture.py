"""The exported GEXF looks right before anyone runs a layout: read back with networkx, drawn at
its own positions (viz:position) with matplotlib (a test-only dependency), 1 layout unit = 1
pixel with the labels at the page's size. Checked as a user would look: nodes spread over both
axes, bands of hardware / features / products / releases, no isolated node, labels that do not
overlap, a colour for every status present. The Chinese labels are drawn in a font with Chinese
glyphs (WenQuanYi Micro Hei, Debian's fonts-wqy-microhei, which .ci/run installs; any other
system font that has them will do), found through matplotlib's font manager; without one the
zh picture is skipped, except in CI."""
from __future__ import annotations

import io
import os

import networkx as nx
import pytest
from conftest import RELEASES

from kg.export.gexf import write_gexf
from kg.export.projection import STATUS_RGB, project_graph
from kg.store import open_store

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FONT_PX = 10
LATIN = "DejaVu Sans"  # matplotlib's own font: the Latin text; Chinese falls back to cjk_font()
HAN = "昇腾支持量化推理训练"  # characters of the zh labels a font must have


def cjk_font() -> str | None:
    """The family name of a system font with Chinese glyphs, added to matplotlib's font manager
    (its cache may predate the font's install), or None when the machine has none."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    for path in sorted(font_manager.findSystemFonts()):
        try:
            charmap = FT2Font(path).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if all(ord(c) in charmap for c in HAN):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def chinese_font() -> str:
    """cjk_font(), or skip (fail in CI, where .ci/run installs fonts-wqy-microhei)."""
    name = cjk_font()
    if name is None:
        message = "no font with Chinese glyphs: apt-get install fonts-wqy-microhei"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return name


def read_back(G) -> nx.DiGraph:
    """G written as GEXF and read back by networkx, with each edge's viz:color (which networkx
    does not read; Gephi does) as its `viz` too, so the picture colours edges as Gephi would."""
    from lxml import etree
    buf = io.BytesIO()
    write_gexf(G, buf)
    H = nx.read_gexf(io.BytesIO(buf.getvalue()))
    colours = {}
    for edge in etree.fromstring(buf.getvalue()).iter("{*}edge"):
        c = next(edge.iter("{http://gexf.net/1.3/viz}color", "{*}color"), None)
        if c is not None:
            colours[edge.get("id")] = {k: int(c.get(k)) for k in "rgb"}
    for _, _, d in H.edges(data=True):
        if d.get("id") in colours:
            d["viz"] = {"color": colours[d["id"]]}
    return H


def render(H, path=None, fonts=(LATIN,)):
    """Draw H at its viz positions, labels in the first of `fonts` that has each glyph; returns
    (figure, {node: label bbox in pixels})."""
    pos = {n: (d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for n, d in H.nodes(data=True)}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    margin = 120
    w, h = max(xs) - min(xs) + 2 * margin, max(ys) - min(ys) + 2 * margin
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(min(xs) - margin, max(xs) + margin)
    ax.set_ylim(min(ys) - margin, max(ys) + margin)
    ax.axis("off")
    colour = {n: tuple(d["viz"]["color"][k] / 255 for k in "rgb") for n, d in H.nodes(data=True)}
    nx.draw_networkx_edges(H, pos, ax=ax, width=0.6, alpha=0.5, arrows=False,
                           edge_color=[tuple(d["viz"]["color"][k] / 255 for k in "rgb") if "viz" in d
                                       else (0.6, 0.6, 0.6) for _, _, d in H.edges(data=True)])
    nx.draw_networkx_nodes(H, pos, ax=ax, node_size=30, node_color=[colour[n] for n in H])
    below = {n: (x, y - 6) for n, (x, y) in pos.items()}  # under the dot, as on the /graph page
    texts = nx.draw_networkx_labels(H, below, ax=ax, font_size=FONT_PX * 72 / 100,
                                    labels={n: d["label"] for n, d in H.nodes(data=True)},
                                    font_family=list(fonts), verticalalignment="top")
    fig.canvas.draw()
    boxes = {n: t.get_window_extent() for n, t in texts.items()}
    if path:
        fig.savefig(path)
    return fig, boxes


def overlapping(boxes) -> list[tuple[str, str]]:
    items = sorted(boxes.items(), key=lambda kv: kv[1].x0)
    out = []
    for i, (a, ba) in enumerate(items):
        for b, bb in items[i + 1:]:
            if bb.x0 >= ba.x1:
                break
            if ba.overlaps(bb):
                out.append((a, b))
    return out


@pytest.fixture(scope="module")
def store(two_release_store):
    return open_store(two_release_store)


@pytest.mark.filterwarnings("error:Glyph")  # a label drawn as empty boxes fails the test
@pytest.mark.parametrize("release, lang", [(None, "en"), (RELEASES[-1], "en"), (RELEASES[-1], "zh")])
def test_the_exported_gexf_is_a_picture_worth_opening(store, release, lang, tmp_path):
    fonts = (LATIN, chinese_font()) if lang == "zh" else (LATIN,)
    G = project_graph(store, release=release, lang=lang)
    H = read_back(G)
    if lang == "zh":
        assert any(set(HAN) & set(d["label"]) for _, d in H.nodes(data=True)), "labels in Chinese"
    picture = os.environ.get("KG_PICTURE")
    fig, boxes = render(H, picture and f"{picture}-{release or 'all'}-{lang}.png" or tmp_path / "graph.png", fonts)
    plt.close(fig)
    # no node left alone: over the releases every feature links the release naming it first; in
    # a snapshot (no release nodes) alone only the features whose one link was to the product most
    # features belong to (their `product` attribute, not a spoke across the picture), in its block
    main = G.graph.get("main_product")
    alone = [n for n in nx.isolates(H)
             if release is None or not (H.nodes[n]["type"] == "feature"
                                        and main in H.nodes[n]["products"].split(", "))]
    assert alone == [], "no node left alone"
    if release is None:
        first = {u: v for u, v, d in H.edges(data=True) if d["label"] == "first-named"}  # dynamic: label
        assert {n for n, d in H.nodes(data=True) if d["type"] == "feature"} == set(first)
        assert all(H.nodes[r]["release"] == H.nodes[f]["release"] for f, r in first.items())
    features = [n for n, d in H.nodes(data=True) if d["type"] == "feature"]
    fans = [p for p, d in H.nodes(data=True) if d["type"] == "product"
            and sum(1 for u, _ in H.in_edges(p)) * 2 > len(features)]
    assert main and fans == [], "no product with a spoke from most features"
    x = [d["viz"]["position"]["x"] for _, d in H.nodes(data=True)]
    y = [d["viz"]["position"]["y"] for _, d in H.nodes(data=True)]
    assert max(x) - min(x) > 300 and max(y) - min(y) > 300, "spread over both axes"
    assert len(set(zip(x, y))) == H.number_of_nodes(), "no two nodes on one spot"
    # bands: hardware above the features, products below them, releases at the bottom
    band = {}
    for _, d in H.nodes(data=True):
        band.setdefault(d["type"], []).append(d["viz"]["position"]["y"])
    assert min(band["hardware"]) > max(band["feature"]) > min(band["feature"]) > max(band["product"])
    if release is None:
        assert max(band["release"]) < min(band["product"])
    else:
        assert "release" not in band, "a snapshot's release is the graph's, not a node"
    # every feature has a summary status and is coloured by it; one colour per status present
    features = [d for _, d in H.nodes(data=True) if d["type"] == "feature"]
    assert features and all(d.get("status") in STATUS_RGB for d in features)
    present = {d["status"] for d in features}
    colours = {(d["viz"]["color"]["r"], d["viz"]["color"]["g"], d["viz"]["color"]["b"]) for d in features}
    assert len(present) >= 2 and len(colours) >= len(present)
    # support edges are drawn in the colour of their status, as in Gephi
    support = [d for *_, d in H.edges(data=True) if "support" in str(d.get("relation"))]
    assert support and all("viz" in d for d in support)
    # readable: no two labels overlap at the page's font size
    assert overlapping(boxes) == []
