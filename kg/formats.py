"""The one registry of result and RDF formats, and content negotiation over it.

Each format is a row: name, kind, MIME types (the first is sent), aliases for the
`format` override / `--format` option, and a serializer. The HTTP layer and the
CLI both pick formats here; a new format is a new row.

Kinds: "results" (SELECT bindings and ASK booleans) and "graph" (CONSTRUCT,
DESCRIBE, the service description).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import InputError, NotAcceptable

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TRUNCATED_HEADER = "KG-Results-Truncated"


@dataclass
class Results:
    """A query result held in memory: exactly one of `boolean`, `rows` or `triples`.
    `truncated` is the cap when rows/triples were cut at it, else None."""
    variables: list[str] | None = None
    rows: list[list] | None = None
    boolean: bool | None = None
    triples: list | None = None
    truncated: int | None = None
    prefixes: dict[str, str] | None = None

    @property
    def kind(self) -> str:
        return "graph" if self.triples is not None else "results"


@dataclass(frozen=True)
class Format:
    name: str
    kind: str
    mimes: tuple[str, ...]
    aliases: tuple[str, ...]
    serialize: Callable[[Results], bytes]
    iri: str  # the W3C format IRI (service descriptions name formats by it)
    text: bool = True  # send `; charset=utf-8`

    @property
    def mime(self) -> str:
        return self.mimes[0]

    @property
    def content_type(self) -> str:
        return self.mime + ("; charset=utf-8" if self.text else "")


def truncation_note(res: Results) -> str:
    what = "triples" if res.kind == "graph" else "rows"
    return (f"results truncated: only the first {res.truncated} {what} are returned "
            f"(the server's result cap); narrow the query or use LIMIT/OFFSET")


# --- SPARQL results: JSON, XML, CSV, TSV, a plain table ----------------------

def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise TypeError(f"not an RDF term: {t!r}")


def write_json(res: Results) -> bytes:
    head: dict = {}
    if res.truncated is not None:
        head["link"] = [f"urn:kg:results-truncated:{res.truncated}"]
    if res.boolean is not None:
        doc = {"head": head, "boolean": res.boolean}
    else:
        head["vars"] = res.variables
        doc = {"head": head, "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(res.variables, row) if t is not None}
            for row in res.rows]}}
    if res.truncated is not None:
        doc["truncated"] = {"limit": res.truncated, "message": truncation_note(res)}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
                f"</predicate><object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {t!r}")


def write_xml(res: Results) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if res.truncated is not None:
        out.append(f"<!-- {escape(truncation_note(res))} -->")
    for v in res.variables or ():
        out.append(f"<variable name={quoteattr(v)}/>")
    if res.truncated is not None:
        out.append(f'<link href="urn:kg:results-truncated:{res.truncated}"/>')
    out.append("</head>\n")
    if res.boolean is not None:
        out.append(f"<boolean>{'true' if res.boolean else 'false'}</boolean>\n")
    else:
        out.append("<results>\n")
        for row in res.rows:
            out.append("<result>")
            for v, t in zip(res.variables, row):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>\n")
        out.append("</results>\n")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def _plain(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Triple):
        return f"<< {t} >>"
    return t.value


def write_csv(res: Results) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if res.boolean is not None:
        w.writerow(["_askResult"])
        w.writerow(["true" if res.boolean else "false"])
    else:
        w.writerow(res.variables)
        for row in res.rows:
            w.writerow([_plain(t) for t in row])
    return buf.getvalue().encode("utf-8")


def _tsv_term(t) -> str:
    if t is None:
        return ""
    return str(t).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_tsv(res: Results) -> bytes:
    if res.boolean is not None:
        return f"?_askResult\n{'true' if res.boolean else 'false'}\n".encode("utf-8")
    lines = ["\t".join("?" + v for v in res.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in res.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_table(res: Results) -> bytes:
    """Aligned columns for people at a terminal."""
    if res.boolean is not None:
        return (("true" if res.boolean else "false") + "\n").encode("utf-8")
    cells = [list(res.variables)] + [[_plain(t) for t in row] for row in res.rows]
    widths = [min(60, max((len(r[i]) for r in cells), default=0)) for i in range(len(res.variables))]
    lines = []
    for k, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(res.rows)} row{'s' if len(res.rows) != 1 else ''})")
    if res.truncated is not None:
        lines.append(truncation_note(res))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- RDF graphs --------------------------------------------------------------

def _rdf_writer(rdf_format: ox.RdfFormat, comment: str | None) -> Callable[[Results], bytes]:
    def write(res: Results) -> bytes:
        body = ox.serialize(res.triples, format=rdf_format,
                            prefixes=res.prefixes if rdf_format in (ox.RdfFormat.TURTLE,
                                                                    ox.RdfFormat.RDF_XML) else None)
        if res.truncated is not None and comment is not None:
            note = comment.format(truncation_note(res)).encode("utf-8")
            if rdf_format == ox.RdfFormat.RDF_XML and body.startswith(b"<?xml"):
                end = body.index(b"?>") + 2
                return body[:end] + b"\n" + note + body[end:]
            return note + b"\n" + body
        return body
    return write


FORMATS: list[Format] = [
    Format("json", "results", ("application/sparql-results+json", "application/json"),
           ("json", "srj"), write_json,
           ox.QueryResultsFormat.JSON.iri),
    Format("xml", "results", ("application/sparql-results+xml", "application/xml", "text/xml"),
           ("xml", "srx"), write_xml,
           ox.QueryResultsFormat.XML.iri),
    Format("csv", "results", ("text/csv",), ("csv",), write_csv, ox.QueryResultsFormat.CSV.iri),
    Format("tsv", "results", ("text/tab-separated-values",), ("tsv",), write_tsv, ox.QueryResultsFormat.TSV.iri),
    Format("table", "results", ("text/plain",), ("table", "text"), write_table,
           "urn:kg:format:table"),
    Format("turtle", "graph", ("text/turtle", "application/x-turtle"), ("turtle", "ttl", "table"),
           _rdf_writer(ox.RdfFormat.TURTLE, "# {}"), ox.RdfFormat.TURTLE.iri),
    Format("ntriples", "graph", ("application/n-triples", "text/plain"), ("ntriples", "nt"),
           _rdf_writer(ox.RdfFormat.N_TRIPLES, "# {}"), ox.RdfFormat.N_TRIPLES.iri),
    Format("rdfxml", "graph", ("application/rdf+xml", "application/xml", "text/xml"),
           ("rdfxml", "rdf", "xml"), _rdf_writer(ox.RdfFormat.RDF_XML, "<!-- {} -->"),
           ox.RdfFormat.RDF_XML.iri),
    Format("jsonld", "graph", ("application/ld+json", "application/json"), ("jsonld", "json"),
           _rdf_writer(ox.RdfFormat.JSON_LD, None), ox.RdfFormat.JSON_LD.iri),
]
DEFAULT = {"results": "json", "graph": "turtle"}
BY_NAME = {(f.kind, f.name): f for f in FORMATS}


def formats_for(kind: str) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


def get_format(kind: str, name: str) -> Format:
    """A format of `kind` by name, alias or MIME type (the `format` override, `--format`)."""
    key = name.strip().lower()
    for f in formats_for(kind):
        if key == f.name or key in f.aliases or key in f.mimes:
            return f
    known = sorted({a for f in formats_for(kind) for a in (f.name, *f.aliases)})
    other = [f for f in FORMATS if f.kind != kind and (key == f.name or key in f.aliases or key in f.mimes)]
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
