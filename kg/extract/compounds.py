"""Hardware named inside what a statement says is supported: "MindSpore supports multi-GPU training"
is a claim about multi-GPU training on GPU (shared/gold/CLAIMS.md: the subject is as specific as the
text), not about MindSpore. English answers; a Chinese entry gets its English twin's claims
(kg.extract.twins). Rules are data: `compound` in ontology/lexicon/claim_subjects.json.
"""
from __future__ import annotations

import re

from kg.extract.claim_rules import CLAIM_STATUSES
from kg.model import Claim, Entry, Evidence, Extraction, lang_key


class CompoundRules:
    """The `compound` section of the claim rules (kg.extract.claim_rules.ClaimRules.data), compiled."""

    def __init__(self, data: dict):
        self.joined = re.compile(data["joined"])
        self.modifies = re.compile(data["modifies"])    # what follows a hardware opening the object
        self.not_claimant = re.compile(data["not_claimant"], re.IGNORECASE)


def compound_claims(maker, entry: Entry, ex: Extraction, product, seen: set[tuple]) -> list[Claim]:
    """Claims of statements whose object holds a hardware joined by a hyphen, for `entry`
    (`maker`: kg.extract.claims.ClaimMaker; `seen`: (subject, hardware) keys already claimed)."""
    if lang_key(entry.lang) == "zh" or not entry.answer:
        return []
    rules, x = maker.compound_rules, maker.x
    broader = ex.feature_iris[0] if ex.feature_iris else None
    out = []
    for s in maker.sentences(entry.answer):
        if s.greeting or not s.clauses:
            continue
        hw_at = maker.hardware_in(s.text)
        status = x._sentence_status(s, False) if hw_at else None
        if status not in CLAIM_STATUSES:
            continue
        for k, pattern in enumerate(maker.rules.statement[:2]):     # "does not support X", "supports X"
            for m in pattern.finditer(s.text):
                claimant = s.text[:m.start()]
                if k == 1 and (not maker.rules.statement_subject.search(claimant)
                               or rules.not_claimant.search(claimant)):
                    continue
                obj = maker.rules.object_end.sub("", m.group("x")).strip()
                end = m.start("x") + len(obj)
                joined = [hw for a, b, hw in hw_at if m.start("x") <= a < end
                          and (rules.joined.fullmatch(s.text[a - 1:a]) or rules.joined.fullmatch(s.text[b:b + 1])
                               or (a == m.start("x") and rules.modifies.match(s.text[b:end])))]
                subject = maker.rules.tidy(obj)
                if not joined or not subject or len(subject.split()) > 6:
                    continue
                for hw in joined:
                    if (subject.lower(), hw) not in seen:
                        seen.add((subject.lower(), hw))
                        out.append(maker._claim(entry, subject, None, broader, product, hw, status,
                                                Evidence(s.start, s.end, s.text)))
    return out
