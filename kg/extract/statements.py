"""Claims the answer's sentences state beside the main one (kg.extract.claims.ClaimMaker `maker`):
enumerations ("MindSpore supports A, B and C": a claim per item) and statement sentences
("<P> does not support X", "X is not supported": a claim about X). English answers; a Chinese
entry gets its English twin's claims (kg.extract.twins). Patterns are data: the `en` section of
ontology/lexicon/claim_subjects.json.
"""
from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.claim_rules import CLAIM_STATUSES, gerund
from kg.extract.clauses import list_items, span_status
from kg.model import Claim, Entry, Evidence, Extraction, lang_key

PRONOUNS = {"it", "this", "that", "they", "we", "you", "which", "this function", "this feature",
            "the function", "this operator", "the operator", "this api"}
VERBISH = re.compile(r"\b(?:is|are|was|were|be|being|been|can|cannot|will|should|must|may|need|needs|do|does)\b",
                     re.IGNORECASE)
_STATEMENT_VERB = re.compile(r"\b(?:support|provide|have|has|available|in addition to)", re.IGNORECASE)
_NEGATION = re.compile(r"n't\b|\bnot\b", re.IGNORECASE)   # "... and doesn't support Y": a clause, not an item


def normalise(text: str | None) -> str:
    """A subject's matching key: lower case, punctuation as spaces, a plural `s` dropped."""
    words = re.sub(r"[\W_]+", " ", (text or "").lower()).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def statement_object(rules, m: re.Match, sentence: str, carried: str = "") -> str:
    """The phrase a statement's status belongs to, from the match `m` of its verb: up to where it ends
    (`object_end`), but a list of names whole ("comparisons with True, False and None"), and in the
    setting the sentence opens with ("Currently in graph mode, ..." -> "... in graph mode"), else the
    one `carried` from an earlier sentence of the answer."""
    named = rules.named_list.match(m.string[m.start("x"):])
    x = named.group(0) if named else rules.object_end.sub("", m.group("x"))
    if one := rules.such_as_one.fullmatch(x.strip()):      # "models such as MASS": the MASS model
        x = f"{one.group('name')} {one.group('kind')[:-1]}"
    obj = rules.unled(rules.tidy(x))
    c = opening_setting(rules, sentence) or carried
    if obj and c.lower() in rules.contexts and c.lower() not in obj.lower():
        obj += f" in {c}"
    return obj


def qualified(rules, label: str, m: re.Match, sentence: str) -> str:
    """A subject checked as a phrase, with the condition its statement names ("If <C>, X is not
    supported" -> "X when C") and the topic its sentence opens with ("For the syntax is or is not, ...
    only supports comparisons with ..." -> "comparisons with ... for syntax is or is not")."""
    if "c" in m.groupdict():
        label = f"{label} when {rules.tidy(m.group('c'))}"
    t = topic_of(rules, sentence)
    return f"{label} for {t}" if t and t.lower() not in label.lower() else label


def topic_of(rules, sentence: str) -> str:
    """The topic a sentence opens with ("For the syntax is or is not, ..."), or ""."""
    m = rules.for_topic.match(sentence.strip())
    return m.group("t").strip() if m and not rules.topic_not.match(m.group("t")) else ""


def other_claims(maker, entry: Entry, claims: list[Claim], seen: set[str]) -> list[Claim]:
    """"Other types, such as strings, are not supported." after a claim naming a list ("comparisons
    with True, False and None"): the same head with the others, unsupported."""
    if lang_key(entry.lang) == "zh":
        return []
    out = []
    for s in maker.sentences(entry.answer or ""):
        m = maker.rules.others_not.match(maker.rules.unled(s.text))
        before = [c for c in claims if c.evidence is not None and c.evidence.end <= s.start and c.status == "supported"]
        head = re.match(r"^(?P<h>.+?\b(?:with|of))\s+(?P<rest>.+)$", before[-1].subject) if m and before else None
        if not head:
            continue
        topic = re.search(r"\s+for\s+.+$", head.group("rest"))
        label = f"{head.group('h')} other {m.group('n')}" + (f" such as {m.group('e').strip()}" if m.group("e") else "")
        label += topic.group(0) if topic else ""
        if normalise(label) not in seen:
            seen.add(normalise(label))
            out.append(maker._claim(entry, label, None, before[-1].broader_iri, before[-1].product, None,
                                    "unsupported", Evidence(s.start, s.end, s.text)))
    return out


