"""The one registry of formats, and content negotiation over it.

Each format is one row of `FORMATS`: name, kind, MIME types (the first is sent), aliases for
the `format` override / `--format` option, file extension, and which side offers it. Every
user reads it from here: content negotiation for /sparql and /queries, `kg query --format`,
`kg export -f`, the `/export/graph.<ext>` routes and the service description. A new format
is a new row (plus its writer).

Kinds: "results" (SELECT bindings and ASK booleans), "graph" (RDF: CONSTRUCT, DESCRIBE, the
service description, RDF exports, files loaded into a store) and "network" (the networkx
projection: GEXF, GraphML, CSV node/edge tables). Query answers use the rows with
`query=True`; exports (`kg export`, `kg build --format`) the rows with `export=True`, each
named by its file extension; every "graph" row can be loaded (`kg load`, by extension).

This module stays light (no pyoxigraph) so the CLI can build its option choices from it;
the writers live in kg.query.serializers (answers), kg.store (RDF files) and kg.export.writers
(network exports), and each reads its rows from here.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from kg.errors import InputError, NotAcceptable

TRUNCATED_HEADER = "KG-Results-Truncated"


@dataclass
class Results:
    """A query result held in memory: exactly one of `boolean`, `rows`, `triples` or `json`.
    `truncated` is the cap when rows/triples were cut at it, else None."""
    variables: list[str] | None = None
    rows: list[list] | None = None
    boolean: bool | None = None
    triples: list | None = None
    truncated: int | None = None
    prefixes: dict[str, str] | None = None
    labels: dict[str, str] | None = None  # IRI -> what a person reads for it (the table format)
    # the whole answer already written as SPARQL JSON by the engine (then `rows` is None), byte
    # for byte what the JSON writer makes of its rows; `count` rows, none cut
    json: bytes | None = None
    count: int | None = None

    @property
    def kind(self) -> str:
        return "graph" if self.triples is not None else "results"

    @property
    def size(self) -> int | None:
        """How many rows or triples it holds (None for a boolean)."""
        for items in (self.rows, self.triples):
            if items is not None:
                return len(items)
        return self.count


@dataclass(frozen=True)
class Format:
    name: str
    kind: str                     # "results", "graph" (RDF) or "network"
    mimes: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    extension: str = ""           # file extension; an export format is named by it
    iri: str = ""                 # the W3C format IRI (service descriptions name formats by it)
    writer: str = ""              # results: a key of kg.query.serializers.RESULT_WRITERS
    syntax: str = ""              # graph: the pyoxigraph RdfFormat member
    comment: str | None = None    # graph: a comment line in this syntax (truncation note)
    query: bool = False           # offered for query answers (/sparql, /queries, kg query)
    export: bool = False          # offered by kg export and /export/graph.<extension>
    suffixes: tuple[str, ...] = ()  # other file extensions read as this format (kg export -o, kg load)
    text: bool = True             # send `; charset=utf-8`

    @property
    def mime(self) -> str:
        return self.mimes[0]

    media_type = mime

    @property
    def content_type(self) -> str:
        return self.mime + ("; charset=utf-8" if self.text else "")

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every file extension read as this format: its own, then the other ones."""
        return (self.extension, *self.suffixes) if self.extension else self.suffixes


def truncation_note(res: Results) -> str:
    what = "triples" if res.kind == "graph" else "rows"
    return (f"results truncated: only the first {res.truncated} {what} are returned "
            f"(the server's result cap); narrow the query or use LIMIT/OFFSET")


_W3C = "http://www.w3.org/ns/formats/"
FORMATS: list[Format] = [
    # query results (SELECT, ASK)
    Format("json", "results", ("application/sparql-results+json", "application/json"),
           ("json", "srj"), "srj", _W3C + "SPARQL_Results_JSON", writer="json", query=True),
    Format("xml", "results", ("application/sparql-results+xml", "application/xml", "text/xml"),
           ("xml", "srx"), "srx", _W3C + "SPARQL_Results_XML", writer="xml", query=True),
    Format("csv", "results", ("text/csv",), ("csv",), "csv", _W3C + "SPARQL_Results_CSV",
           writer="csv", query=True),
    Format("tsv", "results", ("text/tab-separated-values",), ("tsv",), "tsv",
           _W3C + "SPARQL_Results_TSV", writer="tsv", query=True),
    Format("table", "results", ("text/plain",), ("table", "text"), "txt", "urn:kg:format:table",
           writer="table", query=True),
    # the networkx projection (exports only)
    Format("gexf", "network", ("application/gexf+xml",), extension="gexf", export=True,
           suffixes=("xml",)),
    Format("graphml", "network", ("application/graphml+xml",), extension="graphml", export=True),
    Format("csv", "network", ("text/csv",), extension="csv", export=True),
    # RDF graphs (CONSTRUCT, DESCRIBE; the store's triples in exports)
    Format("turtle", "graph", ("text/turtle", "application/x-turtle"), ("turtle", "ttl", "table"),
           "ttl", _W3C + "Turtle", syntax="TURTLE", comment="# {}", query=True, export=True,
           suffixes=("turtle",)),
    Format("ntriples", "graph", ("application/n-triples", "text/plain"), ("ntriples", "nt"),
           "nt", _W3C + "N-Triples", syntax="N_TRIPLES", comment="# {}", query=True, export=True,
           suffixes=("ntriples",)),
    Format("rdfxml", "graph", ("application/rdf+xml", "application/xml", "text/xml"),
           ("rdfxml", "rdf", "xml", "rdf+xml"), "rdf", _W3C + "RDF_XML", syntax="RDF_XML",
           comment="<!-- {} -->", query=True, suffixes=("owl", "xml")),
    Format("jsonld", "graph", ("application/ld+json", "application/json"), ("jsonld", "json"),
           "jsonld", _W3C + "JSON-LD", syntax="JSON_LD", query=True,
           export=True, suffixes=("json",)),
    Format("trig", "graph", ("application/trig",), ("trig",), "trig", _W3C + "TriG",
           syntax="TRIG", comment="# {}", export=True),
    # RDF files a store loads (kg load), never written
    Format("nquads", "graph", ("application/n-quads",), ("nquads", "nq"), "nq", _W3C + "N-Quads",
           syntax="N_QUADS", suffixes=("nquads",)),
    Format("n3", "graph", ("text/n3",), ("n3",), "n3", _W3C + "N3", syntax="N3", query=True),
]
DEFAULT = {"results": "json", "graph": "turtle"}
BY_NAME = {(f.kind, f.name): f for f in FORMATS if f.query}
# export formats by file extension, in registry order (kg export -f, /export/graph.<ext>)
EXPORT_FORMATS: dict[str, Format] = {f.extension: f for f in FORMATS if f.export}


