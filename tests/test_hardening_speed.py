"""Issue 15 item 15, the uncached path next to the engine: what its speed-ups must keep.

The speed itself is measured by the bench rows (`python tests/bench.py serve`: `kg serve
--cache-mb 0` next to a bare Flask + pyoxigraph app, 1 connection and 4 clients, one run);
a timing threshold here would be flaky on a shared machine. These tests hold the behaviour
the faster code paths must keep: the guard's tokens and refusals past comments and
whitespace, the console's content negotiation on a real `kg serve` (a SPARQL client's
Accept header now skips the ranking), SPARQL JSON answers written by Oxigraph in the worker
(the same bytes as from rows; cut and oversized answers from rows) and the `SELECT *` column
order from the guard's tokens.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.errors import KgError, QueryError
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


# --- the worker's answers: SPARQL JSON written by Oxigraph, exactly what the rows would give ---

def _select_queries():
    from kg.query.catalogue import load_catalogue, prepare
    catalogue = load_catalogue()
    for name in sorted(catalogue.queries):
        if catalogue.queries[name].form != "SELECT":
            continue
        try:
            yield name, prepare(catalogue, name, {})
        except KgError:  # a parameter without a default
            continue


def test_json_answers_written_by_the_engine_are_the_rows_written(two_release_store):
    from kg.query.engines import OxigraphEngine
    from kg.query.serializers import write_json
    engine = OxigraphEngine(str(two_release_store))
    native = 0
    for name, (query, subs) in _select_queries():
        fast, _ = engine.query(query.text, substitutions=subs, as_json=True)
        rows, _ = engine.query(query.text, substitutions=subs)
        assert write_json(fast) == write_json(rows), name
        if fast.json is not None:
            native += 1
            assert fast.rows is None and fast.count == len(rows.rows) == fast.size, name
    assert native >= 10  # every named query with defaults that names its columns


def test_json_answers_past_the_cap_or_the_size_bound_are_cut_from_rows(tmp_path):
    from kg.query.engines import OxigraphEngine
    from kg.query.serializers import write_json
    engine = OxigraphEngine(str(fixture_store(tmp_path)))
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    whole, _ = engine.query(text, as_json=True)
    assert whole.json is not None and whole.truncated is None
    bindings = json.loads(whole.json)["results"]["bindings"]
    cut, _ = engine.query(text, as_json=True, max_results=5)  # more rows than the cap: cut, marked
    doc = json.loads(write_json(cut))
    assert cut.json is None and cut.truncated == 5 and doc["results"]["bindings"] == bindings[:5]
    assert doc["truncated"]["limit"] == 5 and doc["head"]["link"] == ["urn:kg:results-truncated:5"]
    engine.native_json_max_bytes = 200  # too big to write whole: run again as rows
    again, _ = engine.query(text, as_json=True)
    assert again.json is None and again.truncated is None and write_json(again) == whole.json
    star, _ = engine.query("SELECT * WHERE { ?zz ?a ?m }", as_json=True, columns=["zz", "a", "m"])
    assert star.json is None and star.variables == ["zz", "a", "m"]  # reordered: from rows


def test_the_guard_gives_the_select_star_columns_it_tokenized():
    from kg.query.variables import star_columns, star_order
    text = "SELECT * { # ?c first?\n ?zz ?b '?a' . OPTIONAL { ?zz ?b ?m } }"
    report = check_query(text)
    assert star_columns(report.kinds, report.texts) == ["zz", "b", "m"]
    assert star_order(text, ["b", "m", "zz"], star_columns(report.kinds, report.texts)) == ["zz", "b", "m"]
    assert star_order(text, ["b", "m", "zz"]) == ["zz", "b", "m"]  # from the text: the same
    named = check_query("SELECT ?b ?zz { ?zz ?b ?m }")
    assert star_columns(named.kinds, named.texts) is None
