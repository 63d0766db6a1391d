"""The named queries over HTTP: `GET /queries` lists them, `GET /queries/<name>` runs one.

Query-string parameters are the named query's parameters (bound as typed terms by the
engine, never spliced) plus `format`, the result-format override; otherwise the
Accept header is negotiated over kg.formats, like /sparql. Queries run through the
app's query runner (worker processes, timeout, result cap) when it has one.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from kg.errors import InputError

bp = Blueprint("queries", __name__)


def get_catalogue():
    """The app's named-query catalogue, loaded once into app.extensions["kg"]."""
    from kg.query.catalogue import load_catalogue

    ext = current_app.extensions["kg"]
    catalogue = ext.get("catalogue")
    if catalogue is None:
        catalogue = ext["catalogue"] = load_catalogue(ext["config"].get("queries_dir"))
    return catalogue


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
    runner = current_app.extensions["kg"]["runner"]
    answer = runner.query(query.text, accept=request.headers.get("Accept"), format=override,
                          substitutions=substitutions)
    return answer_response(answer, runner)


def answer_response(answer, runner) -> Response:
    """The HTTP response of a query answer (kg.query.runner.Answer): its bytes in its format,
    Vary: Accept, the truncation marker when the result cap was hit, and whether the
    answer cache had it (`KG-Cache: hit|miss`, when the cache is on)."""
    from kg.formats import TRUNCATED_HEADER

    resp = Response(answer.body, content_type=answer.format.content_type)
    resp.headers["Vary"] = "Accept"
    if answer.truncated is not None:
        resp.headers[TRUNCATED_HEADER] = str(answer.truncated)
    if runner.cache.enabled:
        resp.headers["KG-Cache"] = "hit" if answer.cached else "miss"
    return resp
