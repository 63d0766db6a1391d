"""`kg eval` on the dev gold (real corpus) and on a small gold of our own; `kg vocab suggest`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import InputError
from kg.extract.evaluation import check_thresholds, evaluate, read_gold

FIXTURE = Path(__file__).parent / "data" / "extraction"


@pytest.fixture(scope="module")
def dev_report(gold_path, corpus_dir):
    return evaluate(gold_path, corpus_dir)


def test_dev_gold_meets_the_targets(dev_report):
    rep = dev_report
    assert rep.found == rep.total > 0
    assert rep.url_rate() == 1.0
    for lang in ("zh", "en"):
        assert rep.status_accuracy(lang) >= 0.90, rep.format()
    assert rep.hardware_prf()[2] >= 0.90, rep.format()
    assert check_thresholds(rep, min_status=0.9, min_hardware_f1=0.9, min_urls=1.0, min_found=1.0) == []


HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"


HELDOUT2 = Path(__file__).parent / "data" / "heldout2.jsonl"
HELDOUT3 = Path(__file__).parent / "data" / "heldout3.jsonl"
HELDOUT4 = Path(__file__).parent / "data" / "heldout4.jsonl"
HELDOUT5 = Path(__file__).parent / "data" / "heldout5.jsonl"


@pytest.mark.parametrize("path,size", [(HELDOUT, 120), (HELDOUT2, 120), (HELDOUT3, 90), (HELDOUT4, 115),
                                       (HELDOUT5, 95)],
                         ids=["heldout", "heldout2", "heldout3", "heldout4", "heldout5"])
def test_heldout_gold_is_annotation_only(path, size):
    """The held-out gold carries labels and our own notes, never corpus text."""
    recs = read_gold(path)
    assert len(recs) >= size
    assert {r["lang"] for r in recs} == {"zh", "en"}
    assert len({r["source"].split("/")[0] for r in recs}) >= 15      # many releases
    for r in recs:
        assert set(r) <= {"source", "n", "lang", "status", "hardware", "note"}, r
        assert len(r.get("note", "")) <= 160


def test_heldout_sets_are_disjoint(gold_path):
    """Each held-out set shares no entry with the dev gold or an earlier held-out set."""
    keys = [{(r["source"], r["n"]) for r in read_gold(p)} for p in (gold_path, HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4,
                                                                    HELDOUT5)]
    for i in range(2, len(keys)):
        assert not keys[i] & set().union(*keys[:i])


# Entries of other pages and releases than the dev gold, annotated blind by teammates: the
# extraction must generalise. Each row: (set, min status accuracy en, zh, min macro-F1, min
# hardware F1), thresholds a little below the figures reached after general fixes.
HELDOUT_TARGETS = [
    # 152 entries; reached status 1.000 en / 0.987 zh, macro-F1 0.990, hardware F1 1.000
    (HELDOUT, 0.96, 0.96, 0.95, 0.95),
    # 148 entries (federated, MindInsight, Serving, Lite, the mindspore FAQ pages, master). Blind:
    # status 0.921 en / 0.889 zh, macro-F1 0.832, hardware F1 0.759; reached 1.000 everywhere
    (HELDOUT2, 0.98, 0.98, 0.97, 0.95),
    # 90 entries, r1.0-r2.6 and master. Blind: status 0.956 en / 1.000 zh, macro-F1 0.935, hardware
    # F1 0.833; reached 1.000 / 1.000, macro-F1 1.000, hardware F1 0.950 (the two misses are an
    # entry heldout.jsonl annotates the other way)
    (HELDOUT3, 0.98, 0.98, 0.97, 0.93),
    # 119 entries, mostly troubleshooting pages (87 n/a: the novel yes/no entries are nearly used
    # up). Blind: status 0.827 en / 0.866 zh, macro-F1 0.714, hardware F1 0.750; reached 0.981 en /
    # 0.985 zh, macro-F1 0.972, hardware F1 1.000
    (HELDOUT4, 0.96, 0.96, 0.95, 0.95),
    # 108 entries, annotated before any system output. Blind: status 1.000 / 1.000, macro-F1 1.000,
    # hardware F1 0.962 (one explanation whose hardware list precedes the support verb, since
    # fixed by a general rule)
    (HELDOUT5, 0.97, 0.97, 0.95, 0.93),
]


@pytest.mark.parametrize("path,min_en,min_zh,min_f1,min_hw", HELDOUT_TARGETS,
                         ids=[p.stem for p, *_ in HELDOUT_TARGETS])
def test_heldout_gold_meets_the_targets(corpus_dir, path, min_en, min_zh, min_f1, min_hw):
    rep = evaluate(path, corpus_dir)
    assert rep.found == rep.total
    assert rep.questions_scored == rep.urls_scored == 0 and rep.url_rate() == 1.0
    assert rep.status_accuracy("en") >= min_en, rep.format()
    assert rep.status_accuracy("zh") >= min_zh, rep.format()
    assert rep.macro_f1() >= min_f1, rep.format()
    assert rep.hardware_prf()[2] >= min_hw, rep.format()
    assert rep.confusion[("n/a", "supported")] + rep.confusion[("n/a", "unsupported")] == 0, rep.format()


def test_gold_without_question_and_urls_scores_status_and_hardware(tmp_path):
    recs = [json.loads(line) for line in (FIXTURE / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({k: v for k, v in r.items() if k not in ("question", "urls")},
                                         ensure_ascii=False) for r in recs), encoding="utf-8")
    rep = evaluate(gold, FIXTURE)
    assert (rep.found, rep.status_accuracy(), rep.hardware_prf()[2]) == (8, 1.0, 1.0)
    assert (rep.questions_scored, rep.urls_scored) == (0, 0)
    assert "URLs exact" not in rep.format()
    gold.write_text(json.dumps(dict(recs[0], hardware={"CPU": "n/a"})), encoding="utf-8")
    with pytest.raises(InputError, match="hardware"):
        read_gold(gold)


def test_fixture_gold_scores_and_reports_mismatches(tmp_path):
    rep = evaluate(FIXTURE / "gold.jsonl", FIXTURE)
    assert (rep.found, rep.total, rep.status_accuracy(), rep.hardware_prf()[2]) == (8, 8, 1.0, 1.0)
    # a wrong gold label shows up as a mismatch, in the confusion matrix and in the figures
    recs = [json.loads(line) for line in (FIXTURE / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    recs[0]["status"] = "planned"
    recs[2]["hardware"] = {"CPU": "unsupported"}
    recs.append(dict(recs[1], n=99))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    rep = evaluate(gold, FIXTURE)
    assert rep.found == 8 and rep.total == 9
    assert rep.confusion[("planned", "supported")] == 1
    assert rep.status_accuracy("zh") == 3 / 5
    assert rep.hw_fp == 2 and rep.hw_fn == 1
    probs = {(m["source"].split("/")[-2], m["n"]): m["problems"] for m in rep.mismatches}
    assert probs[("source_zh_cn", 99)] == ["entry not found"]
    assert "status supported (gold planned)" in probs[("source_zh_cn", 1)]
    assert check_thresholds(rep, min_status=0.9, min_found=1.0)


def test_cli_eval_exit_codes(tmp_path):
    runner = CliRunner()
    args = ["eval", str(FIXTURE / "gold.jsonl"), "--root", str(FIXTURE)]
    r = runner.invoke(main, args + ["--min-status-accuracy", "0.9", "--min-hardware-f1", "0.9",
                                    "--min-url-rate", "1", "--min-found", "1"])
    assert r.exit_code == 0, r.output
    assert "status accuracy [zh]: 4/4" in r.output and "confusion" in r.output
    r = runner.invoke(main, args + ["--min-status-accuracy", "1.01"])
    assert r.exit_code == 1 and "below thresholds" in r.output
    r = runner.invoke(main, args + ["--json"])
    assert json.loads(r.output)["found"] == 8


def test_bad_gold_is_a_clear_input_error(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"source": "a.md", "n": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="lacks"):
        read_gold(bad)
    bad.write_text('\n{"source": ', encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", str(bad), "--root", str(tmp_path)])
    assert r.exit_code == 2 and f"{bad}:2" in r.output
    good = FIXTURE / "gold.jsonl"
    r = CliRunner().invoke(main, ["eval", str(good), "--root", str(tmp_path)])
    assert r.exit_code == 2 and "not found" in r.output


def test_vocab_suggest_lists_candidates(tmp_path):
    page = tmp_path / "r9.9" / "docs" / "faq" / "source_en" / "misc.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Misc\n\n**Q: Does MindSpore support lattice sampling?**\n\nA: No.\n\n"
                    "**Q: Is lattice sampling supported?**\n\nA: Not yet.\n\n"
                    "**Q: Does MindSpore support quantization?**\n\nA: Yes.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert rows[0]["candidate"] == "lattice sampling" and rows[0]["entries"] == 2
    assert all(row["candidate"] != "quantization" for row in rows)


def test_vocab_suggest_on_a_folder_without_markdown_is_bad_input(tmp_path):
    (tmp_path / "notes.txt").write_text("Q: not markdown?\n\nA: no\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.stderr.strip() == f"kg: error: no FAQ Markdown files under {tmp_path}"
    assert r.stdout == ""
    # Markdown without entries is not an error: an empty list
    (tmp_path / "empty.md").write_text("# Nothing to ask\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path), "--json"])
    assert r.exit_code == 0 and r.stdout == ""


def test_vocab_suggest_lists_narrower_subjects_and_unknown_products(tmp_path):
    page = tmp_path / "r9.9" / "docs" / "faq" / "source_en" / "misc.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Misc\n\n**Q: What can I do if the error 'Unsupported expression Yield' is reported?**\n\n"
                    "A: MindSpore does not support the yield syntax in graph mode. Use MindWidget to rewrite it.\n\n"
                    "**Q: Why does the yield statement fail?**\n\n"
                    "A: MindSpore does not support the yield syntax in graph mode.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path), "--kind", "subjects", "--json"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    first = rows[0]
    assert (first["subject"], first["broader"], first["entries"]) == ("yield syntax in graph mode", "graph mode", 2)
    assert first["label_zh"] == "静态图模式下的yield语法"     # curated in ontology/subjects.ttl
    page.write_text(page.read_text(encoding="utf-8").replace("yield syntax", "walrus operator"), encoding="utf-8")
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path), "--kind", "subjects"])
    header, row = r.output.splitlines()[:2]
    cells = dict(zip(header.split("\t"), row.split("\t")))
    assert cells["subject"] == "walrus operator in graph mode" and cells["label_zh"] == ""   # a curator's to write
    r = CliRunner().invoke(main, ["vocab", "suggest", str(tmp_path), "--kind", "products"])
    assert r.exit_code == 0 and r.output.splitlines()[0].split("\t")[3] == "product"
    assert [line.split("\t")[3] for line in r.output.splitlines()[1:]] == ["MindWidget"]   # MindSpore is known
