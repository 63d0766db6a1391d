"""Claims on the real corpus (kg.extract.claims, kg.extract.twins): what the issue's examples
need, twins agreeing, and the dev figures not falling below what they are now."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED

from kg.extract.evaluation import evaluate_claims
from kg.extract.pipeline import extract_entries, link_entries
from kg.extract.twins import twin_agreement

JUDGED = Path(__file__).parent / "data" / "claim_judgements.jsonl"


def pairs_of(corpus_dir, *paths):
    pairs = list(extract_entries([corpus_dir / p for p in paths], root=corpus_dir))
    return pairs, link_entries(pairs)


def claims_of(pairs, source_tail: str, question_part: str):
    found = [(e, ex) for e, ex in pairs if e.source.endswith(source_tail) and question_part in e.question]
    assert found, (source_tail, question_part)
    return {(c.subject, c.hardware, c.status, c.broader) for _, ex in found for c in ex.claims}


@pytest.fixture(scope="module")
def r20(corpus_dir):
    return pairs_of(corpus_dir, "r2.0/docs/mindspore")


def test_twins_state_the_same_claims(corpus_dir):
    pairs, links = pairs_of(corpus_dir, "r1.2", "r2.6.0")
    same, total = twin_agreement(pairs, links.translations)
    assert total > 50 and same / total >= 0.9


def test_a_statement_about_something_narrower_is_not_the_feature_s_status(r20):
    pairs, _ = r20
    got = claims_of(pairs, "source_en/faq/network_compilation.md", "Yield")
    assert ("yield syntax in graph mode", None, "unsupported", "graph mode") in got
    assert not any(s == "graph mode" for s, *_ in got)


def test_hardware_listed_for_a_product_is_a_claim_about_the_product(corpus_dir):
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/platform_and_system.md")
    got = claims_of(pairs, "platform_and_system.md", "only on Huawei NPUs")
    assert {("MindSpore", hw, "supported", None) for hw in ("Ascend", "GPU", "CPU")} <= got


def test_hardware_inside_what_is_supported_is_a_claim_about_the_whole_of_it(corpus_dir):
    """"MindSpore supports multi-GPU training": multi-GPU training on GPU; "Some models in Model Zoo
    support GPU-based training": no claim of the product."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/platform_and_system.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "platform_and_system.md", "computing units")}
    assert ("multi-GPU training", "GPU", "supported") in got
    assert not any("GPU-based" in s for s, _, _ in got)
    # "you can try out MindSpore through Docker images on laptops or in environments with GPUs"
    assert {("trying MindSpore through Docker images", None, "supported"),
            ("trying MindSpore through Docker images", "GPU", "supported")} <= got


def test_atlas_names_are_claims_about_their_chips(corpus_dir):
    pairs, _ = pairs_of(corpus_dir, "r2.6.0/docs/mindspore/source_en/faq/feature_advice.md")
    got = claims_of(pairs, "feature_advice.md", "automatic parallelism")
    assert ("automatic parallelism", "Ascend910", "supported") in {(s, h, st) for s, h, st, _ in got}


def test_a_stated_limit_is_a_claim_that_beyond_it_is_unsupported(corpus_dir):
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_operators.md",
                        "r1.2/docs/faq/source_en/mindspore_lite.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "supported_operators.md", "Concat operator")}
    assert ("Concat with more than 192 tensors", "Ascend", "unsupported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "mindspore_lite.md", "run out of device memory")}
    assert ("models larger than 3GB", None, "unsupported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "mindspore_lite.md", "limitations of NPU")}
    assert got == {("NPU inference on system ROM version EMUI below 11", "NPU", "unsupported")}


def test_a_required_value_is_a_claim_that_others_are_unsupported_in_both_versions(corpus_dir):
    """"The multiples input of the Tile operator must be a constant": Tile with non-constant multiples
    is unsupported. The Chinese page lists this entry after the next one: the twins still pair up."""
    pairs, links = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_operators.md",
                            "r1.2/docs/faq/source_zh_cn/supported_operators.md")
    want = ("Tile with non-constant multiples", None, "unsupported")
    assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_en/supported_operators.md", "Tile")}
    assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_zh_cn/supported_operators.md", "Tile")}
    paired = {(pairs[z][0].n, pairs[e][0].n) for z, e in links.translations}
    assert {(8, 9), (9, 8)} <= paired


def test_what_a_question_says_is_lacking_is_unsupported(corpus_dir):
    """"the nn.Embedding layer lacks the padding operation. Can other operators implement it?": the
    padding operation of nn.Embedding is unsupported; the workaround makes no claim of the layer."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_operators.md",
                        "r1.2/docs/faq/source_zh_cn/supported_operators.md")
    for page, asked in (("source_en/supported_operators.md", "lacks"), ("source_zh_cn/supported_operators.md", "缺少")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, page, asked)}
        assert got == {("padding operation of nn.Embedding", None, "unsupported")}, page


def test_what_users_cannot_do_is_unsupported_in_the_mode_the_answer_is_about(corpus_dir):
    """"In Graph mode, ... Therefore, you cannot obtain the output of the corresponding operator at
    breakpoints in the construct function.": unsupported, in Graph mode (the sentence before sets it)."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/platform_and_system.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "platform_and_system.md", "PyNative and Graph modes")}
    assert ("obtaining output of the corresponding operator at breakpoints in the construct function in Graph mode",
            None, "unsupported") in got
    # what the answer said users can do instead, in the other mode the question names: supported there
    viewing = "viewing output or execution result of the corresponding operator at any breakpoint in the code"
    assert (viewing + " in PyNative mode", None, "supported") in got
    assert ("same operators in PyNative mode and graph mode", None, "supported") in got    # "used in the two modes"
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/feature_advice.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "feature_advice.md", "PyNative and Graph modes")}
    assert (viewing + " in PyNative mode", None, "supported") in got
    assert ("same operators in PyNative mode and graph mode", None, "supported") in got    # "used in the two modes"


def test_can_a_and_b_be_used_together_asks_about_using_them_together(corpus_dir):
    pairs, _ = pairs_of(corpus_dir, "r1.8/docs/mindspore/source_en/faq/data_processing.md",
                        "r1.8/docs/mindspore/source_zh_cn/faq/data_processing.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_en/faq/data_processing.md", "network computing")}
    assert got == {("using data processing operator and network computing operator together", None, "supported")}


def test_only_on_some_hardware_is_unsupported_on_the_one_asked_about(corpus_dir):
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_operators.md",
                        "r1.2/docs/faq/source_en/platform_and_system.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "supported_operators.md", "LSTM example")}
    assert {("LSTM", "GPU", "supported"), ("LSTM", "CPU", "supported"), ("LSTM", "Ascend", "unsupported")} <= got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "platform_and_system.md", "installed on Ascend 310")}
    assert {("inference", "Ascend310", "supported"), ("training", "Ascend310", "unsupported")} <= got
    assert ("training", "Ascend910", "supported") in got


