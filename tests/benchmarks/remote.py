"""Bench rows of the remote store (issue 14), one run each, against a real Virtuoso
(tests/virtuoso.py; Apache Jena Fuseki cannot be installed from the registries this project
reaches, see README "Deployment"):

- publish: `kg publish` of the full-corpus store (GSP chunks into a staging graph, counts
  checked, one MOVE onto the live graph), wall time;
- the Ascend lookup (`GET /api/features?hardware=Ascend&status=supported`) through
  `kg serve --backend` over the published graph vs `kg serve` on the embedded store, answer
  cache off, 4 clients for 10 s each: requests/s and p50.
The two servers' answers are checked equal first.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import virtuoso  # noqa: E402
from _measure import full_store  # noqa: E402
from kgserver import env, kg_command, kg_serve  # noqa: E402
from serve import CLIENTS, DURATION, answer_of, load  # noqa: E402

GRAPH = "https://w3id.org/mindspore-kg/graph"
LOOKUP = "/api/features?hardware=Ascend&status=supported"


def publish_and_lookup(ctx: dict) -> list[dict]:
    if not virtuoso.available():
        return [{"name": "remote: publish / lookup via --backend", "note": "skipped: virtuoso-t not installed"}]
    store = full_store(ctx)
    with tempfile.TemporaryDirectory(prefix="kg-bench-virtuoso-") as data, \
            virtuoso.running_virtuoso(Path(data)) as v:
        e = env()
        e["KG_BENCH_VIRTUOSO_PASSWORD"] = v.password
        t0 = time.perf_counter()
        out = subprocess.run(kg_command("publish", str(store), "--to", v.sparql_auth, "--gsp", v.gsp,
                                        "--graph", GRAPH, "--user", "dba", "--password-env",
                                        "KG_BENCH_VIRTUOSO_PASSWORD", "--chunk-mb", "4"),
                             capture_output=True, text=True, env=e, cwd=ctx["project"], timeout=1800)
        seconds = time.perf_counter() - t0
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip()[-500:])
        rows = [{"name": "remote: kg publish full corpus -> Virtuoso", "seconds": seconds,
                 "note": out.stdout.strip().split(" in ")[0].replace("kg: published ", "")}]
        stats = {}
        common = ("--workers", "2", "--cache-mb", "0", "--client-workers", "0", "--no-access-log")
        with kg_serve(store, *common) as local, \
                kg_serve(None, "--backend", v.sparql, "--graph", GRAPH, "--query-timeout", "60", *common) as remote:
            same = answer_of(local, LOOKUP) == answer_of(remote, LOOKUP)
            for name, url in (("embedded", local), ("--backend Virtuoso", remote)):
                stats[name] = load(url, LOOKUP, CLIENTS, DURATION)
        for name, s in stats.items():
            rows.append({"name": f"remote: Ascend lookup, {name}, cache off", "seconds": s["p50"] / 1000,
                         "note": f"{s['rps']:.1f} req/s, p50 {s['p50']:.1f} ms, p99 {s['p99']:.1f} ms"
                                 f"{'' if same else ', ANSWERS DIFFER'}"})
        return rows


ROWS = [publish_and_lookup]
if os.environ.get("KG_BENCH_NO_REMOTE"):
    ROWS = []
