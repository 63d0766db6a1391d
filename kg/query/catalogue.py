"""Named queries: the catalogue of `queries/*.rq`, their headers, and safe parameter binding.

A named query is one `.rq` file; its stem is its name. The comment header before the
query says what it is and which of its variables are parameters:

    # title: Features supported on a hardware
    # description: Which features ... (continuation lines are indented)
    # param hardware hardware = Ascend: hardware notation or IRI
    # param feature feature required: feature slug or IRI
    # param release release: release notation or IRI (optional: no default)

`param NAME KIND [= DEFAULT | required]: HELP`. NAME is a variable of the query
(`?NAME`/`$NAME`), KIND says how a value given as text becomes an RDF term
(an IRI minted by `kg.terms.iris.mint_iri` for vocabulary kinds, a typed literal otherwise).

Values are never spliced into the query text: they are bound as typed terms through
the engine's substitution (pyoxigraph `substitutions`, SEP-0007), which replaces the
variable in the parsed query. A parameter must therefore be in the query's SELECT
projection (and projected by any subquery that uses it). A parameter without a value
and without a default stays a free variable: it matches anything. To test whether an
optional parameter was given, use `COALESCE(STR(?p), "") = ""`, not `BOUND(?p)`:
Oxigraph substitutes the value into the expressions, and BOUND() of it is false.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote

import pyoxigraph as ox

from kg import config
from kg.errors import InputError, KgError, NotFound, QueryError
from kg.formats import Results
from kg.query.variables import reorder_rows, star_order
from kg.terms.iris import mint_iri
from kg.terms.ontology import CLOSED_KINDS, known_concepts

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

# kinds whose values are IRIs minted from a notation/slug (or given as a full IRI)
IRI_KINDS = ("feature", "hardware", "status", "release", "product", "scheme", "subject")
# kinds whose values are literals
LITERAL_KINDS = ("string", "lang", "integer")
KINDS = IRI_KINDS + LITERAL_KINDS

_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^#\s*param\s+[?$]?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>[a-z]+)"
    r"(?:\s*=\s*(?P<default>[^\s:]+)|\s+(?P<required>required))?\s*:\s*(?P<help>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<text>\S.*)$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# a notation or slug: word characters, dots, dashes, percent escapes; at most one "/"
# (status "n/a", feature "candidate/<slug>")
_LOCAL_NAME = re.compile(r"^[\w.\-%]+(?:/[\w.\-%]+)?$")
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
MAX_VALUE_LENGTH = 2000
# names the HTTP layer uses itself (`?format=json` picks the result format; the console takes
# `query`, `name` and `offset` beside a named query's parameters)
RESERVED = ("format", "query", "name", "offset")


class CatalogueError(KgError):
    """A named query file that cannot be used (bad header, parameter not in the query)."""
    code = "bad-named-query"
    http_status = 500


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None = None
    required: bool = False
    help: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "default": self.default,
                "required": self.required, "help": self.help}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: str = ""
    form: str = "SELECT"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "form": self.form, "parameters": [p.to_dict() for p in self.params]}

    def bind(self, values: Mapping[str, str] | None = None) -> dict:
        """Typed RDF terms for the parameters: {variable name: pyoxigraph term}, as
        `QueryRunner.query(substitutions=...)` takes them.

        `values` maps parameter names to text as given on a URL or command line.
        Unknown names, missing required parameters and malformed values raise
        InputError naming the parameter."""
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise InputError(f"unknown parameter {unknown[0]!r} for query {self.name!r} "
                             f"(parameters: {known})")
        bound = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                if p.required:
                    raise InputError(f"parameter {p.name!r} of query {self.name!r} is required "
                                     f"({p.help})")
                raw = p.default
            if raw is None:
                continue
            bound[p.name] = to_term(p.kind, raw, p.name)
        return bound


def to_term(kind: str, value: str, name: str = "value"):
    """The RDF term for a parameter value given as text (raises InputError naming `name`)."""
    if not isinstance(value, str):
        raise InputError(f"parameter {name!r}: expected text, got {type(value).__name__}")
    value = value.strip()
    if len(value) > MAX_VALUE_LENGTH:
        raise InputError(f"parameter {name!r}: value longer than {MAX_VALUE_LENGTH} characters")
    if kind in IRI_KINDS:
        if _ABSOLUTE_IRI.match(value):
            try:
                term = ox.NamedNode(value)
            except ValueError as e:
                raise InputError(f"parameter {name!r}: not a valid IRI: {e}") from None
            return _check_known(kind, term, value, name)
        if not _LOCAL_NAME.match(value):
            raise InputError(f"parameter {name!r}: {value!r} is not a {kind} name or IRI")
        return _check_known(kind, ox.NamedNode(_mint(kind, unquote(value))), value, name)
    if kind == "string":
        return ox.Literal(value)
    if kind == "lang":
        if not _LANG_TAG.match(value):
            raise InputError(f"parameter {name!r}: {value!r} is not a language tag (en, zh, ...)")
        return ox.Literal(value.lower())
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise InputError(f"parameter {name!r}: {value!r} is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD_INTEGER))
    raise InputError(f"parameter {name!r}: unknown kind {kind!r}")


def _check_known(kind: str, term, value: str, name: str):
    """`term` when the vocabulary knows it (for release/hardware/status), else InputError
    naming the parameter and listing the known notations."""
    if kind not in CLOSED_KINDS:
        return term
    known = known_concepts(kind)
    if term.value not in known:
        raise InputError(f"parameter {name!r}: unknown {kind} {value!r} "
                         f"(known: {', '.join(known.values())})")
    return term


def _mint(kind: str, local: str) -> str:
    if kind == "feature" and local.startswith(("candidate/", "subject/")):
        prefix, rest = local.split("/", 1)
        return mint_iri(prefix, rest)
    return mint_iri(kind, local)


# --- the catalogue ------------------------------------------------------------------

def parse_named_query(text: str, name: str, path: str = "") -> NamedQuery:
    """A NamedQuery from the text of a `.rq` file (header comment + query)."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None   # "title" / "description" / "param" being continued
    body_start = 0
    lines = text.splitlines()
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            body_start = i
            break
        if (m := _PARAM.match(stripped)):
            kind = m["kind"]
            if kind not in KINDS:
                raise CatalogueError(f"parameter {m['name']!r} has unknown kind {kind!r} "
                                     f"(kinds: {', '.join(KINDS)})", path=path, line=i)
            if m["name"] in RESERVED:
                raise CatalogueError(f"parameter name {m['name']!r} is reserved "
                                     f"({', '.join(RESERVED)})", path=path, line=i)
            if any(p.name == m["name"] for p in params):
                raise CatalogueError(f"parameter {m['name']!r} declared twice", path=path, line=i)
            params.append(Param(m["name"], kind, m["default"], bool(m["required"]),
                                m["help"].strip()))
            last = "param"
        elif stripped.startswith("# param") or stripped.startswith("#param"):
            raise CatalogueError("malformed parameter line (expected "
                                 "`# param NAME KIND [= DEFAULT | required]: HELP`)",
                                 path=path, line=i)
        elif (m := _CONTINUATION.match(line.rstrip())) and last:
            if last == "param":
                p = params[-1]
                params[-1] = Param(p.name, p.kind, p.default, p.required, f"{p.help} {m['text']}")
            else:
                meta[last] += " " + m["text"].strip()
        elif (m := _HEADER.match(stripped)) and m["key"] in ("title", "description"):
            meta[m["key"]] = m["value"].strip()
            last = m["key"]
        else:
            last = None
    if not body_start:
        raise CatalogueError("no query after the header", path=path)
    if "title" not in meta:
        raise CatalogueError("header has no `# title:` line", path=path, line=1)
    body = "\n".join(lines[body_start - 1:])
    for p in params:
        if not re.search(rf"[?$]{p.name}\b", body):
            raise CatalogueError(f"parameter {p.name!r} is not a variable of the query",
                                 path=path)
        if p.default is not None:
            try:
                to_term(p.kind, p.default, p.name)
            except InputError as e:
                raise CatalogueError(f"bad default: {e.message}", path=path) from None
    form = _query_form(body)
    return NamedQuery(name=name, title=meta["title"], description=meta.get("description", ""),
                      params=tuple(params), text=text, path=path, form=form)