def test_an_answer_stating_something_else_as_supported_is_a_claim_about_that(corpus_dir):
    """"Any plan on supporting other heterogeneous hardware?" "MindSpore provides a pluggable device
    management interface ...": the interface is supported, not heterogeneous computing."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/platform_and_system.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "platform_and_system.md", "heterogeneous computing")}
    assert ("pluggable device management interface", None, "supported") in got
    assert not any(s.startswith("heterogeneous") for s, _, _ in got)


def test_twins_whose_answers_say_different_things_keep_their_own_claims(corpus_dir):
    """r1.2 supported_features: the English answer plans Ascend 310 inference, the Chinese one
    says cloud-trained models export to Ascend: neither takes the other's claims."""
    pairs, links = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_features.md",
                            "r1.2/docs/faq/source_zh_cn/supported_features.md")
    en = claims_of(pairs, "source_en/supported_features.md", "edge and device")
    zh = claims_of(pairs, "source_zh_cn/supported_features.md", "边端场景")
    assert any(h == "Ascend310" and st == "planned" for _, h, st, _ in en)
    assert not any(h == "Ascend310" for _, h, _, _ in zh)


def test_a_pair_naming_no_feature_in_common_is_no_translation(r20):
    """r2.0 feature_advice: at the place of "can GPU scripts run on Ascend unchanged?" the English
    page asks whether MindSpore runs only on Ascend; the Chinese entry keeps its own subject."""
    pairs, _ = r20
    zh = claims_of(pairs, "source_zh_cn/faq/feature_advice.md", "不做修改直接在Ascend")
    assert zh and not any(s == "MindSpore" for s, *_ in zh)


def test_chinese_claims_are_named_in_english_after_their_twin(r20):
    pairs, links = r20
    zh = [ex for (e, ex) in (pairs[z] for z, _ in links.translations) if ex.claims]
    assert zh and all(c.subject.isascii() or c.label_zh for ex in zh for c in ex.claims if not c.concept)


def test_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind.jsonl: claims we annotated (CLAIMS.md) on entries the rules were not
    tuned on (r2.0 feature_advice and MindInsight, r2.6.0 installation), before looking at the output.
    Floors a little under today's figures (P 0.919, R 0.948 after session 13's rules, several of them
    from this set's misses; targets P >= 0.85, R >= 0.70; P 0.866 R 0.875 before)."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.91 and r >= 0.92, rep.format(show=0)


def test_second_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind2.jsonl: 64 entries (r1.5 inference, r1.6 network compilation, r2.6.0 Lite
    and operators, MindFormers) annotated before any output was seen: P 0.000 R 0.000 then; the rules
    written from its misses and from blind set 3's reach P 0.895 R 0.654 (session 10), short of the
    recall target; P 0.900 R 0.692 after session 12's (quoted error messages); P 0.909 R 0.769 after session
    13's (a release's changes, 'deprecated'): floors under today's figures."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind2.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.88 and r >= 0.74, rep.format(show=0)


def test_dev_claim_figures_do_not_fall(corpus_dir):
    """CLAIMS.md's dev set: the targets (P >= 0.90, R >= 0.85, unsupported/planned P >= 0.90; today
    P 0.994, R 0.946, 1.000): a change that loses claims fails here."""
    rep = evaluate_claims(SHARED / "gold" / "claims_dev.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged or len(rep.unjudged) < 30
    assert p >= 0.90 and r >= 0.85 and rep.prf("negative")[0] >= 0.90, rep.format(show=0)


def test_third_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind3.jsonl: 72 entries from 22 pages (general FAQ pages and product FAQs,
    r1.1-r2.4.0, 37 zh / 35 en) annotated without system output: P 0.222 R 0.122 then (with the
    judged pairs; 0.111 / 0.061 unjudged); after the rules of this session (passive questions, API
    carriers, if-clauses, required minimums, topics, only-A-not-B, answers explaining errors or how-tos)
    P 0.458 R 0.224; with release packages, claims from twins, requirements and the rules of session 10
    P 0.840 R 0.429; P 0.857 R 0.490 after session 11's, P 0.862 R 0.510 after session 12's; P 0.946 R 0.714
    after session 13's (a release's changes, must-questions, required minimums, shuffle needing random
    access, gradients interrupted), the targets reached: floors under today's figures."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind3.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.92 and r >= 0.69, rep.format(show=0)