def rdf_exports() -> dict[str, Format]:
    """The RDF rows of EXPORT_FORMATS (`kg build --format`, RDF files of `kg export`)."""
    return {ext: f for ext, f in EXPORT_FORMATS.items() if f.kind == "graph"}


def rdf_file_format(key: str, extension_only: bool = False) -> Format | None:
    """The graph format a file extension names (or, unless `extension_only`, a format name,
    alias or MIME type); None if none does."""
    key = key.strip().lower().lstrip(".")
    for f in FORMATS:
        if f.kind == "graph" and key in f.extensions:
            return f
    if extension_only:
        return None
    return next((f for f in FORMATS if f.kind == "graph"
                 and (key == f.name or key in f.aliases or key in f.mimes)), None)


def rdf_file_extensions() -> list[str]:
    """Every file extension a store loads, sorted (the `known:` list of errors)."""
    return sorted({e for f in FORMATS if f.kind == "graph" for e in f.extensions})


def query_formats() -> list[Format]:
    """The formats of query answers, results first (the service description lists them)."""
    return [f for f in FORMATS if f.query]


def formats_for(kind: str) -> list[Format]:
    """The query-answer formats of `kind` ("results" or "graph"), in negotiation order."""
    return [f for f in FORMATS if f.query and f.kind == kind]


def query_format_names() -> list[str]:
    """Names `kg query --format` takes: results formats first, then RDF graph formats."""
    return [f.name for f in formats_for("results")] + [f.name for f in formats_for("graph")]


def get_format(kind: str, name: str) -> Format:
    """A format of `kind` by name, alias or MIME type (the `format` override, `--format`)."""
    key = name.strip().lower()
    for f in formats_for(kind):
        if key == f.name or key in f.aliases or key in f.mimes:
            return f
    known = sorted({a for f in formats_for(kind) for a in (f.name, *f.aliases)})
    other = [f for f in query_formats()
             if f.kind != kind and (key == f.name or key in f.aliases or key in f.mimes)]
    what = "query results" if kind == "results" else "RDF graphs"
    if other:
        raise NotAcceptable(f"format {name!r} cannot express {what}; use one of: {', '.join(known)}")
    raise InputError(f"unknown format {name!r} for {what}; use one of: {', '.join(known)}")


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """Accept header -> [(media range, q, position)]; malformed parts are skipped."""
    out = []
    for pos, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        rng = bits[0].lower()
        if not rng or "/" not in rng:
            continue
        q = 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        out.append((rng, q, pos))
    return out


def _quality(mime: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int] | None:
    """q and position of the most specific range matching `mime` (RFC 9110 12.5.1)."""
    typ, sub = mime.split("/")
    best = None
    for rng, q, pos in ranges:
        rt, _, rs = rng.partition("/")
        if rng == mime:
            spec = 2
        elif rt == typ and rs == "*":
            spec = 1
        elif rt == "*" and rs == "*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q, pos)
    return None if best is None else (best[1], best[2])


@functools.lru_cache(maxsize=512)  # clients send a few Accept headers over and over (a refusal is not kept)
def negotiate(kind: str, accept: str | None, override: str | None = None) -> Format:
    """Pick the format of `kind` for an Accept header (q-values, wildcards, several
    headers joined by commas), or the `override` name when given. 406 if nothing fits."""
    if override:
        return get_format(kind, override)
    ranges = parse_accept(accept)
    if not ranges:
        return BY_NAME[(kind, DEFAULT[kind])]
    best = None
    for order, f in enumerate(formats_for(kind)):
        for k, mime in enumerate(f.mimes):
            # wildcards match a format's main type only: text/* is not a request for text/xml
            found = _quality(mime, ranges if k == 0 else [r for r in ranges if r[0] == mime])
            if found is None or found[0] <= 0:
                continue
            q, pos = found
            spec_exact = any(r == mime for r, _, _ in ranges)
            # higher q first; then a format named exactly over one matched by a wildcard;
            # then the client's order; then ours (the registry order)
            key = (q, spec_exact, -pos if spec_exact else 0, -order)
            if best is None or key > best[0]:
                best = (key, f)
    if best is None:
        offered = ", ".join(m for f in formats_for(kind) for m in f.mimes[:1])
        raise NotAcceptable(f"none of the accepted media types ({accept}) is available "
                            f"for {'query results' if kind == 'results' else 'RDF graphs'}; "
                            f"available: {offered}")
    return best[1]
