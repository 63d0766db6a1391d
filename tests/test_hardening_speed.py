"""Issue 15 item 15, the uncached path next to the engine: what its speed-ups must keep.

The speed itself is measured by the bench rows (`python tests/bench.py serve`: `kg serve
--cache-mb 0` next to a bare Flask + pyoxigraph app, 1 connection and 4 clients, one run);
a timing threshold here would be flaky on a shared machine. These tests hold the behaviour
the faster code paths must keep: the guard's tokens and refusals past comments and
whitespace, and the console's content negotiation on a real `kg serve` (a SPARQL client's
Accept header now skips the ranking).
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.errors import QueryError
from kg.query.guard import MAX_DEPTH, check_query, tokenize
from tests.kgserver import fixture_store, kg_serve


def _kinds(text: str) -> list[tuple[str, str, int]]:
    return [(t.kind, t.text, t.pos) for t in tokenize(text)]


def test_tokens_skip_comments_and_whitespace_and_keep_their_positions():
    text = "  # a comment with SERVICE and <http://x/>\n\tSELECT ?x # trailing FROM <y>\n{ ?x a 'q#not' } # end"
    toks = _kinds(text)
    assert [k for k, _, _ in toks] == ["word", "var", "punct", "var", "word", "string", "punct"]
    for _, tok, pos in toks:
        assert text[pos:pos + len(tok)] == tok
    assert _kinds("") == [] and _kinds("   \n# only a comment") == [] and _kinds("ASK{}#") == [
        ("word", "ASK", 0), ("punct", "{", 3), ("punct", "}", 4)]
    assert check_query(text).form == "SELECT"  # keywords in comments and strings are not keywords


def test_refusals_still_see_through_comments():
    with pytest.raises(QueryError, match="SERVICE"):
        check_query("SELECT * { # c\n SERVICE <http://x/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="ambiguous"):  # a comment between the operand and '<'
        check_query("SELECT * { ?s ?p ?x FILTER (?x # c\n <SERVICE>) }")
    deep = "SELECT * { " + "# (((\n" + "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1) + " }"
    with pytest.raises(QueryError, match=f"limit is {MAX_DEPTH}") as e:
        check_query(deep)
    assert f"at character {deep.index('(' * (MAX_DEPTH + 1)) + MAX_DEPTH}" in str(e.value)


def test_the_console_answers_browsers_only(tmp_path):
    store = fixture_store(tmp_path)
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    with kg_serve(store, "--workers", "1", "--cache-mb", "0") as url:
        def content_type(accept: str | None, target: str) -> str:
            req = urllib.request.Request(target, headers={"Accept": accept} if accept is not None else {})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    return r.headers["Content-Type"]
            except urllib.error.HTTPError as e:  # 406: no format of this kind fits (the description)
                assert e.code == 406, (accept, target, e.code)
                return e.headers["Content-Type"]
        for accept, html in ((None, False), ("application/sparql-results+json", False), ("*/*", False),
                             ("text/*", False), ("text/html", True),
                             ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
                             ("application/xml;q=0.9, text/html;q=0.1", False)):
            for target in (url, f"{url}?{query}"):
                got = content_type(accept, target)
                assert got.startswith("text/html") == html, (accept, target, got)
