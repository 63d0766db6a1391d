"""The claim rules as data (`ontology/lexicon/claim_subjects.json`), compiled once, and the
small English helpers kg.extract.claims applies with them."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from kg import config

RULES_FILE = config.LEXICON_DIR / "claim_subjects.json"
CLAIM_STATUSES = ("supported", "unsupported", "partial", "planned")   # the statuses a claim may have
_VOWELS = "aeiou"
_STRESSED_END = ("rol", "pel", "cur")   # a stressed last syllable doubles its consonant: control -> controlling
# a preposition whose object tidy() removed (a hardware: "by using the GPU via Hub")
_PREPS = r"(?:by|on|in|with|using|via)"
_PREP_LEFT = re.compile(rf"\b{_PREPS}\s+(?={_PREPS}\b)|^{_PREPS}$", re.IGNORECASE)


class ClaimRules:
    def __init__(self, path: Path = RULES_FILE):
        whole = json.loads(Path(path).read_text(encoding="utf-8"))
        self.data = whole   # the sections other rule sets compile (kg.extract.limits, kg.extract.compounds)
        data = whole["en"]
        flags = re.IGNORECASE
        self.context_names = list(whole.get("contexts", []))     # as written ("PyNative mode"), in order
        self.contexts = {c.lower() for c in self.context_names}
        self.both = {lang: re.compile(p, flags) for lang, p in whole["both"].items()}
        self.only = {lang: re.compile(p, flags) for lang, p in whole.get("only", {}).items()}
        self.complements = {k.lower(): v for k, v in whole.get("complements", {}).items()}
        self.part_of = dict(whole.get("part_of", {}))
        self.for_topic = re.compile(whole["limits"]["for_topic"], flags)    # kg.extract.statements.topic_of
        self.topic_not = re.compile(data["topic_not"], flags)
        self.others_not = re.compile(data["others_not"], flags)
        self.only_not = re.compile(data["only_not"], flags)
        self.trim = [re.compile(p, flags) for p in data["trim"]]
        self.dangling = re.compile(data["dangling"], flags)
        self.lead = {w.lower() for w in data["lead"]}
        self.subject_verb = re.compile(data["subject_verb"], flags)
        self.subject_verb_zh = re.compile(whole["zh"]["subject_verb"], flags)
        self.used_on_zh = re.compile(whole["zh"]["used_on"], flags)
        self.statement = [re.compile(p, flags) for p in data["statement"]]
        self.statement_subject = re.compile(data["statement_subject"], flags)
        self.generic = re.compile("|".join(f"(?:{p})" for p in data["generic"]), flags)
        self.not_subject = re.compile(data["not_subject"], flags)
        self.object_end = re.compile(data["object_end"], flags)
        self.enumeration = re.compile(data["enumeration"], flags)
        self.item_end = re.compile(data["item_end"], flags)
        self.item_strip = [re.compile(p, flags) for p in data["item_strip"]]
        self.list_setting = re.compile(data["list_setting"], flags)
        self.lacks = re.compile(data["lacks"])          # the name keeps its capitals
        self.cannot = re.compile(data["cannot"], flags)
        self.can_contrast = re.compile(data["can_contrast"], flags)
        self.same_in_modes = re.compile(data["same_in_modes"], flags)
        self.only_supports = re.compile(data["only_supports"], flags)
        self.together = re.compile(data["together"], flags)
        self.partly = [re.compile(p, flags) for p in data["partly"]]
        self.but_not = re.compile(data["but_not"], flags)
        self.named_list = re.compile(data["named_list"])     # the names keep their capitals
        self.opening_setting = re.compile(data["opening_setting"], flags)
        self.coordinated = re.compile(data["coordinated"], flags)
        self.not_using = re.compile(data["not_using"], flags)
        self.setting_opening = {lang: re.compile(p, flags) for lang, p in whole["setting_opening"].items()}
        self.hardware_passive = re.compile(data["hardware_passive"], flags)
        leads = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in data["sentence_lead"])
        self.sentence_lead = re.compile(rf"^(?:(?:{leads})[,\s]+)+", flags)
        self.such_as_one = re.compile(data["such_as_one"])     # the name keeps its capitals
        self.such_as_list = re.compile(data["such_as_list"])   # the names keep their capitals
        self.sibling = re.compile(data["sibling"])      # the names keep their capitals
        self.automatic = re.compile(data["automatic"], flags)
        self.product_cannot = re.compile(data["product_cannot"], flags)
        self.lets_users = re.compile(data["lets_users"], flags)
        self.passive_cannot = re.compile(data["passive_cannot"], flags)
        self.passive_rest_end = re.compile(data["passive_rest_end"], flags)
        self.offer = re.compile(data["offer"])          # the product keeps its capital letter
        self.offer_end = re.compile(data["offer_end"], flags)
        self.passive_question = re.compile(data["passive_question"], flags)
        self.must_question = re.compile(data["must_question"], flags)
        self.used_for = re.compile(data["used_for"])    # the product keeps its capitals
        self.passive_used_to = re.compile(data["passive_used_to"], flags)
        self.counted_question = re.compile(data["counted_question"], flags)
        self.error_question = re.compile(data["error_question"], flags)
        self.carrier = re.compile(data["carrier"])      # the API's name keeps its capitals
        self.participles = {k.lower(): v for k, v in data["participles"].items()}

    def passive(self, question: str, is_product) -> str | None:
        """What a passive yes/no question asks about doing ("Can the X file be directly converted
        into a Y model?" -> "converting the X file into a Y model"; "Can MindSpore be used to
        customize Z?" -> "customizing Z"; "How many X are supported by P?" -> "X"; a condition opening
        the question is not read: "If ..., can the syntax of A be used ...?"), or None."""
        if counted := self.counted_question.match(question or ""):    # "How many X are supported by P?": X
            return self.tidy(counted.group("x"))
        m = next((m for q in re.split(r"(?<=\?)\s*", question or "")
                  if (m := self.passive_question.match(_IF_OPENING.sub("", q)))), None)
        if not m:
            return None
        x, rest = m.group("x").strip(), " ".join(m.group("rest").split())
        product = is_product(x)
        doing = self.participle_gerund(m.group("v"))
        if both := re.match(r"and\s+([a-z]+ed)\b\s*", rest):   # "be loaded and transferred on ..."
            doing, rest = f"{doing} and {self.participle_gerund(both.group(1))}", rest[both.end():]
        rest = _PREP_LEFT.sub("", self.tidy(rest)) if rest else rest     # "by using the GPU via Hub" -> "via Hub"
        if doing == "using" and product and (u := self.passive_used_to.match(rest)):
            return self.tidy(gerund(u.group("v")) + rest[u.end():])    # "be used to V Y": V-ing Y
        if m.group("adv"):      # "be directly converted": what is unsupported may be done another way
            doing = f"{m.group('adv').lower()} {doing}"
        if product:
            return self.tidy(f"{doing} {rest}") if rest else None
        return self.tidy(f"{doing} {x} {rest}")

    def must(self, question: str, is_product) -> str | None:
        """"Must data be converted into MindRecords when MindSpore is used for segmentation training?"
        asks whether one can do without it: "segmentation training without converting data into MindRecords"."""
        m = self.must_question.match(question or "")
        if not m:
            return None
        z = m.group("z").strip()
        if (u := self.used_for.match(z)) and is_product(u.group("p")):     # "MindSpore is used for Z": Z
            z = z[u.end():]
        doing = self.participle_gerund(m.group("v"))
        return self.tidy(f"{z} without {doing} {m.group('x').strip()} {' '.join(m.group('rest').split())}")

    def used_on(self, question: str, vocab, is_hardware) -> str | None:
        """"在ModelArts中能使用MindSpore吗？" -> "using MindSpore on ModelArts", or None."""
        m = self.used_on_zh.search(question or "")
        if not m or not vocab.find_label(m.group("x").strip(), "products") or is_hardware(m.group("place").strip()):
            return None
        return f"using {m.group('x').strip()} on {m.group('place').strip()}"

    def participle_gerund(self, word: str) -> str:
        w = word.lower()
        if w in self.participles:
            return self.participles[w]
        if w.endswith("ied"):
            return w[:-3] + "ying"
        return w[:-2] + "ing" if w.endswith("ed") else w

    def unled(self, text: str) -> str:
        """A sentence (or subject) without the words it opens with ("Currently, ", "Note that ")."""
        return self.sentence_lead.sub("", text.strip())

    def tidy(self, text: str) -> str:
        """A subject without trailing purpose/comparison/hardware phrases and leading articles."""
        x = " ".join((text or "").split())
        for _ in range(2):
            for p in self.trim:
                cut = p.sub("", x).strip()
                x = x if cut != x and self.dangling.search(cut) else cut
            words = x.split(" ")
            while len(words) > 1 and words[0].lower() in self.lead:
                words.pop(0)
            x = " ".join(words)
        return x.strip(" ,.;:?")


# "If MindSpore and PyTorch are installed in an environment, can the syntax ... be used together ...?"
_IF_OPENING = re.compile(r"^\s*if\s+[^,?]{3,100},\s*", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_rules(path: str = str(RULES_FILE)) -> ClaimRules:
    return ClaimRules(Path(path))


def uncapitalised(text: str) -> str:
    """A phrase that opened a sentence, as a claim's subject: without the capital only the sentence
    gave it ("Model definition code" -> "model ..."; "MindSpore", "GNNCell" keep theirs)."""
    return text[:1].lower() + text[1:] if re.match(r"[A-Z][a-z]+\b", text) else text


def gerund(verb: str) -> str:
    v = verb.lower()
    if v.endswith("ing"):
        return v
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    if (len(v) <= 4 and len(v) >= 3 and v[-1] not in _VOWELS + "wxy" and v[-2] in _VOWELS
            and v[-3] not in _VOWELS) or v.endswith(_STRESSED_END):
        return v + v[-1] + "ing"
    return v + "ing"
