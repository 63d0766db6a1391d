"""The SPARQL 1.1 Protocol endpoint at /sparql.

GET ?query=, POST application/x-www-form-urlencoded, POST application/sparql-query;
default-graph-uri / named-graph-uri; the answer in the negotiated format (or the
`format` parameter); GET without a query returns the service description.
Updates are refused (403) unless the server allows them and the request carries
the configured bearer token.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from kg import formats as fmts
from kg.errors import ForbiddenError, InputError, KgError, QueryError
from kg.query.serializers import serialize
from kg.web.description import describe_service, endpoint_url
from kg.web.responses import answer_response
from kg.web.state import get_state

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET_PARAMS = ("using-graph-uri", "using-named-graph-uri")


def _one(values: list[str], name: str) -> str | None:
    if name == "format":    # SPARQLWrapper repeats it ("tsv" and its MIME type) or sends an empty one
        values = [v for v in values if v.strip()]
        known = [k for v in values if (k := _known_format(v))]
        if len(values) > 1 and known and frozenset.intersection(*(keys for _, keys in known)):
            return known[0][0]      # they agree: the first known value wins
    if len(values) > 1:
        raise QueryError(f"the request carries {len(values)} `{name}` parameters; send exactly one")
    return values[0] if values else None


def _known_format(value: str) -> tuple[str, frozenset] | None:
    """The first part of a `format` value that names a format (SPARQLWrapper sends "json-ld" and
    a list of MIME types, "application/ld+json,application/x-json+ld"), with the formats it
    names per kind of answer (results, graph); None when no part names one."""
    for part in (p.strip() for p in value.split(",")):
        keys = set()
        for kind in ("results", "graph"):
            try:
                keys.add((kind, fmts.get_format(kind, part).name))
            except KgError:
                pass
        if keys:
            return part, frozenset(keys)
    return None


def _body_text() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset.replace("-", "") != "utf8":
        raise InputError(f"the body must be UTF-8 (charset={charset} given)")
    data = request.get_data(cache=True)  # 413 above MAX_CONTENT_LENGTH
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"the body is not valid UTF-8 (byte {e.start})") from None


def _read_operation() -> tuple[str | None, str | None, dict[str, list[str]]]:
    """(query, update, parameters) from the request, per the protocol's three ways."""
    params = {k: request.args.getlist(k) for k in request.args}
    query = update = None
    if request.method in ("GET", "HEAD"):  # HEAD: the GET answer's headers
        if "update" in params:
            raise QueryError("SPARQL Update must be sent with POST, never GET")
        query = _one(params.get("query", []), "query")
        return query, None, params
    mimetype = request.mimetype
    if mimetype == FORM:
        if request.content_length and request.content_length > current_app.config["MAX_CONTENT_LENGTH"]:
            request.get_data()  # raises 413
        form = request.form
        for k in form:
            params.setdefault(k, []).extend(form.getlist(k))
        query = _one(params.get("query", []), "query")
        update = _one(params.get("update", []), "update")
        if query is not None and update is not None:
            raise QueryError("send either `query` or `update`, not both")
        if query is None and update is None:
            raise QueryError("the form carries neither `query` nor `update`")
    elif mimetype == QUERY:
        if "query" in params:
            raise QueryError("a direct POST carries the query in its body, not in `query=`")
        query = _body_text()
    elif mimetype == UPDATE:
        update = _body_text()
    else:
        raise UnsupportedMediaType(
            f"POST needs Content-Type {FORM}, {QUERY} or {UPDATE} "
            f"(got {request.content_type or 'none'})")
    return query, update, params


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    query, update, params = _read_operation()
    accept = ", ".join(request.headers.getlist("Accept")) or None
    override = _one(params.get("format", []), "format")
    if update is not None:
        return _run_update(update, params)
    if query is None:
        return _service_description(accept, override)
    if not query.strip():
        raise QueryError("empty query")
    runner = get_state().runner
    answer = runner.query(
        query, accept=accept, format=override, base_iri=request.base_url,
        default_graphs=params.get("default-graph-uri") if _has_dataset(params) else None,
        named_graphs=params.get("named-graph-uri") if _has_dataset(params) else None)
    return answer_response(answer, runner)


def _has_dataset(params: dict) -> bool:
    return any(params.get(p) for p in DATASET_PARAMS)


def _run_update(text: str, params: dict) -> Response:
    cfg = get_state().config
    token = cfg.get("update_token") or ""
    if not cfg.get("allow_update") or not token:
        raise ForbiddenError("SPARQL Update is disabled: this endpoint is read-only")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise ForbiddenError("SPARQL Update needs the server's update token "
                             "(Authorization: Bearer TOKEN)")
    if any(params.get(p) for p in UPDATE_DATASET_PARAMS):
        raise QueryError("using-graph-uri / using-named-graph-uri are not supported")
    answer = get_state().runner.update(text, base_iri=request.base_url)
    return Response(answer.body, content_type=answer.format.content_type)


def _service_description(accept: str | None, override: str | None) -> Response:
    fmt = fmts.negotiate("graph", accept, override)
    state = get_state()
    res = describe_service(endpoint_url(state.config.get("public_url"), request.base_url), state.runner,
                           update=bool(state.config.get("allow_update")))
    resp = Response(serialize(fmt, res), content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    return resp
