"""`kg build` into a store on real data: the whole corpus (built once per session by the
`full_store` fixture), atomic replacement, identity across releases, translations, stats,
diff, and the CLI over them."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import CheckFailed, InputError
from kg.graph.pipeline import build_store
from kg.parse.identity import normalise_question, page_key
from kg.store import open_store
from kg.terms.iris import mint_iri

PREFIX = """PREFIX kg: <https://w3id.org/mindspore-kg/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
SUPPORTED = {"zh": "r1.2/docs/faq/source_zh_cn/supported_features.md",
             "en": "r1.2/docs/faq/source_en/supported_features.md"}


@pytest.fixture(scope="module")
def store(full_store):
    return open_store(full_store)


@pytest.fixture(scope="module")
def entries(corpus_dir):
    from kg.parse.markdown import parse_paths
    return list(parse_paths([corpus_dir], root=corpus_dir))


def rows(store, query: str) -> list[dict]:
    from kg.query.catalogue import solutions_to_dicts
    return solutions_to_dicts(store.query(PREFIX + query))


@pytest.mark.slow
def test_the_whole_corpus_is_shacl_valid(full_build, store, entries):
    assert full_build.report is not None and full_build.report.conforms
    assert full_build.entries == len(entries)
    assert full_build.quads == len(store)


@pytest.mark.slow
def test_every_entry_is_one_answer_per_release_and_language(store, entries):
    expected = defaultdict(int)
    for e in entries:
        expected[(e.release, e.lang)] += 1
    got = {(r["release"], r["lang"]): r["entries"] for r in rows(store, """
        SELECT ?release ?lang (COUNT(?a) AS ?entries) WHERE {
          ?a a schema:Answer ; schema:inLanguage ?lang ; kg:release/skos:notation ?release }
        GROUP BY ?release ?lang""")}
    assert got == dict(expected)


@pytest.mark.slow
def test_history_of_the_r12_supported_features_questions_is_complete(store, entries):
    """For every r1.2 supported-features question (both languages), the graph holds one
    answer in every release whose same page asks the same question, and no other."""
    releases_of = defaultdict(set)
    for e in entries:
        releases_of[(page_key(e), normalise_question(e.question))].add(e.release)
    asked = [e for e in entries if e.source in SUPPORTED.values()]
    assert len(asked) >= 30
    for e in asked:
        key = (page_key(e), normalise_question(e.question))
        q = mint_iri("question", *key)
        got = {r["release"] for r in rows(store, f"""
            SELECT ?release WHERE {{ <{q}> schema:acceptedAnswer ?a .
              ?a kg:release/skos:notation ?release ; kg:question <{q}> }}""")}
        assert got == releases_of[key], e.question
    # the page lives on beyond r1.2, so some questions have a history of several releases
    assert max(len(releases_of[(page_key(e), normalise_question(e.question))]) for e in asked) > 1


@pytest.mark.slow
def test_translation_links_for_r12_supported_features_both_ways(store):
    found = rows(store, """
        SELECT ?zhSource ?n ?enSource ?m WHERE {
          ?zh kg:translation ?en . ?en kg:translation ?zh .
          ?zh schema:inLanguage "zh" ; dcterms:source ?zhSource ; kg:position ?n .
          ?en schema:inLanguage "en" ; dcterms:source ?enSource ; kg:position ?m .
          FILTER(?zhSource = "%s") }""" % SUPPORTED["zh"])
    zh_count = rows(store, """SELECT (COUNT(?a) AS ?c) WHERE { ?a dcterms:source "%s" }"""
                    % SUPPORTED["zh"])[0]["c"]
    assert len(found) == zh_count > 0
    assert all(r["enSource"] == SUPPORTED["en"] and r["n"] == r["m"] for r in found)
    dangling = rows(store, """SELECT ?a WHERE { ?a kg:translation ?b FILTER NOT EXISTS { ?b kg:translation ?a } }""")
    assert dangling == []


@pytest.mark.slow
def test_stats_count_what_the_store_holds(store, entries):
    from kg.lookup.report import graph_stats
    stats = graph_stats(store)
    assert stats.triples == len(store)
    assert stats.totals["answers"] == len(entries) == sum(r["entries"] for r in stats.entries)
    assert stats.totals["statements"] == sum(r["statements"] for r in stats.statuses) > 0
    assert {r["status"] for r in stats.statuses} <= {"supported", "unsupported", "partial", "planned"}


