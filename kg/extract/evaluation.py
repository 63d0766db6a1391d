"""`kg eval`: run the extraction on the files of a gold JSONL and score it.

Scores: entries found (gold (source, n) present with the same question), status accuracy per
language, macro-F1 over the statuses with the confusion matrix, (entry, hardware, status)
precision/recall/F1, URL exact-match rate, and the list of mismatching entries.

`question` and `urls` are optional in a gold line (a held-out set annotated for status and
hardware only, without corpus text): they are scored over the lines that have them.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import CheckFailed, InputError
from kg.extract.claim_scoring import ClaimReport, derived_claims, read_claim_gold, read_judgements, score_claims
from kg.extract.clauses import STATUSES
from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_entries, extract_records
from kg.extract.records import read_jsonl
from kg.parse.corpus import counterpart
from kg.parse.identity import normalise_question

GOLD_KEYS = ("source", "n", "lang", "status", "hardware")
OPTIONAL_KEYS = ("question", "urls")


@dataclass
class Report:
    total: int = 0
    found: int = 0
    questions_equal: int = 0
    status_by_lang: dict = field(default_factory=dict)        # lang -> [correct, total]
    confusion: Counter = field(default_factory=Counter)       # (gold, predicted) -> count
    hw_tp: int = 0
    hw_fp: int = 0
    hw_fn: int = 0
    urls_equal: int = 0
    urls_scored: int = 0      # found entries whose gold line has `urls`
    questions_scored: int = 0
    mismatches: list = field(default_factory=list)

    # --- figures -----------------------------------------------------------------
    def status_accuracy(self, lang: str | None = None) -> float:
        if lang:
            c, t = self.status_by_lang.get(lang, (0, 0))
        else:
            c = sum(v[0] for v in self.status_by_lang.values())
            t = sum(v[1] for v in self.status_by_lang.values())
        return c / t if t else 0.0

    def macro_f1(self) -> float:
        f1s = []
        for s in STATUSES:
            tp = self.confusion[(s, s)]
            fp = sum(v for (g, p), v in self.confusion.items() if p == s and g != s)
            fn = sum(v for (g, p), v in self.confusion.items() if g == s and p != s)
            if tp + fp + fn == 0:
                continue
            f1s.append(2 * tp / (2 * tp + fp + fn))
        return sum(f1s) / len(f1s) if f1s else 0.0

    def hardware_prf(self) -> tuple[float, float, float]:
        p = self.hw_tp / (self.hw_tp + self.hw_fp) if self.hw_tp + self.hw_fp else 1.0
        r = self.hw_tp / (self.hw_tp + self.hw_fn) if self.hw_tp + self.hw_fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def url_rate(self) -> float:
        return self.urls_equal / self.urls_scored if self.urls_scored else 1.0

    def to_dict(self) -> dict:
        p, r, f = self.hardware_prf()
        return {"entries": self.total, "found": self.found, "questions_equal": self.questions_equal,
                "status_accuracy": {lang: self.status_accuracy(lang) for lang in sorted(self.status_by_lang)},
                "status_accuracy_all": self.status_accuracy(), "macro_f1": self.macro_f1(),
                "confusion": {f"{g} -> {p_}": v for (g, p_), v in sorted(self.confusion.items())},
                "hardware": {"precision": p, "recall": r, "f1": f, "tp": self.hw_tp, "fp": self.hw_fp,
                             "fn": self.hw_fn},
                "url_exact": self.url_rate(), "urls_scored": self.urls_scored,
                "questions_scored": self.questions_scored, "mismatches": self.mismatches}

    def format(self, show_mismatches: bool = True) -> str:
        p, r, f = self.hardware_prf()
        lines = [f"entries found: {self.found}/{self.total}"
                 + (f" (questions equal: {self.questions_equal}/{self.questions_scored})"
                    if self.questions_scored else "")]
        for lang in sorted(self.status_by_lang):
            c, t = self.status_by_lang[lang]
            lines.append(f"status accuracy [{lang}]: {c}/{t} = {self.status_accuracy(lang):.3f}")
        lines.append(f"status accuracy [all]: {self.status_accuracy():.3f}   macro-F1: {self.macro_f1():.3f}")
        lines.append("confusion (rows gold, columns predicted):")
        w = max(len(s) for s in STATUSES) + 1
        lines.append(" " * w + "".join(s.rjust(w) for s in STATUSES))
        for g in STATUSES:
            lines.append(g.ljust(w) + "".join(str(self.confusion[(g, p_)]).rjust(w) for p_ in STATUSES))
        lines.append(f"hardware+status: P={p:.3f} R={r:.3f} F1={f:.3f} "
                     f"(tp={self.hw_tp} fp={self.hw_fp} fn={self.hw_fn})")
        if self.urls_scored:
            lines.append(f"URLs exact: {self.urls_equal}/{self.urls_scored} = {self.url_rate():.3f}")
        if show_mismatches and self.mismatches:
            lines.append(f"mismatches ({len(self.mismatches)}):")
            for m in self.mismatches:
                lines.append(f"  {m['source']} #{m['n']}: {'; '.join(m['problems'])}")
                if m.get("question"):
                    lines.append(f"    Q: {m['question'][:100]}")
        return "\n".join(lines)


def read_gold(path: str | Path) -> list[dict]:
    """Gold records; a malformed line is an InputError naming the file and line."""
    path = Path(path)
    out = []
    for i, rec in read_jsonl(path, GOLD_KEYS):
        if rec["status"] not in STATUSES:
            raise InputError(f"unknown status {rec['status']!r}", path=str(path), line=i)
        if not isinstance(rec["hardware"], dict) or any(v not in STATUSES[:4] for v in rec["hardware"].values()):
            raise InputError("`hardware` must map hardware names to statuses other than n/a",
                             path=str(path), line=i)
        if "urls" in rec and not isinstance(rec["urls"], list):
            raise InputError("`urls` must be a list", path=str(path), line=i)
        out.append(rec)
    return out


def evaluate(gold_path: str | Path, root: str | Path, extractor=None) -> Report:
    """Parse the gold entries' files under `root`, extract, and score against the gold."""
    gold = read_gold(gold_path)
    root = Path(root)
    by_source = defaultdict(list)
    for g in gold:
        by_source[g["source"]].append(g)
    extractor = extractor or Extractor()  # one for every file (its pipelines are costly to make)
    rep = Report(total=len(gold))
    for source, recs in by_source.items():
        path = root / source
        if not path.is_file():
            raise InputError("file of gold entries not found under --root", path=str(path))
        extracted = {e.n: (e, ex) for e, ex in extract_entries([path], root=root, extractor=extractor)}
        for g in recs:
            score_entry(rep, g, *extracted.get(g["n"], (None, None)))
    return rep


