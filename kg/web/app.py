"""The Flask app factory: config, the query runner, blueprints, errors, CORS.

`create_app(config)` takes a dict whose keys are the names of kg.config settings
(`query_timeout`, `max_results`, `max_body`, `workers`, `cache_mb`, `allow_update`,
`update_token`, `backend`, `backend_graph`, ...) plus `store` (the store directory; with
`backend`, a copy of the published store for the exports and the search index, or None),
`backend_named_graphs`, `backend_user`, `backend_password_env`, `engine` ("oxigraph" or
"rdflib"), `isolate_network` and `queries_dir` (the named queries of /queries, the console
and /api/*; default: the project's queries/); anything missing comes from kg.config. The
app's state (kg.web.state.KgState: runner, catalogue, lookups, settings) lives in
`app.extensions["kg"]`; a test may pass a ready runner as `config["runner"]`.

Every response carries the security headers (SECURITY_HEADERS: a CSP under which the
pages run no inline script) and an X-Request-Id; every request leaves one JSON line on
stderr (setting access_log), and 5xx answers and refusals an error line (kg.web.logs).
With trust_proxy, X-Forwarded-For/-Proto/-Host/-Prefix are honoured (ProxyFix); never
otherwise. GET /healthz says whether the query workers are alive.
"""
from __future__ import annotations

import atexit
import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from kg import config as kgconfig
from kg.errors import InputError, KgError, StoreError
from kg.query.runner import CLIENT, QueryRunner
from kg.web import api, console, exports, logs, named_queries, pages, resources, sparql
from kg.web.responses import error_response
from kg.web.state import KgState

# one blueprint per concern, each module's `bp`
BLUEPRINTS = [sparql.bp, named_queries.bp, api.bp, pages.bp, console.bp, exports.bp, resources.bp]
EXPOSED_HEADERS = "Content-Type, Content-Length, KG-Results-Truncated, KG-Cache, ETag, Vary, X-Request-Id"
# cytoscape.js adds one <style> element to the page (".__________cytoscape_container
# { position: relative; }"); that exact text is allowed by its hash, nothing else inline
CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' " + CYTOSCAPE_STYLE + "; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_SECURITY_ITEMS = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]
# request headers that can make an answer 304/412 (werkzeug's make_conditional reads these)
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger(__name__)


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
    logs.configure()
    public = urlsplit(cfg.get("public_url") or "")
    if cfg.get("public_url") and (public.scheme not in ("http", "https") or not public.netloc
                                  or public.query or public.fragment):
        raise InputError(f"public_url {cfg['public_url']!r} is not an http(s) base URL "
                         "(e.g. https://kg.example.org/; setting KG_PUBLIC_URL)")
    if cfg.get("allow_update") and not cfg.get("update_token"):
        log.warning("allow_update is on but update_token is empty: every SPARQL Update is refused "
                    "(set KG_UPDATE_TOKEN)")
    if cfg.get("trust_proxy"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    runner = cfg.get("runner")
    if runner is None:
        source, engine = cfg["store"], cfg["engine"]
        if cfg.get("backend"):  # answered by a remote store (kg.query.remote_engine)
            source, engine = _backend(cfg), "remote"
        elif not cfg["store"]:
            raise StoreError("no store given: create_app({'store': PATH})")
        runner = QueryRunner(source, engine=engine, workers=int(cfg["workers"]),
                             timeout=float(cfg["query_timeout"]), max_results=int(cfg["max_results"]),
                             allow_update=bool(cfg["allow_update"]),
                             isolate_network=bool(cfg["isolate_network"]),
                             cache_bytes=int(cfg["cache_mb"]) * 1024 * 1024,
                             client_workers=int(cfg["client_workers"]), max_queue=int(cfg["max_queue"]),
                             memory_mb=int(cfg["worker_memory_mb"]),
                             cache_ttl=float(cfg["backend_cache_ttl"]))
        atexit.register(runner.close)
    app.extensions["kg"] = KgState.create(cfg, runner)
    # before the blueprints' hooks: the console answers from one of those (kg.web.pages)
    app.before_request(_start_request)
    app.before_request(_set_client)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.jinja_env.globals["iri_path"] = resources.iri_path     # result tables link minted IRIs here
    app.add_url_rule("/healthz", "healthz", _healthz)
    app.register_error_handler(KgError, _kg_error)
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_log_request)  # Flask runs these last registered first: the log sees the final headers
    app.after_request(_secure)
    app.after_request(_conditional)
    app.after_request(_cors)
    return app


def _backend(cfg: dict) -> dict:
    """The RemoteEngine arguments of `backend`: its URL, our graphs there, the credentials (the
    password by the name of its environment variable: never on a worker's command line)."""
    return {"url": cfg["backend"], "graph": cfg.get("backend_graph") or kgconfig.published_graph(),
            "named_graphs": list(cfg.get("backend_named_graphs") or ()), "user": cfg.get("backend_user"),
            "password_env": cfg.get("backend_password_env")}


def _start_request() -> None:
    g.kg_t0 = time.perf_counter()
    given = request.headers.get("X-Request-Id", "")
    g.kg_request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _healthz() -> Response:
    """200 while at least one query worker is alive, else 503 (for a load balancer or a supervisor)."""
    runner = current_app.extensions["kg"].runner
    pool = getattr(runner, "pool", None)
    workers = pool.workers() if pool is not None else []
    alive = sum(1 for w in workers if w.alive())
    body = {"status": "ok" if alive else "unavailable", "workers": alive, "size": runner.size,
            "replaced": getattr(runner, "kills", 0)}
    resp = jsonify(body)
    resp.status_code = 200 if alive else 503
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _secure(resp: Response) -> Response:
    headers = resp.headers
    present = {key.lower() for key, _ in headers}  # one pass (setdefault scans once per header)
    for key, name, value in _SECURITY_ITEMS:
        if key not in present:
            headers.add(name, value)
    headers["X-Request-Id"] = g.get("kg_request_id") or uuid.uuid4().hex
    return resp


def _log_request(resp: Response) -> Response:
    logs.request_done(request, resp, request_id=resp.headers.get("X-Request-Id", ""), t0=g.get("kg_t0"),
                      error=g.get("kg_error"), access=bool(current_app.config["KG"].get("access_log", True)))
    return resp


def _kg_error(e: KgError) -> Response:
    extra = {k: v for k, v in e.to_dict().items() if k not in ("error", "message")}
    g.kg_error = (e.code, e.message)
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
    if (e.code or 500) >= 500 or e.code in (413, 429):
        cause = getattr(e, "original_exception", None)  # an unhandled exception, become a 500
        g.kg_error = (code, f"{type(cause).__name__}: {cause}" if cause else message)
        if cause:
            log.error("unhandled %s in %s %s", type(cause).__name__, request.method, request.path,
                      exc_info=cause)
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
        environ = request.environ
        if any(h in environ for h in CONDITIONAL):  # else it would only add Date (waitress does)
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
