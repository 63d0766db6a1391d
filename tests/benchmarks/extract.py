"""Bench row: extracting the whole corpus (status, hardware, features) after parsing it."""
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
            "target": "< 20 s, < 1024 MB", "note": f"{r['n']} entries (Extractor build included)"}


ROWS = [extract_corpus]
