"""The web pages, driven in-process (Flask test client) over a real store built from two
releases of the real corpus; every figure a page shows is checked against an independent
SPARQL query on the same store. tests/test_browser.py drives the same pages in Chromium."""
from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

import pytest
from conftest import RELEASES
from lxml import html as lhtml
from pages_support import PREFIXES, select, statement_cells

from kg.lookup.documents import feature_id

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def store(two_release_store):
    """The store `client` serves (conftest's `app`), asked independently by the checks."""
    return two_release_store


def page(client, url, status=200, headers=None):
    resp = client.get(url, headers=headers or HTML)
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "text/html"
    return lhtml.fromstring(resp.get_data(as_text=True))


def text(el) -> str:
    return " ".join(el.text_content().split())


def check_accessible(doc) -> None:
    """Labels on every control, scoped table headers, a language, one h1."""
    assert doc.get("lang") in ("en", "zh")
    assert len(doc.xpath("//h1")) == 1
    for control in doc.xpath("//select | //textarea | //input[not(@type='hidden')]"):
        cid = control.get("id")
        assert cid and doc.xpath(f"//label[@for='{cid}']"), f"no label for {lhtml.tostring(control)[:80]}"
    for th in doc.xpath("//th"):
        assert th.get("scope") in ("col", "row", "rowgroup", "colgroup"), lhtml.tostring(th)[:120]
    for a in doc.xpath("//a"):
        assert text(a) or a.get("aria-label"), "a link without a name"


# --- home ------------------------------------------------------------------------------

def test_home_tells_what_the_graph_holds(client, store):
    doc = page(client, "/")
    check_accessible(doc)
    stat = {dd.get("data-stat"): text(dd) for dd in doc.xpath("//dd[@data-stat]")}
    counts = select(store, PREFIXES + """SELECT (COUNT(DISTINCT ?a) AS ?answers)
        (COUNT(DISTINCT ?s) AS ?statements) (COUNT(DISTINCT ?f) AS ?features) WHERE {
        { ?a a schema:Answer } UNION { ?s a kg:Claim } UNION { ?x a kg:SupportStatement ; kg:feature ?f } }""")[0]
    assert stat["answers"] == counts["answers"] and int(counts["answers"]) > 300
    assert stat["statements"] == counts["statements"]
    assert stat["features"] == counts["features"]
    assert stat["releases"] == str(len(RELEASES))
    assert stat["languages"] == "en, zh"
    links = doc.xpath("//a/@href")
    for target in ("/matrix", "/graph", "/sparql"):
        assert any(h.startswith(target) for h in links), target
    # the example lookups work
    for href in [h for h in links if h.startswith("/matrix?")]:
        page(client, href)
    for href in [h for h in links if h.startswith("/api/")]:
        assert client.get(href).status_code == 200, href


# --- the support matrix ---------------------------------------------------------------------

def matrix_cells(doc) -> dict[tuple[str, str], dict]:
    """{(feature id, hardware): {status, changed, was, anchor}} of a matrix page."""
    cols = [("" if "Overall" in text(th) else text(th))
            for th in doc.xpath("//table[@id='matrix']/thead/tr/th")][1:]
    cells = {}
    for tr in doc.xpath("//table[@id='matrix']/tbody/tr[th[@scope='row']]"):
        fid = unquote(tr.xpath("th/a/@href")[0].split("/features/")[1].split("?")[0])
        for hw, td in zip(cols, tr.xpath("td")):
            assert td.get("data-hw", hw) == hw
            if td.get("data-status") is None:
                continue
            link = td.xpath("a/@href")
            cells[(fid, hw)] = {"status": td.get("data-status"),
                                "changed": "changed" in td.get("class", "").split(),
                                "was": (text(td.xpath(".//*[@class='was']")[0])
                                        if td.xpath(".//*[@class='was']") else None),
                                "anchor": link[0][1:] if link else None}
    return cells


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_matrix_shows_every_statement_of_the_release_and_language(client, store, lang):
    release = RELEASES[-1]
    doc = page(client, f"/matrix?release={release}&lang={lang}")
    check_accessible(doc)
    cells = matrix_cells(doc)
    expected = statement_cells(store, release, lang)
    assert len(expected) > 40
    shown = {(fid, hw, st) for (fid, hw), c in cells.items() for st in c["status"].split()}
    assert shown == {(feature_id(f), hw, st) for f, hw, st in expected}
    # feature links work, candidates (percent-encoded ids) included
    hrefs = doc.xpath("//table[@id='matrix']//th[@scope='row']/a[not(@class='limits')]/@href")
    for href in [h for h in hrefs if "candidate" in h][:3] + hrefs[:2]:
        page(client, href)
    # the selectors show the current choice
    assert doc.xpath("//select[@id='release']/option[@selected]/@value") == [release]
    assert doc.xpath("//select[@id='lang']/option[@selected]/@value") == [lang]
    # rows are grouped by product, each group headed by a rowgroup header
    groups = [text(th) for th in doc.xpath("//th[@scope='rowgroup']")]
    assert "MindSpore" in groups and len(groups) == len(set(groups))


