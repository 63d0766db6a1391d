"""Full-text search over the store's search index (kg.graph.search_index): features first, then
products, then entries, each ranked by FTS5's bm25. Flask-free: `/api/search`, the `/search` page
and `kg search` all call `search`.

A query is cut into words the way the index was (Chinese by jieba, the rest by FTS5's
`porter unicode61`, so "quantize" finds "quantization" and "loading" "load"); every word must
match (a Chinese word as a phrase of its segments). When nothing matches every word, any word
will do (`mode: "any"` in the answer). A feature whose label is the query itself comes first.
Each feature or product hit carries its current status, computed from its claims as the
support matrix does (the statuses of its latest release, or of the `release` asked for); the
entries of one question (in several releases, on moved pages, and an entry with its translation)
are one hit, showing the newest in the language asked (else the query's: Chinese words, Chinese)
with the newest of each language as its `versions`.
"""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from kg.errors import InputError, NotFound, StoreError
from kg.graph.search_index import CJK, COLUMNS, SCHEMA_VERSION, index_path, query_words, segment
from kg.lookup.documents import Lookups, _integer, feature_id
from kg.lookup.pages import STATUS_ORDER, excerpt, status_class
from kg.lookup.pages import _run as _page_rows

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_QUERY = 200          # characters of `q`
# blank as the OpenAPI document's pattern (\S, ECMA-262) sees it: its white space, no more
_BLANK = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")
WEIGHTS = ", ".join(str(w) for _, w in COLUMNS)
NO_INDEX = ("this store has no search index (it was built by an older kg, or loaded with `kg load`): "
            "rebuild it with `kg build`")


def open_index(store: str | Path | None) -> sqlite3.Connection:
    """The store's search index, opened read-only (the file never changes: a rebuild swaps in a
    new store directory with its own index). NotFound when the store has none."""
    path = index_path(store) if store else None
    if path is None or not path.is_file():
        raise NotFound(NO_INDEX)
    try:
        db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1", uri=True,
                             check_same_thread=False)
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error as e:
        raise StoreError(f"cannot read the search index: {e}", path=str(path)) from None
    if version is None or version[0] != str(SCHEMA_VERSION):
        db.close()
        raise NotFound(f"the search index of this store is of another kg version: {NO_INDEX.split(': ', 1)[1]}")
    return db


def match_expression(words: list[list[str]], every: bool = True) -> str:
    """The FTS5 query of `words` (kg.graph.search_index.query_words): each word quoted (a
    Chinese word as the phrase of its segments as the index cut them: search mode, so a long
    word follows its parts, as in "训练 系列 产品 系列产品" for 训练系列产品), all required
    (`every`) or any of them."""
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'
    if every:
        return " AND ".join(quoted(segment("".join(w)).strip() if len(w) > 1 else w[0]) for w in words)
    return " OR ".join(dict.fromkeys(quoted(t) for w in words for t in w))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def search(lookups: Lookups, store: str | Path | None, q: str | None = None, *, release: str | None = None,
           lang: str | None = None, limit: str | int | None = None) -> dict:
    """Search the store's index for `q`: {query, mode, features, products, entries, total}, each
    list at most `limit` hits (default 20, at most 100) in rank order. `release` keeps the features
    and products with claims in that release (their status is then that release's) and its entries;
    `lang` keeps the entries in that language and picks the labels shown (default: entries of both
    languages, English labels). InputError (400) names a bad parameter."""
    if q is None or _BLANK.fullmatch(q):
        raise InputError("parameter 'q' is required: the words to search for (e.g. q=hot+loading)")
    if len(q) > MAX_QUERY:
        raise InputError(f"parameter 'q': at most {MAX_QUERY} characters, not {len(q)}")
    release = lookups.check("release", release)
    shown = lookups.check_lang(lang)
    lang = shown if lang is not None else None
    size = _integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT)
    words = query_words(q)
    query = {"q": q, **({"release": release} if release else {}), **({"lang": lang} if lang else {}),
             "limit": size}
    out = {"query": query, "mode": "all", "total": 0, "counts": {"features": 0, "products": 0, "entries": 0},
           "hardware": [], "features": [], "products": [], "entries": []}
    if not words:
        return out
    db = open_index(store)
    try:
        for every in (True, False):
            hits = _hits(db, match_expression(words, every), release, lang, size)
            if any(total for total, _ in hits.values()) or len(words) == 1 and len(words[0]) == 1:
                break
        out["mode"] = "all" if every else "any"
        out["hardware"] = named_hardware(db, words)
        labels = _labels(db, [f for group in hits["entry"][1] for r in group for f in r["data"]["features"]])
    finally:
        db.close()
    needle = _norm(q)
    for kind, key in (("feature", "features"), ("product", "products")):
        total, rows = hits[kind]
        concepts = [_concept(r, needle, shown) for r in rows]
        concepts.sort(key=lambda c: (not c["exact"], c["score"]))
        for c in concepts[:size]:
            c["status"] = current_status(lookups, c["iri"], release) if c.pop("claims") else None
        out[key] = concepts[:size]
        out["total"] += total
    total, rows = hits["entry"]
    first = lang or ("zh" if re.search(f"[{CJK}]", q) else "en")
    out["entries"] = [_entry(group, labels, shown, words, first) for group in rows]
    out["total"] += total
    out["counts"] = {key: hits[kind][0] for kind, key in (("feature", "features"), ("product", "products"),
                                                        ("entry", "entries"))}
    return out


