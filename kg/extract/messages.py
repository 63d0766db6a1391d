"""The restriction an error message states, when a question about that error quotes it and the
answer states no claim of its own (`messages` in ontology/lexicon/claim_subjects.json):

- "MindSpore can not compile temporary source code in terminal": compiling temporary source code in
  terminal is unsupported;
- "Nested execution during JIT execution for 'xxx' is not supported when ...": nested execution
  during JIT execution is unsupported (a quoted placeholder is no part of the subject).

The message is English in both languages' questions, so the Chinese and English versions of an
entry state the same claim. The question states it: the claim has no evidence sentence in the answer.
"""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund, uncapitalised
from kg.model import Claim, Entry


class MessageRules:
    def __init__(self, data: dict):
        self.quoted = [re.compile(q) for q in data["quoted"]]
        self.cannot = re.compile(data["cannot"])             # the product keeps its capital
        self.not_supported = re.compile(data["not_supported"])
        self.placeholder = re.compile(data["placeholder"])


def message_claims(maker, entry: Entry, product) -> list[Claim]:
    """The claims of the error messages the question quotes (`maker._about_an_error` questions)."""
    rules: MessageRules = maker.message_rules
    if not maker._about_an_error(entry):
        return []
    out: list[Claim] = []
    for quote in (m for q in rules.quoted for m in q.finditer(entry.question or "")):
        for sentence in re.split(r"(?<=\.)\s+", quote.group("m")):
            label = _restricted(rules, maker, sentence.strip())
            if label:
                out.append(maker._claim(entry, label, None, None, product, None, "unsupported", None))
    return out


def _restricted(rules: MessageRules, maker, sentence: str) -> str | None:
    if (m := rules.cannot.match(sentence)) and maker.x.vocab.find_label(m.group("p"), "products"):
        label = f"{gerund(m.group('v'))} {m.group('o')}"
    elif m := rules.not_supported.match(sentence):
        label = uncapitalised(m.group("x"))
    else:
        return None
    label = " ".join(rules.placeholder.sub(" ", label).split())
    return label if len(label.split()) >= 2 and not maker.generic(label) else None
