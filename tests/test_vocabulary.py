"""The SKOS vocabulary: labels in both languages, feature IRIs, phrase patterns and matching."""
from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.extract.matching import build_matcher
from kg.terms.iris import slugify
from kg.terms.vocabulary import DEFAULT_BASE, load_vocabulary, phrase_patterns


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary(base=DEFAULT_BASE)


def test_every_concept_has_labels_in_both_languages(vocab):
    missing = [c.iri for c in vocab.concepts.values() if not (c.pref.get("en") and c.pref.get("zh"))]
    assert not missing, missing


def test_features_have_alternative_labels_and_slug_iris(vocab):
    feats = vocab.scheme("features")
    assert len(feats) >= 40
    for c in feats:
        assert c.iri == f"{DEFAULT_BASE}feature/{slugify(c.pref['en'])}", c.iri
        assert c.alt.get("en") and c.alt.get("zh"), f"{c.iri} lacks altLabels in a language"


@pytest.mark.parametrize("label", ["auto-parallel", "quantization", "model serving", "on-device inference",
                                   "hot loading", "gradient truncation", "reinforcement learning"])
def test_design_card_features_are_in_the_vocabulary(vocab, label):
    assert vocab.find_label(label, "features") is not None


def test_hardware_has_notations_and_is_matched_in_both_languages(vocab):
    assert set(vocab.by_notation("hardware")) == {"Ascend", "Ascend910", "Ascend310", "GPU", "CPU", "NPU"}


def test_patterns_use_concept_iris_as_ids(vocab):
    pats = phrase_patterns(vocab, "zh")
    ids = {p["id"] for p in pats}
    assert ids <= set(vocab.concepts)
    assert {"label": "FEATURE", "pattern": "自动并行", "id": f"{DEFAULT_BASE}feature/auto-parallel"} in pats
    # Chinese texts quote English names, so English labels are matched there too
    assert any(p["pattern"] == "Ascend 910" and p["id"].endswith("hardware/Ascend910") for p in pats)


def test_phrase_matcher_finds_concepts_in_chinese_and_english(vocab):
    import spacy

    for lang, text, expected in [
        ("zh", "这里讨论量化以及自动并行", {"feature/quantization", "feature/auto-parallel"}),
        ("en", "Automatic parallelism and weight quantization", {"feature/auto-parallel",
                                                                "feature/weight-quantization"}),
    ]:
        nlp = spacy.blank(lang)
        matcher = build_matcher(nlp, vocab, lang, ("features",))
        doc = nlp.make_doc(text)
        found = {nlp.vocab.strings[m].removeprefix(DEFAULT_BASE) for m, _, _ in matcher(doc)}
        assert expected <= found, (lang, found)


def test_other_base_rewrites_iris():
    v = load_vocabulary(base="http://example.org/kg/")
    assert all(i.startswith("http://example.org/kg/") for i in v.concepts)


def test_broken_vocabulary_is_a_clear_input_error(tmp_path):
    bad = tmp_path / "vocabulary.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel ", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_vocabulary(bad)
    assert str(bad) in str(e.value)
    with pytest.raises(InputError):
        load_vocabulary(tmp_path / "missing.ttl")


def test_feature_labels_belong_to_one_concept(vocab):
    """Features are matched case-insensitively: a label shared by two features would be ambiguous."""
    owner: dict[str, str] = {}
    for c in vocab.scheme("features"):
        assert c.pref.get("en") and c.pref.get("zh"), c.iri
        for lang in ("en", "zh"):
            for label in c.labels(lang):
                prev = owner.setdefault(label.lower(), c.iri)
                assert prev == c.iri, f"{label!r} is a label of {prev} and {c.iri}"


# Releases whose status-bearing entries had the lowest feature coverage (old and new FAQ layouts);
# three releases keep the corpus check to a few seconds.
COVERAGE_RELEASES = ("master", "r0.7", "r1.6")


@pytest.fixture(scope="module")
def release_extractions(corpus_dir):
    from kg.extract.extractor import Extractor, extract_entries
    from kg.parse.markdown import parse_paths

    entries = list(parse_paths([corpus_dir / r for r in COVERAGE_RELEASES], root=corpus_dir))
    return list(extract_entries(entries, Extractor()))


def test_status_bearing_entries_name_a_known_feature(release_extractions):
    """Support statements link features to hardware: an entry with a status but no feature is
    invisible to "which features support X?". Known (vocabulary) features only, not candidates."""
    counts: dict[str, list[int]] = {}
    for entry, ex in release_extractions:
        if ex.status == "n/a":
            continue
        c = counts.setdefault("zh" if entry.lang.startswith("zh") else "en", [0, 0])
        c[0] += 1
        c[1] += bool(ex.feature_iris)
    assert set(counts) == {"en", "zh"} and all(n > 100 for n, _ in counts.values()), counts
    for lang, (n, with_feature) in counts.items():
        assert with_feature / n >= 0.95, f"{lang}: {with_feature}/{n} status-bearing entries name a feature"


def test_the_vocabulary_snapshot_is_current_and_equals_the_turtle_file():
    """The extraction reads kg/terms/vocabulary.json (no RDF library); it must say exactly what
    ontology/vocabulary.ttl says, and a file that is not the snapshot's is parsed instead."""
    from kg.terms import generate
    from kg.terms import vocabulary as v

    assert generate.main(["--check"]) == 0, "run python -m kg.terms.generate"
    snap = v._snapshot_concepts(str(v.VOCABULARY_FILE))
    assert snap is not None and len(snap) > 100
    assert snap == v._parse_concepts(str(v.VOCABULARY_FILE))


def test_an_edited_vocabulary_file_is_read_from_its_turtle(tmp_path):
    from kg.terms import vocabulary as v

    text = v.VOCABULARY_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "vocabulary.ttl"
    edited.write_text(text.replace('"graph mode"@en', '"graph execution mode"@en', 1), encoding="utf-8")
    assert '"graph mode"@en' in text
    assert v._snapshot_concepts(str(edited)) is None
    labels = {c.pref.get("en") for c in load_vocabulary(edited, base=DEFAULT_BASE).concepts.values()}
    assert "graph execution mode" in labels and "graph mode" not in labels
