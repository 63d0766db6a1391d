"""The one place IRIs are minted. Deterministic: the same kind and key give the same IRI."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from kg import config
from kg.terms.prefixes import PREFIXES

KINDS = ("feature", "hardware", "product", "status", "release", "page", "question",
         "answer", "statement", "component", "scheme", "candidate", "subject")


def slugify(text: str) -> str:
    """A readable, stable IRI segment: ASCII letters/digits/-/., other scripts percent-encoded."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = re.sub(r"[\s_/]+", "-", t)
    t = re.sub(r"[^\w.\-]", "", t)
    t = t.strip("-.") or "x"
    if re.fullmatch(r"[A-Za-z0-9.\-]+", t):
        return t
    return quote(t, safe="-.")


def digest(*parts: str, n: int = 12) -> str:
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:n]


def mint_iri(kind: str, *key: str, base: str | None = None) -> str:
    """IRI string for an individual of `kind` identified by `key` parts.

    feature/hardware/product/status/release/component/scheme/subject: one readable key.
    page: the page path with release and language removed (shared by all releases).
    question, answer, statement: key parts are hashed into a short stable id.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    base = base or config.base_iri()
    if kind in ("question", "answer", "statement", "page"):
        local = digest(*key)
    else:
        local = "/".join(slugify(k) for k in key)
    return f"{base}{kind}/{local}"


def rebase_iri(iri: str, base: str) -> str:
    """An IRI of the shipped Turtle (written with the default base) moved to `base`; the
    ontology namespace (…/ontology#) is the schema and stays as it is."""
    default = config.SETTINGS["base_iri"].default
    if base == default or not iri.startswith(default) or iri.startswith(default + "ontology#"):
        return iri
    return base + iri[len(default):]


def prefix_map(base: str | None = None) -> dict[str, str]:
    """The one prefix map of every RDF writer: the ontology's prefixes (ontology/kg.ttl), then
    one per IRI kind (`feature:` = <base>feature/ ...) under `base` (default: the configured one)."""
    base = base or config.base_iri()
    return {**PREFIXES, **{kind: f"{base}{kind}/" for kind in KINDS}}