def test_every_matrix_cell_leads_to_its_evidence(client, store):
    release, lang = RELEASES[-1], "en"
    doc = page(client, f"/matrix?release={release}&lang={lang}")
    cells = matrix_cells(doc)
    questions = {r["q"] for r in select(store, PREFIXES + f"""SELECT DISTINCT ?q WHERE {{
        ?s prov:wasDerivedFrom ?a ; kg:release ?r . ?r skos:notation "{release}" .
        ?a kg:question ?qn . ?qn schema:name ?q ; schema:inLanguage "{lang}" }}""")}
    seen_questions = set()
    for (fid, hw), cell in cells.items():
        section = doc.xpath(f"//section[@id='{cell['anchor']}']")
        assert len(section) == 1, (fid, hw)
        entries = section[0].xpath(".//li[contains(@class, 'entry')]")
        assert entries
        for li in entries:
            q = text(li.xpath(".//div[@class='q']")[0])
            assert q in {" ".join(x.split()) for x in questions}
            seen_questions.add(q)
            assert li.xpath(".//blockquote")
            upstream = li.xpath(".//a[text()='upstream source line']/@href")
            assert all(re.search(r"#L\d+$", u) for u in upstream)
    assert len(seen_questions) > 20


def test_compare_marks_exactly_the_cells_that_changed(client, store):
    old, new = RELEASES
    doc = page(client, f"/matrix?release={new}&lang=zh&compare={old}")
    cells = matrix_cells(doc)

    def by_cell(release):  # what changed is one definition: claims of both languages
        d: dict = {}
        for lang in ("en", "zh"):
            for f, hw, st in statement_cells(store, release, lang):
                d.setdefault((feature_id(f), hw), set()).add(st)
        return d

    before, after = by_cell(old), by_cell(new)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    marked = {k for k, c in cells.items() if c["changed"]}
    assert marked <= changed
    assert {k for k in changed if k in cells} <= marked
    assert marked, "the two releases differ somewhere"
    summary = text(doc.xpath("//p[@id='changes']")[0])
    assert summary.startswith(f"{len(changed)} change")
    for k in marked:
        assert cells[k]["was"] == "was: " + (" ".join(
            sorted(before[k], key=["supported", "partial", "planned", "unsupported", "n/a"].index))
            if k in before else "none")


def test_matrix_refuses_bad_parameters_with_a_page_naming_them(client):
    doc = page(client, "/matrix?release=r9.9", status=404)
    assert "r9.9" in text(doc) and "r1.2" in text(doc)
    doc = page(client, "/matrix?release=r1.2&lang=fr", status=400)
    assert "'fr'" in text(doc)
    doc = page(client, "/matrix?release=r1.2&compare=nope", status=404)
    assert "nope" in text(doc)


# --- feature pages ------------------------------------------------------------------------------