def test_fourth_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind4.jsonl: 136 entries from 35 pages annotated without system output (42
    claims): P 0.357 R 0.119 at its annotation (with the pairs judged since); P 0.478 R 0.262 after the
    rules of sessions 9-10 (some of them, run modes, conv2d width and '<doing X> requires <doing Y>',
    hit entries of this set); P 0.875 R 0.667 after session 11's rules, tuned on this set's misses
    (platform pairs and architectures, a hardware opening an object, coordinated statements, settings
    split, needs-a-product, the question's one hardware); P 0.882 R 0.714 after session 12's (the targets,
    P >= 0.85 and R >= 0.70, reached); P 0.872 R 0.810 after session 13's: floors under today's figures."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind4.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.85 and r >= 0.78, rep.format(show=0)


def test_fifth_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind5.jsonl: 140 entries from 43 pages (r0.2-r2.4.0, general and product FAQs, 70
    zh / 70 en; 77 claims) annotated by two readers without system output. At the commit before any rule
    of session 12 (9462d5c), with the 21 pairs judged since: P 0.622 R 0.364. After session 12's rules,
    tuned on its misses (a Chinese product-subject hardware sentence, exact versions required, quoted error
    messages, coordinated parts after a full-width comma, examples of a kind, A-or-B siblings, what the
    product does automatically): P 0.850 R 0.662; P 0.871 R 0.792 after session 13's (the targets reached):
    floors under today's figures."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind5.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.85 and r >= 0.77, rep.format(show=0)


def test_sixth_blind_claim_figures_do_not_fall(corpus_dir):
    """tests/data/claims_blind6.jsonl: 140 entries from 58 pages (r0.3-master, 49 zh / 91 en; 101 claims)
    annotated by two readers without system output (seed 6006; pages and questions of dev and blind1-5
    skipped). At its selection (6a7910e), with the 29 pairs judged then: P 0.776 R 0.446, the best figure
    yet on unseen entries (blind1-5 started at R 0.12-0.36). After session 13's rules, tuned on its misses
    (what cannot be done said in the passive, a mode's problems, must-questions, call orders, limits beyond
    which an error is reported, what a product makes easy): P 0.877 R 0.703: floors under today's figures."""
    rep = evaluate_claims(Path(__file__).parent / "data" / "claims_blind6.jsonl", corpus_dir, JUDGED)
    p, r, _ = rep.prf()
    assert not rep.unjudged and p >= 0.85 and r >= 0.68, rep.format(show=0)


def test_a_passive_yes_no_question_asks_about_doing_it(corpus_dir):
    """"Can the .meta file be used to import the graph structure?" (the question's second sentence)
    answered "cannot be directly imported": using the .meta file to import it is unsupported; "Can
    MindSpore be used to customize a loss function that ...?": customizing one, not the feature."""
    pairs, _ = pairs_of(corpus_dir, "r1.10/docs/mindspore/source_en/faq/implement_problem.md",
                        "r1.10/docs/mindspore/source_zh_cn/faq/implement_problem.md")
    meta = claims_of(pairs, "implement_problem.md", ".meta")
    assert {(s, st) for s, _, st, _ in meta} == {("using the .meta file to import the graph structure", "unsupported")}
    loss = {(s, st) for s, _, st, _ in claims_of(pairs, "implement_problem.md", "loss function")}
    assert ("customizing a loss function that can return multiple values", "supported") in loss
    assert ("custom loss function", "supported") not in loss


def test_what_an_api_supports_is_said_with_the_api(corpus_dir):
    """"Does GeneratorDataset support ds.PKSampler sampling?" "No": the sampling with GeneratorDataset,
    not PKSampler sampling in general; "If shuffle is enabled, the input Dataset must support random access
    (...). If <C>, random access is not supported": shuffle when C, unsupported (not random access)."""
    pairs, _ = pairs_of(corpus_dir, "r1.9/docs/mindspore/source_en/faq/data_processing.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "data_processing.md", "PKSampler")}
    assert got == {("ds.PKSampler sampling with GeneratorDataset", "unsupported")}
    shuffle = {(s, st) for s, _, st, _ in claims_of(pairs, "data_processing.md", "shuffle=True and shuffle=False")}
    assert shuffle == {("shuffle when data is returned in yeild mode in the user-defined Dataset", "unsupported")}


def test_how_things_work_told_to_explain_an_error_or_a_how_to_is_no_claim(corpus_dir):
    """An answer to an error ("... is reported when an extra large message is sent through the Serving
    gRPC Client"): "Serving provides Python Client to encapsulate gRPC communication" describes, it
    states no claim; a restriction there still does ("only supports the construction of Cell and
    Primitive objects": that construction is supported)."""
    pairs, _ = pairs_of(corpus_dir, "r1.9/docs/serving/docs/source_en/faq.md")
    got = claims_of(pairs, "faq.md", "UINT32_MAX")
    assert not any("Python Client" in s for s, *_ in got)
    pairs, _ = pairs_of(corpus_dir, "r1.6/docs/mindspore/faq/source_en/network_compilation.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "network_compilation.md", "Tensor")}
    assert any("Cell and Primitive" in s and st == "supported" for s, st in got)
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/usage_migrate_3rd.md")    # a how-to, the same
    assert not claims_of(pairs, "usage_migrate_3rd.md", "convert a PyTorch dataset")


def test_a_claim_s_product_is_the_one_its_sentence_names(corpus_dir):
    """"Does MindSpore have a quantized inference tool?" "MindSpore Lite supports ...": MindSpore Lite's
    claims, in both languages."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/lite/docs/source_en/reference/faq.md",
                        "master/docs/lite/docs/source_zh_cn/reference/faq.md")
    found = [c for e, ex in pairs if "quantiz" in e.question.lower() or "量化" in e.question for c in ex.claims]
    assert len(found) >= 4 and {c.product for c in found} == {"MindSpore Lite"}


def test_a_lowest_value_required_is_a_claim_that_below_it_is_unsupported(corpus_dir):
    """CLAIMS.md's own example: "MindSpore supports only devices with the computing capability version
    greater than 5.3" under a question about the GPU version: GPU versions on devices of 5.3 or lower,
    GPU, unsupported, in both languages (the zh answer has its English twin's claim)."""
    pairs, _ = pairs_of(corpus_dir, "r2.6.0/docs/mindspore/source_en/faq/installation.md",
                        "r2.6.0/docs/mindspore/source_zh_cn/faq/installation.md")
    for part in ("computing capability", "计算能力"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "installation.md", part)}
        assert got == {("GPU versions on devices of computing capability 5.3 or lower", "GPU", "unsupported")}


def test_others_than_the_ones_a_topic_supports_are_unsupported(corpus_dir):
    """"For the syntax is or is not, currently MindSpore only supports comparisons with True, False and
    None. Other types, such as strings, are not supported.": both claims carry the topic."""
    pairs, _ = pairs_of(corpus_dir, "r1.6/docs/mindspore/faq/source_en/network_compilation.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "network_compilation.md", "AnyValue")}
    assert got == {("comparisons with True, False and None for syntax is or is not", "supported"),
                   ("comparisons with other types such as strings for syntax is or is not", "unsupported")}


def test_only_a_and_not_b_is_a_claim_per_side(corpus_dir):
    """"multi-scale training supports only the non-data sink mode and does not support the data
    offloading mode": the two settings of it, supported and unsupported (not one partial claim);
    "MindSpore only supports the importing of MINDIR and doesn't support the importing of AIR and ONNX
    formats": the two imports."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.0/docs/mindspore/source_en/faq/feature_advice.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "implement_problem.md", "multi-scale")}
    assert got == {("multi-scale training in non-data sink mode", "supported"),
                   ("multi-scale training in data offloading mode", "unsupported")}
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "feature_advice.md", "limitation on the input size")}
    assert {("importing MINDIR", "supported"), ("importing AIR and ONNX formats", "unsupported")} <= got
    assert not any(st == "partial" for _, st in got)


def test_twins_giving_one_subject_two_statuses_keep_their_own(corpus_dir):
    """r2.1 "Can MindSpore calculate the variance of any tensor?": the English answer says no API does
    it, the Chinese one points to Tensor.var: each version keeps its own status (no union of both)."""
    pairs, _ = pairs_of(corpus_dir, "r2.1/docs/mindspore/source_en/faq/operators_compile.md",
                        "r2.1/docs/mindspore/source_zh_cn/faq/operators_compile.md")
    en = {st for _, _, st, _ in claims_of(pairs, "source_en/faq/operators_compile.md", "variance")}
    zh = {st for _, _, st, _ in claims_of(pairs, "source_zh_cn/faq/operators_compile.md", "方差")}
    assert en == {"unsupported"} and zh == {"supported"}


def test_restrictions_of_a_fixed_shape_are_claims(corpus_dir):
    """limits.restrictions: "self.xx must have been defined as a Parameter type ... while the other types
    are not supported" (assigning it: unsupported when not a Parameter, supported when one); "If the
    offloading mode has been set, it cannot be set to non-offloading mode"; "In getattr(data, attr)
    syntax, data can not be a third-party object"."""
    pairs, _ = pairs_of(corpus_dir, "r1.11/docs/mindspore/source_en/faq/network_compilation.md",
                        "r1.11/docs/mindspore/source_en/faq/implement_problem.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "network_compilation.md", "self.xx")}
    assert {(s.endswith("when it is not a Parameter"), st) for s, st in got} == {(True, "unsupported"),
                                                                                 (False, "supported")}
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "network_compilation.md", "get attribute")}
    assert got == {("getattr(data, attr) syntax with data as a third-party object", "unsupported")}
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "implement_problem.md", "model.train")}
    assert ("setting to non-offloading mode when the offloading mode has been set", "unsupported") in got
    # "Static graph mode can support a subset of common Python syntax ... Some Python syntax is not
    # supported yet.": one partial claim about the syntax, not graph mode partial (nor a second claim
    # about the syntax); what the mode provides beside it is a claim of its own
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/network_compilation.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "network_compilation.md", "set of syntaxes")}
    assert got == {("Python syntax in static graph mode", "partial"), ("JIT syntax support level options", "supported")}


