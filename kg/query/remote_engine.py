"""The remote engine: a query worker's engine that answers from a SPARQL 1.1 store elsewhere
(`kg serve --backend URL`), through the SPARQL protocol (kg.remote).

It takes the embedded engines' place in a query worker (kg.query.worker), so everything in
front of them holds unchanged: the guard (kg.query.guard: no SERVICE, LOAD or remote FROM),
updates refused unless enabled, the deadline (the worker is stopped at it; the engine's own
timeout is sent too, and the socket has it), the result cap, the answer cache.

What it adds so that the answers are the embedded store's:

- the dataset: the store holds other graphs beside ours (Virtuoso: its system graphs; a
  shared store: other organisations' graphs), and an engine's default graph is often the
  union of all. Every query is sent with `default-graph-uri` = the graph `kg publish` put our
  default graph in and `named-graph-uri` = our named graphs; a query naming its own dataset
  (FROM, or the protocol's parameters) gets only graphs of ours (kg.query.guard checks FROM;
  a protocol parameter naming another graph is sent as an empty graph, as the embedded store
  answers it);
- named-query parameters are bound as VALUES blocks (`bind_values`), never spliced: a remote
  engine takes text, not pre-bound variables. A block opens every group that holds the
  variable (subqueries, UNION branches and OPTIONALs included: Oxigraph's substitution
  reaches those too), so each group sees the value as it does with substitution;
- the answer is parsed (SPARQL JSON results, N-Triples) into the same kg.formats.Results the
  embedded engines give, so the same serializers write it.
"""
from __future__ import annotations

import os

import pyoxigraph as ox

from kg.errors import StoreError
from kg.formats import Results
from kg.query.guard import check_query, tokenize
from kg.query.labels import LABEL_PREDICATES, choose_label
from kg.query.variables import FROM_TEXT, reorder_rows, star_order
from kg.remote import N_TRIPLES, RemoteStore
from kg.terms.iris import prefix_map

