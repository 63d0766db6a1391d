"""Responses every blueprint sends the same way: a query answer, an error body."""
from __future__ import annotations

from flask import Response, json, request

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


def wants_json() -> bool:
    """Error bodies: JSON for API paths and clients that accept JSON, plain text otherwise."""
    accept = ",".join(request.headers.getlist("Accept")).lower()
    return request.path.startswith(("/api", "/queries")) or "json" in accept


def error_response(status: int, code: str, message: str, extra: dict | None = None) -> Response:
    if wants_json():
        body = {"error": code, "status": status, "message": message, **(extra or {})}
        return Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")
    return Response(f"{status} {code}: {message}\n", status=status,
                    content_type="text/plain; charset=utf-8")
