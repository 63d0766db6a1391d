"""Named queries (queries/*.rq, kg.query.catalogue): headers, safe binding, answers.

Every query runs on a store holding the vocabulary plus tests/data/api_fixture.ttl
(invented, in the shape of ontology/MODEL.md), and on the real full-corpus store
when the `full_store` fixture is available.
"""
from __future__ import annotations

import re

import fixture_graph
import pyoxigraph as ox
import pytest

from kg.errors import InputError, NotFound, QueryError
from kg.query.catalogue import CatalogueError, load_catalogue, parse_named_query, run_named, solutions_to_dicts, to_term
from kg.terms.iris import mint_iri

CATALOGUE = load_catalogue()
NAMES = [q.name for q in CATALOGUE]
# values for required parameters, on the fixture graph
FIXTURE_VALUES = {"feature_history": {"feature": "mixed-precision"},
                  "feature_docs": {"feature": "mixed-precision"},
                  "feature": {"feature": "mixed-precision"},
                  "support_matrix": {"release": "r1.2"},
                  "page_entries": {"page": "docs/faq/source_en/feature_notes.md"}}
REQUIRED = {"features_on_hardware", "support_matrix", "feature_history", "status_changes",
            "unsupported_and_planned", "feature_docs", "page_entries", "claims"}


@pytest.fixture(scope="session")
def fixture_store() -> ox.Store:
    return fixture_graph.fixture_store()


def rows(store, name, values=None):
    return solutions_to_dicts(run_named(store, name, values, CATALOGUE))


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# --- the catalogue --------------------------------------------------------------------

def test_catalogue_has_the_required_questions():
    assert REQUIRED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header_documents_the_query(name):
    q = CATALOGUE.get(name)
    assert q.title and q.description, "title and description in the header"
    assert q.form == "SELECT"
    for p in q.params:
        assert p.help, f"parameter {p.name} has help text"
        # a parameter is bound by substitution, which needs it in the projection
        select = q.text[q.text.index("SELECT"):q.text.index("WHERE")]
        assert re.search(rf"\?{p.name}\b", select), f"?{p.name} is not projected"
        if p.default is not None:
            to_term(p.kind, p.default, p.name)


def test_header_errors_name_file_and_line():
    with pytest.raises(CatalogueError) as e:
        parse_named_query("# title: t\n# param x colour = red: a colour\nSELECT ?x {}", "t", "t.rq")
    assert e.value.path == "t.rq" and e.value.line == 2 and "colour" in e.value.message
    with pytest.raises(CatalogueError, match="not a variable"):
        parse_named_query("# title: t\n# param y string: y\nSELECT ?x {}", "t", "t.rq")
    with pytest.raises(CatalogueError, match="title"):
        parse_named_query("# description: d\nSELECT ?x {}", "t", "t.rq")
    with pytest.raises(CatalogueError, match="reserved"):
        parse_named_query("# title: t\n# param format string: f\nSELECT ?format {}", "t", "t.rq")


def test_unknown_query_is_not_found():
    with pytest.raises(NotFound, match="no named query 'nope'"):
        CATALOGUE.get("nope")


# --- every query runs ---------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_on_the_fixture(fixture_store, name):
    result = rows(fixture_store, name, FIXTURE_VALUES.get(name))
    assert result, f"{name} answers something on the fixture"


@pytest.fixture(scope="module")
def real_store(full_store) -> ox.Store:
    """The full-corpus store (`full_store`, built once per session), opened read-only."""
    from kg.store import open_store
    return open_store(full_store)


def real_values(store, q) -> dict:
    """Values for the required parameters of `q`, taken from the data."""
    out = {}
    for p in q.params:
        if p.required and p.kind == "feature":
            # the feature with the most statements among those whose entries give URLs
            out[p.name] = next(iter(store.query(
                "PREFIX kg: <https://w3id.org/mindspore-kg/ontology#> "
                "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?f { ?s kg:feature ?f ; "
                "prov:wasDerivedFrom ?a . ?a kg:docUrl ?u } "
                "GROUP BY ?f ORDER BY DESC(COUNT(DISTINCT ?s)) ?f LIMIT 1")))["f"].value
    return out


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_on_the_real_store(real_store, name):
    q = CATALOGUE.get(name)
    values = real_values(real_store, q)
    if name == "page_entries":
        values["source"] = "r1.2/docs/faq/source_en/supported_features.md"
    if name in ("support_matrix", "unsupported_and_planned"):
        values["release"] = "r1.2"
    if name in ("status_changes", "release_diff"):
        values.update({"from": "r1.1", "to": "r1.2"})
    result = rows(real_store, name, values)
    assert result, f"{name} answers something on real data"


