"""Hardware named inside what a statement says is supported: "MindSpore supports multi-GPU training"
is a claim about multi-GPU training on GPU (shared/gold/CLAIMS.md: the subject is as specific as the
text), not about MindSpore. English answers; a Chinese entry gets its English twin's claims
(kg.extract.twins). Rules are data: `compound` in ontology/lexicon/claim_subjects.json.
"""
from __future__ import annotations

import json
import re

from kg.extract.claim_rules import RULES_FILE
from kg.model import Claim, Entry, Evidence, Extraction

_STATUSES = ("supported", "unsupported", "partial", "planned")


class CompoundRules:
    def __init__(self, path=RULES_FILE):
        data = json.loads(path.read_text(encoding="utf-8"))["compound"]
        self.joined = re.compile(data["joined"])
        self.not_claimant = re.compile(data["not_claimant"], re.IGNORECASE)


def compound_claims(maker, entry: Entry, ex: Extraction, product, seen: set[tuple]) -> list[Claim]:
    """Claims of statements whose object holds a hardware joined by a hyphen, for `entry`
    (`maker`: kg.extract.claims.ClaimMaker; `seen`: (subject, hardware) keys already claimed)."""
    if (entry.lang or "").startswith("zh") or not entry.answer:
        return []
    rules, x = maker.compound_rules, maker.x
    out = []
    for s in x.lexicon.sentences(entry.answer, "en"):
        if s.greeting or not s.clauses:
            continue
        hw_at = [(a, b, x.concepts[iri].key) for a, b, iri in x.mentions(s.text, "en")
                 if x.concepts[iri].scheme == "hardware"]
        if not hw_at:
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
                          and (rules.joined.fullmatch(s.text[a - 1:a]) or rules.joined.fullmatch(s.text[b:b + 1]))]
                status = x._sentence_status(s, False)
                subject = maker.rules.tidy(obj)
                if not joined or status not in _STATUSES or not subject or len(subject.split()) > 6:
                    continue
                for hw in joined:
                    if (subject.lower(), hw) not in seen:
                        seen.add((subject.lower(), hw))
                        out.append(maker._claim(entry, subject, None, ex.feature_iris[0] if ex.feature_iris
                                                else None, product, hw, status, Evidence(s.start, s.end, s.text)))
    return out
