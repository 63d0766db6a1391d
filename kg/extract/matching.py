"""spaCy's side of the vocabulary: blank pipelines per language and PhraseMatchers whose
match ids are concept IRIs (patterns from kg.terms.vocabulary.phrase_patterns), and the
concepts a text names (MentionFinder)."""
from __future__ import annotations

import re

import spacy
from spacy.matcher import PhraseMatcher

from kg.extract.lexicon import Lexicon
from kg.extract.memo import Memo
from kg.model import lang_key
from kg.terms.vocabulary import SCHEME_LABELS, Vocabulary, phrase_patterns

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_JOINERS = "/\\_-."
# full-width punctuation that the English tokenizer would glue to a name ("GPU。For"); same length
_FULLWIDTH_SPACES = str.maketrans({c: " " for c in "。，；：！？、（）"})


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


class MentionFinder:
    """The vocabulary concepts a text names (kg.extract.extractor.Extractor.mentions), by the
    PhraseMatchers of both blank pipelines; each text is matched once (the question, the answer
    and every claim rule's sentences are asked about again, and most answers recur in every
    release)."""

    def __init__(self, vocab: Vocabulary, lexicon: Lexicon):
        self.nlp = blank_pipelines()
        # hardware and products are names: case matters; features are phrases: case-insensitive
        self.matchers = {lang: (build_matcher(nlp, vocab, lang, ("hardware", "products"), attr="ORTH"),
                                build_matcher(nlp, vocab, lang, ("features",), attr="LOWER"))
                         for lang, nlp in self.nlp.items()}
        self.concepts, self.lexicon, self.memo = vocab.concepts, lexicon, Memo()

    def mentions(self, text: str, lang: str) -> list[tuple[int, int, str]]:
        """(start, end, IRI) of each concept `text` names (see Extractor.mentions)."""
        lang = lang_key(lang)
        return list(self.memo.get((text, lang), lambda: self._find(text, lang))) if text else []

    def _find(self, text: str, lang: str) -> tuple[tuple[int, int, str], ...]:
        doc = self.nlp[lang].make_doc(text)
        # names (hardware, products) are also looked for with full-width punctuation as spaces
        spaced = text.translate(_FULLWIDTH_SPACES) if lang == "en" else text
        names_doc = self.nlp[lang].make_doc(spaced) if spaced != text else doc
        raw = []
        for matcher, d in zip(self.matchers[lang], (names_doc, doc)):
            for match_id, s, e in matcher(d):
                a, b = d[s].idx, d[e - 1].idx + len(d[e - 1])
                raw.append((a, b, self.nlp[lang].vocab.strings[match_id]))
        raw.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        kept, last = [], {"hardware": -1, "products": -1, "features": -1}
        for a, b, iri in raw:
            # each kind of concept is matched apart: "multi-GPU training" is a feature and names
            # GPU; "Serving" names a product and the feature of that name
            lane = self.concepts[iri].scheme
            if a < last.get(lane, -1) or not self._word_ok(text, a, b):
                continue
            kept.append((a, b, iri))
            last[lane] = b
        hw_spans = {(a, b) for a, b, iri in kept if self.concepts[iri].scheme == "hardware"}
        names = [(m.start(), m.end()) for m in self.lexicon.not_hardware[lang].finditer(text)]
        return tuple(m for m in kept if self._not_in_path(text, m, hw_spans, lang)
                     and not any(a <= m[0] < b for a, b in names))

    @staticmethod
    def _word_ok(text: str, a: int, b: int) -> bool:
        if _ASCII_WORD.match(text[a]) and a > 0 and _ASCII_WORD.match(text[a - 1]):
            return False
        if _ASCII_WORD.match(text[b - 1]) and b < len(text) and _ASCII_WORD.match(text[b]):
            return False
        return True

    def _not_in_path(self, text: str, m, hw_spans, lang: str) -> bool:
        """False for `mindspore-gpu`, `/usr/local/Ascend/x`: a joiner next to the name that does not
        join it to another hardware name (`NPU/GPU/CPU` is a list)."""
        a, b, iri = m
        if self.concepts[iri].scheme != "hardware":
            return True
        if a >= 2 and text[a - 1] in _JOINERS and _ASCII_WORD.match(text[a - 2]):
            if text[a - 1] == "-" and self.lexicon.hardware_prefix[lang].search(text[max(0, a - 20):a - 1]):
                return True       # "multi-GPU", "single-NPU"
            if not any(e == a - 1 for _, e in hw_spans):
                return False
        if b + 1 < len(text) and text[b] in "/\\_." and _ASCII_WORD.match(text[b + 1]):
            if not any(s == b + 1 for s, _ in hw_spans):
                return False
        return True
