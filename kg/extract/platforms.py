"""Claims of hardware and operating-system combinations (`platforms` in
ontology/lexicon/claim_subjects.json): "MindSpore supports the combinations GPU + Linux and
CPU + Windows, and Windows + GPU is still under development" is a claim per pair about the
system's support feature on that hardware (Linux support, GPU, supported; Windows support, CPU,
supported; Windows support, GPU, planned), each with the status of the part of the sentence that
names it. Hardware and system names are the same in both languages, so a Chinese entry is read
too (the lexicon's Chinese cues give the statuses); one with an English twin gets the twin's
claims anyway (kg.extract.twins).
"""
from __future__ import annotations

import re

from kg.extract.claim_rules import CLAIM_STATUSES
from kg.extract.clauses import list_items, span_status
from kg.model import Claim, Entry, Evidence, lang_key


class PlatformRules:
    def __init__(self, data: dict):
        self.pair = re.compile(data["pair"])            # names keep their capitals ("CPU", "Linux")
        self.part_end = re.compile(data["part_end"], re.IGNORECASE)
        self.systems = list(data["systems"])            # labels of the vocabulary's system features
        self.on_platforms = re.compile(data["on_platforms"])    # "<X> supports both x86 and ARM platforms"
        self.architectures = {a.lower() for a in data["architectures"]}


def platform_claims(maker, entry: Entry, product, seen: set[tuple]) -> list[Claim]:
    """One claim per '<hardware> + <system>' pair the answer names, for `entry` (`maker`:
    kg.extract.claims.ClaimMaker; `seen`: (subject, hardware) keys already claimed)."""
    rules: PlatformRules = maker.platform_rules
    answer = entry.answer or ""
    if "+" not in answer:
        return []
    lang = lang_key(entry.lang)
    out = []
    for s in maker.x.lexicon.sentences(answer, lang):
        parts = [0] + [m.end() for m in rules.part_end.finditer(s.text)] + [len(s.text)]
        for m in rules.pair.finditer(s.text):
            pair = _pair(maker, rules, m.group("a"), m.group("b"))
            if pair is None:
                continue
            system, hw = pair
            lo = max(p for p in parts if p <= m.start())
            hi = min(p for p in parts if p >= m.end())
            status = span_status(s, lo, hi)
            if status not in CLAIM_STATUSES or (system.label.lower(), hw) in seen:
                continue
            seen.add((system.label.lower(), hw))
            out.append(maker._claim(entry, system.label, system.iri, None, product, hw, status,
                                    Evidence(s.start, s.end, s.text)))
    return out


def architecture_claims(maker, entry: Entry, claims: list[Claim], product) -> list[Claim]:
    """"MindConverter supports both x86 and ARM platforms": '<X> on <architecture> platforms' per
    architecture named, supported, in place of the claim about <X> alone that the question ("Can
    MindConverter run on ARM platform?") gave. English answers (a Chinese entry gets its twin's)."""
    rules: PlatformRules = maker.platform_rules
    if lang_key(entry.lang) == "zh":
        return claims
    said = []
    for s in maker.sentences(entry.answer or ""):
        m = rules.on_platforms.search(s.text)
        items = list_items(m.group("list")) if m else []
        if not items or any(i.lower() not in rules.architectures for i in items):
            continue
        if maker.x._sentence_status(s, False) != "supported":
            continue
        who = m.group("who")
        said += [maker._claim(entry, f"{who} on {i} platforms", None, None, product, None, "supported",
                              Evidence(s.start, s.end, s.text)) for i in items]
        claims = [c for c in claims if not (c.hardware is None and c.subject.lower() == who.lower())]
    return claims + said


def _pair(maker, rules: PlatformRules, a: str, b: str):
    """(system concept, hardware key) when one side names a hardware and the other a system."""
    for hw_side, sys_side in ((a, b), (b, a)):
        hw = maker.hardware_in(hw_side)
        system = maker.x.vocab.find_label(sys_side, "features")
        if hw and len(hw) == 1 and system is not None and system.label in rules.systems:
            return system, hw[0][2]
    return None