def test_feature_page_has_labels_timeline_and_all_evidence(client, store):
    # the feature with the most statements in the store, found independently
    top = select(store, PREFIXES + """SELECT ?f (COUNT(?s) AS ?n) WHERE {
        ?s kg:feature ?f ; kg:hardware ?h } GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 1""")[0]
    fid = feature_id(top["f"])
    doc = page(client, f"/features/{quote(fid)}")
    check_accessible(doc)
    labels = select(store, PREFIXES + f"""SELECT ?l (LANG(?l) AS ?lang) WHERE {{
        <{top['f']}> skos:prefLabel ?l }}""")
    dl = text(doc.xpath("//dl[@class='labels']")[0])
    for r in labels:
        assert r["l"] in dl
    rows = select(store, PREFIXES + f"""SELECT ?rel ?hw ?st WHERE {{
        ?s kg:feature <{top['f']}> ; kg:release ?r ; kg:status ?sc .
        ?r skos:notation ?rel . ?sc skos:notation ?st .
        OPTIONAL {{ ?s kg:hardware ?h . ?h skos:notation ?hw }} }}""")
    # the evidence is grouped by claim: every statement is counted once in some group, and each
    # (hardware, status) of the statements has a group whose release runs cover its releases
    groups = doc.xpath("//ol[@aria-labelledby='evidence-h']/li[@class='claim']")
    counts = [int(re.search(r"(\d+) entr", text(g.xpath("p[@class='says']")[0])).group(1)) for g in groups]
    assert sum(counts) == len(rows) and len(groups) < len(rows)
    said = {}
    for g in groups:
        says = text(g.xpath("p[@class='says']")[0])
        hw = "" if "no hardware named" in says else says.split(" on ", 1)[1].split(" ")[0]
        st = re.search(r"(unsupported|supported|partial|planned)", says).group(1)
        said.setdefault((hw, st), []).append(text(g.xpath(".//span[@class='runs']")[0]))
    assert set(said) == {(r["hw"] or "", r["st"]) for r in rows}
    timeline = doc.xpath("//table[@class='timeline']")[0]
    releases = [text(th) for th in timeline.xpath("thead/tr/th")][1:]
    shown = set()
    for tr in timeline.xpath("tbody/tr"):
        hw = text(tr.xpath("th")[0])
        hw = "" if hw.startswith("Overall") else hw
        for rel, td in zip(releases, tr.xpath("td")):
            for badge in td.xpath(".//span[contains(@class, 'badge')]"):
                for st in re.findall(r"(supported|unsupported|partial|planned|n/a)", text(badge)):
                    shown.add((rel, hw, st))
    assert shown == {(r["rel"], r["hw"] or "", r["st"]) for r in rows}


def test_feature_page_links_its_documentation(client, store):
    row = select(store, PREFIXES + """SELECT ?f ?url WHERE {
        ?s kg:feature ?f ; prov:wasDerivedFrom ?a . ?a kg:docUrl ?url
        FILTER(STRSTARTS(STR(?url), "http")) } ORDER BY ?f ?url LIMIT 1""")[0]
    doc = page(client, f"/features/{quote(feature_id(row['f']))}")
    # the page, in its newest version: URLs that differ by the release folder are one link
    def folder(u):
        return re.sub(r"/(?:r[\d.]+|master)/", "/*/", u, count=1)
    assert folder(row["url"]) in {folder(u) for u in doc.xpath("//ul[@aria-labelledby='docs-h']//a/@href")}


def test_feature_page_keeps_the_entries_of_one_language(client, store):
    top = select(store, PREFIXES + """SELECT ?f (COUNT(?s) AS ?n) WHERE {
        ?s kg:feature ?f } GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 1""")[0]
    fid = quote(feature_id(top["f"]))
    both = page(client, f"/features/{fid}")
    zh = page(client, f"/features/{fid}?lang=zh")
    langs = {li.get("lang") for li in zh.xpath("//ol[@aria-labelledby='evidence-h']//li[@class='entry']")}
    assert langs == {"zh"}
    assert "zh pages only" in text(zh.xpath("//h2[@id='evidence-h']")[0])
    def entries(doc):
        return sum(int(re.search(r"(\d+) entr", text(p)).group(1)) for p in doc.xpath("//p[@class='says']"))
    assert entries(both) > entries(zh) > 0      # without ?lang= both languages count


def test_unknown_feature_is_a_404_page(client):
    doc = page(client, "/features/no-such-feature-here", status=404)
    assert "no-such-feature-here" in text(doc)


# --- the graph page -------------------------------------------------------------------------------

