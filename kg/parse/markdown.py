"""FAQ Markdown -> Entry records with line provenance.

Structure comes from markdown-it-py's block tokens and their source line maps (never from
line regexes): a question is a top-level heading or paragraph whose text starts with `Q:`/`Q：`
(or a bold `**Q ` typo, or a bold `<font>` line that lost its `Q:`); it runs until the next
question. Other headings name the topic of the
entries under them. Knows nothing of RDF or spaCy.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from markdown_it import MarkdownIt

from kg.errors import KgError
from kg.model import Entry
from kg.parse import corpus, plaintext

_Q_RE = re.compile(r"^\s*Q\s*[:：]\s*")
_Q_TYPO_RE = re.compile(r"^\s*Q\s+(?=\S)")
_A_RE = re.compile(r"^\s*A\s*[:：]\s*")
_md = None


def markdown():
    """The shared markdown-it parser: CommonMark + tables, link targets kept as written."""
    global _md
    if _md is None:
        md = MarkdownIt("commonmark").enable("table")
        md.normalizeLink = lambda url: url
        md.normalizeLinkText = lambda url: url
        _md = md
    return _md


@dataclass
class ParseWarning:
    """Something worth telling that loses nothing: an empty answer, a file without entries."""
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: warning: {self.message}"


@dataclass
class ParseStats:
    """Counts of one run, filled while `parse_paths` yields."""
    files: int = 0
    entries: int = 0
    warnings: int = 0
    errors: list[KgError] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.files} files, {self.entries} entries, {self.warnings} warnings"


@dataclass
class _Block:
    """A top-level block: tokens[start:end], source lines first..last (1-based, inclusive)."""
    kind: str
    start: int
    end: int
    first: int
    last: int
    level: int = 0


@dataclass
class _Question:
    text: str
    first: int
    last: int
    level: int                 # heading level, 0 for a paragraph question
    rest: list = field(default_factory=list)   # inline tokens after the question (answer)
    rest_first: int = 0
    rest_last: int = 0


def _top_blocks(tokens: Sequence) -> list[_Block]:
    blocks: list[_Block] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        j = i + 1
        if tok.nesting == 1:
            depth = 1
            while j < n and depth:
                depth += tokens[j].nesting
                j += 1
        kind = {"heading_open": "heading", "paragraph_open": "paragraph",
                "html_block": "html"}.get(tok.type, "other")
        first, last = (tok.map[0] + 1, tok.map[1]) if tok.map else (0, 0)
        level = int(tok.tag[1]) if kind == "heading" else 0
        blocks.append(_Block(kind, i, j, first, max(first, last), level))
        i = j
    return blocks


def _strip_prefix(text: str, typo_ok: bool) -> str | None:
    m = _Q_RE.match(text) or (_Q_TYPO_RE.match(text) if typo_ok else None)
    return text[m.end():] if m else None


def _question_of(block: _Block, tokens: Sequence) -> _Question | None:
    """The question a heading or paragraph block asks, or None when it is no question."""
    if block.kind not in ("heading", "paragraph"):
        return None
    children = tokens[block.start + 1].children or []
    if block.kind == "heading":
        text = _strip_prefix(plaintext.inline_text(children), typo_ok=False)
        if text is None:
            return None
        return _Question(_squash(text), block.first, block.last, block.level)
    # paragraph: skip leading HTML (`<font size=3>`) and stray `<` / blanks
    k = 0
    while k < len(children) and (children[k].type == "html_inline"
                                 or (children[k].type == "text" and not children[k].content.strip("< \t"))):
        k += 1
    if k == len(children):
        return None
    if children[k].type == "strong_open":
        depth, m = 0, k
        while m < len(children):
            depth += children[m].nesting if children[m].type in ("strong_open", "strong_close") else 0
            if depth == 0:
                break
            m += 1
        # the question line runs on after the bold closes (`**...**</font>？`) up to its line break
        brk = m + 1
        while brk < len(children) and children[brk].type not in ("softbreak", "hardbreak"):
            brk += 1
        part, rest = children[k + 1:brk], children[brk:]
        inner = plaintext.inline_text(children[k + 1:m])
        text = _strip_prefix(inner, typo_ok=True)
        if text is None and m < len(children) and _in_font(children[:k]) and inner.strip():
            text = inner        # `<font size=3>**...**</font>` is a question heading even without `Q:`
        if text is not None:
            text += plaintext.inline_text(children[m + 1:brk])
    else:
        # bare `Q:` (or a `**Q:` whose bold never closes): the question is the first line
        m = k
        while m < len(children) and children[m].type not in ("softbreak", "hardbreak"):
            m += 1
        part, rest = children[k:m], children[m:]
        raw = plaintext.inline_text(part)
        stripped = raw.lstrip("*")
        text = _strip_prefix(stripped, typo_ok=stripped != raw)
        if text is not None and stripped != raw:
            text = text.rstrip("*")
    if text is None:
        return None
    q_last = block.first + sum(1 for t in part if t.type in ("softbreak", "hardbreak"))
    rest_first = q_last
    while rest and (rest[0].type in ("softbreak", "hardbreak")
                    or (rest[0].type == "html_inline" and not plaintext.is_break_html(rest[0].content))
                    or (rest[0].type == "text" and not rest[0].content.strip())):
        rest_first += rest[0].type in ("softbreak", "hardbreak")
        rest = rest[1:]
    return _Question(_squash(text), block.first, q_last, 0, list(rest), rest_first, block.last)


def _in_font(tokens: Sequence) -> bool:
    return any(t.type == "html_inline" and t.content.lower().startswith("<font") for t in tokens)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _view_source(blocks: Sequence[_Block], tokens: Sequence) -> str | None:
    """The page's "view source" link: a link wrapping an image before the first question."""
    for b in blocks:
        if b.kind != "paragraph":
            continue
        children = tokens[b.start + 1].children or []
        for a, c in zip(children, children[1:]):
            if a.type == "link_open" and c.type == "image":
                href = (a.attrGet("href") or "").strip()
                if href:
                    return href
    return None


