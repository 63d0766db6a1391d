"""kg.parse.markdown on the real corpus, on the gold annotations, on the example corpus and on
small pages written here."""
from __future__ import annotations

import collections
import json
import re

import pytest

from kg.errors import EncodingError
from kg.parse import corpus
from kg.parse import markdown as parsing

# ---------------------------------------------------------------- whole corpus

# An independent count: a plain line scan (not markdown-it) that skips fenced code.
# A `<font size=3>**` line is a question heading even when its `Q:` is missing (2 pages).
_HEADING_LINE = re.compile(r"^<?<font[^>]*>\*\*|^\*\*Q(?:\s*[:：]|\s)|^#{1,6}\s+Q\s*[:：]|^Q\s*[:：]")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def count_question_lines(text: str) -> list[int]:
    lines, fence = [], None
    for i, line in enumerate(text.splitlines(), 1):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip()[len(m.group(1)):].strip():
                fence = None
        elif m:
            fence = m.group(1)
        elif _HEADING_LINE.match(line):
            lines.append(i)
    return lines


@pytest.fixture(scope="session")
def parsed_corpus(corpus_dir):
    """(entries by source, stats, warnings) of one parse of the whole corpus."""
    stats, warnings = parsing.ParseStats(), []
    by_source = collections.defaultdict(list)
    for e in parsing.parse_paths([corpus_dir], root=corpus_dir, stats=stats,
                                 on_warning=warnings.append):
        by_source[e.source].append(e)
    return by_source, stats, warnings


def test_every_question_heading_of_the_corpus_is_one_entry(corpus_dir, parsed_corpus):
    by_source, stats, _ = parsed_corpus
    mismatches = []
    total = 0
    for f in corpus.find_files([corpus_dir]):
        source = corpus.source_of(f, corpus_dir)
        expected = count_question_lines(corpus.read_text(f))
        got = [e.line for e in by_source.get(source, [])]
        total += len(expected)
        if got != expected:
            mismatches.append(f"{source}: {len(expected)} question headings, {len(got)} entries")
    assert not mismatches, "\n".join(mismatches)
    assert stats.entries == total and 9600 <= total <= 9700
    assert len(by_source) >= 650


def test_files_without_entries_are_warnings_not_errors(parsed_corpus):
    by_source, stats, warnings = parsed_corpus
    empty_files = [w for w in warnings if "no FAQ entries" in w.message]
    assert stats.files - len(by_source) == len(empty_files) > 0
    assert not stats.errors and stats.warnings == len(warnings)


def test_entries_carry_consistent_provenance(corpus_dir, parsed_corpus):
    by_source, _, _ = parsed_corpus
    for source, entries in by_source.items():
        lines = corpus.read_text(corpus_dir / source).split("\n")
        assert [e.n for e in entries] == list(range(1, len(entries) + 1)), source
        for e, nxt in zip(entries, entries[1:] + [None]):
            where = f"{source} #{e.n}"
            assert e.line <= e.end_line <= len(lines), where
            if nxt:
                assert e.end_line < nxt.line, where
            assert e.release and source.startswith(e.release + "/"), where
            assert e.lang == corpus.lang_of_path(source), where
            assert e.question and not e.question.startswith(("Q:", "Q：", "*", "<")), where
            assert e.question == " ".join(e.question.split()), where
            assert _HEADING_LINE.match(lines[e.line - 1]), where
            assert len(e.urls) == len(set(e.urls)) and all(u == u.strip() and u for u in e.urls), where
            if e.view_source:
                assert e.upstream == f"{e.view_source}#L{e.line}", where
            else:
                assert e.upstream is None, where


def test_answers_are_plain_text(parsed_corpus):
    by_source, _, _ = parsed_corpus
    entries = [e for es in by_source.values() for e in es]
    assert all(e.answer.strip() for e in entries)
    with_md_links = [e for e in entries if "](http" in e.answer_markdown and "](http" not in e.answer
                     and "`" not in e.answer_markdown]
    assert with_md_links, "no entry with a Markdown link: the check below would be empty"
    for e in with_md_links:
        assert "<br/>" not in e.answer and "</font>" not in e.answer
    # every page of r1.2 on gitee has its view-source badge
    r12 = [e for e in entries if e.release == "r1.2"]
    assert r12 and all(e.upstream and e.upstream.startswith("https://gitee.com/") for e in r12)


def test_topics_come_from_section_headings(parsed_corpus):
    by_source, _, _ = parsed_corpus
    entries = by_source["r0.2/resource/faq/FAQ_zh_cn.md"]
    topics = [e.topic for e in entries]
    assert all(topics) and len(set(topics)) > 3
    assert not any(t.startswith("Q") for t in topics)


