"""The column order of a `SELECT *` answer: its variables in the order they first appear in
the query pattern.

SPARQL 1.1 (18.2.1) makes `SELECT *` project the in-scope variables; people read them in the
order they wrote them. Oxigraph returns them sorted by name (`?a ?b ?m ?zz`), so the engines
reorder its columns with `star_order`. A query that names its columns (`SELECT ?b ?a`) keeps
its own order: only a top-level `SELECT *` is reordered. The query runner takes the columns
from the guard's tokens (star_columns), so a query is tokenized once.
"""
from __future__ import annotations

from kg.errors import QueryError
from kg.query.guard import lex

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_MODIFIERS = {"DISTINCT", "REDUCED"}


# `columns` of star_order: compute them from the query text (tokenize it)
FROM_TEXT = "from text"


def star_columns(kinds: list[str], texts: list[str]) -> list[str] | None:
    """The variables a top-level `SELECT *` query names after its `*`, in the order it first
    names them (`kinds`, `texts`: its tokens, kg.query.guard.lex, which the guard already
    made); None for any other query, whose columns stay as the engine gives them."""
    n = len(kinds)
    start = next((i for i in range(n) if kinds[i] == "word" and texts[i].upper() in _FORMS), None)
    if start is None or texts[start].upper() != "SELECT":
        return None
    i = start + 1
    while i < n and kinds[i] == "word" and texts[i].upper() in _MODIFIERS:
        i += 1
    if i >= n or texts[i] != "*":
        return None
    seen: dict[str, None] = {}
    for kind, tok in zip(kinds[i + 1:], texts[i + 1:]):
        if kind == "var":
            seen.setdefault(tok[1:])
    return list(seen)


def star_order(text: str, variables: list[str], columns: list[str] | None | str = FROM_TEXT) -> list[str]:
    """`variables` (the engine's projection of `text`) in the order `text` first names them
    when `text` is a `SELECT *` query; unchanged otherwise. Variables the text never names
    (none should be left) keep their place at the end. `columns`: star_columns of the text
    when the caller has them (the query runner passes the guard's), else FROM_TEXT."""
    if len(variables) < 2:
        return variables
    if columns == FROM_TEXT:
        if "*" not in text:
            return variables
        try:
            columns = star_columns(*lex(text))
        except QueryError:
            return variables
    if not columns:
        return variables
    wanted = set(variables)
    seen = [name for name in columns if name in wanted]
    named = set(seen)
    return seen + [v for v in variables if v not in named]


def reorder_rows(variables: list[str], ordered: list[str], rows: list[list]) -> list[list]:
    """`rows` (cells in `variables` order) with their cells in `ordered` order."""
    if ordered == variables:
        return rows
    index = [variables.index(v) for v in ordered]
    return [[row[k] for k in index] for row in rows]