class _EntryBuilder:
    """Collects the answer of the current question."""

    def __init__(self, q: _Question, topic: str | None):
        self.q, self.topic = q, topic
        self.lines: list[str] = []
        self.urls: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.end = q.last
        if q.rest:
            text = plaintext.inline_text(q.rest).strip()
            if text:
                self.lines.append(text)
            self.urls.extend(plaintext.inline_urls(q.rest))
            self.spans.append((q.rest_first, q.rest_last))
            self.end = q.rest_last

    def add(self, block: _Block, tokens: Sequence) -> None:
        toks = tokens[block.start:block.end]
        if block.kind == "html" and plaintext.is_break_html(toks[0].content):
            return
        self.lines.extend(plaintext.block_lines(toks))
        self.urls.extend(plaintext.block_urls(toks))
        self.spans.append((block.first, block.last))
        self.end = max(self.end, block.last)

    def finish(self, source_lines: Sequence[str]) -> tuple[str, str, list[str], int]:
        lines = list(self.lines)
        for i, line in enumerate(lines):
            m = _A_RE.match(line)
            if m:
                lines[i] = line[m.end():]
                break
        answer = "\n".join(x for x in (ln.strip("\n") for ln in lines) if x.strip())
        md_parts = ["\n".join(source_lines[a - 1:b]).strip("\n") for a, b in self.spans]
        answer_md = "\n\n".join(p for p in md_parts if p.strip())
        return answer, answer_md, plaintext.unique(self.urls), self.end


