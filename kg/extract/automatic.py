"""What a product does by itself, as a claim (`en.automatic` in ontology/lexicon/claim_subjects.json):
"MindSpore automatically chooses visible GPU devices according to ... CUDA_VISIBLE_DEVICES" states that
automatically choosing visible GPU devices is supported, on the hardware its object names (GPU).
English sentences whose subject is one of our products (`statement_subject`); a Chinese entry gets its
twin's claim (kg.extract.twins). Called by kg.extract.statements.offer_claims for each sentence."""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund
from kg.model import Claim, Entry, Evidence


def automatic_claims(maker, entry: Entry, product, s) -> list[Claim]:
    m = maker.rules.automatic.search(s.text)
    if not m or not maker.rules.statement_subject.search(s.text[:m.start()]) or maker.generic(m.group("x")):
        return []
    v = m.group("v")       # third person: "fixes", "passes" drop -es; "chooses", "uses", "inserts" drop -s
    verb = v[:-2] if re.search(r"(?:x|z|ch|sh|ss)es$", v) else v[:-1]
    label = f"automatically {gerund(verb)} {maker.rules.tidy(m.group('x'))}"
    hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(m.group("x"))) or [None]
    return [maker._claim(entry, label, None, None, product, hw, "supported", Evidence(s.start, s.end, s.text))
            for hw in hws]