def named_hardware(db, words: list[list[str]]) -> list[dict]:
    """The hardware the query names: those one of whose own names (the vocabulary's labels,
    kept in the index's meta) holds every word of it, as {hardware, name}. Its claims are
    indexed under all its names, so the hits include what is stated about it."""
    row = db.execute("SELECT value FROM meta WHERE key = 'hardware'").fetchone()
    wanted = {t.casefold() for w in words for t in w}
    typed, chinese = _norm(" ".join("".join(w) for w in words)), any(re.match(f"[{CJK}]", w[0]) for w in words)

    def fit(name: str) -> tuple:  # the name shown: as typed, in the query's script, shortest, lower case
        return (typed not in _norm(name), bool(re.search(f"[{CJK}]", name)) != chinese, len(name),
                -sum(c.islower() for c in name), name)
    out = []
    for h in json.loads(row[0]) if row else []:
        names = [n for n in h["names"] if wanted <= set(re.findall(r"\w+", segment(n).casefold()))]
        if names:
            out.append({"hardware": h["notation"], "name": min(names, key=fit)})
    return out


def _filters(release: str | None, lang: str | None, kind: str) -> tuple[str, list]:
    sql, args = "", []
    if kind == "entry":
        if release:
            sql, args = sql + " AND i.release = ?", args + [release]
        if lang:
            sql, args = sql + " AND i.lang = ?", args + [lang]
    elif release:
        sql, args = " AND instr(i.releases, ?) > 0", [f" {release} "]
    return sql, args


def _hits(db, match: str, release: str | None, lang: str | None, size: int) -> dict:
    """{kind: (total, rows)}: every feature and product hit (they are few; ranked in Python), and
    the `size` best entry questions, each the list of its matching entries, newest first."""
    out = {}
    hits = (f"WITH h AS MATERIALIZED (SELECT rowid AS id, bm25(search, {WEIGHTS}) AS score FROM search "
            "WHERE search MATCH ?), hits AS (SELECT i.id, i.grp, h.score FROM h JOIN items i ON i.id = h.id "
            "WHERE i.kind = ?{where}) ")
    try:
        for kind in ("feature", "product"):
            where, args = _filters(release, lang, kind)
            rows = db.execute(hits.format(where=where) + "SELECT hits.score, i.ref, i.data FROM hits JOIN items i "
                              "ON i.id = hits.id ORDER BY hits.score, i.ref", [match, kind, *args]).fetchall()
            out[kind] = (len(rows), [{"score": s, "ref": ref, "data": json.loads(d)} for s, ref, d in rows])
        where, args = _filters(release, lang, "entry")
        entries, args = hits.format(where=where), [match, "entry", *args]
        total = db.execute(entries + "SELECT COUNT(DISTINCT grp) FROM hits", args).fetchone()[0]
        best = db.execute(entries + "SELECT grp, MIN(score) AS best FROM hits GROUP BY grp ORDER BY best, grp "
                          "LIMIT ?", [*args, size]).fetchall()
        groups = {grp: [] for grp, _ in best}
        if groups:
            marks = ", ".join("?" * len(groups))
            for score, ref, rel, rel_order, lng, data, grp in db.execute(
                    entries + "SELECT hits.score, i.ref, i.release, i.rel_order, i.lang, i.data, i.grp FROM hits "
                    f"JOIN items i ON i.id = hits.id WHERE hits.grp IN ({marks}) ORDER BY i.rel_order DESC, i.ref",
                    [*args, *groups]):
                groups[grp].append({"score": score, "ref": ref, "release": rel, "order": rel_order, "lang": lng,
                                    "data": json.loads(data)})
        out["entry"] = (total, list(groups.values()))
    except sqlite3.OperationalError as e:  # a query FTS5 cannot parse (quoted above: should not happen)
        raise InputError(f"parameter 'q': cannot search for {match!r}: {e}") from None
    return out


