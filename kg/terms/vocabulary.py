"""The SKOS vocabulary of `ontology/vocabulary.ttl` as label tables and phrase patterns.

`load_vocabulary()` reads it into `Concept` records (IRI, scheme, notation,
preferred/alternative/hidden labels per language). `phrase_patterns()` turns them into
EntityRuler-style patterns (`{"label", "pattern", "id"}` with the concept IRI as `id`;
kg.extract.matching makes spaCy PhraseMatchers of them).

The extraction reads the shipped vocabulary without an RDF library: `vocabulary.json` beside
this module is a snapshot of the concepts, stamped with the SHA-256 of the Turtle file it was
made from (`python -m kg.terms.generate` writes it, `--check` tells whether it is current;
a test keeps it so). A vocabulary file that is not the snapshot's (edited, or another path)
is parsed with rdflib instead, so the answer is always the Turtle file's.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from kg import config
from kg.errors import InputError
from kg.model import LANGUAGES
from kg.terms.iris import rebase_iri

DEFAULT_BASE = config.SETTINGS["base_iri"].default
VOCABULARY_FILE = config.ONTOLOGY_DIR / "vocabulary.ttl"
SUBJECTS_FILE = config.ONTOLOGY_DIR / "subjects.ttl"      # curated labels of minted claim subjects
SNAPSHOT_FILE = Path(__file__).resolve().parent / "vocabulary.json"
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
        """The concept one of whose labels is `text` (case-insensitive), or None (the first concept
        in vocabulary order when several share the label)."""
        index = self.__dict__.get("_label_index")
        if index is None:       # built on first use: (scheme, lower-case label) -> first concept
            index = {}
            for c in self.concepts.values():
                for lab in (lab for lang in LANGUAGES for lab in c.labels(lang)):
                    index.setdefault((c.scheme, lab.lower()), c)
                    index.setdefault((None, lab.lower()), c)
            self.__dict__["_label_index"] = index
        return index.get((scheme or None, text.strip().lower()))


def load_vocabulary(path: str | Path | None = None, base: str | None = None) -> Vocabulary:
    """Concepts of the SKOS vocabulary; IRIs rewritten to `base` (default: the configured base)."""
    path = Path(path) if path else VOCABULARY_FILE
    base = base or config.base_iri()
    return _load(str(path), base)


@lru_cache(maxsize=4)
def _load(path: str, base: str) -> Vocabulary:
    concepts = _snapshot_concepts(path)
    if concepts is None:
        concepts = _parse_concepts(path)
    rebased = {}
    for c in concepts:
        c.iri = rebase_iri(c.iri, base)
        rebased[c.iri] = c
    return Vocabulary(concepts=dict(sorted(rebased.items())), path=path)


def _digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _snapshot_concepts(path: str) -> list[Concept] | None:
    """The snapshot's concepts when it was made from exactly the file at `path`, else None."""
    try:
        snap = json.loads(SNAPSHOT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if snap.get("sha256") != _digest(path):
        return None
    return [Concept(**c) for c in snap["concepts"]]


def _parse_concepts(path: str) -> list[Concept]:
    """The concepts of a SKOS Turtle file, read with rdflib (IRIs as written)."""
    import rdflib  # noqa: PLC0415 - only when the file is not the snapshot's (see the docstring)
    from rdflib.namespace import RDF  # noqa: PLC0415

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
        c = Concept(iri=str(s), scheme=scheme, notation=str(notation) if notation else None)
        for prop, attr in ((sk.prefLabel, "pref"), (sk.altLabel, "alt"), (sk.hiddenLabel, "hidden")):
            for lit in sorted(g.objects(s, prop), key=str):
                lang = getattr(lit, "language", None) or "en"
                if attr == "pref":
                    c.pref[lang] = str(lit)
                else:
                    getattr(c, attr).setdefault(lang, []).append(str(lit))
        concepts[c.iri] = c
    return [concepts[k] for k in sorted(concepts)]


def snapshot_text(path: Path = VOCABULARY_FILE) -> str:
    """The snapshot of the vocabulary file at `path`, as `vocabulary.json` holds it."""
    concepts = [asdict(c) for c in _parse_concepts(str(path))]
    doc = {"source": "ontology/vocabulary.ttl", "sha256": _digest(str(path)), "concepts": concepts}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


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
