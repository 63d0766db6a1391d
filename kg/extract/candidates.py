"""Candidate features: a readable label and a canonical key for each candidate text, and one
candidate concept per thing across the two languages of the corpus.

A candidate is what a question frame names when the question names no vocabulary feature
("Does MindSpore support X?" -> X, see `kg.extract.lexicon.Lexicon.candidate_of`). English texts are
cleaned into a short noun phrase (`candidate_label`) and reduced to a key (`candidate_key`:
lower case, determiners dropped, the head noun singular, a leading verb dropped) so that
near-duplicates share one concept `candidate/<slug of key>`.

In a build, a Chinese entry paired with its English twin (kg.extract.pairing) takes the twin's
English candidates; its own Chinese text becomes a zh label of that concept. A Chinese text
once paired that way maps to the same English concept wherever else it occurs
(`assign_candidates`). The word lists live in ontology/lexicon/candidate_terms.json.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from kg import config
from kg.errors import InputError
from kg.model import Entry, Extraction

TERMS_FILE = config.LEXICON_DIR / "candidate_terms.json"
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENDS = " \t`'\"“”‘’()（）[]【】<>《》.,;:!?。，；：！？、"
_OPEN, _CLOSE = "(（[【", ")）]】"
_ASIDE = re.compile(r"^[(\[【][^()\[\]【】]*[)\]】]\s*|\s*[(\[【][^()\[\]【】]*[)\]】]$")


@dataclass(frozen=True)
class Terms:
    leading_verbs: dict[str, str]       # verb (one or two words) -> gerund
    determiners: frozenset[str]
    leading: frozenset[str]           # dropped from the start of a label
    prepositions: frozenset[str]
    invariant: frozenset[str]


@lru_cache(maxsize=2)
def load_terms(path: str = str(TERMS_FILE)) -> Terms:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("candidate terms file not found", path=path) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path=path, line=e.lineno) from None
    try:
        return Terms({k.lower(): v for k, v in data["leading_verbs"].items()},
                     *(frozenset(w.lower() for w in data[k])
                       for k in ("determiners", "leading", "prepositions", "invariant")))
    except (KeyError, AttributeError, TypeError) as e:
        raise InputError(f"candidate terms: missing or malformed section {e}", path=path) from None


def is_english(text: str) -> bool:
    """Latin-script text (no CJK character)."""
    return not _CJK.search(text)


def clean_text(text: str) -> str:
    """NFKC, one space between words, no punctuation or quotes at the ends, no aside in
    brackets at either end, nothing before a closing bracket that has no opening one and
    nothing after an opening bracket that is never closed."""
    t = " ".join(unicodedata.normalize("NFKC", text).split())
    while True:
        before = t
        opened: list[int] = []
        for i, ch in enumerate(t):
            if ch in _OPEN:
                opened.append(i)
            elif ch in _CLOSE:
                if not opened:
                    t = t[i + 1:]
                    break
                opened.pop()
        else:
            if opened:
                t = t[:opened[0]]
        t = _ASIDE.sub("", t).strip(_ENDS)
        if t == before:
            return t


def singular(word: str, terms: Terms | None = None) -> str:
    """The singular of an English noun by simple rules ("layers" -> "layer", "libraries" ->
    "library", "patches" -> "patch", "caches" -> "cache"); words of the invariant list, short words and words that
    are not plain letters stay as they are."""
    terms = terms or load_terms()
    w = word.lower()
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():   # "GPUs", "NPUs"
        return word[:-1]
    if len(w) <= 3 or not w.isalpha() or w in terms.invariant or w.endswith(("ss", "us", "is", "ics")):
        return word
    if w.endswith("ies") and len(w) > 4:
        return word[:-3] + "y"
    if w.endswith(("sses", "xes", "shes", "tches", "nches", "rches")):
        return word[:-2]
    if w.endswith("s"):
        return word[:-1]
    return word


def _leading_verb(words: list[str], terms: Terms) -> int:
    """How many words at the start form a verb of the list (0, 1 or 2)."""
    low = [w.lower() for w in words[:2]]
    if len(low) == 2 and " ".join(low) in terms.leading_verbs:
        return 2
    return 1 if low and low[0] in terms.leading_verbs else 0


def candidate_label(text: str) -> str:
    """The readable label of a candidate: cleaned, case kept; English without a leading
    article or preposition, a leading verb in its gerund form ("calculate the variance" -> "calculating
    the variance")."""
    t = clean_text(text)
    if not is_english(t):
        return t
    terms = load_terms()
    words = t.split(" ")
    while len(words) > 1 and words[0].lower() in terms.leading:
        words.pop(0)
    n = _leading_verb(words, terms)
    if n and len(words) > n:
        words[:n] = [terms.leading_verbs[" ".join(w.lower() for w in words[:n])]]
    return " ".join(words)


def candidate_key(text: str) -> str:
    """The canonical key of a candidate (what its IRI is minted from): lower case; for
    English also determiners dropped, the head noun of each phrase (its last word before a
    preposition or the end) singular, and a leading verb or gerund dropped when a noun phrase follows it."""
    t = clean_text(text).casefold()
    if not is_english(t):
        return t
    terms = load_terms()
    words = t.split(" ")
    gerunds = set(terms.leading_verbs.values())
    n = _leading_verb(words, terms) or (1 if words[0] in gerunds else 0)
    if n and len(words) > n and words[n] not in terms.prepositions:
        words = words[n:]
    words = [w for w in words if w not in terms.determiners] or words
    for i, w in enumerate(words):   # the head (last word) of each phrase between prepositions
        if w not in terms.prepositions and (i + 1 == len(words) or words[i + 1] in terms.prepositions):
            words[i] = singular(w, terms)
    return " ".join(words)


@dataclass
class Assignment:
    """Candidate keys per entry (index of the build's input) and the texts naming each key."""
    keys: list[list[str]] = field(default_factory=list)
    texts: dict[str, Counter] = field(default_factory=dict)     # key -> Counter of labels

    def name(self, key: str, text: str) -> None:
        self.texts.setdefault(key, Counter())[text] += 1


def assign_candidates(pairs: Sequence[tuple[Entry, Extraction]],
                      translations: Sequence[tuple[int, int]] = ()) -> Assignment:
    """The candidate keys of every entry, Chinese ones aligned with their English twins:
    - an entry's own candidates: (key, label) of each text of `Extraction.candidates`;
    - a zh entry whose twin (a `translations` pair (zh, en)) has candidates takes them,
      unless it has none of its own and names a vocabulary feature;
    - else a zh text that some other pair aligned with English candidates takes those;
    - the zh text of a replaced candidate becomes a label of the first English key."""
    own = [list({candidate_key(t): candidate_label(t) for t in ex.candidates if clean_text(t)}.items())
           for _, ex in pairs]
    twin = {i: j for i, j in translations}
    votes: dict[str, Counter] = {}
    for i, j in translations:
        en_keys = tuple(k for k, _ in own[j])
        for key, _ in own[i]:
            if en_keys and not is_english(key):
                votes.setdefault(key, Counter())[en_keys] += 1
    memory = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in votes.items()}

    out = Assignment()
    for k, (entry, ex) in enumerate(pairs):
        mine = own[k]
        keys = [key for key, _ in mine]
        foreign = [(key, label) for key, label in mine if not is_english(key)]
        j = twin.get(k)
        if entry.lang == "zh" and j is not None and own[j] and (mine or not ex.feature_iris):
            keys = [key for key, _ in own[j]]
            for _, label in foreign:
                out.name(keys[0], label)
        elif entry.lang == "zh" and any(key in memory for key, _ in foreign):
            keys = []
            for key, label in mine:
                mapped = memory.get(key) if not is_english(key) else None
                if mapped:
                    keys.extend(mapped)
                    out.name(mapped[0], label)
                else:
                    keys.append(key)
                    out.name(key, label)
        else:
            for key, label in mine:
                out.name(key, label)
        out.keys.append(list(dict.fromkeys(keys)))
    return out


def preferred_labels(texts: Counter) -> list[tuple[str, str, bool]]:
    """(text, language, preferred?) for the labels of one concept: per language the text named
    by most entries (then the shortest, then the first in order) is preferred."""
    by_lang: dict[str, list[tuple[int, int, str]]] = {}
    for text, count in texts.items():
        by_lang.setdefault("en" if is_english(text) else "zh", []).append((-count, len(text), text))
    out = []
    for lang in sorted(by_lang):
        ranked = sorted(by_lang[lang])
        out.extend((text, lang, i == 0) for i, (_, _, text) in enumerate(ranked))
    return out
