"""Fuzz runs against a real `kg serve` on 127.0.0.1 (issue 15, "Done when"):

- `run_schemathesis`: schemathesis over /api/* as /openapi.json describes it: every check, so a 5xx,
  a response outside its schema or a documented value refused (or an undocumented one accepted)
  is a failure (tests/schemathesis.toml holds what OpenAPI cannot say).
- `run_sparql_fuzz`: random and mutated queries, seeded by the W3C query tests
  (../shared/conformance/sparql-query) and queries/*.rq, sent to /sparql by GET, form POST and
  `application/sparql-query` POST with assorted `Accept`s; counts answers by status. Every 4xx is
  a fine answer to garbage; the only 5xx allowed are 503 (query timeout, full queue) and 507 (memory).

The tests (tests/test_hardening_fuzz.py) run both bounded; `python -m tests.fuzz` (make fuzz) runs
them longer on a fixture store of its own and prints the counts.
"""
from __future__ import annotations

import argparse
import collections
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_graph import write_fixture_store
from tests.kgserver import PROJECT, kg_serve

CONFORMANCE = PROJECT.parent / "shared" / "conformance" / "sparql-query"
SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")
# a three-way cross join sorted: minutes on any store of a few hundred triples
HEAVY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
ALLOWED_5XX = {503, 507}  # documented: past --query-timeout or --max-queue (503), past --worker-memory-mb (507)

ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
           "application/rdf+xml", "*/*", "text/html", "image/png", "application/json;q=0.1, text/*"]
SNIPPETS = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "?x", "$y", "_:b", "<>", "<http://x/>", "a",
            "\"s\"@en", "'''t'''", "1e9999", "-0.0", "^^<http://www.w3.org/2001/XMLSchema#integer>",
            "FILTER(", "OPTIONAL {", "UNION", "MINUS {", "GRAPH ?g {", "VALUES ?v { 1 2 }", "BIND(1 AS ?z)",
            "SERVICE <http://127.0.0.1:9/> {", "LOAD <http://127.0.0.1:9/x>", "FROM <http://127.0.0.1:9/>",
            "INSERT DATA { <a:s> <a:p> <a:o> }", "ORDER BY", "GROUP BY ?x", "LIMIT 1", "OFFSET 99999999999",
            "COUNT(*)", "REGEX(?x, \"(a+)+$\")", "SUBSTR(?x, -5, 99999999)", "STRDT(?x, <x:y>)", "<",
            "\\", "\x00", "\u202e", "\ud7ff", "条目", "#", "\n", "PREFIX : <http://x/>", "BASE <rel/>",
            "*", "/", "|", "^", "!", "+", "&&", "||", "?a ?b ?c .", "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


def seed_queries(limit: int | None = None) -> list[str]:
    """The W3C query tests and our named queries: the texts the mutations start from."""
    paths = sorted((PROJECT / "queries").glob("*.rq"))
    if CONFORMANCE.is_dir():
        paths += sorted(CONFORMANCE.rglob("*.rq"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths[:limit]]
    return texts or ["SELECT * WHERE { ?s ?p ?o } LIMIT 3"]


def _mutate(rng: random.Random, text: str, seeds: list[str]) -> str:
    kind = rng.randrange(9)
    n = len(text)
    i, j = sorted((rng.randint(0, n), rng.randint(0, n)))
    if kind == 0:  # cut it short
        return text[:i]
    if kind == 1:  # drop a span
        return text[:i] + text[j:]
    if kind == 2:  # repeat a span
        return text[:j] + text[i:j] * rng.randint(1, 5) + text[j:]
    if kind == 3:  # insert snippets
        for _ in range(rng.randint(1, 4)):
            k = rng.randint(0, len(text))
            text = text[:k] + " " + rng.choice(SNIPPETS) + " " + text[k:]
        return text
    if kind == 4:  # graft two queries together
        other = rng.choice(seeds)
        return text[:i] + other[rng.randint(0, len(other)):]
    if kind == 5:  # nest a group pattern or an expression deep
        depth = rng.choice([2, 10, 60, 70, 300, 5000])
        shape = rng.randrange(3)
        if shape == 0:
            return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
        if shape == 1:
            return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        return "SELECT * WHERE { ?s <http://x/p> " + "[ <http://x/p> " * depth + "?o" + " ]" * depth + " }"
    if kind == 6:  # swap whitespace-separated words
        words = text.split()
        for _ in range(rng.randint(1, 6)):
            if len(words) > 1:
                a, b = rng.randrange(len(words)), rng.randrange(len(words))
                words[a], words[b] = words[b], words[a]
        return " ".join(words)
    if kind == 7:  # flip characters
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            if chars:
                chars[rng.randrange(len(chars))] = chr(rng.choice([rng.randint(0, 127), rng.randint(128, 0xFFFF)]))
        return "".join(chars)
    return " ".join(rng.choice(SNIPPETS) for _ in range(rng.randint(1, 30)))  # snippet soup


@dataclass
class FuzzReport:
    requests: int = 0
    seconds: float = 0.0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    server_errors: list[str] = field(default_factory=list)  # 5xx but the allowed ones, with the query

    def summary(self) -> str:
        counts = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items(), key=lambda kv: str(kv[0])))
        return f"{self.requests} SPARQL fuzz requests in {self.seconds:.1f} s; by status: {counts}"


