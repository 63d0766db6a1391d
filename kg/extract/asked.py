"""The hardware a claim is said of when the answer itself leaves it open (kg.extract.claims.ClaimMaker
`maker`): the one hardware a yes/no question asks about, and whether the hardware statuses of a how-to
answer say nothing but that the hardware is supported; the hardware a question asks about that an
"X runs only on ..." answer leaves out."""
from __future__ import annotations

import re

from kg.extract.claim_rules import CLAIM_STATUSES
from kg.extract.clauses import CJK, OBJECT_STOP
from kg.extract.lexicon import YES_NO_FRAMES
from kg.model import Claim, Entry, Evidence, Extraction, lang_key

_ONLY_FOR = re.compile(r"\s+(?:can\s+|could\s+)?only\s+(?:be\s+used\s+for|be\s+used\s+in)\s+"
                       r"(?P<y>[^,.;:()]+)", re.IGNORECASE)
_OPENERS = ("", "the", "currently", "currently the", "目前")
_ONLY_FOR_ZH = re.compile(r"\s*(?:只能|仅能|只可|仅可)(?:用作|用于|用来|进行)(?P<y>[^，。；：,.;:（）()]+)")


def asked_hardware(maker, entry: Entry, subject: str) -> str | None:
    """The one hardware a yes/no question asks about ("Can the vgg16 model be loaded by using the GPU
    via Hub?") in its asking clause and not inside its subject ("free GPU computing power"), when the
    answer names none: what the answer says is said of it."""
    lang = lang_key(entry.lang)
    asking = re.split(r"[,，;；]", (entry.question or "").rstrip("?？ "))[-1]     # not a clause about others
    asked = {hw for _, _, hw in maker.hardware_in(asking, lang)}
    if maker.hardware_in(subject) or len(asked) != 1:
        return None
    if maker.x.lexicon.frame(entry.question or "", lang) not in YES_NO_FRAMES:
        return None
    return None if maker.hardware_in(entry.answer or "", lang) else asked.pop()


def hardware_said(maker, ex: Extraction) -> bool:
    """Each hardware's status comes from a prose sentence that says only that the hardware is
    supported ("Currently, the GPU-based and Ascend-based hardware is supported"), not from a code
    comment nor one with its own subject ("Ascend 310 supports the offline model")."""
    evs = [ex.evidence.get(hw) for hw, st in ex.hardware.items() if st in CLAIM_STATUSES]
    return bool(evs) and all(ev is not None and not ev.text.lstrip().startswith("#")
                             and maker.rules.hardware_passive.search(ev.text) for ev in evs)


def only_elsewhere(maker, entry: Entry, ex: Extraction, subj: tuple, product) -> list[Claim]:
    """"X runs only on a GPU or CPU" answering a question that names another hardware (Ascend):
    X is unsupported on that one (unless it is a kind of, or the family of, a supported one)."""
    lang = lang_key(entry.lang)
    supported = [hw for hw, st in ex.hardware.items() if st == "supported"]
    only = maker.rules.only.get(lang)
    ev = next((e for hw in supported if (e := ex.evidence.get(hw)) is not None
               and only is not None and only.search(e.text)), None)
    if ev is None:
        return []
    asked = dict.fromkeys(hw for _, _, hw in maker.hardware_in(entry.question or "", lang))
    return [maker._claim(entry, *subj, product, hw, "unsupported", ev, asked=True) for hw in asked
            if hw not in ex.hardware and not any(hw.startswith(h) or h.startswith(hw) for h in supported)]


def only_for(maker, ev: Evidence | None) -> tuple[str, str | None, None] | None:
    """"<hardware> can only be used for <Y>" (the sentence opens with the hardware): Y."""
    if ev is None:
        return None
    text = ev.text.strip()
    lang = "zh" if CJK.search(text) else "en"
    first = next(iter(maker.hardware_in(text, lang)), None)
    if first is None or text[:first[0]].strip(" ,").lower() not in _OPENERS:
        return None
    m = (_ONLY_FOR if lang == "en" else _ONLY_FOR_ZH).match(text[first[1]:])
    if not m:
        return None
    y = OBJECT_STOP.split(m.group("y"), 1)[0].strip()
    if lang == "zh":        # a Chinese object: its vocabulary label, else the text (the twin names it in English)
        c = maker.x.vocab.find_label(y, "features")
        return (c.label, c.iri, None) if c else ((y, None, None) if 0 < len(y) <= 12 else None)
    y = maker.rules.tidy(y)
    return maker._named(y) if y and len(y.split()) <= 5 and not maker.generic(y) else None
