"""What one of our products lets users do, as claims (`en.lets_users` in ontology/lexicon/claim_subjects.json):
"MindSpore Dataset module makes it easy for users to define data preprocessing pipelines and transform samples
efficiently with multiprocessing or multithreading" states two things supported: defining data preprocessing
pipelines, and transforming samples efficiently with multiprocessing or multithreading (each verb phrase of
the coordination, the verb as a gerund). The sentence's subject must name one of our products
(`statement_subject`): "The following command allows you to view ..." is a step, not a claim. English
sentences; a Chinese entry gets its twin's claims (kg.extract.twins)."""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund
from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, lang_key

_ADDRESSED = re.compile(r"\b(?:users|you|developers)\b", re.IGNORECASE)
_NEXT_VERB = re.compile(r"\s+and\s+(?=[a-z]+\s)")      # "define A and transform B": two verb phrases


def enabled_claims(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    if lang_key(entry.lang) == "zh":
        return []
    out: list[Claim] = []
    for s in maker.sentences(entry.answer or ""):
        if not _ADDRESSED.search(s.text):
            continue    # what the pattern needs, looked for first
        text = s.text.replace("`", "")
        m = maker.rules.lets_users.search(text)
        if not m or not maker.rules.statement_subject.search(text[:m.start()]):
            continue
        for part in _NEXT_VERB.split(m.group("x")):
            verb, _, rest = part.strip().partition(" ")
            label = f"{gerund(verb)} {maker.rules.tidy(rest)}".strip()
            if not rest or maker.generic(rest) or normalise(label) in seen:
                continue
            seen.add(normalise(label))
            out.append(maker._claim(entry, label, None, None, product, None, "supported",
                                    Evidence(s.start, s.end, s.text)))
    return out