def test_a_restriction_names_the_api_its_answer_names(corpus_dir):
    """"Do not use ops.Conv2D. Currently, this operator does not support a value of group that is
    greater than 1. Currently, only the nn.Conv2d API of MindSpore supports group convolution. However,
    the number of groups must be ...": ops.Conv2D with group greater than 1 unsupported, group
    convolution with nn.Conv2d partial; not 'value of group' nor group convolution as a whole."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/supported_operators.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "supported_operators.md", "group parameter")}
    assert got == {("ops.Conv2D with group greater than 1", "unsupported"),
                   ("group convolution with nn.Conv2d", "partial")}


@pytest.mark.parametrize("release", ["r2.3", "master"])
def test_two_packages_contrasted_give_a_claim_each_not_one_subject_with_both_statuses(corpus_dir, release):
    """"Since version 2.2, the MindSpore main release package does not provide the inference
    interface for the Atlas 200/300/500 inference product" next to "... inference package is released
    by MindSpore Lite": a claim per package, in both languages (and "the matching Ascend version",
    under a question naming the Atlas 200/300/500 chip, is that chip)."""
    pairs, _ = pairs_of(corpus_dir, f"{release}/docs/mindspore/source_en/faq/inference.md",
                        f"{release}/docs/mindspore/source_zh_cn/faq/inference.md")
    for e, ex in pairs:
        if e.n != 1:
            continue
        got = {(c.subject, c.hardware, c.status, c.product) for c in ex.claims}
        assert ("Ascend 310 inference with the MindSpore main release package", "Ascend310", "unsupported",
                "MindSpore") in got, (e.lang, got)
        assert ("Ascend 310 inference with MindSpore Lite", "Ascend310", "supported", "MindSpore Lite") in got
        by_subject = {}
        for s, hw, st, _ in got:
            by_subject.setdefault((s, hw), set()).add(st)
        assert all(len(v) == 1 for v in by_subject.values()), got
        assert not any(hw == "Ascend" for _, hw, _, _ in got)


def test_a_list_the_product_says_it_supports_is_a_claim_per_name(corpus_dir):
    """"MindSpore supports the following running modes ...:" then "PyNative mode: ..." and "Graph
    mode: ..." lines: both supported, in an answer about an error too, in both languages."""
    pairs, _ = pairs_of(corpus_dir, "r2.6.0/docs/mindspore/source_en/faq/operators_compile.md",
                        "r2.6.0/docs/mindspore/source_zh_cn/faq/operators_compile.md")
    for lang in ("en", "zh"):
        found = [ex for e, ex in pairs if e.lang == lang and "ExpandDims" in e.question]
        assert found, lang
        got = {(c.subject.lower(), c.hardware, c.status) for c in found[0].claims}
        assert {("pynative mode", None, "supported"), ("graph mode", None, "supported")} <= got, (lang, got)


def test_a_claim_a_version_has_from_its_twin_cites_its_own_translation_of_the_sentence(corpus_dir):
    """A zh entry's claim found only by the English rules cites the zh sentence that says it
    (names and numbers in common: "5.3"), not nothing; nearly every claim has its evidence."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore")
    zh = [(e, ex) for e, ex in pairs if e.lang == "zh" and e.source.endswith("installation.md")]
    cited = [c.evidence.text for e, ex in zh for c in ex.claims
             if c.subject.startswith("GPU versions on devices of comput")]
    assert cited and all("5.3" in t and not t.isascii() for t in cited), cited
    claims = [c for _, ex in pairs for c in ex.claims]
    assert len(claims) > 100
    assert sum(c.evidence is None for c in claims) / len(claims) < 0.05
    for e, ex in pairs:
        for c in ex.claims:
            if c.evidence is not None:
                assert e.answer[c.evidence.start:c.evidence.end] == c.evidence.text


def test_requirements_an_answer_states_are_claims_about_their_breach(corpus_dir):
    """'the width of x must be greater than that of the kernel' (a TBE restriction) with 'The CPU does
    not have this operator restriction': the question's conv2d with a narrower x is unsupported on
    Ascend, supported on CPU; 'auto-parallel only supports Tensor as network input'; 'Model definition
    code needs to be placed in a Python file. Otherwise, an error ...': the breach, unsupported, in
    both languages; a step the user is told ('You need to import MindSpore ...') is none."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/operators_compile.md",
                        "master/docs/mindspore/source_zh_cn/faq/operators_compile.md")
    for lang in ("en", "zh"):
        got = {(c.hardware, c.status) for e, ex in pairs if e.lang == lang and "conv2d" in e.question
               for c in ex.claims if c.subject.startswith("conv2d with the width of x not greater than the")}
        assert got == {("Ascend", "unsupported"), ("CPU", "supported")}, (lang, got)
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/distributed_parallel.md")
    assert ("auto-parallel with non-Tensor network input", None, "unsupported", "auto-parallel") in claims_of(
        pairs, "distributed_parallel.md", "cannot be split by the strategy")
    pairs, _ = pairs_of(corpus_dir, "master/docs/graphlearning/docs/source_en/faq.md",
                        "master/docs/graphlearning/docs/source_zh_cn/faq.md")
    for lang in ("en", "zh"):
        got = {(c.subject, c.status) for e, ex in pairs if e.lang == lang and "could not get source" in e.question
               for c in ex.claims}
        assert ("model definition code not placed in a Python file", "unsupported") in got, (lang, got)
    steps = {c.subject for e, ex in pairs if "global variable" in e.question for c in ex.claims}
    assert not any("importing MindSpore" in s for s in steps), steps
    # "the CANN package should install the toolkit version instead of the nnrt version" (Ascend 310)
    pairs, _ = pairs_of(corpus_dir, "r1.5/docs/mindspore/faq/source_en/inference.md")
    assert ("nnrt version of CANN package", "Ascend310", "unsupported", None) in claims_of(
        pairs, "inference.md", "libge_compiler.so")
    # "<doing X> requires <doing Y>"; "<setting> requires the <x> to be unique"
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/installation.md",
                        "master/docs/mindspore/source_en/faq/network_compilation.md")
    assert ("compiling MindSpore without linking Python share libraries", None, "unsupported", None) in claims_of(
        pairs, "installation.md", "Python3 not found")
    assert ("name of the parameter not unique in graph mode", None, "unsupported", None) in claims_of(
        pairs, "network_compilation.md", "already exists")
    assert ("user-defined back propagation function bprop without the inputs of the forward network, out and dout",
            None, "unsupported", None) in claims_of(pairs, "network_compilation.md", "'out' and 'dout")


