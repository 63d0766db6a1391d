"""Claims of a list a product says it supports (`colon_list` in
ontology/lexicon/claim_subjects.json): "MindSpore supports the following running modes ...:"
followed by lines that each open with a name and a colon ("PyNative mode: dynamic graph
mode. ...", "Graph mode: ...") states each name supported. English only: a Chinese entry gets
the claims of its English twin (kg.extract.twins)."""
from __future__ import annotations

import re

from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, lang_key


class ListRules:
    def __init__(self, data: dict):
        en = data.get("en", {})
        self.lead = re.compile(en["lead"], re.IGNORECASE) if en else None
        self.item = re.compile(en["item"], re.MULTILINE) if en else None


def colon_list_claims(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    rules: ListRules = maker.list_rules
    answer = entry.answer or ""
    if rules.lead is None or lang_key(entry.lang) == "zh" or ":\n" not in answer:
        return []
    out: list[Claim] = []
    for s in maker.sentences(answer):
        if not rules.lead.search(s.text) or answer[s.end:s.end + 1] not in ("\n", ""):
            continue
        names = []
        for line in answer[s.end:].lstrip("\n").split("\n"):
            m = rules.item.match(line)
            if not line.strip():
                continue
            if not m:
                break
            names.append(m.group("name"))
        ev = Evidence(s.start, s.end, s.text)
        claims = []
        for name in names:
            named = maker._named(name)
            if named and not maker._is_hardware(name) and normalise(named[0]) not in seen:
                claims.append(maker._claim(entry, named[0], named[1], None, product, None, "supported", ev))
        if len(claims) >= 2:
            out += claims
    return out
