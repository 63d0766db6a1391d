"""Responses every blueprint sends the same way: a query answer, an error body (one format,
negotiated the same way on every route: error_format)."""
from __future__ import annotations

from flask import Response, json, render_template, request

from kg.formats import TRUNCATED_HEADER


def answer_response(answer, runner) -> Response:
    """The HTTP response of a query answer (kg.query.runner.Answer): its bytes in its format,
    Vary: Accept, the truncation marker when the result cap was hit, and whether the
    answer cache had it (`KG-Cache: hit|miss`, when the cache is on)."""
    resp = Response(answer.body, content_type=answer.format.content_type)
    resp.headers["Vary"] = "Accept"
    if answer.truncated is not None:
        resp.headers[TRUNCATED_HEADER] = str(answer.truncated)
    if runner.cache.enabled:
        resp.headers["KG-Cache"] = "hit" if answer.cached else "miss"
    return resp


def error_format() -> str:
    """How an error body is written, by the request's Accept header the same way on every route:
    "html" when its most wanted type is text/html (or XHTML), "text" when it is another text/*
    type (text/csv, text/turtle, text/plain, ...), "json" otherwise: JSON types and +json
    suffixes (application/sparql-results+json), */*, any other type, and no Accept at all."""
    for mime, quality in request.accept_mimetypes:  # most wanted first
        if quality <= 0:
            continue
        mime = mime.lower()
        if mime in ("text/html", "application/xhtml+xml"):
            return "html"
        kind, _, sub = mime.partition("/")
        if sub == "json" or sub.endswith("+json"):
            return "json"
        if kind == "text" and sub != "*":
            return "text"
        return "json"
    return "json"


def error_response(status: int, code: str, message: str, extra: dict | None = None) -> Response:
    """The one error body of /sparql, /queries, /api, /export and the minted IRIs: JSON
    {"error", "status", "message", ...}, a line of text or an HTML page (error_format)."""
    how = error_format()
    if how == "html":
        page = render_template("error.html", error={"http_status": status, "code": code, "message": message})
        return Response(page, status=status, content_type="text/html; charset=utf-8")
    if how == "json":
        body = {"error": code, "status": status, "message": message, **(extra or {})}
        return Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")
    return Response(f"{status} {code}: {message}\n", status=status,
                    content_type="text/plain; charset=utf-8")
