"""The build pipeline behind `kg build`: parse -> extract -> RDF -> validate -> store or files.

The store is replaced atomically (kg.store.build_store_atomically): a build that fails,
whether on bad input, on a SHACL violation or half-way through writing, leaves the
previous store as it was.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from kg.errors import InputError
from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_entries, link_entries
from kg.formats import Format, rdf_exports
from kg.graph.quads import build_quads
from kg.graph.search_index import build_search_index
from kg.graph.shacl import check_graph, to_rdflib
from kg.model import Entry, Extraction
from kg.parse.identity import read_title
from kg.parse.markdown import ParseStats
from kg.store import build_store_atomically, serialize_rdf
from kg.terms.iris import prefix_map
from kg.terms.ontology import ontology_quads, release_orders

WRITE_CHUNK = 100_000  # quads per write to the store (progress is reported per chunk)


@dataclass
class BuildResult:
    entries: int
    quads: int            # data + ontology + vocabulary
    translations: int
    output: str
    report: object = None  # kg.graph.shacl.Report
    errors: int = 0       # files that could not be read (--keep-going)
    indexed: dict | None = None  # what the search index holds: {features, products, entries}

    def summary(self) -> str:
        failed = f"; {self.errors} file{'s' if self.errors != 1 else ''} could not be read" if self.errors else ""
        index = (f"; search index of {self.indexed['features']} features, {self.indexed['products']} products, "
                 f"{self.indexed['entries']} entries" if self.indexed else "")
        return (f"{self.entries} entries, {self.quads} triples, {self.translations} translation "
                f"pairs -> {self.output}{index}{failed}")


def read_pairs(paths: Iterable[str | os.PathLike], root: str | os.PathLike = ".",
               extractor=None, release: str | None = None, *, keep_going: bool = False,
               **callbacks) -> list[tuple[Entry, Extraction]]:
    """Parse the FAQ files under `paths` and extract every entry: (entry, extraction) pairs.
    With `keep_going` a file that cannot be read is reported (callbacks of
    kg.parse.markdown.parse_paths: on_error, on_warning, on_file, stats) and the others are read."""
    check_release(release)
    pairs = []
    for entry, ex in extract_entries(paths, root=root, release=release, keep_going=keep_going,
                                     extractor=extractor or Extractor(), **callbacks):
        check_release(entry.release, entry.source)  # a release read from a path (r9.9/...) too
        pairs.append((entry, ex))
    if not pairs:
        raise InputError("no FAQ entries found in " + ", ".join(str(p) for p in paths))
    return pairs


def check_release(release: str | None, source: str | None = None) -> None:
    """InputError (exit 2) unless `release` is None or a release of ontology/vocabulary.ttl."""
    if release is None:
        return
    known = release_orders()
    if release not in known:
        raise InputError(f"unknown release {release!r} (known: {', '.join(sorted(known, key=known.get))})",
                         path=source)


def build_graph_quads(pairs: Sequence[tuple[Entry, Extraction]], *, validate: bool = True,
                      root: str | os.PathLike | None = None, base: str | None = None):
    """(all quads: ontology + vocabulary + data, Built, validation report or None).
    Raises CheckFailed when the graph violates ontology/shapes.ttl."""
    titles = None
    if root is not None:
        titles = {s: t for s in {e.source for e, _ in pairs}
                  if (t := read_title(Path(root) / s)) is not None}
    built = build_quads(pairs, link_entries(pairs), titles=titles, base=base)
    quads = ontology_quads(base) + built.quads
    report = None
    if validate:
        report = check_graph(to_rdflib(quads))
    return quads, built, report


def fill_store(store, quads: Sequence, on_chunk: Callable[[int, int], None] | None = None) -> None:
    """Write `quads` into `store` in chunks; `on_chunk(done, total)` after each one."""
    total = len(quads)
    for start in range(0, total, WRITE_CHUNK):
        store.bulk_extend(quads[start:start + WRITE_CHUNK])
        if on_chunk:
            on_chunk(min(start + WRITE_CHUNK, total), total)


def build_store(paths, store_path, *, root=".", extractor=None, release=None, validate=True,
                on_chunk: Callable[[int, int], None] | None = None, on_stage: Callable[[str], None] | None = None,
                keep_going: bool = False, **callbacks) -> BuildResult:
    """`kg build PATH... -o STORE`: the whole pipeline into a fresh store swapped in at the end.
    `on_stage` hears each stage as it starts; `keep_going` and the callbacks as for read_pairs."""
    stage = on_stage or (lambda _what: None)
    stats = callbacks.setdefault("stats", ParseStats())
    pairs = read_pairs(paths, root=root, extractor=extractor, release=release, keep_going=keep_going, **callbacks)
    stage(f"building the graph of {len(pairs)} entries" + (" and validating it" if validate else ""))
    quads, built, report = build_graph_quads(pairs, validate=validate, root=root)
    stage(f"writing {len(quads)} quads to {store_path}")
    indexed: dict = {}

    def index(store, folder: Path) -> None:
        stage("indexing features, products and entries for search")
        indexed.update(build_search_index(store, folder))

    build_store_atomically(store_path, lambda store: fill_store(store, quads, on_chunk), finish=index)
    return BuildResult(len(pairs), len(set(quads)), len(built.translations), str(store_path), report,
                       errors=len(stats.errors), indexed=indexed)


def export_format(fmt: str) -> Format:
    key = fmt.lower().lstrip(".")
    choices = rdf_exports()
    if key not in choices:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(choices)}")
    return choices[key]


def serialize_quads(quads, fmt: str) -> bytes:
    """The graph in `fmt` (ttl, nt, jsonld, trig) as `kg export` writes it (kg.store.serialize_rdf,
    the one prefix map)."""
    return serialize_rdf(quads, None, export_format(fmt), prefix_map())


def write_files(paths, output: str | os.PathLike | None, fmt: str, *, root=".", extractor=None,
                release=None, validate=True) -> BuildResult:
    """`kg build PATH... --format F [-o FILE]`: the validated graph as one file (or stdout).
    The file is written beside its target and renamed into place, so a failure leaves
    any previous file unchanged."""
    export_format(fmt)  # fail on a bad format before the work
    pairs = read_pairs(paths, root=root, extractor=extractor, release=release)
    quads, built, report = build_graph_quads(pairs, validate=validate, root=root)
    data = serialize_quads(quads, fmt)
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        out = "stdout"
    else:
        target = Path(output)
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as e:  # unwritable path, missing folder, a folder named like the file
            tmp.unlink(missing_ok=True)
            raise InputError(f"cannot write: {e.strerror or e}", path=str(target)) from None
        out = str(target)
    return BuildResult(len(pairs), len(set(quads)), len(built.translations), out, report)
