"""Entries as output records (the keys of shared/gold/GUIDELINES.md first) and the writers
of `kg extract`: one registry row per format."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from kg.errors import InputError
from kg.model import Entry

# Gold keys first (GUIDELINES.md), then the rest of the entry's provenance.
FIRST_KEYS = ("source", "n", "lang", "question", "urls")
# Keys only the extraction stage may add; absent until it ran (never placeholders).
EXTRACTION_KEYS = ("status", "hardware", "features", "products")


def to_record(entry: Entry, extraction: dict | None = None) -> dict:
    """One output record. `extraction` (status, hardware, features, ...) is merged here and
    only here; without it those keys are absent."""
    d = entry.to_dict()
    rec = {k: d.pop(k) for k in FIRST_KEYS}
    if extraction:
        rec.update({k: v for k, v in extraction.items() if k not in rec})
    rec.update(d)
    return rec


def write_jsonl(records: Iterable[dict], out: TextIO) -> None:
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_json(records: Iterable[dict], out: TextIO) -> None:
    """A JSON array, one record per line (streamed: records are not held in memory)."""
    first = True
    out.write("[")
    for rec in records:
        out.write("\n" if first else ",\n")
        out.write(json.dumps(rec, ensure_ascii=False))
        first = False
    out.write("]\n" if first else "\n]\n")


TABLE_COLUMNS = (("source", 48), ("n", 4), ("line", 5), ("lang", 4), ("release", 8),
                 ("urls", 4), ("status", 11), ("hardware", 26), ("features", 24), ("claims", 6),
                 ("question", 50))
# list cells shown as their items (the others as a count)
_LISTED = ("features",)


def _cell(value, width: int, name: str = "") -> str:
    if isinstance(value, dict):           # hardware: {"GPU": "supported"} -> "GPU:supported"
        value = " ".join(f"{k}:{v}" for k, v in value.items())
    elif isinstance(value, list):
        value = ", ".join(map(str, value)) if name in _LISTED else len(value)
    text = "" if value is None else " ".join(str(value).split())
    if len(text) > width:
        text = "…" + text[-(width - 1):] if width > 20 and "/" in text else text[:width - 1] + "…"
    return text.ljust(width)


def write_table(records: Iterable[dict], out: TextIO) -> None:
    """A fixed-width table for people (long cells shortened; urls and claims shown as a count,
    hardware as hardware:status, features as a list; the extraction's columns empty without it)."""
    out.write(" ".join(name.ljust(w) for name, w in TABLE_COLUMNS).rstrip() + "\n")
    out.write(" ".join("-" * w for _, w in TABLE_COLUMNS) + "\n")
    for rec in records:
        out.write(" ".join(_cell(rec.get(name), w, name) for name, w in TABLE_COLUMNS).rstrip() + "\n")


@dataclass(frozen=True)
class RecordFormat:
    name: str
    mime: str
    write: Callable[[Iterable[dict], TextIO], None]


FORMATS = {f.name: f for f in [
    RecordFormat("jsonl", "application/x-ndjson", write_jsonl),
    RecordFormat("json", "application/json", write_json),
    RecordFormat("table", "text/plain", write_table),
]}


def read_jsonl(path: str | Path, required: Iterable[str] = (), what: str = "gold"
               ) -> Iterator[tuple[int, dict]]:
    """(line number, object) of each non-blank line of a JSONL file (gold, judgements); a
    missing file, bad UTF-8, bad JSON or an object without a `required` key is an InputError
    naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(f"{what} file not found", path=str(path)) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8: {e.reason}", path=str(path)) from None
    required = tuple(required)
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"invalid JSON: {e.msg}", path=str(path), line=i) from None
        missing = [k for k in required if k not in rec] if isinstance(rec, dict) else list(required)
        if missing:
            raise InputError(f"{what} record lacks {', '.join(missing)}", path=str(path), line=i)
        yield i, rec
