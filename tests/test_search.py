"""Full-text search (issue #13): the index `kg build` writes into the store (kg.graph.search_index),
the search (kg.lookup.search), /api/search, the /search page and the header box, `kg search`.

Over `two_release_store` (r1.1 and r1.2 of the real corpus, which holds the split synonyms: "hot
loading" in r1.1-r1.2, "hot update" from r1.2 on); expectations are asked of the store with
independent SPARQL where they come from the data. The page is driven in a real browser against a
real `kg serve` once.
"""
from __future__ import annotations

import json
import shutil
import urllib.request
from urllib.parse import quote

import jsonschema
import pytest
from click.testing import CliRunner
from kgserver import kg_serve
from pages_support import PREFIXES, select

from kg.cli import main
from kg.errors import InputError, NotFound
from kg.graph.search_index import INDEX_NAME, query_words, question_key, segment
from kg.lookup.documents import Lookups, store_runner
from kg.lookup.search import search
from kg.store import build_store_atomically, leftovers, load_files, open_store
from kg.web.api import openapi_document

FEATURE = "https://w3id.org/mindspore-kg/feature/"


@pytest.fixture(scope="module")
def store(two_release_store):
    return two_release_store


@pytest.fixture(scope="module")
def lookups(store):
    return Lookups(store_runner(open_store(store)))


@pytest.fixture(scope="module")
def find(lookups, store):
    return lambda q, **kw: search(lookups, store, q, **kw)


def checked(resp, status: int = 200) -> dict:
    """The JSON body, validated against the OpenAPI schema of GET /api/search for `status`."""
    assert resp.status_code == status, resp.data
    body = resp.get_json()
    doc = openapi_document()
    schema = doc["paths"]["/api/search"]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(body)
    return body


def entry_sources(doc: dict) -> set[str]:
    return {e["source"].split("/", 1)[1] for e in doc["entries"]}


# --- the index and the words --------------------------------------------------------------

def test_the_index_is_in_the_store_directory(store):
    assert (store / INDEX_NAME).is_file()


def test_chinese_is_segmented_and_english_left_to_porter():
    assert segment("是否支持热加载") .split() == ["是否", "支持", "热", "加载"]
    assert segment("hot loading") == "hot loading"
    assert query_words("热加载 hot-loading") == [["热", "加载"], ["hot"], ["loading"]]


# --- ranking ---------------------------------------------------------------------------------

@pytest.mark.parametrize("q, first", [("热加载", "hot-loading"), ("量化", "quantization"),
                                      ("热更新", "hot-update"), ("hot loading", "hot-loading")])
def test_a_label_finds_its_feature_first(find, q, first):
    doc = find(q)
    assert doc["features"][0]["id"] == first and doc["features"][0]["exact"]
    assert doc["mode"] == "all"


def test_entries_of_a_chinese_query_say_it(find, store):
    doc = find("热加载", lang="zh")
    assert doc["entries"] and all(e["lang"] == "zh" for e in doc["entries"])
    said = [e for e in doc["entries"] if "热加载" in e["question"]]
    rows = select(store, PREFIXES + """SELECT DISTINCT ?q WHERE { ?a a schema:Answer ; kg:question ?q ;
        schema:inLanguage "zh" . ?q schema:name ?n FILTER(CONTAINS(?n, "热加载")) }""")
    assert len(said) == len(rows) >= 1
    assert said[0]["excerpt"]["mark"] == "热加载"


def test_english_is_stemmed(find):
    quantize = {f["id"] for f in find("quantize")["features"]}
    assert {"quantization", "weight-quantization", "post-training-quantization"} <= quantize
    assert quantize == {f["id"] for f in find("quantization")["features"]}
    load, loading = find("load"), find("loading")
    assert "hot-loading" in {f["id"] for f in load["features"]} & {f["id"] for f in loading["features"]}
    assert {e["entry"] for e in load["entries"]} & {e["entry"] for e in loading["entries"]}


def test_features_come_first_then_products_then_entries(find):
    doc = find("Serving")
    assert doc["features"] and doc["products"] and doc["entries"]
    assert "https://w3id.org/mindspore-kg/product/MindSpore-Serving" in {p["iri"] for p in doc["products"]}
    scores = [f["score"] for f in doc["features"] if not f["exact"]]
    assert scores == sorted(scores)