def opening_setting(rules, sentence: str) -> str:
    """The setting of `contexts` a sentence opens with ("Currently in graph mode, ..."), or ""."""
    m = rules.opening_setting.match(sentence.strip())
    return m.group("c") if m and m.group("c").lower() in rules.contexts else ""


def enumerated_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str]) -> list[Claim]:
    """"MindSpore supports A, B and C": a claim per item, in the sentence that states the status."""
    lead = ex.evidence.get("status")
    if lead is None or ex.status not in CLAIM_STATUSES or lang_key(entry.lang) == "zh":
        return []
    return listed_claims(maker, entry, ex, product, seen, lead, ex.status)


def listed_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str], sentence: Evidence,
                  status: str) -> list[Claim]:
    """The items a sentence lists as supported ("... include A, B and C"), each a claim."""
    lead = sentence
    m = maker.rules.enumeration.search(lead.text)
    if not m:
        return []
    if maker.rules.named_list.match(m.group("x")):
        return []       # "the construction of Cell and Primitive object": one subject naming two things
    listed = maker.rules.item_end.sub("", m.group("x"))
    setting = maker.rules.list_setting.search(lead.text[:m.start()])
    items = list_items(listed)
    out = []
    for item in items:
        for p in maker.rules.item_strip:
            item = p.sub("", item).strip()
        item = maker.rules.tidy(item)
        if VERBISH.search(item) or _NEGATION.search(item) or item.lower().split(" ")[0] in PRONOUNS:
            return []       # a clause, not a list of capabilities
        if not item or len(item.split()) > 6 or maker._is_hardware(item) or normalise(item) in seen:
            continue
        named = maker._named(item)
        if named is None or (" " not in item and not named[1] and not item[:1].islower()):
            continue        # one word: a vocabulary label or a plain word, not a constant (ERROR, None)
        label, iri, _ = named
        broader = None if iri else maker._broader(ex, label)
        if setting:     # "... in the inference stage include quantization": quantization in inference
            label, iri, broader = f"{label} in {setting.group('c')}", None, iri or broader
        out.append(maker._claim(entry, label, iri, broader, product, None, status, lead))
    seen.update(normalise(c.subject) for c in out) if len(out) >= 2 else None
    return out if len(out) >= 2 else []


def statement_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str]) -> list[Claim]:
    """Statement sentences of the answer: "<P> does not support X", "X is not supported", each a
    claim about X with the sentence's status (sentences naming hardware are left to the hardware
    claims; code, greetings and off-subject sentences carry none)."""
    if lang_key(entry.lang) == "zh":
        return []
    out = []
    answer = entry.answer or ""
    lead = ex.evidence.get("status") if not ex.hardware and ex.status in CLAIM_STATUSES else None
    if not _STATEMENT_VERB.search(answer):
        return []
    hw_at = [a for a, _, _ in maker.hardware_in(answer)]
    carried = ""        # the setting an earlier sentence opened with ("In graph mode, ...")
    for s in maker.sentences(answer):
        if s.greeting or not s.clauses:
            continue
        carried = opening_setting(maker.rules, s.text) or carried
        in_sentence = [a - s.start for a in hw_at if s.start <= a < s.end]
        status = maker.x._sentence_status(s, False)
        if lead is not None and s.start == lead.start:
            # the main claim's own sentence: its subject is the question's, unless each of its
            # coordinated parts says what its status is about (kg.extract.claims puts them in its place)
            if status in CLAIM_STATUSES and len(parts := _parts(maker, s, status)) > 1:
                said = [_stated(maker, entry, ex, product, set(seen), s, text, [a - at for a in in_sentence], own, "")
                        for text, at, own in parts]
                if all(said):
                    out += [c for part in said for c in part]
                    seen.update(normalise(c.subject) for c in out)
            continue
        if status not in CLAIM_STATUSES:
            continue
        verb = maker.rules.enumeration.search(s.text)
        own = verb and not in_sentence and (maker.rules.statement_subject.search(s.text[:verb.start()])
                                            or re.search(r"\bsupported\b", s.text[:verb.start()]))
        listed = listed_claims(maker, entry, ex, product, seen, Evidence(s.start, s.end, s.text), status) if own else []
        if listed:
            out += listed
            continue
        for text, at, own in _parts(maker, s, status):
            out += _stated(maker, entry, ex, product, seen, s, text, [a - at for a in in_sentence], own, carried)
    return out


