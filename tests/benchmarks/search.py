"""Bench rows of full-text search (kg.graph.search_index, kg.lookup.search) on the full-corpus store:
the index build alone (the seconds it adds to `kg build`), and the query time of a mix of Chinese,
English and multi-word queries (p50 over warm runs; the first run loads jieba's dictionary)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import full_store, run_isolated  # noqa: E402

QUERIES = ["热加载", "hot loading", "quantize", "量化感知训练", "GPU", "分布式 并行", "mixed precision Ascend",
           "MindSpore", "安装失败", "error while loading shared libraries"]
RUNS = 5


def index_build(ctx: dict) -> dict:
    """build_search_index on the full store into a fresh folder, in a fresh process."""
    store = full_store(ctx)
    r = run_isolated(f"""
        import sys, tempfile, time
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.store import open_store
        from kg.graph.search_index import build_search_index, INDEX_NAME
        st = open_store({str(store)!r})
        folder = tempfile.mkdtemp(prefix="kg-bench-index-")
        t0 = time.perf_counter()
        counts = build_search_index(st, folder)
        seconds = time.perf_counter() - t0
        import os, shutil
        size = os.path.getsize(os.path.join(folder, INDEX_NAME)) / 1e6
        shutil.rmtree(folder)
        RESULT = {{"seconds": seconds, "note": f"{{counts}}, {{size:.1f}} MB (jieba load included)"}}
    """)
    return {"name": "search index build (added to kg build)", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 10 s", "note": r["note"]}


def query_p50(ctx: dict) -> dict:
    """kg.lookup.search over the full store's index, statuses through the store's queries."""
    store = full_store(ctx)
    r = run_isolated(f"""
        import statistics, sys, time
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.store import open_store
        from kg.lookup.documents import Lookups, store_runner
        from kg.lookup.search import search
        lookups = Lookups(store_runner(open_store({str(store)!r})))
        t0 = time.perf_counter()
        search(lookups, {str(store)!r}, "热加载")
        first = time.perf_counter() - t0
        times = []
        for _ in range({RUNS}):
            for q in {QUERIES!r}:
                t0 = time.perf_counter()
                search(lookups, {str(store)!r}, q)
                times.append(time.perf_counter() - t0)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        RESULT = {{"seconds": statistics.median(times),
                   "note": f"p95 {{p95 * 1000:.0f}} ms, first {{first:.2f}} s, {{len(times)}} queries"}}
    """)
    return {"name": "search query p50 (library)", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 0.5 s", "note": r["note"]}


ROWS = [index_build, query_p50]