def _send(rng: random.Random, url: str, query: str, timeout: float) -> tuple[int | str, bytes]:
    # mostly what SPARQL clients send, so that most requests reach the engine rather than a 406
    headers = {"Accept": rng.choice(ACCEPTS) if rng.random() < 0.3 else "*/*"}
    raw = query.encode("utf-8", "surrogatepass")  # a lone surrogate makes bytes that are not UTF-8
    how = rng.randrange(3)
    if how == 0:
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": raw}), headers=headers)
    elif how == 1:
        req = urllib.request.Request(url, urllib.parse.urlencode({"query": raw}).encode(),
                                     {**headers, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        req = urllib.request.Request(url, raw, {**headers, "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:  # a dropped connection is an answer too, and never a good one
        return type(e).__name__, str(e).encode()


def run_sparql_fuzz(url: str, *, requests: int = 300, seconds: float = 60.0, seed: int = 0,
                    timeout: float = 30.0, heavy: float = 0.005) -> FuzzReport:
    """At most `requests` fuzzed queries to the /sparql `url`, stopping after `seconds`; a share
    `heavy` of them is a cross join no timeout allows (HEAVY)."""
    rng = random.Random(seed)
    seeds = seed_queries()
    report = FuzzReport()
    t0 = time.monotonic()
    while report.requests < requests and time.monotonic() - t0 < seconds:
        if rng.random() < heavy:  # one the server must cut off: a documented 503 or 507
            query = HEAVY
        else:
            query = rng.choice(seeds)
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                query = _mutate(rng, query, seeds)
        status, body = _send(rng, url, query, timeout)
        report.requests += 1
        report.statuses[status] += 1
        if not isinstance(status, int) or (status >= 500 and status not in ALLOWED_5XX):
            report.server_errors.append(f"{status} for {query[:300]!r}: {body[:300]!r}")
    report.seconds = time.monotonic() - t0
    return report


def run_schemathesis(root: str, *, max_examples: int = 10, max_time: float = 45.0,
                     phases: str = "examples,coverage,fuzzing", seed: int | None = 1) -> subprocess.CompletedProcess:
    """schemathesis over `root`/openapi.json with every check; returncode 0 when nothing failed."""
    cmd = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(SCHEMATHESIS_CONFIG),
           "run", f"{root}/openapi.json", "--url", root, "--checks", "all", "--phases", phases,
           "--max-examples", str(max_examples), "--max-time", str(int(max_time)), "--request-timeout", "30",
           "--continue-on-failure", "--no-shrink"] + (["--seed", str(seed)] if seed is not None else [])
    with tempfile.TemporaryDirectory() as tmp:  # its crash cache (.schemathesis/) stays out of the tree
        return subprocess.run(cmd, capture_output=True, text=True, timeout=max_time * 2 + 120, cwd=tmp)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--api-examples", type=int, default=50, help="schemathesis examples per operation")
    ap.add_argument("--api-seconds", type=float, default=300, help="schemathesis time budget")
    ap.add_argument("--sparql-requests", type=int, default=2000)
    ap.add_argument("--sparql-seconds", type=float, default=300)
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: a new one each run)")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory() as tmp:
        store = write_fixture_store(Path(tmp) / "store")
        with kg_serve(store, "--query-timeout", "2") as url:
            root = url.rsplit("/sparql", 1)[0]
            api = run_schemathesis(root, max_examples=args.api_examples, max_time=args.api_seconds,
                                   phases="examples,coverage,fuzzing,stateful", seed=seed)
            print(api.stdout[-6000:], api.stderr[-2000:])
            sparql = run_sparql_fuzz(url, requests=args.sparql_requests, seconds=args.sparql_seconds, seed=seed)
    print(f"seed {seed}; schemathesis exit {api.returncode}")
    print(sparql.summary())
    for line in sparql.server_errors[:20]:
        print("  " + line)
    return 0 if api.returncode == 0 and not sparql.server_errors else 1


if __name__ == "__main__":
    sys.exit(main())