def test_graph_page_holds_the_support_graph_of_the_release(client, store):
    release = RELEASES[-1]
    doc = page(client, f"/graph?release={release}&lang=zh")
    check_accessible(doc)
    data = json.loads(doc.xpath("//script[@id='graph-data']")[0].text)
    edges = {(e["source"].split(":", 1)[1], e["target"][3:]) for e in data["edges"] if e["relation"] == "support"}
    # (a claim about a product as a whole links the product's node: p:MindSpore)
    expected = {(feature_id(f) if "/product/" not in f else f.rsplit("/", 1)[-1], hw)
                for f, hw, _ in statement_cells(store, release, "zh") | statement_cells(store, release, "en") if hw}
    assert edges == expected
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert {n["type"] for n in data["nodes"]} >= {"feature", "hardware", "product"}
    # the GEXF of the release, drawn: same nodes, its positions (y flipped), its colours
    from kg.export.projection import project_graph
    from kg.store import open_store
    from kg.web.graph_elements import node_id
    G = project_graph(open_store(store), release=release, lang="zh")
    gexf = {node_id(n, d["type"]): d for n, d in G.nodes(data=True)}
    assert set(gexf) == ids
    for n in data["nodes"]:
        d = gexf[n["id"]]
        assert (n["x"], n["y"]) == (round(d["x"], 1), round(-d["y"], 1)) and n["label"] == d["label"]
        assert n["colour"] == "#%02x%02x%02x" % d["color"]
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(ids), "a stable layout, no node on another"
    # the legend shows the colours drawn, from the one table
    drawn = {n["colour"] for n in data["nodes"]} | {e["colour"] for e in data["edges"]}
    legend = set(doc.xpath("//ul[@class='legend']//span/@data-colour"))
    assert drawn <= legend
    # the same links as a table, for keyboard and screen-reader users
    assert len(doc.xpath("//table[@id='edge-table']/tbody/tr")) == len(edges)
    scripts = doc.xpath("//script/@src")
    assert all(s.startswith("/") for s in scripts), "no script from another host"
    for src in scripts:
        resp = client.get(src)
        assert resp.status_code == 200 and len(resp.data) > 1000, src


def test_vendor_route_serves_only_known_files(client):
    assert client.get("/vendor/cytoscape.min.js").status_code == 200
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404
    assert client.get("/vendor/other.js").status_code == 404


# --- the SPARQL console ---------------------------------------------------------------------------

def test_console_is_what_a_browser_gets_at_sparql(client):
    from kg.query.catalogue import load_catalogue

    doc = page(client, "/sparql")
    check_accessible(doc)
    assert doc.xpath("//textarea[@id='query']")
    names = set(doc.xpath("//a[@class='example']/@data-name"))
    assert names == {q.name for q in load_catalogue()}
    # other clients still get the protocol's answers from the same URL
    resp = client.get("/sparql?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
    assert resp.mimetype == "application/sparql-results+json"
    assert client.get("/sparql?query=ASK%7B%7D").mimetype != "text/html"
    resp = client.get("/sparql?query=ASK%7B%7D&format=json", headers=HTML)
    assert resp.mimetype == "application/sparql-results+json"


def test_console_runs_a_query_and_shows_its_rows(client, store):
    q = PREFIXES + "SELECT ?s ?f WHERE { ?s a kg:SupportStatement ; kg:feature ?f } ORDER BY ?s LIMIT 25"
    doc = page(client, "/sparql?query=" + quote(q))
    rows = doc.xpath("//table[@class='results']/tbody/tr")
    expected = select(store, q)
    assert len(rows) == len(expected) == 25
    assert [text(r.xpath("td")[0]) for r in rows] == [e["s"] for e in expected]
    assert text(doc.xpath("//p[@id='summary']")[0]).startswith("25 rows")
    assert doc.xpath("//textarea[@id='query']")[0].text.strip() == q.strip()


def test_console_example_queries_run(client):
    """Every named query opens in the console and runs with its defaults; one that passes
    the server's time limit shows the limit's error (503), not a broken page."""
    doc = page(client, "/sparql")
    ran = 0
    for href in doc.xpath("//a[@class='example']/@href"):
        resp = client.get(href, headers=HTML)
        assert resp.status_code in (200, 503), href
        result = lhtml.fromstring(resp.get_data(as_text=True))
        assert result.xpath("//p[@id='named']"), href
        if resp.status_code == 503:
            assert "limit" in text(result.xpath("//p[@role='alert']")[0])
            continue
        assert not result.xpath("//*[@class='error']"), href
        assert result.xpath("//p[@id='summary'] | //p[@id='needs']"), href
        ran += bool(result.xpath("//p[@id='summary']"))
    assert ran >= len(doc.xpath("//a[@class='example']")) // 2


def test_console_reports_a_bad_query_and_keeps_it(client):
    doc = page(client, "/sparql?query=" + quote("SELECT ?x WHERE { ?x"), status=400)
    assert doc.xpath("//p[@class='error' and @role='alert']")
    assert doc.xpath("//textarea[@id='query']")[0].text.strip() == "SELECT ?x WHERE { ?x"


# --- accessibility: contrast of the stylesheet's colour pairs ---------------------------------------

def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_status_colours_have_enough_contrast():
    from kg.web.pages import bp

    css = (bp.static_folder and open(f"{bp.static_folder}/kg.css", encoding="utf-8").read())
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [(var[f"{s}-fg"], var[f"{s}-bg"])
             for s in ("supported", "partial", "planned", "unsupported", "na", "mixed")]
    pairs += [(var["fg"], var["bg"]), (var["muted"], var["bg"]), (var["accent"], var["bg"])]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg, contrast(fg, bg))


