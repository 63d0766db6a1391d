"""Claims per release package (`packages` in ontology/lexicon/claim_subjects.json).

An answer may contrast two packages of one product on one hardware: "Since version 2.2, the
MindSpore main release package does not provide the inference interface for the Atlas
200/300/500 inference product", next to "the Atlas 200/300/500 inference product inference
package is released by MindSpore Lite". One subject with both statuses would contradict
itself; each status belongs to the subject with its package ("Ascend 310 inference with the
MindSpore main release package": unsupported; "... with MindSpore Lite": supported).

Also here: a hardware family ("the matching Ascend version") in an answer to a question that
names one chip of it and not the family is that chip.
"""
from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.clauses import hardware_status
from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, lang_key

_OPPOSITE = {"supported": "unsupported", "unsupported": "supported"}


class PackageRules:
    def __init__(self, data: dict):
        self.packages = {lang: [(re.compile(p["pattern"], re.IGNORECASE), p["label"], p["product"]) for p in items]
                         for lang, items in data.items()}

    def package_in(self, text: str, lang: str) -> tuple[str, str] | None:
        """(label, product) of the first package `text` names, or None."""
        found = [(m.start(), label, product) for rx, label, product in self.packages.get(lang, ())
                 if (m := rx.search(text))]
        return min(found)[1:] if found else None


def package_claims(maker, entry: Entry, claims: list[Claim]) -> list[Claim]:
    lang = lang_key(entry.lang)
    claims = _chips_for_family(maker, entry, lang, claims)
    rules: PackageRules = maker.package_rules
    answer = entry.answer or ""
    if rules.package_in(answer, lang) is None:
        return claims
    sentences = maker.x.lexicon.sentences(answer, lang)
    mentions = maker.hardware_in(answer, lang)
    out = list(claims)
    for c in claims:
        if c.hardware is None or c.status not in _OPPOSITE or c.evidence is None:
            continue
        mine = rules.package_in(c.evidence.text, lang)
        if mine is None:
            continue
        for s in sentences:
            theirs = rules.package_in(s.text, lang)
            if s.start == c.evidence.start or theirs is None or theirs[0] == mine[0]:
                continue
            if _status_in(maker, s, answer, lang, mentions, c.hardware) == _OPPOSITE[c.status]:
                ev = Evidence(s.start, s.end, s.text)
                out.append(maker._claim(entry, c.subject, c.concept, c.broader_iri, theirs[1], c.hardware,
                                        _OPPOSITE[c.status], ev, asked=c.asked))
                break
    statuses: dict[tuple, set] = {}
    for c in out:
        statuses.setdefault((normalise(c.subject), c.hardware), set()).add(c.status)
    return [_with_package(c, rules.package_in(c.evidence.text, lang))
            if c.hardware and c.evidence is not None and len(statuses[(normalise(c.subject), c.hardware)]) > 1
            else c for c in out]


def _with_package(c: Claim, package: tuple[str, str] | None) -> Claim:
    if package is None:
        return c
    label, product = package
    broader, broader_iri = (c.subject, c.concept) if c.concept else (c.broader, c.broader_iri)
    return replace(c, subject=f"{c.subject} with {label}", concept=None, broader=broader,
                   broader_iri=broader_iri, product=product)


def _status_in(maker, s, answer: str, lang: str, mentions, hardware: str) -> str | None:
    """The status sentence `s` gives `hardware` (a clause of its own naming it, not a cause)."""
    for cl in s.clauses:
        if cl.related or cl.foreign or not cl.cues or maker.x.lexicon.is_cause(answer[cl.start:cl.end], lang):
            continue
        for a, _, key in mentions:
            if key == hardware and cl.start <= a < cl.end:
                st = hardware_status(cl, a, usage=False, text=answer)
                if st:
                    return st
    return None


def _chips_for_family(maker, entry: Entry, lang: str, claims: list[Claim]) -> list[Claim]:
    """A claim on a hardware family, under a question that names one chip of it and not the
    family itself, is on that chip."""
    asked = {key for _, _, key in maker.hardware_in(entry.question or "", lang)}
    out = []
    for c in claims:
        chips = [k for k in asked if c.hardware and k != c.hardware and k.startswith(c.hardware)]
        out.append(replace(c, hardware=chips[0]) if len(chips) == 1 and c.hardware not in asked else c)
    return out