def test_a_question_over_releases_is_one_hit_showing_the_newest(find):
    doc = find("hot loading", lang="en")
    hit = next(e for e in doc["entries"] if "hot loading" in e["question"])
    assert hit["releases"] == ["r1.1", "r1.2"] and hit["release"] == "r1.2"
    assert hit["upstream"].endswith(f"/r1.2/{hit['source'].split('/', 1)[1]}#L{hit['line']}")
    assert "hot-loading" in {f["id"] for f in hit["features"]}


# --- synonyms -----------------------------------------------------------------------------------

def test_hot_loading_and_hot_update_find_each_other(find, store):
    # the pages never say the other name: found through ontology/lexicon/search_synonyms.json
    rows = select(store, PREFIXES + """SELECT ?src ?text WHERE { ?a a schema:Answer ; schema:text ?text ;
        <http://purl.org/dc/terms/source> ?src ; kg:aboutFeature <%shot-update> }""" % FEATURE)
    assert rows and not any("hot loading" in r["text"].lower() for r in rows)
    for q, other, page in (("hot loading", "hot-update", "docs/faq/source_en/mindspore_serving.md"),
                           ("hot update", "hot-loading", "docs/faq/source_en/supported_features.md"),
                           ("热加载", "hot-update", "docs/faq/source_zh_cn/mindspore_serving.md")):
        doc = find(q)
        assert other in {f["id"] for f in doc["features"]}, q
        assert page in entry_sources(doc), q


# --- hardware names ----------------------------------------------------------------------------

def _stated_about(store, hardware: str) -> tuple[set[str], set[str]]:
    """(concepts, English question keys) of the claims naming `hardware` or a narrower one."""
    rows = select(store, PREFIXES + """SELECT DISTINCT ?c ?q ?tq WHERE {
        ?cl a kg:Claim ; kg:hardware ?h ; prov:wasDerivedFrom ?a .
        ?h skos:broaderTransitive? <https://w3id.org/mindspore-kg/hardware/%s> .
        { ?cl kg:feature ?c } UNION { ?cl kg:subject ?c } UNION { ?cl kg:limitationOf ?c }
        ?a kg:question/schema:name ?q ; schema:inLanguage ?lang .
        OPTIONAL { FILTER(?lang = "zh") ?a kg:translation/kg:question/schema:name ?tq } }""" % hardware)
    return {r["c"] for r in rows}, {question_key(r["tq"] or r["q"]) for r in rows}


@pytest.mark.parametrize("q, hardware", [("Atlas 200", "Ascend310"), ("Atlas 300", "Ascend310"),
                                         ("Atlas training", "Ascend910"), ("Atlas训练系列产品", "Ascend910"),
                                         ("昇腾910", "Ascend910"), ("昇腾", "Ascend")])
def test_a_hardware_name_finds_what_is_stated_about_that_hardware(find, store, q, hardware):
    # r1.1 and r1.2 never say "Atlas": the vocabulary's names of the hardware find its claims
    concepts, questions = _stated_about(store, hardware)
    assert concepts and questions
    if q.startswith("Atlas"):
        said = 'SELECT ?a WHERE { ?a schema:text ?t FILTER(CONTAINS(?t, "Atlas")) } LIMIT 1'
        assert not select(store, PREFIXES + said)
    doc = find(q, limit=100)
    assert doc["mode"] == "all"
    assert hardware in {h["hardware"] for h in doc["hardware"]}      # the answer says what it named
    assert concepts <= {f["iri"] for f in doc["features"] + doc["products"]}
    assert questions <= {question_key(e["question"] if e["lang"] == "en" else next(
        (v["question"] for v in e["versions"] if v["lang"] == "en"), e["question"])) for e in doc["entries"]}
    on = {f["iri"]: f for f in doc["features"]}
    some = next(iter(sorted(concepts & on.keys())))
    assert on[some]["status"] is None or on[some]["status"]["hardware"]


