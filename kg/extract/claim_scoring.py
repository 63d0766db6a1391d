"""`kg eval` on claim gold (shared/gold/CLAIMS.md): the facts the graph states, scored fact by fact.

A gold line is `{source, n, lang, question, claims: [{subject, aliases, broader, product,
hardware, status, condition}]}`. The system's claims of an entry are `Extraction.claims` when
the extraction states claims; until it does they are derived the way the graph states facts:
every feature of the entry with the entry's status (no hardware, when not n/a) and with each
hardware status.

A system claim matches a gold claim of the same entry when hardware and status are equal and
the subjects name the same thing: equal after normalisation (case, punctuation, a plural `s`)
to the gold subject or one of its aliases, or judged the same by a reader in a judgements file
(JSONL lines `{"gold": ..., "pred": ..., "same": true|false}`). Equal names are matched first,
judged ones second. Pairs that would decide a match and are not judged are listed: while any
remain the figures are not known exactly.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import CheckFailed, InputError
from kg.extract.claim_rules import CLAIM_STATUSES
from kg.extract.records import read_jsonl

NEGATIVE = ("unsupported", "planned")
SLICES = ("all", "en", "zh", "hardware", "no hardware", "positive", "negative")


def normalise_subject(text: str | None) -> str:
    """Lower case, punctuation as spaces, a plural `s` dropped from words over three letters."""
    words = re.sub(r"[\W_]+", " ", (text or "").lower()).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in words)


def read_claim_gold(path: str | Path) -> list[dict]:
    """Claim gold lines; InputError naming the line for a malformed one."""
    out = []
    for i, rec in read_jsonl(path, ("source", "n", "lang", "claims"), what="claim gold"):
        for c in rec["claims"]:
            if not isinstance(c, dict) or not c.get("subject") or c.get("status") not in CLAIM_STATUSES:
                raise InputError("a claim needs a `subject` and a `status` of "
                                 + ", ".join(CLAIM_STATUSES), path=str(path), line=i)
        out.append(rec)
    return out


def read_judgements(path: str | Path | None) -> dict[tuple[str, str], bool]:
    """(normalised gold subject, normalised system subject) -> judged the same?"""
    if not path:
        return {}
    out = {}
    for _, j in read_jsonl(path, ("gold", "pred", "same"), what="judgements"):
        out[(normalise_subject(j["gold"]), normalise_subject(j["pred"]))] = bool(j["same"])
    return out


def derived_claims(features: list[str], status: str, hardware: dict[str, str]) -> list[dict]:
    """The claims the graph states for an entry labelled (features, status, hardware): one per
    feature and (no hardware | each hardware), statuses other than n/a, each once."""
    out, seen = [], set()
    for f in features:
        facts = ([(None, status)] if status in CLAIM_STATUSES else [])
        facts += [(hw, st) for hw, st in hardware.items() if st in CLAIM_STATUSES]
        for hw, st in facts:
            key = (normalise_subject(f), hw, st)
            if key not in seen:
                seen.add(key)
                out.append({"subject": f, "hardware": hw, "status": st})
    return out


@dataclass
class ClaimReport:
    entries: int = 0
    missing: int = 0                                    # gold entries not found in the corpus
    tally: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # slice -> [hit, sys, gold]
    misses: list = field(default_factory=list)          # (entry, gold claim)
    extras: list = field(default_factory=list)          # (entry, system claim)
    unjudged: dict = field(default_factory=dict)        # (gold, pred) -> the pair to judge
    renumbered: list = field(default_factory=list)      # (gold entry, entry of its question): n names another

    def prf(self, part: str = "all") -> tuple[float, float, float]:
        hit, n_sys, n_gold = self.tally[part]
        p = hit / n_sys if n_sys else 0.0
        r = hit / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def to_dict(self) -> dict:
        return {"entries": self.entries, "missing": self.missing,
                "slices": {s: dict(zip(("precision", "recall", "f1"), self.prf(s)),
                                   matched=self.tally[s][0], system=self.tally[s][1],
                                   gold=self.tally[s][2]) for s in SLICES},
                "unjudged": list(self.unjudged.values()),
                "renumbered": [{"gold": a, "entry": b} for a, b in self.renumbered]}

    def format(self, show: int = 20) -> str:
        lines = [f"claim gold entries {self.entries}; not found {self.missing}"]
        if self.renumbered:     # the gold's n names another question: scored on the entry its question is
            lines.append(f"  {len(self.renumbered)} gold entries' n names another question; scored as "
                         + ", ".join(f"{a} -> #{b.rsplit('#', 1)[1]}" for a, b in self.renumbered[:show or None]))
        for s in SLICES:
            hit, n_sys, n_gold = self.tally[s]
            p, r, f = self.prf(s)
            lines.append(f"  {s:12s} P {p:.3f} ({hit}/{n_sys})  R {r:.3f} ({hit}/{n_gold})  F1 {f:.3f}")
        if show:
            lines.append(f"missed gold claims (first {min(show, len(self.misses))} of {len(self.misses)}):")
            lines += [f"  {e} {c['subject']!r} {c['hardware']} {c['status']}" for e, c in self.misses[:show]]
            lines.append(f"unmatched system claims (first {min(show, len(self.extras))} of {len(self.extras)}):")
            lines += [f"  {e} {c['subject']!r} {c['hardware']} {c['status']}" for e, c in self.extras[:show]]
        if self.unjudged:
            lines.append(f"{len(self.unjudged)} subject pairs unjudged (figures are not exact until judged)")
        return "\n".join(lines)


def score_claims(rep: ClaimReport, gold: dict, system: list[dict] | None,
                 judged: dict[tuple[str, str], bool]) -> None:
    """Add one entry's gold and system claims (None: the entry was not found) to `rep`."""
    entry = f"{gold['source']}#{gold['n']}"
    rep.entries += 1
    if system is None:
        rep.missing += 1
        system = []
    gcs = gold["claims"]
    hit_sys, hit_gold = set(), set()
    for by_judgement in (False, True):
        for gi, gc in enumerate(gcs):
            if gi in hit_gold:
                continue
            names = {normalise_subject(gc["subject"])} | {normalise_subject(a) for a in gc.get("aliases") or []}
            for si, sc in enumerate(system):
                if si in hit_sys or (sc["hardware"], sc["status"]) != (gc["hardware"], gc["status"]):
                    continue
                subject = normalise_subject(sc["subject"])
                same = (judged.get((normalise_subject(gc["subject"]), subject)) if by_judgement
                        else subject in names)
                if same:
                    hit_sys.add(si)
                    hit_gold.add(gi)
                    break
    for gi, gc in enumerate(gcs):
        if gi in hit_gold:
            continue
        rep.misses.append((entry, gc))
        for si, sc in enumerate(system):
            if si in hit_sys or (sc["hardware"], sc["status"]) != (gc["hardware"], gc["status"]):
                continue
            if (normalise_subject(gc["subject"]), normalise_subject(sc["subject"])) not in judged:
                rep.unjudged[(gc["subject"], sc["subject"])] = {
                    "gold": gc["subject"], "pred": sc["subject"], "aliases": gc.get("aliases") or [],
                    "broader": gc.get("broader"), "entry": entry, "question": gold.get("question")}
    rep.extras += [(entry, sc) for si, sc in enumerate(system) if si not in hit_sys]
    for claims, column, hits in ((system, 1, hit_sys), (gcs, 2, hit_gold)):
        for i, c in enumerate(claims):
            for part in ("all", gold["lang"], "hardware" if c["hardware"] else "no hardware",
                         "negative" if c["status"] in NEGATIVE else "positive"):
                rep.tally[part][column] += 1
                if column == 1 and i in hits:
                    rep.tally[part][0] += 1


