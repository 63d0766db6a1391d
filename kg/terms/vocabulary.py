"""The SKOS vocabulary of `ontology/vocabulary.ttl` as label tables and phrase patterns.

`load_vocabulary()` reads the Turtle file with rdflib into `Concept` records (IRI, scheme,
notation, preferred/alternative/hidden labels per language). `phrase_patterns()` turns them
into EntityRuler-style patterns (`{"label", "pattern", "id"}` with the concept IRI as `id`)
and `build_matcher()` into a spaCy PhraseMatcher keyed by the concept IRI. spaCy and rdflib
are imported inside the functions: `import kg.terms.vocabulary` stays cheap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg import config
from kg.errors import InputError

DEFAULT_BASE = "https://w3id.org/mindspore-kg/"
VOCABULARY_FILE = config.ONTOLOGY_DIR / "vocabulary.ttl"
LANGS = ("en", "zh")
SKOS = "http://www.w3.org/2004/02/skos/core#"

# scheme local name -> the label a matched span gets (EntityRuler `label`)
SCHEME_LABELS = {"features": "FEATURE", "hardware": "HARDWARE", "products": "PRODUCT"}


@dataclass
class Concept:
    iri: str
    scheme: str                                  # local name of its skos:ConceptScheme
    notation: str | None = None
    pref: dict[str, str] = field(default_factory=dict)          # lang -> label
    alt: dict[str, list[str]] = field(default_factory=dict)     # lang -> labels
    hidden: dict[str, list[str]] = field(default_factory=dict)  # lang -> labels (matched, never shown)

    @property
    def label(self) -> str:
        """English preferred label (what `features` lists)."""
        return self.pref.get("en") or next(iter(self.pref.values()), self.iri)

    @property
    def key(self) -> str:
        """Short name: the notation when there is one (hardware `Ascend910`), else the English label."""
        return self.notation or self.label

    def labels(self, lang: str) -> list[str]:
        """Every label to match in a text of `lang`: preferred, alternative, hidden, in that order."""
        out = [self.pref[lang]] if lang in self.pref else []
        out += self.alt.get(lang, []) + self.hidden.get(lang, [])
        return list(dict.fromkeys(out))


@dataclass
class Vocabulary:
    concepts: dict[str, Concept]                 # IRI -> concept
    path: str = ""

    def scheme(self, name: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.scheme == name]

    def by_notation(self, scheme: str) -> dict[str, Concept]:
        return {c.key: c for c in self.scheme(scheme)}

    def find_label(self, text: str, scheme: str | None = None) -> Concept | None:
        """The concept one of whose labels is `text` (case-insensitive), or None."""
        t = text.strip().lower()
        for c in self.concepts.values():
            if scheme and c.scheme != scheme:
                continue
            if any(t == lab.lower() for lang in LANGS for lab in c.labels(lang)):
                return c
        return None


def _rebase(iri: str, base: str) -> str:
    return base + iri[len(DEFAULT_BASE):] if base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE) else iri


def load_vocabulary(path: str | Path | None = None, base: str | None = None) -> Vocabulary:
    """Concepts of the SKOS vocabulary; IRIs rewritten to `base` (default: the configured base)."""
    path = Path(path) if path else VOCABULARY_FILE
    base = base or config.base_iri()
    return _load(str(path), base)


@lru_cache(maxsize=4)
def _load(path: str, base: str) -> Vocabulary:
    import rdflib
    from rdflib.namespace import RDF

    sk = rdflib.Namespace(SKOS)
    g = rdflib.Graph()
    try:
        g.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError("vocabulary file not found", path=path) from None
    except Exception as e:  # rdflib raises several parser exception types
        raise InputError(f"cannot parse the vocabulary: {e}", path=path) from None
    concepts: dict[str, Concept] = {}
    for s in g.subjects(RDF.type, sk.Concept):
        scheme_iri = g.value(s, sk.inScheme)
        scheme = str(scheme_iri).rstrip("/").rsplit("/", 1)[-1] if scheme_iri else ""
        notation = g.value(s, sk.notation)
        c = Concept(iri=_rebase(str(s), base), scheme=scheme, notation=str(notation) if notation else None)
        for prop, attr in ((sk.prefLabel, "pref"), (sk.altLabel, "alt"), (sk.hiddenLabel, "hidden")):
            for lit in sorted(g.objects(s, prop), key=str):
                lang = getattr(lit, "language", None) or "en"
                if attr == "pref":
                    c.pref[lang] = str(lit)
                else:
                    getattr(c, attr).setdefault(lang, []).append(str(lit))
        concepts[c.iri] = c
    return Vocabulary(concepts=dict(sorted(concepts.items())), path=path)


def phrase_patterns(vocab: Vocabulary, lang: str, schemes=tuple(SCHEME_LABELS)) -> list[dict]:
    """EntityRuler-style phrase patterns for texts of `lang`, the concept IRI as `id`.

    English labels are matched in Chinese texts too (they quote English names: `Ascend 910`)."""
    out = []
    for c in vocab.concepts.values():
        if c.scheme not in schemes:
            continue
        langs = (lang,) if lang == "en" else (lang, "en")
        for la in langs:
            for text in c.labels(la):
                out.append({"label": SCHEME_LABELS[c.scheme], "pattern": text, "id": c.iri})
    return out


def build_matcher(nlp, vocab: Vocabulary, lang: str, schemes=tuple(SCHEME_LABELS), attr: str = "LOWER"):
    """A PhraseMatcher over `nlp`'s vocab whose match ids are concept IRIs."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    by_id: dict[str, list] = {}
    for p in phrase_patterns(vocab, lang, schemes):
        by_id.setdefault(p["id"], []).append(nlp.make_doc(p["pattern"]))
    for iri, docs in by_id.items():
        matcher.add(iri, docs)
    return matcher