def test_how_many_x_are_supported_asks_about_the_x(corpus_dir):
    """'How many log levels are supported by MindSpore Lite?': the claim is about the log levels (of
    Lite), broader logging, not logging as a whole."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/lite/docs/source_en/reference/faq.md")
    got = [c for e, ex in pairs if "How many log levels" in e.question for c in ex.claims]
    assert [(c.subject, c.status, c.product) for c in got] == [("log levels", "supported", "MindSpore Lite")]
    assert got[0].broader == "logging"


def test_hardware_and_system_pairs_are_a_claim_each(corpus_dir):
    """"... the combination configuration of GPU +Linux and CPU + Windows, and the support of Windows + GPU
    is still under development": Linux on GPU and Windows on CPU supported, Windows on GPU planned; the
    same from a Chinese page that has no English twin."""
    pairs, _ = pairs_of(corpus_dir, "r2.2/docs/mindspore/source_en/faq/installation.md",
                        "r1.3/docs/mindspore/faq/source_zh_cn/installation.md")
    for tail, asked in (("source_en/faq/installation.md", "Windows operating system"),
                        ("source_zh_cn/installation.md", "Windows操作系统")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert {("Linux support", "GPU", "supported"), ("Windows support", "CPU", "supported"),
                ("Windows support", "GPU", "planned")} <= got, tail
        assert ("Linux support", "CPU", "supported") not in got


def test_architectures_a_tool_runs_on_are_a_claim_each(corpus_dir):
    """"Can MindConverter run on ARM platform?" - "MindConverter supports both x86 and ARM platforms":
    a claim per architecture, not one about MindConverter as a whole."""
    pairs, _ = pairs_of(corpus_dir, "r1.8/docs/mindspore/source_en/faq/usage_migrate_3rd.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "usage_migrate_3rd.md", "ARM platform")}
    assert {("MindConverter on ARM platforms", None, "supported"),
            ("MindConverter on x86 platforms", None, "supported")} <= got
    assert not any(s == "MindConverter" for s, _, _ in got)


def test_a_hardware_opening_what_is_supported_is_its_hardware(corpus_dir):
    """"MindSpore v1.1.0 supports GPU P2P communication operator which relies on NCCL v2.7.6": GPU P2P
    communication operators on GPU, supported (also for the Chinese twin)."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/backend_running.md",
                        "r1.2/docs/faq/source_zh_cn/backend_running.md")
    for tail in ("source_en/backend_running.md", "source_zh_cn/backend_running.md"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "GPU")}
        assert ("GPU P2P communication operator", "GPU", "supported") in got, tail


