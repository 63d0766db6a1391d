"""Cue lexicons and question frames (data in `ontology/lexicon/*.json`) and the text logic
that applies them: an answer cut into sentences and clauses (kg.extract.clauses) with the cues
each holds, the frame of a question and a candidate feature derived from it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from kg import config
from kg.errors import InputError
from kg.extract.candidates import candidate_label, clean_text
from kg.extract.clauses import CLAUSE_END, RANK, SENT_END, Clause, Cue, Sentence, merge_colon_objects
from kg.extract.memo import Memo
from kg.model import lang_key

CUES_FILE = config.LEXICON_DIR / "status_cues.json"
FRAMES_FILE = config.LEXICON_DIR / "question_frames.json"
YES_NO_FRAMES = ("capability", "plan", "status", "limits", "must", "scope")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("lexicon file not found", path=str(path)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path=str(path), line=e.lineno) from None


def _compile(pattern: str, path: Path, where: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise InputError(f"bad regular expression in {where}: {e}", path=str(path)) from None


class Lexicon:
    """The compiled cue lexicon and question frames of both languages."""

    def __init__(self, cues_path: Path = CUES_FILE, frames_path: Path = FRAMES_FILE):
        data = _read_json(Path(cues_path))
        frames = _read_json(Path(frames_path))
        self.neutral, self.related, self.greeting, self.cues = {}, {}, {}, {}
        self.third_party, self.own_subject, self.table_marks = {}, {}, {}
        self.no_claim, self.cause, self.continuation = {}, {}, {}
        self.not_hardware, self.hardware_prefix, self.subject_stop, self.subject_anaphora = {}, {}, {}, {}
        self.subject_contrast, self.subject_stop_cjk, self.problem_words, self.subject_topic = {}, {}, {}, {}
        for lang in ("zh", "en"):
            d = data.get(lang)
            if not d:
                raise InputError(f"no {lang!r} section", path=str(cues_path))
            self.neutral[lang] = _compile("|".join(f"(?:{p})" for p in d.get("neutral", [])) or "(?!)",
                                          cues_path, f"{lang}.neutral")
            self.related[lang] = _compile("|".join(f"(?:{p})" for p in d.get("related", [])) or "(?!)",
                                          cues_path, f"{lang}.related")
            self.third_party[lang] = _compile("|".join(f"(?:{p})" for p in d.get("third_party", [])) or "(?!)",
                                              cues_path, f"{lang}.third_party")
            self.own_subject[lang] = _compile(d.get("own_subject") or "(?!)", cues_path, f"{lang}.own_subject")
            self.table_marks[lang] = {st: _compile(f"(?:{p})", cues_path, f"{lang}.table_marks.{st}")
                                      for st, p in d.get("table_marks", {}).items() if st in RANK}
            self.greeting[lang] = _compile(d.get("greeting") or "(?!)", cues_path, f"{lang}.greeting")
            self.no_claim[lang] = _compile(d.get("no_claim") or "(?!)", cues_path, f"{lang}.no_claim")
            self.cause[lang] = _compile(d.get("cause") or "(?!)", cues_path, f"{lang}.cause")
            self.continuation[lang] = _compile(d.get("continuation") or "(?!)", cues_path, f"{lang}.continuation")
            cues = []
            for i, c in enumerate(d.get("cues", [])):
                if c.get("status") not in RANK:
                    raise InputError(f"{lang}.cues[{i}]: unknown status {c.get('status')!r}", path=str(cues_path))
                cues.append((_compile(c["pattern"], cues_path, f"{lang}.cues[{i}]"), c["status"],
                             c.get("scope", "status"), bool(c.get("strong")), c.get("object"),
                             c.get("hardware", True), bool(c.get("usage")), bool(c.get("modal"))))
            self.cues[lang] = cues
            self.not_hardware[lang] = _compile("|".join(f"(?:{p})" for p in d.get("not_hardware", [])) or "(?!)",
                                               cues_path, f"{lang}.not_hardware")
            self.hardware_prefix[lang] = _compile(d.get("hardware_prefix") or "(?!)", cues_path,
                                                  f"{lang}.hardware_prefix")
            sub = d.get("subject", {})
            self.subject_stop[lang] = {w.lower() for w in sub.get("stopwords", [])}
            cjk = sorted((w for w in self.subject_stop[lang] if _CJK_RUN.fullmatch(w)), key=len, reverse=True)
            self.subject_stop_cjk[lang] = re.compile("|".join(map(re.escape, cjk))) if cjk else None
            self.problem_words[lang] = {w.lower() for w in sub.get("problem_words", [])}
            self.subject_topic[lang] = _compile(sub.get("topic") or "(?!)", cues_path, f"{lang}.subject.topic")
            self.subject_contrast[lang] = _compile(sub.get("contrast") or "(?!)", cues_path, f"{lang}.subject.contrast")
            self.subject_anaphora[lang] = _compile("|".join(f"(?:{p})" for p in sub.get("anaphora", [])) or "(?!)",
                                                   cues_path, f"{lang}.subject.anaphora")
        self.order = frames["order"]
        self.mask = {lang: [_compile(p, frames_path, f"mask.{lang}") for p in pats]
                     for lang, pats in frames.get("mask", {}).items()}
        self.frames = {lang: {name: [_compile(p, frames_path, f"{lang}.{name}") for p in pats]
                              for name, pats in frames[lang].items()} for lang in ("zh", "en")}
        self.candidate = {lang: [_compile(p, frames_path, f"candidate.{lang}") for p in pats]
                          for lang, pats in frames["candidate"].items()}
        self.restricted = {lang: [_compile(p, frames_path, f"restricted.{lang}") for p in pats]
                           for lang, pats in frames.get("restricted", {}).items()}
        self.candidate_reject = {lang: [_compile(p, frames_path, f"candidate_reject.{lang}") for p in pats]
                                 for lang, pats in frames.get("candidate_reject", {}).items()}
        self.candidate_strip = {lang: [_compile(p, frames_path, f"candidate_strip.{lang}") for p in pats]
                                for lang, pats in frames["candidate_strip"].items()}
        self._remember = Memo().get     # what the text logic worked out, by its input

    # --- questions ---------------------------------------------------------------

    def frame(self, question: str, lang: str) -> str:
        """The question's frame: capability, plan, status, limits, howto, why, what or other."""
        lang = lang_key(lang)
        return self._remember(("frame", question, lang), lambda: self._frame(question, lang))

    def _frame(self, question: str, lang: str) -> str:
        q = question.strip()
        for p in self.mask.get(lang, []):
            q = p.sub(" ", q)
        frames = self.frames[lang]
        blocked = any(p.search(q) for p in frames.get("not_capability", []))
        for name in self.order:
            if name == "not_capability" or (blocked and name == "capability"):
                continue
            if any(p.search(q) for p in frames.get(name, [])):
                return name
        return "other"

    def masked(self, question: str, lang: str) -> str:
        """The question without its quoted messages (the frames' `mask` patterns)."""
        for p in self.mask.get(lang_key(lang), []):
            question = p.sub(" ", question)
        return question

    def states_negation(self, question: str, lang: str) -> bool:
        """Does the question itself say, outside quoted messages, that something is not supported
        ("the new package does not support X? How do I do X?")?"""
        lang = lang_key(lang)
        return any(c.strong and c.scope == "status" and c.status == "unsupported"
                   for s in self.sentences(self.masked(question, lang), lang) for cl in s.clauses for c in cl.cues)

    def is_restricted(self, question: str, lang: str) -> bool:
        """Does the question ask about a restriction ("只能在X上跑么", "only on X")?"""
        return any(p.search(question) for p in self.restricted.get(lang_key(lang), []))

    def candidate_of(self, question: str, lang: str) -> str | None:
        """A feature candidate from the question's frame ("是否支持X" -> X), or None."""
        lang = lang_key(lang)
        if self.frame(question, lang) not in ("capability", "plan", "status"):
            return None
        for p in self.mask.get(lang, []):
            question = p.sub(" ", question)
        for p in self.candidate.get(lang, []):
            m = p.search(question)
            if not m:
                continue
            x = m.group("x").strip()
            for _ in range(3):
                for s in self.candidate_strip.get(lang, []):
                    x = s.sub("", x).strip()
            x = clean_text(x)    # kg.extract.candidates: also drops the tail of an aside ("（计划）支持X")
            for _ in range(2):
                for s in self.candidate_strip.get(lang, []):
                    x = s.sub("", x).strip()
            if any(r.search(x) for r in self.candidate_reject.get(lang, [])):
                continue
            if 1 < len(x) <= 60:
                return candidate_label(x)
        return None

    # --- answers -----------------------------------------------------------------

    def sentences(self, text: str, lang: str, lead: int | None = None,
                  keep: Callable[[int, int], bool] | None = None,
                  code: Callable[[int, int], bool] | None = None) -> list[Sentence]:
        """Sentences of `text` (offsets index `text`). Clauses and cues are worked out for every
        sentence, or, when `lead` is given, only for the first `lead` sentences that are no
        greeting and for those where `keep(start, end)` is true (the others keep no clauses).
        Sentences inside code (`code(start, end)` true) carry no claim, like greetings."""
        lang = lang_key(lang)
        out = []
        ranked = 0
        for s, e, no_claim in self._remember(("cut", text, lang), lambda: self._cut(text, lang)):
            greeting = bool(code and code(s, e)) or no_claim
            if lead is None or (not greeting and ranked < lead) or (keep and keep(s, e)):
                out.append(self._sentence(text, s, e, lang))
            else:
                out.append(Sentence(s, e, text[s:e], [], greeting))
            ranked += not greeting
        return out

    def _cut(self, text: str, lang: str) -> tuple[tuple[int, int, bool], ...]:
        """(start, end, no claim) of each sentence of `text`."""
        out = []
        pos = 0
        for m in list(SENT_END[lang].finditer(text)) + [None]:
            end = m.end() if m else len(text)
            seg_end = m.start() + len(m.group(0).rstrip()) if m else len(text)
            raw = text[pos:seg_end]
            s, e = pos + len(raw) - len(raw.lstrip()), seg_end
            pos = end
            if e > s:
                out.append((s, e, self._no_claim(text[s:e], lang)))
        return tuple(out)

    def sentence_at(self, text: str, start: int, end: int, lang: str) -> Sentence:
        """The sentence text[start:end] with its clauses and cues worked out."""
        return self._sentence(text, start, end, lang_key(lang))

    def _sentence(self, text: str, start: int, end: int, lang: str) -> Sentence:
        """The sentence text[start:end] worked out (once per sentence text and offset: it depends
        on nothing else), as a copy its caller may change (kg.extract.extractor drops cues)."""
        sent = text[start:end]
        done = self._remember(("sentence", sent, start, lang), lambda: self._work_out(text, start, end, lang))
        return Sentence(**{**vars(done), "clauses": [Clause(**{**vars(cl), "cues": list(cl.cues)})
                                                     for cl in done.clauses]})

    def _work_out(self, text: str, start: int, end: int, lang: str) -> Sentence:
        sent = text[start:end]
        masked = self.neutral[lang].sub(lambda m: "\x00" * len(m.group(0)), sent)
        bounds = [0] + [m.end() for m in CLAUSE_END[lang].finditer(sent)] + [len(sent)]
        clauses = []
        for a, b in zip(bounds, bounds[1:]):
            if b > a:
                clauses.append(Clause(start + a, start + b, [], bool(self.related[lang].search(sent[a:b]))))
        for rx, status, scope, strong, obj, hw, usage, modal in self.cues[lang]:
            for m in rx.finditer(masked):
                if m.end() == m.start() or "\x00" in m.group(0):
                    continue
                cue = Cue(start + m.start(), start + m.end(), status, scope, strong, obj, hw, usage, modal)
                for cl in clauses:
                    if cl.start <= cue.start < cl.end:
                        cl.cues.append(cue)
                        break
        for cl in clauses:
            # a cue inside a longer one of its scope is part of it ("support" in "will support")
            cl.cues.sort(key=lambda c: (c.start, -(c.end - c.start)))
            kept: list[Cue] = []
            for c in cl.cues:
                if not any(k.start <= c.start and c.end <= k.end and k.scope == c.scope for k in kept):
                    kept.append(c)
            cl.cues = kept
            if kept:
                subject = sent[cl.start - start:kept[0].start - start]
                cl.foreign = bool(self.related[lang].search(subject) or self.third_party[lang].search(subject)) \
                    and not self.own_subject[lang].search(subject)
        clauses = merge_colon_objects(clauses, text)
        if clauses and clauses[0].related:
            for cl in clauses:      # the sentence's subject is a related one ("ModelZoo提供..., 同时包括...")
                cl.related = True
        return Sentence(start, end, sent, clauses, self._no_claim(sent, lang))

    def _no_claim(self, sentence: str, lang: str) -> bool:
        """A greeting or thanks alone, or a line with no prose of the answer's language (code in a
        Chinese answer): never the main claim."""
        s = sentence.strip()
        return bool(self.greeting[lang].match(s) or self.no_claim[lang].fullmatch(s))

    def table_status(self, markdown: str, lang: str) -> str | None:
        """The status the HTML tables of an answer state by support marks in their cells (a cell
        line "Mode A: supported", "多进程：不支持", "✓"): partial when both kinds are found, else
        the one found; None when the answer has no cell that is only a mark."""
        found = set()
        for cell in _TABLE_CELL.findall(markdown):
            for part in _CELL_BREAK.split(cell):
                value = re.split(r"[:：]", _TAG.sub("", part))[-1].strip()
                for st, rx in self.table_marks[lang_key(lang)].items():
                    if value and rx.fullmatch(value):
                        found.add(st)
                        break
        if len(found) > 1:
            return "partial"
        return found.pop() if found else None

    def join_continuations(self, sentences: list[Sentence], answer: str, lang: str) -> list[Sentence]:
        """`sentences` with each one opening with a continuation ("However, ...", "If ...", the
        `continuation` pattern) joined to the claim of the sentence before it: what one sentence of
        an answer says with a comma its translation often splits in two. Sentences without
        worked-out clauses are left apart."""
        out: list[Sentence] = []
        for s in sentences:
            prev = out[-1] if out else None
            if prev is not None and prev.clauses and s.clauses and not (prev.greeting or s.greeting) \
                    and self.continues_sentence(s.text, lang):
                out[-1] = Sentence(prev.start, s.end, answer[prev.start:s.end], prev.clauses + s.clauses)
            else:
                out.append(s)
        return out

    def continues_sentence(self, sentence: str, lang: str) -> bool:
        """Does the sentence open with a continuation of the one before it (lexicon `continuation`)?"""
        return bool(self.continuation[lang_key(lang)].match(sentence))

    def is_cause(self, clause_text: str, lang: str) -> bool:
        """Does the clause give a cause (\"由于X平台存在限制\", \"because the Ascend platform cannot\")? A
        hardware named in a cause explains a problem; it is no statement of support."""
        return bool(self.cause[lang_key(lang)].match(clause_text.strip()))


    # --- subjects ----------------------------------------------------------------

    def terms(self, text: str, lang: str) -> set[str]:
        """Content terms of `text` for subject matching: lower-cased ASCII words (a plural `s`
        dropped) and, in Chinese, CJK character bigrams; stopwords (cue words, names of the
        product, question words) left out."""
        lang = lang_key(lang)
        return set(self._remember(("terms", text, lang), lambda: self._terms(text, lang)))

    def _terms(self, text: str, lang: str) -> frozenset[str]:
        stop = self.subject_stop[lang]
        out = {w[:-1] if len(w) > 3 and w.endswith("s") else w
               for w in (m.lower() for m in _WORD.findall(text)) if len(w) > 2 and w not in stop}
        out = {w for w in out if w not in stop}
        if lang == "zh":
            # stopwords are cut out of a run before it is split into bigrams ("硬件使用" leaves nothing)
            cut = self.subject_stop_cjk[lang]
            for run in _CJK_RUN.findall(cut.sub(" ", text) if cut else text):
                out.update(b for b in (run[i:i + 2] for i in range(len(run) - 1)) if b not in stop)
        return frozenset(out)

    def is_topic(self, clause_text: str, lang: str) -> bool:
        """Is a clause a topic that the rest of its sentence is about ("开启X，", "When X is on,")?
        It is short and holds no verb of its own beyond the topic's (lexicon `subject.topic`)."""
        return bool(self.subject_topic[lang_key(lang)].fullmatch(clause_text.strip()))

    def continues_subject(self, clause_text: str, lang: str) -> bool:
        """Does the clause open with a contrast ("但是不支持Y", "but not Y") that keeps the subject
        of the clause before it?"""
        return bool(self.subject_contrast[lang_key(lang)].match(clause_text))

    def on_subject(self, clause_text: str, question_terms: set[str], lang: str) -> bool:
        """Is a clause about the question's subject? It is when it shares a content term with the
        question, or names no subject of its own (`暂不支持。`, "Sorry, this function is not
        available yet" refer back to the question)."""
        text = self.subject_anaphora[lang_key(lang)].sub(" ", clause_text)
        own = self.terms(text, lang)
        return not own or bool(own & question_terms)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_TABLE_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S | re.I)
_CELL_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=2)
def load_lexicon(cues_path: str = str(CUES_FILE), frames_path: str = str(FRAMES_FILE)) -> Lexicon:
    return Lexicon(Path(cues_path), Path(frames_path))
