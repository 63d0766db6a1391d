"""The parse and extract stages wired together, once, for every caller: `kg extract`
(records), `kg build` (kg.graph.pipeline), `kg eval` and `kg vocab suggest`.

- `extract_entries`: (entry, extraction) for every entry of the FAQ files under some paths.
- `link_entries`: what ties entries to each other before the graph is built: the zh/en
  translation pairs (kg.extract.pairing) and the candidate features aligned across them
  (kg.extract.candidates.assign_candidates). The builder receives them as `Links`.
- `align_streamed`: the same alignment on `kg extract`'s stream, file by file.
- `extract_records`: `kg extract`'s output records (kg.extract.records).
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from kg.errors import KgError
from kg.extract.candidates import Assignment, assign_candidates, preferred_labels
from kg.extract.extractor import Extractor, record_of
from kg.extract.pairing import pair_translations
from kg.extract.records import to_record
from kg.extract.twins import share_twin_subjects
from kg.model import Entry, Extraction
from kg.parse.markdown import parse_paths

Pair = tuple[Entry, Extraction]


def extract_entries(paths: Iterable[str | os.PathLike], *, root: str | os.PathLike = ".",
                    release: str | None = None, extractor: Extractor | None = None,
                    keep_going: bool = False, **callbacks) -> Iterator[Pair]:
    """(entry, extraction) of every entry under `paths`, file by file in sorted order
    (kg.parse.markdown.parse_paths: `keep_going` and the callbacks on_warning, on_error,
    on_file, stats)."""
    extract = (extractor or Extractor()).extract
    for entry in parse_paths(paths, root=root, release=release, keep_going=keep_going, **callbacks):
        yield entry, extract(entry)


@dataclass
class Links:
    """What ties the entries of one build to each other (indexes into its list of pairs)."""
    translations: list[tuple[int, int]] = field(default_factory=list)  # (zh index, en index)
    candidates: Assignment = field(default_factory=Assignment)


def link_entries(pairs: Sequence[Pair], translations: bool = True) -> Links:
    """Translation pairs (unless `translations` is False) and aligned candidate features."""
    pairs_found = pair_translations(pairs) if translations else []
    share_twin_subjects(pairs, pairs_found)
    return Links(pairs_found, assign_candidates(pairs, pairs_found))


def align_streamed(pairs: Iterable[Pair]) -> Iterator[Pair]:
    """`kg extract`'s stream of (entry, extraction) linked as the build links them
    (link_entries), one release at a time: a zh entry paired with its English twin lists the
    twin's English candidates among its `features`, not its Chinese text, and both versions
    carry the same claims (kg.extract.twins.share_twin_subjects).

    Pairs come out in the order they came in; those of one release are held until the release
    ends (translations never cross releases), then linked and let go."""
    held: list[Pair] = []

    def release_held() -> Iterator[Pair]:
        links = link_entries(held)
        for k, (entry, ex) in enumerate(held):
            if entry.lang == "zh" and ex.candidates:
                _rename_candidates(ex, links.candidates.keys[k], links.candidates)
        yield from held
        held.clear()

    try:
        for entry, ex in pairs:
            if held and entry.release != held[0][0].release:
                yield from release_held()
            held.append((entry, ex))
    except KgError:     # a later file is bad input: what was read before it still comes out
        if held:
            yield from release_held()
        raise
    if held:
        yield from release_held()


def _rename_candidates(ex: Extraction, keys: list[str], assignment: Assignment) -> None:
    """Replace the candidate texts among `ex.features` by the English labels of `keys`: the
    English label the build would prefer (preferred_labels of the texts naming each key)."""
    english = [text for key in keys
               for text, lang, preferred in preferred_labels(assignment.texts.get(key, Counter()))
               if lang == "en" and preferred]
    if not english:
        return
    known = [f for f in ex.features if f not in ex.candidates]
    ex.features = known + [label for label in english if label not in known]


def extract_records(paths, root=".", release=None, keep_going=False,
                    extract: Callable[[Entry], Extraction] | None = None,
                    **callbacks) -> Iterator[dict]:
    """Records of every entry under `paths` (callbacks as for `extract_entries`). With
    `extract` (entry -> Extraction) the records carry the extraction keys
    (kg.extract.extractor.record_of), the candidates of Chinese entries aligned with their
    English twins (align_streamed); without it, the parse alone."""
    entries = parse_paths(paths, root=root, release=release, keep_going=keep_going, **callbacks)
    if extract is None:
        for entry in entries:
            yield to_record(entry)
        return
    for entry, ex in align_streamed((entry, extract(entry)) for entry in entries):
        yield to_record(entry, record_of(entry, ex))
