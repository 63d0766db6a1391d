"""The feature page as a reader meets it (issue #13): each claim quoted in the page's language,
`?lang=` keeping one language's entries, and, in a real browser on a narrow screen, the
history table opening at the newest release with the hardware column kept in view.

Over `two_release_store` (r1.1 and r1.2 of the real corpus); the feature is the one with the
most statements, asked of the store independently.
"""
from __future__ import annotations

import re

import pytest
from kgserver import kg_serve
from lxml import html as lhtml
from pages_support import PREFIXES, select

from kg.lookup.documents import feature_id


@pytest.fixture(scope="module")
def top(two_release_store) -> str:
    rows = select(two_release_store, PREFIXES + """SELECT ?f (COUNT(?s) AS ?n) WHERE {
        ?s kg:feature ?f ; prov:wasDerivedFrom ?a . ?a kg:translation ?t } GROUP BY ?f
        ORDER BY DESC(?n) ?f LIMIT 1""")
    return feature_id(rows[0]["f"])


def _quoted_languages(client, path: str) -> list[str]:
    doc = lhtml.fromstring(client.get(path).get_data(as_text=True))
    claims = doc.xpath("//ol[@aria-labelledby='evidence-h']/li[@class='claim']")
    assert claims, path
    return [c.xpath(".//li[contains(@class, 'entry')]/@lang")[0] for c in claims]


def test_each_claim_is_quoted_in_the_page_s_language(client, top):
    doc = lhtml.fromstring(client.get(f"/features/{top}").get_data(as_text=True))
    says = [re.sub(r"\s+", " ", p.text_content()) for p in doc.xpath("//p[@class='says']")]
    assert any("en+zh" in s for s in says)             # claims said in both languages ...
    assert set(_quoted_languages(client, f"/features/{top}")) == {"en"}   # ... quoted in English
    assert set(_quoted_languages(client, f"/features/{top}?lang=zh")) == {"zh"}
    zh = client.get(f"/features/{top}?lang=zh").get_data(as_text=True)
    assert "zh pages only" in zh and "en+zh" not in zh


def test_the_history_table_opens_at_the_newest_release_with_hardware_in_view(two_release_store, top):
    from test_browser import ARGS, CHROMIUM, _need_browser
    _need_browser()
    from playwright.sync_api import sync_playwright

    with kg_serve(two_release_store, "--workers", "1") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 700})
            page.goto(url.rsplit("/sparql", 1)[0] + f"/features/{top}")
            wrap = page.locator(".timeline-wrap")
            box = wrap.bounding_box()
            assert page.evaluate("e => e.scrollWidth > e.clientWidth", wrap.element_handle())  # it scrolls
            newest = page.locator("table.timeline thead th").last.bounding_box()
            assert newest["x"] + newest["width"] <= box["x"] + box["width"] + 1   # the newest in view
            row = page.locator("table.timeline tbody th").first
            left = row.bounding_box()["x"]
            assert abs(left - box["x"]) <= 2                                   # hardware at the left edge
            page.evaluate("e => { e.scrollLeft -= 150; }", wrap.element_handle())
            assert abs(row.bounding_box()["x"] - left) <= 1                    # and stays there
            oldest = page.locator("table.timeline thead th").nth(1).bounding_box()
            assert oldest["x"] < box["x"] + box["width"]
        finally:
            browser.close()


