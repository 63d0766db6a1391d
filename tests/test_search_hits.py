"""What a search hit is (issue #13): one question over releases, moved pages and both languages
(an entry and its translation are one hit), and a feature found by any of the names the FAQ
gave it (ontology/lexicon/search_synonyms.json), on the real corpus.

The synonym groups are checked against the whole corpus: every group is witnessed by two
questions of nearly one wording whose claims are about its two members, and every such pair
of vocabulary features the corpus holds is a group.
"""
from __future__ import annotations

import difflib
import json

import pytest
from pages_support import PREFIXES, select

from kg import config
from kg.graph.search_index import load_synonyms, question_key, synonym_iri
from kg.lookup.documents import Lookups, store_runner
from kg.lookup.search import search
from kg.store import open_store

FEATURE = "https://w3id.org/mindspore-kg/feature/"


@pytest.fixture(scope="module")
def find_in():
    def find(store, q, **kw):
        return search(Lookups(store_runner(open_store(store))), store, q, **kw)
    return find


# --- an entry and its translation: one hit -------------------------------------------------------

def _twins(store) -> dict[str, str]:
    rows = select(store, PREFIXES + "SELECT ?a ?b WHERE { ?a kg:translation ?b }")
    return {r["a"]: r["b"] for r in rows}


@pytest.mark.parametrize("q", ["hot loading", "量化", "Serving"])
def test_an_entry_and_its_translation_are_one_hit(two_release_store, find_in, q):
    doc = find_in(two_release_store, q, limit=50)
    twins = _twins(two_release_store)
    hit_of = {}
    for i, e in enumerate(doc["entries"]):
        assert [v["lang"] for v in e["versions"]] == e["languages"] and e["languages"][0] == e["lang"]
        assert e["versions"][0]["entry"] == e["entry"]
        for v in e["versions"]:
            hit_of[v["entry"]] = i
    paired = [(a, b) for a, b in twins.items() if a in hit_of and b in hit_of]
    assert paired, q                                     # the query meets translated entries
    assert all(hit_of[a] == hit_of[b] for a, b in paired)  # never as two hits
    assert any(len(e["languages"]) == 2 for e in doc["entries"])


def test_the_hot_loading_question_is_one_hit_in_both_languages(two_release_store, find_in):
    hits = [e for e in find_in(two_release_store, "hot loading")["entries"]
            if question_key(e["question"]) == question_key(
                "Does MindSpore Serving support hot loading to avoid inference service interruption?")]
    assert len(hits) == 1
    hit = hits[0]
    assert hit["languages"] == ["en", "zh"] and hit["releases"] == ["r1.1", "r1.2"]
    zh = hit["versions"][1]
    assert "热加载" in zh["question"] and zh["source"].startswith("r1.2/docs/faq/source_zh_cn/")
    # a Chinese query shows the Chinese version first; `lang` keeps one language
    first = next(e for e in find_in(two_release_store, "热加载")["entries"] if "热加载" in e["question"])
    assert first["lang"] == "zh" and first["languages"] == ["zh", "en"]
    only = find_in(two_release_store, "hot loading", lang="zh")["entries"]
    assert only and all(e["languages"] == ["zh"] for e in only)


def test_hits_in_the_page_and_the_cli_say_both_languages(client, two_release_store):
    from click.testing import CliRunner

    from kg.cli import main
    html = client.get("/search?q=hot+loading").get_data(as_text=True)
    assert "r1.1, r1.2 · en+zh" in html and 'hreflang="zh"' in html
    out = CliRunner().invoke(main, ["search", str(two_release_store), "hot loading"]).output
    assert "entry/en+zh" in out and "entry/zh " not in out


# --- synonyms: a feature by any of its names ----------------------------------------------------------

def test_hot_loading_and_hot_update_find_each_other_in_the_whole_corpus(full_store, find_in):
    for q, other in (("hot loading", "hot-update"), ("hot update", "hot-loading"),
                     ("热加载", "hot-update"), ("热更新", "hot-loading")):
        doc = find_in(full_store, q)
        assert other in {f["id"] for f in doc["features"]}, q
        hit = next(e for e in doc["entries"] if "hot-update" in {f["id"] for f in e["features"]})
        assert "master" in hit["releases"], q     # the question as asked up to master