def test_two_statements_joined_by_and_keep_their_own_statuses(corpus_dir):
    """"In the NLP field, Bert_NEZHA is available and models such as MASS are under development":
    Bert_NEZHA supported and the MASS model planned (not both planned), in the Chinese twin too."""
    pairs, _ = pairs_of(corpus_dir, "r1.5/docs/mindspore/faq/source_en/implement_problem.md",
                        "r1.5/docs/mindspore/faq/source_zh_cn/implement_problem.md")
    for tail, asked in (("source_en/implement_problem.md", "text generation"),
                        ("source_zh_cn/implement_problem.md", "推荐")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert {("Bert_NEZHA", None, "supported"), ("MASS model", None, "planned")} <= got, tail
        assert ("Bert_NEZHA", None, "planned") not in got


def test_a_partial_answer_split_by_setting_is_a_claim_per_setting(corpus_dir):
    """"In PyNative dynamic graph mode, you can use ... set_printoptions to control the output value. In the
    Graph static graph mode, ... the output value cannot be controlled temporarily": supported in PyNative
    mode, unsupported in graph mode, and no partial claim (the Chinese twin the same)."""
    pairs, _ = pairs_of(corpus_dir, "r2.3/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.3/docs/mindspore/source_zh_cn/faq/implement_problem.md")
    for tail, asked in (("source_en/faq/implement_problem.md", "How to control the Tensor value"),
                        ("source_zh_cn/faq/implement_problem.md", "如何控制print")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        subject = "controlling the Tensor value printed by the print method"
        assert {(f"{subject} in PyNative mode", None, "supported"),
                (f"{subject} in graph mode", None, "unsupported")} <= got, tail
        assert not any(st == "partial" for _, _, st in got)


def test_a_component_needing_a_product_is_unsupported_without_it(corpus_dir):
    """"The debugger offline service needs to import the MindSpore": the service without MindSpore,
    unsupported; "You need to import ..." (a step) is no such claim."""
    pairs, _ = pairs_of(corpus_dir, "r1.9/docs/mindinsight")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_en/faq.md", "offline debugger")}
    assert ("debugger offline service without MindSpore", None, "unsupported") in got
    every = {c.subject for _, ex in pairs for c in ex.claims}
    assert not any(s.lower().startswith("you ") for s in every)


def test_what_an_execution_mode_provides_is_a_claim(corpus_dir):
    """"... the static graph mode provides JIT syntax support level options": a claim of the product's
    mode, not a third-party tool's."""
    pairs, _ = pairs_of(corpus_dir, "r2.3/docs/mindspore/source_en/faq/network_compilation.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "network_compilation.md", "set of syntaxes")}
    assert ("JIT syntax support level options", None, "supported") in got


def test_the_one_hardware_a_yes_no_question_asks_about_is_the_claim_s(corpus_dir):
    """"Can the vgg16 model be loaded by using the GPU via Hub ...?" answered with steps that name no
    hardware: the claim is on GPU; "Colab and AI Studio provide free GPU computing power, does MindSpore
    provide free computing power?" names GPU only in a clause about others: no GPU claim."""
    pairs, _ = pairs_of(corpus_dir, "r1.11/docs/mindspore/source_en/faq/implement_problem.md",
                        "r1.2/docs/faq/source_zh_cn/supported_features.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "implement_problem.md", "vgg16")}
    assert ("loading the vgg16 model via Hub", "GPU", "supported") in got
    got = claims_of(pairs, "supported_features.md", "免费")
    assert got and not any(h == "GPU" for _, h, _, _ in got)


def test_a_how_to_whose_answer_gives_hardware_is_about_what_it_asks(corpus_dir):
    """"How do I offload data if I do not use high-level APIs?" - "... Currently, the GPU-based and
    Ascend-based hardware is supported.": offloading data without high-level APIs on GPU and Ascend (the
    Chinese twin the same), not the data sink mode as a whole; a code comment naming hardware is no such
    sentence."""
    pairs, _ = pairs_of(corpus_dir, "r1.8/docs/mindspore/source_en/faq/data_processing.md",
                        "r1.8/docs/mindspore/source_zh_cn/faq/data_processing.md",
                        "r1.10/docs/mindspore/source_en/faq/implement_problem.md")
    for tail, asked in (("source_en/faq/data_processing.md", "high-level APIs"),
                        ("source_zh_cn/faq/data_processing.md", "高阶API")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert got == {("offloading data without high-level APIs", hw, "supported") for hw in ("GPU", "Ascend")}, tail
    got = claims_of(pairs, "implement_problem.md", "quadratic")
    assert not any(s.startswith("using MindSpore to fit") for s, *_ in got)


def test_a_chinese_hardware_sentence_opening_with_the_product_is_about_the_product(corpus_dir):
    """"MindSpore当前支持CPU/GPU/NPU，重点支持Ascend AI处理器" (a page without an English twin): the
    hardware claims are about MindSpore, not about the question's topic 'hardware requirements'."""
    pairs, _ = pairs_of(corpus_dir, "r0.2/resource/faq/FAQ_zh_cn.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "FAQ_zh_cn.md", "计算单元")}
    assert {("MindSpore", hw, "supported") for hw in ("CPU", "GPU", "NPU", "Ascend")} <= got
    assert not any(s == "hardware requirements" for s, _, _ in got)


def test_exact_software_versions_required_make_other_versions_unsupported(corpus_dir):
    """"MindSpore requires Python3.7.5 and gcc7.3": other Python and gcc versions unsupported, in both
    languages; "... 3.7.5 or later" is no such claim."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/installation.md",
                        "r1.2/docs/faq/source_zh_cn/installation.md")
    for tail, asked in (("source_en/installation.md", "Ubuntu default"), ("source_zh_cn/installation.md", "Ubuntu")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert {("Python versions other than 3.7.5", None, "unsupported"),
                ("gcc versions other than 7.3", None, "unsupported")} <= got, tail
    every = {c.subject for _, ex in pairs for c in ex.claims}
    assert not any("later" in s and "other than" in s for s in every)


@pytest.mark.parametrize("lang", ["en", "zh_cn"])
def test_a_quoted_error_message_states_its_restriction(corpus_dir, lang):
    """'MindSpore can not compile temporary source code in terminal' and "Nested execution during JIT
    execution for 'xxx' is not supported when ...", quoted by questions whose answers state no claim:
    each restriction unsupported (without the placeholder), in the Chinese version too; a message
    naming its own subject ("This comparator 'AnyValue' is not supported") states none."""
    pairs, _ = pairs_of(corpus_dir, f"r2.3/docs/mindspore/source_{lang}/faq/network_compilation.md")
    tail = "network_compilation.md"
    assert ("compiling temporary source code in terminal", None, "unsupported") in \
        {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "temporary source code")}
    assert ("nested execution during JIT execution", None, "unsupported") in \
        {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "Nested execution")}
    every = {c.subject for _, ex in pairs for c in ex.claims}
    assert not any("'" in s or s.lower().startswith("this comparator") for s in every)


def test_examples_of_a_kind_planned_beside_what_is_supported_are_a_claim_each(corpus_dir):
    """"MindSpore currently supports Python extensions，bindings for languages like C++、Rust、Julia are
    on the way": Python extensions supported and each language's bindings planned, in place of the
    question's 'more programming languages' (the Chinese twin the same)."""
    pairs, _ = pairs_of(corpus_dir, "r0.5/resource/faq")
    for tail in ("FAQ_en.md", "FAQ_zh_cn.md"):
        found = [(e, ex) for e, ex in pairs if e.source.endswith(tail) and "Rust" in e.answer]
        assert len(found) == 1, tail
        got = {(c.subject, c.hardware, c.status) for c in found[0][1].claims}
        assert got == {("Python extensions", None, "supported"), ("C++ bindings", None, "planned"),
                       ("Rust bindings", None, "planned"), ("Julia bindings", None, "planned")}, tail


def test_a_chinese_question_using_a_product_on_a_platform_asks_about_that(corpus_dir):
    """"在ModelArts中能使用MindSpore吗？": using MindSpore on ModelArts, supported (not the feature 'cloud
    training' the answer's wording names), and the English twin states it too."""
    pairs, _ = pairs_of(corpus_dir, "r2.0/docs/mindspore/source_zh_cn/faq/feature_advice.md",
                        "r2.0/docs/mindspore/source_en/faq/feature_advice.md")
    for tail, asked in (("source_zh_cn/faq/feature_advice.md", "ModelArts"),
                        ("source_en/faq/feature_advice.md", "ModelArts")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert ("using MindSpore on ModelArts", None, "supported") in got, tail
        assert not any(s == "cloud training" for s, _, _ in got), tail


def test_similar_apis_planned_are_the_asked_feature_s(corpus_dir):
    """"Does MindSpore have a similar module that can implement object detection algorithms ...?" -
    "... After MindSpore's detection models are complete, similar Pipeline APIs will be provided.":
    object detection Pipeline APIs, planned (not object detection as a whole), in both languages."""
    pairs, _ = pairs_of(corpus_dir, "r2.0/docs/mindspore/source_en/faq/feature_advice.md",
                        "r2.0/docs/mindspore/source_zh_cn/faq/feature_advice.md")
    for tail, asked in (("source_en/faq/feature_advice.md", "object detection"),
                        ("source_zh_cn/faq/feature_advice.md", "对象检测")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert got == {("object detection Pipeline APIs", None, "planned")}, tail


def test_what_the_product_cannot_do_is_the_claim_not_the_feature_asked(corpus_dir):
    """"What framework models and formats can be directly read by MindSpore? ..." - "MindSpore uses
    Protobuf to store training parameters and cannot directly read framework models. ... You can use APIs
    of other frameworks to read parameters ...": directly reading framework models is unsupported, not
    third-party model conversion (the answer gives the way to convert)."""
    pairs, _ = pairs_of(corpus_dir, "r2.0/docs/mindspore/source_en/faq/feature_advice.md",
                        "r2.0/docs/mindspore/source_zh_cn/faq/feature_advice.md")
    for tail, asked in (("source_en/faq/feature_advice.md", "PTH"), ("source_zh_cn/faq/feature_advice.md", "pth")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert ("directly reading framework models", None, "unsupported") in got, tail
        assert not any(s == "third-party model conversion" for s, _, _ in got), tail


def test_a_passive_question_after_a_condition_asks_about_doing_it(corpus_dir):
    """"If MindSpore and PyTorch are installed in an environment, can the syntax of the two frameworks be
    used together in a Python file?" asks about using that syntax together in one file (the condition is
    not read), not about the feature 'PyTorch interoperability'."""
    pairs, _ = pairs_of(corpus_dir, "r2.0/docs/mindspore/source_en/faq/feature_advice.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "feature_advice.md", "can the syntax of the two")}
    assert got == {("using the syntax of the two frameworks together in a Python file", None, "supported")}


def test_what_the_product_does_automatically_is_a_claim_on_the_hardware_it_names(corpus_dir):
    """"Normally, GPU version of MindSpore doesn't need to set DEVICE_ID. MindSpore automatically chooses
    visible GPU devices according to the cuda environment variable CUDA_VISIBLE_DEVICES": automatically
    choosing visible GPU devices, GPU, supported, in both languages (the Chinese one from its twin)."""
    pairs, _ = pairs_of(corpus_dir, "r1.8/docs/mindspore/source_en/faq/installation.md",
                        "r1.8/docs/mindspore/source_zh_cn/faq/installation.md")
    for tail in ("source_en/faq/installation.md", "source_zh_cn/faq/installation.md"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "DEVICE_ID")}
        assert ("automatically choosing visible GPU devices", "GPU", "supported") in got, tail


def test_what_a_release_changed_is_a_claim_also_in_an_answer_about_an_error(corpus_dir):
    """"MindSpore 2.0 has unified the installation packages of various platforms" answering a question
    about a build error; "cluster startup is unified using msrun method, and ranktable startup method is
    deprecated"; "we will update our pacakaging methods in a future version" (the page's spelling):
    supported, unsupported and planned, in both languages (the Chinese ones from their twins). A
    third party's change ("Setuptools ... has deprecated direct calling of setup.py") is no claim."""
    pairs, _ = pairs_of(corpus_dir, "r2.3/docs/mindspore/source_en/faq/inference.md",
                        "r2.3/docs/mindspore/source_zh_cn/faq/inference.md",
                        "r2.3/docs/mindspore/source_en/faq/installation.md",
                        "r2.3/docs/mindspore/source_zh_cn/faq/installation.md",
                        "master/docs/mindformers/docs/source_en/faq/feature_related.md",
                        "master/docs/mindformers/docs/source_zh_cn/faq/feature_related.md")
    for lang in ("source_en", "source_zh_cn"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, f"{lang}/faq/inference.md", "MS_LIB")}
        assert ("unified installation packages of various platforms", None, "supported") in got, lang
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, f"{lang}/faq/feature_related.md", "ranktable")}
        assert {("msrun cluster startup", None, "supported"), ("ranktable startup", None, "unsupported")} <= got
        got = {(s, st) for s, _, st, _ in claims_of(pairs, f"{lang}/faq/installation.md", "SetuptoolsDeprecation")}
        assert got == {("updating pacakaging methods", "planned")}, lang


def test_a_passive_question_keeps_directly_in_what_it_asks(corpus_dir):
    """"Can the yolov4-tiny-3l.weights model file be directly converted into a MindSpore model?" "No. You
    need to convert the parameters ... and then convert the model": directly converting it is what is
    unsupported, not converting it (the answer gives a way round)."""
    pairs, _ = pairs_of(corpus_dir, "r1.7/docs/mindspore/source_en/faq/implement_problem.md")
    got = {(s, st) for s, _, st, _ in claims_of(pairs, "implement_problem.md", "yolov4-tiny-3l")}
    assert got == {("directly converting the yolov4-tiny-3l.weights model file into a MindSpore model", "unsupported")}


def test_has_support_for_states_what_is_supported(corpus_dir):
    """"What types of model is currently supported by MindSpore for training?" "MindSpore has basic support
    for common training scenarios": common training scenarios, supported (not 'supported models'), in both
    languages (the Chinese one from its twin)."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/network_models.md",
                        "r1.2/docs/faq/source_zh_cn/network_models.md")
    for tail, asked in (("source_en/network_models.md", "What types of model"),
                        ("source_zh_cn/network_models.md", "哪些模型")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}
        assert got == {("common training scenarios", None, "supported")}, tail


def test_what_cannot_be_done_said_in_the_passive_is_unsupported(corpus_dir):
    """"It should be noted that changes on the host side cannot be automatically synchronized to the
    device side": automatically synchronizing them is unsupported, in both languages (the Chinese one
    from its twin). Not a condition ("If the specific cause cannot be located, ...") nor a restated
    requirement ("libgpu_collective.so can't be loaded successfully if NCCL is not updated ...")."""
    pairs, _ = pairs_of(corpus_dir, "r2.3/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.3/docs/mindspore/source_zh_cn/faq/implement_problem.md",
                        "r1.0/docs/faq/source_en/backend_running.md")
    want = ("automatically synchronizing changes on the host side to the device side", None, "unsupported")
    for tail in ("source_en/faq/implement_problem.md", "source_zh_cn/faq/implement_problem.md"):
        assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "asnumpy")}, tail
    nccl = {s for s, _, _, _ in claims_of(pairs, "backend_running.md", "distributed training with GPU")}
    assert not any("libgpu_collective" in s for s in nccl), nccl


def test_a_problem_in_a_mode_and_requirements_said_otherwise_are_claims(corpus_dir):
    """"Since the Ascend platform cannot actually return a memory address, in the whole graph sinking mode,
    there will be some problems when there are parameters in the return value in the control flow
    scenario": those parameters in that mode, unsupported on Ascend; "if you enter a non-Python 3.7
    environment, the current Python environment is not the MindSpore runtime needs": Python versions
    other than 3.7, unsupported; "The optimizer is not required in the eval phase": supported."""
    pairs, _ = pairs_of(corpus_dir, "r2.1/docs/mindspore/source_en/faq/network_compilation.md",
                        "r2.1/docs/mindspore/source_zh_cn/faq/network_compilation.md",
                        "r2.1/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.1/docs/mindspore/source_en/faq/installation.md")
    want = ("parameters in the return value in the control flow scenario in whole graph sinking mode", "Ascend",
            "unsupported")
    for tail, asked in (("source_en/faq/network_compilation.md", "read-only access"),
                        ("source_zh_cn/faq/network_compilation.md", "read-only access")):
        assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)}, tail
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "implement_problem.md", "eval phase")}
    assert ("eval phase without optimizer", None, "supported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "installation.md", "python:not found")}
    assert ("Python versions other than 3.7", None, "unsupported") in got


def test_a_must_question_answered_with_another_way_asks_about_doing_without_it(corpus_dir):
    """"Must data be converted into MindRecords when MindSpore is used for segmentation training?" answered
    "... Alternatively, you can use GeneratorDataset to customize the dataset loading": segmentation training
    without converting data into MindRecords, supported (not MindRecord itself), in both languages."""
    pairs, _ = pairs_of(corpus_dir, "r1.9/docs/mindspore/source_en/faq/data_processing.md",
                        "r1.9/docs/mindspore/source_zh_cn/faq/data_processing.md")
    want = {("segmentation training without converting data into MindRecords", None, "supported")}
    for tail, asked in (("source_en/faq/data_processing.md", "segmentation training"),
                        ("source_zh_cn/faq/data_processing.md", "分割训练")):
        assert {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, asked)} == want, tail


def test_what_a_condition_interrupts_in_a_mode_is_unsupported(corpus_dir):
    """"In PyNative mode, if numpy is used for computation, gradient transfer will be interrupted": gradient
    transfer when numpy is used for computation in PyNative mode, unsupported, in both languages."""
    pairs, _ = pairs_of(corpus_dir, "r2.3.0/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.3.0/docs/mindspore/source_zh_cn/faq/implement_problem.md")
    want = ("gradient transfer when numpy is used for computation in PyNative mode", None, "unsupported")
    for tail in ("source_en/faq/implement_problem.md", "source_zh_cn/faq/implement_problem.md"):
        assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "requires_grad")}, tail


def test_a_minimum_the_answer_requires_makes_less_unsupported(corpus_dir):
    """"Please upgrade the glibc version in the environment to 2.25 or above": glibc versions earlier than
    2.25; "It is required that the number of available file descriptors should be at least four times the
    number of CPU cores in the cluster": fewer, unsupported; in both languages (Chinese from the twins)."""
    pairs, _ = pairs_of(corpus_dir, "r1.9/docs/mindpandas/docs/source_en/faq.md",
                        "r1.9/docs/mindpandas/docs/source_zh_cn/faq.md")
    for tail in ("source_en/faq.md", "source_zh_cn/faq.md"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "GLIBC_2.25")}
        assert ("glibc versions earlier than 2.25", None, "unsupported") in got, tail
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "system not initialized")}
        assert ("number of available file descriptors less than four times the number of CPU cores in the cluster",
                None, "unsupported") in got, tail


def test_in_which_scenarios_asks_about_what_its_carrier_supports(corpus_dir):
    """"In which scenarios do GeneratorDataset and map support calling dvpp operator?": calling dvpp operator
    with GeneratorDataset and map (not GeneratorDataset as a whole), in both languages."""
    pairs, _ = pairs_of(corpus_dir, "master/docs/mindspore/source_en/faq/data_processing.md",
                        "master/docs/mindspore/source_zh_cn/faq/data_processing.md")
    for tail in ("source_en/faq/data_processing.md", "source_zh_cn/faq/data_processing.md"):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "dvpp")}
        assert ("calling dvpp operator with GeneratorDataset and map", None, "partial") in got, tail
        assert not any(s == "GeneratorDataset" for s, _, _ in got), got


