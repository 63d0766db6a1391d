"""Find FAQ Markdown files and read what their paths say: release, language, component.

Nothing here parses Markdown; `kg.parse.markdown` does that.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Iterable

from kg import config
from kg.errors import EncodingError, InputError

RELEASE_RE = re.compile(r"^(?:r\d+(?:\.\d+)+|master)$")
LANG_SEGMENTS = {"source_zh_cn": "zh", "source_en": "en"}
LANG_STEM_SUFFIXES = (("_zh_cn", "zh"), ("_en", "en"))
COMPONENTS_FILE = config.ONTOLOGY_DIR / "components.json"
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def find_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every Markdown file named by `paths` (files as given, folders searched recursively
    for `*.md`, hidden folders skipped), without duplicates (a file named twice, relative and
    absolute, is read once), sorted by absolute path (so source_en comes before source_zh_cn
    whatever way each was named)."""
    found: dict[str, Path] = {}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in path.rglob("*.md"):
                rel = f.relative_to(path).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    found.setdefault(Path(os.path.abspath(f)).as_posix(), f)
        elif path.is_file():
            found.setdefault(Path(os.path.abspath(path)).as_posix(), path)
        else:
            raise InputError("no such file or folder", path=str(p))
    return [found[k] for k in sorted(found)]


def find_faq_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """`find_files`, refusing (InputError, exit 2) when `paths` hold no Markdown file at all."""
    files = find_files(paths)
    if not files:
        raise InputError("no FAQ Markdown files under " + ", ".join(str(p) for p in paths))
    return files


def read_text(path: str | os.PathLike, name: str | None = None) -> str:
    """The file's text: UTF-8 with or without BOM, line ends normalised to LF.
    Invalid UTF-8 raises EncodingError naming the file and the byte offset."""
    name = name or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=name) from None
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, bom + e.start) + 1
        raise EncodingError(f"not valid UTF-8 ({e.reason})", path=name, line=line,
                            offset=bom + e.start) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def source_of(path: str | os.PathLike, root: str | os.PathLike = ".") -> str:
    """`path` relative to `root` as a POSIX path without a leading `./`. A file outside
    `root` whose path names a release folder is given from that folder on (`r1.2/docs/...`,
    as if `root` were the corpus folder holding it), not as `../../...`."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, os.path.abspath(root))
    parts = Path(rel).parts
    if parts and parts[0] == os.pardir:
        whole = Path(absolute).parts
        for i in range(len(whole) - 2, 0, -1):
            if RELEASE_RE.match(whole[i]):
                return PurePosixPath(*whole[i:]).as_posix()
    return PurePosixPath(*parts).as_posix()


def release_of(source: str, path: str | os.PathLike | None = None) -> str | None:
    """The last path segment naming a release (`r1.2`, `r2.3.1`, `master`): looked for in
    `source` first, then in the absolute `path`."""
    for candidate in (source, os.path.abspath(path) if path is not None else None):
        if candidate is None:
            continue
        for part in reversed(PurePosixPath(Path(candidate).as_posix()).parts[:-1]):
            if RELEASE_RE.match(part):
                return part
    return None


def lang_of_path(source: str) -> str | None:
    """`zh`/`en` from a `source_zh_cn`/`source_en` folder or a `_zh_cn`/`_en` file stem."""
    parts = PurePosixPath(source).parts
    for part in parts[:-1]:
        if part in LANG_SEGMENTS:
            return LANG_SEGMENTS[part]
    stem = PurePosixPath(source).stem.lower()
    for suffix, lang in LANG_STEM_SUFFIXES:
        if stem.endswith(suffix):
            return lang
    return None


def counterpart(source: str) -> str | None:
    """The path of the same page in the other language (`source_en` <-> `source_zh_cn`, `FAQ_en.md`
    <-> `FAQ_zh_cn.md`), or None when the path names no language."""
    p = PurePosixPath(source)
    parts = list(p.parts)
    for i, part in enumerate(parts[:-1]):
        if part in LANG_SEGMENTS:
            parts[i] = _other(LANG_SEGMENTS, part)
            return str(PurePosixPath(*parts))
    suffixes = dict(LANG_STEM_SUFFIXES)
    for suffix in suffixes:
        if p.stem.lower().endswith(suffix):
            return str(p.with_name(p.stem[:-len(suffix)] + _other(suffixes, suffix) + p.suffix))
    return None


def _other(table: dict[str, str], key: str) -> str:
    """The key of `table` (marker -> language) whose language is not `key`'s."""
    return next(k for k, lang in table.items() if lang != table[key])


def lang_of_text(text: str) -> str:
    """`zh` when the text has a sizeable share of CJK ideographs, else `en`."""
    cjk = len(_CJK_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    return "zh" if cjk and cjk * 5 >= latin else "en"


@lru_cache(maxsize=1)
def _components() -> tuple[str, dict[str, str]]:
    try:
        data = json.loads(COMPONENTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load the component table: {e}", path=str(COMPONENTS_FILE)) from None
    return data["default"], dict(data["docs_path"])


def component_of(source: str, path: str | os.PathLike | None = None) -> str:
    """The product a page documents, from the folder right after a `docs` segment
    (`docs/lite/...` -> MindSpore Lite), looked for in `source` first, then in the absolute
    `path` (a `--root` below `docs/` leaves it out of `source`); MindSpore when neither names one."""
    default, table = _components()
    for candidate in (source, os.path.abspath(path) if path is not None else None):
        if candidate is None:
            continue
        parts = PurePosixPath(Path(candidate).as_posix()).parts
        for i, part in enumerate(parts[:-2]):
            if part == "docs" and parts[i + 1] in table:
                return table[parts[i + 1]]
    return default
