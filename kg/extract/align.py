"""The sentence of one version of an entry that translates a sentence of the other version
(zh <-> en): the evidence of a claim a version carries because its twin states it
(kg.extract.twins). Names and numbers are written the same in both languages ("PyNative",
"ops.Concat", "5.3", "3GB"): the sentence sharing the rarest of them is the translation,
the nearer one in the answer when two share as much."""
from __future__ import annotations

import re

from kg.extract.lexicon import load_lexicon
from kg.model import Entry, Evidence, lang_key
from kg.parse.blocks import code_spans

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*[A-Za-z0-9]|[0-9]")


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in _TOKEN.findall(text)}


def translated_sentence(ev: Evidence, source: Entry, target: Entry) -> Evidence | None:
    """The sentence of `target`'s answer translating the sentence `ev` of `source`'s answer,
    or None when no sentence of its prose shares a name or number with it."""
    text, other = target.answer or "", source.answer or ""
    lex = load_lexicon()
    code = code_spans(target.answer_markdown or "", text)
    sentences = [s for s in lex.sentences(text, lang_key(target.lang), lead=0)
                 if not any(a <= s.start and s.end <= b for a, b in code)]     # prose, not a code line
    if not sentences or not text:
        return None
    own = [_tokens(s.text) for s in sentences]
    # a token in the sentence of the other language, weighed by how few target sentences have it
    # (and not at all when every sentence has it: "MindSpore")
    wanted = _tokens(ev.text) & _tokens(text)
    count = {t: sum(t in o for o in own) for t in wanted}
    where = ev.start / max(1, len(other))
    best, best_score = None, 0.0
    for s, toks in zip(sentences, own):
        score = sum(1.0 / count[t] for t in toks & wanted if count[t] < len(sentences) or len(sentences) == 1)
        if score <= 0:
            continue
        score -= 0.25 * abs(s.start / len(text) - where)
        if score > best_score:
            best, best_score = s, score
    return Evidence(best.start, best.end, best.text) if best is not None else None
