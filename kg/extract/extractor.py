"""Entry -> Extraction: overall status, per-hardware status, features, candidates, products,
each fact with its evidence (the sentence of the answer, by character offsets).

spaCy blank pipelines (`zh`: character segmentation, `en`) carry PhraseMatchers generated
from the SKOS vocabulary (concept IRI as match id); the status logic applies the cue lexicon
and question frames of `kg.extract.lexicon` (data in `ontology/lexicon/`):

- the question's frame says what kind of answer counts (`是否支持X` asks for a status,
  `如何X` is a how-to: only a strong negative/planned/restricted statement changes its n/a);
- the main claim is the first of the answer's leading sentences that carries a status cue;
- a hardware gets the status of the first clause naming it that carries a cue, from the nearest
  cue before it (restrictions: hardware after "only supports" is supported, the restricted
  subject partial); usage cues ("recommended on", "用于") and bare modals ("cannot") count only
  for yes/no questions; a hardware that is the subject of a support contrasted in the next clause
  ("X supports A, but not B") is partial; a mention combined by "+" with a word the question does
  not name ("GPU+Linux" for a question on GPU+Windows) is used only when no other mention decides;
- for questions that are not yes/no (how-to, troubleshooting, explanation) a clause counts only
  when it is about the question's subject (shares a content term with it, or names no subject
  of its own): "the debug package is not provided" does not answer "how do I run one test?";
  a topic clause opening a sentence ("开启X，") carries the subject through the sentence;
- lines of code blocks and tables carry no claim (`kg.parse.blocks`); a table of support marks answers a
  yes/no question; a clause whose subject is a third-party package ("scipy only supports ...") is
  no statement about the product;
- for questions that are not yes/no, a sentence opening with a continuation ("However, ...") is read
  with the sentence before it as one claim;
- how-to/why answers: "in mode A you can; in mode B it cannot yet" over two sentences is partial;
  a question that itself states a negation, confirmed in the answer's first paragraph, is
  unsupported; a bare "Yes"/"No" to a capability question naming one hardware gives it that status.
- the entry's claims (subject, hardware, status per fact) are made from all this by kg.extract.claims."""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from kg.extract.claims import ClaimMaker
from kg.extract.clauses import CJK, Sentence, drop_opening_no, hardware_status, opens_with_reply
from kg.extract.lexicon import YES_NO_FRAMES, Lexicon, load_lexicon
from kg.extract.matching import MentionFinder
from kg.model import Entry, Evidence, Extraction, lang_key
from kg.parse.blocks import code_spans
from kg.terms.vocabulary import Vocabulary, load_vocabulary

LEAD_SENTENCES = 3          # sentences of the answer searched for its main claim (yes/no questions)
LEAD_SENTENCES_OTHER = 1    # ... for how-to/why/what questions (strong cues only)
_OBJECT_END = re.compile(r"[,，;；:：]|\band\b|\bto\b|以|来|并")
_ASCII_TERM = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_PARTNER_AFTER = re.compile(r"\s*\+\s*([A-Za-z][A-Za-z0-9]*)")
_PARTNER_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9]*)\s*\+\s*$")


