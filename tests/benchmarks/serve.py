"""Bench rows of the server: the Ascend lookup over loopback with concurrent clients,
for `kg serve` (Oxigraph in worker processes) and, as the baseline, the same app with
rdflib's SPARQL engine. Both against the same full-corpus store, in one run.

Targets: p50 < 5 ms and >= 20x the rdflib baseline's throughput.
"""
from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from kgserver import kg_serve  # noqa: E402

BASE = "https://w3id.org/mindspore-kg/"
# The question stated the way Oxigraph answers it fastest (measured: the patterns outside
# the UNION, or a property path
# `?hw skos:broader? hardware:Ascend` joined to the statements costs ~6x more, because the
# engine hash-joins over every statement instead of looking up the few on Ascend).
ASCEND_LOOKUP = f"""PREFIX kg: <{BASE}ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX hardware: <{BASE}hardware/>
PREFIX status: <{BASE}status/>
SELECT ?feature ?label WHERE {{
  {{ SELECT DISTINCT ?feature WHERE {{
    {{ ?statement kg:hardware hardware:Ascend ;
                  a kg:SupportStatement ; kg:status status:supported ; kg:feature ?feature }}
    UNION
    {{ ?hw skos:broader hardware:Ascend . ?statement kg:hardware ?hw ;
                  a kg:SupportStatement ; kg:status status:supported ; kg:feature ?feature }}
  }} }}
  OPTIONAL {{ ?feature skos:prefLabel ?label FILTER(lang(?label) = "en") }}
}}
ORDER BY ?label ?feature"""
CLIENTS = 4
DURATION = 10.0  # seconds of load per server
WORKERS = 2


def full_store(ctx: dict) -> Path:
    """The full-corpus store: ctx["store"] if another row built one, else `kg build` it."""
    if ctx.get("store") and Path(ctx["store"], "CURRENT").is_file():
        return Path(ctx["store"])
    path = Path(os.environ.get("KG_BENCH_STORE") or Path(tempfile.mkdtemp(prefix="kg-bench-")) / "store")
    if not (path / "CURRENT").is_file():
        corpus = str(ctx["corpus"])
        subprocess.run([sys.executable, "-m", "kg", "build", corpus, "--root", corpus, "-o", str(path),
                        "--no-validate"], check=True, cwd=ctx["project"],
                       env={**os.environ, "PYTHONPATH": str(ctx["project"])})
    ctx["store"] = str(path)
    return path


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the query workers), in MB."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def load(url: str, clients: int, duration: float) -> dict:
    """`clients` threads, each with one keep-alive connection, sending the lookup for
    `duration` seconds. Returns requests/s, p50 and p99 in ms and the answer size."""
    u = urllib.parse.urlsplit(url)
    target = u.path + "?" + urllib.parse.urlencode({"query": ASCEND_LOOKUP})
    latencies: list[float] = []
    sizes: set[int] = set()
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
            r = conn.getresponse()
            body = r.read()
            mine.append(time.perf_counter() - t0)
            if r.status != 200:
                errors.append(f"{r.status} {body[:200]!r}")
                break
            sizes.add(len(body))
        conn.close()
        with lock:
            latencies.extend(mine)
    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if errors:
        raise RuntimeError(errors[0])
    latencies.sort()
    n = len(latencies)
    return {"n": n, "rps": n / elapsed, "p50": latencies[n // 2] * 1000,
            "p99": latencies[min(n - 1, int(n * 0.99))] * 1000, "bytes": sorted(sizes)}


def _row(ctx: dict, engine: str) -> dict:
    store = full_store(ctx)
    with kg_serve(store, "--workers", str(WORKERS), "--engine", engine, "--query-timeout", "120",
                  startup=900) as url:
        load(url, 1, 1.0)  # warm up
        r = load(url, CLIENTS, DURATION)
        pid = int(subprocess.run(["pgrep", "-f", f"kg serve {store} .*--engine {engine}"],
                                 capture_output=True, text=True).stdout.split()[0])
        peak = _rss_mb(pid)
    ctx[f"serve_{engine}"] = r
    note = (f"{r['rps']:.1f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms "
            f"({r['n']} requests, {CLIENTS} clients, {WORKERS} workers, answer {r['bytes'][0]} bytes)")
    target = "baseline" if engine == "rdflib" else "p50 < 5 ms; >= 20x rdflib req/s"
    if engine == "oxigraph" and "serve_rdflib" in ctx:
        note += f"; {r['rps'] / ctx['serve_rdflib']['rps']:.0f}x rdflib"
    return {"name": f"serve Ascend lookup ({engine})", "seconds": r["p50"] / 1000, "peak_mb": peak,
            "target": target, "note": note}


def serve_rdflib(ctx: dict) -> dict:
    """Baseline first, so the kg serve row can state the ratio."""
    return _row(ctx, "rdflib")


def serve_oxigraph(ctx: dict) -> dict:
    return _row(ctx, "oxigraph")


ROWS = [serve_rdflib, serve_oxigraph]
