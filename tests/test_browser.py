"""The web pages in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright's Python package, never `playwright install`) against a real `kg serve` on
127.0.0.1 over a store built from two releases of the real corpus.

Load each page, use the release/language selectors, click a matrix cell and read its
evidence, run a query in the console and see rows, draw the graph; on a wide and a
narrow screen, with no request leaving the server. .ci/run installs what this needs:
`apt-get install -y chromium` and `pip install playwright`.
"""
from __future__ import annotations

import os
import shutil
from urllib.parse import quote

import pytest
from conftest import RELEASES
from kgserver import kg_serve
from pages_support import PREFIXES, select, statement_cells

from kg.lookup.documents import feature_id

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = ["/", "/matrix", f"/matrix?release={RELEASES[-1]}&lang=zh&compare={RELEASES[0]}",
         "/graph", "/sparql", "/search?q=%E7%83%AD%E5%8A%A0%E8%BD%BD"]


def _need_browser():
    """Skip where the browser is not installed, except in CI (where .ci/run installs it)."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    if not shutil.which(CHROMIUM):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def store(two_release_store):
    """The store `kg serve` serves, asked independently by the checks."""
    return two_release_store


@pytest.fixture(scope="module")
def base(store):
    with kg_serve(store, "--workers", "1") as url:
        yield url.rsplit("/sparql", 1)[0]


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["wide", "narrow"])
def tab(request, browser, base):
    """A fresh page that records script errors and any request to another host."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.errors, pg.foreign = [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith((base, "data:")) else pg.foreign.append(r.url))
    pg.set_default_timeout(15000)
    yield pg
    assert not pg.errors, pg.errors
    assert not pg.foreign, f"requests left the server: {pg.foreign}"
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_and_fits_the_screen(tab, base, path):
    resp = tab.goto(base + path)
    assert resp.status == 200
    assert tab.locator("h1").count() == 1
    # nothing wider than the screen but the tables' own scroll boxes
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} is {overflow}px wider than the screen"
    # every link and control can be reached with Tab
    focusable = tab.evaluate("""Array.from(document.querySelectorAll('a[href], select, button, textarea'))
        .filter(e => e.tabIndex < 0).length""")
    assert focusable == 0


def test_selectors_change_the_matrix(tab, base, store):
    old, new = RELEASES
    tab.goto(base + "/matrix")
    assert tab.locator("#release").input_value() == new  # the latest release by default
    tab.get_by_label("Release", exact=True).select_option(old)
    tab.get_by_label("Language of the pages", exact=True).select_option("zh")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url(f"**/matrix?release={old}&lang=zh*")
    assert f"of {old}, Chinese pages" in tab.locator("h1").inner_text()
    cells = tab.locator("#matrix td[data-status]")
    # every (feature, hardware) of the release has a cell; a feature stated in entries about
    # two products has a row in each product's group
    shown = {(c.get_attribute("data-feature"), c.get_attribute("data-hw")) for c in cells.all()}
    assert shown == {(feature_id(f), hw) for f, hw, _ in statement_cells(store, old, "zh")}
    # compare with the other release: changed cells are outlined and say what they were
    tab.get_by_label("Release", exact=True).select_option(new)
    tab.get_by_label("Compare with release", exact=True).select_option(old)
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url(f"**compare={old}*")
    changed = tab.locator("#matrix td.changed")
    assert changed.count() > 0
    assert changed.first.locator(".was").inner_text().startswith("was: ")
    assert f"{changed.count()} cell" in tab.locator("#changes").inner_text()


def test_clicking_a_cell_shows_its_evidence(tab, base, store):
    tab.goto(base + f"/matrix?release={RELEASES[-1]}&lang=en")
    link = tab.locator("#matrix td[data-hw='GPU'] a").first
    target = link.get_attribute("href")[1:]
    evidence = tab.locator(f"section#{target}")
    assert not evidence.is_visible()
    link.click()
    assert evidence.is_visible()
    questions = evidence.locator(".entry .q").all_inner_texts()
    assert questions and all(q.strip() for q in questions)
    rows = select(store, PREFIXES + """SELECT ?q WHERE { ?x schema:name ?q ; schema:inLanguage "en" }""")
    known = {" ".join(r["q"].split()) for r in rows}
    assert all(" ".join(q.split()) in known for q in questions)
    assert "GPU" in evidence.locator("h3").inner_text()
    # back to the cell, then the same by keyboard on another cell
    evidence.get_by_role("link", name="Back to the cell").click()
    other = tab.locator("#matrix td[data-status] a").nth(1)
    other.focus()
    tab.keyboard.press("Enter")
    assert tab.locator(f"section#{other.get_attribute('href')[1:]}").is_visible()


