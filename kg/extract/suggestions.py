"""`kg vocab suggest`: what the vocabulary may lack, across a corpus, by frequency, for curators:
feature candidates (`--kind candidates`), the narrower subjects claims are about
(`--kind subjects`) and products the corpus names that the vocabulary does not (`--kind products`).

A candidate is what the question frame names ("是否支持X" -> X) when no vocabulary concept is
named in the question. Candidates are grouped by the key the build mints their concepts
from (kg.extract.candidates.candidate_key: case, articles, plurals and leading verbs do not
count), so a row here is one candidate concept of the graph; rows are counted by entries,
releases and languages, most frequent first.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Mapping

from kg.extract.candidates import candidate_key
from kg.extract.claims import normalise
from kg.extract.extractor import Extractor
from kg.extract.pipeline import align_streamed, extract_entries
from kg.parse.corpus import find_faq_files

_PRODUCT_NAME = re.compile(r"\bMind[A-Z][A-Za-z]+\b")
_API_NAME = re.compile(r"(?:Dataset|Record\w*|Op|IR|Writer|Reader|Page|Loader)$")  # MindDataset: an API


def suggest_candidates(paths: Iterable[str | Path], root: str | Path, min_count: int = 1,
                       extractor=None) -> list[dict]:
    """Rows {candidate, entries, releases, langs, example}, most entries (then releases) first."""
    find_faq_files(paths)  # none at all is bad input, not an empty list
    groups: dict[str, dict] = defaultdict(lambda: {"entries": 0, "releases": set(), "langs": set(),
                                                   "example": None, "forms": defaultdict(int)})
    for entry, ex in extract_entries(paths, root=root, extractor=extractor):
        for cand in ex.candidates:
            g = groups[candidate_key(cand)]
            g["entries"] += 1
            g["releases"].add(entry.release or "")
            g["langs"].add(entry.lang)
            g["forms"][cand] += 1
            g["example"] = g["example"] or f"{entry.source}#{entry.n}"
    rows = []
    for g in groups.values():
        if g["entries"] < min_count:
            continue
        form = max(g["forms"].items(), key=lambda kv: (kv[1], kv[0]))[0]
        rows.append({"candidate": form, "entries": g["entries"], "releases": len(g["releases"]),
                     "langs": sorted(g["langs"]), "example": g["example"]})
    rows.sort(key=lambda r: (-r["entries"], -r["releases"], r["candidate"]))
    return rows


def suggest_subjects(paths: Iterable[str | Path], root: str | Path, min_count: int = 1,
                     extractor=None, labels_zh: Mapping[str, str] | None = None) -> list[dict]:
    """Rows {subject, broader, label_zh, entries, releases, langs, example}: the subjects claims are
    about that are no vocabulary concept (named in English, both languages counted), most entries
    first. `label_zh`: the subject's Chinese label, from `labels_zh` (normalised English label ->
    label, the curated ones of ontology/subjects.ttl) or the extraction, else None: a curator's to write."""
    find_faq_files(paths)
    groups: dict[str, dict] = defaultdict(lambda: {"entries": 0, "releases": set(), "langs": set(),
                                                   "example": None, "forms": Counter(), "broader": Counter(),
                                                   "zh": Counter()})
    for entry, ex in align_streamed(extract_entries(paths, root=root, extractor=extractor)):
        for key in {normalise(c.subject): c for c in ex.claims if not c.concept}.values():
            g = groups[normalise(key.subject)]
            g["entries"] += 1
            g["releases"].add(entry.release or "")
            g["langs"].add(entry.lang)
            g["forms"][key.subject] += 1
            if key.broader:
                g["broader"][key.broader] += 1
            if key.label_zh:
                g["zh"][key.label_zh] += 1
            g["example"] = g["example"] or f"{entry.source}#{entry.n}"
    rows = [{"subject": g["forms"].most_common(1)[0][0],
             "broader": g["broader"].most_common(1)[0][0] if g["broader"] else None,
             "label_zh": (labels_zh or {}).get(k) or (g["zh"].most_common(1)[0][0] if g["zh"] else None),
             "entries": g["entries"], "releases": len(g["releases"]), "langs": sorted(g["langs"]),
             "example": g["example"]} for k, g in groups.items() if g["entries"] >= min_count]
    rows.sort(key=lambda r: (-r["entries"], -r["releases"], r["subject"]))
    return rows


def suggest_products(paths: Iterable[str | Path], root: str | Path, min_count: int = 1,
                     extractor=None) -> list[dict]:
    """Rows {product, entries, releases, langs, example}: product names of the MindSpore family
    ("Mind..." names, page components) the vocabulary has no product concept for."""
    find_faq_files(paths)
    extractor = extractor or Extractor()
    vocab = extractor.vocab
    groups: dict[str, dict] = defaultdict(lambda: {"entries": 0, "releases": set(), "langs": set(), "example": None})
    for entry, _ex in extract_entries(paths, root=root, extractor=extractor):
        names = set(_PRODUCT_NAME.findall(f"{entry.question} {entry.answer}")) | {entry.component or ""}
        for name in names:
            if not name or _API_NAME.search(name) or vocab.find_label(name, "products") or vocab.find_label(name):
                continue
            g = groups[name]
            g["entries"] += 1
            g["releases"].add(entry.release or "")
            g["langs"].add(entry.lang)
            g["example"] = g["example"] or f"{entry.source}#{entry.n}"
    rows = [{"product": name, "entries": g["entries"], "releases": len(g["releases"]), "langs": sorted(g["langs"]),
             "example": g["example"]} for name, g in groups.items() if g["entries"] >= min_count]
    rows.sort(key=lambda r: (-r["entries"], -r["releases"], r["product"]))
    return rows


SUGGESTERS = {"candidates": (suggest_candidates, "candidate"), "subjects": (suggest_subjects, "subject"),
              "products": (suggest_products, "product")}


def format_table(rows: list[dict], name: str = "candidate") -> str:
    extra = [k for k in ("broader", "label_zh") if rows and k in rows[0]]
    lines = ["\t".join(["entries", "releases", "langs", name, *extra, "example"])]
    for r in rows:
        cells = [str(r["entries"]), str(r["releases"]), ",".join(r["langs"]), r[name],
                 *[str(r[k] or "") for k in extra], r["example"]]
        lines.append("\t".join(cells))
    return "\n".join(lines)