def parse_text(text: str, source: str, release: str | None = None,
               on_warning: Callable[[ParseWarning], None] | None = None,
               path: str | os.PathLike | None = None) -> list[Entry]:
    """Entries of one Markdown page whose text is `text`, named `source`."""
    tokens = markdown().parse(text)
    blocks = _top_blocks(tokens)
    source_lines = text.split("\n")
    path_lang = corpus.lang_of_path(source)
    component = corpus.component_of(source, path)
    release = release or corpus.release_of(source, path)

    built: list[tuple[_EntryBuilder, tuple]] = []
    preamble: list[_Block] = []     # before the first question: title, tags, view-source badge
    orphans: list[int] = []         # lines of text between a section heading and the next question
    current: _EntryBuilder | None = None
    topic: str | None = None
    for block in blocks:
        q = _question_of(block, tokens)
        if q is not None:
            if current is not None:
                built.append(current)
            current = _EntryBuilder(q, topic)
            continue
        if block.kind == "heading" and (current is None or not current.q.level
                                        or block.level <= current.q.level):
            title = _squash(plaintext.inline_text(tokens[block.start + 1].children or []))
            topic = title if block.level >= 2 else None
            if current is not None:
                built.append(current)
                current = None
            continue
        if current is not None:
            current.add(block, tokens)
        elif not built:
            preamble.append(block)
        elif not (block.kind == "html" and plaintext.is_break_html(tokens[block.start].content)):
            orphans.append(block.first)
    if current is not None:
        built.append(current)

    view_source = _view_source(preamble, tokens)
    entries = []
    for n, b in enumerate(built, 1):
        answer, answer_md, urls, end = b.finish(source_lines)
        lang = path_lang or corpus.lang_of_text(b.q.text + "\n" + answer)
        entries.append(Entry(
            source=source, n=n, line=b.q.first, end_line=end, lang=lang, release=release,
            component=component, topic=b.topic, question=b.q.text, answer=answer,
            answer_markdown=answer_md, urls=urls, view_source=view_source,
            upstream=f"{view_source}#L{b.q.first}" if view_source else None))
        if not answer.strip() and on_warning:
            on_warning(ParseWarning(source, b.q.first, "entry has an empty answer"))
    if orphans and on_warning:
        on_warning(ParseWarning(source, orphans[0], f"{len(orphans)} block(s) of text under a section "
                                "heading before its first question belong to no entry"))
    if not entries and on_warning:
        on_warning(ParseWarning(source, None, "no FAQ entries in this file"))
    return entries


def parse_file(path: str | os.PathLike, root: str | os.PathLike = ".", release: str | None = None,
               on_warning: Callable[[ParseWarning], None] | None = None) -> list[Entry]:
    """Entries of one FAQ Markdown file; `source` is its path relative to `root`."""
    source = corpus.source_of(path, root)
    text = corpus.read_text(path, name=source)
    return parse_text(text, source, release=release, on_warning=on_warning, path=path)


def parse_paths(paths: Iterable[str | os.PathLike], root: str | os.PathLike = ".",
                release: str | None = None, keep_going: bool = False,
                on_warning: Callable[[ParseWarning], None] | None = None,
                on_error: Callable[[KgError], None] | None = None,
                stats: ParseStats | None = None,
                on_file: Callable[[Path], None] | None = None) -> Iterator[Entry]:
    """Entries of every FAQ file under `paths`, file by file in sorted order.

    A file that cannot be read or decoded raises its KgError; with `keep_going` the error is
    passed to `on_error`, kept in `stats.errors`, and the other files are still parsed."""
    stats = stats if stats is not None else ParseStats()

    def warn(w: ParseWarning) -> None:
        stats.warnings += 1
        if on_warning:
            on_warning(w)

    for path in corpus.find_files(paths):
        try:
            entries = parse_file(path, root=root, release=release, on_warning=warn)
        except KgError as e:
            if not keep_going:
                raise
            stats.errors.append(e)
            if on_error:
                on_error(e)
            continue
        finally:
            stats.files += 1
            if on_file:
                on_file(path)
        stats.entries += len(entries)
        yield from entries