def test_question_and_urls_equal_gold(corpus_dir, gold_path, parsed_corpus):
    by_source, _, _ = parsed_corpus
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(gold) > 50
    wrong = []
    for g in gold:
        entries = by_source[g["source"]]
        e = entries[g["n"] - 1]
        if (" ".join(e.question.split()) != " ".join(g["question"].split())
                or e.urls != g["urls"] or e.lang != g["lang"]):
            wrong.append(f"{g['source']} #{g['n']}: {e.question!r} {e.urls} != {g['question']!r} {g['urls']}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- example corpus

@pytest.fixture(scope="session")
def example_entries(examples_dir):
    root = examples_dir / "faq"
    return {(e.source, e.n): e for e in parsing.parse_paths([root], root=root)}


def test_example_corpus_has_every_heading_shape_in_both_languages(examples_dir, example_entries):
    root = examples_dir / "faq"
    shapes = collections.Counter()
    for f in corpus.find_files([root]):
        for i in count_question_lines(corpus.read_text(f)):
            line = corpus.read_text(f).split("\n")[i - 1]
            shape = re.sub(r"(Q(?:\s*[:：]|\s)).*", r"\1", line)
            shapes[shape] += 1
    assert set(shapes) >= {"<font size=3>**Q:", "<font size=3>**Q：", "## Q:", "## Q：", "### Q:",
                           "### Q：", "**Q:", "**Q：", "**Q ", "Q:", "Q："}
    assert sum(shapes.values()) == len(example_entries)
    assert {e.lang for e in example_entries.values()} == {"zh", "en"}
    # the zh and en version of each page have the same number of entries (translations pair up)
    per_page = collections.defaultdict(collections.Counter)
    for (source, _n), e in example_entries.items():
        per_page[re.sub(r"source_(zh_cn|en)", "source_*", source)][e.lang] += 1
    assert per_page and all(c["zh"] == c["en"] > 0 for c in per_page.values()), per_page


def test_example_questions_drop_markup_and_keep_escaped_characters(example_entries):
    q = {k: e.question for k, e in example_entries.items()}
    assert q[("r2.5.0/docs/mindspore/source_en/faq/feature_advice.md", 3)] == \
        "Can the **learning rate** be changed while training?"
    assert q[("r2.6.0/docs/lite/docs/source_en/faq.md", 2)] == "Can on-device inference use the NPU?"
    assert q[("r2.6.0/docs/lite/docs/source_zh_cn/faq.md", 3)] == "转换时报错Unsupported op怎么办？"


def test_example_urls_follow_the_guidelines(example_entries):
    def urls(source, n):
        return example_entries[(source, n)].urls
    en25 = "r2.5.0/docs/mindspore/source_en/faq/feature_advice.md"
    zh25 = "r2.5.0/docs/mindspore/source_zh_cn/faq/feature_advice.md"
    zh26 = "r2.6.0/docs/mindspore/source_zh_cn/faq/feature_advice.md"
    # autolink; `]( url )` trimmed; Chinese fragment kept as written; bare URL without its 。
    assert urls(en25, 2) == ["https://www.mindspore.cn/tutorials/en/r2.5.0/beginner/mixed_precision.html"]
    assert urls(zh25, 3) == ["https://www.mindspore.cn/docs/zh-CN/r2.5.0/api_python/mindspore.nn.html#动态学习率"]
    assert urls(zh25, 4) == ["https://gitee.com/mindspore/mindspore"]
    # Markdown link then <a href>; nothing from inline code or images
    assert urls(zh26, 1) == ["https://www.mindspore.cn/docs/zh-CN/r2.6.0/model_train/parallel/overview.html",
                             "https://www.mindspore.cn/tutorials/zh-CN/r2.6.0/parallel/overview.html"]
    assert urls(zh26, 2) == []


def test_text_before_the_answer_marker_belongs_to_the_answer(example_entries):
    e = example_entries[("r2.5.0/docs/mindspore/source_en/faq/feature_advice.md", 3)]
    assert e.answer.startswith("Look at this first:\n# Q: this line sits in a code block")
    assert "\nYes. Pass a list" in e.answer and "A: Yes" not in e.answer
    assert e.answer_markdown.startswith("Look at this first:") and "A: Yes." in e.answer_markdown
    assert e.topic == "Others"


# ---------------------------------------------------------------- small pages written here

def parse(text: str, source="r9.9/docs/faq/source_en/page.md", **kw):
    warnings = []
    entries = parsing.parse_text(text, source, on_warning=warnings.append, **kw)
    return entries, warnings


def test_multiline_heading_and_answer_in_the_same_paragraph():
    text = ("# T\n\n<font size=3>**Q: What if the error `E1`\nis shown?**</font>\nIt means X.\n\n"
            "<<font size=3>**Q: Stray bracket?**</font>\n\nA: Fine.\n\n"
            "<font size=3>**Q: Unclosed bold?\n\nA: Still an entry.\n")
    entries, warnings = parse(text)
    assert [(e.question, e.line, e.end_line) for e in entries] == [
        ("What if the error E1 is shown?", 3, 5), ("Stray bracket?", 7, 9),
        ("Unclosed bold?", 11, 13)]
    assert entries[0].answer == "It means X." and entries[0].answer_markdown == "It means X."
    assert not warnings


def test_a_bold_font_heading_that_lost_its_q_is_still_a_question():
    entries, _ = parse("<font size=3>**Q: First?**</font>\n\nA: a\n\n"
                       "<font size=3>**How about `this` one?**</font>\n\nA: b\n\n"
                       "**Bold** but no question.\n")
    assert [(e.question, e.answer) for e in entries] == [
        ("First?", "a"), ("How about this one?", "b\nBold but no question.")]


def test_text_after_the_bold_on_the_question_line_belongs_to_the_question():
    entries, _ = parse("<font size=3>**Q: 报错`E1`怎么办**</font>？\n\nA: 重试。\n", source="p.md")
    assert (entries[0].question, entries[0].answer, entries[0].answer_markdown) == \
        ("报错E1怎么办？", "重试。", "A: 重试。")


def test_wide_characters_join_without_spaces_across_soft_breaks():
    entries, _ = parse("Q：第一行\n\nA：很长的回答\n第二行，and English\ncontinues here。\n",
                       source="p.md")
    assert entries[0].answer == "很长的回答第二行，and English continues here。"
    assert entries[0].lang == "zh"


def test_section_headings_give_topics_and_deeper_headings_stay_in_the_answer():
    text = ("# Page\n\n## Setup\n\n### Q: One?\n\nA: 1.\n\n#### Details\n\nMore.\n\n"
            "## Running\n\n### Q: Two?\n\nA: 2.\n\n# Other page part\n\n### Q: Three?\n\nA: 3.\n")
    entries, _ = parse(text)
    assert [(e.topic, e.question) for e in entries] == [("Setup", "One?"), ("Running", "Two?"),
                                                        (None, "Three?")]
    assert entries[0].answer == "1.\nDetails\nMore." and entries[0].end_line == 11


def test_empty_answers_are_kept_with_a_warning_and_pages_without_entries_warn():
    entries, warnings = parse("# T\n\n## Q: Nothing here?\n\n<br/>\n\n## Q: And here?\n\nA: yes\n")
    assert [e.answer for e in entries] == ["", "yes"]
    assert [(w.line, w.message) for w in warnings] == [(3, "entry has an empty answer")]
    entries, warnings = parse("# Just a page\n\nQuestions are elsewhere: Q&A.\n")
    assert entries == [] and [w.message for w in warnings] == ["no FAQ entries in this file"]


def test_text_under_a_section_heading_before_its_question_is_reported():
    entries, warnings = parse("## A\n\n### Q: a?\n\nA: x\n\n## B\n\nIntro of B.\n\n### Q: b?\n\nA: y\n")
    assert [e.answer for e in entries] == ["x", "y"]
    assert len(warnings) == 1 and warnings[0].line == 9 and "belong to no entry" in warnings[0].message


def test_questions_in_code_lists_and_quotes_are_not_entries():
    text = ("```\nQ: not me\n```\n\n~~~~\n## Q: nor me\n~~~~\n\n    Q: indented code\n\n"
            "- Q: a list item\n\n> Q: a quote\n\nQ&A is not a question.\n\n**Qualified** neither.\n\n"
            "Q: the only one?\n\nA: yes\n")
    entries, _ = parse(text)
    assert [e.question for e in entries] == ["the only one?"]


def test_html_links_autolinks_bare_urls_and_what_is_not_a_link():
    text = ("## Q: Links [in the question](https://q.example/ignored)?\n\n"
            "A: See [a](./relative.html), <https://auto.example/x>, https://bare.example/p。 "
            "and (https://paren.example/a_(b)). <a href='https://html.example/'>h</a> "
            "![img](https://img.example/i.png) `https://code.example` [a](./relative.html)\n\n"
            "<div><a href=\"https://block.example/\">b</a> <img src=\"https://img.example/2.png\"></div>\n\n"
            "```\nhttps://fenced.example\n```\n")
    entries, _ = parse(text)
    assert entries[0].urls == ["./relative.html", "https://auto.example/x", "https://bare.example/p",
                               "https://paren.example/a_(b)", "https://html.example/",
                               "https://block.example/"]
    assert entries[0].question == "Links in the question?"


def test_view_source_badge_gives_the_upstream_line():
    text = ("# Page\n\n[![View Source On Gitee](https://img.example/logo.svg)]"
            "(https://gitee.com/mindspore/docs/blob/r9.9/page.md)\n\n## Q: First?\n\nA: a\n")
    entries, _ = parse(text, release="r9.9")
    assert entries[0].view_source == "https://gitee.com/mindspore/docs/blob/r9.9/page.md"
    assert entries[0].upstream == "https://gitee.com/mindspore/docs/blob/r9.9/page.md#L5"
    assert entries[0].release == "r9.9"


def test_parse_file_and_parse_paths_report_bad_encoding(tmp_path):
    good = tmp_path / "r9.9" / "good.md"
    good.parent.mkdir()
    good.write_text("Q: fine?\n\nA: yes\n", encoding="utf-8")
    bad = tmp_path / "r9.9" / "bad.md"
    bad.write_bytes(b"Q: fine?\n\nA: \xc3\x28\n")
    with pytest.raises(EncodingError) as e:
        list(parsing.parse_paths([tmp_path], root=tmp_path))
    assert e.value.path == "r9.9/bad.md" and e.value.offset == 13
    stats, errors = parsing.ParseStats(), []
    entries = list(parsing.parse_paths([tmp_path], root=tmp_path, keep_going=True, stats=stats,
                                       on_error=errors.append))
    assert [e.source for e in entries] == ["r9.9/good.md"] and entries[0].release == "r9.9"
    assert (stats.files, stats.entries, len(stats.errors)) == (2, 1, 1) and errors == stats.errors
    assert stats.summary() == "2 files, 1 entries, 0 warnings"


# ---------------------------------------------------------------- properties (hypothesis)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_MD_CHARS = list("Q:：*<>#`~-_=[]()!\\/&;\n \tAaqz01.中文问题font=3br") + ["\r\n", "<br/>", "**Q:", "Q：",
                                                                      "<font size=3>", "```", "## "]
