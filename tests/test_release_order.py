"""Releases listed in release order (the vocabulary's kg:releaseOrder: r1.2 before r1.10
before r2.0, master last), never as strings: in named query answers (their GROUP_CONCATs
too), `kg query`, the API and the console's example, on a store of four real releases."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.terms.ontology import release_orders

RELEASES = ("r1.2", "r1.10", "r2.0", "master")
ORDER = release_orders()


def in_release_order(names) -> bool:
    ranks = [ORDER[n] for n in names]
    return ranks == sorted(ranks)


def test_the_vocabulary_orders_releases_as_versions():
    assert ORDER["r1.2"] < ORDER["r1.10"] < ORDER["r2.0"] < ORDER["master"] == max(ORDER.values())
    assert sorted(RELEASES) != sorted(RELEASES, key=ORDER.get)  # string order would be wrong


@pytest.fixture(scope="module")
def store(build_releases, tmp_path_factory):
    return build_releases(RELEASES, tmp_path_factory.mktemp("release-order") / "store").output


@pytest.fixture(scope="module")
def app(make_app, store):
    return make_app(store)


def _releases_column(csv_text: str) -> list[list[str]]:
    return [row["releases"].split() for row in csv.DictReader(io.StringIO(csv_text))]


def test_features_on_hardware_lists_releases_in_release_order(client):
    for hardware in ("Ascend", "GPU", "CPU"):
        r = client.get("/queries/features_on_hardware", query_string={"hardware": hardware, "format": "csv"})
        assert r.status_code == 200
        lists = _releases_column(r.data.decode())
        assert lists, hardware
        for names in lists:
            assert in_release_order(names), (hardware, names)
            assert len(set(names)) == len(names)
    # the case that tells: a feature stated in r1.2 and r1.10 (string order puts r1.10 first)
    r = client.get("/queries/features_on_hardware", query_string={"format": "csv"})
    both = [n for n in _releases_column(r.data.decode()) if {"r1.2", "r1.10"} <= set(n)]
    assert both and all(n.index("r1.2") < n.index("r1.10") for n in both)


def test_kg_query_lists_releases_in_release_order(store):
    result = CliRunner().invoke(main, ["query", "--name", "features_on_hardware", "--format", "csv", str(store)])
    assert result.exit_code == 0, result.output
    lists = _releases_column(result.output)
    assert any(len(n) > 2 for n in lists) and all(in_release_order(n) for n in lists)
    listed = CliRunner().invoke(main, ["query", "--name", "releases", "--format", "csv", str(store)])
    shown = [row["notation"] for row in csv.DictReader(io.StringIO(listed.output))]
    assert set(RELEASES) <= set(shown) and in_release_order(shown)


def test_the_api_lists_releases_in_release_order(client):
    body = json.loads(client.get("/api/releases").data)
    assert in_release_order([r["id"] for r in body["releases"]])
    body = json.loads(client.get("/api/features?hardware=Ascend&evidence=none&limit=200").data)
    lists = [f["releases"] for f in body["features"]]
    assert any({"r1.2", "r1.10"} <= set(n) for n in lists)
    assert all(in_release_order(n) for n in lists)


def test_the_console_example_has_no_duplicate_rows_and_orders_releases(client):
    from kg.web.console import EXAMPLE_QUERY

    def rows(text):
        r = client.get("/sparql", query_string={"query": text, "format": "csv"})
        assert r.status_code == 200
        return [tuple(row) for row in csv.reader(io.StringIO(r.data.decode()))][1:]

    shown = rows(EXAMPLE_QUERY)
    assert shown and len(set(shown)) == len(shown)
    assert len(set(rows(EXAMPLE_QUERY.replace("SELECT DISTINCT", "SELECT")))) < len(
        rows(EXAMPLE_QUERY.replace("SELECT DISTINCT", "SELECT")))  # what DISTINCT is for
    by_feature: dict[str, list[str]] = {}
    for feature, _label, release in shown:
        by_feature.setdefault(feature, []).append(release)
    assert any({"r1.2", "r1.10"} <= set(r) for r in by_feature.values())
    assert all(in_release_order(r) for r in by_feature.values())
    # each feature's rows together
    features = [f for f, _, _ in shown]
    assert features == sorted(features, key=features.index)


def test_the_releases_scheme_lists_releases_in_release_order(store):
    result = CliRunner().invoke(main, ["query", "--name", "concepts", "--param", "scheme=releases",
                                       "--format", "csv", str(store)])
    assert result.exit_code == 0, result.output
    shown = [row["notation"] for row in csv.DictReader(io.StringIO(result.output))]
    assert {"r1.2", "r1.10"} <= set(shown) and in_release_order(shown)


def test_the_support_matrix_lists_a_cell_s_statuses_in_status_order(client):
    from kg.lookup.pages import STATUS_ORDER
    several = []
    for release in RELEASES:
        r = client.get("/queries/support_matrix", query_string={"release": release, "format": "csv"})
        assert r.status_code == 200
        for row in csv.DictReader(io.StringIO(r.data.decode())):
            statuses = row["statuses"].split()
            assert statuses == sorted(set(statuses), key=STATUS_ORDER.index), row
            assert int(row["entries"]) >= 1
            several += [statuses] if len(statuses) > 1 else []
    assert several  # the releases hold cells whose entries disagree