def score_entry(rep: Report, g: dict, entry, ex) -> None:
    problems = []
    lang = g["lang"]
    c_t = rep.status_by_lang.setdefault(lang, [0, 0])
    c_t[1] += 1
    if entry is None:
        rep.confusion[(g["status"], "n/a")] += 0
        rep.hw_fn += len(g["hardware"])
        rep.mismatches.append({"source": g["source"], "n": g["n"], "question": g.get("question", ""),
                               "problems": ["entry not found"]})
        return
    rep.found += 1
    if "question" in g:
        rep.questions_scored += 1
        if entry.question == g["question"]:
            rep.questions_equal += 1
        else:
            problems.append(f"question {entry.question[:60]!r}")
    rep.confusion[(g["status"], ex.status)] += 1
    if ex.status == g["status"]:
        c_t[0] += 1
    else:
        problems.append(f"status {ex.status} (gold {g['status']})")
    gold_hw = set(g["hardware"].items())
    got_hw = set(ex.hardware.items())
    rep.hw_tp += len(gold_hw & got_hw)
    rep.hw_fp += len(got_hw - gold_hw)
    rep.hw_fn += len(gold_hw - got_hw)
    if gold_hw != got_hw:
        problems.append(f"hardware {dict(sorted(got_hw))} (gold {dict(sorted(gold_hw))})")
    if "urls" in g:
        rep.urls_scored += 1
        if list(entry.urls) == list(g["urls"]):
            rep.urls_equal += 1
        else:
            problems.append(f"urls {entry.urls} (gold {g['urls']})")
    if problems:
        rep.mismatches.append({"source": g["source"], "n": g["n"], "question": g.get("question", entry.question),
                               "problems": problems})