def test_feature_page_from_the_matrix(tab, base):
    tab.goto(base + f"/matrix?release={RELEASES[-1]}&lang=zh")
    # the first row with a cell that states a status (rows of limitations only have none)
    stated = tab.locator("#matrix tbody tr").filter(has=tab.locator("td[data-status]"))
    row = stated.first.locator("th[scope=row] a")
    name = row.inner_text()
    row.click()
    tab.wait_for_url("**/features/**")
    assert name in tab.locator("h1").inner_text()
    assert tab.locator("table.timeline tbody tr").count() >= 1
    assert tab.locator("ol[aria-labelledby=evidence-h] > li").count() >= 1


def test_a_row_of_limitations_only_opens_a_page_that_lists_them(tab, base):
    tab.goto(base + f"/matrix?release={RELEASES[-1]}&lang=zh")
    rows = tab.locator("#matrix tbody tr").filter(has=tab.locator("a.limits"))
    bare = rows.filter(has_not=tab.locator("td[data-status]"))
    assert bare.count() >= 1, "the zh matrix has a feature known only by its limitations"
    link = bare.first.locator("th[scope=row] a").first
    name = link.inner_text()
    link.click()
    tab.wait_for_url("**/features/**")
    assert name in tab.locator("h1").inner_text()
    assert tab.locator("table.timeline").count() == 0
    assert "No support statement names this feature" in tab.locator("main").inner_text()
    assert tab.locator("#limits-h").inner_text().startswith("Limitations")


def test_console_runs_a_query_and_shows_rows(tab, base, store):
    tab.goto(base + "/sparql")
    q = PREFIXES + ("SELECT ?f (COUNT(?s) AS ?n) WHERE { ?s kg:feature ?f } "
                    "GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 7")
    tab.get_by_label("SPARQL query", exact=False).fill(q)
    tab.get_by_role("button", name="Run query").click()
    tab.wait_for_selector("table.results")
    rows = tab.locator("table.results tbody tr")
    expected = select(store, q)
    assert rows.count() == len(expected) == 7
    assert rows.first.locator("td").first.inner_text() == expected[0]["f"]
    assert tab.locator("#summary").inner_text().startswith("7 rows")
    # a named query from the examples
    tab.get_by_role("link", name="Support matrix of a release").click()
    tab.wait_for_selector("#named")
    assert "support_matrix" in tab.locator("#named").inner_text()


def test_console_shows_an_error_for_a_bad_query(tab, base):
    tab.goto(base + "/sparql?query=" + quote("SELECT ?x WHERE { ?x"))
    assert tab.get_by_role("alert").is_visible()
    assert tab.get_by_label("SPARQL query", exact=False).input_value() == "SELECT ?x WHERE { ?x"


# the feature labels of /graph and the pixels they need to be read (kg/web/static/graph.js)
READABLE_PX = 11
_LABELS_IN_VIEW = """() => { const cy = window.kgGraph, ext = cy.extent();
  const inside = b => b.x2 > ext.x1 && b.x1 < ext.x2 && b.y2 > ext.y1 && b.y1 < ext.y2;
  const boxes = cy.nodes("[type = 'feature']").map(n => [n.id(), parseFloat(n.renderedStyle('font-size')),
      n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true})]).filter(x => inside(x[2]));
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][2], b = boxes[j][2];
    if (a.x1 < b.x2 - 0.5 && b.x1 < a.x2 - 0.5 && a.y1 < b.y2 - 0.5 && b.y1 < a.y2 - 0.5)
      overlaps.push([boxes[i][0], boxes[j][0]]);
  }
  const all = cy.elements().boundingBox();
  return {zoom: cy.zoom(), sizes: boxes.map(x => x[1]), overlaps: overlaps,
          hidden: parseFloat(cy.nodes("[type = 'feature']")[0].style('min-zoomed-font-size')),
          whole: all.x1 >= ext.x1 - 1 && all.x2 <= ext.x2 + 1 && all.y1 >= ext.y1 - 1 && all.y2 <= ext.y2 + 1}; }"""


