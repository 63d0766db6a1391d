"""What changed between two releases: the one definition the matrix's comparison, the named
queries status_changes and release_diff, and `kg diff` share.

A change is keyed by (feature, hardware), "" for the claims that name no hardware (the
feature's overall status). Each side is the set of statuses the claims of that release state
for the key, summarised as the matrix summarises a cell (the statuses in STATUS_ORDER,
space-separated: "supported partial"). A key is `added` when only the later release states
it, `removed` when only the earlier one does, `changed` when both do and the sets differ.
Both languages count (a zh entry and its English twin state the same claims); `lang` only
chooses which entries are quoted as evidence.

The SPARQL is queries/status_changes.rq (the changes) and queries/release_diff.rq (the same
changes with evidence for what is new and what is gone); this module reads their rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from kg import config
from kg.query.catalogue import load_catalogue

KINDS = ("changed", "added", "removed")


@lru_cache(maxsize=1)
def _public():
    return load_catalogue(config.QUERIES_DIR)


def _run(run, name: str, **values) -> list[dict]:
    """Rows of the public named query `name` (the app's catalogue when `run` carries one)."""
    catalogue = getattr(run, "catalogue", None) or _public()
    return run(catalogue.get(name), {k: v for k, v in values.items() if v is not None})


@dataclass
class Change:
    kind: str                # changed | added | removed
    feature: str             # IRI
    label: str
    hardware: str            # notation; "" for the overall status
    old: str                 # the earlier release's statuses ("" when added)
    new: str                 # the later release's ("" when removed)
    old_evidence: list[str] = field(default_factory=list)   # "source:line: sentence"
    new_evidence: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.feature, self.hardware)


def counts(changes: list[Change]) -> dict[str, int]:
    """{"changed": n, "added": n, "removed": n}."""
    return {k: sum(1 for c in changes if c.kind == k) for k in KINDS}


def release_changes(run, old: str, new: str, lang: str = "en") -> list[Change]:
    """The changes from release `old` to `new` (notations or IRIs), labels in `lang`, in
    label order (named query status_changes)."""
    rows = _run(run, "status_changes", **{"from": old, "to": new, "lang": lang})
    return [Change(r["change"], r["feature"], r.get("label", r["feature"]), r.get("hardware", ""),
                   r.get("oldStatus", ""), r.get("newStatus", "")) for r in rows]


def release_changes_with_evidence(run, old: str, new: str, lang: str | None = None) -> list[Change]:
    """The same changes, each with its evidence: the statements of `old` whose status `new` no
    longer states and those of `new` whose status `old` did not state (named query
    release_diff; `lang`: quote entries of that language only)."""
    changes: dict[tuple, Change] = {}
    for r in _run(run, "release_diff", **{"from": old, "to": new, "lang": lang}):
        key = (r["feature"], r.get("hardware", ""))
        c = changes.get(key)
        if c is None:
            c = changes[key] = Change(r["change"], r["feature"], r.get("label", r["feature"]), key[1],
                                      r.get("oldStatus", ""), r.get("newStatus", ""))
        for side, evidence in (("old", c.old_evidence), ("new", c.new_evidence)):
            if not r.get(side + "Source"):
                continue
            line = f"{r[side + 'Source']}:{r.get(side + 'Line', '?')}: {r.get(side + 'Evidence', '')}".rstrip(": ")
            if line not in evidence:
                evidence.append(line)
    return list(changes.values())
