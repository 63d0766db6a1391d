"""SPARQL engines as the query workers see them: Oxigraph (the store's own), rdflib, and a
remote SPARQL 1.1 store (kg.query.remote_engine, `kg serve --backend`).

Both return a kg.formats.Results capped at `max_results`, so the same serializers
write either engine's answer. rdflib is here as the benchmark baseline only.
"""
from __future__ import annotations

import io
import os
import re

import pyoxigraph as ox

from kg.errors import ForbiddenError, QueryError, StoreError
from kg.formats import Results
from kg.query.labels import store_labels
from kg.query.remote_engine import RemoteEngine
from kg.query.variables import FROM_TEXT, reorder_rows, star_order
from kg.store import open_store
from kg.terms.iris import prefix_map


def _syntax_error(e: SyntaxError) -> QueryError:
    """Oxigraph's parser message on one line: position first, character classes summarised."""
    msg = " ".join((e.args[0] if e.args else str(e)).split())
    msg = re.sub(r"\['[^\]]*\]", "a name character", msg)  # ['A'..='Z' | ...]
    msg = re.sub(r"(a name character, )+a name character", "a name character", msg.replace("[_]", "a name character"))
    m = re.match(r"error at (\d+):(\d+): (.*)", msg)
    if m:
        msg = f"at line {m.group(1)}, column {m.group(2)}: {m.group(3)}"
    return QueryError(f"syntax error {msg}")


# A read-only store at most this big on disk is copied into memory when a worker opens it:
# Oxigraph answers from memory 2-3x faster than from RocksDB (every triple pattern and every
# term decoded is a RocksDB read), and the served store never changes. The full corpus is
# ~30 MB on disk and ~90 MB in memory per worker. A bigger store is queried on disk.
MEMORY_COPY_MAX_BYTES = 128 * 1024 * 1024


# A SELECT answer asked for as SPARQL JSON is written by Oxigraph itself (in Rust, ~20x faster
# than building it from Python rows) up to this many bytes; a bigger one is run again and cut
# at the result cap from rows.
NATIVE_JSON_MAX_BYTES = 16 * 1024 * 1024


class _TooBig(Exception):
    pass


class _BoundedBuffer(io.BytesIO):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise _TooBig
        return super().write(data)


def _native_json(solutions: ox.QuerySolutions, limit: int) -> bytes | None:
    """The solutions as SPARQL JSON written by Oxigraph, or None past `limit` bytes."""
    out = _BoundedBuffer(limit)
    try:
        solutions.serialize(out, format=ox.QueryResultsFormat.JSON)
    except _TooBig:
        return None
    return out.getvalue()


def store_bytes(path) -> int:
    """Size of a store directory on disk (its files, not recursing)."""
    total = 0
    with os.scandir(path) as entries:
        for e in entries:
            if e.is_file(follow_symlinks=False):
                total += e.stat(follow_symlinks=False).st_size
    return total


def _graph_iris(param: str, values) -> list:
    """default-graph-uri / named-graph-uri values as IRIs; a malformed one is a bad query (400)."""
    out = []
    for g in values or ():
        try:
            out.append(ox.NamedNode(g))
        except ValueError as e:
            raise QueryError(f"{param} {g!r} is not an IRI: {e}") from None
    return out


class OxigraphEngine:
    """Oxigraph over the store at `path`: read-only stores up to MEMORY_COPY_MAX_BYTES
    are copied into memory (`in_memory=None` decides by size), writable ones never."""

    native_json_max_bytes = NATIVE_JSON_MAX_BYTES

    def __init__(self, path: str, writable: bool = False, in_memory: bool | None = None):
        store = open_store(path, read_only=not writable)
        if in_memory is None:
            in_memory = store_bytes(path) <= MEMORY_COPY_MAX_BYTES
        self.in_memory = bool(in_memory) and not writable
        if self.in_memory:
            copy = ox.Store()
            try:
                copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
            except OSError as e:
                raise StoreError(f"store read failed: {e}") from None
            store = copy
        self.store = store

    def named_graphs(self) -> list[str]:
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    def query(self, text: str, *, base_iri=None, default_graphs=None, named_graphs=None,
              substitutions=None, max_results: int = 10000, columns=FROM_TEXT,
              as_json: bool = False) -> tuple[Results, str]:
        """The answer of `text`, capped at `max_results`. `columns`: star_columns of the text
        (kg.query.variables) when the caller has them. With `as_json` a SELECT answer comes
        written as SPARQL JSON by Oxigraph (`Results.json`) when its columns keep the engine's
        order, it is not cut and it is at most `native_json_max_bytes`; else as rows."""
        kwargs: dict = {}
        if default_graphs is not None or named_graphs is not None:
            kwargs["default_graph"] = _graph_iris("default-graph-uri", default_graphs)
            kwargs["named_graphs"] = _graph_iris("named-graph-uri", named_graphs)
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            r = self.store.query(text, base_iri=base_iri, **kwargs)
            if isinstance(r, ox.QueryBoolean):
                return Results(boolean=bool(r)), "ASK"
            if isinstance(r, ox.QuerySolutions):
                variables = [v.value for v in r.variables]
                ordered = star_order(text, variables, columns)
                if as_json and ordered == variables:
                    body = _native_json(r, self.native_json_max_bytes)
                    if body is None:  # too big to write whole: again, cut at max_results
                        r = self.store.query(text, base_iri=base_iri, **kwargs)
                    else:
                        r = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
                        count = sum(1 for _ in r)
                        if count <= max_results:
                            return Results(variables=variables, json=body, count=count), "SELECT"
                        r = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)  # cut it below
                rows, truncated = [], None
                for sol in r:
                    if len(rows) >= max_results:
                        truncated = max_results
                        break
                    rows.append(list(sol))
                return Results(variables=ordered, rows=reorder_rows(variables, ordered, rows),
                               truncated=truncated), "SELECT"
            triples, truncated = [], None
            for t in r:
                if len(triples) >= max_results:
                    truncated = max_results
                    break
                triples.append(t)
            return Results(triples=triples, truncated=truncated, prefixes=prefix_map()), "CONSTRUCT"
        except SyntaxError as e:
            raise _syntax_error(e) from None
        except (ValueError, TypeError) as e:
            raise QueryError(f"cannot evaluate the query: {e}") from None
        except OSError as e:
            raise StoreError(f"store read failed: {e}") from None

    def labels(self, iris) -> dict[str, str]:
        """{IRI: label} for the table format (kg.query.labels)."""
        return store_labels(self.store, iris)

    def update(self, text: str, *, base_iri=None) -> None:
        try:
            self.store.update(text, base_iri=base_iri)
            self.store.flush()
        except SyntaxError as e:
            raise _syntax_error(e) from None


