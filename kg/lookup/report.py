"""`kg stats` and `kg diff`: what a built store holds, and what changed between two releases.

Both are SPARQL over the store: the stats queries live in kg/lookup/queries/*.rq, the
diff is the named query queries/release_diff.rq (served by the endpoint as well), read by
kg.lookup.changes (the one definition of a change).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.lookup.changes import KINDS, Change, counts, release_changes_with_evidence
from kg.lookup.documents import store_runner
from kg.lookup.pages import release_names
from kg.query.catalogue import load_catalogue, solutions_to_dicts
from kg.query.releases import find_release, list_releases

QUERIES = Path(__file__).resolve().parent / "queries"


def _select(store, name: str) -> list[dict]:
    return solutions_to_dicts(store.query(load_catalogue(QUERIES).get(name).text))


@dataclass
class Stats:
    triples: int
    totals: dict[str, int] = field(default_factory=dict)
    entries: list[dict] = field(default_factory=list)     # {release, lang, entries}
    statuses: list[dict] = field(default_factory=list)    # {status, statements, overall}

    def to_dict(self) -> dict:
        return {"triples": self.triples, "totals": self.totals, "entries": self.entries,
                "statuses": self.statuses}

    def render(self) -> str:
        lines = [f"triples: {self.triples}"]
        lines += [f"{k}: {v}" for k, v in self.totals.items()]
        lines.append("entries per release (zh / en):")
        per: dict[str, dict[str, int]] = {}
        for row in self.entries:
            per.setdefault(row["release"], {})[row["lang"]] = row["entries"]
        for release, by_lang in per.items():
            lines.append(f"  {release:<10} {by_lang.get('zh', 0):>5} / {by_lang.get('en', 0):<5}")
        lines.append("statements per status (all / overall):")
        for row in self.statuses:
            lines.append(f"  {row['status']:<12} {row['statements']:>6} / {row.get('overall', 0)}")
        return "\n".join(lines)


def graph_stats(store) -> Stats:
    """Triples, pages/questions/answers, entries per release and language, features,
    statements per status."""
    totals = {row["what"]: int(row["count"]) for row in _select(store, "totals")}
    order = ["pages", "questions", "answers", "translation pairs", "statements",
             "vocabulary features", "candidate features", "features with statements"]
    return Stats(triples=len(store), totals={k: totals.get(k, 0) for k in order},
                 entries=_select(store, "entries"), statuses=_select(store, "statuses"))


def release_diff(store, old: str, new: str, lang: str | None = None) -> list[Change]:
    """What changed from release `old` to `new` (kg.lookup.changes: changed, added, removed per
    feature and hardware), with the evidence of both sides (the named query `release_diff`)."""
    known = list_releases(store)  # an unknown release is bad input, not "no changes"
    sides = [(old, find_release(known, old)), (new, find_release(known, new))]
    _check_have_entries(store, sides)
    return release_changes_with_evidence(store_runner(store), sides[0][1].iri, sides[1][1].iri, lang)


def _check_have_entries(store, sides) -> None:
    """InputError when the store holds no entry of a release of `sides` ((name, Release)
    pairs): the vocabulary names every release, but a store built from part of the corpus
    has entries of some only, and a diff against an empty side would wrongly read "no changes"."""
    with_entries = release_names(store_runner(store))
    for name, release in sides:
        if release.notation not in with_entries:
            raise InputError(f"the store holds no entries of release {name!r} (releases with entries: "
                             f"{', '.join(with_entries) or 'none'})")


def render_diff(changes: list[Change], old: str, new: str) -> str:
    """The changes with their evidence, then what was added and removed: the figures of the
    status_changes query and the matrix's comparison (kg.lookup.changes)."""
    n = counts(changes)
    out = [f"{n['changed']} status change(s), {n['added']} added, {n['removed']} removed from {old} to {new}"
           + (":" if changes else "")]
    titles = {"changed": "changed in " + new, "added": "added in " + new, "removed": "removed in " + new}
    for kind in KINDS:
        items = [c for c in changes if c.kind == kind]
        if not items:
            continue
        out.append(f"{titles[kind]}:")
        for c in items:
            on = f" on {c.hardware}" if c.hardware else ""
            status = {"changed": f"{c.old} -> {c.new}", "added": c.new, "removed": c.old}[kind]
            out.append(f"- {c.label}{on}: {status}")
            out += [f"    {old}: {e}" for e in c.old_evidence]
            out += [f"    {new}: {e}" for e in c.new_evidence]
    return "\n".join(out)
