"""The REST lookups (`/api/*`) and their OpenAPI description (`/openapi.json`).

Thin HTTP over kg.lookups: each view checks its query-string parameters, calls one
Lookups method and returns its JSON. Errors (KgError) become JSON bodies through the
app's error handler (kg.app): 400 for a bad parameter, naming it; 404 for an unknown
id. The OpenAPI 3.1 document is a data file, kg/static/openapi.json; tests validate
responses against it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from kg.errors import InputError

OPENAPI_PATH = Path(__file__).resolve().parent / "static" / "openapi.json"

bp = Blueprint("api", __name__)


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The OpenAPI description of /api/* (kg/static/openapi.json), version filled in."""
    from kg import __version__

    doc = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    doc["info"]["version"] = __version__
    return doc


def get_lookups():
    """The Lookups of the running app, made once over its query runner (worker
    processes, timeout, result cap) and kept in app.extensions["kg"]."""
    from kg.lookups import Lookups, pool_runner
    from kg.queries_bp import get_catalogue

    ext = current_app.extensions["kg"]
    lookups = ext.get("lookups")
    if lookups is None:
        lookups = ext["lookups"] = Lookups(pool_runner(ext["runner"]), get_catalogue())
    return lookups


def _args(*allowed: str) -> dict[str, str]:
    """The query-string parameters, refusing unknown or repeated ones (400, named)."""
    out = {}
    for key in request.args:
        if key not in allowed:
            raise InputError(f"unknown parameter {key!r} (parameters: {', '.join(allowed)})")
        values = request.args.getlist(key)
        if len(values) > 1:
            raise InputError(f"parameter {key!r} given {len(values)} times; give it once")
        out[key] = values[0]
    return out


@bp.get("/api/features")
def features():
    a = _args("hardware", "status", "release", "lang", "feature")
    return jsonify(get_lookups().features(**a))


@bp.get("/api/features/<path:fid>")
def feature(fid: str):
    a = _args("lang")
    return jsonify(get_lookups().feature(fid, **a))


@bp.get("/api/hardware")
def hardware():
    return jsonify(get_lookups().hardware(**_args("lang")))


@bp.get("/api/releases")
def releases():
    return jsonify(get_lookups().releases(**_args("lang")))


@bp.get("/api/entries")
def entries():
    return jsonify(get_lookups().entries(**_args("source", "page", "release")))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