def check_thresholds(rep: Report, min_status: float = 0.0, min_hardware_f1: float = 0.0,
                     min_urls: float = 0.0, min_found: float = 0.0) -> list[str]:
    """Threshold failures as messages (empty when every figure passes)."""
    fails = []
    for lang in sorted(rep.status_by_lang):
        if rep.status_accuracy(lang) < min_status:
            fails.append(f"status accuracy [{lang}] {rep.status_accuracy(lang):.3f} < {min_status}")
    if rep.hardware_prf()[2] < min_hardware_f1:
        fails.append(f"hardware F1 {rep.hardware_prf()[2]:.3f} < {min_hardware_f1}")
    if rep.url_rate() < min_urls:
        fails.append(f"URL exact rate {rep.url_rate():.3f} < {min_urls}")
    found = rep.found / rep.total if rep.total else 1.0
    if found < min_found:
        fails.append(f"entries found {found:.3f} < {min_found}")
    return fails


def enforce(rep: Report, **thresholds) -> None:
    fails = check_thresholds(rep, **thresholds)
    if fails:
        raise CheckFailed("below thresholds: " + "; ".join(fails))


def evaluate_claims(gold_path: str | Path, root: str | Path, judgements: str | Path | None = None,
                    extractor=None) -> ClaimReport:
    """Extract the claim gold's files under `root` as `kg extract` does and score the claims of
    each gold entry (kg.extract.claim_scoring). Each page's other-language version is read too, as a
    corpus-wide `kg extract` reads it: a zh entry carries its English twin's claims."""
    gold = read_claim_gold(gold_path)
    judged = read_judgements(judgements)
    root = Path(root)
    files = []
    for source in dict.fromkeys(g["source"] for g in gold):
        path = root / source
        if not path.is_file():
            raise InputError("file of gold entries not found under --root", path=str(path))
        files.append(path)
        twin = counterpart(source)      # the other language's page, as in a corpus-wide kg extract
        if twin and (root / twin).is_file():
            files.append(root / twin)
    files = list(dict.fromkeys(files))
    extract = (extractor or Extractor()).extract
    records = {(r["source"], r["n"]): r for r in extract_records(files, root=root, extract=extract)}
    rep = ClaimReport()
    by_question: dict[tuple[str, str], list] = {}
    for r in records.values():
        by_question.setdefault((r["source"], _question_key(r.get("question") or "")), []).append(r)
    for g in gold:
        rec = records.get((g["source"], g["n"]))
        if rec is not None and g.get("question") and \
                _question_key(rec.get("question") or "") != _question_key(g["question"]):
            # the gold's n names another question (a question the annotator did not count, or one
            # more): score the entry that asks the gold's question, if exactly one does
            same = by_question.get((g["source"], _question_key(g["question"])), [])
            rec = same[0] if len(same) == 1 else None
            if rec is not None:
                rep.renumbered.append((f"{g['source']}#{g['n']}", f"{rec['source']}#{rec['n']}"))
        system = None
        if rec is not None:
            system = rec["claims"] if isinstance(rec.get("claims"), list) else derived_claims(
                rec["features"], rec["status"], rec["hardware"])
        score_claims(rep, g, system, judged)
    return rep


def _question_key(question: str) -> str:
    """A question as a gold line and the parse both give it: emphasis marks aside (the Markdown
    '__init__' the page writes is a bold 'init' in the parsed text)."""
    return normalise_question(re.sub(r"[_*]", "", question))
