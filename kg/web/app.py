"""The Flask app factory: config, the query runner, blueprints, errors, CORS.

`create_app(config)` takes a dict whose keys are the names of kg.config settings
(`query_timeout`, `max_results`, `max_body`, `workers`, `cache_mb`, `allow_update`,
`update_token`) plus `store` (the store directory), `engine` ("oxigraph" or
"rdflib"), `isolate_network` and `queries_dir` (the named queries of /queries, the console
and /api/*; default: the project's queries/); anything missing comes from kg.config. The
app's state (kg.web.state.KgState: runner, catalogue, lookups, settings) lives in
`app.extensions["kg"]`; a test may pass a ready runner as `config["runner"]`.
"""
from __future__ import annotations

import atexit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from kg import config as kgconfig
from kg.errors import KgError, StoreError
from kg.query.runner import CLIENT, QueryRunner
from kg.web import api, exports, named_queries, pages, sparql
from kg.web.responses import error_response
from kg.web.state import KgState

# one blueprint per concern, each module's `bp`
BLUEPRINTS = [sparql.bp, named_queries.bp, api.bp, pages.bp, exports.bp]
EXPOSED_HEADERS = "Content-Type, Content-Length, KG-Results-Truncated, KG-Cache, ETag, Vary"


def _settings(config: dict | None) -> dict:
    cfg = {name: kgconfig.get(name) for name in kgconfig.SETTINGS}
    cfg.update({"store": None, "engine": "oxigraph", "isolate_network": True})
    cfg.update(config or {})
    return cfg


def create_app(config: dict | None = None) -> Flask:
    cfg = _settings(config)
    app = Flask("kg")
    app.config["MAX_CONTENT_LENGTH"] = int(cfg["max_body"])
    app.config["JSON_SORT_KEYS"] = False
    app.config["KG"] = cfg
    runner = cfg.get("runner")
    if runner is None:
        if not cfg["store"]:
            raise StoreError("no store given: create_app({'store': PATH})")
        runner = QueryRunner(cfg["store"], engine=cfg["engine"], workers=int(cfg["workers"]),
                             timeout=float(cfg["query_timeout"]), max_results=int(cfg["max_results"]),
                             allow_update=bool(cfg["allow_update"]),
                             isolate_network=bool(cfg["isolate_network"]),
                             cache_bytes=int(cfg["cache_mb"]) * 1024 * 1024,
                             client_workers=int(cfg["client_workers"]), max_queue=int(cfg["max_queue"]),
                             memory_mb=int(cfg["worker_memory_mb"]))
        atexit.register(runner.close)
    app.extensions["kg"] = KgState.create(cfg, runner)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.register_error_handler(KgError, _kg_error)
    app.register_error_handler(HTTPException, _http_error)
    app.before_request(_set_client)
    app.after_request(_conditional)
    app.after_request(_cors)
    return app


def _kg_error(e: KgError) -> Response:
    extra = {k: v for k, v in e.to_dict().items() if k not in ("error", "message")}
    resp = error_response(e.http_status, e.code, e.message, extra)
    if getattr(e, "retry_after", None):  # kg.query.pool.QueryBusy: the server is busy, not broken
        resp.headers["Retry-After"] = str(e.retry_after)
    return resp


def _set_client() -> None:
    """Who asks, for the query workers' fair share per client (kg.query.pool)."""
    CLIENT.set(request.remote_addr)


def _http_error(e: HTTPException) -> Response:
    code = (e.name or "error").lower().replace(" ", "-")
    message = e.description or e.name
    if e.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        size = request.content_length
        message = (f"request body{f' of {size} bytes' if size else ''} is over the limit of "
                   f"{limit} bytes (setting KG_MAX_BODY)")
    resp = error_response(e.code or 500, code, message)
    if e.code == 405 and getattr(e, "valid_methods", None):
        resp.headers["Allow"] = ", ".join(e.valid_methods)
    return resp


def _conditional(resp: Response) -> Response:
    """ETag on every complete 200 answer to GET, and 304 Not Modified when the client
    already has it (If-None-Match): browsers and SPARQL clients revalidate for free."""
    if (request.method in ("GET", "HEAD") and resp.status_code == 200
            and not resp.is_streamed and not resp.direct_passthrough and "ETag" not in resp.headers):
        resp.add_etag()
        resp.make_conditional(request)
    return resp


def _cors(resp: Response) -> Response:
    """Let browser clients (Yasgui and the like) call every route, preflight included."""
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type, Authorization")
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp
