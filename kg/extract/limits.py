"""Limits an answer states, as claims: "the number of tensors to be concatenated at a time cannot
exceed 192" says Concat with more than 192 tensors is unsupported (shared/gold/CLAIMS.md: a claim
about a narrower subject, the feature beyond its limit). English answers; a Chinese entry gets its
English twin's claims (kg.extract.twins). Patterns are data: `limits` in
ontology/lexicon/claim_subjects.json.
"""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund, uncapitalised
from kg.extract.memo import Remembered
from kg.extract.statements import normalise, topic_of
from kg.model import Claim, Entry, Evidence, Extraction, lang_key

_FLAGS = re.IGNORECASE
_API = re.compile(r"\b(?:ops|nn|mindspore)\.[A-Z]\w*")    # an API named in an answer: ops.Conv2D, nn.Conv2d


class LimitRules:
    """The `limits` section of the claim rules (kg.extract.claim_rules.ClaimRules.data), compiled."""

    def __init__(self, data: dict):
        self.exceed = Remembered(re.compile(data["exceed"], _FLAGS))    # costly: searched once per sentence
        self.if_over = re.compile(data["if_over"], _FLAGS)
        self.count = re.compile(data["count"], _FLAGS)
        self.size = re.compile(data["size"], _FLAGS)
        self.x_end = re.compile(data["x_end"], _FLAGS)
        self.when = re.compile(data["when"], _FLAGS)
        self.operator = re.compile(data["operator"])   # case matters: an operator's name is capitalised
        self.requires = re.compile(data["requires"])   # case matters: a version's name keeps its capitals
        self.must_be = re.compile(data["must_be"])     # case matters: an operator's name is capitalised
        self.at_most = re.compile(data["at_most"], _FLAGS)
        self.above = re.compile(data["above"], _FLAGS)
        self.restrictions = [(re.compile(r["pattern"], _FLAGS), r["claims"]) for r in data.get("restrictions", [])]


def limit_claims(maker, entry: Entry, ex: Extraction, product) -> list[Claim]:
    """The claims of the limits the answer of `entry` states (kg.extract.claims.ClaimMaker `maker`)."""
    if lang_key(entry.lang) == "zh" or not entry.answer:
        return []
    rules = maker.limit_rules
    broader = ex.feature_iris[0] if ex.feature_iris else None
    out = []
    for s in maker.sentences(entry.answer):
        hws = [hw for _, _, hw in maker.hardware_in(s.text)]
        subject = _subject(rules, maker, entry, ex, s.text)
        if subject is None and (m := rules.above.search(s.text)):
            asked = hws or [hw for _, _, hw in maker.hardware_in(entry.question or "")]
            what = f"{asked[0]} versions" if asked else "MindSpore"
            subject = f"{what} on {m.group('np')} of {m.group('attr').strip()} {m.group('v')} or lower"
            hws = asked[:1]
        if subject is None:
            continue
        for hw in dict.fromkeys(hws or [None]):
            out.append(maker._claim(entry, subject, None, broader, product, hw, "unsupported",
                                    Evidence(s.start, s.end, s.text)))
    return out


def restriction_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str],
                       covered: set[int] | None = None) -> list[Claim]:
    """The claims of restrictions stated in one of the fixed shapes of `limits.restrictions`;
    `covered` gets the start of a next sentence a pattern read on into."""
    if lang_key(entry.lang) == "zh" or not entry.answer:
        return []
    broader = ex.feature_iris[0] if ex.feature_iris else None
    out = []
    sentences = maker.sentences(entry.answer)
    for i, s in enumerate(sentences):
        text = maker.rules.unled(s.text)
        window = text + (" " + sentences[i + 1].text.strip() if i + 1 < len(sentences) else "")
        for pattern, said in maker.limit_rules.restrictions:
            m = pattern.search(window)
            if not m or m.start() >= len(text):
                continue
            groups = {k: " ".join((v or "").split()) for k, v in m.groupdict().items()}
            for k, v in groups.items():     # a group opening the sentence: no capital the sentence gave it
                if m.start(k) == 0:
                    groups[k] = uncapitalised(v)
            if covered is not None and m.end() > len(text) + 1 and i + 1 < len(sentences):
                covered.add(sentences[i + 1].start)
            if "api" not in groups:
                named = _API.findall(entry.answer[:s.end].replace("`", "")) or _API.findall(entry.question or "")
                groups["api"] = named[-1] if named else ""
            if any("{api}" in t for t, *_ in said) and not groups["api"]:
                continue
            groups["feature"] = maker.x.concepts[broader].label if broader else ""
            if any("{feature}" in t for t, *_ in said) and not groups["feature"]:
                continue
            if "v" in groups:
                v = groups["v"].lower()
                groups["v_ing"] = maker.rules.participle_gerund(v) if v.endswith(("ed", "en")) or \
                    v in maker.rules.participles else gerund(v)
            for template, status, *on in said:     # on: "hardware" (each one the sentence names)
                label = template.format(**groups)
                hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(s.text)) if on else {}
                if normalise(label) not in seen:
                    seen.add(normalise(label))
                    out += [maker._claim(entry, label, None, broader, product, hw, status,
                                         Evidence(s.start, s.end, s.text)) for hw in hws or [None]]
            break
    return out


def _subject(rules: LimitRules, maker, entry: Entry, ex: Extraction, text: str) -> str | None:
    if m := rules.must_be.match(text.strip()):
        return f"{m.group('op')} with non-{m.group('adj')} {m.group('x')}"
    if m := rules.at_most.search(text):
        topic = topic_of(maker.rules, text) or _topic(rules, maker, entry, ex, text)
        return f"{topic} with more than {m.group('n')} {m.group('x')}" if topic else None
    m = rules.requires.search(text)
    if m and (maker.hardware_in(text[:m.start()]) or maker.rules.statement_subject.search(text[:m.start()])):
        topic = _topic(rules, maker, entry, ex, text)
        np = " ".join(m.group("np").split())
        return f"{topic} on {np} below {m.group('v') or m.group('v2')}" if topic else None
    if m := rules.if_over.search(text):
        thing = m.group("np").strip().lower()
        return f"{thing if thing.endswith('s') else thing + 's'} larger than {_amount(m.group('n'))}"
    m = rules.exceed.search(text)
    if not m:
        return None
    np, n = " ".join(m.group("np").split()), _amount(m.group("n"))
    np = re.sub(r"^.*?,\s*(?=the\b)", "", np, flags=_FLAGS)   # "when exporting ..., the size of X": X's phrase
    topic = _topic(rules, maker, entry, ex, text)
    if c := rules.count.match(np):
        thing = rules.x_end.sub("", c.group("x"))
        return f"{topic} with more than {n} {thing}" if topic else f"more than {n} {thing}"
    if c := rules.size.match(np):
        thing = rules.x_end.sub("", c.group("x"))
        return f"{topic} with {thing} larger than {n}" if topic else f"{thing} larger than {n}"
    return None


def _topic(rules: LimitRules, maker, entry: Entry, ex: Extraction, text: str) -> str | None:
    if w := rules.when.match(text.strip()):
        return w.group("t").strip()
    if ex.feature_iris:
        return maker.x.concepts[ex.feature_iris[0]].label
    op = rules.operator.search(entry.question or "")
    return op.group("op") if op else None


def _amount(text: str) -> str:
    return text.strip().replace(" ", "")