KG = "PREFIX kg: <https://w3id.org/mindspore-kg/ontology#> "


def test_real_ascend_lookup_includes_narrower_hardware(real_store):
    found = {r["feature"] for r in rows(real_store, "features_on_hardware")}
    hw = {h: mint_iri("hardware", h) for h in ("Ascend", "Ascend910", "Ascend310", "GPU")}

    def stated(*names):
        values = " ".join(f"<{hw[n]}>" for n in names)
        return {s["f"].value for s in real_store.query(
            KG + f"SELECT DISTINCT ?f {{ VALUES ?h {{ {values} }} ?s kg:hardware ?h ; "
            f"kg:feature ?f ; kg:status <{mint_iri('status', 'supported')}> }}")}

    on_910 = stated("Ascend910")
    assert on_910, "the corpus states features supported on Ascend 910"
    assert on_910 | stated("Ascend310") | stated("Ascend") == found
    only_narrower = (stated("Ascend910") | stated("Ascend310")) - stated("Ascend")
    assert only_narrower, "some features are stated on a narrower Ascend only"
    assert only_narrower <= found
    gpu_only = stated("GPU") - found
    assert gpu_only and not gpu_only & found


def test_real_labels_in_the_asked_language(real_store):
    zh = rows(real_store, "features_on_hardware", {"lang": "zh"})
    vocab = [r for r in zh if "/feature/" in r["feature"]]
    assert vocab and all(re.search(r"[\u4e00-\u9fff]", r["label"]) or r["label"].isascii()
                         for r in vocab)
    assert any(re.search(r"[\u4e00-\u9fff]", r["label"]) for r in vocab)


def test_real_status_changes_are_backed_by_statements(real_store):
    changes = rows(real_store, "status_changes", {"from": "r1.1", "to": "r1.2"})
    assert {r["change"] for r in changes} <= {"changed", "added", "removed"} and changes

    def statuses(release, feature, hardware):
        hw = f"?s kg:hardware <{mint_iri('hardware', hardware)}> ." if hardware else \
            "FILTER NOT EXISTS { ?s kg:hardware ?any }"
        return {s["n"].value for s in real_store.query(
            KG + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT DISTINCT ?n { "
            f"?s kg:release <{mint_iri('release', release)}> ; kg:feature <{feature}> ; "
            f"kg:status/skos:notation ?n . {hw} }}")}

    for r in changes:
        old = statuses("r1.1", r["feature"], r.get("hardware"))
        new = statuses("r1.2", r["feature"], r.get("hardware"))
        assert set(r.get("oldStatus", "").split()) == old, r
        assert set(r.get("newStatus", "").split()) == new, r
        assert old != new
        assert r["change"] == ("added" if not old else "removed" if not new else "changed")


def test_real_page_entries_in_file_order(real_store):
    source = "r1.2/docs/faq/source_en/supported_features.md"
    got = rows(real_store, "page_entries", {"source": source})
    count = next(iter(real_store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT (COUNT(?a) AS ?c) "
        f'{{ ?a dcterms:source "{source}" }}')))["c"].value
    assert len(got) == int(count) > 3
    assert [r["n"] for r in got] == sorted(r["n"] for r in got)
    assert [r["line"] for r in got] == sorted(r["line"] for r in got)


def test_real_feature_history_in_release_order(real_store):
    q = CATALOGUE.get("feature_history")
    history = rows(real_store, "feature_history", real_values(real_store, q))
    order = {r["notation"]: r["order"] for r in rows(real_store, "releases")}
    assert history and all(order[r["release"]] == r["order"] for r in history)
    assert [r["order"] for r in history] == sorted(r["order"] for r in history)


# --- binding is safe ------------------------------------------------------------------

