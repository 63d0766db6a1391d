"""The SPARQL console: GET /sparql for browsers.

The console shares its URL with the SPARQL endpoint: a GET /sparql whose Accept header
prefers text/html over every result format gets the console (content negotiation in
`_console_for_browsers`, before the endpoint's view runs); everything else reaches the
endpoint untouched.

`?query=` runs a query; `?name=` runs a named query with the values of its parameters from
the same query string (a labelled field each: a select of the vocabulary's releases in release
order, hardware, statuses and languages; free text otherwise), bound as typed terms. Results
show PAGE_SIZE rows at a time from `?offset=` (the answer is cached by the query runner, so
the next page is a cache hit), with the total and a link to the next rows (console.js loads
them in place).
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request

from kg import formats as fmts
from kg.errors import InputError, KgError
from kg.model import LANGUAGES
from kg.terms.ontology import CLOSED_KINDS, known_concepts
from kg.web.state import get_state

bp = Blueprint("console", __name__, template_folder="templates")

PAGE_SIZE = 100
# every media type a query answer comes in (the registry's): a browser asks for none of them
RESULT_TYPES = tuple(dict.fromkeys(m for f in fmts.query_formats() for m in f.mimes))
EXAMPLE_QUERY = """PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# Which features does an entry say are supported on GPU, in which releases?
# (DISTINCT: many entries, in both languages, say the same of one feature and release)
SELECT DISTINCT ?feature ?label ?release WHERE {
  ?s kg:feature ?feature ; kg:hardware ?hw ; kg:status ?st ; kg:release ?r .
  ?hw skos:notation "GPU" . ?st skos:notation "supported" .
  ?r skos:notation ?release ; kg:releaseOrder ?order .
  OPTIONAL { ?feature skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
ORDER BY LCASE(?label) ?feature ?order
LIMIT 200"""


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


def _offset() -> int:
    raw = request.args.get("offset") or "0"
    if not raw.isdigit() or len(raw) > 9:
        raise InputError(f"parameter 'offset': {raw!r} is not a row number (0, 100, ...)")
    return int(raw)


def param_fields(named, values: dict) -> list[dict]:
    """The form fields of a named query's parameters: {name, kind, help, value, required,
    default, options} with `options` [(value, label)] for the closed kinds and languages."""
    fields = []
    for p in named.params:
        options = None
        if p.kind in CLOSED_KINDS:
            options = [(n, n) for n in known_concepts(p.kind).values()]
        elif p.kind == "lang":
            options = [(lang, lang) for lang in LANGUAGES]
        if options is not None and not p.required and p.default is None:
            options = [("", "(any)")] + options
        value = values.get(p.name, p.default or "")
        if options is not None and value and value not in {v for v, _ in options}:
            options.append((value, value))  # an IRI given instead of a notation
        fields.append({"name": p.name, "kind": p.kind, "help": p.help, "value": value,
                       "required": p.required and p.default is None, "default": p.default,
                       "options": options})
    return fields


def console():
    """The console page (see the module doc): (HTML, status)."""
    catalogue = get_state().catalogue
    query, name = request.args.get("query"), request.args.get("name")
    result, error, named, fields, missing = None, None, None, [], []
    try:
        offset = _offset()
        if name:
            named = catalogue.get(name)
            query = named.text
            values = {p.name: request.args[p.name] for p in named.params
                      if request.args.get(p.name, "").strip()}
            fields = param_fields(named, values)
            missing = [f for f in fields if f["required"] and not values.get(f["name"])]
            if not missing:
                result = run_console_query(query, named.bind(values), offset=offset)
        elif query:
            result = run_console_query(query, offset=offset)
    except KgError as e:
        error = e
    if result is not None and result["next"] is not None:
        args = request.args.to_dict()
        args["offset"] = str(result["next"])
        result["next_url"] = request.path + "?" + urlencode(args)
    examples = [{"name": q.name, "title": q.title, "description": q.description,
                 "params": [p for p in q.params if p.default is not None]} for q in catalogue]
    status = error.http_status if error else 200
    return render_template("console.html", query=query or EXAMPLE_QUERY, result=result, error=error,
                           examples=examples, named=named, fields=fields, missing=missing,
                           page_size=PAGE_SIZE), status


def run_console_query(text: str, substitutions: dict | None = None, offset: int = 0) -> dict:
    """Run a query for the console: {form, variables, rows (PAGE_SIZE of them from `offset`),
    total, first, next (offset of the next page or None), boolean, text, truncated, seconds}."""
    answer = get_state().runner.query(text, format="json", base_iri=request.base_url,
                                      substitutions=substitutions)
    out = {"form": answer.form, "truncated": answer.truncated, "seconds": answer.seconds,
           "variables": [], "rows": [], "total": 0, "first": offset, "next": None,
           "boolean": None, "text": None}
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        out["text"] = json.dumps(json.loads(answer.body), indent=2, ensure_ascii=False)
        return out
    doc = json.loads(answer.body)
    if "boolean" in doc:
        out["boolean"] = doc["boolean"]
        return out
    out["variables"] = doc["head"].get("vars", [])
    bindings = doc["results"]["bindings"]
    out["total"] = len(bindings)
    page = bindings[offset:offset + PAGE_SIZE]
    out["rows"] = [[b.get(v) for v in out["variables"]] for b in page]
    if offset + PAGE_SIZE < len(bindings):
        out["next"] = offset + PAGE_SIZE
    return out