def enforce_claims(rep: ClaimReport, min_precision: float = 0.0, min_recall: float = 0.0,
                   min_negative_precision: float = 0.0) -> None:
    """CheckFailed (exit 1) when a figure is below its threshold or pairs are unjudged."""
    p, r, _ = rep.prf()
    neg = rep.prf("negative")[0]
    problems = []
    if p < min_precision:
        problems.append(f"claim precision {p:.3f} < {min_precision}")
    if r < min_recall:
        problems.append(f"claim recall {r:.3f} < {min_recall}")
    if neg < min_negative_precision:
        problems.append(f"unsupported/planned precision {neg:.3f} < {min_negative_precision}")
    if (min_precision or min_recall or min_negative_precision) and rep.unjudged:
        problems.append(f"{len(rep.unjudged)} subject pairs unjudged")
    if problems:
        raise CheckFailed("; ".join(problems))


def is_claim_gold(path: str | Path) -> bool:
    """Whether a gold file holds claims (CLAIMS.md) rather than entry labels (GUIDELINES.md)."""
    try:
        with open(path, encoding="utf-8") as f:
            first = next((line for line in f if line.strip()), "")
        rec = json.loads(first) if first else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the entry-label reader reports what is wrong with the file
    return isinstance(rec, dict) and "claims" in rec and "status" not in rec
