"""The named queries over HTTP: `GET /queries` lists them, `GET /queries/<name>` runs one.

Query-string parameters are the named query's parameters (bound as typed terms by the
engine, never spliced) plus `format`, the result-format override; otherwise the
Accept header is negotiated over kg.formats, like /sparql. Queries run through the
app's query runner (worker processes, timeout, result cap) when it has one.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from kg.web.arguments import single_args
from kg.web.responses import answer_response
from kg.web.state import get_state

bp = Blueprint("queries", __name__)


@bp.get("/queries")
def list_queries():
    items = []
    for q in get_state().catalogue:
        d = q.to_dict()
        d["url"] = url_for("queries.run_query", name=q.name)
        d["source"] = url_for("queries.query_source", name=q.name)
        items.append(d)
    return jsonify({"count": len(items), "queries": items})


@bp.get("/queries/<name>.rq")
def query_source(name: str):
    q = get_state().catalogue.get(name)
    return Response(q.text, content_type="application/sparql-query; charset=utf-8")


@bp.get("/queries/<name>")
def run_query(name: str):
    query = get_state().catalogue.get(name)
    values = single_args()
    override = values.pop("format", None)
    substitutions = query.bind(values)
    runner = get_state().runner
    answer = runner.query(query.text, accept=request.headers.get("Accept"), format=override,
                          substitutions=substitutions)
    return answer_response(answer, runner)
