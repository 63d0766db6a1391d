"""Candidate features (kg.extract.candidates): labels and keys of phrases written here, the alignment of
Chinese candidates with their English twins in a build, and the whole corpus: candidate
concepts shared by translation pairs, English for most Chinese entries, stable IRIs."""
from __future__ import annotations

import json

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import InputError
from kg.extract.candidates import (
    assign_candidates,
    candidate_key,
    candidate_label,
    clean_text,
    is_english,
    load_terms,
    singular,
)
from kg.extract.lexicon import load_lexicon
from kg.extract.pipeline import align_streamed, link_entries
from kg.graph.pipeline import build_graph_quads
from kg.graph.quads import build_quads
from kg.graph.shacl import to_rdflib
from kg.model import Entry, Extraction
from kg.terms.iris import mint_iri
from kg.terms.namespaces import KG

# --- the normaliser, on phrases written for this test ---------------------------------

@pytest.mark.parametrize("word, expected", [
    ("layers", "layer"), ("libraries", "library"), ("patches", "patch"), ("caches", "cache"),
    ("boxes", "box"), ("classes", "class"), ("data", "data"), ("status", "status"),
    ("analysis", "analysis"), ("GPUs", "GPU"), ("ops", "ops"), ("focus", "focus"), ("sizes", "size"),
    ("dynamics", "dynamics")])
def test_singular_by_simple_rules(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize("text, expected", [
    ("  sparse   gradients?", "sparse gradients"),
    ("“ring allreduce”。", "ring allreduce"),
    ("（计划）支持星座图采样", "支持星座图采样"),      # an aside opening the text
    ("计划）支持星座图采样", "支持星座图采样"),        # the tail of an aside
    ("lattice sampling (beta)", "lattice sampling"),
    ("lattice sampling (for", "lattice sampling"),
    ("conv(3d) layers", "conv(3d) layers"),           # brackets inside stay
    ("Ｆｕｌｌｗｉｄｔｈ", "Fullwidth"),
])
def test_clean_text(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("the Sparse Gradients.", "Sparse Gradients"),
    ("calculate the mean of a matrix", "calculating the mean of a matrix"),
    ("for ring allreduce", "ring allreduce"),
    ("installed on Kunpeng boards", "installing on Kunpeng boards"),
    ("星座图采样", "星座图采样"),
])
def test_label_is_a_readable_noun_phrase(text, expected):
    assert candidate_label(text) == expected


@pytest.mark.parametrize("forms", [
    ["Sparse Gradients", "the sparse gradient", "sparse gradients.", "a Sparse gradient?"],
    ["compute the mean of tensors", "mean of a tensor", "the mean of any tensors", "computing the mean of tensor"],
    ["lattice samplers on boards", "Lattice sampler on a board"],
    ["3D Pooling Layers", "3d pooling layer"],
])
def test_near_duplicates_share_one_key(forms):
    assert len({candidate_key(f) for f in forms}) == 1, {f: candidate_key(f) for f in forms}


@pytest.mark.parametrize("a, b", [
    ("running on ARM boards", "installing on ARM boards"),      # a verb before a preposition stays
    ("sparse gradient", "dense gradient"),
    ("mean of tensors", "mean tensors"),
    ("星座图采样", "星座图"),
])
def test_different_things_keep_different_keys(a, b):
    assert candidate_key(a) != candidate_key(b)


def test_keys_are_lower_case_and_chinese_keys_keep_their_text():
    assert candidate_key("ONNX Exporters") == "onnx exporter"
    assert candidate_key("ds.Lattice采样") == "ds.lattice采样"
    assert is_english("ONNX exporter") and not is_english("星座图采样")


def test_candidate_of_gives_the_cleaned_label():
    lex = load_lexicon()
    assert lex.candidate_of("Does MindSpore support the Lattice Samplers?", "en") == "Lattice Samplers"
    assert lex.candidate_of("Can I calculate the mean of a matrix?", "en") == "calculating the mean of a matrix"
    assert lex.candidate_of("MindSpore是否（计划）支持星座图采样？", "zh") == "星座图采样"
    assert lex.candidate_of("How do I install it?", "en") is None