class Extractor:
    """Built once (vocabulary, lexicon, both pipelines); `extract(entry)` is cheap."""

    def __init__(self, vocabulary: Vocabulary | None = None, lexicon: Lexicon | None = None):
        self.vocab = vocabulary or load_vocabulary()
        self.lexicon = lexicon or load_lexicon()
        self.finder = MentionFinder(self.vocab, self.lexicon)
        self.concepts = self.vocab.concepts
        self.npu, self.ascend = (next((c.iri for c in self.vocab.scheme("hardware") if c.key == k), None)
                                 for k in ("NPU", "Ascend"))
        self.claim_maker = ClaimMaker(self)

    # --- matching ----------------------------------------------------------------

    def mentions(self, text: str, lang: str) -> list[tuple[int, int, str]]:
        """Vocabulary concepts named in `text`: (start, end, IRI), longest match first, no overlaps,
        ASCII names only as whole words and not inside paths or package names
        (kg.extract.matching.MentionFinder)."""
        return self.finder.mentions(text, lang)

    # --- extraction --------------------------------------------------------------

    def extract(self, entry: Entry) -> Extraction:
        lang = lang_key(entry.lang)
        lex = self.lexicon
        question, answer = entry.question or "", entry.answer or ""
        frame = lex.frame(question, lang)
        q_mentions = self.mentions(question, lang)
        a_mentions = self.mentions(answer, lang)
        hw_at = [a for a, _, iri in a_mentions if self.concepts[iri].scheme == "hardware"]
        code = code_spans(entry.answer_markdown or "", answer)
        sentences = lex.sentences(answer, lang, lead=LEAD_SENTENCES,
                                  keep=lambda s, e: any(s <= a < e for a in hw_at),
                                  code=lambda s, e: any(a <= s and e <= b for a, b in code))

        if sentences and lex.is_restricted(question, lang):
            drop_opening_no(sentences[0])
        yes_no = frame in YES_NO_FRAMES
        if not yes_no:
            self._drop_off_subject(sentences, answer, question, lang, a_mentions, q_mentions)
        table = lex.table_status(entry.answer_markdown, lang) if "<t" in (entry.answer_markdown or "") else None
        claims = sentences if yes_no else lex.join_continuations(sentences, answer, lang)
        status, lead = self._status(frame, claims, table)
        if status == "n/a" and not yes_no and lex.states_negation(question, lang):
            lead = self._confirmed(sentences, answer, question, lang)
            status = "unsupported" if lead is not None else status
        if status == "n/a" and not yes_no:
            lead = self._restricted_after(sentences, answer, lang)
            status = "partial" if lead is not None else status
        ex = Extraction(status=status)
        if lead is not None and status != "n/a":
            ex.evidence["status"] = Evidence(lead.start, lead.end, lead.text)
        self._hardware(ex, sentences, a_mentions, q_mentions, answer, question, lang, usage=yes_no)
        if frame == "capability" and not hw_at and lead is not None and opens_with_reply(lead):
            self._hardware_asked(ex, q_mentions, lead)
        self._features(ex, question, lang, q_mentions, a_mentions, lead)
        self._products(ex, entry, q_mentions + a_mentions)
        ex.claims = self.claim_maker.claims(entry, ex)
        return ex

    def _status(self, frame: str, sentences: list[Sentence], table: str | None = None
                ) -> tuple[str, Sentence | None]:
        """The main claim (see the module doc); for a yes/no question the answer's table of support
        marks (`table`), if any, is the main claim."""
        yes_no = frame in YES_NO_FRAMES
        if table and yes_no:
            return table, None
        window = [s for s in sentences if not s.greeting][:LEAD_SENTENCES if yes_no else LEAD_SENTENCES_OTHER]
        for s in window:
            if not yes_no and not any(c.strong for cl in s.clauses for c in cl.cues if c.scope == "status"):
                continue      # how-to/why/what: only a strong statement counts
            found = self._sentence_status(s, strong_only=False)
            if found is None or (not yes_no and found == "supported"):
                continue
            if frame == "limits":
                found = {"unsupported": "partial", "supported": None}.get(found, found)
                if found is None:
                    continue
            if found == "supported" and yes_no and self._restricted_next(window, s):
                found = "partial"     # "X supports a subset of Y. Some Y are not supported yet."
            if found == "supported" and frame == "scope" and any(
                    self._sentence_status(t, strong_only=False) in ("unsupported", "partial")
                    for t in window[window.index(s) + 1:]):
                found = "partial"     # "in which settings?" - "A: supported. B: not supported."
            return found, s
        default = {"capability": "supported", "plan": "supported", "must": "supported"}.get(frame, "n/a")
        return default, (window[0] if window and default != "n/a" else None)

    def _restricted_after(self, sentences: list[Sentence], answer: str, lang: str) -> Sentence | None:
        """How-to/why answers: "In mode A you can do X. In mode B X cannot be done yet." - a first
        sentence stating a support, the next one a strong negation or restriction, both in clauses
        about the question's subject (cues of other subjects are already cleared): partial.
        Returns the first sentence."""
        prose = [s for s in sentences if not s.greeting][:2]
        if len(prose) < 2 or self._sentence_status(prose[0], strong_only=False) != "supported":
            return None
        cues = [c for cl in prose[1].clauses if not cl.foreign for c in cl.cues]
        if any(c.strong and c.scope == "status" and c.status in ("unsupported", "partial") for c in cues):
            return prose[0]
        return None

    def _confirmed(self, sentences: list[Sentence], answer: str, question: str, lang: str) -> Sentence | None:
        """A question stating that something is not supported, answered in its first paragraph by a
        strong negation about the question's subject ("since version N the package no longer
        provides X"): the sentence confirming it, else None."""
        q_terms = self.lexicon.terms(self.lexicon.masked(question, lang), lang)
        for s in sentences:
            if s.start > 0 and "\n" in answer[:s.start].rstrip(" \t")[-1:]:
                break       # the first paragraph ends
            clauses = s.clauses or self.lexicon.sentence_at(answer, s.start, s.end, lang).clauses
            for cl in clauses:
                if cl.foreign or not any(c.strong and c.scope == "status" and c.status == "unsupported"
                                         for c in cl.cues):
                    continue
                if self.lexicon.terms(answer[cl.start:cl.end], lang) & q_terms:
                    return s
        return None

    @staticmethod
    def _restricted_next(window: list[Sentence], s: Sentence) -> bool:
        """Does the sentence after `s` state, with a strong cue, that the support is partial?"""
        i = window.index(s)
        return i + 1 < len(window) and any(
            c.status == "partial" and c.strong and c.scope == "status"
            for cl in window[i + 1].clauses if not cl.related for c in cl.cues)

    @staticmethod
    def _sentence_status(s: Sentence, strong_only: bool) -> str | None:
        """The sentence's claim: its first clause with a status cue, turned planned by a later
        planned clause ("暂不支持，但正在设计"; "supports A, B is under development") and partial by a later
        restriction of a support."""
        sts = [cl.status(strong_only) for cl in s.clauses if not cl.foreign]
        sts = [x for x in sts if x]
        if not sts:
            return None
        first, rest = sts[0], sts[1:]
        if first != "planned" and "planned" in rest:
            return "planned"
        if first == "supported" and any(x in ("partial", "unsupported") for x in rest):
            return "partial"
        return first

    def _drop_off_subject(self, sentences, answer, question, lang, a_mentions, q_mentions) -> None:
        """Clear the cues of clauses about another subject than the question's (not for yes/no
        questions, whose answer is about what they ask by construction)."""
        q_terms = self.lexicon.terms(question, lang)
        question_terms = self.lexicon.terms(self.lexicon.masked(question, lang), lang)
        if lang == "zh" and not any(CJK.search(t) for t in question_terms):
            return      # the question's subject is a quoted message in English: no terms to compare with
        if not question_terms - self.lexicon.problem_words[lang]:
            return      # "What can I do if <message> is reported?": only the message names a subject
        hw = [(a, b) for a, b, iri in a_mentions if self.concepts[iri].scheme == "hardware"]
        asked = {iri for _, _, iri in q_mentions}
        subjects = [(a, iri in asked) for a, _, iri in a_mentions if self.concepts[iri].scheme == "hardware"]
        prev_on = prev_related = False
        for s in sentences:
            # a sentence opening with a continuation ("If ...", "However, ...") keeps the subject
            cont = prev_on and not prev_related and bool(s.clauses) and self.lexicon.continues_sentence(s.text, lang)
            prev_related = bool(s.clauses) and s.clauses[-1].related
            prev_on = topic = False
            for i, cl in enumerate(s.clauses):
                if not cl.cues:
                    # a clause without cues still sets the subject a contrast continues
                    # ("X must be a Parameter, while the other types are not supported")
                    prev_on = self.lexicon.on_subject(answer[cl.start:cl.end], q_terms, lang)
                    # opening the sentence, it is its topic ("开启X，需要...，否则不支持...")
                    topic = topic or (i == 0 and prev_on and self.lexicon.is_topic(answer[cl.start:cl.end], lang))
                    continue
                if (prev_on and self.lexicon.continues_subject(answer[cl.start:cl.end], lang)) or (i == 0 and cont):
                    prev_on = True
                    continue
                if topic and not any(cl.start <= a < cl.end for a, _ in hw):
                    continue
                blank = [(c.start, c.end) for c in cl.cues] + [(a, b) for a, b in hw if cl.start <= a < cl.end]
                chars = list(answer[cl.start:cl.end])
                for a, b in blank:
                    for i in range(max(a, cl.start), min(b, cl.end)):
                        chars[i - cl.start] = " "
                subj = [was_asked for a, was_asked in subjects if cl.start <= a < cl.cues[0].start]
                if any(subj) and not cl.cues[0].modal and not self.lexicon.is_cause(answer[cl.start:cl.end], lang):
                    prev_on = True      # "<hardware the question names> supports X but not Y"
                    continue
                prev_on = self.lexicon.on_subject("".join(chars), q_terms, lang)
                if prev_on and subj:
                    # "<hardware> supports <object>", the hardware not asked about: the object
                    # must be the question's subject
                    obj = _OBJECT_END.split(answer[cl.cues[0].end:cl.end], maxsplit=1)[0]
                    prev_on = self.lexicon.on_subject(obj, q_terms, lang)
                if not prev_on:
                    cl.cues = []

    def _hardware(self, ex: Extraction, sentences, a_mentions, q_mentions, answer: str = "",
                  question: str = "", lang: str = "en", usage: bool = True) -> None:
        """Each hardware gets the status of the first clause naming it that carries a cue. Two passes:
        the first skips a mention joined by "+" to a word the question does not name ("GPU+Linux"
        when the question asks about GPU+Windows), the second fills in what the first left out."""
        hw = [(a, b, iri) for a, b, iri in a_mentions if self.concepts[iri].scheme == "hardware"]
        q_terms = {t.lower() for t in _ASCII_TERM.findall(question)}
        off_question = {a for a, b, _ in hw if (p := _partner(answer, a, b)) and p.lower() not in q_terms}
        via_ascend_npu = None
        for skip in (off_question, set()):
            for s in sentences:
                for i, cl in enumerate(s.clauses):
                    if cl.related or cl.foreign or not cl.cues:
                        continue
                    if not usage and self.lexicon.is_cause(answer[cl.start:cl.end], lang):
                        continue      # "由于Ascend平台存在限制，...": a cause, no statement of support
                    for a, b, iri in hw:
                        if not (cl.start <= a < cl.end) or a in skip:
                            continue
                        name = self.concepts[iri].key
                        st = hardware_status(cl, a, usage=usage, text=answer)
                        if st is None or name in ex.hardware:
                            continue
                        if st == "supported" and a < cl.cues[0].start:
                            st = self._contrasted(s.clauses[i + 1:], answer, lang, hw) or st
                        ex.hardware[name] = st
                        ex.evidence[name] = Evidence(s.start, s.end, s.text)
                        if iri == self.ascend and "NPU" in (s.text[a - s.start:b - s.start]).upper():
                            via_ascend_npu = name
        # "Ascend NPU(s)" is Ascend; NPU too when the entry also names NPUs on their own
        if via_ascend_npu and self.npu and "NPU" not in ex.hardware:
            if any(iri == self.npu for _, _, iri in a_mentions + q_mentions):
                ex.hardware["NPU"] = ex.hardware[via_ascend_npu]
                ex.evidence["NPU"] = ex.evidence[via_ascend_npu]

    def _hardware_asked(self, ex: Extraction, q_mentions, lead: Sentence) -> None:
        """"Can X be done on a GPU?" - "Yes, ...": a bare reply to a question naming one hardware
        (the answer naming none) states the status on that hardware."""
        asked = {self.concepts[iri].key for _, _, iri in q_mentions if self.concepts[iri].scheme == "hardware"}
        if len(asked) == 1 and ex.status in ("supported", "unsupported"):
            name = asked.pop()
            ex.hardware[name] = ex.status
            ex.evidence[name] = Evidence(lead.start, lead.end, lead.text)

    def _contrasted(self, following, answer: str, lang: str, hw) -> str | None:
        """"<hardware> supports X, but not Y": the hardware, subject of the support, is partial when
        a clause continuing its subject with a contrast states a negation or restriction."""
        for cl in following:
            if not self.lexicon.continues_subject(answer[cl.start:cl.end], lang):
                return None
            if any(cl.start <= a < cl.end for a, _, _ in hw):
                return None
            if cl.status() in ("unsupported", "partial"):
                return "partial"
        return None

    def _features(self, ex: Extraction, question, lang, q_mentions, a_mentions, lead) -> None:
        feats = [iri for _, _, iri in q_mentions if self.concepts[iri].scheme == "features"]
        if not feats and lead is not None:
            feats = [iri for a, _, iri in a_mentions
                     if self.concepts[iri].scheme == "features" and lead.start <= a < lead.end]
        ex.feature_iris = list(dict.fromkeys(feats))
        ex.features = [self.concepts[i].label for i in ex.feature_iris]
        if not any(self.concepts[iri].scheme == "features" for _, _, iri in q_mentions):
            cand = self.lexicon.candidate_of(question, lang)
            if cand and not self.vocab.find_label(cand):
                ex.candidates = [cand]
                ex.features.append(cand)

    def _products(self, ex: Extraction, entry: Entry, mentions) -> None:
        prods = [self.concepts[iri].label for _, _, iri in mentions if self.concepts[iri].scheme == "products"]
        if not prods and entry.component:
            c = self.vocab.find_label(entry.component, "products")
            prods = [c.label] if c else [entry.component]
        ex.products = list(dict.fromkeys(prods))


def _partner(text: str, a: int, b: int) -> str | None:
    """The word a hardware name at text[a:b] is combined with by "+" ("GPU+Linux" -> "Linux")."""
    m = _PARTNER_AFTER.match(text, b)
    if m:
        return m.group(1)
    m = _PARTNER_BEFORE.search(text[max(0, a - 30):a])
    return m.group(1) if m else None


def extract_entries(entries: Iterable[Entry], extractor: Extractor | None = None
                    ) -> Iterator[tuple[Entry, Extraction]]:
    """(entry, extraction) for each entry, with one shared Extractor."""
    extractor = extractor or Extractor()
    for e in entries:
        yield e, extractor.extract(e)


def record_of(entry: Entry, ex: Extraction, evidence: bool = False) -> dict:
    """The guidelines' record keys of the extraction (plus products/candidates, optionally evidence)."""
    rec = {"status": ex.status, "hardware": dict(ex.hardware), "features": list(ex.features), "products":
           list(ex.products), "candidates": list(ex.candidates), "claims": [c.to_dict() for c in ex.claims]}
    if evidence:
        rec["evidence"] = {k: {"start": v.start, "end": v.end, "text": v.text} for k, v in ex.evidence.items()}
    return rec