def test_what_a_how_to_answer_s_lead_says_keeps_the_lead_s_status(tmp_path):
    """A how-to answer whose lead says "Since version 9.9, the main package does not provide the widget
    interface" beside "the GPU widget package is released by MindSpore Lite and ..." (GPU supported): the
    widget interface is unsupported, never supported on the GPU from the other sentence. (A page written
    here, in the shape of r2.2's answer, whose "for the 310" names no hardware of the vocabulary.)"""
    page = tmp_path / "docs" / "faq" / "source_en" / "faq.md"
    page.parent.mkdir(parents=True)
    page.write_text("# FAQ\n\n## Q: Earlier, widget inference used the main package. How do I use the GPU for "
                    "widget inference?\n\nA: Since version 9.9, the MindSpore main release package does not provide "
                    "the widget interface. Since version 9.0, the GPU widget package is released by MindSpore Lite "
                    "and provides continuous maintenance.\n", encoding="utf-8")
    pairs, _ = pairs_of(tmp_path, "docs/faq/source_en/faq.md")
    assert pairs[0][1].hardware == {"GPU": "supported"}
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "faq.md", "widget")}
    assert got == {("widget interface", None, "unsupported")}


def test_a_limit_beyond_which_an_error_is_reported_and_an_api_s_requirement_are_claims(corpus_dir):
    """"when the number of assigned streams exceeds the resource limit of the Ascend platform, an error will
    be reported": going beyond it is unsupported on Ascend; "if the model.eval API of MindSpore needs to be
    used, the loss function needs to be configured": model.eval without loss function, unsupported; "the
    distributed framework automatically assigns a device_id/local_rank_id based on the hostname" (an answer
    about an error): supported, but not "When ... is set, the framework will automatically set ..." (a cause)."""
    pairs, _ = pairs_of(corpus_dir, "r2.6.0/docs/mindspore/source_en/faq/implement_problem.md",
                        "r2.6.0/docs/mindspore/source_en/faq/distributed_parallel.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "implement_problem.md", "Stream isn't enough")}
    assert ("number of assigned streams exceeding the resource limit of the Ascend platform", "Ascend",
            "unsupported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "implement_problem.md", "eval phase")}
    assert ("model.eval without loss function", None, "unsupported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "distributed_parallel.md", "device id is out of range")}
    assert ("automatically assigning device_id/local_rank_id", None, "supported") in got
    got = {s for s, _, _, _ in claims_of(pairs, "distributed_parallel.md", "cannot be split by the strategy")}
    assert not any(s.startswith("automatically") for s in got), got


def test_a_why_must_it_come_before_question_states_the_other_order_unsupported(corpus_dir):
    """"Why does set_ps_context(enable_ps=True) in model_zoo/official/cv/resnet/train.py in the MindSpore code
    have to be set before init?" answered about "MindSpore Ascend mode": calling init before
    set_ps_context(enable_ps=True), unsupported on Ascend, in both languages."""
    pairs, _ = pairs_of(corpus_dir, "r1.8/docs/mindspore/source_en/faq/implement_problem.md",
                        "r1.8/docs/mindspore/source_zh_cn/faq/implement_problem.md")
    want = ("calling init before set_ps_context(enable_ps=True)", "Ascend", "unsupported")
    for tail in ("source_en/faq/implement_problem.md", "source_zh_cn/faq/implement_problem.md"):
        assert want in {(s, h, st) for s, h, st, _ in claims_of(pairs, tail, "set_ps_context")}, tail


def test_a_version_a_product_builds_on_makes_earlier_ones_unsupported_in_both_languages(corpus_dir):
    """"MindSpore utilizes many of the new features in Python3.7+": Python versions earlier than 3.7; the
    Chinese pages are read too where no English twin says it ("如果进入的是非Python3.7版本的环境，则当前Python
    环境不是MindSpore运行所需要的" on r1.1, whose English answer only says to check for 3.7.x)."""
    pairs, _ = pairs_of(corpus_dir, "r1.2/docs/faq/source_en/installation.md",
                        "r1.1/docs/faq/source_zh_cn/installation.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_en/installation.md", "Python version when pip")}
    assert ("Python versions earlier than 3.7", None, "unsupported") in got
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "source_zh_cn/installation.md", "python:not found")}
    assert ("Python versions other than 3.7", None, "unsupported") in got



