"""The REST lookups behind /api/*: named queries run and shaped into JSON documents.

Everything here is plain Python over a `run` callable, so the same code answers in
the server (through its query runner, with timeouts) and in tests or scripts
(`store_runner`, directly on a pyoxigraph store):

    run(query: NamedQuery, values: {parameter: text}) -> [{variable: plain value}]

Parameters are checked before anything runs: a value that is not a known hardware,
status, release or language is an InputError naming the parameter (HTTP 400); an
unknown feature id is NotFound (404).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

from kg import config
from kg.errors import InputError, NotFound
from kg.model import LANGUAGES
from kg.query.catalogue import Catalogue, NamedQuery, load_catalogue, run_named, solutions_to_dicts, to_term
from kg.terms.iris import mint_iri

# parameter -> vocabulary scheme whose notations it accepts
SCHEMES = {"hardware": "hardware", "status": "statuses", "release": "releases"}
# the internal queries of the lookups and pages (feature_list, entries, ...)
PAGE_QUERIES_DIR = Path(__file__).resolve().parent / "queries"


@lru_cache(maxsize=1)
def page_catalogue() -> Catalogue:
    """The named queries of kg/lookup/queries/ (the pages' and lookups' own)."""
    return load_catalogue(PAGE_QUERIES_DIR)


def labels_contain(labels, text: str | None) -> bool:
    """Whether one of `labels` contains `text`, case-insensitively (no text: always). The one
    definition of the /features filter box and `/api/features?q=`."""
    needle = (text or "").strip().casefold()
    return not needle or any(needle in x.casefold() for x in labels if x)


def store_runner(store) -> Callable:
    """A `run` callable answering on a pyoxigraph store in this process (tests, scripts)."""
    def run(query: NamedQuery, values: Mapping[str, str]) -> list[dict]:
        return solutions_to_dicts(run_named(store, query.name, values, _single(query)))

    return run


def pool_runner(runner, catalogue: Catalogue | None = None) -> Callable:
    """A `run` callable answering through the server's QueryRunner (worker processes,
    timeout, result cap): the workers send plain rows (no SPARQL JSON in between).
    `run.catalogue` is the app's catalogue of public named queries (its `queries_dir`),
    which the page lookups (kg.lookup.pages) take their public queries from."""

    def run(query: NamedQuery, values: Mapping[str, str]) -> list[dict]:
        return runner.rows(query.text, substitutions=query.bind(values))

    run.catalogue = catalogue
    return run


def _single(query: NamedQuery) -> Catalogue:
    return Catalogue({query.name: query})


def feature_id(iri: str) -> str:
    """The short id of a feature IRI: `mixed-precision`, `candidate/<slug>`, `subject/<slug>` (the
    ids /features/{id} takes), else the IRI."""
    base = config.base_iri()
    for kind, prefix in (("feature", ""), ("candidate", "candidate/"), ("subject", "subject/")):
        head = f"{base}{kind}/"
        if iri.startswith(head):
            return prefix + iri[len(head):]
    return iri


class Lookups:
    """The lookups of one store. Vocabulary notations are cached: the served store is
    read-only."""

    def __init__(self, run: Callable, catalogue: Catalogue | None = None):
        self.run = run
        self.catalogue = catalogue or load_catalogue()
        self._known: dict[str, dict[str, dict]] = {}

    def rows(self, name: str, values: Mapping[str, str] | None = None) -> list[dict]:
        return self.run(self.catalogue.get(name), values or {})

    # --- parameter checks --------------------------------------------------------

    def known(self, scheme: str) -> dict[str, dict]:
        """{notation: {iri, notation, label}} of a vocabulary scheme (cached)."""
        if scheme not in self._known:
            self._known[scheme] = {r["notation"]: {"iri": r["concept"], "notation": r["notation"],
                                                   "label": r.get("label")}
                                   for r in self.rows("concepts", {"scheme": scheme})
                                   if "notation" in r}
        return self._known[scheme]

    def check(self, param: str, value: str | None) -> str | None:
        """The canonical notation for a hardware/status/release value (notation in any
        case, or IRI); InputError naming `param` when the vocabulary has no such thing or the
        value is empty (the OpenAPI enum has no empty value)."""
        if value is None:
            return None
        _require_value(param, value)
        known = self.known(SCHEMES[param])
        for notation, c in known.items():
            if value == notation or value == c["iri"] or value.lower() == notation.lower():
                return notation
        raise InputError(f"parameter {param!r}: unknown {param} {value!r} "
                         f"(known: {', '.join(known)})")

    @staticmethod
    def check_lang(value: str | None) -> str:
        if value is None:
            return "en"
        _require_value("lang", value)
        if value.lower() not in LANGUAGES:
            raise InputError(f"parameter 'lang': {value!r} is not a language of the graph "
                             f"(use one of: {', '.join(LANGUAGES)})")
        return value.lower()

    # --- /api/features -------------------------------------------------------------

    def features(self, hardware: str | None = None, status: str | None = None,
                 release: str | None = None, lang: str | None = None,
                 feature: str | None = None, limit: str | int | None = None,
                 offset: str | int | None = None, evidence: str | None = None,
                 subject: str | None = None, q: str | None = None) -> dict:
        """Features with their statements (the claims about each feature itself), filtered; each
        with its evidence entries (`evidence="none"` leaves them out) and its `limitations`: the
        claims about narrower subjects, which never set the feature's statuses. `subject` keeps
        the claims about one subject (the feature's own when it is a feature). `q` keeps the
        features one of whose labels (either language, preferred or alternative) contains it, as
        the /features filter box does. `limit`/`offset` page through the features in their
        order; `total` counts them all."""
        lang = self.check_lang(lang)
        first = _integer("offset", offset, 0, 0, None)
        if first > MAX_OFFSET:
            raise InputError(f"parameter 'offset': {first} is out of range (at most {MAX_OFFSET})")
        size = _integer("limit", limit, None, 1, MAX_LIMIT)
        if evidence not in (None, "all", "none"):
            raise InputError(f"parameter 'evidence': {evidence!r} is not one of: all, none")
        if q is not None and len(q) > MAX_TEXT:
            raise InputError(f"parameter 'q': {len(q)} characters (at most {MAX_TEXT})")
        filters = {"hardware": self.check("hardware", hardware),
                   "status": self.check("status", status),
                   "release": self.check("release", release)}
        values = {k: v for k, v in filters.items() if v}
        if feature:
            values["feature"] = feature
        values["lang"] = lang
        about = None
        if subject is not None:
            _require_value("subject", subject)
            about = to_term("feature", subject, "subject").value if _names_a_feature(subject) else ""
        by_feature: dict[str, dict] = {}

        def entry_for(iri: str, label: str | None) -> dict:
            if iri not in by_feature:
                by_feature[iri] = {"id": feature_id(iri), "iri": iri, "subject": iri, "label": label,
                                   "lang": lang, "statuses": [], "hardware": [], "releases": [], "evidence": [],
                                   "limitations": []}
            return by_feature[iri]

        wanted = _names_a_feature(feature) and about != ""
        for r in self.rows("feature_statements", values) if wanted else []:
            if about is not None and r["feature"] != about:
                continue
            f = entry_for(r["feature"], r.get("label"))
            hw = self._notation("hardware", r.get("statementHardware"))
            _add(f["statuses"], r["statusName"])
            if hw:
                _add(f["hardware"], hw)
            _add(f["releases"], r["releaseName"])
            f["evidence"].append({
                "statement": r["statement"], "status": r["statusName"], "hardware": hw,
                "release": r["releaseName"], "text": r.get("evidence"), "entry": r["answer"],
                "source": r.get("source"), "n": r.get("n"), "line": r.get("line"),
                "upstream": r.get("upstream")})
        if wanted:
            self._add_limitations(entry_for, values, filters, about)
        features = list(by_feature.values())
        if (q or "").strip():
            named = self.features_named(q)
            features = [f for f in features if f["iri"] in named]
        page = features[first:first + size if size is not None else None]
        if evidence == "none":
            for f in page:
                del f["evidence"]
        asked = {**{k: v for k, v in filters.items() if v}, "lang": lang}
        if (q or "").strip():
            asked["q"] = q.strip()
        out = {"query": asked,
               "count": len(page), "total": len(features), "offset": first, "features": page}
        if size is not None:
            out["limit"] = size
        return out

    def features_named(self, text: str) -> set[str]:
        """The IRIs of the features one of whose labels (any language, preferred or alternative)
        contains `text`, case-insensitively."""
        rows = self.run(page_catalogue().get("feature_list"), {"lang": "en"})
        return {r["feature"] for r in rows
                if labels_contain((r.get("labels") or "").split("\u001f") + [r.get("label")], text)}

    def _add_limitations(self, entry_for, values: dict, filters: dict, about: str | None) -> None:
        """The claims about subjects narrower than a feature, as that feature's `limitations`
        (same filters: release, language, hardware or narrower, status; `about`: one subject)."""
        query = {k: values[k] for k in ("feature", "release", "lang") if k in values}
        hardware = self._with_narrower(filters["hardware"]) if filters["hardware"] else None
        for r in self.rows("claims", query):
            if r.get("limitation") not in (True, "true") or (about is not None and r["subject"] != about):
                continue
            if (hardware is not None and r.get("hardware") not in hardware) or \
                    (filters["status"] and r["status"] != filters["status"]):
                continue
            f = entry_for(r["feature"], r.get("featureLabel"))
            f["limitations"].append({
                "claim": r["claim"], "subject": r["subject"], "label": r.get("subjectLabel"),
                "status": r["status"], "hardware": r.get("hardware"), "condition": r.get("condition"),
                "release": r["releaseName"], "text": r.get("evidence"), "entry": r["answer"],
                "source": r.get("source"), "n": r.get("n"), "line": r.get("line")})

    def _with_narrower(self, notation: str) -> set[str]:
        """A hardware notation and those of the hardware under it (Ascend: Ascend910, Ascend310)."""
        return {notation} | {r["notation"] for r in self.rows("hardware", {"lang": "en"})
                             if r.get("broader") == notation}

    def _notation(self, param: str, iri: str | None) -> str | None:
        if iri is None:
            return None
        for notation, c in self.known(SCHEMES[param]).items():
            if c["iri"] == iri:
                return notation
        return iri

    # --- /api/features/<id> -------------------------------------------------------------

    def feature(self, fid: str, lang: str | None = None) -> dict:
        """One feature: labels, scheme, history across releases (release order), doc URLs."""
        lang = self.check_lang(lang)
        try:
            iri = to_term("feature", fid, "id").value
        except InputError:
            raise NotFound(f"no feature {fid!r}") from None
        labels = self.rows("feature", {"feature": iri})
        if not labels:
            raise NotFound(f"no feature {fid!r} (see /api/features for the known ones)")
        pref = {r["labelLang"]: r["label"] for r in labels
                if r.get("labelKind") == "pref" and r.get("labelLang")}
        alt: dict[str, list] = {}
        for r in labels:
            if r.get("labelKind") == "alt" and r.get("labelLang"):
                _add(alt.setdefault(r["labelLang"], []), r["label"])
        history: list[dict] = []
        for r in self.rows("feature_history", {"feature": iri}):
            if not history or history[-1]["release"] != r["release"]:
                history.append({"release": r["release"], "order": r["order"], "statements": []})
            history[-1]["statements"].append({
                "status": r["status"], "hardware": r.get("hardware"), "text": r.get("evidence"),
                "entry": r["answer"], "source": r.get("source"), "n": r.get("n"),
                "line": r.get("line"), "upstream": r.get("upstream")})
        docs = [{"url": r["url"], "release": r["release"], "entry": r["answer"],
                 "source": r.get("source"), "n": r.get("n")}
                for r in self.rows("feature_docs", {"feature": iri})]
        scheme = labels[0].get("scheme")
        return {"id": feature_id(iri), "iri": iri, "lang": lang,
                "label": pref.get(lang) or pref.get("en") or next(iter(pref.values()), fid),
                "labels": pref, "altLabels": alt,
                "candidate": scheme == mint_iri("scheme", "candidates"),
                "history": history, "docUrls": docs}

    # --- /api/hardware, /api/releases, /api/entries ---------------------------------------

    def hardware(self, lang: str | None = None) -> dict:
        lang = self.check_lang(lang)
        rows = self.rows("hardware", {"lang": lang})
        items = [{"id": r["notation"], "iri": r["hardware"], "label": r.get("label"),
                  "broader": r.get("broader"),
                  "narrower": [o["notation"] for o in rows if o.get("broader") == r["notation"]],
                  "statements": r.get("statements", 0)} for r in rows]
        return {"lang": lang, "count": len(items), "hardware": items}

    def releases(self, lang: str | None = None) -> dict:
        lang = self.check_lang(lang)
        items = [{"id": r["notation"], "iri": r["release"], "label": r.get("label"),
                  "order": r["order"], "previous": r.get("previous"),
                  "entries": r.get("entries", 0), "statements": r.get("statements", 0)}
                 for r in self.rows("releases", {"lang": lang})]
        return {"lang": lang, "count": len(items), "releases": items}

    def entries(self, source: str | None = None, page: str | None = None,
                release: str | None = None) -> dict:
        if not source and not page:
            raise InputError("parameter 'source' or 'page' is required (one of them, not empty): the FAQ "
                             "file, e.g. r1.2/docs/faq/source_en/installation.md, or its page path")
        values = {"source": source, "page": page, "release": self.check("release", release)}
        values = {k: v for k, v in values.items() if v}
        items = [{"entry": r["answer"], "source": r["source"], "page": r["page"],
                  "release": r["releaseName"], "n": r["n"], "line": r["line"],
                  "endLine": r.get("endLine"), "question": r["question"],
                  "status": r.get("status"), "upstream": r.get("upstream")}
                 for r in self.rows("page_entries", values)]
        if not items:
            what = " and ".join(f"{k} {v!r}" for k, v in values.items())
            raise NotFound(f"no entries for {what}")
        return {"query": values, "count": len(items), "entries": items}


MAX_LIMIT = 1000
MAX_TEXT = 200   # characters of `q` (the OpenAPI document's maxLength)
MAX_OFFSET = 1_000_000_000  # the OpenAPI document's maximum
_WHOLE = re.compile(r"[+-]?[0-9]+")


def _integer(name: str, value, default, low: int, high: int | None):
    """A whole-number parameter in [low, high] (text from a URL or an int), else InputError."""
    if value is None:
        return default
    if isinstance(value, str) and not _WHOLE.fullmatch(value):  # int() also takes " 5", "5_0", "٥"
        raise InputError(f"parameter {name!r}: {value!r} is not a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(f"parameter {name!r}: {value!r} is not a whole number") from None
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise InputError(f"parameter {name!r}: {number} is out of range ({bound})")
    return number


def _names_a_feature(value: str | None) -> bool:
    """False for a `feature` filter no feature id can match (not a slug or IRI): like an id no
    feature has, it matches nothing, since the document allows any text."""
    if not value:
        return True
    try:
        to_term("feature", value, "feature")
    except InputError:
        return False
    return True


def _require_value(name: str, value: str) -> None:
    """An enumerated parameter given empty (`?lang=`) is refused, not read as left out."""
    if value == "":
        raise InputError(f"parameter {name!r} is empty: give one of its values or leave it out")


def _add(items: list, value) -> None:
    if value not in items:
        items.append(value)
