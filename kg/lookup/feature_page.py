"""What the feature page shows, as plain Python data (no Flask here).

Same conventions as `kg.lookup.pages`: each function takes a `run` callable and runs
named queries (feature_history, feature_docs, support_matrix from `queries/`; labels
and entry texts from `kg/page_queries/`).
"""
from __future__ import annotations

import re
from collections import defaultdict

from kg.errors import InputError, NotFound
from kg.lookup.documents import labels_contain
from kg.lookup.history_picture import history_picture
from kg.lookup.pages import (
    OVERALL,
    STATUS_ORDER,
    _run,
    check_lang,
    display_label,
    excerpt,
    hardware_columns,
    local_id,
    release_names,
    status_class,
)
from kg.query.catalogue import to_term
from kg.terms.iris import mint_iri


def _sort_status(statuses) -> list[str]:
    return sorted(set(statuses), key=lambda st: STATUS_ORDER.index(st) if st in STATUS_ORDER else 9)


def feature(run, ident: str, lang: str = "en", only_lang: str | None = None) -> dict:
    """One feature: labels in both languages, status per hardware per release (timeline),
    its evidence grouped by claim (hardware, status, entry) over the runs of releases that say
    it, its limitations, and the documentation URLs of its entries. `only_lang` keeps the
    entries of one language."""
    try:
        iri = to_term("feature", ident, "feature").value
    except InputError as e:
        raise NotFound(f"no feature {ident!r}: {e.message}") from None
    labels = [r for r in _run(run, "feature", feature=iri) if "label" in r]
    history = _run(run, "feature_history", feature=iri)
    subject = local_id(iri).startswith("subject/")
    if subject:  # a claim subject: its claims (limitations of the feature it is part of) are its evidence
        limits = _run(run, "claims", subject=iri, lang=lang)
    else:
        limits = [r for r in _run(run, "claims", feature=iri, lang=lang) if r.get("limitation") in (True, "true")]
    if not labels and not history and not limits:  # `feature` has rows for any skos:Concept: need one
        raise NotFound(f"no feature {ident!r} in the graph")
    pref = {r["labelLang"]: r["label"] for r in labels if r.get("labelKind") == "pref"}
    alt: dict[str, list[str]] = defaultdict(list)
    for r in labels:
        if r.get("labelKind") == "alt":
            alt[r["labelLang"]].append(r["label"])
    entries = {e["answer"]: e for e in _run(run, "feature_entries", feature=iri)}
    if only_lang:
        check_lang(only_lang)
        history = [h for h in history if entries.get(h["answer"], {}).get("lang") == only_lang]
        limits = [r for r in limits if r.get("entryLang") == only_lang]
    docs = _run(run, "feature_docs", feature=iri)
    columns = hardware_columns(run, lang)
    order = release_names(run)
    releases = [r for r in order if any(h["release"] == r for h in history)]
    timeline: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    evidence = []
    for h in history:
        hw = h.get("hardware", OVERALL)
        timeline[hw][h["release"]].append(h["status"])
        e = entries.get(h["answer"], {})
        evidence.append({**h, "hw": hw, "entry": e,
                         "excerpt": excerpt(e.get("text", ""), h.get("evidence"))})
    rows = []
    for hw in [OVERALL] + [c["notation"] for c in columns]:
        if hw in timeline:
            cells = {}
            for rel, sts in timeline[hw].items():
                status = " ".join(_sort_status(sts))
                cells[rel] = {"status": status, "class": status_class(status)}
            rows.append({"hardware": hw, "cells": cells})
    candidate = any(r.get("scheme") == mint_iri("scheme", "candidates") for r in labels)
    return {
        "iri": iri, "id": local_id(iri), "candidate": candidate or ident.startswith("candidate/"),
        "subject": subject, "part_of": _part_of(limits) if subject else None,
        "label": pref.get(lang) or pref.get("en") or pref.get("zh") or display_label(None, iri),
        "pref": pref, "alt": dict(alt), "releases": releases, "timeline": rows,
        "picture": history_picture(rows, releases),
        "evidence": evidence, "groups": _groups(evidence, order, lang), "docs": _unique_docs(docs, order),
        "only_lang": only_lang,
        "limitations": [{**r, "label": display_label(r.get("subjectLabel"), r["subject"])} for r in limits],
        "limitation_groups": _limit_groups(limits, order, lang),
        "languages": sorted({e.get("lang") for e in entries.values() if e.get("lang")}),
    }


def _part_of(claims: list[dict]) -> dict | None:
    """The feature a subject's claims are limitations of (the first, by label), as {id, label}."""
    features = sorted({(r["featureLabel"], r["feature"]) for r in claims if r.get("feature")})
    return {"id": local_id(features[0][1]), "label": features[0][0]} if features else None


def feature_list(run, lang: str = "en", q: str | None = None) -> dict:
    """Every feature claims are about (or that has limitations), with its kind and counts;
    `q` keeps those one of whose labels (any language, preferred or alternative) contains it,
    case-insensitively."""
    check_lang(lang)
    rows = _run(run, "feature_list", lang=lang)
    items = []
    for r in rows:
        labels = [x for x in (r.get("labels") or "").split("\u001f") if x]
        if not labels_contain(labels + [r["label"]], q):
            continue
        items.append({"id": local_id(r["feature"]), "iri": r["feature"], "kind": r["kind"],
                      "label": display_label(r.get("label"), r["feature"]),
                      "others": [x for x in labels if x != r.get("label")],
                      "claims": int(r.get("claims") or 0), "limitations": int(r.get("limitations") or 0),
                      "releases": int(r.get("releases") or 0)})
    return {"lang": lang, "q": q or "", "features": items, "total": len(rows)}


