"""Spans of an answer's plain text (`Entry.answer`) that come from the fenced code blocks and the
HTML tables of its Markdown (`Entry.answer_markdown`): the extraction reads no claim in them
(a table is read by its support marks instead, `kg.extract.lexicon.Lexicon.table_status`)."""
from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_CELL_LINES = re.compile(r"<br\s*/?>|<[^>]+>", re.I)


def code_spans(markdown: str, answer: str) -> list[tuple[int, int]]:
    """Spans of `answer` (plain text) holding the lines of the fenced code blocks and of the HTML
    tables of `markdown` (a table is read by its marks, `Lexicon.table_status`, not as prose):
    each non-blank line is looked for in order after the previous one."""
    spans, pos = [], 0
    blocks = [(m.start(), m.group(2)) for m in _FENCE.finditer(markdown)]
    blocks += [(m.start(), _CELL_LINES.sub("\n", m.group(0))) for m in _TABLE.finditer(markdown)]
    for _, block in sorted(blocks):
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            at = answer.find(line, pos)
            if at < 0:
                continue
            spans.append((at, at + len(line)))
            pos = at + len(line)
    return _join_spans(spans, answer)


def _join_spans(spans, answer: str) -> list[tuple[int, int]]:
    """Adjacent line spans (only white space between them) joined into one."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and not answer[out[-1][1]:a].strip():
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
