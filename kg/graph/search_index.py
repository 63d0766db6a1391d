"""The full-text search index of a store: SQLite FTS5 beside the RDF, built by `kg build`.

The index is a file inside the store directory (`<store>/search.sqlite`), written into the
new store's temporary directory before the atomic swap (kg.store.build_store_atomically), so
a store and its index are one generation: a rebuild never pairs a new store with an old
index, and a build that fails or is killed leaves neither.

What is indexed, read back from the filled store (the .rq files of kg/graph/queries/):
features (vocabulary features, candidates, narrower subjects) and products, with their labels
in both languages (preferred and alternative), their broader concept's labels and the labels of
the features the FAQ asks the same question about (ontology/lexicon/search_synonyms.json);
and every entry (answer) with its question, its text and the labels of what it is about. Both
also carry, in a column of their own, every name of the hardware their claims name (the
vocabulary's labels of it and of its broader hardware: preferred, alternative and hidden, both
languages), so "Atlas 200" finds what is stated about Ascend 310 and "昇腾" what is stated about
any Ascend, though the text says "Ascend 310".
Entries are grouped (`grp`) by the English wording of their question (a Chinese entry's is its
translation's): one group is one question over releases, pages and both languages, one hit.

Text is tokenized by FTS5's `porter unicode61` (English stemmed: "quantize" and
"quantization" meet) after every run of Chinese characters is segmented into words by jieba
and written space-separated (`segment`); queries go through the same two steps
(kg.lookup.search).
"""
from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import jieba

from kg import config
from kg.errors import InputError
from kg.store import SEARCH_INDEX_FILE
from kg.terms.iris import mint_iri

INDEX_NAME = SEARCH_INDEX_FILE
SCHEMA_VERSION = 3
QUERIES_DIR = Path(__file__).resolve().parent / "queries"
SYNONYMS = "search_synonyms.json"
# the FTS5 columns and their bm25 weights: labels weigh most, then alternative labels, then
# what the row is about (broader concept, synonyms, an entry's features), the names of the
# hardware its claims name, then the body text
COLUMNS = (("title", 10.0), ("alt", 6.0), ("about", 2.0), ("hardware", 2.0), ("body", 1.0))
KIND_ORDER = ("candidate", "subject", "product", "vocabulary")  # a concept of two classes: the first
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK}]+")

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,          -- feature | product | entry
  ref TEXT NOT NULL,           -- the concept or answer IRI
  grp TEXT,                    -- entries: their question in English, normalised (question_key)
  lang TEXT,                   -- entries: their language
  release TEXT,                -- entries: their release
  rel_order INTEGER,           -- entries: the release's order
  releases TEXT,               -- concepts: ' r1.1 r1.2 ' (releases of claims about it)
  data TEXT NOT NULL           -- JSON: what a hit shows
);
CREATE INDEX items_kind ON items (kind, grp);
CREATE VIRTUAL TABLE search USING fts5({", ".join(c for c, _ in COLUMNS)}, tokenize='porter unicode61');
"""


@lru_cache(maxsize=1)
def _jieba():
    """jieba, quiet (its dictionary loads, in about a second, at the first cut)."""
    jieba.setLogLevel(60)
    return jieba


def segment(text: str) -> str:
    """`text` with each run of Chinese characters cut into words (jieba, search mode: long words
    also as their parts, no HMM guessing, so the same run always cuts the same way) separated
    by spaces; other text as it is (FTS5's unicode61 splits it, porter stems it)."""
    if not text or not _CJK_RUN.search(text):
        return text or ""
    jieba = _jieba()
    return _CJK_RUN.sub(lambda m: " " + " ".join(jieba.cut_for_search(m.group(), HMM=False)) + " ", text)


def query_words(text: str) -> list[list[str]]:
    """The words of a query, each as its tokens: a Chinese run cut by jieba (precise mode,
    no HMM) into a phrase of words, any other word on its own."""
    out: list[list[str]] = []
    for m in re.finditer(f"([{CJK}]+)|([^\\W{CJK}]+)", text):
        if m.group(1):
            out.append([w for w in _jieba().cut(m.group(1), HMM=False) if w.strip()])
        else:
            out.append([m.group(2)])
    return [w for w in out if w]


def index_path(store: str | Path) -> Path:
    return Path(store) / INDEX_NAME


def _query_text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store, name: str) -> list[dict]:
    """Solutions of one of kg/graph/queries/*.rq on the pyoxigraph `store` as {var: value}."""
    solutions = store.query(_query_text(name))
    names = [v.value for v in solutions.variables]
    return [{k: t.value for k in names if (t := s[k]) is not None} for s in solutions]