def test_a_broken_terms_file_is_named(tmp_path):
    bad = tmp_path / "terms.json"
    bad.write_text('{"leading_verbs": {}, ', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_terms(str(bad))
    assert str(bad) in str(info.value) and "invalid JSON" in str(info.value)
    bad.write_text(json.dumps({"leading_verbs": {}}), encoding="utf-8")
    with pytest.raises(InputError, match="determiners"):
        load_terms(str(bad))


# --- alignment in the build, on hand-made entries ----------------------------------------

def entry(lang, n, question, release="r1.2", page="boards.md") -> Entry:
    folder = "source_zh_cn" if lang == "zh" else "source_en"
    return Entry(source=f"{release}/docs/faq/{folder}/{page}", n=n, line=3 * n, end_line=3 * n + 1,
                 lang=lang, release=release, component="MindSpore", topic=None, question=question,
                 answer=question, answer_markdown=question)


def facts(*candidates, features=()) -> Extraction:
    return Extraction(status="unsupported", candidates=list(candidates), feature_iris=list(features))


FEATURE = mint_iri("feature", "auto-parallel")


def test_chinese_entries_take_the_candidate_of_their_english_twin():
    pairs = [
        (entry("zh", 1, "MindSpore是否支持星座图采样？"), facts("星座图采样")),
        (entry("zh", 2, "MindSpore支持格点板卡吗？"), facts(features=[FEATURE])),
        (entry("zh", 3, "能否计算矩阵均值？"), facts()),
        (entry("en", 1, "Does MindSpore support constellation sampling?"), facts("constellation sampling")),
        (entry("en", 2, "Does MindSpore support lattice boards?"), facts("lattice boards")),
        (entry("en", 3, "Can I compute the mean of a matrix?"), facts("computing the mean of a matrix")),
        # another release: the zh page has no English twin, its text was aligned above
        (entry("zh", 1, "MindSpore是否支持星座图采样？", release="r2.0"), facts("星座图采样")),
        # a zh text never aligned keeps its Chinese candidate
        (entry("zh", 2, "MindSpore是否支持格点采样？", release="r2.0"), facts("格点采样")),
    ]
    built = build_quads(pairs, link_entries(pairs))
    assert sorted(built.translations) == [(0, 3), (1, 4), (2, 5)]
    g = to_rdflib(built.quads)

    def about(i):
        return {str(c) for c in g.objects(URIRef(built.answers[i]), KG.aboutFeature)}
    sampling = mint_iri("candidate", "constellation sampling")
    assert about(0) == about(3) == about(6) == {sampling}
    assert about(1) == {FEATURE}                         # vocabulary features win
    assert about(2) == about(5) == {mint_iri("candidate", "mean of matrix")}
    assert about(7) == {mint_iri("candidate", "格点采样")}
    c = URIRef(sampling)
    assert set(g.objects(c, SKOS.prefLabel)) == {Literal("constellation sampling", lang="en"),
                                                 Literal("星座图采样", lang="zh")}
    assert set(g.objects(URIRef(mint_iri("candidate", "格点采样")), SKOS.prefLabel)) == \
        {Literal("格点采样", lang="zh")}
    assert len(set(g.subjects(RDF.type, KG.CandidateFeature))) == 4


def test_near_duplicate_candidates_are_one_concept_with_alt_labels():
    pairs = [(entry("en", 1, "q1", page="a.md"), facts("Lattice Samplers")),
             (entry("en", 1, "q2", page="b.md"), facts("lattice sampler")),
             (entry("en", 1, "q3", page="c.md"), facts("lattice sampler"))]
    g = to_rdflib(build_quads(pairs, link_entries(pairs)).quads)
    c = URIRef(mint_iri("candidate", "lattice sampler"))
    assert list(g.subjects(RDF.type, KG.CandidateFeature)) == [c]
    assert g.value(c, SKOS.prefLabel) == Literal("lattice sampler", lang="en")   # named by most entries
    assert g.value(c, SKOS.altLabel) == Literal("Lattice Samplers", lang="en")


def test_the_aligned_graph_is_shacl_valid_and_deterministic():
    pairs = [(entry("zh", 1, "是否支持星座图采样？"), facts("星座图采样")),
             (entry("en", 1, "Does it support constellation sampling?"), facts("constellation sampling")),
             (entry("zh", 2, "是否支持格点采样？"), facts("格点采样"))]
    quads, built, report = build_graph_quads(pairs)
    assert report.conforms, report.violations
    backwards = list(reversed(pairs))
    assert set(build_quads(backwards, link_entries(backwards)).quads) == set(built.quads)


# --- real text where the vocabulary is silent ------------------------------------------------
# The shipped vocabulary names a feature in almost every entry that states a support status,
# so the corpus build has next to no candidates. These tests build three releases of the real
# corpus with a vocabulary whose feature section is removed: every question that names a
# capability then yields a candidate, and the alignment must hold on real zh/en pages.

SILENT_RELEASES = ("r1.2", "r2.3", "master")


@pytest.fixture(scope="module")
def silent(build_releases, corpus_dir, tmp_path_factory):
    """(store path, pairs, translations): three releases built with no vocabulary features."""
    from kg import config
    from kg.extract.extractor import Extractor
    from kg.extract.pairing import pair_translations
    from kg.graph.pipeline import read_pairs
    from kg.terms.vocabulary import load_vocabulary

    d = tmp_path_factory.mktemp("silent-vocabulary")
    text = (config.ONTOLOGY_DIR / "vocabulary.ttl").read_text(encoding="utf-8")
    start, end = text.index("# FEATURES-BEGIN"), text.index("# FEATURES-END")
    (d / "vocabulary.ttl").write_text(text[:start] + text[end:], encoding="utf-8")
    extractor = Extractor(vocabulary=load_vocabulary(d / "vocabulary.ttl"))
    result = build_releases(SILENT_RELEASES, d / "store", extractor=extractor)
    assert result.report.conforms
    pairs = read_pairs([corpus_dir / r for r in SILENT_RELEASES], root=corpus_dir, extractor=extractor)
    return d / "store", pairs, pair_translations(pairs)


@pytest.fixture(scope="module")
def store(silent):
    from kg.store import open_store
    return open_store(silent[0])


@pytest.fixture(scope="module")
def extracted(silent):
    """(pairs, translations) of those releases, extracted again: the candidates before alignment."""
    return silent[1], silent[2]


PREFIX = """PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(store, query):
    from kg.query.catalogue import solutions_to_dicts
    return solutions_to_dicts(store.query(PREFIX + query))


@pytest.mark.slow
def test_corpus_candidate_concepts_are_the_aligned_ones(store, extracted):
    pairs, translations = extracted
    aligned = assign_candidates(pairs, translations)
    in_store = {r["c"] for r in rows(store, "SELECT ?c WHERE { ?c a kg:CandidateFeature }")}
    # deterministic IRIs: an independent extraction gives the concepts of the build
    assert in_store == {mint_iri("candidate", k) for k in aligned.texts}
    unaligned = {candidate_key(t) for _, ex in pairs for t in ex.candidates}
    assert len(in_store) < len(unaligned)
    print(f"\ncandidate concepts: {len(unaligned)} unaligned, {len(in_store)} in the build")


@pytest.mark.slow
def test_corpus_translation_pairs_share_their_candidates(store):
    got = rows(store, """
        SELECT ?zh ?en ?c (EXISTS { ?zh kg:aboutFeature ?c } AS ?shared)
               (EXISTS { ?zh kg:aboutFeature ?other . ?other a kg:CandidateFeature } AS ?zhCandidate)
        WHERE { ?en schema:inLanguage "en" ; kg:translation ?zh ; kg:aboutFeature ?c .
                ?c a kg:CandidateFeature }""")
    assert got, "no English entry with a candidate is paired"
    # the zh twin names the same candidate, or none (it names a vocabulary feature instead)
    assert all(r["shared"] or not r["zhCandidate"] for r in got)
    assert sum(1 for r in got if r["shared"]) >= len(got) / 2
    print(f"\npaired en entries with a candidate: {len(got)}, zh twin shares it: "
          f"{sum(1 for r in got if r['shared'])}")


@pytest.mark.slow
def test_corpus_chinese_entries_mostly_name_english_candidates(store, extracted):
    pairs, _ = extracted
    before = [ex.candidates for e, ex in pairs if e.lang == "zh" and ex.candidates]
    before_en = sum(all(is_english(t) for t in c) for c in before)
    after = rows(store, """
        SELECT ?a (SAMPLE(?en) AS ?english) WHERE {
          ?a schema:inLanguage "zh" ; kg:aboutFeature ?c . ?c a kg:CandidateFeature .
          OPTIONAL { ?c skos:prefLabel ?en FILTER(lang(?en) = "en") } } GROUP BY ?a""")
    after_en = sum(1 for r in after if "english" in r)
    print(f"\nzh entries with a candidate: before {len(before)} ({before_en} English), "
          f"after {len(after)} ({after_en} English)")
    assert after_en > before_en and after_en / len(after) > before_en / len(before)
    assert after_en / len(after) > 0.5
    # every concept a zh entry names has a zh label (so /api/features?lang=zh shows Chinese)
    # or came from a Latin-script candidate of an entry
    unlabelled = rows(store, """
        SELECT DISTINCT ?c WHERE { ?a schema:inLanguage "zh" ; kg:aboutFeature ?c . ?c a kg:CandidateFeature .
          FILTER NOT EXISTS { ?c skos:prefLabel ?l FILTER(lang(?l) = "zh") } }""")
    english_own = {candidate_key(t) for e, ex in pairs if e.lang == "en" or ex.candidates for t in ex.candidates
                   if is_english(t)}
    assert {r["c"] for r in unlabelled} <= {mint_iri("candidate", k) for k in english_own}


@pytest.mark.slow
def test_corpus_aligned_candidates_read_in_both_languages_through_the_api(make_app, silent, store):
    both = rows(store, """
        SELECT ?c ?en ?zh WHERE { ?c a kg:CandidateFeature ;
          skos:prefLabel ?en FILTER(lang(?en) = "en") ?c skos:prefLabel ?zh FILTER(lang(?zh) = "zh") }""")
    assert both
    client = make_app(silent[0], query_timeout=30).test_client()
    for r in both[:3]:
        fid = "candidate/" + r["c"].rsplit("/", 1)[1]
        zh = client.get(f"/api/features?feature={fid}&lang=zh").get_json()
        en = client.get(f"/api/features?feature={fid}&lang=en").get_json()
        assert [f["label"] for f in zh["features"]] == [r["zh"]]
        assert [f["label"] for f in en["features"]] == [r["en"]]
        answers = {e["entry"] for e in zh["features"][0]["evidence"]}
        langs = {x["lang"] for x in rows(store, "SELECT ?lang WHERE { VALUES ?a { %s } ?a schema:inLanguage ?lang }"
                                          % " ".join(f"<{a}>" for a in answers))}
        assert langs == {"zh", "en"}     # one concept for the entries of both languages


# --- the same alignment in `kg extract`'s stream -------------------------------------------

def named(lang, n, question, *candidates, known=(), page="boards.md"):
    ex = Extraction(status="unsupported", candidates=list(candidates), features=[*known, *candidates],
                    feature_iris=[FEATURE] * len(known))
    return entry(lang, n, question, page=page), ex


def test_the_extract_stream_names_chinese_candidates_after_their_english_twins():
    stream = [
        named("en", 1, "Does MindSpore support constellation sampling?", "constellation sampling"),
        named("en", 2, "Does MindSpore support lattice boards?", "lattice boards", known=["auto-parallel"]),
        named("zh", 1, "MindSpore是否支持星座图采样？", "星座图采样"),
        named("zh", 2, "MindSpore是否支持格点板卡？", "格点板卡", known=["auto-parallel"]),
        named("zh", 1, "MindSpore是否支持格点采样？", "格点采样", page="other.md"),   # no twin page
    ]
    out = list(align_streamed(iter(stream)))
    assert [(e.lang, e.n, e.source) for e, _ in out] == [(e.lang, e.n, e.source) for e, _ in stream]
    features = [ex.features for _, ex in out]
    assert features[2] == ["constellation sampling"]
    assert features[3] == ["auto-parallel", "lattice boards"]
    assert features[4] == ["格点采样"]
    assert out[2][1].candidates == ["星座图采样"]          # the entry's own text stays its candidate


@pytest.mark.slow
def test_corpus_extract_stream_agrees_with_the_build(extracted):
    """Over the whole corpus in file order, the stream renames the zh candidates the build
    aligns, and only those: English entries and every other field stay as extracted."""
    import dataclasses
    pairs, translations = extracted
    copies = [(e, dataclasses.replace(ex, features=list(ex.features))) for e, ex in pairs]
    out = list(align_streamed(iter(copies)))
    assert [e for e, _ in out] == [e for e, _ in pairs]
    renamed = [(e, ex) for (e, ex), (_, old) in zip(out, pairs) if ex.features != old.features]
    assert renamed and all(e.lang == "zh" for e, _ in renamed)
    assert all(all(is_english(f) for f in ex.features if f not in old.features)
               for (e, ex), (_, old) in zip(out, pairs) if ex.features != old.features)
    foreign = lambda items: sum(1 for e, ex in items if e.lang == "zh"  # noqa: E731
                                and any(not is_english(f) for f in ex.features))
    before, after = foreign(pairs), foreign(out)
    assert after < before / 1.5
    print(f"\nzh entries with a non-English feature in `kg extract`: {before} -> {after}")
