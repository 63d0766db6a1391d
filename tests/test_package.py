"""kg as an installed package: a wheel built from the project carries its data (ontology/ and
queries/ from the top of the repository, the in-package templates, static files and query
folders), and `python -m kg` runs from that installed copy alone: build, a named query, the
app's pages, REST API and OpenAPI document.

The wheel is built from a copy of the source tree in a temporary folder (the build writes
build/ and kg.egg-info beside setup.py, and other runs may share the checkout), installed
with `pip install --target`, and run with PYTHONPATH pointing there from a folder outside
the project, so nothing is read from the source tree."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT

from kg import config

PIP = [sys.executable, "-m", "pip"]
NOT_BUILT = ("tests", "examples", "var", "build", "dist", "node_modules", ".venv", ".git",
             "*.egg-info", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
IN_PACKAGE_DATA = ("web/templates", "web/static", "lookup/queries", "export/queries")

# a tiny FAQ corpus of our own (one English page of one release)
FAQ_PAGE = """# Hardware questions

## Q: Can graph mode run on GPU?

A: Yes. Graph mode is supported on GPU and on the Ascend 910 processor.

<br/>

## Q: Does dynamic shape work on CPU?

A: Dynamic shape is not supported on CPU yet.
"""

APP_CHECK = """
import json, sys
import kg
from kg.web.app import create_app
app = create_app({"store": sys.argv[1], "workers": 1})
client = app.test_client()
out = {"kg": kg.__file__}
for path in sys.argv[2:]:
    r = client.get(path)
    out[path] = [r.status_code, r.mimetype, r.get_data(as_text=True)]
app.extensions["kg"].runner.close()
print(json.dumps(out))
"""
PAGES = ("/", "/matrix", "/graph", "/features/graph-mode", "/openapi.json", "/api/features",
         "/queries", "/queries/features_on_hardware.rq", "/static/kg/kg.css",
         "/export/graph.gexf", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D")


def _run(args, cwd, env, timeout=60) -> subprocess.CompletedProcess:
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, args))}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(site folder, run folder, env): the project's wheel installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("package")
    src = tmp / "src"
    shutil.copytree(PROJECT, src, ignore=shutil.ignore_patterns(*NOT_BUILT))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_NO_INPUT"] = "1"
    _run(PIP + ["wheel", ".", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                "-w", str(tmp / "dist")], cwd=src, env=env, timeout=120)
    wheel, = (tmp / "dist").glob("kg-*.whl")
    site = tmp / "site"
    _run(PIP + ["install", "--no-deps", "--no-index", "--target", str(site), "-q", str(wheel)],
         cwd=tmp, env=env)
    run_dir = tmp / "run"
    page = run_dir / "corpus" / "r2.6.0" / "docs" / "mindspore" / "source_en" / "faq" / "hw.md"
    page.parent.mkdir(parents=True)
    page.write_text(FAQ_PAGE, encoding="utf-8")
    env["PYTHONPATH"] = str(site)
    return site, run_dir, env, wheel


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}


def test_the_source_tree_comes_first_in_a_checkout():
    assert config.ONTOLOGY_DIR == PROJECT / "ontology"
    assert config.QUERIES_DIR == PROJECT / "queries"
    assert config.LEXICON_DIR == PROJECT / "ontology" / "lexicon"
    shipped = re.search(r"^SHIPPED = \(([^)]*)\)", (PROJECT / "setup.py").read_text(), re.M)
    assert shipped and re.findall(r'"([^"]+)"', shipped.group(1)) == list(config.SHIPPED_DIRS)


def test_the_wheel_carries_every_data_file(installed):
    site, _, _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in config.SHIPPED_DIRS:
        expected = _files(PROJECT / name)
        assert expected and expected == _files(site / "kg" / "_data" / name), name
        assert {f"kg/_data/{name}/{f}" for f in expected} <= names
    for name in IN_PACKAGE_DATA:
        expected = _files(PROJECT / "kg" / name)
        assert expected and expected == _files(site / "kg" / name), name
    # every non-Python file in the package folder is shipped (a new data folder must be declared)
    data = {f for f in _files(PROJECT / "kg") if not f.endswith(".py")}
    assert data <= _files(site / "kg"), data - _files(site / "kg")
    assert not any(n.startswith(("tests/", "examples/", "ontology/", "queries/")) for n in names)


def test_build_and_named_query_run_from_the_installed_copy(installed):
    site, run_dir, env, _ = installed
    py = [sys.executable, "-m", "kg"]
    where = _run([sys.executable, "-c", "import kg, kg.config as c; "
                  "print(kg.__file__); print(c.ONTOLOGY_DIR); print(c.QUERIES_DIR)"],
                 cwd=run_dir, env=env).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where
    assert where[1:] == [str(site / "kg" / "_data" / "ontology"), str(site / "kg" / "_data" / "queries")]

    built = _run(py + ["build", "corpus", "--root", "corpus", "-o", "store"], cwd=run_dir, env=env)
    assert "2 entries" in built.stderr, built.stderr
    answer = _run(py + ["query", "--name", "features_on_hardware", "--format", "json",
                        "--param", "hardware=GPU", "store"], cwd=run_dir, env=env).stdout
    rows = json.loads(answer)["results"]["bindings"]
    assert [(r["feature"]["value"].rsplit("/", 1)[-1], r["on"]["value"]) for r in rows] == \
        [("graph-mode", "GPU")]
    version = _run([str(site / "bin" / "kg"), "--version"], cwd=run_dir, env=env).stdout
    assert "kg" in version


def test_the_app_serves_its_pages_from_the_installed_copy(installed):
    site, run_dir, env, _ = installed
    store = run_dir / "store"
    if not store.is_dir():  # this test alone: build first
        _run([sys.executable, "-m", "kg", "build", "corpus", "--root", "corpus", "-o", "store"],
             cwd=run_dir, env=env)
    out = json.loads(_run([sys.executable, "-c", APP_CHECK, str(store), *PAGES],
                          cwd=run_dir, env=env).stdout)
    assert Path(out.pop("kg")).is_relative_to(site)
    for path, (status, _mimetype, _) in out.items():
        assert status == 200, (path, status, out[path][2][:500])
    assert out["/"][1] == "text/html"
    assert "graph mode" in out["/features/graph-mode"][2]
    doc = json.loads(out["/openapi.json"][2])
    assert doc["openapi"].startswith("3.1") and "/api/features" in doc["paths"]
    assert "features_on_hardware" in out["/queries"][2]
    assert out["/export/graph.gexf"][1] == "application/gexf+xml"
    assert "true" in out["/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"][2]
