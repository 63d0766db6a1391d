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
  engine takes text, not pre-bound variables. The block opens the WHERE group of every
  SELECT that projects the variable (the outer query and its subqueries: Oxigraph's
  substitution reaches those too), so filters inside OPTIONALs see the value as they do
  with substitution;
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
from kg.query.variables import reorder_rows, star_order
from kg.remote import N_TRIPLES, RemoteStore
from kg.terms.iris import prefix_map

RESULTS_JSON = "application/sparql-results+json"
# the graph a dataset parameter naming none of ours becomes: a graph nobody writes to
EMPTY_GRAPH = "urn:kg:empty"
LABEL_BATCH = 200


def bind_values(text: str, substitutions: dict) -> str:
    """`text` with a `VALUES (?a ?b) { (t1 t2) }` block at the start of the WHERE group of the
    query and of every subquery that projects one of the variables (`SELECT *` projects all)."""
    if not substitutions:
        return text
    tokens = tokenize(text)
    edits: list[tuple[int, str]] = []
    for i, t in enumerate(tokens):
        up = t.text.upper() if t.kind == "word" else ""
        if up not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            continue
        j, depth, star, projected = i + 1, 0, up != "SELECT", set()
        if up == "CONSTRUCT" and j < len(tokens) and tokens[j].text == "{":  # skip the template
            depth = 1
            j += 1
            while j < len(tokens) and depth:
                depth += {"{": 1, "}": -1}.get(tokens[j].text, 0) if tokens[j].kind == "punct" else 0
                j += 1
        while j < len(tokens) and not (tokens[j].kind == "punct" and tokens[j].text == "{" and depth == 0):
            tok = tokens[j]
            if tok.kind == "punct" and tok.text in "()":
                depth += 1 if tok.text == "(" else -1
            elif tok.kind == "punct" and tok.text == "*" and depth == 0:
                star = True
            elif tok.kind == "var" and depth == 0:
                projected.add(tok.text[1:])
            j += 1
        if j >= len(tokens):
            continue
        names = [n for n in substitutions if star or n in projected]
        if names:
            row = " ".join(str(substitutions[n]) for n in names)
            block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
            edits.append((tokens[j].pos + 1, block))
    for pos, block in sorted(edits, reverse=True):
        text = text[:pos] + block + text[pos:]
    return text


class RemoteEngine:
    """Answers from the remote store at `url`: our default graph is `graph` there, our named
    graphs `named_graphs`; `timeout`: seconds per query (the runner's deadline)."""

    def __init__(self, url: str, graph: str, named_graphs=(), timeout: float = 10.0,
                 user: str | None = None, password_env: str | None = None, update_url: str | None = None):
        password = os.environ.get(password_env, "") if password_env else None
        self.remote = RemoteStore(url, update_url=update_url, user=user, password=password, timeout=timeout)
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
              substitutions=None, max_results: int = 10000) -> tuple[Results, str]:
        form = check_query(text, local_graphs=frozenset(self.named)).form
        default, named = self._dataset(text, default_graphs, named_graphs)
        sent = bind_values(text, substitutions or {})
        if base_iri:
            sent = f"BASE <{base_iri}>\n{sent}"
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = f"{N_TRIPLES}, text/plain;q=0.9" if graph_form else RESULTS_JSON
        with self.remote.query(sent, accept=accept, default_graphs=default, named_graphs=named,
                               timeout=self.timeout) as resp:
            try:
                if graph_form:
                    return self._triples(resp, max_results), form
                return self._solutions(resp, text, form, max_results)
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

    def _solutions(self, resp, text: str, form: str | None, max_results: int) -> tuple[Results, str]:
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
            rows.append(list(sol))
        ordered = star_order(text, variables)
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
