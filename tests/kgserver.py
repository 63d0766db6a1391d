"""Test helpers for the server area: a small dataset we write ourselves, and a real
`kg serve` process on 127.0.0.1 (a free port) for protocol and client tests."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

EX = "http://example.org/kgtest/"
# 40 items in the default graph, a few in two named graphs: enough for a cross join
# that never ends (40^6 rows) and for result caps, small enough to load in milliseconds.
N_ITEMS = 40


def fixture_trig() -> str:
    lines = [f"@prefix ex: <{EX}> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for i in range(N_ITEMS):
        lines.append(f'ex:item{i} a ex:Item ; rdfs:label "item {i}"@en , "条目 {i}"@zh ; ex:n {i} .')
    lines.append('ex:item0 ex:note "tab\\there, \\"quoted\\", comma" .')
    lines.append("ex:g1 { ex:a ex:p ex:b . ex:b ex:p ex:c . }")
    lines.append('ex:g2 { ex:a ex:q "in g2" . }')
    return "\n".join(lines) + "\n"


def write_fixture(dirpath: Path) -> Path:
    path = Path(dirpath) / "fixture.trig"
    path.write_text(fixture_trig(), encoding="utf-8")
    return path


def fixture_store(dirpath: Path) -> Path:
    """The fixture dataset loaded into a store at dirpath/store (kg.store.load_files)."""
    from kg.store import load_files
    load_files([write_fixture(dirpath)], Path(dirpath) / "store")
    return Path(dirpath) / "store"


# a cross join of the whole fixture six times over (40^6 rows): never ends on its own
RUNAWAY = ("SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c0 . ?d ?e ?f . ?g ?h ?i . "
           "?j ?k ?l . ?m ?n ?o . ?p ?q ?r }")


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(PROJECT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def kg_load(files, store: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(kg_command("load", *map(str, files), "-o", str(store), *extra),
                          capture_output=True, text=True, env=env(), cwd=PROJECT, timeout=120)


@contextlib.contextmanager
def kg_serve(store: Path, *extra: str, extra_env: dict | None = None, startup: float = 60.0,
             output: list | None = None, log_file=None):
    """Run `kg serve STORE --port 0 ...` and yield its endpoint URL (http://127.0.0.1:N/sparql).
    Its output (stdout and stderr: the banner, the JSON log lines) is read all along, so a
    full pipe never blocks the server; `output`, when given, receives its lines. With `log_file`
    (an open file) its stderr, the log, goes there instead, as a deployment's would: the
    benchmarks keep the reading of log lines out of the process that measures."""
    e = env()
    e.update(extra_env or {})
    where = [] if store is None else [str(store)]  # None: `kg serve --backend URL` in `extra`
    proc = subprocess.Popen(kg_command("serve", *where, "--host", "127.0.0.1", "--port", "0", *extra),
                            stdout=subprocess.PIPE, stderr=log_file or subprocess.STDOUT, text=True, env=e,
                            cwd=PROJECT)
    try:
        deadline = time.monotonic() + startup
        url = None
        seen = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(r"SPARQL endpoint (http://127\.0\.0\.1:\d+/sparql)", line)
            if m:
                url = m.group(1)
                break
        if url is None:
            proc.kill()
            raise RuntimeError("kg serve did not start:\n" + "".join(seen) + (proc.stdout.read() or ""))
        if output is not None:
            output.extend(seen)
        threading.Thread(target=_drain, args=(proc.stdout, output), daemon=True).start()
        for _ in range(100):  # the socket is bound before the line is printed; make sure
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        stop(proc, 10)
        if proc.stdout:
            proc.stdout.close()


def stop(proc: subprocess.Popen, grace: float) -> None:
    """End a server process: SIGTERM, up to `grace` seconds to exit, then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _drain(stream, into: list | None) -> None:
    try:
        for line in stream:
            if into is not None:
                into.append(line)
    except (OSError, ValueError):  # closed at the end of kg_serve
        pass


def serve_fails(store: Path, *args: str, extra_env: dict | None = None) -> str:
    """Run `kg serve STORE --host 127.0.0.1 ARGS` expecting bad input: exit 2 and one
    `kg: error: ...` line on stderr, which is returned."""
    e = env()
    e.update(extra_env or {})
    out = subprocess.run(kg_command("serve", str(store), "--host", "127.0.0.1", *args),
                         capture_output=True, text=True, env=e, cwd=PROJECT, timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), out.stderr
    return lines[0]
