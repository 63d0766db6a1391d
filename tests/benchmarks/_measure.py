"""Helpers for benchmark rows: run a function in a fresh process and measure time and peak RSS."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path


def run_isolated(code: str, cwd: str | None = None) -> dict:
    """Run `code` (which must print one JSON object as its last line) in a new Python
    process; return that object plus `peak_mb` (max RSS of the child)."""
    wrapper = textwrap.dedent("""
        import json, resource, sys, time
        __t0 = time.perf_counter()
    """) + textwrap.dedent(code) + textwrap.dedent("""
        __r = dict(RESULT)
        __r.setdefault("seconds", time.perf_counter() - __t0)
        __r["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(__r))
    """)
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=cwd)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def full_store(ctx: dict) -> Path:
    """The full-corpus store: ctx["store"] if another row built one (or KG_BENCH_STORE names
    one), else `kg build` it once into a temporary folder and remember it in ctx."""
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
