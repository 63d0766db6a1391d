"""The SPARQL console (kg.web.console) in-process over the two-release store of the real
corpus: a labelled field for every parameter of every named query (releases in vocabulary
order), values from the fields bound into the query, and large answers shown a page of
PAGE_SIZE rows at a time with the total and a link to the next rows, checked against the
store itself. tests/test_browser.py clicks the same "More" link in Chromium."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from lxml import html as lhtml
from pages_support import select

from kg.query.catalogue import load_catalogue
from kg.terms.ontology import known_concepts
from kg.web.console import PAGE_SIZE

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def store(two_release_store):
    return two_release_store


def page(client, url, status=200):
    resp = client.get(url, headers=HTML)
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:300])
    return lhtml.fromstring(resp.get_data(as_text=True)), len(resp.data)


def text(el) -> str:
    return " ".join(el.text_content().split())


def result_rows(doc) -> list[list[str]]:
    return [[text(td) for td in tr.xpath("td")] for tr in doc.xpath("//table[@class='results']/tbody/tr")]


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE if q.params])
def test_every_parameter_has_a_labelled_field(client, name):
    doc, _ = page(client, f"/sparql?name={name}", status=200)
    form = doc.xpath("//form[@id='params-form']")[0]
    assert form.xpath(".//input[@type='hidden' and @name='name']/@value") == [name]
    for p in CATALOGUE.get(name).params:
        control = form.xpath(f".//*[@name='{p.name}']")
        assert len(control) == 1, p.name
        cid = control[0].get("id")
        assert form.xpath(f".//label[@for='{cid}']"), p.name
        if p.kind in ("release", "hardware", "status", "lang"):
            assert control[0].tag == "select", p.name
            options = [o for o in control[0].xpath("option/@value") if o]
            expected = ["en", "zh"] if p.kind == "lang" else list(known_concepts(p.kind).values())
            assert options == expected, p.name          # releases: the vocabulary's order
            chosen = control[0].xpath("option[@selected]/@value")
            assert chosen == ([p.default] if p.default else []) or (not p.default and chosen in ([], [""]))
        else:
            assert control[0].tag == "input" and control[0].get("type") == "text", p.name


def test_release_select_is_in_release_order_not_string_order(client):
    doc, _ = page(client, "/sparql?name=support_matrix")
    options = [o for o in doc.xpath("//select[@name='release']/option/@value") if o]
    assert options.index("r1.2") < options.index("r1.10") < options.index("r2.0") < options.index("master")
    assert options[-1] == "master"


def test_field_values_are_bound_into_the_named_query(client):
    doc, _ = page(client, "/sparql?name=features_on_hardware&hardware=GPU&status=partial")
    assert doc.xpath("//select[@name='hardware']/option[@selected]/@value") == ["GPU"]
    rows = result_rows(doc)
    api = client.get("/queries/features_on_hardware?hardware=GPU&status=partial&format=csv")
    expected = api.data.decode().splitlines()[1:]
    assert rows and len(rows) == len(expected)
    assert {r[0] for r in rows} == {line.split(",")[0] for line in expected}
    # a required parameter: asked for, not run; given, run
    doc, _ = page(client, "/sparql?name=feature_history")
    assert doc.xpath("//p[@id='needs']") and not doc.xpath("//table[@class='results']")
    assert doc.xpath("//input[@name='feature']/@required")
    doc, _ = page(client, "/sparql?name=feature_history&feature=auto-parallel")
    assert result_rows(doc) and doc.xpath("//input[@name='feature']/@value") == ["auto-parallel"]
    # a bad value: the error, with the fields kept
    doc, _ = page(client, "/sparql?name=features_on_hardware&hardware=TPU", status=400)
    assert "TPU" in text(doc.xpath("//p[@role='alert']")[0])
    assert doc.xpath("//form[@id='params-form']")


def test_a_large_answer_comes_a_page_at_a_time(client, store):
    """Entries of a page without a value lists every entry of the store: the first page has
    PAGE_SIZE rows and the total; "More" gives the next rows, the last page has no link."""
    q = CATALOGUE.get("page_entries")
    everything = select(store, q.text)
    total = len(everything)
    assert total > 3 * PAGE_SIZE
    doc, size = page(client, "/sparql?name=page_entries")
    rows = result_rows(doc)
    assert len(rows) == PAGE_SIZE and size < 400_000
    summary = text(doc.xpath("//p[@id='summary']")[0])
    assert summary.startswith(f"{total} rows") and f"showing rows 1–{PAGE_SIZE}" in summary
    columns = [text(th).lstrip("?") for th in doc.xpath("//table[@class='results']/thead//th")]
    at = columns.index("source")
    assert [r[at] for r in rows] == [e["source"] for e in everything[:PAGE_SIZE]]
    more = doc.xpath("//a[@id='more']/@href")[0]
    assert f"offset={PAGE_SIZE}" in more
    doc, _ = page(client, more)
    rows = result_rows(doc)
    assert [(r[at], r[columns.index("n")]) for r in rows] == [
        (e["source"], e["n"]) for e in everything[PAGE_SIZE:2 * PAGE_SIZE]]
    last = (total - 1) // PAGE_SIZE * PAGE_SIZE
    doc, _ = page(client, f"/sparql?name=page_entries&offset={last}")
    assert len(result_rows(doc)) == total - last and not doc.xpath("//a[@id='more']")
    # a free query pages the same way, its text kept in the link
    free = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 250"
    doc, _ = page(client, "/sparql?query=" + quote(free))
    assert len(result_rows(doc)) == PAGE_SIZE
    assert text(doc.xpath("//p[@id='summary']")[0]).startswith("250 rows")
    doc, _ = page(client, doc.xpath("//a[@id='more']/@href")[0])
    assert doc.xpath("//textarea[@id='query']")[0].text.strip() == free


@pytest.mark.parametrize("offset", ["-1", "ten", "1" * 12])
def test_a_bad_offset_is_a_clear_400(client, offset):
    doc, _ = page(client, "/sparql?name=page_entries&offset=" + offset, status=400)
    assert "offset" in text(doc.xpath("//p[@role='alert']")[0])


@pytest.mark.parametrize("reserved", ["query", "name", "offset", "format"])
def test_a_parameter_cannot_take_a_name_the_console_uses(reserved):
    from kg.query.catalogue import CatalogueError, parse_named_query
    with pytest.raises(CatalogueError, match="reserved"):
        parse_named_query(f"# title: t\n# param {reserved} string: x\nSELECT ?{reserved} {{}}", "t")
