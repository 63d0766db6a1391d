"""The column order of a `SELECT *` answer: its variables in the order they first appear in
the query pattern.

SPARQL 1.1 (18.2.1) makes `SELECT *` project the in-scope variables; people read them in the
order they wrote them. Oxigraph returns them sorted by name (`?a ?b ?m ?zz`), so the engines
reorder its columns with `star_order`. A query that names its columns (`SELECT ?b ?a`) keeps
its own order: only a top-level `SELECT *` is reordered.
"""
from __future__ import annotations

from kg.errors import QueryError
from kg.query.guard import tokenize

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_MODIFIERS = {"DISTINCT", "REDUCED"}


def star_order(text: str, variables: list[str]) -> list[str]:
    """`variables` (the engine's projection of `text`) in the order `text` first names them
    when `text` is a `SELECT *` query; unchanged otherwise. Variables the text never names
    (none should be left) keep their place at the end."""
    if len(variables) < 2 or "*" not in text:
        return variables
    try:
        tokens = tokenize(text)
    except QueryError:
        return variables
    start = next((i for i, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in _FORMS), None)
    if start is None or tokens[start].text.upper() != "SELECT":
        return variables
    i = start + 1
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in _MODIFIERS:
        i += 1
    if i >= len(tokens) or tokens[i].text != "*":
        return variables
    wanted = set(variables)
    seen: dict[str, None] = {}
    for t in tokens[i + 1:]:
        if t.kind == "var" and (name := t.text[1:]) in wanted:
            seen.setdefault(name)
    return list(seen) + [v for v in variables if v not in seen]


def reorder_rows(variables: list[str], ordered: list[str], rows: list[list]) -> list[list]:
    """`rows` (cells in `variables` order) with their cells in `ordered` order."""
    if ordered == variables:
        return rows
    index = [variables.index(v) for v in ordered]
    return [[row[k] for k in index] for row in rows]
