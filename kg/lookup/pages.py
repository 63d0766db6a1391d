"""What the web pages show, as plain Python data (no Flask here).

Each function takes `run`, the callable of `kg.lookup.documents` (run(NamedQuery, substitutions)
-> kg.formats.Results: `kg.lookup.documents.store_runner` in tests, the server's query workers in
the app), and returns dicts/lists for a template. The
SPARQL lives in `.rq` files: the public named queries of `queries/` (support_matrix,
feature_statements, feature_history, feature_docs) and a few page-only ones in
`kg/lookup/queries/` (overview counts, entry texts, labels); both are run through
`kg.query.catalogue` with parameters bound as typed terms, never spliced into the text.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from urllib.parse import unquote

from kg import config
from kg.errors import InputError, NotFound
from kg.lookup.changes import counts as change_counts
from kg.lookup.changes import release_changes
from kg.lookup.documents import feature_id as local_id
from kg.lookup.documents import page_catalogue
from kg.model import LANGUAGES
from kg.query.catalogue import load_catalogue

STATUS_ORDER = ("supported", "partial", "planned", "unsupported", "n/a")
OVERALL = ""   # the matrix column of statements without hardware
EXCERPT = 280  # characters of answer text shown around the evidence


@lru_cache(maxsize=1)
def _public():
    return load_catalogue(config.QUERIES_DIR)


def _pages():
    return page_catalogue()


def _run(run, name: str, **values) -> list[dict]:
    """Rows of the named query `name` (page queries first, then the public ones: those of
    the app, `run.catalogue`, when the callable carries one, else the shipped queries/)."""
    catalogue = _pages() if name in _pages() else (getattr(run, "catalogue", None) or _public())
    return run(catalogue.get(name), {k: v for k, v in values.items() if v is not None})


def display_label(label: str | None, iri: str) -> str:
    """A feature's label for a page: the queried label, or (when the feature has no label
    in any language the query tried and it fell back to the IRI) its decoded slug."""
    if label and label != iri and not label.startswith(("http://", "https://")):
        return label
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1]).replace("-", " ")


def status_class(status: str) -> str:
    """CSS class of a status notation ("n/a" -> "status-n-a", several -> "status-mixed")."""
    if not status:
        return ""
    if " " in status:
        return "status-mixed"
    return "status-" + status.replace("/", "-")


# --- home ---------------------------------------------------------------------------

def overview(run) -> dict:
    """Releases (in order) with answers/statements per language, and totals."""
    rows = _run(run, "overview")
    releases: dict[str, dict] = {}
    for r in rows:
        rel = releases.setdefault(r["release"], {"release": r["release"], "order": r["order"],
                                                 "answers": {}, "statements": {}})
        rel["answers"][r["lang"]] = r["answers"]
        rel["statements"][r["lang"]] = r["statements"]
    counts = _run(run, "feature_count")[0]
    langs = sorted({r["lang"] for r in rows})
    return {
        "releases": list(releases.values()),
        "languages": langs,
        "answers": sum(r["answers"] for r in rows),
        "statements": sum(r["statements"] for r in rows),
        "features": counts.get("features", 0),
        "candidates": counts.get("candidates", 0),
        "triples": _run(run, "triple_count")[0]["triples"],
    }


def release_names(run) -> list[str]:
    """Releases that have entries, in release order."""
    return [r["release"] for r in _run(run, "release_list")]


def hardware_columns(run, lang: str = "en") -> list[dict]:
    """Matrix columns: each broader hardware followed by its narrower ones."""
    rows = _run(run, "hardware", lang=lang)
    order = ["Ascend", "GPU", "CPU", "NPU"]
    tops = sorted((r for r in rows if "broader" not in r),
                  key=lambda r: (order.index(r["notation"]) if r["notation"] in order else 99,
                                 r["notation"]))
    cols = []
    for t in tops:
        cols.append(t)
        cols.extend(r for r in rows if r.get("broader") == t["notation"])
    cols.extend(r for r in rows if r not in cols)
    return [{"notation": c["notation"], "iri": c["hardware"], "label": c.get("label", c["notation"]),
             "broader": c.get("broader")} for c in cols]


# --- the support matrix ------------------------------------------------------------------

def excerpt(text: str, evidence: str | None) -> dict:
    """The answer text cut to about EXCERPT characters around the evidence sentence, as
    {before, mark, after} (mark is the evidence, empty when it is not found in the text)."""
    start = text.find(evidence) if evidence else -1
    end = start + len(evidence) if start >= 0 else -1
    if start < 0:
        cut = text[:EXCERPT]
        return {"before": cut + ("…" if len(text) > EXCERPT else ""), "mark": "", "after": ""}
    room = max(0, (EXCERPT - (end - start)) // 2)
    a, b = max(0, start - room), min(len(text), end + room)
    return {"before": ("…" if a > 0 else "") + text[a:start], "mark": text[start:end],
            "after": text[end:b] + ("…" if b < len(text) else "")}


def _statements(run, release: str, lang: str, columns: list[dict]) -> list[dict]:
    """Statements of a release whose entries are in `lang`, joined with their entries."""
    stmts = _run(run, "feature_statements", release=release, lang=lang)
    if not stmts:
        return []
    release_iri = stmts[0]["release"]
    entries = _entries(_run(run, "release_entries", release=release_iri))
    hw = {c["iri"]: c["notation"] for c in columns}
    out = []
    for s in stmts:
        e = entries.get(s["answer"])
        if e is None or e["lang"] != lang:
            continue
        out.append({**s, "hw": hw.get(s.get("statementHardware"), OVERALL), "entry": e,
                    "excerpt": excerpt(e["text"], s.get("evidence"))})
    return out


def _entries(rows: list[dict]) -> dict[str, dict]:
    """Entries by answer IRI, each with `group`: the product the matrix files it under
    (a product the entry is about other than its page's component, else the component)."""
    entries: dict[str, dict] = {}
    for r in rows:
        e = entries.setdefault(r["answer"], {**r, "about": []})
        if r.get("aboutName") and r["aboutName"] not in e["about"]:
            e["about"].append(r["aboutName"])
    for e in entries.values():
        component = e.get("productName") or "MindSpore"
        others = sorted(a for a in e["about"] if a != component)
        e["group"] = others[0] if others else component
    return entries


def check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise InputError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")


def check_release(known: list[str], name: str, value: str | None) -> None:
    """NotFound unless `value` is one of the releases with entries (`known`)."""
    if value not in known:
        raise NotFound(f"{name}: no entries for release {value!r} "
                       f"(releases with entries: {', '.join(known)})")


def matrix(run, release: str, lang: str = "en", compare: str | None = None,
           known: list[str] | None = None) -> dict:
    """The support matrix of `release` for entries in `lang`: rows grouped by product,
    hardware columns, each cell with its statuses and evidence; with `compare`, what changed
    since that release (kg.lookup.changes: `changes`, `counts`) and the cells of those
    changes marked (`changed`: how many cells). `known`: the releases with entries,
    when the caller has them already."""
    check_lang(lang)
    known = release_names(run) if known is None else known
    for name, value in (("release", release), ("compare", compare)):
        if value:
            check_release(known, name, value)
    columns = hardware_columns(run, lang)
    cells = _cells(_statements(run, release, lang, columns))
    before = _cells(_statements(run, compare, lang, columns)) if compare else None
    groups: dict[str, dict[str, dict]] = defaultdict(dict)
    for (product, feature, hw), cell in cells.items():
        row = groups[product].setdefault(feature, {"feature": feature, "id": local_id(feature),
                                                   "label": cell["label"], "cells": {}})
        row["cells"][hw] = cell
    n = 0
    for rows in groups.values():
        for row in rows.values():
            for cell in row["cells"].values():
                n += 1
                cell["anchor"] = f"ev-{n}"
    changes = release_changes(run, compare, release, lang) if compare else []
    if compare:
        _mark_changes(groups, cells, before, {c.key: c for c in changes})
    _add_limitations(run, release, lang, groups)
    has_overall = any(OVERALL in row["cells"] for rows in groups.values() for row in rows.values())
    marked = {(row["feature"], hw) for rows in groups.values() for row in rows.values()
              for hw, c in row["cells"].items() if c.get("changed")}
    return {
        "release": release, "lang": lang, "compare": compare, "releases": known,
        "columns": columns, "overall": has_overall,
        "groups": [{"product": p, "rows": sorted(rows.values(), key=lambda r: r["label"].casefold())}
                   for p, rows in sorted(groups.items())],
        "changes": changes, "counts": change_counts(changes),
        "changed": len(marked),
        # changes whose entries are all in the other language: no cell of this matrix shows them
        "elsewhere": [c for c in changes if c.key not in marked],
    }


def _add_limitations(run, release: str, lang: str, groups) -> None:
    """Each row's `limitations`: the claims of the release about subjects narrower than its
    feature, from entries in `lang` (a feature with limitations only gets a row of its own, in
    the product group of the entry)."""
    rows = [r for r in _run(run, "claims", release=release, lang=lang)
            if r.get("limitation") in (True, "true") and r.get("entryLang") == lang]
    if not rows:
        return
    entries = _entries(_run(run, "release_entries", release=rows[0]["release"]))
    for r in rows:
        e = entries.get(r["answer"])
        if e is None:
            continue
        row = next((rs[r["feature"]] for rs in groups.values() if r["feature"] in rs), None)
        if row is None:
            row = groups[e["group"]][r["feature"]] = {
                "feature": r["feature"], "id": local_id(r["feature"]),
                "label": display_label(r.get("featureLabel"), r["feature"]), "cells": {}}
        row.setdefault("limitations", []).append({
            **r, "entry": e, "statusName": r["status"], "hw": r.get("hardware") or "",
            "label": display_label(r.get("subjectLabel"), r["subject"]),
            "excerpt": excerpt(e["text"], r.get("evidence"))})


def _cells(statements: list[dict]) -> dict[tuple, dict]:
    cells: dict[tuple, dict] = {}
    for s in statements:
        product = s["entry"]["group"]
        key = (product, s["feature"], s["hw"])
        cell = cells.setdefault(key, {"label": display_label(s.get("label"), s["feature"]),
                                      "statuses": [], "evidence": []})
        if s["statusName"] not in cell["statuses"]:
            cell["statuses"].append(s["statusName"])
        cell["evidence"].append(s)
    for cell in cells.values():
        cell["statuses"].sort(key=lambda st: STATUS_ORDER.index(st) if st in STATUS_ORDER else 9)
        cell["status"] = " ".join(cell["statuses"])
    return cells


def _mark_changes(groups, cells, before, changes) -> None:
    """Mark the cells of the changes (kg.lookup.changes, keyed by feature and hardware): each
    says what the compared release stated. A removed key keeps an empty cell where the compared
    release's entries in this language had one."""
    for (_product, feature, hw), cell in cells.items():
        change = changes.get((feature, hw))
        if change is not None:
            cell["changed"] = True
            cell["was"] = change.old or "none"
    for (product, feature, hw), old in before.items():
        change = changes.get((feature, hw))
        if (product, feature, hw) in cells or change is None or change.kind != "removed":
            continue
        row = groups[product].setdefault(feature, {"feature": feature, "id": local_id(feature),
                                                   "label": old["label"], "cells": {}})
        row["cells"][hw] = {"label": old["label"], "statuses": [], "status": "", "evidence": [],
                            "changed": True, "was": change.old, "anchor": None}
