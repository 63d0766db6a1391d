"""The web pages: home, support matrix, feature, graph, and the SPARQL console.

Thin views over `kg.lookup.pages` / `kg.lookup.feature_page` (plain data from named queries) and
Jinja templates in kg/web/templates/. Pages work without JavaScript (forms, links and
CSS `:target`); the graph page needs it for cytoscape.js, served from the project's
own node_modules (installed by `make install` from the npm registry; never a CDN).

The console shares its URL with the SPARQL endpoint: a GET /sparql whose Accept header
prefers text/html over every result format gets the console (content negotiation in
`_console_for_browsers`, before the endpoint's view runs); everything else reaches the
endpoint untouched.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for

from kg import __version__, config
from kg import formats as fmts
from kg.errors import InputError, KgError, NotFound
from kg.lookup import feature_page as featuredata
from kg.lookup import pages as pagedata
from kg.model import LANGUAGES
from kg.web.graph_elements import build_elements
from kg.web.state import get_state

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/kg")

# third-party browser code, served from node_modules: URL name -> (package, file in it)
VENDOR = {
    "cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
}
NODE_MODULES = config.PROJECT_DIR / "node_modules"
# every media type a query answer comes in (the registry's): a browser asks for none of them
RESULT_TYPES = tuple(dict.fromkeys(m for f in fmts.query_formats() for m in f.mimes))
EXAMPLE_QUERY = """PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# Which features does an entry say are supported on GPU?
SELECT ?feature ?label ?release WHERE {
  ?s kg:feature ?feature ; kg:hardware ?hw ; kg:status ?st ; kg:release ?r .
  ?hw skos:notation "GPU" . ?st skos:notation "supported" . ?r skos:notation ?release .
  OPTIONAL { ?feature skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
ORDER BY ?label ?release
LIMIT 50"""


def _run():
    """The named-query `run` callable of the app (its query workers)."""
    return get_state().lookups.run


def _arg(name: str, default: str | None = None) -> str | None:
    value = request.args.get(name, default)
    return value or default


def _lang() -> str:
    lang = _arg("lang", "en")
    if lang not in LANGUAGES:
        raise InputError(f"parameter 'lang': {lang!r} is not a language of the graph "
                         f"(use one of: {', '.join(LANGUAGES)})")
    return lang


def _default_release(releases: list[str]) -> str | None:
    """The latest numbered release (master last only when nothing else has entries)."""
    numbered = [r for r in releases if r != "master"]
    return (numbered or releases or [None])[-1]


def _chosen_release():
    """(runner, releases with entries, the release asked for or the default one)."""
    run = _run()
    releases = pagedata.release_names(run)
    return run, releases, _arg("release") or _default_release(releases)


@bp.app_context_processor
def _globals():
    return {"version": __version__, "sparql_url": (request.script_root if request else "") + "/sparql"}


bp.add_app_template_global(pagedata.status_class, "status_class")
bp.add_app_template_global(pagedata.local_id, "local_id")


@bp.app_template_global("params_without")
def params_without(params: dict, *names: str) -> dict:
    """`params` less `names` (a download link without the page's release or language)."""
    return {k: v for k, v in params.items() if k not in names and v}


@bp.app_template_test("web_link")
def is_web_link(iri) -> bool:
    """Only http(s) IRIs become links: a `javascript:` or `data:` IRI in a result is text."""
    return isinstance(iri, str) and urlsplit(iri.strip()).scheme.lower() in ("http", "https")


@bp.errorhandler(KgError)
def _page_error(e: KgError):
    return render_template("error.html", error=e), e.http_status


@bp.route("/")
def home():
    data = pagedata.overview(_run())
    latest = _default_release([r["release"] for r in data["releases"]])
    return render_template("home.html", data=data, latest=latest)


@bp.route("/matrix")
def matrix():
    run, releases, release = _chosen_release()
    if release is None:
        return render_template("matrix.html", m=None, releases=releases, lang=_lang())
    m = pagedata.matrix(run, release, _lang(), _arg("compare"), known=releases)
    return render_template("matrix.html", m=m, releases=releases, lang=m["lang"])


@bp.route("/features")
def features():
    lang = _lang()
    data = featuredata.feature_list(_run(), lang, _arg("q"))
    return render_template("features.html", data=data, lang=lang)


@bp.route("/features/<path:ident>")
def feature(ident: str):
    lang = _lang()
    try:
        f = featuredata.feature(_run(), ident, lang, only_lang=request.args.get("lang") or None)
    except NotFound:
        canonical = featuredata.resolve_feature(_run(), ident)
        if canonical is None or canonical == ident:
            raise
        return redirect(url_for("pages.feature", ident=canonical, lang=lang), code=301)
    return render_template("feature.html", f=f, lang=lang)


@bp.route("/graph")
def graph():
    """The support graph of one release: the GEXF's graph (kg.web.graph_elements), drawn at
    its positions in its colours."""
    _, releases, release = _chosen_release()
    lang = _lang()
    g, elements = None, "null"
    if release:
        pagedata.check_release(releases, "release", release)
        body, _ = get_state().exports.open(
            ("page-graph", release, lang), lambda store, out: build_elements(store, out, release=release, lang=lang))
        with body:
            raw = body.read().decode("utf-8")
        g = {"release": release, "lang": lang, **json.loads(raw)}
        g["links"] = sorted((e for e in g["edges"] if e["relation"] == "support"),
                            key=lambda e: (e["sourceLabel"].casefold(), e["targetLabel"]))
        data = {"nodes": g["nodes"], "edges": g["edges"],
                "featureUrl": url_for("pages.feature", ident="ID", lang=lang)}
        # inside <script>: "</" must not end the element early
        elements = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return render_template("graph.html", g=g, releases=releases, lang=lang, elements=elements)


@bp.route("/vendor/<name>")
def vendor(name: str):
    """Third-party browser code from node_modules (see VENDOR), cached for a day."""
    if name not in VENDOR:
        abort(404)
    package, file = VENDOR[name]
    folder = NODE_MODULES / package
    if not (folder / file).is_file():
        raise KgError(f"{package} is not installed: run `make install` (npm ci)",
                      path=str(folder / file))
    return send_from_directory(folder, file, max_age=86400)


# --- the SPARQL console (GET /sparql for browsers) -------------------------------------

def prefers_html() -> bool:
    """True when the Accept header ranks text/html above every result format (a browser),
    and no `format` override asks for a result format."""
    raw = request.headers.get("Accept", "")
    if request.args.get("format") or ("html" not in raw and "*" not in raw):
        return False  # (the second: text/html matches nothing in it; SPARQL clients, cheaply)
    accept = request.accept_mimetypes
    best = accept.best_match(list(RESULT_TYPES) + ["text/html"])
    return best == "text/html" and accept["text/html"] > max(accept[t] for t in RESULT_TYPES)


@bp.before_app_request
def _console_for_browsers():
    if request.path in ("/sparql", "/sparql/") and request.method == "GET" and prefers_html():
        body, status = console()
        return current_app.response_class(body, status=status, headers={"Vary": "Accept"},
                                          content_type="text/html; charset=utf-8")
    return None


def console():
    """The console page. With `query`, runs it (through the same workers, guard and
    limits as the endpoint) and shows the result as a table; with `name`, runs that named
    query with its default parameters (bound as typed terms) and shows its text."""
    catalogue = get_state().catalogue
    query, name = request.args.get("query"), request.args.get("name")
    result, error, named = None, None, None
    try:
        if name:
            named = catalogue.get(name)
            query = named.text
            if not any(p.required and p.default is None for p in named.params):
                result = run_console_query(query, named.bind({}))
        elif query:
            result = run_console_query(query)
    except KgError as e:
        error = e
    examples = [{"name": q.name, "title": q.title, "description": q.description,
                 "params": [p for p in q.params if p.default is not None]} for q in catalogue]
    status = error.http_status if error else 200
    return render_template("console.html", query=query or EXAMPLE_QUERY, result=result,
                           error=error, examples=examples, named=named), status


def run_console_query(text: str, substitutions: dict | None = None) -> dict:
    """Run a query for the console: {form, variables, rows, boolean, text, truncated, seconds}."""
    answer = get_state().runner.query(text, format="json", base_iri=request.base_url,
                                      substitutions=substitutions)
    out = {"form": answer.form, "truncated": answer.truncated, "seconds": answer.seconds,
           "variables": [], "rows": [], "boolean": None, "text": None}
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        out["text"] = json.dumps(json.loads(answer.body), indent=2, ensure_ascii=False)
        return out
    doc = json.loads(answer.body)
    if "boolean" in doc:
        out["boolean"] = doc["boolean"]
        return out
    out["variables"] = doc["head"].get("vars", [])
    out["rows"] = [[b.get(v) for v in out["variables"]] for b in doc["results"]["bindings"]]
    return out
