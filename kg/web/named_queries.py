"""The named queries over HTTP: `GET /queries` lists them, `GET /queries/<name>` runs one.

Query-string parameters are the named query's parameters (bound as typed terms by the
engine, never spliced) plus `format`, the result-format override; otherwise the
Accept header is negotiated over kg.formats, like /sparql. Queries run through the
app's query runner (worker processes, timeout, result cap) when it has one.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from kg.errors import InputError
from kg.web.responses import answer_response
from kg.web.state import get_state

bp = Blueprint("queries", __name__)


def get_catalogue():
    """The app's named-query catalogue (loaded once, by create_app)."""
    return get_state().catalogue


@bp.get("/queries")
def list_queries():
    items = []
    for q in get_catalogue():
        d = q.to_dict()
        d["url"] = url_for("queries.run_query", name=q.name)
        d["source"] = url_for("queries.query_source", name=q.name)
        items.append(d)
    return jsonify({"count": len(items), "queries": items})


@bp.get("/queries/<name>.rq")
def query_source(name: str):
    q = get_catalogue().get(name)
    return Response(q.text, content_type="application/sparql-query; charset=utf-8")


@bp.get("/queries/<name>")
def run_query(name: str):
    query = get_catalogue().get(name)
    values = {}
    for key in request.args:
        got = request.args.getlist(key)
        if len(got) > 1:
            raise InputError(f"parameter {key!r} given {len(got)} times; give it once")
        values[key] = got[0]
    override = values.pop("format", None)
    substitutions = query.bind(values)
    runner = get_state().runner
    answer = runner.query(query.text, accept=request.headers.get("Accept"), format=override,
                          substitutions=substitutions)
    return answer_response(answer, runner)
