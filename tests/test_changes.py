"""One definition of "what changed" between two releases (kg.lookup.changes): the matrix's
comparison, the named queries status_changes and release_diff, and `kg diff` report the same
changes, checked on a store of r1.2 and r2.0 of the real corpus against an independent query."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from lxml import html as lhtml
from pages_support import PREFIXES, select

from kg.cli import main
from kg.lookup.changes import KINDS
from kg.query.catalogue import run_named, solutions_to_dicts
from kg.store import open_store
from kg.terms.iris import mint_iri

OLD, NEW = "r1.2", "r2.0"
ORDER = ["supported", "partial", "planned", "unsupported", "n/a"]


@pytest.fixture(scope="module")
def store_path(build_releases, tmp_path_factory):
    return build_releases([OLD, NEW], tmp_path_factory.mktemp("changes") / "store").output


@pytest.fixture(scope="module")
def expected(store_path) -> dict[tuple, tuple[str, str, str]]:
    """{(feature, hardware notation or ""): (kind, old statuses, new statuses)}, asked directly:
    the statuses every claim of each release states for the key, in the matrix's order."""
    stated: dict[tuple, dict[str, set]] = {}
    for r in select(store_path, PREFIXES + f"""SELECT DISTINCT ?f ?hw ?rel ?st WHERE {{
            ?s a kg:SupportStatement ; kg:feature ?f ; kg:status/skos:notation ?st ;
               kg:release/skos:notation ?rel . FILTER(?rel IN ("{OLD}", "{NEW}"))
            OPTIONAL {{ ?s kg:hardware/skos:notation ?hw }} }}"""):
        stated.setdefault((r["f"], r["hw"] or ""), {OLD: set(), NEW: set()})[r["rel"]].add(r["st"])
    out = {}
    for key, sides in stated.items():
        old, new = (" ".join(sorted(sides[x], key=ORDER.index)) for x in (OLD, NEW))
        if old != new:
            out[key] = ("added" if not old else "removed" if not new else "changed", old, new)
    return out


def _hardware(row) -> str:
    return row.get("hardware", "")


def test_matrix_status_changes_release_diff_and_kg_diff_agree(store_path, expected, make_app):
    want = {k: sum(1 for v in expected.values() if v[0] == k) for k in KINDS}
    assert want["added"] and want["removed"] and sum(want.values()) > 10, want   # r1.2 -> r2.0 differ
    store = open_store(store_path)
    values = {"from": mint_iri("release", OLD), "to": mint_iri("release", NEW)}

    # the named query status_changes: one row per change
    rows = solutions_to_dicts(run_named(store, "status_changes", values))
    got = {(r["feature"], _hardware(r)): (r["change"], r.get("oldStatus", ""), r.get("newStatus", ""))
           for r in rows}
    assert len(rows) == len(got) and got == expected

    # release_diff: the same changes (rows per evidence), none without a side's statuses
    diff_rows = solutions_to_dicts(run_named(store, "release_diff", values))
    quoted = {(r["feature"], _hardware(r)): (r["change"], r.get("oldStatus", ""), r.get("newStatus", ""))
              for r in diff_rows}
    assert quoted == expected
    for r in diff_rows:  # evidence quotes what is gone (old side) and what is new
        if r.get("oldSource"):
            assert r["oldSource"].startswith(OLD + "/") and r["change"] != "added"
        if r.get("newSource"):
            assert r["newSource"].startswith(NEW + "/") and r["change"] != "removed"

    # kg diff: its first line counts them, every change is listed under its kind
    out = CliRunner().invoke(main, ["diff", str(store_path), OLD, NEW])
    assert out.exit_code == 0, out.output
    head = re.match(r"(\d+) status change\(s\), (\d+) added, (\d+) removed from", out.output)
    assert head and [int(n) for n in head.groups()] == [want[k] for k in KINDS], out.output
    listed = [ln for ln in out.output.splitlines() if ln.startswith("- ")]
    assert len(listed) == len(expected)

    # the matrix's comparison, in both languages: the same counts, every change listed
    client = make_app(store_path).test_client()
    for lang in ("en", "zh"):
        resp = client.get(f"/matrix?release={NEW}&compare={OLD}&lang={lang}", headers={"Accept": "text/html"})
        assert resp.status_code == 200
        doc = lhtml.fromstring(resp.get_data(as_text=True))
        summary = doc.xpath("//p[@id='changes']")[0]
        assert summary.xpath("strong/text()") == [str(len(expected))]
        for kind in KINDS:
            assert summary.xpath(f"span[@data-kind='{kind}']/text()") == [f"{want[kind]} {kind}"], lang
        assert len(doc.xpath("//details[@id='change-list']//li")) == len(expected)
        # a marked cell is a change, and says what the earlier release stated
        marked = doc.xpath("//td[contains(@class, ' changed')]")
        assert marked
        for td in marked:
            key = next(k for k in expected if k[1] == td.get("data-hw")
                       and k[0].rsplit("/", 1)[-1] == td.get("data-feature").rsplit("/", 1)[-1])
            was = " ".join(td.xpath(".//span[@class='was']")[0].text_content().split())
            assert was == "was: " + (expected[key][1] or "none")
        # every change is a cell here, or is named as stated on the other language's pages only
        cells = {(td.get("data-feature").rsplit("/", 1)[-1], td.get("data-hw")) for td in marked}
        elsewhere = doc.xpath("//span[@id='elsewhere']")
        told = int(elsewhere[0].text_content().split()[0]) if elsewhere else 0
        assert len(cells) + told == len(expected), lang
        if told:
            assert elsewhere[0].xpath(".//a/@href")[0].endswith("lang=" + ("zh" if lang == "en" else "en"))


def test_no_changes_between_a_release_and_itself(store_path):
    out = CliRunner().invoke(main, ["diff", str(store_path), NEW, NEW])
    assert out.exit_code == 0 and out.output.startswith("0 status change(s), 0 added, 0 removed")