def _parts(maker, s, status: str) -> list[tuple[str, int, str]]:
    """A sentence's coordinated statements, each with its offset in the sentence and its own status
    ("Bert_NEZHA is available and models such as MASS are under development"), else the sentence whole."""
    cut = [m.start() for m in maker.rules.coordinated.finditer(s.text)]
    if not cut:
        return [(s.text, 0, status)]
    out = []
    for a, b in zip([0] + cut, cut + [len(s.text)]):
        own = span_status(s, a, b)
        if own not in CLAIM_STATUSES:
            return [(s.text, 0, status)]
        part = s.text[a:b]
        lead = re.match(r"[\s,，]*(?:and\s+)?", part).end()
        out.append((part[lead:].rstrip(), a + lead, own))
    return out


def _examples(rules, obj: str) -> list[str]:
    """"bindings for languages like C++、Rust、Julia": one subject per example ("C++ bindings", ...)."""
    m = rules.such_as_list.match(obj)
    return [f"{item} {m.group('head')}" for item in list_items(m.group("list"))] if m else []


def _stated(maker, entry, ex, product, seen, s, text: str, in_sentence: list[int], status: str,
            carried: str) -> list[Claim]:
    """The statements of one sentence (or one of its coordinated parts, `text`), each a claim."""
    out = []
    for k, p in enumerate(maker.rules.statement):   # each pattern may state one subject
        # the first match whose object names no hardware (that is the hardware claims' part)
        m = next((m for m in p.finditer(text)
                  if not any(m.start("x") <= a < m.end("x") for a in in_sentence)), None)
        if not m or (k == 1 and not maker.rules.statement_subject.search(text[:m.start()])):
            continue    # a positive statement counts only when a product is its subject
        obj = statement_object(maker.rules, m, text, carried)
        if (not obj or len(obj.split()) > 7 or obj.lower() in PRONOUNS or VERBISH.search(obj)
                or normalise(obj) in seen or maker.generic(obj)):
            continue
        for each in _examples(maker.rules, m.group("x").strip()) or [obj]:
            named = maker._named(each)
            if named is None:
                continue
            label, iri, _ = named
            if (said := qualified(maker.rules, label, m, text)) != label:
                label, iri = said, None
            seen.add(normalise(label))
            out.append(maker._claim(entry, label, iri, None if iri else maker._broader(ex, label), product,
                                   None, status, Evidence(s.start, s.end, s.text)))
    return out