def test_graph_opens_with_readable_feature_labels(tab, base):
    """At the zoom the page opens with, the feature labels in view are drawn at least 11 px high
    (so shown: above the size under which they hide) and none covers another; "Whole graph" fits
    everything in the box (labels may hide), "Readable labels" comes back."""
    tab.goto(base + f"/graph?release={RELEASES[-1]}&lang=en")
    tab.wait_for_selector("#cy[data-ready=true]")
    view = tab.evaluate(_LABELS_IN_VIEW)
    assert len(view["sizes"]) >= 5, view
    assert min(view["sizes"]) >= READABLE_PX > view["hidden"], view
    assert view["overlaps"] == [], view["overlaps"]
    tab.get_by_role("button", name="Whole graph").click()
    whole = tab.evaluate(_LABELS_IN_VIEW)
    assert whole["whole"] and whole["zoom"] <= view["zoom"], whole
    tab.get_by_role("button", name="Readable labels").click()
    again = tab.evaluate(_LABELS_IN_VIEW)
    assert again["zoom"] == view["zoom"] and min(again["sizes"]) >= READABLE_PX
    # no fan of links to MindSpore: a feature names its products in the side panel instead
    assert tab.evaluate("window.kgGraph.edges(\"[relation = 'belongs-to'][target = 'p:MindSpore']\").length") == 0
    fid = tab.evaluate("window.kgGraph.nodes(\"[type = 'feature'][products *= 'MindSpore']\")[0].id()")
    tab.evaluate(f"() => window.kgGraph.getElementById('{fid}').emit('tap')")
    assert "MindSpore" in tab.locator("#node-info p.muted").inner_text()


def test_graph_is_drawn_and_answers_a_click(tab, base, store):
    tab.goto(base + f"/graph?release={RELEASES[-1]}&lang=en")
    tab.wait_for_selector("#cy[data-ready=true]")
    counts = tab.evaluate("[window.kgGraph.nodes().length, window.kgGraph.edges().length]")
    data = tab.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    assert counts == [len(data["nodes"]), len(data["edges"])] and counts[1] > 10
    assert tab.locator("#cy canvas").count() >= 1
    # choose a hardware node: the side panel lists its links
    tab.evaluate("() => { window.kgGraph.getElementById('hw:GPU').emit('tap'); }")
    info = tab.locator("#node-info")
    assert "GPU" in info.locator("h2").inner_text()
    n_links = tab.evaluate("window.kgGraph.getElementById('hw:GPU').connectedEdges().length")
    assert info.locator("li").count() == n_links > 0
    # the selectors reload the graph for another release
    tab.get_by_label("Release", exact=True).select_option(RELEASES[0])
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url(f"**release={RELEASES[0]}*")
    tab.wait_for_selector("#cy[data-ready=true]")
    assert f"of {RELEASES[0]}" in tab.locator("h1").inner_text()


def test_console_pages_a_large_answer_and_fills_parameters(tab, base, store):
    """Entries of a page answers every entry: the console shows the first rows, "More" adds
    the next ones in place; a parameter chosen in its select runs the query with it."""
    from kg.web.console import PAGE_SIZE

    tab.goto(base + "/sparql?name=page_entries")
    rows = tab.locator("table.results tbody tr")
    assert rows.count() == PAGE_SIZE
    total = int(tab.locator("#more").get_attribute("data-total"))
    tab.locator("#more").click()
    tab.locator(f"table.results tbody tr:nth-child({PAGE_SIZE + 1})").wait_for()  # (no eval under the CSP)
    assert rows.count() == min(total, 2 * PAGE_SIZE)
    assert tab.locator("#shown").inner_text() == f"showing rows 1–{rows.count()}"
    assert "offset=" + str(2 * PAGE_SIZE) in tab.locator("#more").get_attribute("href")
    tab.select_option("#param-release", RELEASES[0])
    tab.get_by_role("button", name="Run with these values").click()
    tab.wait_for_url("**release=" + RELEASES[0] + "**")
    first = tab.locator("table.results tbody tr").first.inner_text()
    assert RELEASES[0] + "/" in first