INJECTIONS = ["Ascend> } UNION { ?s ?p ?o", "Ascend\" } ; DROP ALL ; #", "<http://x/>",
              "Ascend .\n?x ?y ?z", "Ascend}", "Ascend #", "http://x/a b", "http://x/>{"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_iri_parameters_refuse_injection(fixture_store, value):
    with pytest.raises(InputError, match="hardware"):
        run_named(fixture_store, "features_on_hardware", {"hardware": value}, CATALOGUE)


def test_string_parameters_are_literals_not_code(fixture_store):
    evil = 'docs/faq/source_en/feature_notes.md" } UNION { ?answer ?p ?source } #'
    assert rows(fixture_store, "page_entries", {"page": evil}) == []
    # the same query with the honest value finds the entries: the string was matched, not run
    assert len(rows(fixture_store, "page_entries",
                    {"page": "docs/faq/source_en/feature_notes.md"})) == 8


def test_binding_errors_name_the_parameter():
    q = CATALOGUE.get("feature_history")
    with pytest.raises(InputError, match="'feature' of query 'feature_history' is required"):
        q.bind({})
    with pytest.raises(InputError, match="unknown parameter 'colour'"):
        q.bind({"feature": "x", "colour": "red"})
    with pytest.raises(InputError, match="'lang'"):
        CATALOGUE.get("hardware").bind({"lang": "e n"})


def test_unknown_release_hardware_status_are_refused_with_the_known_ones():
    from kg.terms.ontology import release_orders
    releases = sorted(release_orders(), key=release_orders().get)
    with pytest.raises(InputError) as e:
        CATALOGUE.get("release_diff").bind({"from": "foo"})
    assert str(e.value).startswith("parameter 'from': unknown release 'foo' (known: ")
    assert ", ".join(releases) in str(e.value)   # every release of the vocabulary, in order
    with pytest.raises(InputError, match=r"'hardware': unknown hardware 'TPU' \(known: Ascend"):
        to_term("hardware", "TPU", "hardware")
    with pytest.raises(InputError, match="unknown release 'http://example.org/r1.2'"):
        to_term("release", "http://example.org/r1.2")
    assert to_term("release", mint_iri("release", "r2.6.0")).value == mint_iri("release", "r2.6.0")


def test_cli_named_query_with_an_unknown_release_is_bad_input(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    store = fixture_graph.write_fixture_store(tmp_path / "store")
    r = CliRunner().invoke(main, ["query", "--name", "release_diff", "--param", "from=foo",
                                  str(store)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "parameter 'from': unknown release 'foo' (known: r0.1" in lines[0]
    ok = CliRunner().invoke(main, ["query", "--name", "release_diff", "--param", "from=r1.2",
                                   "--param", "to=r2.0", "--format", "json", str(store)])
    assert ok.exit_code == 0, ok.output


def test_terms_are_typed():
    assert to_term("hardware", "Ascend910").value == mint_iri("hardware", "Ascend910")
    assert to_term("status", "n/a").value == mint_iri("status", "n-a")
    assert to_term("feature", "candidate/kernel-fusion-tuning").value == \
        mint_iri("candidate", "kernel-fusion-tuning")
    assert to_term("integer", "12").datatype.value.endswith("#integer")
    assert to_term("string", "a\"b").value == "a\"b"
    # a percent-encoded slug round-trips to the IRI the build mints
    slug = local(mint_iri("feature", "混合精度"))
    assert to_term("feature", slug).value == mint_iri("feature", "混合精度")


def test_a_query_that_fails_reports_its_name(fixture_store):
    bad = parse_named_query("# title: t\nSELECT ?x WHERE { ?x ?y }", "broken", "broken.rq")
    from kg.query.catalogue import Catalogue
    with pytest.raises(QueryError, match="broken"):
        run_named(fixture_store, "broken", {}, Catalogue({"broken": bad}))


# --- the answers, on the fixture --------------------------------------------------------

def test_ascend_lookup_goes_through_the_hierarchy(fixture_store):
    found = {local(r["feature"]): r for r in rows(fixture_store, "features_on_hardware")}
    # stated on Ascend910 only, and on Ascend itself
    assert set(found) == {"mixed-precision", "distributed-training"}
    assert found["mixed-precision"]["on"] == "Ascend910"
    assert found["mixed-precision"]["entries"] == 4
    assert set(found["mixed-precision"]["releases"].split()) == {"r1.1", "r1.2", "r2.0"}
    # the narrower hardware alone does not include its broader one
    assert {local(r["feature"]) for r in rows(fixture_store, "features_on_hardware",
                                              {"hardware": "Ascend910"})} == {"mixed-precision"}
    partial = rows(fixture_store, "features_on_hardware", {"status": "partial"})
    assert [local(r["feature"]) for r in partial] == ["dynamic-shape"]   # via Ascend310
    zh = rows(fixture_store, "features_on_hardware", {"lang": "zh"})
    assert {r["label"] for r in zh} == {"混合精度", "分布式训练"}


def test_support_matrix_of_a_release(fixture_store):
    matrix = {(local(r["feature"]), r.get("hardware")): r["statuses"]
              for r in rows(fixture_store, "support_matrix", {"release": "r1.2"})}
    assert matrix == {("distributed-training", "Ascend"): "supported",
                      ("dynamic-shape", None): "partial", ("dynamic-shape", "Ascend310"): "partial",
                      ("hot-model-reload", None): "unsupported",
                      ("mixed-precision", "Ascend910"): "supported",
                      ("mixed-precision", "CPU"): "planned", ("mixed-precision", "GPU"): "supported"}


def test_feature_history_is_in_release_order(fixture_store):
    history = rows(fixture_store, "feature_history", {"feature": "mixed-precision"})
    orders = [r["order"] for r in history]
    assert orders == sorted(orders) and [r["release"] for r in history][0] == "r1.1"
    cpu = [(r["release"], r["status"]) for r in history if r.get("hardware") == "CPU"]
    assert cpu == [("r1.1", "unsupported"), ("r1.2", "planned"), ("r2.0", "supported")]


def test_status_changes_between_releases(fixture_store):
    changes = {(r["change"], local(r["feature"]), r.get("hardware"), r.get("oldStatus"),
                r.get("newStatus")) for r in rows(fixture_store, "status_changes")}
    assert changes == {
        ("changed", "mixed-precision", "CPU", "planned", "supported"),
        ("changed", "hot-model-reload", None, "unsupported", "planned"),
        ("added", "kernel-fusion-tuning", "GPU", None, "supported"),
        ("removed", "distributed-training", "Ascend", "supported", None),
        ("removed", "dynamic-shape", None, "partial", None),
        ("removed", "dynamic-shape", "Ascend310", "partial", None)}
    back = rows(fixture_store, "status_changes", {"from": "r1.1", "to": "r1.2"})
    assert ("changed", "CPU", "unsupported", "planned") in {
        (r["change"], r.get("hardware"), r.get("oldStatus"), r.get("newStatus")) for r in back}
    assert rows(fixture_store, "status_changes", {"from": "r1.2", "to": "r1.2"}) == []


def test_unsupported_and_planned(fixture_store):
    got = {(local(r["feature"]), r["status"], r.get("hardware"), local(r["release"]))
           for r in rows(fixture_store, "unsupported_and_planned")}
    assert got == {("hot-model-reload", "unsupported", None, "r1.2"),
                   ("hot-model-reload", "planned", None, "r2.0"),
                   ("mixed-precision", "unsupported", "CPU", "r1.1"),
                   ("mixed-precision", "planned", "CPU", "r1.2")}
    assert len(rows(fixture_store, "unsupported_and_planned", {"release": "r2.0"})) == 1


def test_documentation_urls_of_a_feature(fixture_store):
    docs = rows(fixture_store, "feature_docs", {"feature": "mixed-precision"})
    assert [(r["release"], r["url"]) for r in docs] == [
        ("r1.2", "../api/amp.html"), ("r1.2", "https://docs.example.org/r1.2/amp.html"),
        ("r2.0", "https://docs.example.org/r2.0/amp.html")]


def test_entries_of_a_page(fixture_store):
    one = rows(fixture_store, "page_entries", {"source": "r1.2/docs/faq/source_en/feature_notes.md"})
    assert [r["n"] for r in one] == [1, 2, 3, 4, 5]
    assert one[0]["line"] == 5 and one[0]["upstream"].endswith("#L5")
    assert {r["releaseName"] for r in rows(fixture_store, "page_entries",
                                           {"page": "docs/faq/source_en/feature_notes.md",
                                            "release": "r2.0"})} == {"r2.0"}


def test_claims_keep_a_feature_s_own_claims_apart_from_its_limitations(fixture_store):
    got = rows(fixture_store, "claims", {"feature": "mixed-precision", "release": "r2.0"})
    own = [r for r in got if r["limitation"] in (False, "false")]
    limits = [r for r in got if r["limitation"] in (True, "true")]
    assert {r["hardware"] for r in own} == {"Ascend910", "GPU", "CPU"} and {r["status"] for r in own} == {"supported"}
    assert [(r["subjectLabel"], r["hardware"], r["status"]) for r in limits] == \
        [("mixed precision with int4 weights", "GPU", "unsupported")]
    # the limitation does not turn the feature: the matrix and the hardware lookup see only its own claims
    cells = {(r["hardware"], r["statuses"]) for r in rows(fixture_store, "support_matrix", {"release": "r2.0"})
             if r["feature"].endswith("/mixed-precision")}
    assert ("GPU", "supported") in cells and not any("unsupported" in st for _, st in cells)
    # in Chinese the subject keeps its own label; one subject named asks for its claims alone
    zh = rows(fixture_store, "claims", {"subject": "mixed-precision-with-int4-weights", "lang": "zh"})
    assert [r["subjectLabel"] for r in zh] == ["int4权重的混合精度"]
