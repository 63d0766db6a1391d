"""The serializers of query answers: SPARQL results (JSON, XML, CSV, TSV, a plain table)
and RDF graphs. kg.formats holds the registry and picks the format; `serialize(fmt, res)`
writes it. Kept apart from the registry so that reading the registry (the CLI's option
choices) does not import pyoxigraph.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.formats import Format, Results, truncation_note
from kg.query.labels import compact_iri
from kg.store import rdf_format as syntax_of

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# the syntaxes that declare prefixes (@prefix / xmlns): the answer's prefix map is bound in them
PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3, ox.RdfFormat.RDF_XML)


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
    if res.json is not None:  # the engine wrote it (kg.query.engines)
        return res.json
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


def _for_people(t, labels: dict[str, str]) -> str:
    """A cell of the table: an IRI by its label or compacted (kg.query.labels), else as _plain."""
    if isinstance(t, ox.NamedNode):
        return labels.get(t.value) or compact_iri(t.value)
    return _plain(t)


def write_table(res: Results) -> bytes:
    """Aligned columns for people at a terminal: IRIs shown by their labels (`res.labels`)
    or compacted with the prefix map."""
    if res.boolean is not None:
        return (("true" if res.boolean else "false") + "\n").encode("utf-8")
    labels = res.labels or {}
    cells = [list(res.variables)] + [[_for_people(t, labels) for t in row] for row in res.rows]
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

def write_rdf(res: Results, fmt: Format) -> bytes:
    """Triples in the RDF syntax of `fmt`; a truncated answer starts with a comment saying so
    (in the syntax's comment form `fmt.comment`; JSON-LD has none)."""
    rdf_format = syntax_of(fmt)
    body = ox.serialize(res.triples, format=rdf_format,
                        prefixes=res.prefixes if rdf_format in PREFIXED else None)
    if res.truncated is not None and fmt.comment is not None:
        note = fmt.comment.format(truncation_note(res)).encode("utf-8")
        if rdf_format == ox.RdfFormat.RDF_XML and body.startswith(b"<?xml"):
            end = body.index(b"?>") + 2
            return body[:end] + b"\n" + note + body[end:]
        return note + b"\n" + body
    return body


# query-result writers by the registry's `writer` name
RESULT_WRITERS: dict[str, Callable[[Results], bytes]] = {
    "json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv, "table": write_table,
}


def serialize(fmt: Format, res: Results) -> bytes:
    """`res` in the format `fmt` (a row of kg.formats.FORMATS of kind results or graph)."""
    if fmt.kind == "graph":
        return write_rdf(res, fmt)
    if fmt.kind != "results":
        raise TypeError(f"{fmt.name} ({fmt.kind}) is an export format, not a query answer format")
    return RESULT_WRITERS[fmt.writer](res)