_WORDS = st.text(alphabet=st.sampled_from(list("abcdefXYZ 0189中文问题支持吗.,?？，。")), min_size=1,
                 max_size=30).filter(lambda s: s.strip() and not s.strip()[0].isdigit())
_SHAPES = ["<font size=3>**Q: {}**</font>", "<font size=3>**Q：{}**</font>", "## Q: {}", "### Q: {}",
           "## Q：{}", "**Q: {}**", "**Q：{}**", "Q: {}", "Q：{}", "**Q {}**"]
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(st.one_of(st.text(max_size=600), st.lists(st.sampled_from(_MD_CHARS), max_size=120).map("".join)))
def test_arbitrary_text_never_crashes_the_parser(text):
    entries = parsing.parse_text(text, "r9.9/docs/faq/source_en/fuzz.md")
    n_lines = text.count("\n") + text.count("\r") + 1
    for i, e in enumerate(entries, 1):
        assert e.n == i and 1 <= e.line <= e.end_line <= n_lines
        assert e.question == " ".join(e.question.split())


@PROPS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_entries_or_an_encoding_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.md"
    path.write_bytes(data)
    try:
        parsing.parse_file(path, root=path.parent)
    except EncodingError as e:
        assert e.path == "f.md" and 0 <= e.offset < len(data)


