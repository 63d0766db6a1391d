"""What identifies a page and a question across releases and languages, read from entries and
files alone: the page key (the source path without its release), the language-neutral key
that makes a Chinese page and its English twin meet, a question's normal form, and a page's
title."""
from __future__ import annotations

import os
import re
import unicodedata

from kg.model import Entry

_LANG_SEGMENT = re.compile(r"(?<=[_/])(zh_cn|zh-CN|zh|en)(?=[/._])")
_TITLE = re.compile(r"#\s+(.+?)\s*#*\s*$")


def page_key(entry: Entry) -> str:
    """The source path with the release segment removed: one page for all releases."""
    parts = entry.source.split("/")
    if entry.release and entry.release in parts:
        parts.remove(entry.release)
    return "/".join(parts)


def neutral_page_key(key: str) -> str:
    """The page key with its language segment replaced, so zh and en pages meet."""
    return _LANG_SEGMENT.sub("*", key)


def normalise_question(text: str) -> str:
    """A question's text as it identifies the question (width, spaces, case, end marks)."""
    t = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return t.rstrip("?.。 ")


def read_title(path: str | os.PathLike) -> str | None:
    """The page title: its first level-1 Markdown heading."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = _TITLE.match(line)
                if m:
                    return m.group(1)
    except (OSError, UnicodeDecodeError):
        return None
    return None
