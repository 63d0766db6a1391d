"""What a product does by itself, as a claim (`en.automatic` in ontology/lexicon/claim_subjects.json):
"MindSpore automatically chooses visible GPU devices according to ... CUDA_VISIBLE_DEVICES" states that
automatically choosing visible GPU devices is supported, on the hardware its object names (GPU).
English sentences whose subject is one of our products (`statement_subject`); a Chinese entry gets its
twin's claim (kg.extract.twins). What a product does by itself is a fact also in an answer about an
error: kg.extract.claims adds these after it drops such answers' other supported claims."""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund
from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, lang_key

_CONDITION = re.compile(r"\b(?:when|if|once|unless)\b", re.IGNORECASE)


def automatic_claims(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    """The claims of each sentence of the answer saying what one of our products does automatically."""
    if lang_key(entry.lang) == "zh":
        return []
    out: list[Claim] = []
    for s in maker.sentences(entry.answer or ""):
        if "automatically" in s.text.lower():
            out += [c for c in _automatic(maker, entry, product, s) if normalise(c.subject) not in seen]
    seen.update(normalise(c.subject) for c in out)
    return out


def _automatic(maker, entry: Entry, product, s) -> list[Claim]:
    m = maker.rules.automatic.search(s.text)
    if not m or not maker.rules.statement_subject.search(s.text[:m.start()]) or maker.generic(m.group("x")):
        return []
    if _CONDITION.search(s.text[:m.start()]):
        return []       # "When dataset_strategy=... is set, the framework will automatically set ...": a cause told
    v = m.group("v")       # third person: "fixes", "passes" drop -es; "chooses", "uses", "inserts" drop -s
    verb = v[:-2] if re.search(r"(?:x|z|ch|sh|ss)es$", v) else v[:-1] if re.search(r"[^s]s$", v) else v
    label = f"automatically {gerund(verb)} {maker.rules.tidy(m.group('x'))}"
    hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(m.group("x"))) or [None]
    return [maker._claim(entry, label, None, None, product, hw, "supported", Evidence(s.start, s.end, s.text))
            for hw in hws]
