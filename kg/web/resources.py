"""Linked Data: every IRI the build mints (`<base>feature/LSTM`, `<base>answer/<id>`, ...) can be
followed on the server under the same path (`/feature/LSTM`). A browser (asking for HTML) is
sent on with 303 See Other to the page about it (a feature's page, a release's matrix, else the
SPARQL console describing it); any other client gets the resource's own triples (a CONSTRUCT
through the query workers, negotiated like /sparql: Turtle, JSON-LD, N-Triples, RDF/XML). An
IRI the graph says nothing about is a 404. `iri_path` gives the server path of a minted IRI
(the console and result tables link IRIs there)."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, request, url_for

from kg.terms.iris import KINDS
from kg.web.responses import answer_response
from kg.web.state import get_state

bp = Blueprint("resources", __name__)

# a local name as minted (kg.terms.iris.slugify: ASCII letters, digits, -._~ and %-escapes; / between parts)
_LOCAL = re.compile(r"[A-Za-z0-9._~%\-/]+")
_FEATURE_KINDS = ("feature", "candidate", "subject")
RDF_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


def base_iri() -> str:
    b = get_state().config["base_iri"]
    return b if b.endswith(("/", "#")) else b + "/"


def iri_path(iri: str) -> str | None:
    """The server path of an IRI minted under the configured base (None for any other IRI)."""
    base = base_iri()
    if not iri.startswith(base):
        return None
    kind, _, local = iri[len(base):].partition("/")
    return f"{request.script_root}/{kind}/{local}" if kind in KINDS and local and _LOCAL.fullmatch(local) else None


@bp.get(f"/<any({', '.join(KINDS)}):kind>/<path:local>")
def resource(kind: str, local: str) -> Response:
    local = quote(local, safe="-._~/%")     # the path arrives decoded; IRIs keep their %-escapes
    if not _LOCAL.fullmatch(local):
        abort(404)
    iri = f"{base_iri()}{kind}/{local}"
    runner = get_state().runner
    known = runner.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}", format="json")
    if not json.loads(known.body).get("boolean"):
        abort(404, description=f"the graph says nothing about <{iri}>")
    best = request.accept_mimetypes.best_match(["text/html", *RDF_TYPES], default="text/turtle")
    if best == "text/html" and request.accept_mimetypes[best] > request.accept_mimetypes["text/turtle"]:
        return redirect(_page_of(kind, local, iri), code=303)
    accept = ", ".join(request.headers.getlist("Accept")) or "text/turtle"
    if "html" in accept and not any(t in accept for t in RDF_TYPES):
        accept = "text/turtle"
    answer = runner.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", accept=accept)
    resp = answer_response(answer, runner)
    resp.headers["Link"] = f'<{_page_of(kind, local, iri)}>; rel="alternate"; type="text/html"'
    return resp


def _page_of(kind: str, local: str, iri: str) -> str:
    if kind in _FEATURE_KINDS:
        return url_for("pages.feature", ident=local if kind == "feature" else f"{kind}/{local}")
    if kind == "release":
        return url_for("pages.matrix", release=local)
    return url_for("sparql.sparql", query=f"DESCRIBE <{iri}>")
