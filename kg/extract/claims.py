"""Entry + Extraction -> claims (shared/gold/CLAIMS.md): the facts an entry states, each a
subject with the status that belongs to it, per hardware, with the sentence that says it.

- The **subject** is what the question asks about, as specific as it says it: the question
  frame's object ("Does MindSpore Serving support hot update to avoid ...?" -> "hot update"),
  a how-to's verb phrase as a gerund ("How do I change X?" -> "changing X") when the answer
  states a status, else the feature the question names, else the object of the answer's
  statement ("... does not provide anti-pooling APIs"). A subject that is a vocabulary label
  is that concept; a narrower one has the entry's feature as `broader`.
- **Hardware**: one claim per hardware the extraction gave a status (never spread over all
  hardware); with none, one claim without hardware carrying the entry's status. Hardware
  listed in a sentence whose subject is a product ("MindSpore supports Ascend, GPU and CPU")
  is a claim about the product itself.
- **Enumerations**: a statement listing capabilities ("... supports A, B and C") adds one
  claim per item with that sentence's status, when the items name no hardware.
- Chinese entries: subjects are English; kg.extract.twins gives a zh entry and its English twin the same claims.
Rules are data: `ontology/lexicon/claim_subjects.json` (compiled by kg.extract.claim_rules).
"""
from __future__ import annotations

import re

from kg.extract.asked import asked_hardware, hardware_said, only_elsewhere, only_for
from kg.extract.automatic import automatic_claims
from kg.extract.candidates import candidate_label
from kg.extract.changes import ChangeRules, change_claims
from kg.extract.claim_rules import CLAIM_STATUSES, ClaimRules, gerund, load_rules
from kg.extract.clauses import CJK, OBJECT_STOP
from kg.extract.compounds import CompoundRules, compound_claims
from kg.extract.enables import enabled_claims
from kg.extract.evidence import evidence_line
from kg.extract.lexicon import YES_NO_FRAMES
from kg.extract.limits import LimitRules, limit_claims, restriction_claims
from kg.extract.lists import ListRules, colon_list_claims
from kg.extract.messages import MessageRules, message_claims
from kg.extract.packages import PackageRules, package_claims
from kg.extract.passive import passive_claims
from kg.extract.platforms import PlatformRules, architecture_claims, platform_claims
from kg.extract.requirements import RequirementRules, requirement_claims
from kg.extract.settings import setting_claims
from kg.extract.statements import (
    PRONOUNS,
    VERBISH,
    enumerated_claims,
    lack_claims,
    normalise,
    offer_claims,
    other_claims,
    partial_claims,
    qualified,
    restated,
    split_claims,
    statement_claims,
    statement_object,
)
from kg.model import Claim, Entry, Evidence, Extraction, lang_key

_HOWTO = re.compile(r"^\s*how\s+(?:do|can|could|should|to)\s+(?:i|we|you|users?)?\s*(?P<v>[a-z]+)\s+(?P<x>[^?]+)",
                    re.IGNORECASE)
_CAN_VERB = re.compile(r"^\s*(?:can|could)\s+(?:i|we|you|users?|mindspore)\s+(?P<v>[a-z]+)\b", re.IGNORECASE)
_ON_HARDWARE = re.compile(r"^(?P<y>.+?)\s+(?:on|in|with|using|for|to)\s+(?:the\s+|an?\s+)?$", re.IGNORECASE)
_HW_SUPPORTS = re.compile(r"\s+(?:only\s+)?supports\s+(?P<y>[^,.;:()]{3,60})", re.IGNORECASE)
_SCOPE_OPENING = re.compile(r"^\s*in\s+(?:which|what)\s+(?:scenarios?|cases?|situations?)\s+(?=(?:do|does)\s)",
                            re.IGNORECASE)
_RESTRICTION = re.compile(r"\bonly\b|\bnot\b|n't\b|仅|只|不", re.IGNORECASE)
_MODAL_END = re.compile(r"\b(?:will|can|could|would|may|to|also|shall)$", re.IGNORECASE)


