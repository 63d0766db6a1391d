"""kg.graph.quads on hand-made entries: the graph shape of ontology/MODEL.md, identity across
releases, translation pairing, SHACL validation and round trips through the file formats."""
from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from kg.errors import CheckFailed, InputError
from kg.extract.pipeline import link_entries
from kg.graph.pipeline import build_graph_quads, serialize_quads
from kg.graph.quads import build_quads
from kg.graph.shacl import to_rdflib, validate_graph
from kg.model import Claim, Entry, Evidence, Extraction
from kg.parse.identity import normalise_question, page_key
from kg.terms.iris import mint_iri
from kg.terms.namespaces import KG

SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
FEATURE = mint_iri("feature", "auto-parallel")


def entry(release="r1.2", lang="zh", n=1, question="Does it run on every card?", **kw) -> Entry:
    folder = "source_zh_cn" if lang == "zh" else "source_en"
    src = f"{release}/docs/faq/{folder}/cards.md"
    fields = dict(source=src, n=n, line=10 * n, end_line=10 * n + 4, lang=lang, release=release,
                  component="MindSpore", topic="Cards" if lang == "en" else "卡",
                  question=question, answer="Yes on the big card, not yet on the small one.",
                  answer_markdown="A: Yes on the **big** card, not yet on the small one.",
                  urls=["https://docs.invalid/cards.html", "../cards.md"],
                  upstream=f"https://gitee.invalid/docs/blob/{release}/docs/faq/{folder}/cards.md#L{10 * n}")
    fields.update(kw)
    return Entry(**fields)


def facts(status="partial", hardware=None, candidates=(), claims=None) -> Extraction:
    """An extraction about auto-parallel; its claims as kg.extract.claims makes them (one per
    hardware with a status, else one without hardware) unless `claims` are given."""
    hardware = {"Ascend910": "supported", "CPU": "unsupported"} if hardware is None else hardware
    ev = {"status": Evidence(0, 18, "Yes on the big card")}
    ev.update({hw: Evidence(0, 18, "Yes on the big card") for hw in hardware})
    if claims is None:
        stated = [(hw, st) for hw, st in hardware.items() if st != "n/a"] or \
            ([(None, status)] if status != "n/a" else [])
        claims = [Claim("auto-parallel", hw, st, concept=FEATURE, product="MindSpore Lite",
                        evidence=ev[hw or "status"], line=12) for hw, st in stated]
    return Extraction(status=status, hardware=hardware, features=["auto-parallel"],
                      feature_iris=[FEATURE], candidates=list(candidates), products=["MindSpore Lite"],
                      evidence=ev, claims=claims)


def graph_of(pairs) -> Graph:
    return to_rdflib(build_quads(pairs, link_entries(pairs)).quads)


def test_one_entry_follows_the_model():
    e = entry()
    g = graph_of([(e, facts())])
    a = URIRef(mint_iri("answer", page_key(e), normalise_question(e.question), "r1.2"))
    q = URIRef(mint_iri("question", page_key(e), normalise_question(e.question)))
    assert (a, RDF.type, SCHEMA.Answer) in g
    assert g.value(a, SCHEMA.text) == Literal(e.answer, lang="zh")
    assert g.value(q, SCHEMA.name) == Literal(e.question, lang="zh")
    assert (q, SCHEMA.acceptedAnswer, a) in g and (a, KG.question, q) in g
    assert g.value(a, KG.release) == URIRef(mint_iri("release", "r1.2"))
    assert g.value(a, DCT.source) == Literal(e.source)
    assert (g.value(a, KG.startLine).toPython(), g.value(a, KG.endLine).toPython()) == (10, 14)
    assert g.value(a, KG.upstream) == URIRef(e.upstream)
    assert sorted(str(u) for u in g.objects(a, KG.docUrl)) == sorted(e.urls)
    assert g.value(a, KG.docUrlCount).toPython() == 2
    assert g.value(a, KG.status) == URIRef(mint_iri("status", "partial"))
    assert g.value(a, KG.aboutProduct) == URIRef(mint_iri("product", "MindSpore Lite"))
    page = g.value(q, SCHEMA.isPartOf)
    assert str(g.value(page, KG.pagePath)) == "docs/faq/source_zh_cn/cards.md"
    statements = set(g.subjects(RDF.type, KG.SupportStatement))
    # one claim per hardware stated; the entry's overall status is not copied onto the feature
    assert statements == set(g.subjects(RDF.type, KG.Claim)) and len(statements) == 2
    assert {g.value(s, KG.subject) for s in statements} == {URIRef(FEATURE)}
    by_hw = {str(g.value(s, KG.hardware) or ""): s for s in statements}
    assert set(by_hw) == {mint_iri("hardware", "Ascend910"), mint_iri("hardware", "CPU")}
    cpu = by_hw[mint_iri("hardware", "CPU")]
    assert g.value(cpu, KG.status) == URIRef(mint_iri("status", "unsupported"))
    assert g.value(cpu, PROV.wasDerivedFrom) == a
    assert g.value(cpu, KG.feature) == URIRef(FEATURE)
    assert g.value(cpu, KG.product) == URIRef(mint_iri("product", "MindSpore Lite"))
    assert g.value(cpu, KG.evidence) == Literal("Yes on the big card", lang="zh")
    assert g.value(cpu, KG.evidenceLine).toPython() == 12