def test_the_page_and_the_api_say_which_hardware_the_query_names(client):
    body = checked(client.get("/api/search?q=Atlas+200&limit=3"))
    assert [h["hardware"] for h in body["hardware"]] == ["Ascend310"]
    assert "Atlas 200" in body["hardware"][0]["name"]
    assert checked(client.get("/api/search?q=hot+loading"))["hardware"] == []
    page = client.get("/search?q=Atlas+200").get_data(as_text=True)
    assert 'id="search-hardware"' in page and "<strong>Ascend310</strong>" in page


# --- status and filters ------------------------------------------------------------------------

def test_feature_hits_carry_the_status_of_their_latest_release(find, store):
    hit = find("hot loading")["features"][0]
    rows = select(store, PREFIXES + """SELECT ?rel ?order ?st WHERE { ?c kg:feature <%shot-loading> ;
        kg:status ?s ; kg:release ?r . ?s skos:notation ?st .
        ?r skos:notation ?rel ; kg:releaseOrder ?order }""" % FEATURE)
    latest = max(int(r["order"]) for r in rows)
    assert hit["status"]["release"] == next(r["rel"] for r in rows if int(r["order"]) == latest)
    assert set(hit["status"]["summary"].split()) == {r["st"] for r in rows if int(r["order"]) == latest}


def test_release_and_lang_filter_the_hits(find):
    doc = find("量化", release="r1.1", lang="zh")
    assert doc["entries"] and {e["releases"][-1] for e in doc["entries"]} == {"r1.1"}
    assert {e["lang"] for e in doc["entries"]} == {"zh"}
    assert all(f["status"] is None or f["status"]["release"] == "r1.1" for f in doc["features"])
    assert doc["features"][0]["label"] == "量化"      # labels in the language asked
    # hot update is asked from r1.2 on: not a feature with claims in r1.1
    assert "hot-update" not in {f["id"] for f in find("hot update", release="r1.1")["features"]}
    assert "hot-update" in {f["id"] for f in find("hot update", release="r1.2")["features"]}


def test_no_word_has_every_hit_falls_back_to_any(find):
    doc = find("quantization xyzzyplugh")
    assert doc["mode"] == "any" and "quantization" in {f["id"] for f in doc["features"]}


@pytest.mark.parametrize("kw, param", [({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 201}, "q"),
                                       ({"q": "x", "release": "r9.9"}, "release"),
                                       ({"q": "x", "lang": "fr"}, "lang"), ({"q": "x", "limit": "0"}, "limit")])
def test_bad_parameters_name_themselves(lookups, store, kw, param):
    with pytest.raises(InputError) as e:
        search(lookups, store, **kw)
    assert f"'{param}'" in e.value.message


# --- HTTP ------------------------------------------------------------------------------------

def test_api_search_answers_the_documented_shape(client):
    body = checked(client.get("/api/search?q=" + quote("热加载") + "&release=r1.2&lang=zh&limit=3"))
    assert body["query"] == {"q": "热加载", "release": "r1.2", "lang": "zh", "limit": 3}
    assert body["features"][0]["url"] == "/features/hot-loading"
    assert len(body["entries"]) <= 3 and all(e["url"] == e["upstream"] for e in body["entries"])
    assert client.get("/api/search?q=hot").headers.get("ETag")


@pytest.mark.parametrize("query, param", [("", "q"), ("q=", "q"), ("q=x&release=r9.9", "release"),
                                          ("q=x&lang=", "lang"), ("q=x&limit=500", "limit"),
                                          ("q=x&colour=red", "colour"), ("q=a&q=b", "q")])
def test_api_search_400s_name_the_parameter(client, query, param):
    body = checked(client.get("/api/search?" + query), 400)
    assert f"'{param}'" in body["message"]


def test_unknown_release_400_lists_the_known_ones(client):
    body = checked(client.get("/api/search?q=x&release=r9.9"), 400)
    assert "r9.9" in body["message"] and "r1.2" in body["message"]


def test_every_page_has_the_header_search_box(client):
    for path in ("/", "/matrix", "/features", "/features/hot-loading", "/search"):
        html = client.get(path).get_data(as_text=True)
        assert '<form class="site-search" role="search" method="get" action="/search">' in html, path
        assert '<label for="site-q"' in html and 'id="site-q" name="q"' in html, path


def test_search_page_without_q_is_the_form(client):
    resp = client.get("/search")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="q" name="q"' in html and 'id="features"' not in html


