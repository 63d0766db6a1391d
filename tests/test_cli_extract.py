"""`kg extract`: in-process through click's runner, and as a real process (`python -m kg`)
for the entry point, exit codes and the progress bar on a real pseudo-terminal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import extract as cli_extract
from kg.cli import main
from kg.extract.extractor import record_of
from kg.extract.records import EXTRACTION_KEYS, FIRST_KEYS
from kg.parse import markdown as parsing

PROJECT = Path(__file__).resolve().parent.parent


def run_kg(*args, cwd=None, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or PROJECT, env=env, timeout=120, **kw)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def example_root(examples_dir):
    return examples_dir / "faq"


@pytest.fixture(scope="module")
def example_stats(example_root):
    stats = parsing.ParseStats()
    entries = list(parsing.parse_paths([example_root], root=example_root, stats=stats))
    return entries, stats


def test_jsonl_has_one_record_per_entry_with_the_gold_keys_first(example_root, example_stats):
    entries, stats = example_stats
    r = invoke("extract", example_root, "--root", example_root, "--format", "jsonl")
    assert r.exit_code == 0, r.stderr
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(records) == len(entries) == stats.entries > 0
    hook = cli_extract._extraction_hook()   # the one place extraction joins the records
    for rec, e in zip(records, entries):
        assert tuple(rec)[:len(FIRST_KEYS)] == FIRST_KEYS
        assert rec == {**rec, **e.to_dict()}
        added = {k: v for k, v in rec.items() if k not in e.to_dict()}
        assert set(EXTRACTION_KEYS) - {"products"} <= set(added)
        own = {k: v for k, v in record_of(e, hook(e)).items() if k not in e.to_dict()}
        # a zh candidate may be renamed after its English twin's; both versions carry the union of
        # their claims, named in English: only `features` and `claims` may differ from the entry's own
        if e.lang == "en":
            assert {k: v for k, v in added.items() if k != "claims"} == {k: v for k, v in own.items() if k != "claims"}
        else:
            assert {k: v for k, v in added.items() if k not in ("features", "claims")} == \
                {k: v for k, v in own.items() if k not in ("features", "claims")}
        facts = {(c["hardware"], c["status"]) for r in records if r["lang"] != e.lang for c in r["claims"]}
        facts |= {(c["hardware"], c["status"]) for c in own["claims"]}
        assert {(c["hardware"], c["status"]) for c in added["claims"]} <= facts
        assert {(c["hardware"], c["status"]) for c in own["claims"]} <= \
            {(c["hardware"], c["status"]) for c in added["claims"]}     # nothing of its own is lost
    assert r.stderr.splitlines()[-1] == stats.summary()


def test_json_and_table_carry_the_same_records(example_root, example_stats):
    entries, _ = example_stats
    as_jsonl = [json.loads(x) for x in invoke("extract", example_root, "--root", example_root).stdout.splitlines()]
    r = invoke("extract", example_root, "--root", example_root, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == as_jsonl
    r = invoke("extract", example_root, "--root", example_root, "--format", "table")
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and lines[0].split()[:3] == ["source", "n", "line"]
    assert len(lines) == 2 + len(entries)
    assert all(line.split()[1] == str(e.n) for line, e in zip(lines[2:], entries))


def test_root_defaults_to_the_current_folder_and_release_can_be_given(tmp_path, monkeypatch):
    page = tmp_path / "docs" / "faq" / "source_zh_cn" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text("# 页\n\nQ：能用吗？\n\nA：能。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rec = json.loads(invoke("extract", "docs", "--release", "r2.6.0").stdout)
    assert (rec["source"], rec["release"], rec["lang"], rec["question"], rec["answer"]) == \
        ("docs/faq/source_zh_cn/page.md", "r2.6.0", "zh", "能用吗？", "能。")


def test_gold_questions_and_urls_through_the_command(corpus_dir, gold_path):
    gold = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    folders = sorted({str(corpus_dir / Path(g["source"]).parent) for g in gold})
    r = run_kg("extract", *folders, "--root", corpus_dir, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    got = {(x["source"], x["n"]): x for x in map(json.loads, r.stdout.splitlines())}
    for g in gold:
        rec = got[(g["source"], g["n"])]
        assert " ".join(rec["question"].split()) == " ".join(g["question"].split()), g
        assert (rec["urls"], rec["lang"]) == (g["urls"], g["lang"]), g
    assert r.stderr.splitlines()[-1].endswith(" warnings")


@pytest.fixture
def mixed_folder(tmp_path):
    root = tmp_path / "r9.9"
    root.mkdir()
    (root / "a_good.md").write_text("## Q: One?\n\nA: yes\n\n## Q: Two?\n\n<br/>\n", encoding="utf-8")
    (root / "b_bad.md").write_bytes("## Q: 三？\n\nA: ".encode() + b"\xff\n")
    (root / "c_none.md").write_text("# Nothing to ask\n", encoding="utf-8")
    (root / "d_good.md").write_text("Q: Last?\n\nA: ok\n", encoding="utf-8")
    return tmp_path


def test_bad_utf8_stops_the_run_with_exit_2_naming_file_and_byte(mixed_folder):
    r = invoke("extract", mixed_folder, "--root", mixed_folder)
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    err = r.stderr.splitlines()
    offset = len("## Q: 三？\n\nA: ".encode())
    assert f"kg: error: r9.9/b_bad.md:3 (byte {offset}): not valid UTF-8 (invalid start byte)" in err
    assert "Traceback" not in r.stderr and err[-1] == "2 files, 2 entries, 1 warnings"


def test_keep_going_processes_the_other_files_and_still_exits_2(mixed_folder):
    r = invoke("extract", mixed_folder, "--root", mixed_folder, "--keep-going")
    assert r.exit_code == 2
    records = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["source"], x["n"]) for x in records] == [
        ("r9.9/a_good.md", 1), ("r9.9/a_good.md", 2), ("r9.9/d_good.md", 1)]
    err = r.stderr.splitlines()
    assert "kg: r9.9/a_good.md:5: warning: entry has an empty answer" in err
    assert "kg: r9.9/c_none.md: warning: no FAQ entries in this file" in err
    assert any(line.startswith("kg: error: r9.9/b_bad.md:3 (byte") for line in err)
    assert err[-1] == "4 files, 3 entries, 2 warnings"


def test_warnings_alone_exit_0(mixed_folder):
    (mixed_folder / "r9.9" / "b_bad.md").unlink()
    r = invoke("extract", mixed_folder, "--root", mixed_folder, "--format", "table")
    assert r.exit_code == 0 and r.stderr.splitlines()[-1] == "3 files, 3 entries, 2 warnings"


def test_missing_path_is_one_clean_line(tmp_path):
    r = run_kg("extract", tmp_path / "nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [f"kg: error: {tmp_path / 'nope'}: no such file or folder"]


def test_a_folder_without_markdown_is_bad_input(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.txt").write_text("## Q: not markdown?\n\nA: no\n", encoding="utf-8")
    r = invoke("extract", tmp_path)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [f"kg: error: no FAQ Markdown files under {tmp_path}"]
    # Markdown without entries stays exit 0, with the per-file warning
    (tmp_path / "sub" / "empty.md").write_text("# Nothing to ask\n", encoding="utf-8")
    r = invoke("extract", tmp_path, "--root", tmp_path)
    assert r.exit_code == 0 and r.stdout == ""
    assert r.stderr.splitlines() == ["kg: sub/empty.md: warning: no FAQ entries in this file",
                                     "1 files, 0 entries, 1 warnings"]


def _many_pages(tmp_path, n=25):
    for i in range(n):
        (tmp_path / f"p{i:02}.md").write_text(f"## Q: q{i}?\n\nA: a{i}\n", encoding="utf-8")
    return tmp_path


def test_no_progress_bar_in_pipes(tmp_path):
    r = invoke("extract", _many_pages(tmp_path), "--root", tmp_path)   # stderr is no terminal
    assert r.exit_code == 0 and r.stderr == "25 files, 25 entries, 0 warnings\n"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path):
    import pty
    master, slave = pty.openpty()
    try:
        r = subprocess.run(
            [sys.executable, "-m", "kg", "extract", str(_many_pages(tmp_path)), "--root", str(tmp_path)],
            stdout=subprocess.PIPE, stderr=slave, cwd=PROJECT, timeout=120, text=True,
            env=dict(os.environ, PYTHONPATH=str(PROJECT), TERM="xterm"))
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        tty_err = b"".join(chunks).decode("utf-8", "replace")
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 25
    assert "parsing" in tty_err and "25 files, 25 entries, 0 warnings" in tty_err


def test_a_file_outside_root_is_named_from_its_release_folder(tmp_path, corpus_dir):
    """Without --root (default: the working folder) a corpus file is recorded as the corpus
    names it, so its upstream URL is right, instead of as ../../..."""
    page = corpus_dir / "r1.2" / "docs" / "faq" / "source_en" / "supported_features.md"
    r = run_kg("extract", page, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout.splitlines()[0])
    assert first["source"] == "r1.2/docs/faq/source_en/supported_features.md"
    with_root = invoke("extract", page, "--root", corpus_dir)
    assert json.loads(with_root.stdout.splitlines()[0]) == first


def _twin_pages(tmp_path):
    faq = tmp_path / "r2.6.0" / "docs" / "faq"
    pages = {"en": ("Q: Does MindSpore support frobnicating widgets?", "A: No, it is not supported."),
             "zh": ("Q: MindSpore是否支持对小部件进行弗罗布处理？", "A: 不支持。")}
    for lang, (q, a) in pages.items():
        f = faq / ("source_en" if lang == "en" else "source_zh_cn") / "page.md"
        f.parent.mkdir(parents=True)
        f.write_text(f"# FAQ\n\n**{q}**\n\n{a}\n", encoding="utf-8")
    return faq


def test_twins_named_in_mixed_ways_are_aligned_and_read_once(tmp_path, monkeypatch):
    """The zh page named by its absolute path and the en page relatively: the en page is still
    read first, so the zh record names the English candidate (as with two relative paths),
    and a file named twice (relative and absolute) gives its records once."""
    faq = _twin_pages(tmp_path)
    monkeypatch.chdir(faq)
    zh_abs = faq / "source_zh_cn" / "page.md"
    r = invoke("extract", zh_abs, "source_en/page.md", "./source_en/page.md",
               faq / "source_en" / "page.md")
    assert r.exit_code == 0, r.output
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["lang"], x["n"]) for x in recs] == [("en", 1), ("zh", 1)]
    assert recs[0]["features"] == recs[1]["features"] == ["frobnicating widgets"]
    relative = invoke("extract", "source_zh_cn/page.md", "source_en/page.md")
    assert [json.loads(line)["features"] for line in relative.stdout.splitlines()] == \
        [x["features"] for x in recs]


def test_a_bad_file_after_a_zh_page_keeps_the_records_of_that_page(tmp_path):
    """Without --keep-going the run stops at the bad file, but the Chinese page read before
    it (held for its English twin) is still written, as an English page would be."""
    faq = _twin_pages(tmp_path)
    (faq / "source_zh_cn" / "zz_bad.md").write_bytes("**Q: 坏？**\n\nA: ".encode() + b"\xff\n")
    r = invoke("extract", faq / "source_zh_cn", "--root", tmp_path)
    assert r.exit_code == 2
    assert [(json.loads(x)["source"], json.loads(x)["n"]) for x in r.stdout.splitlines()] == [
        ("r2.6.0/docs/faq/source_zh_cn/page.md", 1)]
    assert r.stderr.splitlines()[-1] == "2 files, 1 entries, 0 warnings"