def _question_block(shape, words, answer):
    return shape.format(words) + "\n\nA: " + answer


_BLOCK = st.one_of(
    _WORDS,                                                              # a paragraph
    _WORDS.map(lambda w: w + "\n" + w),                                  # a wrapped paragraph
    _WORDS.map(lambda w: "## " + w),                                     # a section heading
    _WORDS.map(lambda w: "```\nQ: " + w + "\n```"),                      # code that looks like one
    _WORDS.map(lambda w: "<br/>"),
    st.builds(_question_block, st.sampled_from(_SHAPES), _WORDS, _WORDS),
)


@PROPS
@given(st.lists(_BLOCK, max_size=12), st.data())
def test_adding_a_question_heading_adds_exactly_one_entry(blocks, data):
    before = parsing.parse_text("\n\n".join(blocks) + "\n", "r9.9/docs/faq/source_en/p.md")
    shape = data.draw(st.sampled_from(_SHAPES))
    words = data.draw(_WORDS)
    at = data.draw(st.integers(0, len(blocks)))
    new_blocks = blocks[:at] + [_question_block(shape, words, data.draw(_WORDS))] + blocks[at:]
    after = parsing.parse_text("\n\n".join(new_blocks) + "\n", "r9.9/docs/faq/source_en/p.md")
    assert len(after) == len(before) + 1
    added = collections.Counter(e.question for e in after) - collections.Counter(e.question for e in before)
    assert added == collections.Counter({" ".join(words.split()): 1})