def test_a_narrower_subject_is_a_concept_of_its_own_shared_by_both_languages():
    SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
    narrow = [Claim("auto-parallel with pipeline stages", "GPU", "unsupported", broader="auto-parallel",
                    broader_iri=FEATURE, evidence=Evidence(0, 18, "Yes on the big card"), line=14)]
    zh_claims = [Claim("auto-parallel with pipeline stages", "GPU", "unsupported", broader_iri=FEATURE,
                       label_zh="流水线并行的自动并行", evidence=Evidence(0, 5, "不支持"), line=14)]
    pairs = [(entry(lang="en"), facts(claims=narrow)), (entry(lang="zh"), facts(claims=zh_claims))]
    quads, _, report = build_graph_quads(pairs)     # with the ontology and vocabulary, SHACL-checked
    assert report.conforms
    g = to_rdflib(quads)
    subjects = set(g.objects(None, KG.subject))
    assert len(subjects) == 1       # both languages' claims point at one subject
    s = subjects.pop()
    # a limitation of auto-parallel, not a statement of its status
    claims = set(g.subjects(RDF.type, KG.Claim))
    assert len(claims) == 2 and {g.value(c, KG.limitationOf) for c in claims} == {URIRef(FEATURE)}
    assert not set(g.subjects(RDF.type, KG.SupportStatement)) and not set(g.objects(None, KG.feature))
    assert str(s).startswith(mint_iri("subject", "x")[:-1]) and (s, RDF.type, KG.Subject) in g
    assert g.value(s, SKOS.broader) == URIRef(FEATURE)
    assert set(g.objects(s, SKOS.prefLabel)) == {Literal("auto-parallel with pipeline stages", lang="en"),
                                                 Literal("流水线并行的自动并行", lang="zh")}


def test_not_applicable_entries_make_claims_only_for_stated_hardware():
    g = graph_of([(entry(), facts(status="n/a", hardware={}))])
    assert not set(g.subjects(RDF.type, KG.SupportStatement))
    g = graph_of([(entry(), facts(status="n/a", hardware={"GPU": "planned"}))])
    statements = set(g.subjects(RDF.type, KG.SupportStatement))
    assert len(statements) == 1
    assert g.value(statements.pop(), KG.hardware) == URIRef(mint_iri("hardware", "GPU"))


def test_the_same_question_in_two_releases_is_one_question_with_two_answers():
    old = entry("r1.2", question="Does it run on every card?")
    new = entry("r2.0", n=3, question="  does it run on every  card ")   # spacing and case differ
    g = graph_of([(old, facts()), (new, facts(status="supported"))])
    questions = set(g.subjects(RDF.type, SCHEMA.Question))
    assert len(questions) == 1
    answers = set(g.objects(questions.pop(), SCHEMA.acceptedAnswer))
    assert {str(g.value(a, KG.release)) for a in answers} == {mint_iri("release", "r1.2"),
                                                             mint_iri("release", "r2.0")}


def test_a_question_asked_twice_on_one_page_keeps_both_answers():
    g = graph_of([(entry(n=1), facts()), (entry(n=2), facts())])
    assert len(set(g.subjects(RDF.type, SCHEMA.Answer))) == 2
    assert len(set(g.subjects(RDF.type, SCHEMA.Question))) == 1