def test_a_store_without_index_says_so(make_app, store, tmp_path):
    old = tmp_path / "store"
    shutil.copytree(store, old)
    (old / INDEX_NAME).unlink()
    client = make_app(old).test_client()
    body = checked(client.get("/api/search?q=hot"), 404)
    assert "kg build" in body["message"]
    page = client.get("/search?q=hot")
    assert page.status_code == 404 and "no search index" in page.get_data(as_text=True)
    with pytest.raises(NotFound):
        search(Lookups(store_runner(open_store(old))), old, "hot")


def test_search_page_through_a_real_server(store):
    with kg_serve(store, "--workers", "1") as url:
        root = url.rsplit("/sparql", 1)[0]
        with urllib.request.urlopen(root + "/search?q=" + quote("hot update")) as r:
            html = r.read().decode()
            assert r.status == 200 and "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert 'href="/features/hot-update?lang=en"' in html and 'href="/features/hot-loading?lang=en"' in html
        assert "mindspore_serving.md" in html and "<script" not in html
        with urllib.request.urlopen(root + "/api/search?q=" + quote("量化")) as r:
            assert json.load(r)["features"][0]["id"] == "quantization"


def test_header_box_in_a_browser(store):
    from test_browser import ARGS, CHROMIUM, _need_browser
    _need_browser()
    from playwright.sync_api import sync_playwright

    with kg_serve(store, "--workers", "1") as url, sync_playwright() as p:
        root = url.rsplit("/sparql", 1)[0]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(root + "/matrix")
            page.get_by_label("Search features and questions").fill("热加载")
            page.locator("form.site-search button").click()
            page.wait_for_url("**/search?q=*")
            first = page.locator("#features li.hit a").first
            assert first.inner_text() == "hot loading"
            assert page.locator("#entries li.entry").count() >= 2
            assert page.get_by_label("Words (English or Chinese)").input_value() == "热加载"
            first.click()
            page.wait_for_url("**/features/hot-loading*")
            assert not errors, errors
        finally:
            browser.close()


# --- the CLI and the build --------------------------------------------------------------------

def test_kg_search_table_and_json(store):
    runner = CliRunner()
    table = runner.invoke(main, ["search", str(store), "hot update", "--limit", "3"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[1].split()[:3] == ["vocabulary", "hot", "update"] and "https://" not in table.output
    out = runner.invoke(main, ["search", str(store), "量化", "--format", "json", "--lang", "zh", "--release", "r1.1"])
    doc = json.loads(out.output)
    assert doc["features"][0]["id"] == "quantization" and {e["lang"] for e in doc["entries"]} == {"zh"}
    bad = runner.invoke(main, ["search", str(store), "x", "--release", "r9.9"])
    assert bad.exit_code == 2 and "release" in bad.output


def test_the_index_is_rebuilt_with_the_store(build_releases, tmp_path):
    target = tmp_path / "store"
    build_releases(["r1.1"], target)
    before = (target / INDEX_NAME).stat().st_ino
    assert "docs/faq/source_en/mindspore_serving.md" not in entry_sources(
        search(Lookups(store_runner(open_store(target))), target, "hot update"))
    result = build_releases(["r1.2"], target)
    assert (target / INDEX_NAME).stat().st_ino != before
    assert result.indexed["entries"] == result.entries and "search index of" in result.summary()
    doc = search(Lookups(store_runner(open_store(target))), target, "hot update")
    assert {e["release"] for e in doc["entries"]} == {"r1.2"}
    assert "docs/faq/source_en/mindspore_serving.md" in entry_sources(doc)
    # an index build that fails swaps in nothing: store and index stay as they were
    stamp = (target / INDEX_NAME).stat().st_ino

    def broken(store, folder):
        (folder / INDEX_NAME).write_bytes(b"half")
        raise OSError(28, "No space left on device")
    with pytest.raises(Exception, match="No space left"):
        build_store_atomically(target, lambda s: None, finish=broken)
    assert (target / INDEX_NAME).stat().st_ino == stamp and not any(leftovers(target).values())
    # `kg load --append` adds RDF to the store and keeps its index
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    load_files([extra], target, append=True)
    assert "docs/faq/source_en/mindspore_serving.md" in entry_sources(
        search(Lookups(store_runner(open_store(target))), target, "hot update"))
