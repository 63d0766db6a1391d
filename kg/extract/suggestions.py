"""`kg vocab suggest`: feature candidates across a corpus, by frequency, for curators.

A candidate is what the question frame names ("是否支持X" -> X) when no vocabulary concept is
named in the question. Candidates are grouped by the key the build mints their concepts
from (kg.extract.candidates.candidate_key: case, articles, plurals and leading verbs do not
count), so a row here is one candidate concept of the graph; rows are counted by entries,
releases and languages, most frequent first.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable

from kg.extract.candidates import candidate_key
from kg.extract.pipeline import extract_entries
from kg.parse.corpus import find_faq_files


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


def format_table(rows: list[dict]) -> str:
    lines = ["entries\treleases\tlangs\tcandidate\texample"]
    for r in rows:
        lines.append(f"{r['entries']}\t{r['releases']}\t{','.join(r['langs'])}\t{r['candidate']}\t{r['example']}")
    return "\n".join(lines)
