"""Plain text and link targets of markdown-it token streams.

Used by `kg.parse.markdown`: markup is removed (emphasis, HTML tags, link syntax), link text and
code text are kept; link targets follow shared/gold/GUIDELINES.md (`urls`).
"""
from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_HREF_RE = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_BR_RE = re.compile(r"^(?:<br\s*/?>\s*)+$", re.I)
# Bare URLs: ASCII only (a CJK character ends them), trailing punctuation is not part of them.
_BARE_URL_RE = re.compile(r"https?://[!-~]+")
_URL_STOP_RE = re.compile(r"""[<>"'`\\]""")
_TRAILING = ".,;:!?*_~'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def is_break_html(content: str) -> bool:
    """True for an HTML line that only separates entries (`<br/>`)."""
    return bool(_BR_RE.match(content.strip()))


def _join_soft(left: str, right_first: str) -> str:
    """A soft line break reads as a space, except between wide (CJK) characters."""
    if left and (_WIDE.match(left[-1]) or _WIDE.match(right_first)):
        return ""
    return " "


def inline_text(children: Sequence) -> str:
    """Plain text of inline tokens: text, code and link text kept; images and HTML dropped."""
    parts: list[str] = []
    pending_soft = False
    for tok in children:
        t = tok.type
        if t in ("softbreak", "hardbreak"):
            if t == "hardbreak":
                parts.append("\n")
            else:
                pending_soft = True
            continue
        if t in ("text", "code_inline"):
            piece = tok.content
        elif t == "html_inline":
            piece = "\n" if is_break_html(tok.content) else ""
        else:
            continue
        if not piece:
            continue
        if pending_soft:
            joined = "".join(parts)
            if joined and not joined.endswith("\n"):
                parts.append(_join_soft(joined, piece[0]))
            pending_soft = False
        parts.append(piece)
    return "".join(parts)


def html_text(content: str) -> str:
    """Text of an HTML fragment: tags removed, entities decoded, blank lines dropped."""
    text = html.unescape(_TAG_RE.sub("", content))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def block_lines(tokens: Sequence) -> list[str]:
    """Plain-text lines of a run of block tokens (paragraphs, lists, tables, code, HTML)."""
    lines: list[str] = []
    row: list[str] | None = None
    for tok in tokens:
        t = tok.type
        if t == "tr_open":
            row = []
        elif t == "tr_close":
            if row is not None and any(row):
                lines.append("\t".join(row))
            row = None
        elif t == "inline":
            text = inline_text(tok.children or [])
            if row is not None:
                row.append(text.replace("\n", " "))
            elif text.strip():
                lines.append(text)
        elif t in ("fence", "code_block"):
            code = tok.content.rstrip("\n")
            if code.strip():
                lines.append(code)
        elif t == "html_block":
            if not is_break_html(tok.content):
                text = html_text(tok.content)
                if text:
                    lines.append(text)
    return lines


def clean_url(url: str) -> str:
    """A bare URL without the punctuation that follows it in prose."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def bare_urls(text: str) -> list[str]:
    out = []
    for m in _BARE_URL_RE.finditer(text):
        url = clean_url(_URL_STOP_RE.split(m.group(0), 1)[0])
        if len(url) > len("https://"):
            out.append(url)
    return out


def html_hrefs(content: str) -> list[str]:
    """Targets of `<a href>` in an HTML fragment (never `<img src>`)."""
    return [(m.group(1) or m.group(2) or m.group(3) or "").strip()
            for m in _HREF_RE.finditer(content)]


def inline_urls(children: Sequence) -> list[str]:
    """Link targets in inline tokens, in order: Markdown links, autolinks, `<a href>`,
    bare URLs in text outside links. Not images, not inline code."""
    out: list[str] = []
    in_link = 0
    for tok in children:
        t = tok.type
        if t == "link_open":
            href = (tok.attrGet("href") or "").strip()
            if tok.markup == "autolink":
                href = clean_url(href) if tok.info == "auto" else href
            if href:
                out.append(href)
            in_link += 1
        elif t == "link_close":
            in_link = max(0, in_link - 1)
        elif t == "html_inline":
            out.extend(html_hrefs(tok.content))
        elif t == "text" and not in_link:
            out.extend(bare_urls(tok.content))
    return out


def block_urls(tokens: Iterable) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            out.extend(inline_urls(tok.children or []))
        elif tok.type == "html_block":
            out.extend(html_hrefs(tok.content))
            out.extend(bare_urls(html.unescape(_TAG_RE.sub(" ", tok.content))))
    return out


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if x and not (x in seen or seen.add(x))]
