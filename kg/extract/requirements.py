"""Requirements an answer states, as claims (`requirements` in ontology/lexicon/claim_subjects.json;
shared/gold/CLAIMS.md: "restrictions and requirements stated as facts are claims, also inside
troubleshooting answers"):

- a requirement whose breach the answer says fails ("Model definition code needs to be placed in
  a Python file. Otherwise, an error message is displayed ..."): breaching it is unsupported
  ("model definition code not placed in a Python file"); not a step the user is told to take,
  nor a requirement to meet unnamed requirements;
- a comparison a value must satisfy ("the width of x must be greater than the width of the
  kernel", of the operator the question names, on the hardware the answer names for it):
  the operator with the value not satisfying it is unsupported there; a later "The CPU operator
  does not have this restriction" makes it supported on that hardware;
- "<doing X> requires <doing Y>" ("Compiling MindSpore requires linking Python share libraries"): doing X
  without Y is unsupported; "<setting> requires the <x> to be unique" (or consistent, constant, ...):
  "<x> not unique in <setting>" is unsupported;
- "The inputs of <x> should contain <y>": <x> without <y> is unsupported;
- "the CANN package should install the toolkit version instead of the nnrt version": the nnrt
  version of the CANN package is unsupported, on the hardware the sentence names;
- "The debugger offline service needs to import the MindSpore": the service without that product is
  unsupported;
- "MindSpore requires Python3.7.5 and gcc7.3": each software in other versions is unsupported
  ("Python versions other than 3.7.5");
- "if you enter a non-Python 3.7 environment, the current Python environment is not the MindSpore runtime
  needs": the software in other versions is unsupported ("Python versions other than 3.7");
- "Please upgrade the glibc version in the environment to 2.25 or above": earlier versions are unsupported
  ("glibc versions earlier than 2.25"); "the number of available file descriptors should be at least four
  times the number of CPU cores": fewer is unsupported ("number of ... less than four times ...");
- a question "Why does X have to be set before Y?" ("... set_ps_context(enable_ps=True) in ... have to be
  set before init?"): Y before X is unsupported ("calling init before set_ps_context(enable_ps=True)"), on
  the hardware the answer names;
- "MindSpore utilizes many of the new features in Python3.7+": earlier versions are unsupported ("Python
  versions earlier than 3.7"); the Chinese versions of this and of the "non-Python 3.7" requirement are
  read too, for pages with no English twin;
- "The optimizer is not required in the eval phase": the phase without it is supported ("eval phase
  without optimizer");
- "<feature> only supports <A> as <B>" ("auto-parallel only supports Tensor as network input"):
  the feature with a non-<A> <B> is unsupported.

English answers (but for the version requirements above); a Chinese entry gets its English twin's claims
(kg.extract.twins).
"""
from __future__ import annotations

import re

from kg.extract.claim_rules import gerund, uncapitalised
from kg.extract.clauses import list_items
from kg.extract.statements import normalise
from kg.model import Claim, Entry, Evidence, Extraction, lang_key

_FLAGS = re.IGNORECASE
_CALLED = re.compile(r"[a-z_][\w.]*(?:\(\))?")      # a function's name: "init"
_VERSIONED = re.compile(r"(?P<name>[A-Za-z][A-Za-z+]*?)\s?(?P<v>\d+(?:\.\d+)+)")


