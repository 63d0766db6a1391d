"""The W3C SPARQL 1.1 Protocol suite against a real `kg serve` on 127.0.0.1, serving
protocol-dataset.nq loaded with `kg load`: all 20 query tests strictly, the 7 bad
updates refused, and the service description tests."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from kgserver import kg_load, kg_serve


@pytest.fixture(scope="module")
def endpoint(conformance_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("protocol") / "store"
    out = kg_load([conformance_dir / "sparql-protocol" / "protocol-dataset.nq"], store)
    assert out.returncode == 0, out.stderr
    with kg_serve(store) as url:
        yield url


def run_checker(conformance_dir, *args):
    checker = conformance_dir / "sparql-protocol" / "protocol_check.py"
    return subprocess.run([sys.executable, str(checker), *args], capture_output=True, text=True,
                          timeout=300)


def test_all_query_tests_pass_strictly_and_bad_updates_are_refused(conformance_dir, endpoint):
    out = run_checker(conformance_dir, endpoint, "--run-bad-update", "--service-description")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "manifest.ttl" in out.stdout.splitlines()[0]  # read from the manifest, not a copy
    passed = set(re.findall(r"^PASS (\S+)", out.stdout, re.M))
    query_tests = {t for t in passed if t.startswith(("query_", "bad_query", "bad_multiple_queries"))}
    bad_updates = {t for t in passed if t.startswith(("bad_update", "bad_multiple_updates"))}
    assert len(query_tests) == 20, out.stdout
    assert len(bad_updates) == 7, out.stdout
    assert {"sd:returns-rdf", "sd:has-endpoint-triple"} <= passed
    assert "FAIL" not in out.stdout
    assert re.search(r"^29 passed, 0 failed$", out.stdout, re.M)
