"""Bench rows of the web pages: each page of `kg serve` over the full-corpus store,
fetched over loopback a few times in a row (the first fetch warms the workers).

Target: every page answers in under 2 s (p50) on the full corpus.
"""
from __future__ import annotations

import statistics
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _measure import full_store  # noqa: E402  (the store another row built, or builds it)
from kgserver import kg_serve  # noqa: E402

HTML = {"Accept": "text/html"}
PAGES = ["/", "/matrix", "/matrix?release=master&lang=zh&compare=r1.2", "/graph",
         "/features/mixed-precision", "/sparql?name=support_matrix"]
TIMES = 5


def _get(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=HTML), timeout=60) as r:
        r.read()
        assert r.status == 200, (url, r.status)
    return time.perf_counter() - t0


def pages(ctx: dict) -> list[dict]:
    store = full_store(ctx)
    rows = []
    with kg_serve(store, "--workers", "2") as url:
        base = url.rsplit("/sparql", 1)[0]
        for path in PAGES:
            _get(base + path)  # warm
            times = [_get(base + path) for _ in range(TIMES)]
            p50 = statistics.median(times)
            rows.append({"name": f"page {path}", "seconds": p50, "peak_mb": None,
                         "target": "p50 < 2 s", "note": f"max {max(times):.3f} s over {TIMES}"
                         + ("" if p50 < 2 else " MISSED")})
    return rows


ROWS = [pages]
