"""Bench rows: extracting the whole corpus (status, hardware, features, claims) after parsing it,
and `kg extract`'s whole path (parse, extract, twins linked per release) with the claims'
twin agreement."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run_isolated  # noqa: E402


def extract_corpus(ctx: dict) -> dict:
    r = run_isolated(f"""
        import sys
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.parse.markdown import parse_paths
        from kg.extract.extractor import Extractor
        entries = list(parse_paths([{str(ctx['corpus'])!r}], root={str(ctx['corpus'])!r}))
        t = time.perf_counter()
        x = Extractor()
        out = [x.extract(e) for e in entries]
        RESULT = {{"seconds": time.perf_counter() - t, "n": len(out)}}
    """, cwd=str(ctx["project"]))
    return {"name": "extract: whole corpus", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 15 s, < 1024 MB", "note": f"{r['n']} entries (Extractor build included)"}


def kg_extract_corpus(ctx: dict) -> dict:
    """What `kg extract CORPUS` does (records of every entry, twins linked one release at a time),
    then the claims' twin agreement over the corpus (not timed)."""
    r = run_isolated(f"""
        import sys
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.extract.pipeline import extract_records, extract_entries, link_entries
        from kg.extract.extractor import Extractor
        from kg.extract.twins import twin_agreement
        root = {str(ctx['corpus'])!r}
        t = time.perf_counter()
        n = sum(1 for _ in extract_records([root], root=root, extract=Extractor().extract))
        seconds = time.perf_counter() - t
        pairs = list(extract_entries([root], root=root))
        same, total = twin_agreement(pairs, link_entries(pairs).translations)
        RESULT = {{"seconds": seconds, "n": n, "same": same, "total": total}}
    """, cwd=str(ctx["project"]))
    return {"name": "kg extract: whole corpus (records)", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 15 s; twins >= 90% same claims",
            "note": f"{r['n']} records; zh/en twins with the same claims: {r['same']}/{r['total']} "
                    f"({r['same'] / max(r['total'], 1):.1%})"}


ROWS = [extract_corpus, kg_extract_corpus]
