"""A partial claim the answer splits by setting: "In PyNative mode, you can control the printed
values with set_printoptions. In Graph mode, the output values cannot be controlled yet" is no
partial claim about controlling printed values but one per setting: supported in PyNative mode,
unsupported in graph mode (shared/gold/CLAIMS.md: a subject said to work in some settings and not
in others; when the text splits it cleanly, a claim per side). The settings are the `contexts` of
ontology/lexicon/claim_subjects.json; a sentence opens with one when it names it within a few
characters after its opening words (`setting_opening`: "In the", "在"). Read in both languages, so a
Chinese entry without an English twin is split too.
"""
from __future__ import annotations

from kg.model import Claim, Entry, Evidence, lang_key


def setting_claims(maker, entry: Entry, claims: list[Claim]) -> list[Claim]:
    """`claims` with a partial claim of the question's subject split per setting, when the answer's
    sentences open with two settings, one supported and one unsupported."""
    if not any(c.asked and c.status == "partial" and c.hardware is None for c in claims):
        return claims
    lang = lang_key(entry.lang)
    opening = maker.rules.setting_opening[lang]
    found = {n: maker.x.vocab.find_label(n, "features") for n in maker.rules.context_names}
    contexts = {c.iri: n for n, c in found.items() if c is not None}   # a vocabulary may lack a setting
    said: dict[str, tuple[str, object]] = {}
    for s in maker.x.lexicon.sentences(entry.answer or "", lang):
        lead = opening.match(s.text)
        first = next(((a, iri) for a, _, iri in maker.x.mentions(s.text, lang) if iri in contexts), None)
        status = maker.x._sentence_status(s, False)
        if lead and first and first[0] - lead.end() <= 8 and status in ("supported", "unsupported"):
            said.setdefault(first[1], (status, s))
    if len(said) != 2 or {st for st, _ in said.values()} != {"supported", "unsupported"}:
        return claims
    out = []
    for c in claims:
        if not (c.asked and c.status == "partial" and c.hardware is None):
            out.append(c)
            continue
        for iri, (status, s) in said.items():
            name = contexts[iri]
            label = c.subject if name.lower() in c.subject.lower() else f"{c.subject} in {name}"
            out.append(maker._claim(entry, label, None, c.concept or c.broader_iri, c.product, None, status,
                                    Evidence(s.start, s.end, s.text)))
    return out