class RequirementRules:
    def __init__(self, data: dict):
        self.otherwise = [re.compile(p, _FLAGS) for p in data["otherwise"]]
        self.consequence = re.compile(data["consequence"], _FLAGS)
        self.vague = re.compile(data["vague"], _FLAGS)
        self.compare = re.compile(data["compare"], _FLAGS)
        self.no_restriction = re.compile(data["no_restriction"], _FLAGS)
        self.only_as = re.compile(data["only_as"])      # case matters: <A> is a type's name (Tensor)
        self.question_operator = re.compile(data["question_operator"])
        self.requires_doing = re.compile(data["requires_doing"])  # case matters: a sentence opens with its gerund
        self.requires_be = re.compile(data["requires_be"], _FLAGS)
        self.contain = re.compile(data["contain"], _FLAGS)
        self.instead_of = re.compile(data["instead_of"], _FLAGS)
        self.needs_product = re.compile(data["needs_product"])     # the product keeps its capitals
        self.exact_version = re.compile(data["exact_version"])     # the product keeps its capitals
        self.other_version = re.compile(data["other_version"])     # the software keeps its capitals
        self.not_required = re.compile(data["not_required"], _FLAGS)
        self.at_least = re.compile(data["at_least"], _FLAGS)
        self.upgrade_to = re.compile(data["upgrade_to"], _FLAGS)
        self.before_question = re.compile(data["before_question"], _FLAGS)
        self.features_of = re.compile(data["features_of"])         # the product keeps its capitals
        self.versions_zh = [(re.compile(v["pattern"]), v["label"]) for v in data["versions_zh"]]


def requirement_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str]) -> list[Claim]:
    if not entry.answer:
        return []
    if lang_key(entry.lang) == "zh":
        return _versions_zh(maker, entry, product, seen)
    rules: RequirementRules = maker.requirement_rules
    broader = ex.feature_iris[0] if ex.feature_iris else None
    sentences = maker.sentences(entry.answer)
    asked = [hw for _, _, hw in maker.hardware_in(entry.question or "")]
    out: list[Claim] = []

    def add(label: str, hw: str | None, status: str, s) -> None:
        label = " ".join(label.split())
        if label and normalise(label) not in seen:
            out.append(maker._claim(entry, label, None, broader, product, hw, status, Evidence(s.start, s.end, s.text)))

    if (m := rules.before_question.match(entry.question or "")) and sentences:
        x, y = m.group("x").strip(), m.group("y").strip()      # the question states the order required
        hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(entry.answer)) or [None]
        for hw in hws:
            add(f"{'calling ' if _CALLED.fullmatch(y) else ''}{y} before {x}", hw, "unsupported", sentences[0])
    for i, s in enumerate(sentences):
        text = maker.rules.unled(s.text)
        after = sentences[i + 1].text.strip() if i + 1 < len(sentences) else ""
        window = f"{text} {after}"
        if (label := _breach(rules, maker, window)) is not None:
            add(label, None, "unsupported", s)
        elif m := rules.compare.search(text):
            op = _operator(rules, entry.question or "")
            label = f"{op + ' with ' if op else ''}{m.group('x')} not {m.group('cmp').lower()} than {m.group('y')}"
            free = {}       # "The CPU operator does not have this restriction": hardware -> that sentence
            for later in sentences[i + 1:i + 3]:
                if rules.no_restriction.search(later.text):
                    free.update((hw, later) for _, _, hw in maker.hardware_in(later.text))
            named = [hw for _, _, hw in maker.hardware_in(" ".join(t.text for t in sentences[:i + 1]))]
            # the hardware the answer names for it, else the one(s) the question asks about but frees
            hws = [hw for hw in asked if hw in named] or named[:1] or [hw for hw in asked if hw not in free] or [None]
            for hw in dict.fromkeys(hws):
                add(label, hw, "unsupported", s)
            for hw, later in free.items():
                add(label, hw, "supported", later)
        elif m := rules.requires_doing.match(text):
            add(f"{_np(m.group('s'))} without {m.group('np')}", None, "unsupported", s)
        elif (m := rules.requires_be.match(text)) and not maker.generic(m.group("s")):
            add(f"{m.group('x')} not {m.group('adj').lower()} in {_np(m.group('s'))}", None, "unsupported", s)
        elif m := rules.contain.match(text):
            add(f"{_np(m.group('x'))} without {m.group('y')}", None, "unsupported", s)
        elif m := rules.instead_of.search(text.replace("`", "")):
            for hw in dict.fromkeys(hw for _, _, hw in maker.hardware_in(text)) or [None]:
                add(f"{m.group('b')} {m.group('kind').lower()} of {_np(m.group('x'))}", hw, "unsupported", s)
        elif (m := rules.needs_product.match(text)) and maker.x.vocab.find_label(m.group("p"), "products"):
            add(f"{_np(m.group('x'))} without {m.group('p')}", None, "unsupported", s)
        elif (m := rules.exact_version.search(text)) and maker.x.vocab.find_label(m.group("p"), "products"):
            for item in list_items(m.group("list")):
                v = _VERSIONED.fullmatch(item)
                add(f"{v.group('name')} versions other than {v.group('v')}", None, "unsupported", s)
        elif "non-" in text and (m := rules.other_version.search(text)) \
                and maker.rules.statement_subject.search(text[m.end():]):
            add(f"{m.group('name')} versions other than {m.group('v')}", None, "unsupported", s)
        elif "features" in text and (m := rules.features_of.search(text)) \
                and maker.x.vocab.find_label(m.group("p"), "products"):
            add(f"{m.group('name')} versions earlier than {m.group('v')}", None, "unsupported", s)
        elif "pgrade" in text and (m := rules.upgrade_to.search(text)):
            add(f"{m.group('name')} versions earlier than {m.group('v')}", None, "unsupported", s)
        elif " least " in text and (m := rules.at_least.search(text)):
            add(f"{_np(m.group('x'))} less than {m.group('y')}", None, "unsupported", s)
        elif m := rules.not_required.match(text):
            add(f"{_np(m.group('y'))} without {_np(m.group('x'))}", None, "supported", s)
        elif m := rules.only_as.search(text):
            if not maker._is_hardware(m.group("f")) and normalise(m.group("f")) not in ("it", "this", "that"):
                add(f"{m.group('f')} with non-{m.group('a')} {m.group('b')}", None, "unsupported", s)
    seen.update(normalise(c.subject) for c in out)
    return out