def offer_claims(maker, entry: Entry, ex: Extraction, product, seen: set[str]) -> list[Claim]:
    """"You can try out MindSpore through Docker images": trying MindSpore through Docker images is
    supported (what users can do with a product through something, not the steps of a how-to);
    "you cannot obtain X at breakpoints": obtaining X at breakpoints is unsupported; "operators used in
    the two modes are the same" (the two the question names): the same operators in both, supported."""
    if lang_key(entry.lang) == "zh":
        return []
    out = []
    setting = None      # the mode a sentence opening "In Graph mode, ..." sets for the next ones
    before = []
    modes = [n for n in maker.rules.context_names if n.split()[0].lower() in (entry.question or "").lower().split()]
    for s in maker.sentences(entry.answer or ""):
        said = opening_setting(maker.rules, s.text)
        if len(modes) == 2 and (same := maker.rules.same_in_modes.search(s.text)):    # "operators used in the two
            label = f"same {same.group('x').lower()} in {modes[0]} and {modes[1]}"    # modes are the same"
            if normalise(label) not in seen:
                seen.add(normalise(label))
                out.append(maker._claim(entry, label, None, None, product, None, "supported",
                                        Evidence(s.start, s.end, s.text)))
        cannot = maker.rules.cannot.search(s.text.replace("`", ""))
        if cannot and maker.x._sentence_status(s, False) == "unsupported":
            label = f"{gerund(cannot.group('v').lower())} {maker.rules.tidy(cannot.group('x'))}"
            if setting and setting.lower() not in label.lower():
                label += f" in {setting}"
            if not maker.generic(cannot.group("x")) and normalise(label) not in seen:
                seen.add(normalise(label))
                out.append(maker._claim(entry, label, None, None, product, None, "unsupported",
                                        Evidence(s.start, s.end, s.text)))
                out += _contrast(maker, entry, product, seen, before, cannot.group("x"), setting, modes)
            continue
        before.append(s)
        setting = said or setting
        m = maker.rules.offer.search(s.text)
        if not m or maker.x._sentence_status(s, False) != "supported":
            continue
        if not maker.x.vocab.find_label(m.group("p"), "products"):
            continue    # the verb's object must be a product ("use MindSpore in ModelArts")
        x = maker.rules.offer_end.sub("", m.group("x")).strip()
        if not x or len(x.split()) > 5 or maker._is_hardware(x) or maker.generic(x):
            continue
        label = f"{gerund(m.group('v').lower())} {m.group('p')} {m.group('prep')} {x}"
        if normalise(label) in seen:
            continue
        seen.add(normalise(label))
        # "... through Docker images on laptops or in environments with GPUs": also on each hardware named
        hws = dict.fromkeys(hw for _, _, hw in maker.hardware_in(s.text[m.start("x"):]))
        out += [maker._claim(entry, label, None, None, product, hw, "supported", Evidence(s.start, s.end, s.text))
                for hw in [None, *hws]]
    return out


def lack_claims(maker, entry: Entry, product) -> list[Claim]:
    """"Compared with PyTorch, the nn.Embedding layer lacks the padding operation. Can ...?": the
    question states that the padding operation of nn.Embedding is unsupported."""
    if lang_key(entry.lang) == "zh":
        return []
    m = maker.rules.lacks.search(entry.question or "")
    if not m or maker.generic(m.group("y")):
        return []
    label = f"{maker.rules.tidy(m.group('y'))} of {m.group('who')}"
    return [maker._claim(entry, label, None, None, product, None, "unsupported", None)]

def restated(out: list[Claim], narrower: list[Claim], any_hardware: bool = False) -> list[Claim]:
    """`out` with `narrower` claims (a limit, a compound object; statements: also without hardware)
    in place of the asked subject's claims from the same sentence: it says them of narrower things."""
    stated = {(c.hardware, c.evidence.start) for c in narrower if c.evidence is not None}
    return [c for c in out if not ((c.hardware or any_hardware) and c.asked and c.evidence is not None
                                   and (c.hardware, c.evidence.start) in stated)] + narrower


def split_claims(maker, entry: Entry, claims: list[Claim]) -> list[Claim]:
    """A hardware's claim from "<hardware> supports A and B, but does not support C": one claim per
    thing on that hardware (A, B supported; C unsupported) in place of the mixed one; an asked claim
    whose sentence names its subject's A beside a B of the same kind states it of B too."""
    out = []
    for c in claims:
        out += _siblings(maker, c)
        if not c.hardware and c.status == "partial" and c.evidence is not None and (sides := _sides(maker, c)):
            out += sides        # "X supports only A and does not support B": X in A, X in B
            continue
        m = maker.rules.but_not.match(c.evidence.text.strip()) if c.hardware and c.evidence else None
        if not m or c.hardware not in {hw for _, _, hw in maker.hardware_in(m.group("who"))}:
            out.append(c)
            continue
        said = [(a, "supported") for a in list_items(m.group("a"))]
        for text, status in said + [(m.group("b"), "unsupported")]:
            named = maker._named(maker.rules.tidy(text))
            if named:
                out.append(replace(c, subject=named[0], concept=named[1], broader=c.broader if not named[1] else None,
                                   broader_iri=c.broader_iri if not named[1] else None, status=status, asked=False))
    return out