def test_every_synonym_group_finds_its_members_by_each_name(full_store, find_in):
    for group in load_synonyms():
        iris = [synonym_iri(f) for f in group]
        for iri in iris:
            rows = select(full_store, PREFIXES + f'SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l '
                                                 'FILTER(lang(?l) = "en") }')
            assert rows, f"{iri} is not in the graph of the corpus"
            found = {f["iri"] for f in find_in(full_store, rows[0]["l"], limit=100)["features"]}
            assert set(iris) <= found, (rows[0]["l"], set(iris) - found)


def _renamed_questions(store) -> dict[frozenset, tuple[str, str]]:
    """{pair of concepts: the two questions}: questions of one language whose wording differs in
    a few words (difflib ratio >= 0.8) and whose claims are about different features or subjects."""
    rows = select(store, PREFIXES + """SELECT DISTINCT ?lang ?question ?concept WHERE {
        ?a a schema:Answer ; schema:inLanguage ?lang ; kg:question ?q . ?q schema:name ?question .
        ?c prov:wasDerivedFrom ?a . { ?c kg:feature ?concept } UNION { ?c kg:subject ?concept } }""")
    about: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        about.setdefault((r["lang"], question_key(r["question"])), set()).add(r["concept"])
    keys, pairs = sorted(about), {}
    for i, (lang, a) in enumerate(keys):
        for other_lang, b in keys[i + 1:]:
            if other_lang != lang or abs(len(a) - len(b)) > 30:
                continue
            m = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if m.real_quick_ratio() < 0.8 or m.quick_ratio() < 0.8 or m.ratio() < 0.8:
                continue
            only_a, only_b = about[(lang, a)] - about[(lang, b)], about[(lang, b)] - about[(lang, a)]
            for x in only_a:
                for y in only_b:
                    pairs[frozenset((x, y))] = (a, b)
    return pairs


def test_the_synonyms_are_the_renamings_the_corpus_holds(full_store):
    pairs = _renamed_questions(full_store)
    groups = [{synonym_iri(f) for f in g} for g in load_synonyms()]
    for g in groups:  # each group is witnessed by a renamed question
        assert any(pair <= g for pair in pairs), g
    # each renamed vocabulary feature is a group or kept `apart` (subjects come and go with the
    # claim rules): a new renaming in the corpus shows up here
    doc = json.loads((config.LEXICON_DIR / "search_synonyms.json").read_text(encoding="utf-8"))
    judged = groups + [{synonym_iri(f) for f in g["features"]} for g in doc.get("apart", [])]
    features = [p for p in pairs if all(x.startswith(FEATURE) for x in p)]
    assert features
    assert all(any(p <= g for g in judged) for p in features), [sorted(p) for p in features]


# --- a subject's page ------------------------------------------------------------------------------------

def test_a_subject_page_shows_its_claims_and_its_feature(client, two_release_store):
    subject = "subject/air-export-with-tensor-larger-than-2gb"
    rows = select(two_release_store, PREFIXES + f"""SELECT ?c ?f ?st ?hw ?cond WHERE {{
        ?c kg:subject <{synonym_iri(subject)}> ; kg:limitationOf ?f ; kg:status ?st .
        OPTIONAL {{ ?c kg:hardware ?hw }} OPTIONAL {{ ?c kg:condition ?cond }} }}""")
    assert rows
    html = client.get(f"/features/{subject}").get_data(as_text=True)
    assert "Subject of claims, part of" in html and 'href="/features/AIR-export?lang=en"' in html
    claims = len({(r["st"], r["hw"], r["cond"]) for r in rows})   # one item per claim over its releases
    said = f"{claims} claim{'' if claims == 1 else 's'} from {len(rows)} entr{'y' if len(rows) == 1 else 'ies'}"
    assert f"Claims about this subject <span class=\"muted\">({said}" in html