def _versions_zh(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    """A Chinese answer's version requirement, named in English as the English rules name it ("MindSpore开发
    过程中用到了Python3.7+的新特性": Python versions earlier than 3.7; "如果进入的是非Python3.7版本的环境，则当前
    Python环境不是MindSpore运行所需要的": Python versions other than 3.7), for a page with no English twin."""
    out = []
    for pattern, template in maker.requirement_rules.versions_zh:
        for m in pattern.finditer(entry.answer or ""):
            label = template.format(**m.groupdict())
            if normalise(label) not in seen:
                seen.add(normalise(label))
                a, b = m.span()
                out.append(maker._claim(entry, label, None, None, product, None, "unsupported",
                                        Evidence(a, b, entry.answer[a:b])))
    return out


def _breach(rules: RequirementRules, maker, window: str) -> str | None:
    """The breach of a requirement the window states, when its consequence is a failure."""
    for pattern in rules.otherwise:
        m = pattern.search(window)
        if not m or not rules.consequence.match(window[m.end():]):
            continue
        g = {k: " ".join((v or "").split()) for k, v in m.groupdict().items()}
        if g.get("v") and rules.vague.match(g["v"]):
            return None
        if maker.generic(g["x"]):
            return None
        said = f"{_np(g['x'])} not {g['be']}" if g.get("be") else f"{_np(g['x'])} not {gerund(g['v'])} {g['y']}"
        return f"{said} when {g['when']}" if g.get("when") else said
    return None


def _np(text: str) -> str:
    """A sentence's subject as a claim's: no article, a capital only a sentence gave dropped."""
    return uncapitalised(re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=_FLAGS))


def _operator(rules: RequirementRules, question: str) -> str | None:
    m = rules.question_operator.search(question)
    return (m.group("op") or m.group("low")) if m else None