def _siblings(maker, c: Claim) -> list[Claim]:
    """"Can MindSpore read a TensorFlow checkpoint?" - "... MindSpore cannot read the TensorFlow or
    Pytorch checkpoints": the asked claim about TensorFlow's, and the same about Pytorch's."""
    if not c.asked or c.concept or c.evidence is None:
        return []
    out = []
    for m in maker.rules.sibling.finditer(c.evidence.text):
        a, b = m.group("a"), m.group("b")
        if re.search(rf"\b{re.escape(a)}\b", c.subject) and not re.search(rf"\b{re.escape(b)}\b", c.subject):
            out.append(replace(c, subject=re.sub(rf"\b{re.escape(a)}\b", b, c.subject), label_zh=None, asked=False))
    return out


def _sides(maker, c: Claim) -> list[Claim]:
    m = maker.rules.only_not.match(c.evidence.text.strip())
    if not m:
        return []
    who = maker.rules.tidy(m.group("who"))
    product = maker.x.vocab.find_label(who, "products") is not None
    out = []
    for side, status in (("a", "supported"), ("b", "unsupported")):
        thing = re.sub(r"^(\w+ing)\s+of\s+", r"\1 ", maker.rules.tidy(m.group(side)))    # "the importing of X"
        named = maker._named(thing) if product else (f"{who} in {thing}", None, None)
        if named is None or maker.generic(thing):
            return []
        out.append(replace(c, subject=named[0], concept=named[1], status=status, asked=False,
                           broader=c.broader if not named[1] else None,
                           broader_iri=c.broader_iri if not named[1] else None))
    return out


def partial_claims(maker, entry: Entry, product, seen: set[str]) -> list[Claim]:
    """"Tensor with bool data type has weak support", "JIT Fallback conditionally supports ...": a
    partial claim about what the sentence says is supported only in part."""
    if lang_key(entry.lang) == "zh":
        return []
    out = []
    for s in maker.sentences(entry.answer or ""):
        m = next((m for p in maker.rules.partly if (m := p.match(s.text.strip()))), None)
        aside = re.sub(r"\s*(?:\[[^\]]*\]|\([^)]*\))", "", m.group("x")) if m else ""    # "Tensor [... Tensor(bool)]"
        x = maker.rules.unled(maker.rules.tidy(aside)) if m else ""
        if not x or x.lower() in PRONOUNS or VERBISH.search(x) or maker.generic(x) or normalise(x) in seen:
            continue
        named = maker._named(x)
        if named:
            seen.add(normalise(named[0]))
            out.append(maker._claim(entry, named[0], named[1], None, product, None, "partial",
                                    Evidence(s.start, s.end, s.text)))
    return out


def _contrast(maker, entry: Entry, product, seen: set[str], before, cannot_x: str, setting,
              modes: list[str]) -> list[Claim]:
    """An earlier sentence saying users can do much the same thing in another setting ("in PyNative
    mode, you can ... view the output ... of the corresponding operator at any breakpoint"): that
    thing, supported in that setting (the one the sentence names, else the other one the question
    names: "What is the difference between the PyNative and Graph modes?")."""
    words = {w.rstrip("s") for w in normalise(cannot_x).split() if len(w) > 3}
    for s in before:
        # the other setting the sentence names, else the one the question (`modes`) contrasts it with
        other = [c for c in maker.rules.context_names if c.lower() in s.text.lower()
                 and c.lower() != (setting or "").lower()] or [c for c in modes if c.lower() != (setting or "").lower()]
        m = maker.rules.can_contrast.search(s.text.replace("`", ""))
        if not other or not m or len(words & {w.rstrip("s") for w in normalise(m.group("x")).split()}) < 3:
            continue
        x = maker.rules.tidy(re.sub(r"\s/\S+", "", " " + m.group("x")).strip())
        label = f"{gerund(m.group('v').lower())} {x} in {other[0]}"
        if normalise(label) not in seen:
            seen.add(normalise(label))
            return [maker._claim(entry, label, None, None, product, None, "supported",
                                 Evidence(s.start, s.end, s.text))]
    return []