def test_matrix_rows_show_their_limitations_apart_from_the_cells(client, store):
    rel = RELEASES[-1]
    expected = select(store, PREFIXES + f"""SELECT ?f ?subject ?status WHERE {{
        ?c kg:limitationOf ?f ; kg:subject ?subject ; kg:status ?s ; kg:release ?r ;
           prov:wasDerivedFrom ?a . ?a schema:inLanguage "en" . ?r skos:notation "{rel}" .
        ?s skos:notation ?status }}""")
    assert expected, "the release has claims about narrower subjects"
    doc = page(client, f"/matrix?release={rel}&lang=en")
    check_accessible(doc)
    per_feature = {}
    for e in expected:
        per_feature.setdefault(feature_id(e["f"]), []).append(e)
    for fid, claims in per_feature.items():
        anchor = "lim-" + fid.replace("/", "-")
        marker, = doc.xpath(f"//a[@class='limits'][@href='#{anchor}']")
        assert text(marker).startswith(f"{len(claims)} limitation")
        section, = doc.xpath(f"//section[@id='{anchor}']")
        assert len(section.xpath(".//li")) == len(claims)
        # a limitation is listed, not a cell: the feature's cells come from its own claims only
        own = select(store, PREFIXES + f"""SELECT DISTINCT ?status WHERE {{
            ?c kg:feature <{claims[0]['f']}> ; kg:status ?s ; kg:release ?r ; prov:wasDerivedFrom ?a .
            ?a schema:inLanguage "en" . ?r skos:notation "{rel}" . ?s skos:notation ?status }}""")
        cells = doc.xpath(f"//td[@data-feature='{fid}']/@data-status")
        assert {st for c in cells for st in c.split()} == {o["status"] for o in own}


def test_features_page_lists_and_filters_the_features(client, store):
    doc = page(client, "/features")
    check_accessible(doc)
    expected = {r["f"] for r in select(store, PREFIXES + """SELECT DISTINCT ?f WHERE {
        { ?s kg:feature ?f } UNION { ?c kg:limitationOf ?f } }""")}
    rows = doc.xpath("//table[@id='features']/tbody/tr")
    assert len(rows) == len(expected) > 10
    # a filter in either language, case-insensitive, over every label
    label = select(store, PREFIXES + """SELECT ?zh WHERE { ?s kg:feature ?f . ?f skos:prefLabel ?zh
        FILTER(lang(?zh) = "zh") } LIMIT 1""")[0]["zh"]
    doc = page(client, "/features?" + "q=" + quote(label[:2]))
    names = [text(a) for a in doc.xpath("//table[@id='features']//th[@scope='row']/a")]
    assert names and len(names) < len(expected)
    assert page(client, "/features?q=zzzz-no-such").xpath("//table[@id='features']") == []