@pytest.mark.slow
def test_diff_reports_real_changes_with_evidence_on_both_sides(store):
    from kg.lookup.report import release_diff
    changes = release_diff(store, "r0.7", "master")
    assert changes
    for c in changes:  # evidence for what is gone and what is new
        assert c.old != c.new
        assert bool(c.old_evidence) == (c.kind != "added" and bool(set(c.old.split()) - set(c.new.split())))
        assert bool(c.new_evidence) == (c.kind != "removed" and bool(set(c.new.split()) - set(c.old.split())))
        hw = f'; kg:hardware <{mint_iri("hardware", c.hardware)}>' if c.hardware else ""
        for release, status in [("r0.7", s) for s in c.old.split()] + [("master", s) for s in c.new.split()]:
            assert rows(store, f"""SELECT ?s WHERE {{ ?s kg:feature <{c.feature}> ;
                kg:release <{mint_iri("release", release)}> ;
                kg:status <{mint_iri("status", status)}> {hw} }} LIMIT 1""")


@pytest.mark.slow
def test_cli_stats_diff_and_validate_on_the_store(full_store):
    runner = CliRunner()
    out = runner.invoke(main, ["stats", str(full_store)])
    assert out.exit_code == 0 and "answers: " in out.output and "r1.2" in out.output
    out = runner.invoke(main, ["diff", str(full_store), "r1.2", "r2.0", "--lang", "en"])
    assert out.exit_code == 0 and "r1.2" in out.output
    out = runner.invoke(main, ["diff", str(full_store), "r1.2", "r9.9"])
    assert out.exit_code == 2 and "unknown release 'r9.9'" in out.output


# --- small builds: atomicity, determinism, files ------------------------------------------

def quads_of(path) -> set:
    return set(open_store(path))


def test_build_twice_gives_the_same_graph_with_the_same_iris(examples_dir, tmp_path):
    a = build_store([examples_dir], tmp_path / "a", root=examples_dir)
    b = build_store([examples_dir], tmp_path / "b", root=examples_dir)
    assert a.quads == b.quads > 0
    assert quads_of(tmp_path / "a") == quads_of(tmp_path / "b")


def test_a_build_failing_half_way_leaves_the_previous_store_intact(examples_dir, tmp_path):
    store = tmp_path / "store"
    build_store([examples_dir], store, root=examples_dir)
    before = quads_of(store)
    written = []

    def fail_after_first_chunk(done, total):
        written.append(done)
        raise RuntimeError("disk full")

    import kg.graph.pipeline
    chunk, kg.graph.pipeline.WRITE_CHUNK = kg.graph.pipeline.WRITE_CHUNK, 100   # several chunks on a small corpus
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            build_store([examples_dir], store, root=examples_dir, on_chunk=fail_after_first_chunk)
    finally:
        kg.graph.pipeline.WRITE_CHUNK = chunk
    assert written == [100]          # it failed after writing part of the new store
    assert quads_of(store) == before  # the previous store is readable and unchanged
    assert not [p for p in tmp_path.iterdir() if p.name != "store"]  # no leftovers


def test_a_build_with_bad_input_or_a_violation_leaves_the_store_intact(examples_dir, tmp_path):
    store = tmp_path / "store"
    build_store([examples_dir], store, root=examples_dir)
    before = quads_of(store)
    bad = tmp_path / "bad" / "r1.2" / "docs" / "faq" / "source_en"
    bad.mkdir(parents=True)
    (bad / "broken.md").write_bytes(b"# Broken\n\n**Q: Is this \xff\xfe valid?**\n\nA: No.\n")
    with pytest.raises(InputError):
        build_store([examples_dir, tmp_path / "bad"], store, root=tmp_path)
    assert quads_of(store) == before
    (bad / "broken.md").write_text("# Unknown release\n\n**Q: Does it work?**\n\nA: Yes.\n",
                                   encoding="utf-8")
    with pytest.raises(InputError, match="unknown release 'r9.9'"):
        build_store([tmp_path / "bad"], store, root=tmp_path / "bad", release="r9.9")
    assert quads_of(store) == before

    class NoSuchFeature:  # an extractor naming a feature the vocabulary lacks: a violation
        def extract(self, entry):
            from kg.model import Extraction
            return Extraction("supported", feature_iris=[mint_iri("feature", "no-such-feature")])

    with pytest.raises(CheckFailed, match="no-such-feature"):
        build_store([tmp_path / "bad"], store, root=tmp_path / "bad", extractor=NoSuchFeature())
    assert quads_of(store) == before


