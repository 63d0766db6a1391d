"""`kg stats` and `kg diff`: what a built store holds, and what changed between two releases.

Both are SPARQL over the store: the stats queries live in kg/lookup/queries/*.rq, the
diff is the named query queries/release_diff.rq (served by the endpoint as well).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.lookup.documents import store_runner
from kg.lookup.pages import release_names
from kg.query.catalogue import load_catalogue, run_named, solutions_to_dicts
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


@dataclass
class Change:
    feature: str
    label: str
    hardware: str            # "" for the overall status
    old: str
    new: str
    old_evidence: list[str] = field(default_factory=list)   # "source:line: sentence"
    new_evidence: list[str] = field(default_factory=list)


def release_diff(store, old: str, new: str, lang: str | None = None) -> list[Change]:
    """Features whose status (overall or per hardware) changed from release `old` to `new`,
    with the evidence of both sides (runs the named query `release_diff`)."""
    known = list_releases(store)  # an unknown release is bad input, not "no changes"
    sides = [(old, find_release(known, old)), (new, find_release(known, new))]
    _check_have_entries(store, sides)
    values = {"from": sides[0][1].iri, "to": sides[1][1].iri}
    if lang:
        values["lang"] = lang
    rows = solutions_to_dicts(run_named(store, "release_diff", values))
    changes: dict[tuple, Change] = {}
    for r in rows:
        key = (r["feature"], r.get("hardware", ""), r["oldStatus"], r["newStatus"])
        c = changes.get(key)
        if c is None:
            c = changes[key] = Change(r["feature"], r.get("label", r["feature"]), key[1], key[2], key[3])
        for side, ev in (("old", c.old_evidence), ("new", c.new_evidence)):
            where = f"{r.get(side + 'Source', '?')}:{r.get(side + 'Line', '?')}"
            line = f"{where}: {r.get(side + 'Evidence', '')}".rstrip(": ")
            if line not in ev:
                ev.append(line)
    return list(changes.values())


def _check_have_entries(store, sides) -> None:
    """InputError when the store holds no entry of a release of `sides` ((name, Release)
    pairs): the vocabulary names every release, but a store built from part of the corpus
    has entries of some only, and a diff against an empty side would wrongly read "no changes"."""
    with_entries = release_names(store_runner(store))
    for name, release in sides:
        if release.notation not in with_entries:
            raise InputError(f"the store holds no entries of release {name!r} (releases with entries: "
                             f"{', '.join(with_entries) or 'none'})")


def added_and_removed(store, old: str, new: str) -> tuple[list[tuple], list[tuple]]:
    """(added, removed): the (label, hardware, statuses) a feature states in `new` and not in `old`,
    and the other way round, as the named query status_changes counts them."""
    known = list_releases(store)
    values = {"from": find_release(known, old).iri, "to": find_release(known, new).iri}
    rows = solutions_to_dicts(run_named(store, "status_changes", values))
    pick = lambda kind, side: sorted((r.get("label", r["feature"]), r.get("hardware", ""), r[side])  # noqa: E731
                                     for r in rows if r["change"] == kind)
    return pick("added", "newStatus"), pick("removed", "oldStatus")


def render_diff(changes: list[Change], old: str, new: str, added=(), removed=()) -> str:
    """The changes with their evidence, then what was added and removed: the same figures as the
    status_changes query and the matrix's comparison (cells per feature and hardware)."""
    out = [f"{len(changes)} status change(s), {len(added)} added, {len(removed)} removed from {old} to {new}"
           + (":" if changes or added or removed else "")]
    for c in changes:
        on = f" on {c.hardware}" if c.hardware else ""
        out.append(f"- {c.label}{on}: {c.old} -> {c.new}")
        out += [f"    {old}: {e}" for e in c.old_evidence]
        out += [f"    {new}: {e}" for e in c.new_evidence]
    for title, items in (("added in " + new, added), ("removed in " + new, removed)):
        if items:
            out.append(f"{title}:")
            out += [f"- {label}{' on ' + hw if hw else ''}: {st}" for label, hw, st in items]
    return "\n".join(out)
