"""Plain records passed between the pipeline stages (parse -> extract -> build)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# the languages of the corpus (an entry's `lang`, label languages, the `lang` parameters): the one list
LANGUAGES = ("en", "zh")


def lang_key(lang: str | None) -> str:
    """The corpus language a `lang` value (an entry's, a parameter's) names: "zh" for zh, zh_cn, ...; else "en"."""
    return "zh" if (lang or "").startswith("zh") else "en"


@dataclass
class Entry:
    """One FAQ question/answer entry with its provenance."""
    source: str                 # path relative to --root, POSIX, no "./"
    n: int                      # 1-based order in its file
    line: int                   # first line of the question (1-based)
    end_line: int               # last line of the entry (1-based, inclusive)
    lang: str                   # "zh" | "en"
    release: str | None         # "r1.2", "r2.3.1", "master", or None
    component: str              # "MindSpore", "MindSpore Lite", ...
    topic: str | None           # nearest section heading above the entry
    question: str               # plain text
    answer: str                 # plain text
    answer_markdown: str        # the answer's Markdown source
    urls: list[str] = field(default_factory=list)
    view_source: str | None = None   # the page's upstream "view source" URL
    upstream: str | None = None      # view_source + "#L<line>"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Evidence:
    """The sentence of the answer (character offsets into Entry.answer) behind a fact."""
    start: int
    end: int
    text: str


@dataclass
class Claim:
    """A fact of an entry (shared/gold/CLAIMS.md): the status that belongs to `subject`."""
    subject: str                              # English label
    hardware: str | None                      # hardware key (Ascend910, GPU, ...) or None
    status: str                               # supported|unsupported|partial|planned
    concept: str | None = None                # vocabulary feature IRI when the subject is one
    broader: str | None = None                # English label of the feature a narrower subject is part of
    broader_iri: str | None = None            # ... that feature's IRI
    label_zh: str | None = None               # the subject as the Chinese text names it, when known
    asked: bool = False                       # the subject is what the question asks about
    product: str | None = None
    condition: str | None = None
    evidence: Evidence | None = None          # the sentence stating it (offsets into Entry.answer)
    line: int | None = None                   # its source line

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("subject", "broader", "product", "hardware", "status", "condition")}
        d["concept"] = self.concept
        d["evidence"] = ({"start": self.evidence.start, "end": self.evidence.end, "line": self.line,
                          "text": self.evidence.text} if self.evidence else None)
        return d


@dataclass
class Extraction:
    """What the extraction adds to an entry (keys of shared/gold/GUIDELINES.md)."""
    status: str                               # supported|unsupported|partial|planned|n/a
    hardware: dict[str, str] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)        # English labels
    feature_iris: list[str] = field(default_factory=list)    # vocabulary concepts found
    candidates: list[str] = field(default_factory=list)      # derived, not in vocabulary
    products: list[str] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)  # "status" / hardware name -> evidence
    claims: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
