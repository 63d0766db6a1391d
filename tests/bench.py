"""`make bench`: runs every benchmark row in tests/benchmarks/*.py and prints one table.

Each module there defines `ROWS`: a list of callables taking the shared context
dict and returning a dict with keys `name`, `seconds`, `peak_mb` and optional
`note`/`target`. Rows run in file order, one process, so ratios are comparable.
`python tests/bench.py serve pages` runs only the modules named.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent


def main(argv: list[str]) -> int:
    """argv: names of benchmark modules to run (e.g. `serve`); none: all of them."""
    sys.path.insert(0, str(PROJECT))
    ctx: dict = {"corpus": PROJECT.parent / "shared" / "corpus" / "mindspore-docs",
                 "project": PROJECT}
    rows = []
    for path in sorted((HERE / "benchmarks").glob("*.py")):
        if path.name.startswith("_") or (argv and path.stem.lstrip("0123456789_") not in argv
                                          and path.stem not in argv):
            continue
        spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for fn in getattr(mod, "ROWS", []):
            try:
                row = fn(ctx)
            except Exception as e:  # a failing row is reported, the others still run
                row = {"name": f"{path.stem}.{fn.__name__}", "note": f"FAILED: {e!r}"}
            rows.extend(row if isinstance(row, list) else [row])
            r = rows[-1]
            print(f"  done: {r.get('name')}", file=sys.stderr, flush=True)
    cols = ["name", "seconds", "peak_mb", "target", "note"]
    table = [[str(r.get(c, "")) if not isinstance(r.get(c), float) else f"{r[c]:.3f}" for c in cols]
             for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) if table else len(c) for i, c in enumerate(cols)]
    print(" | ".join(c.ljust(w) for c, w in zip(cols, widths)))
    print("-+-".join("-" * w for w in widths))
    for t in table:
        print(" | ".join(v.ljust(w) for v, w in zip(t, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
