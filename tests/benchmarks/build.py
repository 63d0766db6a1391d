"""Bench rows of the graph: the whole corpus built into a store (parse, extract, RDF,
SHACL validation, atomic store write), then opening that store."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run_isolated  # noqa: E402


def build_store(ctx: dict) -> dict:
    """`kg build CORPUS -o STORE` in a fresh process (validation included)."""
    ctx["build_dir"] = tempfile.mkdtemp(prefix="kg-bench-build-")
    store = str(Path(ctx["build_dir"]) / "store")
    r = run_isolated(f"""
        import sys
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.graph.pipeline import build_store
        result = build_store([{str(ctx["corpus"])!r}], {store!r}, root={str(ctx["corpus"])!r})
        RESULT = {{"note": result.summary() + "; SHACL: " + result.report.summary()}}
    """)
    ctx["build_store"] = store
    return {"name": "build whole corpus into store", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 60 s, < 1500 MB", "note": r["note"]}


def open_store(ctx: dict) -> dict:
    """Open the built store read-only and count its triples, in a fresh process."""
    store = ctx.get("build_store")
    if not store:
        raise RuntimeError("needs the build row first")
    r = run_isolated(f"""
        import sys, time
        sys.path.insert(0, {str(ctx["project"])!r})
        t0 = time.perf_counter()
        from kg.store import open_store
        store = open_store({store!r})
        n = len(store)
        RESULT = {{"seconds": time.perf_counter() - t0, "note": f"{{n}} triples"}}
    """)
    import shutil
    shutil.rmtree(ctx.pop("build_dir"), ignore_errors=True)
    return {"name": "open store", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 1 s", "note": r["note"]}


ROWS = [build_store, open_store]