def test_a_reader_follows_a_result_iri_sees_the_history_and_downloads_it(two_release_store):
    """In a real browser: a feature IRI in a console result dereferences (303) to its page, whose
    history picture is drawn (a square per release and row), and its GEXF download is a file."""
    from urllib.parse import quote

    from test_browser import ARGS, CHROMIUM, _need_browser
    _need_browser()
    from playwright.sync_api import sync_playwright

    q = ("SELECT DISTINCT ?f WHERE { ?s <https://w3id.org/mindspore-kg/ontology#feature> ?f ; "
         "<https://w3id.org/mindspore-kg/ontology#hardware> ?h } ORDER BY ?f LIMIT 5")
    with kg_serve(two_release_store, "--workers", "1") as url, sync_playwright() as p:
        root = url.rsplit("/sparql", 1)[0]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(root + "/sparql?query=" + quote(q))
            link = page.locator("table.results tbody a[href^='/feature/']").first
            fid = link.get_attribute("href").split("/feature/", 1)[1]
            link.click()
            page.wait_for_url(f"**/features/{fid}*")
            cells = page.locator("svg#history rect[data-status]")
            assert cells.count() >= 1 and cells.first.is_visible()
            rows = select(two_release_store, PREFIXES + f"""SELECT DISTINCT ?rel ?hw WHERE {{
                ?s kg:feature <https://w3id.org/mindspore-kg/feature/{fid}> ; kg:release ?r .
                ?r skos:notation ?rel . OPTIONAL {{ ?s kg:hardware ?h . ?h skos:notation ?hw }} }}""")
            assert cells.count() == len(rows)
            with page.expect_download() as d:
                page.locator("section.downloads a[href*='.gexf']").first.click()
            path = d.value.path()
            assert d.value.suggested_filename.endswith(".gexf")
            assert b"<gexf" in open(path, "rb").read(4096)
            assert not errors, errors
        finally:
            browser.close()


def test_a_limitation_stated_in_several_releases_is_one_item(client, two_release_store):
    """The limitations are grouped like the evidence: one item per subject, status, hardware
    and condition, with the runs of releases and the number of entries that state it."""
    rows = select(two_release_store, PREFIXES + """SELECT ?f (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?c kg:limitationOf ?f } GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 1""")
    fid, claims = feature_id(rows[0]["f"]), int(rows[0]["n"])
    said = select(two_release_store, PREFIXES + f"""SELECT DISTINCT ?s ?st ?hw ?cond WHERE {{
        ?c kg:limitationOf <{rows[0]["f"]}> ; kg:subject ?s ; kg:status ?st .
        OPTIONAL {{ ?c kg:hardware ?hw }} OPTIONAL {{ ?c kg:condition ?cond }} }}""")
    assert len(said) < claims                              # the same limitation in both releases
    doc = lhtml.fromstring(client.get(f"/features/{fid}").get_data(as_text=True))
    items = doc.xpath("//ol[@aria-labelledby='limits-h']/li")
    assert len(items) == len(said)
    runs = [i.xpath(".//span[@class='runs']")[0].text_content() for i in items]
    assert "r1.1-r1.2" in runs
    counts = [int(re.search(r"(\d+) entr", i.xpath("./div[@class='q']")[0].text_content()).group(1)) for i in items]
    assert sum(counts) == claims
    heading = doc.xpath("//h2[@id='limits-h']")[0].text_content()
    assert f"{len(said)} claim" in heading and f"from {claims} entries" in heading


def test_the_versions_of_one_documentation_page_are_one_link(client, two_release_store):
    """A page linked from both releases (its URL differs only by the release folder) is one item
    showing the newest URL, with its releases."""
    rows = select(two_release_store, PREFIXES + """SELECT ?f (COUNT(DISTINCT ?u) AS ?n) WHERE {
        ?a kg:aboutFeature ?f ; kg:docUrl ?u } GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 1""")
    urls = {r["u"] for r in select(two_release_store, PREFIXES + f"""SELECT DISTINCT ?u WHERE {{
        {{ ?a kg:aboutFeature <{rows[0]["f"]}> }} UNION {{ ?s kg:feature <{rows[0]["f"]}> ; prov:wasDerivedFrom ?a }}
        ?a kg:docUrl ?u }}""")}
    pages = {re.sub(r"/(?:r[\d.]+|master)/", "/*/", u, count=1) for u in urls}
    assert len(pages) < len(urls)
    doc = lhtml.fromstring(client.get(f"/features/{feature_id(rows[0]['f'])}").get_data(as_text=True))
    shown = doc.xpath("//ul[@aria-labelledby='docs-h']/li")
    assert len(shown) == len(pages)
    text = " ".join(li.text_content() for li in shown)
    assert "r1.1-r1.2" in text and "versions of the page" in text
