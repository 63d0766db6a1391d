"""The architecture of ARCHITECTURE.md holds: the import-linter contracts and ruff pass, no
module grows past ~400 lines, and `kg extract` loads no RDF, graph or web library."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT

BIN = Path(sys.executable).parent
MAX_LINES = 400


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is missing: `make install` installs the test extras of setup.cfg")
    return str(path)


def test_the_layer_contracts_are_kept():
    run = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_ruff_finds_nothing():
    run = subprocess.run([_tool("ruff"), "check", "."], cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]


def test_no_module_is_a_god_module():
    sizes = {str(p.relative_to(PROJECT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (PROJECT / "kg").rglob("*.py")}
    assert sizes and not {p: n for p, n in sizes.items() if n > MAX_LINES}


PAGE = """# Questions

## Q: Does graph mode run on GPU?

A: Yes, graph mode is supported on GPU and CPU.
"""

CHECK = """
import sys
from kg.cli import main
try:
    main(["extract", sys.argv[1], "--root", sys.argv[1]], standalone_mode=False)
finally:
    heavy = ("rdflib", "pyoxigraph", "pyshacl", "networkx", "flask", "waitress")
    print("LOADED", sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def test_kg_extract_loads_no_rdf_graph_or_web_library(tmp_path):
    page = tmp_path / "r2.0" / "docs" / "mindspore" / "source_en" / "faq" / "modes.md"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE, encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], cwd=PROJECT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert '"status": "supported"' in run.stdout and '"GPU": "supported"' in run.stdout
    assert "LOADED []" in run.stderr, run.stderr
