"""The SSRF guard: no request to the endpoint may make the server fetch anything.

`SERVICE` (Oxigraph federates to any IRI), `LOAD` (fetches a document) and
`FROM` / `FROM NAMED` / `USING` / `USING NAMED` naming a graph the store does not hold
(rdflib dereferences those) are refused with a QueryError (400), whatever engine
would run the query.

The check works on SPARQL's lexical grammar, not on a regex over the raw text:
comments, string literals and IRIs are tokens, so `?service`, `ex:load`, `"FROM"` or
`<http://x/service>` are not keywords, while a keyword in any case is. The one
ambiguity of the grammar, `<` as an IRI start or as the less-than operator, is
resolved by context as the parsers do (inside parentheses, after an operand, it is
the operator); when a `<...>` run in that position could also be read as code
hiding a keyword, the query is refused rather than guessed about.

Brackets (`(`, `{`, `[`) nested deeper than `MAX_DEPTH` are refused too: the engine's
parser recurses once per level and a few thousand levels crash the worker process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from kg.errors import QueryError

# one token per match: the whitespace and comments before it (_SKIP), then the token (empty at
# the end of the text). `findall` gives the tokens as strings (_TEXTS: one group) or, where the
# positions are wanted (an error message, tokenize()), each with what it skipped (_TOKEN: two
# groups); the kind of a token follows from its first character (_kind): no match objects and no
# named groups, whose bookkeeping was most of the guard's time (each alternative starts with a
# literal or a class, so the regex engine skips at once those whose first character does not fit;
# the most frequent kinds come first)
_SKIP = r"(?:\s++|\#[^\n\r]*+)*+"  # possessive: what it skipped is never given back
_TOKEN_TEXT = r"""
  ( [(){}\[\],;*/=@]                                               # punct no other token starts with
  | [?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*                        # var
  | '''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"                      # string
  | <[^<>"{}|^`\\\x00-\x20]*>                                        # iri
  | [^\W\d][\w\-.]*+:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*                # pname (_:b too)
  | :(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*                                # pname, empty prefix
  | [^\W\d][\w\-]*                                                   # word
  | [+\-]?\d+\.?\d*(?:[eE][+\-]?\d+)?|[+\-]?\.\d+(?:[eE][+\-]?\d+)?  # number
  | \^\^|<=|>=|!=|&&|\|\||[(){}\[\].,;*+\-/!=<>|^@]                  # punct
  | .                                                                # other
  )?
"""
_TEXTS = re.compile(_SKIP + _TOKEN_TEXT, re.VERBOSE | re.DOTALL)
_TOKEN = re.compile(f"({_SKIP})" + _TOKEN_TEXT, re.VERBOSE | re.DOTALL)
_PUNCT = frozenset(["^^", "<=", ">=", "!=", "&&", "||", *"(){}[].,;*+-/!=<>|^@"])
# the kind of a token whose first character alone decides it (most tokens)
_FIRST_KIND = {"?": "var", "$": "var", ":": "pname", **dict.fromkeys("(){}[],;*/!=>|^@", "punct")}


def _kind(tok: str) -> str:
    """Which alternative of _TOKEN matched `tok` (when its first character does not say)."""
    c = tok[0]
    if c in "'\"":
        return "string" if len(tok) > 1 else "other"  # a lone quote: unterminated
    if c == "<":
        return "iri" if len(tok) > 1 and tok[-1] == ">" else "punct"
    if c.isdecimal() or (c in "+-." and len(tok) > 1):
        return "number"
    if c == "_" or c.isalnum():  # [^\W\d]: a letter (digits are decimal, above)
        return "pname" if ":" in tok else "word"
    return "punct" if tok in _PUNCT else "other"


_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")
_BRACKETS = _OPEN | _CLOSE

_OPERAND_END = {"var", "string", "iri", "pname", "number", "bnode"}
# inside an ambiguous `<...>`: a keyword the way Oxigraph could read it as code
_HIDDEN_KEYWORD = re.compile(r"(?i)(?<![\w\-:/%])(SERVICE|LOAD|FROM|USING)(?=[?$#(]|$)")
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "LOAD"}
# deepest nesting of (), {} and [] accepted: real queries stay under ~10 levels, and
# pyoxigraph's recursive parser crashes its process at a few thousand
MAX_DEPTH = 64
FORBIDDEN = {"SERVICE": "SERVICE (federated query) is not allowed: this endpoint never "
                        "sends requests to other servers",
             "LOAD": "LOAD is not allowed: this endpoint never fetches documents"}


class Token(NamedTuple):
    kind: str
    text: str
    pos: int


_new_token = tuple.__new__  # Token(kind, text, pos) without its Python-level __new__ (per token)


@dataclass
class GuardReport:
    """What the guard saw: the dataset IRIs named in the query text (resolved)."""
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)
    is_update: bool = False
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE (the first keyword)
    # the query's tokens as lex() gives them (kinds, texts), for kg.query.variables.star_columns
    kinds: list[str] = field(default_factory=list, repr=False)
    texts: list[str] = field(default_factory=list, repr=False)


def _lex(text: str) -> tuple[list[str], list[str]]:
    """The kinds and texts of the tokens (their positions are worked out only when needed:
    _start). Refuses (QueryError) brackets nested deeper than MAX_DEPTH and an ambiguous `<`
    that hides a keyword."""
    texts = _TEXTS.findall(text)
    while texts and not texts[-1]:  # trailing whitespace or comments: the end
        texts.pop()
    kinds = [_FIRST_KIND.get(tok[0]) or _kind(tok) for tok in texts]
    stack: list[str] = []  # open brackets: "(" or "{" or "["
    deepest, too_deep_at = 0, None
    for i, tok in enumerate(texts):
        if tok in _BRACKETS:  # (only punctuation has these texts)
            if tok in _OPEN:
                stack.append(tok)
                if len(stack) > deepest:
                    deepest = len(stack)
                    if too_deep_at is None and deepest > MAX_DEPTH:
                        too_deep_at = i
            elif stack:
                stack.pop()
        elif stack and stack[-1] == "(" and kinds[i] == "iri" and i:
            kind, prev = kinds[i - 1], texts[i - 1]
            after_operand = (kind in _OPERAND_END or prev in (")", "]")
                             or (kind == "word" and prev.lower() in ("true", "false")))
            if after_operand and _HIDDEN_KEYWORD.search(tok[1:-1]):
                # an operator in an expression, or an IRI in a collection/VALUES row
                raise QueryError(f"ambiguous '<' at character {_start(text, i) + 1} hides a keyword "
                                 f"({tok[:40]!r}); put spaces around comparison operators")
    if too_deep_at is not None:
        raise QueryError(f"query nested {deepest} levels deep (brackets (), {{}}, []); the limit is "
                         f"{MAX_DEPTH} (level {MAX_DEPTH + 1} at character {_start(text, too_deep_at) + 1})")
    return kinds, texts


def _pairs(text: str) -> list[tuple[str, str]]:
    """(skip, token) for every token of `text`: what it skipped (whitespace, comments) and it."""
    pairs = _TOKEN.findall(text)
    while pairs and not pairs[-1][1]:
        pairs.pop()
    return pairs


def _start(text: str, i: int) -> int:
    """Where token `i` of `text` starts (0-based)."""
    pairs = _pairs(text)
    return sum(len(skip) + len(tok) for skip, tok in pairs[:i]) + len(pairs[i][0])


def lex(text: str) -> tuple[list[str], list[str]]:
    """The kinds and texts of the SPARQL tokens of `text` (tokenize without positions)."""
    return _lex(text)


def tokenize(text: str) -> list[Token]:
    """SPARQL tokens without whitespace and comments; `<` resolved as IRI or operator.
    Refuses (QueryError) brackets nested deeper than MAX_DEPTH."""
    kinds, _ = _lex(text)
    out: list[Token] = []
    end = 0
    for kind, (skip, tok) in zip(kinds, _pairs(text)):
        start = end + len(skip)
        end = start + len(tok)
        out.append(_new_token(Token, (kind, tok, start)))
    return out


def _resolve(kind: str, tok: str, prefixes: dict[str, str], base: str | None) -> str | None:
    if kind == "iri":
        iri = tok[1:-1]
        return urljoin(base, iri) if base and ":" not in iri.split("/")[0] else iri
    if kind == "pname":
        ns, _, local = tok.partition(":")
        if ns in prefixes:
            return prefixes[ns] + local.replace("\\", "")
    return None


def check_query(text: str, *, local_graphs: set[str] | frozenset[str] = frozenset(),
                base_iri: str | None = None) -> GuardReport:
    """Refuse (QueryError) SERVICE, LOAD and FROM/USING of graphs the store does not hold.
    `local_graphs`: the named-graph IRIs of the store. Returns what it found."""
    kinds, texts = _lex(text)
    report = GuardReport(kinds=kinds, texts=texts)
    prefixes: dict[str, str] = {}
    base = base_iri
    n = len(kinds)
    i = 0
    while i < n:
        if kinds[i] != "word":  # only keywords start what is checked below
            i += 1
            continue
        up = texts[i].upper()
        nxt = kinds[i + 1] if i + 1 < n else None
        if up == "PREFIX" and nxt == "pname" and i + 2 < n:
            iri = _resolve(kinds[i + 2], texts[i + 2], prefixes, base)
            if iri is not None:
                prefixes[texts[i + 1].split(":")[0]] = iri
            i += 3
            continue
        if up == "BASE" and nxt == "iri":
            base = _resolve(nxt, texts[i + 1], prefixes, base)
            i += 2
            continue
        if up in FORBIDDEN:
            raise QueryError(f"{FORBIDDEN[up]} (at character {_start(text, i) + 1})")
        if up in _UPDATE_WORDS:
            report.is_update = True
            report.form = report.form or "UPDATE"
        elif up in _QUERY_FORMS and report.form is None:
            report.form = up
        if up in ("FROM", "USING"):
            named = nxt == "word" and texts[i + 1].upper() == "NAMED"
            j = i + (2 if named else 1)
            iri = _resolve(kinds[j], texts[j], prefixes, base) if j < n else None
            if iri is None:
                raise QueryError(f"{up} at character {_start(text, i) + 1} must name a graph IRI")
            if iri not in local_graphs:
                raise QueryError(f"{up}{' NAMED' if named else ''} <{iri}> names no graph of this "
                                 f"store; this endpoint never fetches remote data "
                                 f"(at character {_start(text, i) + 1})")
            (report.from_named_graphs if named else report.from_graphs).append(iri)
            i = j + 1
            continue
        i += 1
    return report
