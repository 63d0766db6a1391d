"""`kg eval` on claim gold: our scorer agrees with the reference scorer of shared/gold and
reports what it cannot decide (unjudged subject pairs)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import SHARED

from kg.errors import InputError
from kg.extract.claim_scoring import (
    ClaimReport,
    derived_claims,
    is_claim_gold,
    normalise_subject,
    read_claim_gold,
    score_claims,
)
from kg.extract.evaluation import evaluate_claims
from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_records

CLAIM_GOLD = SHARED / "gold" / "claims_dev.jsonl"
REFERENCE = SHARED / "gold" / "claims_score.py"


@pytest.fixture(scope="module")
def report(corpus_dir) -> ClaimReport:
    return evaluate_claims(CLAIM_GOLD, corpus_dir)


def test_the_figures_equal_the_reference_scorer_on_kg_extract_records(report, corpus_dir, tmp_path):
    gold = read_claim_gold(CLAIM_GOLD)
    files = sorted({corpus_dir / g["source"] for g in gold})
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for rec in extract_records(files, root=corpus_dir, extract=Extractor().extract):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    run = subprocess.run([sys.executable, str(REFERENCE), str(CLAIM_GOLD), str(pred)],
                         capture_output=True, text=True)
    names = {"pos": "positive", "neg": "negative"}
    seen = 0
    for m in re.finditer(r"^\s+(\w+(?: \w+)?)\s+P [\d.]+ \((\d+)/(\d+)\)\s+R [\d.]+ \(\d+/(\d+)\)",
                         run.stdout, re.M):
        part = names.get(m[1], m[1])
        assert report.tally[part] == [int(m[2]), int(m[3]), int(m[4])], part
        seen += 1
    assert seen == 7, run.stdout
    assert report.entries == len(gold) == 99 and report.missing == 0


def test_unjudged_pairs_are_listed_and_a_judgement_decides_them(report, corpus_dir, tmp_path):
    assert report.unjudged, "the derived claims leave pairs for a reader"
    pair = next(iter(report.unjudged.values()))
    judged = tmp_path / "judged.jsonl"
    judged.write_text(json.dumps({"gold": pair["gold"], "pred": pair["pred"], "same": True}) + "\n",
                      encoding="utf-8")
    again = evaluate_claims(CLAIM_GOLD, corpus_dir, judgements=judged)
    assert again.tally["all"][0] >= report.tally["all"][0] + 1
    assert (pair["gold"], pair["pred"]) not in again.unjudged


def test_a_broader_feature_never_matches_a_narrower_subject():
    gold = {"source": "x.md", "n": 1, "lang": "en", "claims": [
        {"subject": "yield statements in graph mode", "aliases": ["yield in graph mode"],
         "broader": "graph mode", "hardware": None, "status": "unsupported"}]}
    rep = ClaimReport()
    score_claims(rep, gold, derived_claims(["graph mode"], "unsupported", {}), {})
    assert rep.tally["all"] == [0, 1, 1] and rep.prf() == (0.0, 0.0, 0.0)
    rep = ClaimReport()
    score_claims(rep, gold, [{"subject": "Yield in Graph-Mode", "hardware": None,
                              "status": "unsupported"}], {})
    assert rep.tally["all"] == [1, 1, 1] and rep.tally["negative"] == [1, 1, 1]


def test_derived_claims_are_one_per_feature_hardware_and_status():
    got = derived_claims(["Serving", "serving"], "partial", {"GPU": "supported", "CPU": "n/a"})
    assert got == [{"subject": "Serving", "hardware": None, "status": "partial"},
                   {"subject": "Serving", "hardware": "GPU", "status": "supported"}]
    assert derived_claims(["x"], "n/a", {}) == []
    assert normalise_subject("Concat inputs") == normalise_subject("concat input")


def test_claim_gold_is_told_apart_and_bad_lines_are_named(tmp_path, gold_path):
    assert is_claim_gold(CLAIM_GOLD) and not is_claim_gold(gold_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"source": "a.md", "n": 1, "lang": "en", "claims": []}\n'
                   '{"source": "a.md", "n": 2, "lang": "en", "claims": [{"subject": "x", "status": "maybe"}]}\n',
                   encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_claim_gold(bad)
    assert e.value.line == 2


def test_kg_eval_scores_claim_gold_and_enforces_thresholds(corpus_dir):
    from click.testing import CliRunner

    from kg.cli import main
    run = CliRunner().invoke(main, ["eval", str(CLAIM_GOLD), "--root", str(corpus_dir), "--json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.output)
    assert set(doc["slices"]) == {"all", "en", "zh", "hardware", "no hardware", "positive", "negative"}
    assert doc["slices"]["all"]["gold"] == 167
    run = CliRunner().invoke(main, ["eval", str(CLAIM_GOLD), "--root", str(corpus_dir),
                                    "--no-mismatches", "--min-claim-precision", "0.99"])
    assert run.exit_code == 1 and "claim precision" in run.output


def test_a_gold_entry_numbered_off_by_one_is_scored_on_the_entry_its_question_is(tmp_path):
    """An annotator who misses a question (a typo in its Markdown, one entry more or less) numbers
    the rest off by one: the gold's question finds the entry; one nobody asks is not found."""
    page = tmp_path / "r9.9" / "docs" / "faq" / "source_en" / "misc.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Misc\n\n<font size=3>**Q: Does MindSpore support the Widget operator?**</font>\n\n"
                    "A: No, MindSpore does not support the Widget operator yet.\n\n"
                    "<<font size=3>**Q: Does MindSpore support the Gadget operator?**</font>\n\n"
                    "A: Yes, the Gadget operator is supported.\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    lines = [{"source": "r9.9/docs/faq/source_en/misc.md", "n": 1, "lang": "en",
              "question": "Does MindSpore support the Gadget operator?",
              "claims": [{"subject": "Gadget operator", "aliases": [], "broader": None, "product": "MindSpore",
                          "hardware": None, "status": "supported", "condition": None}]},
             {"source": "r9.9/docs/faq/source_en/misc.md", "n": 2, "lang": "en",
              "question": "Does MindSpore support the Sprocket operator?", "claims": []}]
    gold.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    rep = evaluate_claims(gold, tmp_path)
    assert rep.renumbered == [("r9.9/docs/faq/source_en/misc.md#1", "r9.9/docs/faq/source_en/misc.md#2")]
    assert rep.missing == 1 and rep.tally["all"][2] == 1
    assert "n names another question" in rep.format()