def resolve_feature(run, ident: str) -> str | None:
    """The id of the feature `ident` names when it is no id as written: an id in another case
    ("AUTO-PARALLEL") or one of the feature's labels in either language ("自动并行"); else None."""
    wanted = ident.strip().casefold()
    for r in _run(run, "feature_list", lang="en"):
        fid = local_id(r["feature"])
        labels = [x for x in (r.get("labels") or "").split("\u001f") if x]
        if fid.casefold() == wanted or any(x.casefold() == wanted for x in labels):
            return fid
    return None


def _groups(evidence: list[dict], order: list[str], lang: str = "en") -> list[dict]:
    """The evidence as claims: one group per (hardware, status, question: the English one of an
    entry and its translation), with the languages and the runs of consecutive releases that say
    it ("r1.2-r2.2"), newest first; each shows the newest release's entry, in `lang` when it has one."""
    rank = {r: i for i, r in enumerate(order)}
    groups: dict[tuple, dict] = {}
    for e in evidence:
        entry = e.get("entry") or {}
        asked = entry.get("question") if entry.get("lang") == "en" else entry.get("twinQuestion")
        key = (e["hw"], e["status"], " ".join((asked or entry.get("question") or e["answer"]).casefold().split()))
        g = groups.setdefault(key, {"hw": e["hw"], "status": e["status"], "releases": set(), "langs": set(),
                                    "entries": [], "first": e})
        g["releases"].add(e["release"])
        g["langs"].add(e.get("entry", {}).get("lang") or "?")
        g["entries"].append(e)
        if (rank.get(e["release"], -1), _lang(e) == lang) > (rank.get(g["first"]["release"], -1),
                                                            _lang(g["first"]) == lang):
            g["first"] = e      # the newest release's wording is shown, in the page's language
    out = []
    for g in groups.values():
        rels = sorted(g["releases"], key=lambda r: rank.get(r, -1))
        g["runs"] = _runs(rels, rank)
        g["langs"] = sorted(g["langs"])
        g["newest"] = rank.get(rels[-1], -1)
        out.append(g)
    out.sort(key=lambda g: (-g["newest"], g["hw"], g["status"]))
    return out


def _limit_groups(limits: list[dict], order: list[str], lang: str = "en") -> list[dict]:
    """The limitations as claims, like the evidence (_groups): one group per (subject, status,
    hardware, condition) with the languages and the runs of releases that state it, the newest
    release's claim shown (in `lang` when it has one); newest first, then by subject."""
    rank = {r: i for i, r in enumerate(order)}
    groups: dict[tuple, dict] = {}
    for r in limits:
        key = (r["subject"], r["status"], r.get("hardware") or "", r.get("condition") or "")
        g = groups.setdefault(key, {"releases": set(), "langs": set(), "count": 0, "first": r})
        g["releases"].add(r["releaseName"])
        g["langs"].add(r.get("entryLang") or "?")
        g["count"] += 1
        if (rank.get(r["releaseName"], -1), r.get("entryLang") == lang) > (
                rank.get(g["first"]["releaseName"], -1), g["first"].get("entryLang") == lang):
            g["first"] = r
    out = []
    for g in groups.values():
        rels = sorted(g["releases"], key=lambda x: rank.get(x, -1))
        first = g["first"]
        out.append({**first, "label": display_label(first.get("subjectLabel"), first["subject"]),
                    "runs": _runs(rels, rank), "langs": sorted(g["langs"]), "count": g["count"],
                    "newest": rank.get(rels[-1], -1)})
    out.sort(key=lambda g: (-g["newest"], g["label"].casefold(), g["status"], g.get("hardware") or ""))
    return out


def _lang(e: dict) -> str | None:
    return (e.get("entry") or {}).get("lang")


def _runs(releases: list[str], rank: dict[str, int]) -> list[str]:
    """Consecutive releases (in the graph's order) as "first-last" runs."""
    runs: list[list[str]] = []
    for r in releases:
        if runs and rank.get(r, -9) == rank.get(runs[-1][-1], -9) + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return [run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs]


_URL_RELEASE = re.compile(r"/(?:r\d+(?:\.\d+)*[a-z0-9]*|master)(?=/)")


def _unique_docs(docs: list[dict], order: list[str]) -> list[dict]:
    """Doc URLs once per documentation page: the versions of one page, whose URLs differ only by
    their release folder (`/r1.1/`, `/master/`), are one item showing the newest URL, with the
    runs of releases that give it (in order) and how many URLs there were."""
    rank = {r: i for i, r in enumerate(order)}
    by: dict[str, dict] = {}
    for d in docs:
        key = _URL_RELEASE.sub("/*", d["url"], count=1)
        u = by.setdefault(key, {"url": d["url"], "releases": set(), "urls": set(), "upstream": d.get("upstream"),
                                "newest": -2})
        u["releases"].add(d["release"])
        u["urls"].add(d["url"])
        if rank.get(d["release"], -1) > u["newest"]:
            u.update(url=d["url"], upstream=d.get("upstream"), newest=rank.get(d["release"], -1))
    out = []
    for u in by.values():
        rels = sorted(u.pop("releases"), key=lambda r: rank.get(r, -1))
        out.append({**u, "releases": rels, "runs": _runs(rels, rank), "versions": len(u.pop("urls"))})
    return out