class ClaimMaker:
    """Claims of one entry from its extraction; built once per Extractor."""

    def __init__(self, extractor, rules: ClaimRules | None = None):
        self.x = extractor
        self.rules = rules or load_rules()
        self.limit_rules = LimitRules(self.rules.data["limits"])
        self.compound_rules = CompoundRules(self.rules.data["compound"])
        self.package_rules = PackageRules(self.rules.data["packages"])
        self.list_rules = ListRules(self.rules.data["colon_list"])
        self.requirement_rules = RequirementRules(self.rules.data["requirements"])
        self.platform_rules = PlatformRules(self.rules.data["platforms"])
        self.message_rules = MessageRules(self.rules.data["messages"])
        self.change_rules = ChangeRules(self.rules.data["changes"])
        self._read: tuple[str | None, list] = (None, [])     # the last text `sentences` cut
        self._product_names: list | None = None

    def sentences(self, text: str | None) -> list:
        """The sentences of an English `text` with their clauses and cues, cut once for all the
        claim rules of an entry (they only read them)."""
        if self._read[0] != (text or ""):
            self._read = (text or "", self.x.lexicon.sentences(text or "", "en"))
        return self._read[1]

    def claims(self, entry: Entry, ex: Extraction) -> list[Claim]:
        subject, concept = self.subject(entry, ex)
        product = ex.products[0] if ex.products else (entry.component or None)
        broader = None if concept or not subject else self._broader(ex, subject)
        out: list[Claim] = []
        # no subject asked: a hardware's claim is about what its sentence names ("Ascend 310 supports the OM")
        objects = {} if subject else {hw: o for hw, st in ex.hardware.items() if st in CLAIM_STATUSES
                                      and (o := self._hardware_object(ex.evidence.get(hw)))}
        facts = [(hw, st) for hw, st in ex.hardware.items() if st in CLAIM_STATUSES and (subject or hw in objects)]
        if subject and not facts and ex.status in CLAIM_STATUSES:
            facts = [(asked_hardware(self, entry, subject), self._own_status(ex, subject))]
        lead = ex.evidence.get("status")
        lead_said = (lead is not None and subject is not None and any(st != ex.status for _, st in facts)
                     and (self._lead_object(ex) or ("",))[0] == subject)
        for hw, st in facts:
            ev = ex.evidence.get(hw or "status") or ex.evidence.get("status")
            subj, conc, brd = subject, concept, broader
            own = (self._hardware_subject(ev, hw) if subject else objects[hw]) if hw else None
            if lead_said and not own and st != ex.status and ev is not lead:
                continue    # the lead sentence's object has the lead's status, not another sentence's
            only = only_for(self, ev) if hw and not own else None
            if only:        # "Ascend 310 can only be used for inference": inference on it is supported
                own, st = only, "supported"
                other = self._named(self.rules.complements.get(only[0].lower(), ""))
                if other:   # ... and training on it is not
                    out.append(self._claim(entry, *other[:2], None, product, hw, "unsupported", ev))
            if own:
                subj, conc, brd = own
            out.append(self._claim(entry, subj, conc, brd, product, hw, st, ev, asked=not own))
            if hw and not own and ev is not None and self.rules.both[lang_key(entry.lang)].search(ev.text):
                # "the two modes are supported on ..." : said of each feature the question names
                for iri in self._asked_features(entry):
                    c = self.x.concepts[iri]
                    out.append(self._claim(entry, c.label, iri, None, product, hw, st, ev, asked=True))
        if lacks := lack_claims(self, entry, product):
            out = [c for c in out if not c.asked] + lacks     # the question says what is missing
        if subject:
            out += only_elsewhere(self, entry, ex, (subject, concept, broader), product)
        out = restated(out, limit_claims(self, entry, ex, product))
        out = restated(out, compound_claims(self, entry, ex, product, {(c.subject.lower(), c.hardware) for c in out}))
        out += platform_claims(self, entry, product, {(c.subject.lower(), c.hardware) for c in out})
        out += enumerated_claims(self, entry, ex, product, {normalise(c.subject) for c in out})
        out = restated(out, statement_claims(self, entry, ex, product, {normalise(c.subject) for c in out}), True)
        out += offer_claims(self, entry, ex, product, {normalise(c.subject) for c in out})
        out += passive_claims(self, entry, product, out)      # "X cannot be V-ed ..."
        out += partial_claims(self, entry, product, {normalise(c.subject) for c in out})
        out += enabled_claims(self, entry, product, {normalise(c.subject) for c in out})
        out += other_claims(self, entry, out, {normalise(c.subject) for c in out})
        restricted = restriction_claims(self, entry, ex, product, seen := {normalise(c.subject) for c in out},
                                        said := set())
        restricted += requirement_claims(self, entry, ex, product, seen)
        said |= {c.evidence.start for c in restricted}      # a restriction's claims stand for its sentence's
        out = [c for c in out if c.evidence is None or c.evidence.start not in said] + restricted
        if self._about_an_error(entry):     # how things work, told to explain an error or a how-to: no claims
            out = [c for c in out if c.hardware or c.status != "supported" or _restricts(c.evidence)]
        out += colon_list_claims(self, entry, product, {normalise(c.subject) for c in out})
        out += change_claims(self, entry, product, {normalise(c.subject) for c in out})    # a release's change
        out += automatic_claims(self, entry, product, {normalise(c.subject) for c in out})
        out = setting_claims(self, entry, architecture_claims(self, entry, out, product))
        out = out or message_claims(self, entry, product)      # the quoted error says what fails
        return unique_claims(package_claims(self, entry, split_claims(self, entry, out)))

    def _product_in(self, ev: Evidence | None) -> str | None:
        """The most specific product the evidence sentence names ("MindSpore Lite supports ..."), or None."""
        if ev is None:
            return None
        if self._product_names is None:     # (pattern, label), the longest names first
            names = {lab: c.label for c in self.x.vocab.scheme("products") for lab in c.labels("en")}
            self._product_names = [(re.compile(rf"(?<![\w-]){re.escape(lab)}(?![\w-])", re.IGNORECASE), label)
                                   for lab, label in sorted(names.items(), key=lambda kv: -len(kv[0]))]
        found = next((label for pat, label in self._product_names if pat.search(ev.text)), None)
        return self.rules.part_of.get(found, found) if found else None

    def _about_an_error(self, entry: Entry) -> bool:
        q = entry.question or ""
        frame = self.x.lexicon.frame(q, lang_key(entry.lang))
        return frame not in YES_NO_FRAMES and (frame == "howto" or self.rules.error_question.search(q) is not None)

    def _own_status(self, ex: Extraction, subject: str) -> str:
        """The status of the subject the lead sentence restricts to ("the construct function only
        supports the construction of Cell and Primitive objects"): that subject works (supported);
        the entry's partial status is said of what it is restricted within."""
        lead = ex.evidence.get("status")
        if ex.status == "partial" and lead is not None and self.rules.only_supports.search(lead.text):
            obj = self._lead_object(ex)
            if obj and normalise(obj[0]) == normalise(subject):
                return "supported"
        return ex.status

    # --- subjects ------------------------------------------------------------------

    def subject(self, entry: Entry, ex: Extraction) -> tuple[str | None, str | None]:
        """(English subject, vocabulary concept IRI when the subject is a feature as a whole)."""
        lex, vocab = self.x.lexicon, self.x.vocab
        question = entry.question or ""
        lang = lang_key(entry.lang)
        if lang == "zh" and (used := self.rules.used_on(question, vocab, self._is_hardware)):
            return used, None       # "在ModelArts中能使用MindSpore吗？"
        if lang == "en" and (together := self.rules.together.match(question)):
            return f"using {self.rules.tidy(together.group('x'))} together", None    # "Can A and B be used together?"
        if lang == "en":
            question = _SCOPE_OPENING.sub("", question)     # "In which scenarios do A and B support Y?": Y with A and B
            cand = lex.candidate_of(question, "en")
            if cand:
                v = _CAN_VERB.match(question)
                if v and cand.lower().startswith(v.group("v").lower() + " "):
                    cand = gerund(v.group("v")) + cand[len(v.group("v")):]
                cand = self.rules.tidy(cand)
                if (c := self.rules.carrier.match(question)) and not vocab.find_label(c.group("c"), "products") \
                        and c.group("c").lower() not in cand.lower() and not self._is_hardware(c.group("c")):
                    cand = f"{cand} with {c.group('c')}"     # "Does GeneratorDataset support X?": X with it
            if not cand and ex.status == "supported":   # "Must X be V-ed when Z?" answered with another way
                cand = self.rules.must(question, lambda t: vocab.find_label(t, "products") is not None)
            if not cand:
                cand = self.rules.passive(question, lambda t: vocab.find_label(t, "products") is not None)
            if not cand and (ex.status in CLAIM_STATUSES or hardware_said(self, ex)):
                m = _HOWTO.match(question)
                if m and m.group("v").lower() not in ("i", "we", "you"):     # "if I do not use X": without X
                    x = self.rules.not_using.sub(r" without \g<x>", m.group("x"))
                    cand = self.rules.tidy(gerund(m.group("v")) + " " + x)
            if cand and " " in cand and len(cand) <= 100:
                c = vocab.find_label(cand, "features")
                return self._stated(ex, (_specific(cand, c.label), c.iri) if c else (cand, None))
            # not a yes/no question: the statement the answer makes says what the status is about
            # ("does not support the yield syntax in graph mode"), not the feature the question names
            if lex.frame(question, "en") not in YES_NO_FRAMES and (obj := self._lead_object(ex)):
                return obj
        if lex.frame(question, lang) not in YES_NO_FRAMES and not ex.hardware:
            return None, None       # a why/how-to answer's status is not said of the feature the question names
        if ex.feature_iris:
            if in_setting := self._in_setting(ex):
                return in_setting
            iri = ex.feature_iris[0]
            return self._stated(ex, (self.x.concepts[iri].label, iri))
        if lang == "en" and (obj := self._lead_object(ex)):
            return obj
        if ex.candidates:
            return ex.candidates[0], None
        return None, None

    def _stated(self, ex: Extraction, asked: tuple[str, str | None]) -> tuple[str, str | None]:
        """The asked subject, unless the lead sentence says something else is supported ("MindSpore provides
        a pluggable interface ..."), "similar X" (the asked feature's X: "similar Pipeline APIs will be
        provided") or, of a feature, what the product cannot do ("cannot directly read framework models")."""
        lead = ex.evidence.get("status") if ex.status == "unsupported" and asked[1] else None
        m = self.rules.product_cannot.search(lead.text) if lead else None
        if m and self.rules.statement_subject.search(lead.text[:m.start()]):     # the product cannot do it
            return f"{m.group('d') or ''}{gerund(m.group('v'))} {self.rules.tidy(m.group('x'))}", None
        obj = self._lead_object(ex) if ex.status in ("supported", "planned") else None
        if obj and asked[1] and (similar := re.match(r"similar\s+(?=\S)", obj[0], re.IGNORECASE)):
            return f"{asked[0]} {obj[0][similar.end():]}", None
        return obj if obj and ex.status == "supported" and not _overlap(obj[0], asked[0]) else asked

    def _in_setting(self, ex: Extraction) -> tuple[str, None] | None:
        """Two features named, one a setting (`contexts`: "PyNative mode"): the other one in it."""
        labels = [self.x.concepts[iri].label for iri in ex.feature_iris[:2]]
        settings = [lb for lb in labels if lb.lower() in self.rules.contexts]
        if len(labels) != 2 or len(settings) != 1:
            return None
        other = next(lb for lb in labels if lb not in settings)
        return f"{other} in {settings[0]}", None

    def _lead_object(self, ex: Extraction) -> tuple[str, str | None] | None:
        """What the main claim's sentence states the status of ("... does not provide X" -> X)."""
        lead = ex.evidence.get("status")
        if lead is None:
            return None
        m = next((m for p in self.rules.statement if (m := p.search(lead.text))), None)
        if not m:
            return None
        obj = statement_object(self.rules, m, lead.text)
        if (not obj or self._is_hardware(obj) or len(obj) > 80 or obj.lower() in PRONOUNS
                or VERBISH.search(obj) or self.generic(obj)):
            return None
        named = self._named(obj)
        if named and (said := qualified(self.rules, named[0], m, lead.text)) != named[0]:
            return said, None
        return named[:2] if named else None

    def _asked_features(self, entry: Entry) -> list[str]:
        return list(dict.fromkeys(iri for _, _, iri in self.x.mentions(entry.question or "", lang_key(entry.lang))
                                  if self.x.concepts[iri].scheme == "features"))

    def _broader(self, ex: Extraction, subject: str) -> str | None:
        """The IRI of the entry's feature the subject opens with, else its first one other than the subject."""
        others = [iri for iri in ex.feature_iris if normalise(self.x.concepts[iri].label) != normalise(subject)]
        heads = [iri for iri in others if normalise(subject).startswith(normalise(self.x.concepts[iri].label) + " ")]
        return (heads or others or [None])[0]     # the one the subject opens with ("transfer learning in ...")

    def _hardware_subject(self, ev: Evidence | None, hw: str) -> tuple[str, str | None, None] | None:
        """The subject a hardware's own sentence gives it: "<X> (only) supports/runs on <hardware>" gives X
        ("MindSpore supports Ascend, GPU and CPU"; "the cropper tool only supports CPU libraries");
        "<X> supports <Y> on <hardware>" gives Y ("supports training on Ascend 910"); "<X> will support
        <hardware>-based <Y>" gives that phrase."""
        if ev is None:
            return None
        text = ev.text
        if CJK.search(text):
            m = self.rules.subject_verb_zh.match(text.strip())
            at = m.end() + len(text) - len(text.lstrip()) if m else -1
            x = m.group("x").strip() if m else ""
            if any(a == at for a, _, _ in self.hardware_in(text, "zh")) and (
                    self.x.vocab.find_label(x, "products") or self.x.vocab.find_label(x, "features")):
                return self._named(x)
        hw_at = [(a, b) for a, b, _ in self.hardware_in(text)]
        for m in self.rules.subject_verb.finditer(text):
            rest = text[m.end():]
            obj = OBJECT_STOP.split(rest, 1)[0]
            obj = self.rules.object_end.sub("", obj).strip()
            lead = re.match(r"(?:the\s+|an?\s+|huawei(?:'s)?\s+(?:own\s+)?)*", obj, re.IGNORECASE).end()
            first = next(((a, b) for a, b in hw_at if a == m.end() + lead), None)
            if first is None:
                inside = [a for a, _ in hw_at if m.end() < a <= m.end() + len(obj)]
                if not inside:
                    continue
                between = _ON_HARDWARE.match(text[m.end():inside[0]])
                if not between:
                    return None     # "supports Huawei's own Ascend": the hardware itself is the object
                y = self.rules.tidy(between.group("y"))
                return self._named(y) if y and len(y.split()) <= 6 else None
            np = self.rules.tidy(self.rules.unled(text[:m.start()]))
            if np and _MODAL_END.search(np):
                tail = obj[first[1] - m.end():].strip()
                return self._named(obj) if tail and not tail.startswith(("and", ",", "/")) else None
            if not np or len(np.split()) > 6 or np.lower() in PRONOUNS or self._is_hardware(np):
                return None
            return self._named(np)
        return None

    def _hardware_object(self, ev: Evidence | None) -> tuple[str, str | None, None] | None:
        """"Ascend 310 supports the offline model (OM)" (the hardware opens the sentence; the question
        gives no subject): the offline model."""
        text = self.rules.unled(ev.text.strip()) if ev is not None and not CJK.search(ev.text) else ""
        first = next(iter(self.hardware_in(text)), None)
        m = _HW_SUPPORTS.match(text[first[1]:]) if first and first[0] == 0 else None
        if not m or self._is_hardware(m.group("y")):
            return None
        y = self.rules.tidy(m.group("y"))
        return self._named(y) if y and len(y.split()) <= 5 else None

    def _named(self, text: str) -> tuple[str, str | None, None] | None:
        """A subject text as (label, concept, None): a product or a feature of the vocabulary when
        one is named so, else the text (a narrower subject)."""
        text = text.strip()
        if not text or self.generic(text):
            return None
        c = self.x.vocab.find_label(text, "products")
        if c:
            return c.label, c.iri, None
        c = self.x.vocab.find_label(text, "features")
        return (_specific(text, c.label), c.iri, None) if c else (candidate_label(text), None, None)

    def generic(self, text: str) -> bool:
        """Names nothing: generic words only ("APIs or operators") or a quantity ("at most one operator")."""
        if self.rules.not_subject.search(text.strip()):
            return True
        words = [w for w in re.split(r"[\s,/]+|\b(?:and|or)\b", text.lower()) if w.strip()]
        return all(self.rules.generic.fullmatch(w.strip()) for w in words)

    def hardware_in(self, text: str, lang: str = "en") -> list[tuple[int, int, str]]:
        """The hardware `text` names: (start, end, key) per mention."""
        return [(a, b, self.x.concepts[iri].key) for a, b, iri in self.x.mentions(text, lang)
                if self.x.concepts[iri].scheme == "hardware"]

    def _is_hardware(self, text: str) -> bool:
        return bool(self.hardware_in(text))

    def _claim(self, entry, subject, concept, broader, product, hw, status, ev, asked=False) -> Claim:
        label = self.x.concepts[broader].label if broader else None
        product = self._product_in(ev) or self.rules.part_of.get(product, product)
        return Claim(subject=subject, concept=concept, broader=label, broader_iri=broader, product=product,
                     asked=asked, hardware=hw,
                     status=status, condition=None, evidence=ev,
                     line=evidence_line(entry, ev) if ev is not None else entry.line)


def _restricts(ev: Evidence | None) -> bool:
    """The sentence limits what it says is supported ("... only supports the construction of Cell and
    Primitive objects"): the supported part is a claim even in an answer about an error."""
    return ev is not None and _RESTRICTION.search(ev.text) is not None


def _specific(text: str, label: str) -> str:
    """The subject's label for a text naming a vocabulary feature: the feature's label, or the text
    when it says more ("operator-level model parallelism" for the feature "model parallelism")."""
    return text if len(text.split()) > len(label.split()) else label


def _overlap(a: str, b: str) -> bool:
    """One names the other: all the content words of one are in the other."""
    wa, wb = set(normalise(a).split()), set(normalise(b).split())
    return wa <= wb or wb <= wa


def unique_claims(claims: list[Claim]) -> list[Claim]:
    seen, out = set(), []
    for c in claims:
        key = (normalise(c.subject), c.hardware, c.status)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