SYNONYM_KINDS = ("feature", "candidate", "subject")


def synonym_iri(ident: str) -> str:
    """The IRI a synonym id names: `hot-update` a vocabulary feature, `subject/<slug>` or
    `candidate/<slug>` a subject or candidate feature."""
    kind, _, slug = ident.rpartition("/")
    return mint_iri(kind or "feature", slug)


def load_synonyms(path: str | Path | None = None) -> list[list[str]]:
    """The synonym groups (lists of feature ids, see synonym_iri) of
    ontology/lexicon/search_synonyms.json."""
    p = Path(path) if path else config.LEXICON_DIR / SYNONYMS
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
        groups = [list(g["features"]) for g in doc["groups"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"cannot read the search synonyms: {e}", path=str(p)) from None
    for g in groups:
        if len(g) < 2 or not all(isinstance(f, str) and f for f in g):
            raise InputError(f"a synonym group needs two feature ids or more, not {g!r}", path=str(p))
        bad = [f for f in g if f.count("/") > 1 or f.rpartition("/")[0] not in ("", *SYNONYM_KINDS)]
        if bad:
            raise InputError(f"synonym ids are a feature slug or {', '.join(k + '/<slug>' for k in SYNONYM_KINDS)}"
                             f", not {bad[0]!r}", path=str(p))
    return groups


def question_key(question: str) -> str:
    """A question's wording without case, punctuation or spacing: the entries of one question
    (over releases and pages; an entry and its translation under the English one) share it."""
    return " ".join(re.sub(r"[\W_]+", " ", question.casefold()).split())


def _concepts(store, base: str) -> dict[str, dict]:
    """{IRI: {kind, labels: {lang: pref}, alt: [labels], broader, releases}} of every concept."""
    concepts: dict[str, dict] = {}
    for r in _rows(store, "search_concepts"):
        c = concepts.setdefault(r["concept"], {"kinds": set(), "labels": {}, "alt": [], "broader": None,
                                               "releases": set()})
        c["kinds"].add(r["kind"])
        if r.get("broader"):
            c["broader"] = r["broader"]
        label, lang = r.get("label"), r.get("labelLang")
        if label and r.get("labelKind") == "pref":
            c["labels"].setdefault(lang or "en", label)
        elif label and label not in c["alt"]:
            c["alt"].append(label)
    for r in _rows(store, "search_concept_releases"):
        if r["concept"] in concepts:
            concepts[r["concept"]]["releases"].add(r["release"])
    for c in concepts.values():
        c["kind"] = next(k for k in KIND_ORDER if k in c["kinds"])
    return concepts


def _hardware_names(store) -> tuple[dict[str, list[str]], list[dict]]:
    """({answer or concept IRI: the names of the hardware its claims name}, [{notation, names}:
    each hardware with its own names]) (kg/graph/queries/search_hardware_names.rq,
    search_claim_hardware.rq)."""
    names: dict[str, dict[str, None]] = {}
    own: dict[str, dict] = {}
    for r in sorted(_rows(store, "search_hardware_names"), key=lambda r: (r["hardware"], r["name"])):
        names.setdefault(r["hardware"], {})[r["name"]] = None
        if r.get("own") == "true":
            own.setdefault(r["hardware"], {"notation": r["notation"], "names": {}})["names"][r["name"]] = None
    about: dict[str, dict[str, None]] = {}
    for r in sorted(_rows(store, "search_claim_hardware"), key=lambda r: (r["about"], r["hardware"])):
        about.setdefault(r["about"], {}).update(names.get(r["hardware"], {}))
    return ({iri: list(n) for iri, n in about.items()},
            [{"notation": h["notation"], "names": list(h["names"])} for _, h in sorted(own.items())])


def _names(c: dict | None) -> list[str]:
    """Every label of a concept (preferred first)."""
    return [] if c is None else list(dict.fromkeys(list(c["labels"].values()) + c["alt"]))


def build_search_index(store, directory: str | Path, *, synonyms: list[list[str]] | None = None) -> dict:
    """Write the search index of the filled pyoxigraph `store` into `directory` (the new store's
    folder, before its swap) as INDEX_NAME. Returns its counts {features, products, entries}."""
    base = config.base_iri()
    concepts = _concepts(store, base)
    hardware, named = _hardware_names(store)
    groups = load_synonyms() if synonyms is None else synonyms
    same: dict[str, set[str]] = {}
    for g in groups:
        iris = {synonym_iri(f) for f in g}
        for iri in iris:
            same.setdefault(iri, set()).update(iris - {iri})
    path = Path(directory) / INDEX_NAME
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        counts = {"features": 0, "products": 0, "entries": 0}
        items, texts = [], []
        for iri, c in sorted(concepts.items()):
            kind = "product" if c["kind"] == "product" else "feature"
            counts["features" if kind == "feature" else "products"] += 1
            broader = concepts.get(c["broader"]) if c["broader"] else None
            others = [n for s in sorted(same.get(iri, ())) for n in _names(concepts.get(s))]
            data = {"type": c["kind"], "labels": c["labels"], "alt": c["alt"], "broader": c["broader"],
                    "broaderLabels": broader["labels"] if broader else {},
                    "synonyms": sorted(same.get(iri, ())), "claims": bool(c["releases"])}
            items.append((kind, iri, None, None, None, None,
                          " " + " ".join(sorted(c["releases"])) + " ", data))
            texts.append((" ; ".join(c["labels"].values()), " ; ".join(c["alt"]),
                          " ; ".join(_names(broader) + others), " ; ".join(hardware.get(iri, ())), ""))
        about: dict[str, list[tuple[bool, str]]] = {}
        for r in _rows(store, "search_entry_concepts"):
            about.setdefault(r["answer"], []).append((r.get("claim") != "true", r["concept"]))
        entries = {}
        for r in sorted(_rows(store, "search_entries"), key=lambda r: (r["answer"], r.get("twinQuestion", ""))):
            entries.setdefault(r["answer"], r)  # one row an entry (were it given two translations)
        for r in entries.values():
            counts["entries"] += 1
            asked = r["question"] if r["lang"] == "en" else r.get("twinQuestion") or r["question"]
            refs = [iri for _, iri in sorted(set(about.get(r["answer"], [])))]
            refs = list(dict.fromkeys(refs))
            features = [i for i in refs if i in concepts]
            words = [n for i in features for n in _names(concepts[i])]
            words += [n for i in features for s in sorted(same.get(i, ())) for n in _names(concepts.get(s))]
            data = {"question": r["question"], "text": r["text"], "source": r.get("source"),
                    "n": _int(r.get("n")), "line": _int(r.get("line")), "upstream": r.get("upstream"),
                    "features": features}
            items.append(("entry", r["answer"], question_key(asked), r["lang"], r.get("release"),
                          _int(r.get("order")), None, data))
            texts.append((r["question"], "", " ; ".join(dict.fromkeys(words)),
                          " ; ".join(hardware.get(r["answer"], ())), r["text"]))
        cache: dict[str, str] = {}

        def seg(t: str) -> str:
            if t not in cache:
                cache[t] = segment(t)
            return cache[t]

        db.executemany("INSERT INTO items (id, kind, ref, grp, lang, release, rel_order, releases, data) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, *row[:-1], json.dumps(row[-1], ensure_ascii=False)) for i, row in enumerate(items, 1)])
        db.executemany(f"INSERT INTO search (rowid, {', '.join(c for c, _ in COLUMNS)}) "
                       f"VALUES (?, {', '.join('?' for _ in COLUMNS)})",
                       [(i, *(seg(t) for t in row)) for i, row in enumerate(texts, 1)])
        db.execute("INSERT INTO search (search) VALUES ('optimize')")
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("version", str(SCHEMA_VERSION)), ("base", base), ("counts", json.dumps(counts)),
                        ("hardware", json.dumps(named, ensure_ascii=False))])
        db.commit()
    except BaseException:
        db.close()
        path.unlink(missing_ok=True)
        raise
    db.close()
    return counts


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