def test_feature_ids_resolve_in_any_case_and_through_their_labels(client, store):
    f = select(store, PREFIXES + """SELECT ?f ?zh WHERE { ?s kg:feature ?f . ?f a kg:Feature ;
        skos:prefLabel ?zh FILTER(lang(?zh) = "zh") } LIMIT 1""")[0]
    fid = feature_id(f["f"])
    for ident in (fid.upper(), f["zh"]):
        resp = client.get("/features/" + quote(ident), headers=HTML)
        assert resp.status_code == 301 and unquote(resp.headers["Location"]).startswith(f"/features/{fid}?")
    assert client.get("/features/" + quote("no such feature"), headers=HTML).status_code == 404


@pytest.mark.parametrize("url, scope", [
    ("/", {}), ("/features", {}), ("/sparql", {}),
    (f"/matrix?release={RELEASES[-1]}", {"release": RELEASES[-1]}),
    (f"/graph?release={RELEASES[-1]}", {"release": RELEASES[-1]}),
    ("/features/graph-mode", {"feature": "graph-mode"}),
    ("/search?q=graph", {}), (f"/search?q=graph&release={RELEASES[-1]}", {"release": RELEASES[-1]}),
])
def test_every_page_links_the_exports_of_what_it_shows(client, url, scope):
    import io
    import zipfile
    from urllib.parse import parse_qs, urlsplit
    doc = page(client, url)
    links = doc.xpath("//section[@class='downloads']//a/@href")
    kinds = {}
    for href in links:
        resp = client.get(href)
        assert resp.status_code == 200, href
        kinds.setdefault(resp.mimetype, []).append((href, resp.data))
        args = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        if "every release" not in href:
            for k, v in scope.items():  # scoped as the page is (the timeline GEXF drops the release)
                assert args.get(k) == v or (k == "release" and "release" not in args
                                            and href.split("?")[0].endswith(".gexf")), (href, scope)
    assert {"application/gexf+xml", "application/graphml+xml", "application/zip", "text/turtle"} <= set(kinds)
    for _, body in kinds["application/zip"]:
        assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == ["edges.csv", "nodes.csv"]
    if "feature" in scope:  # the feature's own neighbourhood, not the whole graph
        gexf = kinds["application/gexf+xml"][0][1].decode("utf-8")
        whole = client.get("/export/graph.gexf").data.decode("utf-8")
        assert "feature/graph-mode" in gexf and gexf.count("<node ") < whole.count("<node ")
        ttl = kinds["text/turtle"][0][1].decode("utf-8")
        assert "graph-mode" in ttl and len(ttl) < len(client.get("/export/graph.ttl").data)


def test_feature_page_draws_its_history_with_the_colour_table(client):
    """The support history as a server-rendered SVG: a square per (hardware, release) of the
    timeline table, its colour the table's for its status, a bar where the status changed."""
    from kg.terms.colours import colour_table
    statuses = colour_table()["statuses"]
    drawn = 0
    for ident in ("graph-mode", "mixed-precision", "PyNative-mode"):
        doc = page(client, "/features/" + ident)
        svg = doc.xpath("//svg[@id='history']")
        if not svg:
            continue
        assert not doc.xpath("//figure[@class='history']//script")
        table = doc.xpath("//table[@class='timeline']")[0]
        shown = sum(1 for td in table.xpath("tbody/tr/td") if "status-" in td.get("class", ""))
        rects = svg[0].xpath(".//rect")
        assert len(rects) == shown > 0
        rows: dict = {}
        for rect in rects:
            name = rect.get("data-status")
            assert rect.get("fill") == statuses[name if name in statuses else "mixed"]["colour"]
            rows.setdefault(rect.get("y"), []).append((rect.get("data-release"), name))
        expected = {(y, b[0]) for y, cells in rows.items() for a, b in zip(cells, cells[1:]) if a[1] != b[1]}
        bars = {(str(float(line.get("y1")) + 1.0), line.get("data-release"))
                for line in svg[0].xpath(".//line[@class='change']")}
        assert {r for _, r in bars} == {r for _, r in expected}
        drawn += 1
    assert drawn
