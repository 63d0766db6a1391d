"""The HTTP client of a remote SPARQL 1.1 store: the query and update protocol and the Graph
Store HTTP Protocol (GSP), stdlib only, a timeout on every call.

`kg publish` (kg.graph.publish) pushes graphs through it, `kg serve --backend`
(kg.query.remote_engine) sends queries through it. Only the two W3C protocols are used; the few
places where an engine needs something the standards leave open (Virtuoso's per-query
timeout in milliseconds, its answer to ASK) are rows of DIALECTS, picked by the `Server`
header of the store's first answer, and documented there.

Credentials (`user`, `password`) are offered to the store when it asks (401 with a Basic or
Digest challenge: Fuseki's shiro realm takes Basic, Virtuoso's `-auth` endpoints Digest).
Failures become one line each: RemoteAuthError (the store refused the credentials or the
operation), RemoteUnreachable (no answer), NoGraphStore (the URL does not speak the Graph
Store Protocol), RemoteError (any other refusal, with the store's own first line).
"""
from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.errors import KgError, QueryError, QueryTimeout

FORM = "application/x-www-form-urlencoded"
N_TRIPLES = "application/n-triples"


class RemoteError(KgError):
    """The remote store refused a request (its status and first line of its answer)."""
    code = "remote-store"
    http_status = 502


class RemoteUnreachable(RemoteError):
    code = "remote-unreachable"
    http_status = 502


class RemoteAuthError(RemoteError):
    code = "remote-credentials"
    http_status = 502


class NoGraphStore(RemoteError):
    code = "no-graph-store"


@dataclass(frozen=True)
class Dialect:
    """What an engine does where the standards are silent. `timeout_param`: the query
    parameter that stops a query at the engine, with its unit (seconds per unit);
    `ask_variable`: a SELECT-shaped answer to ASK (Virtuoso 7.2 writes ASK as one row of
    `__ASK_RETVAL` = 1 or no row in SPARQL JSON and XML) read back as the boolean;
    `partial_header`: a header saying the engine cut the answer short at its timeout
    (Virtuoso's "anytime queries": X-SQL-State S1TAT with a 200), which is a timeout."""
    name: str
    timeout_param: str | None = None
    timeout_unit: float = 1.0
    ask_variable: str | None = None
    partial_header: tuple[str, str] | None = None


DIALECTS = {
    # Virtuoso: `timeout` in milliseconds (its ini caps it with MaxQueryExecutionTime)
    "virtuoso": Dialect("virtuoso", timeout_param="timeout", timeout_unit=0.001,
                        ask_variable="__ASK_RETVAL", partial_header=("X-SQL-State", "S1TAT")),
    # Fuseki: `timeout` in seconds (a query parameter of its SPARQL query service)
    "fuseki": Dialect("fuseki", timeout_param="timeout", timeout_unit=1.0),
    "generic": Dialect("generic"),
}


def dialect_of(server_header: str | None) -> Dialect:
    s = (server_header or "").lower()
    for name in ("virtuoso", "fuseki"):
        if name in s:
            return DIALECTS[name]
    return DIALECTS["generic"]


