"""The Chinese and English versions of an entry state the same claims (shared/gold/CLAIMS.md):
`share_twin_subjects` names a zh entry's claims in English after its twin's and gives both
versions the union, each with its own evidence; `twin_agreement` measures how often they agree.
Called by kg.extract.pipeline.link_entries for every translation pair."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from kg.extract.align import translated_sentence
from kg.extract.claims import normalise, unique_claims
from kg.extract.clauses import CJK
from kg.extract.evidence import evidence_line
from kg.model import Claim, Entry, Extraction


def share_twin_subjects(pairs: Sequence[tuple[Entry, Extraction]], translations) -> None:
    """The Chinese and English versions of an entry state the same claims (CLAIMS.md):
    - zh claims are named in English: each takes the subject of the twin's claim with the same
      hardware and status, else the twin's main subject (its claim without hardware, else its first);
      a zh claim for a hardware (or none) the twin's narrower claims give only other statuses is dropped;
    - then both versions carry the union of the two sets, each claim with its own side's evidence
      where that side states the same fact (else the side's sentence for that hardware or status),
      except where the two give one subject (no hardware) different statuses (an answer rewritten on
      one side): there each keeps its own (hardware claims are settled by the renaming above)."""
    for zi, ei in translations:
        (_, zh), (_, en) = pairs[zi], pairs[ei]
        if not zh.claims and not en.claims:
            continue
        if not _parallel(zh, en):
            continue    # the two answers say different things (other hardware, features): each keeps its own
        if en.claims:
            by_fact = {(c.hardware, c.status): c for c in en.claims}
            main = next((c for c in en.claims if c.asked and c.hardware is None), None)
            en_hardware = {c.hardware for c in en.claims if not c.asked}
            # a hardware (or none) the English claims read as something narrower with another status
            # ("NPU inference below EMUI 11: unsupported" where the Chinese rules found only "NPU
            # inference: partial"): the English reading stands
            zh.claims = [c for c in zh.claims if not (c.hardware in en_hardware
                                                      and (c.hardware, c.status) not in by_fact)]
            for c in zh.claims:
                twin = by_fact.get((c.hardware, c.status), main)
                if twin is None:
                    continue    # no English claim says it, none names the question's subject: keep its own
                if not c.label_zh and CJK.search(c.subject or ""):
                    c.label_zh = c.subject
                c.subject, c.concept, c.broader, c.broader_iri = (twin.subject, twin.concept, twin.broader,
                                                                  twin.broader_iri)
                c.asked = twin.asked
        named = {}      # a Chinese phrase renamed to several English subjects names none of them for sure
        for c in zh.claims:
            if c.label_zh:
                named.setdefault(c.label_zh, set()).add(normalise(c.subject))
        for c in zh.claims:
            if c.label_zh and len(named[c.label_zh]) > 1:
                c.label_zh = None
        labels_zh = {normalise(c.subject): c.label_zh for c in zh.claims if c.label_zh}
        said_en, said_zh = ({(normalise(c.subject), c.hardware): c.status for c in side.claims} for side in (en, zh))
        # a subject without hardware given other statuses (an answer rewritten: "no API" vs "use Tensor.var")
        differ = {k for k, st in said_en.items() if k[1] is None and said_zh.get(k, st) != st}
        union = unique_claims(en.claims + zh.claims)
        (zh_entry, _), (en_entry, _) = pairs[zi], pairs[ei]
        en.claims = [_on_side(c, en, en_entry, zh_entry) for c in union if _own_or_agreed(c, en, differ)]
        zh.claims = [_on_side(c, zh, zh_entry, en_entry, labels_zh.get(normalise(c.subject))) for c in union
                     if _own_or_agreed(c, zh, differ)]


def _own_or_agreed(c: Claim, ex: Extraction, differ: set) -> bool:
    """A claim of the union is the side's own, or about something both sides do not give other statuses."""
    return (normalise(c.subject), c.hardware) not in differ or any(o is c for o in ex.claims)


def _parallel(zh: Extraction, en: Extraction) -> bool:
    """The two versions name the same hardware and a feature in common (when both name one): the
    usual translation, where a claim one side's rules found and the other's missed
    is the other's too. (A page whose English version asks another question at the same place is
    paired by position but is no translation.)"""
    named = set(zh.feature_iris), set(en.feature_iris)
    return set(zh.hardware) == set(en.hardware) and (not all(named) or bool(named[0] & named[1]))


def _on_side(c: Claim, ex: Extraction, entry: Entry, twin: Entry, label_zh: str | None = None) -> Claim:
    """Claim `c` as one version of the entry states it: with that version's evidence (the sentence
    of its own that states the fact, else its sentence for the hardware or status, else the
    sentence translating the twin's evidence, kg.extract.align)."""
    key = (normalise(c.subject), c.hardware, c.status)
    own = next((o for o in ex.claims if (normalise(o.subject), o.hardware, o.status) == key), None)
    if own is None:
        ev = ex.evidence.get(c.hardware or "status") or ex.evidence.get("status")
        same_hw = next((o for o in ex.claims if o.hardware == c.hardware), None)
        ev = ev or (same_hw.evidence if same_hw else None)
        line = same_hw.line if same_hw and ev is same_hw.evidence else None
        if ev is None and c.evidence is not None:
            ev = translated_sentence(c.evidence, twin, entry)
            line = evidence_line(entry, ev) if ev is not None else None
        own = replace(c, evidence=ev, line=line)
    return replace(own, label_zh=label_zh or own.label_zh or c.label_zh)


def twin_agreement(pairs: Sequence[tuple[Entry, Extraction]], translations) -> tuple[int, int]:
    """(paired entries whose zh and en versions state the same claims, paired entries where either
    states one): same subjects, hardware and statuses, compared as sets."""
    same = total = 0
    for zi, ei in translations:
        zh, en = pairs[zi][1].claims, pairs[ei][1].claims
        if not zh and not en:
            continue
        total += 1
        same += {(normalise(c.subject), c.hardware, c.status) for c in zh} == \
            {(normalise(c.subject), c.hardware, c.status) for c in en}
    return same, total
