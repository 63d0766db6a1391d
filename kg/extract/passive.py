"""What cannot be done, said in the passive (`en.passive_cannot` in ontology/lexicon/claim_subjects.json):
"It should be noted that changes on the host side cannot be automatically synchronized to the device
side" states that automatically synchronizing changes on the host side to the device side is
unsupported; "the input data cannot be obtained during graph composition": obtaining input data during
graph composition, unsupported; an opening setting is kept ("For a multi-batch model, the data
preprocessing function cannot be directly used": directly using ... for a multi-batch model).

Read in an English answer's statements (not a condition: "If the specific cause cannot be located, ...";
not a guessed cause: "it may be that ... cannot be installed"), when no other rule made a claim of the
sentence and it names no hardware (a hardware's sentence is that hardware's claim). A Chinese entry gets
its twin's claims (kg.extract.twins). Called by kg.extract.claims.ClaimMaker.claims."""
from __future__ import annotations

import re

from kg.extract.claim_rules import uncapitalised
from kg.extract.statements import PRONOUNS, VERBISH, normalise
from kg.model import Claim, Entry, Evidence, lang_key

_SETTING = re.compile(r"(?:for|in|on|during|with|under)\s", re.IGNORECASE)   # "For a multi-batch model, ..."
_NEGATED = re.compile(r"can\s?not|can't")     # what the pattern needs, looked for first
_CLAUSE = re.compile(r"\b(?:that|which|who|when|where|if|whether)\b", re.IGNORECASE)


def passive_claims(maker, entry: Entry, product, claims: list[Claim]) -> list[Claim]:
    if lang_key(entry.lang) == "zh":
        return []
    rules = maker.rules
    said = {c.evidence.start for c in claims if c.evidence is not None}
    seen = {normalise(c.subject) for c in claims}
    out: list[Claim] = []
    for s in maker.sentences(entry.answer or ""):
        low = s.text.lower()
        if s.start in said or s.text.lstrip().startswith("#") or " be " not in low or not _NEGATED.search(low):
            continue
        text = rules.unled(s.text.replace("`", "").strip())
        m = rules.passive_cannot.search(text)
        if not m or maker._is_hardware(text) or maker.x._sentence_status(s, False) != "unsupported":
            continue
        x = rules.tidy(m.group("x"))
        if not x or x.lower() in PRONOUNS or VERBISH.search(x) or _CLAUSE.search(x) or maker.generic(x):
            continue
        doing = rules.participle_gerund(m.group("v"))
        rest = rules.passive_rest_end.sub("", " ".join(m.group("rest").split()))
        if _CLAUSE.search(rest):
            continue    # "... can't be loaded successfully if NCCL is not updated": a requirement restated
        setting = m.group("o") if m.group("o") and _SETTING.match(m.group("o")) else None
        label = " ".join(w for w in (m.group("adv"), doing, uncapitalised(x), rest,
                                     setting and uncapitalised(setting.strip())) if w)
        if normalise(label) in seen:
            continue
        seen.add(normalise(label))
        out.append(maker._claim(entry, label, None, None, product, None, "unsupported",
                                Evidence(s.start, s.end, s.text)))
    return out
