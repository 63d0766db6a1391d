"""Bench rows of the parsing stage (first row of `make bench`)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run_isolated  # noqa: E402


def parse_corpus(ctx: dict) -> dict:
    """Parse every FAQ page of every release in both languages into Entry records (kept in
    memory), in a fresh process."""
    r = run_isolated(f"""
        import sys
        sys.path.insert(0, {str(ctx["project"])!r})
        from kg.parse import markdown as parsing
        stats = parsing.ParseStats()
        entries = list(parsing.parse_paths([{str(ctx["corpus"])!r}], root={str(ctx["corpus"])!r},
                                           stats=stats))  # held in memory, as the build does
        RESULT = {{"note": stats.summary()}}
    """)
    return {"name": "parse whole corpus", "seconds": r["seconds"], "peak_mb": r["peak_mb"],
            "target": "< 5 s, < 300 MB", "note": r["note"]}


ROWS = [parse_corpus]