class RemoteStore:
    """A remote store: `query_url` (SPARQL query endpoint), `update_url` (SPARQL Update;
    default: the query URL, as Virtuoso and a Fuseki dataset URL take both), `gsp_url`
    (Graph Store Protocol; default: the query URL). `timeout`: seconds for every call."""

    def __init__(self, query_url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 user: str | None = None, password: str | None = None, timeout: float = 30.0):
        for url in (query_url, update_url, gsp_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise KgError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url or query_url
        self.timeout = float(timeout)
        self.dialect: Dialect | None = None
        handlers: list = []
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        self._challenges: dict[str, dict] = {}  # URL -> its Digest challenge, answered up front
        if user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.query_url, self.update_url, self.gsp_url}:
                passwords.add_password(None, url, user, password or "")
            self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
            handlers += [urllib.request.HTTPBasicAuthHandler(passwords), self._digest]
        self._opener = urllib.request.build_opener(*handlers)

    # --- one request ----------------------------------------------------------------

    def request(self, method: str, url: str, *, params: list | None = None, body: bytes | None = None,
                content_type: str | None = None, accept: str | None = None,
                timeout: float | None = None, what: str = "request") -> http.client.HTTPResponse:
        """Send one request and return the open response (2xx); errors as RemoteError kinds."""
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        req = urllib.request.Request(url, data=body, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        if accept:
            req.add_header("Accept", accept)
        wait = self.timeout if timeout is None else timeout
        try:
            self._answer_digest(req, prime=body is not None and len(body) > 65536)
            try:
                resp = self._opener.open(req, timeout=wait)
            except urllib.error.URLError as e:
                # the store closed the connection before reading the body (its 401 challenge sent
                # at once): it did not run the request, which goes once more, answering the challenge
                if not isinstance(e.reason, BrokenPipeError):
                    raise
                self._answer_digest(req, prime=True)
                resp = self._opener.open(req, timeout=wait)
        except urllib.error.HTTPError as e:
            raise self._refused(e, method, url, what) from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"the remote store at {_site(url)} did not answer the {what} "
                               f"within {self.timeout if timeout is None else timeout:g} s") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            reason = getattr(e, "reason", e)
            raise RemoteUnreachable(f"cannot reach the remote store at {_site(url)}: {reason}") from None
        if self.dialect is None:
            self.dialect = dialect_of(resp.headers.get("Server"))
        return resp

    def _answer_digest(self, req: urllib.request.Request, *, prime: bool) -> None:
        """Answer the URL's Digest challenge up front (a big body sent unauthenticated is cut off
        by the 401); `prime`: ask for the challenge first (a bodiless HEAD) when none is known."""
        if self._digest is None:
            return
        site = req.full_url.split("?", 1)[0]
        if prime and site not in self._challenges:
            try:
                urllib.request.urlopen(urllib.request.Request(site, method="HEAD"), timeout=self.timeout).close()
            except urllib.error.HTTPError as e:
                header = e.headers.get("WWW-Authenticate", "")
                if header.lower().startswith("digest "):
                    self._challenges[site] = urllib.request.parse_keqv_list(
                        urllib.request.parse_http_list(header[7:]))
            except OSError:
                pass
        chal = self._challenges.get(site)
        if chal is not None:
            auth = self._digest.get_authorization(req, chal)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")

    def _refused(self, e: urllib.error.HTTPError, method: str, url: str, what: str) -> KgError:
        try:
            text = e.read(2000).decode("utf-8", "replace")
        except OSError:
            text = ""
        first = next((line.strip() for line in text.splitlines() if line.strip()), e.reason or "")
        where = f"{method} {_site(url)}{urllib.parse.urlsplit(url).path}"
        if e.code in (401, 403):
            return RemoteAuthError(f"the remote store refused the {what} ({e.code} {e.reason}) at {where}: "
                                   "check --user and the password variable")
        if what.startswith("graph") and e.code in (404, 405, 501):
            return NoGraphStore(f"{where} answered {e.code} {e.reason}: it does not take the SPARQL "
                                "Graph Store Protocol (give its graph store URL with --gsp)")
        if e.code == 400 and what == "query":
            return QueryError(f"the remote store refused the query: {first[:300]}")
        if e.code in (503, 504) or (e.code == 500 and "timeout" in text.lower()):
            return QueryTimeout(f"the remote store stopped the {what}: {e.code} {first[:200]}")
        return RemoteError(f"{where} answered {e.code} {e.reason}: {first[:300]}")

    # --- the SPARQL protocol --------------------------------------------------------

    def query(self, text: str, *, accept: str, default_graphs=(), named_graphs=(),
              timeout: float | None = None, engine_timeout: float | None = None) -> http.client.HTTPResponse:
        """POST the query (form-encoded, as the protocol allows for any length); the engine's
        own timeout parameter (`engine_timeout`, default the call's) is sent too where its
        dialect has one."""
        params = [("query", text)]
        params += [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        limit = self.timeout if timeout is None else timeout
        stop = limit if engine_timeout is None else engine_timeout
        d = self.dialect
        if d is not None and d.timeout_param:
            params.append((d.timeout_param, str(max(1, int(stop / d.timeout_unit)))))
        body = urllib.parse.urlencode(params).encode("utf-8")
        resp = self.request("POST", self.query_url, body=body, content_type=FORM, accept=accept,
                            timeout=limit, what="query")
        d = self.dialect
        if d is not None and d.partial_header and \
                resp.headers.get(d.partial_header[0], "").upper() == d.partial_header[1]:
            resp.close()
            raise QueryTimeout(f"query stopped: the remote store cut it short at the {stop:g} s limit")
        return resp

    def update(self, text: str, *, timeout: float | None = None) -> None:
        body = urllib.parse.urlencode([("update", text)]).encode("utf-8")
        with self.request("POST", self.update_url, body=body, content_type=FORM, timeout=timeout,
                          what="update") as resp:
            resp.read()

    def ask_remote(self) -> None:
        """One small query, to learn the engine (its dialect) and that it answers at all."""
        with self.query("ASK { ?s ?p ?o }", accept="application/sparql-results+json") as resp:
            resp.read()

    # --- the Graph Store HTTP Protocol ----------------------------------------------

    def put_graph(self, graph: str, data: bytes, *, content_type: str = N_TRIPLES) -> None:
        self._graph("PUT", graph, data, content_type)

    def post_graph(self, graph: str, data: bytes, *, content_type: str = N_TRIPLES) -> None:
        self._graph("POST", graph, data, content_type)

    def delete_graph(self, graph: str) -> None:
        try:
            self._graph("DELETE", graph, None, None)
        except NoGraphStore:
            pass  # 404: there was no such graph, which is what was asked

    def get_graph(self, graph: str, *, accept: str = N_TRIPLES) -> http.client.HTTPResponse:
        return self.request("GET", self.gsp_url, params=[("graph", graph)], accept=accept, what="graph read")

    def _graph(self, method: str, graph: str, data: bytes | None, content_type: str | None) -> None:
        with self.request(method, self.gsp_url, params=[("graph", graph)], body=data,
                          content_type=content_type, what=f"graph {method}") as resp:
            resp.read()


def _site(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
