"""spaCy's side of the vocabulary: blank pipelines per language and PhraseMatchers whose
match ids are concept IRIs (patterns from kg.terms.vocabulary.phrase_patterns)."""
from __future__ import annotations

import spacy
from spacy.matcher import PhraseMatcher

from kg.terms.vocabulary import SCHEME_LABELS, Vocabulary, phrase_patterns


def blank_pipelines() -> dict:
    """Blank spaCy pipelines (tokenizers only) for the corpus languages."""
    return {"zh": spacy.blank("zh"), "en": spacy.blank("en")}


def build_matcher(nlp, vocab: Vocabulary, lang: str, schemes=tuple(SCHEME_LABELS), attr: str = "LOWER"):
    """A PhraseMatcher over `nlp`'s vocab whose match ids are concept IRIs."""
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    by_id: dict[str, list] = {}
    for p in phrase_patterns(vocab, lang, schemes):
        by_id.setdefault(p["id"], []).append(nlp.make_doc(p["pattern"]))
    for iri, docs in by_id.items():
        matcher.add(iri, docs)
    return matcher
