"""Where a claim's evidence sentence is in the source: the line the Markdown of its entry's answer
holds it on (claims cite entry, span and line)."""
from __future__ import annotations

from kg.model import Entry, Evidence


def evidence_line(entry: Entry, ev: Evidence) -> int:
    """The source line (1-based) of an evidence sentence: where its first words are in the
    answer's Markdown, counted back from the entry's last line."""
    md = entry.answer_markdown or ""
    first = md.rstrip("\n")
    start_line = (entry.end_line or entry.line) - first.count("\n")
    words = ev.text.split()
    for n in (4, 2, 1):
        probe = " ".join(words[:n])
        if probe:
            pos = md.find(probe)
            if pos >= 0:
                return max(entry.line, start_line + md[:pos].count("\n"))
    return max(entry.line, start_line)