def _labels(db, iris: list[str]) -> dict[str, dict]:
    """{IRI: labels by language} of the concepts entries are about."""
    iris = list(dict.fromkeys(iris))
    found = {}
    for start in range(0, len(iris), 500):
        part = iris[start:start + 500]
        for ref, data in db.execute(f"SELECT ref, data FROM items WHERE kind != 'entry' AND ref IN "
                                    f"({', '.join('?' * len(part))})", part):
            d = json.loads(data)
            found[ref] = {"labels": d["labels"], "claims": d.get("claims", False)}
    return found


def _label(labels: dict, lang: str, iri: str) -> str:
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), None) or \
        iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")


def _concept(row: dict, needle: str, lang: str) -> dict:
    d, iri = row["data"], row["ref"]
    names = list(d["labels"].values()) + d["alt"]
    return {"id": feature_id(iri), "iri": iri, "type": d["type"], "label": _label(d["labels"], lang, iri),
            "labels": d["labels"], "altLabels": d["alt"],
            "broader": ({"id": feature_id(d["broader"]), "label": _label(d["broaderLabels"], lang, d["broader"])}
                        if d.get("broader") else None),
            "synonyms": [feature_id(s) for s in d.get("synonyms", [])],
            "exact": any(_norm(n) == needle for n in names), "score": round(row["score"], 4),
            "claims": d.get("claims", False)}


def _releases(group: list[dict]) -> list[str]:
    return list(dict.fromkeys(g["release"] for g in sorted(group, key=lambda g: g["order"] or -1) if g["release"]))


def _entry(group: list[dict], labels: dict, lang: str, words: list[list[str]], first: str) -> dict:
    """One question's hit (its matching entries, newest first): the newest entry in language
    `first` (else the newest), with the releases and languages of all of them, and the newest
    entry of each language as its `versions`."""
    top = next((g for g in group if g["lang"] == first), group[0])
    d = top["data"]
    versions = []
    for language in sorted({g["lang"] for g in group}, key=lambda x: (x != top["lang"], x)):
        mine = [g for g in group if g["lang"] == language]
        v = mine[0]
        versions.append({"lang": language, "entry": v["ref"], "question": v["data"]["question"],
                         "release": v["release"], "releases": _releases(mine), "source": v["data"].get("source"),
                         "line": v["data"].get("line"), "upstream": v["data"].get("upstream")})
    return {"entry": top["ref"], "question": d["question"], "lang": top["lang"], "release": top["release"],
            "releases": _releases(group), "languages": [v["lang"] for v in versions], "versions": versions,
            "source": d.get("source"), "n": d.get("n"), "line": d.get("line"), "upstream": d.get("upstream"),
            "excerpt": excerpt(d["text"], _first_match(d["text"], words)),
            "features": [{"id": feature_id(f), "iri": f, "label": _label(labels[f]["labels"], lang, f),
                          "claims": labels[f]["claims"]}
                         for f in d["features"] if f in labels][:5],
            "score": round(min(g["score"] for g in group), 4)}


def _first_match(text: str, words: list[list[str]]) -> str | None:
    """The first place in `text` a query word (an English word by its first letters, so
    "quantize" marks "quantization") appears, as the text there."""
    best = None
    for w in words:
        token = "".join(w) if len(w) > 1 else w[0]
        if token.isascii() and len(token) > 5:
            token = token[:max(4, len(token) - 3)]
        m = re.search(re.escape(token), text, re.IGNORECASE)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    end = best.end()
    while end < len(text) and text[end].isalnum() and text[end].isascii():
        end += 1  # the whole English word
    return text[best.start():end]


def current_status(lookups: Lookups, iri: str, release: str | None = None) -> dict | None:
    """The status of a concept as the support matrix shows it: the statuses of its own claims
    (not its limitations') in its latest numbered release with any (master when it has no other),
    or in `release`; overall and per hardware ("" for the claims naming none)."""
    rows = _page_rows(lookups.run, "subject_statuses", subject=iri, release=release)
    if not rows:
        return None
    numbered = [r for r in rows if r["releaseName"] != "master"] or rows
    latest = max(int(r["order"]) for r in numbered)
    rows = [r for r in numbered if int(r["order"]) == latest]
    by_hw: dict[str, set] = {}
    for r in rows:
        by_hw.setdefault(r.get("hardware") or "", set()).add(r["status"])
    summary = _joined(s for v in by_hw.values() for s in v)
    return {"release": rows[0]["releaseName"], "summary": summary, "class": status_class(summary),
            "hardware": [{"hardware": hw or None, "status": _joined(st)} for hw, st in sorted(by_hw.items())]}


def _joined(statuses) -> str:
    return " ".join(sorted(set(statuses), key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else 9))

