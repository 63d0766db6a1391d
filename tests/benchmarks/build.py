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
    return {"name": "open store", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 1 s", "note": r["note"]}


CHIP_CLAIMS = ("PREFIX kg: <https://w3id.org/mindspore-kg/ontology#> "
               "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
               "SELECT ?n (COUNT(?c) AS ?k) WHERE { ?c a kg:Claim ; kg:release ?r ; kg:hardware ?h . "
               "?h skos:notation ?hw FILTER(?hw IN (\"Ascend910\", \"Ascend310\")) ?r skos:notation ?n } GROUP BY ?n")


def chip_claims(ctx: dict) -> dict:
    """Claims naming Ascend910 or Ascend310 per release in the built store: r2.6.0 and master
    against r2.2 (the pages say "Atlas ..." from r2.3 on)."""
    store = ctx.get("build_store")
    if not store:
        raise RuntimeError("needs the build row first")
    r = run_isolated(f"""
        import sys, time
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.store import open_store
        store = open_store({store!r})
        t0 = time.perf_counter()
        per = {{str(s["n"].value): int(s["k"].value) for s in store.query({CHIP_CLAIMS!r})}}
        RESULT = {{"seconds": time.perf_counter() - t0, "per": per}}
    """)
    import shutil
    shutil.rmtree(ctx.pop("build_dir"), ignore_errors=True)
    per = r["per"]
    base = per.get("r2.2", 0) or 1
    note = ", ".join(f"{rel} {per.get(rel, 0)} ({per.get(rel, 0) / base:.0%})" for rel in ("r2.2", "r2.6.0", "master"))
    return {"name": "claims on Ascend 910/310 per release", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": ">= 80% of r2.2", "note": note}


ROWS = [build_store, open_store, chip_claims]
