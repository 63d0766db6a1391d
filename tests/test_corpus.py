"""kg.parse.corpus: finding FAQ files, reading them, and what their paths say."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import EncodingError, InputError
from kg.parse import corpus


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_find_files_recurses_sorts_and_dedupes(tmp_path):
    b = _write(tmp_path / "b" / "x.md", "x")
    a = _write(tmp_path / "a" / "deep" / "y.md", "y")
    _write(tmp_path / "a" / "notes.txt", "not markdown")
    _write(tmp_path / ".hidden" / "z.md", "hidden")
    single = _write(tmp_path / "single.markdown.txt", "named explicitly")
    found = corpus.find_files([tmp_path / "b", tmp_path, single, b])
    assert found == sorted([a, b, single], key=lambda p: p.as_posix())


def test_find_files_is_deterministic_whatever_the_argument_order(tmp_path):
    files = [_write(tmp_path / d / "f.md", d) for d in ("c", "a", "b")]
    assert corpus.find_files(reversed(files)) == corpus.find_files(files) == sorted(files)


def test_find_files_reads_a_file_named_relative_and_absolute_once(tmp_path, monkeypatch):
    en = _write(tmp_path / "source_en" / "p.md", "en")
    zh = _write(tmp_path / "source_zh_cn" / "p.md", "zh")
    monkeypatch.chdir(tmp_path)
    found = corpus.find_files([zh, "source_en/p.md", en, "./source_en/p.md"])
    assert [f.resolve() for f in found] == [en, zh]


def test_find_files_names_a_missing_path(tmp_path):
    with pytest.raises(InputError) as e:
        corpus.find_files([tmp_path / "nope"])
    assert "nope" in str(e.value) and e.value.exit_code == 2


@pytest.mark.parametrize("data", [
    "# t\r\nQ: a?\r\n\r\nA: b\r\n".encode(),
    b"\xef\xbb\xbf# t\nQ: a?\n\nA: b\n",
    b"\xef\xbb\xbf# t\r\nQ: a?\r\n\r\nA: b\r\n",
    b"# t\rQ: a?\r\rA: b\r",
])
def test_read_text_strips_bom_and_normalises_line_ends(tmp_path, data):
    assert corpus.read_text(_write(tmp_path / "f.md", data)) == "# t\nQ: a?\n\nA: b\n"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_read_text_names_file_line_and_byte_offset_of_bad_utf8(tmp_path, bom):
    data = bom + "# 标题\nQ: ok?\n".encode() + b"A: \xff\xfe bad\n"
    path = _write(tmp_path / "bad.md", data)
    with pytest.raises(EncodingError) as e:
        corpus.read_text(path, name="bad.md")
    err = e.value
    assert err.offset == data.index(b"\xff") and err.line == 3 and err.exit_code == 2
    assert str(err).startswith(f"bad.md:3 (byte {err.offset}): not valid UTF-8")


def test_source_is_posix_relative_to_root(tmp_path, monkeypatch):
    f = _write(tmp_path / "r1.2" / "docs" / "faq.md", "x")
    assert corpus.source_of(f, tmp_path) == "r1.2/docs/faq.md"
    monkeypatch.chdir(tmp_path)
    assert corpus.source_of(Path("./r1.2/docs/faq.md")) == "r1.2/docs/faq.md"


@pytest.mark.parametrize("source,release", [
    ("r1.2/docs/faq/source_zh_cn/installation.md", "r1.2"),
    ("r2.3.1/docs/mindspore/source_en/faq/inference.md", "r2.3.1"),
    ("master/docs/lite/docs/source_en/faq.md", "master"),
    ("docs/faq/source_en/installation.md", None),
    ("r1.2.md", None),                       # the file name is no release
    ("release/r1.x/faq.md", None),
])
def test_release_of(source, release):
    assert corpus.release_of(source) == release


def test_release_falls_back_to_the_absolute_path(tmp_path):
    f = _write(tmp_path / "r2.6.0" / "docs" / "faq.md", "x")
    assert corpus.release_of("docs/faq.md", f) == "r2.6.0"


@pytest.mark.parametrize("source,lang", [
    ("r1.2/docs/faq/source_zh_cn/a.md", "zh"),
    ("r1.2/docs/faq/source_en/a.md", "en"),
    ("r0.2/resource/faq/FAQ_zh_cn.md", "zh"),
    ("r0.2/resource/faq/FAQ_en.md", "en"),
    ("notes/faq.md", None),
])
def test_lang_of_path(source, lang):
    assert corpus.lang_of_path(source) == lang


def test_lang_of_text():
    assert corpus.lang_of_text("如何安装`mindspore-gpu`版本？") == "zh"
    assert corpus.lang_of_text("How do I install the GPU version?") == "en"
    assert corpus.lang_of_text("Run `pip install x` — 例") == "en"


@pytest.mark.parametrize("source,component", [
    ("master/docs/serving/docs/source_en/faq.md", "MindSpore Serving"),
    ("r1.3/docs/lite/faq/source_zh_cn/faq.md", "MindSpore Lite"),
    ("r1.5/docs/mindinsight/docs/source_en/faq.md", "MindInsight"),
    ("r2.4.0/docs/mindformers/docs/source_en/faq/func_related.md", "MindFormers"),
    ("master/docs/vllm_mindspore/docs/source_en/faqs/faqs.md", "vLLM MindSpore"),
    ("r1.2/docs/faq/source_en/mindspore_lite.md", "MindSpore"),
    ("r0.2/resource/faq/FAQ_en.md", "MindSpore"),
])
def test_component_of(source, component):
    assert corpus.component_of(source) == component


def test_component_table_agrees_with_the_vocabulary():
    """ontology/components.json restates kg:docsPath of the products: keep the two in sync."""
    import rdflib

    from kg import config
    g = rdflib.Graph().parse(config.ONTOLOGY_DIR / "vocabulary.ttl")
    q = """SELECT ?path ?label WHERE { ?p <https://w3id.org/mindspore-kg/ontology#docsPath> ?path ;
             <http://www.w3.org/2004/02/skos/core#prefLabel> ?label . FILTER(lang(?label) = "en") }"""
    from_vocab = {str(r.path): str(r.label) for r in g.query(q)}
    table = json.loads(corpus.COMPONENTS_FILE.read_text(encoding="utf-8"))
    assert table["docs_path"] == from_vocab
    assert table["default"] in from_vocab.values()


@pytest.fixture(scope="session")
def corpus_files(corpus_dir):
    return corpus.find_files([corpus_dir])


def test_every_corpus_file_has_release_and_language_from_its_path(corpus_dir, corpus_files):
    assert len(corpus_files) >= 650
    releases = set()
    for f in corpus_files:
        source = corpus.source_of(f, corpus_dir)
        assert not source.startswith(("/", "./", "../")), source
        rel = corpus.release_of(source)
        assert rel and source.startswith(rel + "/"), source
        assert corpus.lang_of_path(source) in ("zh", "en"), source
        releases.add(rel)
    assert {"master", "r0.2", "r1.2", "r2.3.1", "r2.6.0"} <= releases


def test_every_page_s_counterpart_is_the_other_language_s_path(corpus_dir, corpus_files):
    """counterpart(): source_en <-> source_zh_cn, FAQ_en <-> FAQ_zh_cn, back again; on the corpus most
    pages have theirs."""
    found = 0
    for f in corpus_files:
        source = corpus.source_of(f, corpus_dir)
        other = corpus.counterpart(source)
        assert corpus.lang_of_path(other) not in (None, corpus.lang_of_path(source)), source
        assert corpus.counterpart(other) == source
        found += (corpus_dir / other).is_file()
    assert found >= 0.9 * len(corpus_files)


def test_corpus_components_cover_every_docs_folder(corpus_dir, corpus_files):
    """Every product folder under docs/ in the corpus maps to a product of the table."""
    default, table = corpus._components()
    folders = set()
    for f in corpus_files:
        parts = corpus.source_of(f, corpus_dir).split("/")
        if len(parts) > 3 and parts[1] == "docs" and parts[2] not in ("faq", "source_en", "source_zh_cn"):
            folders.add(parts[2])
            assert corpus.component_of("/".join(parts)) == table[parts[2]]
    assert folders and folders <= set(table)


def test_component_from_the_path_when_root_is_below_docs(corpus_dir):
    """A `--root` inside `docs/<product>/` leaves the product folder out of `source`: the
    component still comes from the file's path (MindSpore Lite, not the default)."""
    from kg.parse import markdown as parsing
    lite = corpus_dir / "r2.3" / "docs" / "lite"
    f = lite / "faq" / "source_en" / "faq.md"
    entries = parsing.parse_file(f, root=lite)
    assert entries and entries[0].source == "faq/source_en/faq.md"
    assert {e.component for e in entries} == {"MindSpore Lite"}
    assert corpus.component_of("faq/source_en/faq.md", f) == "MindSpore Lite"
    assert corpus.component_of("faq/source_en/faq.md") == "MindSpore"
