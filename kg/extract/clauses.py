"""Sentences, clauses and cues with character offsets, and the statuses they state: the
data the cue lexicon (kg.extract.lexicon) produces and the extraction (kg.extract.extractor) reads.

Statuses combine by strength: planned > unsupported > partial > supported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

STATUSES = ("supported", "unsupported", "partial", "planned", "n/a")
RANK = {"supported": 1, "partial": 2, "unsupported": 3, "planned": 4}

SENT_END = {"zh": re.compile(r"[。！？!?；;]+|\n+|(?<=[.])\s+"),
             "en": re.compile(r"(?<![Ee]\.g)(?<![Ii]\.e)(?<!etc)[.!?;]+(?=\s|$)\s*|\n+")}
CLAUSE_END = {"zh": re.compile(r"[，,：:]"),
               "en": re.compile(r",\s*(?=(?:but|while|whereas|so|which|however|otherwise|and then)\b)"
                                r"|\s(?=(?:but|while|whereas)\s)|:\s")}


@dataclass(frozen=True)
class Cue:
    start: int          # offsets in the sentence
    end: int
    status: str
    scope: str          # "status" | "hardware"
    strong: bool
    object: str | None  # status of hardware named after the cue (restrictions)
    hardware: bool = True   # may give a hardware its status (bare modals may not)
    usage: bool = False     # a usage phrase ("recommended on", "用于"): hardware status only in yes/no frames
    modal: bool = False     # a bare modal ("不能", "cannot"): describes a hardware, not its support


@dataclass
class Clause:
    start: int          # offsets in the answer
    end: int
    cues: list[Cue]
    related: bool       # about a related subject (model zoo, third-party tools)
    foreign: bool = False   # its subject, before the first cue, is a related one ("scipy only supports X")

    def status(self, strong_only: bool = False, scope: str = "status") -> str | None:
        cues = [c for c in self.cues if (c.scope == scope or scope == "any") and (c.strong or not strong_only)]
        st = combine(c.status for c in cues)
        if st == "unsupported" and any(c.object for c in cues):
            return "partial"      # "only supports X and does not support Y"
        return st


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    clauses: list[Clause]
    greeting: bool = False      # a greeting or thanks alone, or no prose (code): never the main claim


CJK = re.compile(r"[\u4e00-\u9fff]")              # a Chinese character: the text is Chinese
OBJECT_STOP = re.compile(r"[,.;:()，。；：]")      # where a phrase named as an object ends
_ITEM_BREAK = re.compile(r"\s*[,、]\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


def list_items(text: str) -> list[str]:
    """The items of an English list ("A, B and C", "A, B, or C", "A or B", "A、B、C"), trimmed, none empty."""
    return [i.strip() for i in _ITEM_BREAK.split(text) if i.strip()]


def span_status(s: Sentence, start: int, end: int) -> str | None:
    """The combined status of the cues of `s` that begin in [start, end) of its text (cue offsets
    are the answer's)."""
    return combine(c.status for cl in s.clauses for c in cl.cues if start <= c.start - s.start < end)


def combine(statuses) -> str | None:
    statuses = [s for s in statuses if s]
    return max(statuses, key=RANK.__getitem__) if statuses else None



def merge_colon_objects(clauses: list[Clause], text: str) -> list[Clause]:
    """A clause that ends in a cue and a colon ("目前支持：", "supports:") continues into the next
    one, which lists its objects: "目前支持：GPU和Ascend" is one clause."""
    out: list[Clause] = []
    for cl in clauses:
        prev = out[-1] if out else None
        if prev is not None and prev.cues and not cl.cues and not prev.related \
                and re.fullmatch(r"\s*[:：]\s*", text[prev.cues[-1].end:prev.end]):
            prev.end = cl.end
            prev.related = prev.related or cl.related
            continue
        if prev is not None and not prev.cues and cl.cues and not prev.related \
                and _ASPECT.fullmatch(text[prev.start:prev.end]):
            # "aspect (what it covers): claim": the claim is about what the aspect names
            # ("hardware resources (A, B and C): both are supported")
            out[-1] = Clause(prev.start, cl.end, cl.cues, cl.related, cl.foreign)
            continue
        out.append(cl)
    return out


# a short lead-in naming an aspect with what it covers in brackets, ended by a colon
_ASPECT = re.compile(r"[^:：。.!?]{0,60}[(（][^()（）]{1,60}[)）][^:：()（）]{0,20}[:：]\s*")


def hardware_status(clause: Clause, start: int, usage: bool = True, text: str | None = None) -> str | None:
    """Status the clause gives a hardware mention starting at answer offset `start`: that of the
    nearest cue before it ("supports only A and B and does not support C" gives A and B the
    restriction's object status, C unsupported), else of the cues after it ("CPU和GPU都支持").
    Usage cues and bare modals ("the Ascend platform cannot return an address" describes the
    hardware) count only when `usage` is true (yes/no questions). When `text` (the answer) is
    given, a support noun naming the hardware ("the support of Windows + GPU is under
    development") yields to the predicate after it."""
    cues = [c for c in clause.cues if c.hardware and (usage or not (c.usage or c.modal))]
    before = [c for c in cues if c.end <= start]
    after = [c for c in cues if c.start > start]
    if before:
        c = before[-1]
        if text is not None and after and c.status == "supported" and not c.strong \
                and _SUPPORT_OF.fullmatch(text[c.end:start]):
            return combine(x.status for x in after)
        return c.object or c.status
    return combine(c.status for c in after)


_SUPPORT_OF = re.compile(r"\s+(?:of|for)\s+(?:[A-Za-z0-9]+\s*\+\s*)?")


def opens_with_reply(s: Sentence) -> bool:
    """Does the sentence open with a bare yes/no reply ("Yes, but ...", "不能。")?"""
    cues = [c for cl in s.clauses for c in cl.cues if c.scope == "status"]
    return bool(cues) and cues[0].start == s.start and not cues[0].strong \
        and cues[0].status in ("supported", "unsupported")


def drop_opening_no(s: Sentence) -> None:
    """'Does it run only on X?' - 'No, also on Y': the opening 'No' denies the restriction."""
    for cl in s.clauses:
        cl.cues = [c for c in cl.cues if not (c.start == s.start and c.status == "unsupported" and not c.strong)]