class RdflibEngine:
    """rdflib's pure-Python SPARQL engine over an in-memory copy of the store."""

    def __init__(self, path: str, writable: bool = False):
        # rdflib is slow to import and serves only the engine comparison (make bench)
        import rdflib  # noqa: PLC0415
        from rdflib.plugins import sparql  # noqa: PLC0415
        sparql.SPARQL_LOAD_GRAPHS = False  # never dereference FROM IRIs
        store = open_store(path)
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        self.ds = rdflib.Dataset()
        self.ds.parse(data=data.decode("utf-8"), format="nquads")
        self.rdflib = rdflib

    def named_graphs(self) -> list[str]:
        return [str(c.identifier) for c in self.ds.contexts()
                if isinstance(c.identifier, self.rdflib.URIRef)
                and c.identifier != self.rdflib.graph.DATASET_DEFAULT_GRAPH_ID]

    def _term(self, t):
        rdflib = self.rdflib
        if t is None:
            return None
        if isinstance(t, rdflib.URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, rdflib.BNode):
            return ox.BlankNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))

    def query(self, text: str, *, base_iri=None, default_graphs=None, named_graphs=None,
              substitutions=None, max_results: int = 10000, columns=FROM_TEXT,
              as_json: bool = False) -> tuple[Results, str]:
        """As OxigraphEngine.query; the answer always comes as rows (`as_json` is ignored)."""
        from pyparsing import ParseException  # noqa: PLC0415 - rdflib's parser (see __init__)
        if default_graphs is not None or named_graphs is not None:
            raise QueryError("the rdflib engine does not take default-graph-uri/named-graph-uri")
        init = {k: self._rdflib_term(v) for k, v in (substitutions or {}).items()}
        try:
            r = self.ds.query(text, base=base_iri, initBindings=init)
        except ParseException as e:
            raise QueryError(f"syntax error at {e.lineno}:{e.col}: {e.msg}") from None
        if r.type == "ASK":
            return Results(boolean=bool(r.askAnswer)), "ASK"
        if r.type == "SELECT":
            variables = [str(v) for v in r.vars]
            rows, truncated = [], None
            for row in r:
                if len(rows) >= max_results:
                    truncated = max_results
                    break
                rows.append([self._term(x) for x in row])
            ordered = star_order(text, variables, columns)
            return Results(variables=ordered, rows=reorder_rows(variables, ordered, rows),
                           truncated=truncated), "SELECT"
        triples = [ox.Triple(self._term(s), self._term(p), self._term(o))
                   for s, p, o in list(r.graph)[:max_results]]
        truncated = max_results if len(r.graph) > max_results else None
        return Results(triples=triples, truncated=truncated, prefixes=prefix_map()), r.type

    def labels(self, iris) -> dict[str, str]:
        return {}  # the baseline engine: tables show compacted IRIs

    def _rdflib_term(self, t):
        rdflib = self.rdflib
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    def update(self, text: str, *, base_iri=None) -> None:
        raise ForbiddenError("the rdflib engine is read-only")


def open_engine(name: str, path, writable: bool = False):
    """The engine `name` over `path`: a store directory, or for "remote" the keyword
    arguments of kg.query.remote_engine.RemoteEngine (URL, graph IRIs, timeout)."""
    if name == "remote":
        return RemoteEngine(**path)
    if name == "oxigraph":
        return OxigraphEngine(path, writable)
    if name == "rdflib":
        return RdflibEngine(path, writable)
    raise StoreError(f"unknown query engine {name!r}")