def _query_form(body: str) -> str:
    without_iris = re.sub(r"<[^>\s]*>", "<>", body)
    without_comments = re.sub(r"#[^\n]*", "", without_iris)
    m = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", without_comments, re.IGNORECASE)
    return m.group(1).upper() if m else "SELECT"


@dataclass
class Catalogue:
    """The named queries of a folder, by name (file stem), in name order."""
    queries: dict[str, NamedQuery] = field(default_factory=dict)
    directory: str = ""

    def __iter__(self):
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: str) -> bool:
        return name in self.queries

    def get(self, name: str) -> NamedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise NotFound(f"no named query {name!r} (known: {', '.join(self.queries)})") from None

    def to_list(self) -> list[dict]:
        return [q.to_dict() for q in self]


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Read every `*.rq` of `directory` (default: the project's queries/ folder)."""
    d = Path(directory) if directory is not None else config.QUERIES_DIR
    if not d.is_dir():
        raise InputError("no such folder of named queries", path=str(d))
    queries = {}
    for path in sorted(d.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise CatalogueError(f"not UTF-8: {e}", path=str(path)) from None
        queries[path.stem] = parse_named_query(text, path.stem, str(path))
    return Catalogue(queries, str(d))


# --- running --------------------------------------------------------------------------

def prepare(catalogue: Catalogue, name: str, values: Mapping[str, str] | None = None):
    """(NamedQuery, substitutions) for running `name` with `values` (raises NotFound /
    InputError). The substitutions map variable names to typed pyoxigraph terms."""
    query = catalogue.get(name)
    return query, query.bind(values)


def run_named(store, name: str, values: Mapping[str, str] | None = None,
              catalogue: Catalogue | None = None):
    """Run a named query directly on a pyoxigraph store (in this process; the server
    runs them through its query runner instead). Returns pyoxigraph's result object."""
    catalogue = catalogue or load_catalogue()
    query, substitutions = prepare(catalogue, name, values)
    try:
        return store.query(query.text,
                           substitutions={ox.Variable(k): v for k, v in substitutions.items()})
    except SyntaxError as e:
        raise QueryError(f"named query {name!r} does not parse: {e}", path=query.path) from None
    except RuntimeError as e:
        raise QueryError(f"named query {name!r} failed: {e}", path=query.path) from None


def solutions_to_dicts(solutions) -> list[dict]:
    """SELECT results as a list of {variable: python value} (IRIs and literals as str,
    integers as int); unbound variables are left out."""
    names = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        row = {}
        for n in names:
            term = s[n]
            if term is not None:
                row[n] = term_value(term)
        rows.append(row)
    return rows


def term_value(term):
    """A plain Python value for an RDF term: str for IRIs/literals, int for xsd:integer."""
    dt = getattr(term, "datatype", None)
    if dt is not None and dt.value == XSD_INTEGER:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return term.value


def results_on_store(store, query: NamedQuery, substitutions: dict, max_results: int = 10000):
    """A named query's answer on a pyoxigraph store in this process, as kg.formats.Results
    (capped at `max_results`, `truncated` set when the cap was hit)."""
    try:
        r = store.query(query.text,
                        substitutions={ox.Variable(k): v for k, v in substitutions.items()})
    except (SyntaxError, RuntimeError) as e:
        raise QueryError(f"named query {query.name!r} failed: {e}", path=query.path) from None
    if isinstance(r, ox.QueryBoolean):
        return Results(boolean=bool(r))
    items, truncated = [], None
    for x in r:
        if len(items) >= max_results:
            truncated = max_results
            break
        items.append(list(x) if isinstance(r, ox.QuerySolutions) else x)
    if isinstance(r, ox.QuerySolutions):
        variables = [v.value for v in r.variables]
        ordered = star_order(query.text, variables)
        return Results(variables=ordered, rows=reorder_rows(variables, ordered, items), truncated=truncated)
    return Results(triples=items, truncated=truncated)


def parse_param_options(pairs) -> dict[str, str]:
    """`--param k=v` options -> {k: v} (InputError naming a malformed or repeated one)."""
    values: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        if name in values:
            raise InputError(f"--param {name!r} given twice")
        values[name] = value
    return values
