"""The REST lookups (`/api/*`) and their OpenAPI description (`/openapi.json`).

Thin HTTP over kg.lookup.documents: each view checks its query-string parameters, calls one
Lookups method and returns its JSON. Errors (KgError) become JSON bodies through the
app's error handler (kg.web.app): 400 for a bad parameter, naming it; 404 for an unknown
id. The OpenAPI 3.1 document is a data file, kg/web/static/openapi.json; tests validate
responses against it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, url_for

from kg import __version__
from kg.lookup import search as searching
from kg.web.arguments import single_args
from kg.web.state import get_state

OPENAPI_PATH = Path(__file__).resolve().parent / "static" / "openapi.json"

bp = Blueprint("api", __name__)


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The OpenAPI description of /api/* (kg/web/static/openapi.json), version filled in."""
    doc = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    doc["info"]["version"] = __version__
    return doc


def _answer(view: str, args: dict, compute) -> Response:
    """The JSON document `compute()` makes, kept in the server's answer cache (kg.query.cache:
    exact while the store cannot change) under the view and its parameters; errors are
    raised, never kept. `KG-Cache: hit|miss` says which it was when the cache is on."""
    cache = get_state().runner.cache
    key = ("api", view, tuple(sorted(args.items())))
    body = cache.get(key)
    if body is None:
        generation = cache.generation
        resp = current_app.json.response(compute())
        body = resp.get_data()
        cache.put(key, body, len(body) + 256, generation)
        state = "miss"
    else:
        resp = Response(body, mimetype="application/json")
        state = "hit"
    if cache.enabled:
        resp.headers["KG-Cache"] = state
    return resp


@bp.get("/api/features")
def features():
    a = single_args("hardware", "status", "release", "lang", "feature", "limit", "offset", "evidence", "subject", "q")
    return _answer("features", a, lambda: _with_next(get_state().lookups.features(**a), a))


def _with_next(doc: dict, args: dict) -> dict:
    """`next`: the URL of the following page, when a `limit` leaves features out."""
    if "limit" in doc and doc["offset"] + doc["count"] < doc["total"]:
        doc["next"] = url_for("api.features", **{**args, "offset": doc["offset"] + doc["count"]})
    return doc


@bp.get("/api/features/<path:fid>")
def feature(fid: str):
    a = single_args("lang")
    return _answer("feature", {**a, "id": fid}, lambda: get_state().lookups.feature(fid, **a))


@bp.get("/api/hardware")
def hardware():
    a = single_args("lang")
    return _answer("hardware", a, lambda: get_state().lookups.hardware(**a))


@bp.get("/api/releases")
def releases():
    a = single_args("lang")
    return _answer("releases", a, lambda: get_state().lookups.releases(**a))


@bp.get("/api/entries")
def entries():
    a = single_args("source", "page", "release")
    return _answer("entries", a, lambda: get_state().lookups.entries(**a))


@bp.get("/api/search")
def search():
    a = single_args("q", "release", "lang", "limit")
    state = get_state()
    return _answer("search", a, lambda: with_links(searching.search(state.lookups, state.store, **a)))


def with_links(doc: dict) -> dict:
    """The search answer with `url`s: each feature's and product's page, each entry's upstream
    source line (when its page has one) and the pages of the features it is about."""
    for hit in doc["features"] + doc["products"]:
        hit["url"] = url_for("pages.feature", ident=hit["id"])
    for hit in doc["entries"]:
        hit["url"] = hit["upstream"]
        for v in hit["versions"]:
            v["url"] = v["upstream"]
        for f in hit["features"]:
            f["url"] = url_for("pages.feature", ident=f["id"])
    return doc


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