RESULTS_JSON = "application/sparql-results+json"
# the graph a dataset parameter naming none of ours becomes: a graph nobody writes to
EMPTY_GRAPH = "urn:kg:empty"
LABEL_BATCH = 200
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def bind_values(text: str, substitutions: dict) -> str:
    """`text` with a `VALUES (?a ?b) { (t1 t2) }` block opening every group graph pattern that
    holds one of the variables (but not a group that is a subquery, whose own WHERE gets it):
    as with Oxigraph's substitution, the value is there wherever the variable is, also in a
    group evaluated on its own (a UNION branch, an OPTIONAL, `{ FILTER(...) }`)."""
    if not substitutions:
        return text
    tokens = tokenize(text)
    closing = _matching_braces(tokens)
    edits: list[tuple[int, str]] = []
    for i, t in sorted(closing.items()):
        inside = {tok.text[1:] for tok in tokens[i + 1:t] if tok.kind == "var"}
        names = [n for n in substitutions if n in inside]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if names and not (nxt is not None and nxt.kind == "word" and nxt.text.upper() == "SELECT"):
            row = " ".join(str(substitutions[n]) for n in names)
            edits.append((tokens[i].pos + 1, f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "))
    for pos, block in sorted(edits, reverse=True):
        text = text[:pos] + block + text[pos:]
    return text


def _matching_braces(tokens) -> dict[int, int]:
    """{index of a `{` that opens a group graph pattern: index of its `}`}; the data blocks
    of VALUES and the template of CONSTRUCT are not groups."""
    out: dict[int, int] = {}
    stack: list[tuple[int, bool]] = []
    skip_next = False  # the next `{` opens a VALUES data block or a CONSTRUCT template
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text.upper() in ("VALUES", "CONSTRUCT"):
            skip_next = not (t.text.upper() == "CONSTRUCT" and i + 1 < len(tokens)
                             and tokens[i + 1].kind == "word" and tokens[i + 1].text.upper() == "WHERE")
        elif t.kind == "punct" and t.text == "{":
            stack.append((i, skip_next))
            skip_next = False
        elif t.kind == "punct" and t.text == "}" and stack:
            j, skipped = stack.pop()
            if not skipped:
                out[j] = i
    return out


def _canonical(term):
    """A boolean in its canonical form ("1"^^xsd:boolean is true, as Virtuoso writes it)."""
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


class RemoteEngine:
    """Answers from the remote store at `url`: our default graph is `graph` there, our named
    graphs `named_graphs`; `timeout`: seconds per query (the runner's deadline)."""

    def __init__(self, url: str, graph: str, named_graphs=(), timeout: float = 10.0,
                 user: str | None = None, password_env: str | None = None, update_url: str | None = None):
        password = os.environ.get(password_env, "") if password_env else None
        # the socket waits a little past the deadline: the runner stops the query at the deadline
        # (and the engine was told the limit), so the socket's timeout is the last resort
        self.remote = RemoteStore(url, update_url=update_url, user=user, password=password,
                                  timeout=timeout + 1.0)
        self.graph = graph
        self.named = list(named_graphs)
        self.timeout = timeout
        self.remote.ask_remote()  # fail at start, not at the first request; learn the dialect

    def named_graphs(self) -> list[str]:
        return list(self.named)

    def _dataset(self, text: str, default_graphs, named_graphs) -> tuple[list, list]:
        if default_graphs is None and named_graphs is None:
            report = check_query(text, local_graphs=frozenset(self.named))
            if report.from_graphs or report.from_named_graphs:
                return [], []  # the query's own FROM (of our graphs only: the guard checked)
            return [self.graph], self.named or [EMPTY_GRAPH]
        ours = set(self.named)
        default = [g if g in ours else EMPTY_GRAPH for g in default_graphs or ()] or [EMPTY_GRAPH]
        named = [g if g in ours else EMPTY_GRAPH for g in named_graphs or ()] or [EMPTY_GRAPH]
        return default, named

    def query(self, text: str, *, base_iri=None, default_graphs=None, named_graphs=None,
              substitutions=None, max_results: int = 10000, columns=FROM_TEXT,
              as_json: bool = False) -> tuple[Results, str]:
        """As OxigraphEngine.query; the answer always comes as rows (`as_json` is ignored: the
        remote's JSON is parsed, its terms made canonical)."""
        form = check_query(text, local_graphs=frozenset(self.named)).form
        default, named = self._dataset(text, default_graphs, named_graphs)
        sent = bind_values(text, substitutions or {})
        if base_iri:
            sent = f"BASE <{base_iri}>\n{sent}"
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = f"{N_TRIPLES}, text/plain;q=0.9" if graph_form else RESULTS_JSON
        with self.remote.query(sent, accept=accept, default_graphs=default, named_graphs=named,
                               engine_timeout=self.timeout) as resp:
            try:
                if graph_form:
                    return self._triples(resp, max_results), form
                return self._solutions(resp, text, form, max_results, columns)
            except SyntaxError as e:
                raise StoreError(f"the remote store's answer does not parse: {e}") from None

    def _triples(self, resp, max_results: int) -> Results:
        triples, truncated = [], None
        for t in ox.parse(resp, format=ox.RdfFormat.N_TRIPLES):
            if len(triples) >= max_results:
                truncated = max_results
                break
            triples.append(t.triple if isinstance(t, ox.Quad) else t)
        return Results(triples=triples, truncated=truncated, prefixes=prefix_map())

    def _solutions(self, resp, text: str, form: str | None, max_results: int,
                   columns=FROM_TEXT) -> tuple[Results, str]:
        r = ox.parse_query_results(resp, format=ox.QueryResultsFormat.JSON)
        if isinstance(r, ox.QueryBoolean):
            return Results(boolean=bool(r)), "ASK"
        variables = [v.value for v in r.variables]
        ask = self.remote.dialect.ask_variable if self.remote.dialect else None
        if form == "ASK" and ask and variables == [ask]:  # kg.remote.DIALECTS: ASK as a row
            return Results(boolean=any(sol[0] is not None and sol[0].value not in ("0", "false")
                                       for sol in r)), "ASK"
        rows, truncated = [], None
        for sol in r:
            if len(rows) >= max_results:
                truncated = max_results
                break
            rows.append([_canonical(t) for t in sol])
        ordered = star_order(text, variables, columns)
        return Results(variables=ordered, rows=reorder_rows(variables, ordered, rows),
                       truncated=truncated), "SELECT"

    def labels(self, iris) -> dict[str, str]:
        """{IRI: label} for the table format, read with one query per LABEL_BATCH IRIs."""
        wanted = list(dict.fromkeys(iris))
        found: dict[str, dict[str, list]] = {}
        preds = " ".join(str(p) for p in LABEL_PREDICATES)
        for k in range(0, len(wanted), LABEL_BATCH):
            subjects = " ".join(f"<{i}>" for i in wanted[k:k + LABEL_BATCH])
            res, _ = self.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} VALUES ?p {{ {preds} }} "
                                "?s ?p ?o FILTER(isLiteral(?o)) }")
            for s, p, o in res.rows:
                found.setdefault(s.value, {}).setdefault(p.value, []).append(o)
        out = {}
        for iri in wanted:
            label = choose_label(found.get(iri, {}))
            if label is not None:
                out[iri] = label
        return out

    def update(self, text: str, *, base_iri=None) -> None:
        self.remote.update(f"BASE <{base_iri}>\n{text}" if base_iri else text)
