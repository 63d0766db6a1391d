"""What a release of one of our products changed, as claims (`changes` in
ontology/lexicon/claim_subjects.json):

- "MindSpore 2.0 has unified the installation packages of various platforms": unified installation
  packages of various platforms, supported; "Data augmentation APIs are unified in MindSpore 1.8":
  unified data augmentation APIs ("we unify the APIs of data augmentation": unified APIs of data
  augmentation), supported (`unified`);
- "cluster startup is unified using msrun method": msrun cluster startup, supported (`unified_using`);
- "... and ranktable startup method is deprecated": ranktable startup, unsupported (`deprecated`);
- "we will update our packaging methods in a future version": updating packaging methods, planned
  (`future`).

A change is a fact even in an answer told to explain an error ("After updating MindSpore version,
the application compilation reports errors ..."), so kg.extract.claims adds these after it drops
such answers' other supported claims. English sentences that name one of our products
(`statement_subject`); a Chinese entry gets its twin's claims (kg.extract.twins)."""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund, uncapitalised
from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, lang_key

_OWNER = re.compile(r"^(?:our|its|their|the)\s+", re.IGNORECASE)


class ChangeRules:
    def __init__(self, data: dict):
        flags = re.IGNORECASE
        self.unified = [re.compile(p, flags) for p in data["unified"]]
        self.unified_using = re.compile(data["unified_using"], flags)
        self.deprecated = re.compile(data["deprecated"], flags)
        self.future = re.compile(data["future"], flags)


def change_claims(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    """The changes the answer's sentences state, each a claim not already among `seen` subjects."""
    if lang_key(entry.lang) == "zh":
        return []
    rules: ChangeRules = maker.change_rules
    out: list[Claim] = []
    for s in maker.sentences(entry.answer or ""):
        text = s.text.replace("`", "")
        low = text.lower()
        if not ("unif" in low or "deprecat" in low or " will " in low):
            continue    # (what every pattern needs, looked for first: most sentences have none)
        if not maker.rules.statement_subject.search(text):
            continue    # a change one of our products (or "we") made, not a third party's
        found = [(f"unified {_object(maker, m.group('x'))}", m.group("x"), "supported")
                 for p in rules.unified if (m := p.search(text))]
        if m := rules.unified_using.search(text):
            found.append((f"{m.group('y')} {_object(maker, m.group('x'))}", m.group("x"), "supported"))
        if m := rules.deprecated.search(text):
            found.append((_object(maker, m.group("x")), m.group("x"), "unsupported"))
        if m := rules.future.search(text):
            found.append((f"{gerund(m.group('v'))} {_object(maker, m.group('x'))}", m.group("x"), "planned"))
        for label, said, status in found:
            key = normalise(label)
            if maker.generic(said) or key in seen or len(label.split()) < 2:
                continue
            seen.add(key)
            hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(said)) or [None]
            out += [maker._claim(entry, label, None, None, product, hw, status, Evidence(s.start, s.end, s.text))
                    for hw in hws]
    return out


def _object(maker, text: str) -> str:
    """The changed thing as a subject: tidied, without a possessive or the capital of a sentence's start."""
    return uncapitalised(_OWNER.sub("", maker.rules.tidy(text)))