def test_what_a_hardware_supports_is_a_claim_when_the_question_names_nothing(corpus_dir):
    """"How do I use models trained by MindSpore on Ascend 310?" answered "Ascend 310 supports the offline
    model (OM). Therefore, you need to export ...": the offline model, supported on Ascend 310."""
    pairs, _ = pairs_of(corpus_dir, "r0.7/resource/faq/FAQ_en.md")
    got = {(s, h, st) for s, h, st, _ in claims_of(pairs, "FAQ_en.md", "How do I use models trained by MindSpore on")}
    assert ("offline model", "Ascend310", "supported") in got


def test_what_a_product_makes_easy_for_users_and_a_missing_file_s_error_are_claims(corpus_dir):
    """"MindSpore Dataset module makes it easy for users to define data preprocessing pipelines and transform
    samples efficiently with multiprocessing or multithreading": each, supported; "If the .db file is
    missing, an error is reported when ..." under a MindRecord question: MindRecord without .db file,
    unsupported; in both languages (the Chinese ones from their twins)."""
    pairs, _ = pairs_of(corpus_dir, "r2.2/docs/mindspore/source_en/faq/data_processing.md",
                        "r2.2/docs/mindspore/source_zh_cn/faq/data_processing.md")
    for lang, framework in (("source_en", "data processing framework"), ("source_zh_cn", "专门用于数据处理的框架")):
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, f"{lang}/faq/data_processing.md", framework)}
        assert {("defining data preprocessing pipelines", None, "supported"),
                ("transforming samples efficiently with multiprocessing or multithreading", None, "supported")} <= got
        got = {(s, h, st) for s, h, st, _ in claims_of(pairs, f"{lang}/faq/data_processing.md", ".db")}
        assert ("MindRecord without .db file", None, "unsupported") in got, lang