def test_candidates_become_concepts_in_the_candidates_scheme():
    g = graph_of([(entry(), facts(candidates=["card hopping"]))])
    c = URIRef(mint_iri("candidate", "card hopping"))
    assert (c, RDF.type, KG.CandidateFeature) in g
    assert g.value(c, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")) == Literal("card hopping", lang="en")
    assert (c, None, None) in g and not set(g.subjects(KG.feature, c))   # named, no claim about it


def test_translations_pair_by_position_words_and_links():
    zh = [entry(lang="zh", n=1, question="Serving支持热加载吗？", urls=["https://x.invalid/zh-CN/a.html"]),
          entry(lang="zh", n=2, question="梯度截断支持吗？", urls=[]),
          entry(lang="zh", n=3, question="MindRecord格式怎么转换？", urls=["https://x.invalid/zh-CN/c.html"])]
    for e in zh:
        e.answer = e.question
    en = [entry(lang="en", n=1, question="Does Serving support hot loading?", urls=["https://x.invalid/en/a.html"]),
          # the English page lacks the second entry
          entry(lang="en", n=2, question="How do I convert the MindRecord format?", urls=["https://x.invalid/en/c.html"])]
    for e in en:
        e.answer = e.question
    pairs = [(e, facts(status="n/a", hardware={})) for e in zh + en]
    built = build_quads(pairs, link_entries(pairs))
    assert sorted(built.translations) == [(0, 3), (2, 4)]
    g = to_rdflib(built.quads)
    for i, j in built.translations:
        a, b = URIRef(built.answers[i]), URIRef(built.answers[j])
        assert (a, KG.translation, b) in g and (b, KG.translation, a) in g
    assert not set(g.objects(URIRef(built.answers[1]), KG.translation))


@pytest.mark.parametrize("change, message", [
    (lambda e, x: setattr(e, "lang", "fr"), "unknown language"),
    (lambda e, x: setattr(x, "status", "maybe"), "unknown status"),
    (lambda e, x: x.hardware.update({"TPU": "supported"}), "unknown hardware"),
])
def test_bad_input_names_the_entry(change, message):
    e, x = entry(), facts()
    change(e, x)
    with pytest.raises(InputError) as info:
        bad = [(entry(n=2), facts()), (e, x)]
        build_quads(bad, link_entries(bad))
    assert message in str(info.value) and f"{e.source}:{e.line}" in str(info.value)


def test_two_builds_give_the_same_quads():
    pairs = [(entry(r, lang=lg, n=n), facts()) for r in ("r1.2", "r2.0") for lg in ("zh", "en")
             for n in (1, 2)]
    assert set(build_quads(pairs, link_entries(pairs)).quads) == set(build_quads(pairs, link_entries(pairs)).quads)


def test_a_graph_of_entries_is_valid_and_a_broken_one_is_not():
    pairs = [(entry(), facts(candidates=["card hopping"])), (entry(lang="en"), facts())]
    quads, _, report = build_graph_quads(pairs)
    assert report.conforms
    g = to_rdflib(quads)
    answer = next(g.subjects(RDF.type, SCHEMA.Answer))
    g.remove((answer, KG.status, None))
    g.add((answer, KG.release, URIRef(mint_iri("release", "r9.9"))))
    report = validate_graph(g)
    assert not report.conforms
    text = "\n".join(report.violations)
    assert str(answer) in text and str(KG.status) in text and str(KG.release) in text


def test_an_unknown_release_fails_the_build():
    with pytest.raises(CheckFailed) as info:
        build_graph_quads([(entry(release="r9.9"), facts())])
    assert "release/r9.9" in str(info.value)


def assert_isomorphic(expected: Graph, got: Graph) -> None:
    a, b = to_isomorphic(expected), to_isomorphic(got)
    if a != b:
        _, only_expected, only_got = graph_diff(a, b)
        pytest.fail("graphs differ\nonly before:\n" + only_expected.serialize(format="nt")[:3000]
                    + "\nonly after:\n" + only_got.serialize(format="nt")[:3000])


@pytest.mark.parametrize("fmt, rdflib_format", [("ttl", "turtle"), ("jsonld", "json-ld"),
                                                ("nt", "nt"), ("trig", "trig")])
def test_round_trip_through_the_file_formats(fmt, rdflib_format):
    pairs = [(entry(r, lang=lg, n=n), facts(candidates=["card hopping"]))
             for r in ("r1.2", "r2.0") for lg in ("zh", "en") for n in (1, 2)]
    quads, _, _ = build_graph_quads(pairs, validate=False)
    data = serialize_quads(quads, fmt)
    back = Graph()
    if fmt == "trig":  # the graph is TriG's default graph
        from rdflib import Dataset
        dataset = Dataset()
        dataset.parse(data=data, format="trig")
        for t in dataset.triples((None, None, None)):
            back.add(t)
    else:
        back.parse(data=data, format=rdflib_format)
    assert_isomorphic(to_rdflib(quads), back)


def test_neighbours_swapped_on_one_side_are_not_paired_with_each_other():
    """Two entries in swapped order on the zh and en pages: position alone must not pair
    entries that name different Latin-script words (API names) and share none."""
    zh = [entry(lang="zh", n=1, question="Tile算子报错怎么办？"),
          entry(lang="zh", n=2, question="Embedding层缺少padding怎么办？")]
    en = [entry(lang="en", n=1, question="What if the Embedding layer lacks padding?"),
          entry(lang="en", n=2, question="What if the Tile operator fails?")]
    for e in zh + en:
        e.answer, e.urls = e.question, []
    pairs = [(e, facts(status="n/a", hardware={})) for e in zh + en]
    got = build_quads(pairs, link_entries(pairs)).translations
    assert got and set(got) <= {(0, 3), (1, 2)}      # only true translations, as many as order allows
