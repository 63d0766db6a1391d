"""`GET /export/graph.<fmt>`: the `kg export` formats over HTTP, options as query parameters.
`<fmt>` is the file extension of a row of the format registry (kg.formats.EXPORT_FORMATS).

    /export/graph.gexf?lang=zh&release=r1.2&include_entries=1&mode=static
    /export/graph.csv                      (a zip of nodes.csv and edges.csv)
    /export/graph.csv?table=edges          (one of the two tables: nodes or edges)
    /export/graph.ttl?release=r2.0&lang=en (RDF: the store's triples, filtered)
    /export/graph.gexf?feature=mixed-precision (one feature: its links; RDF: its triples and claims)

The store is opened read-only beside the query workers (reopened when it is rebuilt); exports
are built off the request threads, at most `export_concurrency` at once, and kept for repeats
(kg.web.export_builds): `KG-Cache: hit|miss` says which; a busy builder answers 503 + Retry-After.
"""
from __future__ import annotations

from flask import Blueprint, request, send_file

from kg.errors import InputError, NotFound
from kg.export.writers import ExportOptions, render
from kg.formats import EXPORT_FORMATS
from kg.query.catalogue import to_term
from kg.web.export_builds import EXPORT_RETRY_AFTER, ExportBusy
from kg.web.responses import error_response
from kg.web.state import get_state

bp = Blueprint("export", __name__)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _flag(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InputError(f"query parameter {name}={raw!r}: give 1/true or 0/false")


def options_from_request():
    mode = request.args.get("mode")
    if mode not in (None, "dynamic", "static"):
        raise InputError(f"query parameter mode={mode!r}: give dynamic or static")
    known = {"lang", "release", "include_entries", "mode", "table", "feature"}
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise InputError(f"unknown query parameter(s) {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    repeated = sorted(k for k in request.args if len(request.args.getlist(k)) > 1)
    if repeated:  # one value each, as /api and /queries ask: never silently pick one
        raise InputError(f"query parameter(s) {', '.join(repeated)} given more than once; give each once")
    return ExportOptions(lang=request.args.get("lang") or None,
                         release=request.args.get("release") or None,
                         include_entries=_flag("include_entries"),
                         dynamic=None if mode is None else mode == "dynamic",
                         feature=_feature(request.args.get("feature")))


def _feature(ident: str | None) -> str | None:
    """A feature's id (mixed-precision, candidate/<slug>) or IRI, as an IRI."""
    return to_term("feature", ident, "feature").value if ident else None


@bp.get("/export/graph.<fmt>")
def export_graph(fmt: str):
    export_format = EXPORT_FORMATS.get(fmt)
    if export_format is None:
        raise NotFound(f"no export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    options = options_from_request()
    table = request.args.get("table") or None    # graph.csv: nodes.csv + edges.csv zipped
    if table is not None and fmt != "csv":
        raise InputError("query parameter table applies to graph.csv only")
    key = (export_format.name, options, table)
    try:
        body, hit = get_state().exports.open(
            key, lambda store, out: render(store, export_format, options, table=table, out=out))
    except ExportBusy as e:
        resp = error_response(e.http_status, e.code, e.message)
        resp.headers["Retry-After"] = str(EXPORT_RETRY_AFTER)
        return resp
    stem = download_stem(request.args)
    name, mimetype = f"{stem}.{export_format.extension}", export_format.media_type
    if fmt == "csv":
        name, mimetype = (f"{stem}-{table}.csv", mimetype) if table else (f"{stem}-csv.zip", "application/zip")
    if mimetype.endswith(("+xml", "/n-triples", "/trig")):  # werkzeug adds it to text/*
        mimetype += "; charset=utf-8"
    resp = send_file(body, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    resp.headers["KG-Cache"] = "hit" if hit else "miss"
    return resp


def download_stem(args) -> str:
    """The saved file's name says what it holds: graph, then the feature, the release and a
    language other than English (graph-mixed-precision-r1.2-zh.gexf); only file-safe characters."""
    parts = ["graph", args.get("feature"), args.get("release"), args.get("lang") if args.get("lang") != "en" else None]
    return "-".join("".join(c if c.isalnum() or c in "._" else "-" for c in p) for p in parts if p)
