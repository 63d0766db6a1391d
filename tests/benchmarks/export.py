"""Bench row: exporting the full-corpus graph to GEXF (dynamic, the default), in a fresh process.

Uses the full-corpus store another row built (ctx["store"]) or builds one with `kg build`
(KG_BENCH_STORE names a store to reuse). Target: < 10 s. The note reports the node and edge
counts and checks the file the way the tests do (1.3 RNG, networkx read-back).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import full_store, run_isolated  # noqa: E402


def export_gexf(ctx: dict, include_entries: bool = False) -> dict:
    store = full_store(ctx)
    out = Path(tempfile.mkdtemp(prefix="kg-bench-export-")) / "graph.gexf"
    r = run_isolated(f"""
        import sys
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.export.writers import FORMATS, ExportOptions, export_to_path
        from kg.store import open_store
        s = export_to_path(open_store({str(store)!r}), FORMATS["gexf"], {str(out)!r},
                           ExportOptions(include_entries={include_entries!r}))
        RESULT = {{"nodes": s["nodes"], "edges": s["edges"], "mode": s["mode"]}}
    """, cwd=str(ctx["project"]))
    check = _check(out, ctx)
    name = "export: full corpus to GEXF" + (" + entries" if include_entries else "")
    return {"name": name, "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 10 s",
            "note": f"{r['nodes']} nodes, {r['edges']} edges ({r['mode']}), "
                    f"{out.stat().st_size // 1024} KB; {check}"}


def _check(path: Path, ctx: dict) -> str:
    import networkx as nx
    from lxml import etree
    rng = etree.RelaxNG(etree.parse(str(ctx["corpus"].parent.parent / "conformance" / "gexf" / "1.3" / "gexf.rng")))
    doc = etree.parse(str(path)).getroot()
    for el in doc.iter():
        for a in [a for a in el.attrib if a.startswith("{http://www.w3.org/2001/XMLSchema-instance}")]:
            del el.attrib[a]
    valid = rng.validate(doc)
    G = nx.read_gexf(path, version="1.3")
    return f"RNG {'valid' if valid else 'INVALID'}, networkx reads {G.number_of_nodes()}/{G.number_of_edges()}"


def export_gexf_with_entries(ctx: dict) -> dict:
    return export_gexf(ctx, include_entries=True)


ROWS = [export_gexf, export_gexf_with_entries]