def test_cli_build_refuses_an_unknown_release_before_building(corpus_dir, tmp_path):
    from kg.terms.ontology import release_orders
    store = tmp_path / "store"
    for args in (["--release", "r9.9"], ["--release", "r9.9", "--format", "ttl"]):
        out = CliRunner().invoke(main, ["build", str(corpus_dir / "r1.2"), "--root",
                                        str(corpus_dir), "-o", str(store)] + args)
        one_line_error(out, "unknown release 'r9.9' (known: ", ", ".join(release_orders()))
        assert not store.exists()
    # the same for a release read from a path segment
    pages = tmp_path / "r9.9" / "docs" / "faq" / "source_en"
    pages.mkdir(parents=True)
    (pages / "faq.md").write_text("# FAQ\n\n**Q: Does it work?**\n\nA: Yes.\n", encoding="utf-8")
    one_line_error(CliRunner().invoke(main, ["build", str(tmp_path / "r9.9"), "--root",
                                             str(tmp_path), "-o", str(store)]),
                   "r9.9/docs/faq/source_en/faq.md", "unknown release 'r9.9'")
    assert not store.exists()


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_cli_build_writes_files_that_validate(examples_dir, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    result = CliRunner().invoke(main, ["build", str(examples_dir), "--root", str(examples_dir),
                                       "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["validate", str(out)])
    assert check.exit_code == 0 and "conforms" in check.output
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["build", str(examples_dir), "--root", str(examples_dir),
                                     "-o", str(store)]).exit_code == 0
    import pyoxigraph as ox

    from kg.store import rdf_format_for
    from_file = set(ox.parse(path=str(out), format=rdf_format_for(out)))
    assert quads_of(store) == from_file


def test_cli_validate_fails_with_exit_1_on_a_violation(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://w3id.org/mindspore-kg/answer/x> a <http://schema.org/Answer> .\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "violation" in result.output and "answer/x" in result.output


# --- bad input on the CLI: one clean line, exit 2 ------------------------------------------

@pytest.fixture(scope="module")
def example_store(examples_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("qa") / "store"
    build_store([examples_dir], path, root=examples_dir)
    return path


def one_line_error(out, *words) -> None:
    assert out.exit_code == 2, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and "Traceback" not in out.output
    for w in words:
        assert w in lines[0]


def test_cli_diff_names_an_unknown_release(example_store):
    runner = CliRunner()
    one_line_error(runner.invoke(main, ["diff", str(example_store), "r2.5.0", "r9.9"]),
                   "unknown release 'r9.9'", "r2.6.0")
    one_line_error(runner.invoke(main, ["diff", str(example_store), "nope", "r2.6.0"]),
                   "unknown release 'nope'")
    # a release the vocabulary knows but this store has no entries of: said, not "no changes"
    one_line_error(runner.invoke(main, ["diff", str(example_store), "r2.5.0", "r2.0"]),
                   "no entries of release 'r2.0'", "r2.5.0, r2.6.0")
    out = runner.invoke(main, ["diff", str(example_store), "r2.5.0", "r2.6.0"])
    assert out.exit_code == 0
    head = re.match(r"(\d+) status change\(s\), (\d+) added, (\d+) removed from r2\.5\.0 to r2\.6\.0", out.output)
    assert head, out.output
    # the same figures as the status_changes query
    from kg.query.catalogue import run_named, solutions_to_dicts
    from kg.store import open_store
    rows = solutions_to_dicts(run_named(open_store(example_store), "status_changes",
                                        {"from": mint_iri("release", "r2.5.0"), "to": mint_iri("release", "r2.6.0")}))
    assert [int(n) for n in head.groups()[1:]] == [sum(r["change"] == k for r in rows) for k in ("added", "removed")]
    assert head.group(0) and int(head.group(1)) <= sum(r["change"] == "changed" for r in rows)


def test_cli_on_a_damaged_store_names_it(example_store, tmp_path):
    import shutil
    damaged = tmp_path / "damaged"
    shutil.copytree(example_store, damaged)
    (damaged / "CURRENT").write_bytes(b"\x00garbage")
    runner = CliRunner()
    for args in (["stats", str(damaged)], ["validate", str(damaged)],
                 ["diff", str(damaged), "r2.5.0", "r2.6.0"],
                 ["query", "--name", "releases", str(damaged)]):
        one_line_error(runner.invoke(main, args), str(damaged), "cannot open store")


def test_cli_build_file_to_an_unwritable_path(examples_dir, tmp_path):
    runner = CliRunner()
    base = ["build", str(examples_dir), "--root", str(examples_dir), "--format", "ttl", "-o"]
    one_line_error(runner.invoke(main, base + [str(tmp_path)]), str(tmp_path), "cannot write")
    missing = tmp_path / "no" / "such" / "g.ttl"
    one_line_error(runner.invoke(main, base + [str(missing)]), str(missing), "cannot write")
    assert list(tmp_path.iterdir()) == []   # no temporary file left behind


def test_cli_build_keep_going_builds_from_the_files_it_can_read(examples_dir, tmp_path):
    import shutil
    root = tmp_path / "corpus"
    shutil.copytree(examples_dir, root)
    bad = root / "r1.2" / "docs" / "faq" / "source_en" / "broken.md"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"# Broken\n\n**Q: Is this \xff\xfe valid?**\n\nA: No.\n")
    store = tmp_path / "store"
    # without --keep-going one bad file fails the build: one error line, no store
    out = CliRunner().invoke(main, ["build", str(root), "--root", str(root), "-o", str(store)])
    assert out.exit_code == 2 and "broken.md" in out.stderr and not store.exists()
    # with it the others are built, the bad one is reported and counted, the exit status says so
    out = CliRunner().invoke(main, ["build", str(root), "--root", str(root), "-o", str(store), "--keep-going"])
    assert out.exit_code == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert any(line.startswith("kg: error:") and "broken.md" in line for line in lines)
    assert lines[-1].endswith("; 1 file could not be read") and "Traceback" not in out.stderr
    good = quads_of(store)
    shutil.rmtree(store)
    bad.unlink()
    assert CliRunner().invoke(main, ["build", str(root), "--root", str(root), "-o", str(store)]).exit_code == 0
    assert quads_of(store) == good   # the same graph as without the bad file


def test_on_a_terminal_the_progress_bar_and_the_messages_keep_to_their_own_lines(examples_dir, tmp_path):
    """`kg build` on a terminal (a pty here): the bar counts the files read; an error clears the
    bar's line before it is written (never "45%kg: error"), the stages after it start lines of
    their own."""
    import os
    import pty
    import shutil
    import subprocess
    import sys
    root = tmp_path / "corpus"
    shutil.copytree(examples_dir, root)
    bad = root / "r1.2" / "docs" / "faq" / "source_en" / "broken.md"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"# Broken\n\n**Q: Is this \xff\xfe valid?**\n\nA: No.\n")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(root), "--root", str(root),
                             "-o", str(tmp_path / "store"), "--keep-going"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:   # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=300) == 2
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    assert re.search(r"kg: reading \d+ files", text) and "100%" in text
    error = text.index("kg: error:")
    assert "broken.md" in text[error:].split("\n", 1)[0]
    assert text[:error].endswith(("\r\x1b[K", "\n")), repr(text[error - 40:error])
    for stage in ("kg: building the graph", "kg: writing", "kg: indexing"):
        assert text[text.index(stage) - 1] == "\n", stage


def test_minted_claim_subjects_are_named_in_both_languages(store):
    """A subject the claims mint (no vocabulary concept) carries its English label and the Chinese
    one curated in ontology/subjects.ttl; nearly every subject of the corpus has one, and the
    curated file names no subject the corpus no longer mints (a renamed subject loses its label)."""
    from kg.terms.vocabulary import SUBJECTS_FILE, load_vocabulary
    rows = list(store.query(PREFIX + """
        SELECT ?s ?en ?zh WHERE {
          ?s a kg:Subject ; skos:prefLabel ?en . FILTER(lang(?en) = "en")
          OPTIONAL { ?s skos:prefLabel ?zh . FILTER(lang(?zh) = "zh") } }"""))
    labels = {r["s"].value: (r["en"].value, r["zh"].value if r["zh"] else None) for r in rows}
    assert len(labels) > 50
    yield_iri = mint_iri("subject", "yield-syntax-in-graph-mode")
    assert labels[yield_iri] == ("yield syntax in graph mode", "静态图模式下的yield语法")
    assert sum(zh is not None for _, zh in labels.values()) / len(labels) >= 0.9
    curated = set(load_vocabulary(SUBJECTS_FILE).concepts)
    stale = curated - set(labels)
    assert len(stale) <= 0.1 * len(curated), sorted(stale)
