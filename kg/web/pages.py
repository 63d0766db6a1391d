"""The web pages: home, support matrix, features, feature, search, graph.

Thin views over `kg.lookup.pages` / `kg.lookup.feature_page` (plain data from named queries) and
Jinja templates in kg/web/templates/. Pages work without JavaScript (forms, links and
CSS `:target`); the graph page needs it for cytoscape.js, served from the project's
own node_modules (installed by `make install` from the npm registry; never a CDN).

The SPARQL console (GET /sparql for browsers) is kg.web.console's.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, send_from_directory, url_for

from kg import __version__, config
from kg.errors import InputError, KgError, NotFound
from kg.lookup import feature_page as featuredata
from kg.lookup import pages as pagedata
from kg.lookup import search as searching
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


@bp.route("/search")
def search():
    """The search page: the form alone without `q`; with it, the hits (kg.lookup.search) or the
    error (a bad parameter, a store without a search index) on the page, with its status."""
    state = get_state()
    q = request.args.get("q", "")
    release, lang = _arg("release"), _arg("lang")
    results, error = None, None
    if q.strip():
        try:
            results = searching.search(state.lookups, state.store, q, release=release, lang=lang,
                                       limit=_arg("limit"))
        except KgError as e:
            error = e
    return render_template("search.html", q=q, results=results, error=error, release=release,
                           lang=lang, releases=pagedata.release_names(_run())), error.http_status if error else 200


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
