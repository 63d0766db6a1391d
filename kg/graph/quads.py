"""Entries + extractions -> RDF quads, exactly in the shape of ontology/MODEL.md.

Terms are pyoxigraph terms (fast to make, loaded into the store as they are);
`kg.graph.pipeline` turns them into rdflib graphs for serialisation and validation.
Every IRI of the data comes from `kg.terms.iris.mint_iri`; the ontology's terms from
`kg.terms.namespaces.KG`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pyoxigraph as ox

from kg.errors import InputError
from kg.extract.candidates import candidate_key, preferred_labels
from kg.extract.pipeline import Links
from kg.model import LANGUAGES, Entry, Extraction
from kg.parse.identity import normalise_question, page_key
from kg.terms.iris import mint_iri
from kg.terms.namespaces import KG
from kg.terms.ontology import known_concepts, release_orders
from kg.terms.prefixes import PREFIXES
from kg.terms.vocabulary import SUBJECTS_FILE, load_vocabulary


def _ns(prefix: str):
    base = PREFIXES[prefix]
    return lambda local: ox.NamedNode(base + local)


_kg, _schema, _skos = _ns("kg"), _ns("schema"), _ns("skos")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
XSD_ANYURI = ox.NamedNode(PREFIXES["xsd"] + "anyURI")
XSD_STRING = ox.NamedNode(PREFIXES["xsd"] + "string")
DCT_SOURCE = ox.NamedNode(PREFIXES["dcterms"] + "source")
PROV_DERIVED = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
K = {name: ox.NamedNode(str(KG[name])) for name in (
    "SupportStatement", "CandidateFeature", "component", "pagePath", "question", "answerMarkdown",
    "topic", "release", "position", "startLine", "endLine", "upstream", "docUrl", "docUrlCount",
    "status", "aboutFeature", "aboutProduct", "translation", "feature", "hardware", "evidence",
    "evidenceStart", "evidenceEnd", "evidenceLine", "Claim", "Subject", "product", "condition", "subject",
    "limitationOf")}
S = {name: _schema(name) for name in (
    "FAQPage", "Question", "Answer", "name", "text", "inLanguage", "isPartOf", "acceptedAnswer")}
SKOS = {name: _skos(name) for name in ("Concept", "ConceptScheme", "inScheme", "prefLabel", "altLabel", "broader")}

@dataclass
class Built:
    """The quads of a build and what it minted (for tests, stats and translation pairing)."""
    quads: list[ox.Quad] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)        # answer IRI per input entry
    questions: list[str] = field(default_factory=list)      # question IRI per input entry
    translations: list[tuple[int, int]] = field(default_factory=list)  # (zh index, en index)

    def __len__(self) -> int:
        return len(self.quads)


def _check(entry: Entry, ex: Extraction) -> None:
    """InputError unless the entry's language and the extraction's statuses and hardware are
    the corpus languages and closed lists of ontology/vocabulary.ttl."""
    statuses = tuple(known_concepts("status").values())
    hardware_known = tuple(known_concepts("hardware").values())

    def bad(msg: str) -> InputError:
        return InputError(msg, path=entry.source, line=entry.line)
    if entry.lang not in LANGUAGES:
        raise bad(f"unknown language {entry.lang!r} (known: {', '.join(LANGUAGES)})")
    if ex.status not in statuses:
        raise bad(f"unknown status {ex.status!r} (known: {', '.join(statuses)})")
    for hw, st in ex.hardware.items():
        if hw not in hardware_known:
            raise bad(f"unknown hardware {hw!r} (known: {', '.join(hardware_known)})")
        if st not in statuses:
            raise bad(f"unknown status {st!r} for hardware {hw}")


def _named(iri: str, entry: Entry) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise InputError(f"not a valid IRI {iri!r}: {e}", path=entry.source, line=entry.line) from e


def build_quads(pairs: Sequence[tuple[Entry, Extraction]], links: Links, *,
                titles: Mapping[str, str] | None = None, base: str | None = None) -> Built:
    """The RDF of `pairs` (entry, its extraction) as default-graph quads, deterministic:
    the same input gives the same IRIs and the same set of quads. `links` are the
    translation pairs and candidate features of the entries (kg.extract.pipeline.link_entries);
    `titles` maps an entry's source to its page title (schema:name of the page, from its
    latest release)."""
    out = Built()
    q = out.quads
    add = lambda s, p, o: q.append(ox.Quad(s, p, o))  # noqa: E731
    pages: dict[str, tuple] = {}        # page IRI -> (release order key, entry) of its latest entry
    questions: dict[str, tuple] = {}    # question IRI -> (release order key, entry)
    seen_answers: dict[str, int] = {}
    release_rank = release_orders()
    subjects: dict[str, dict] = {}      # minted subject IRI -> {"en": label, "zh": label, "broader": IRI}
    for entry, ex in pairs:
        _check(entry, ex)
    out.translations = list(links.translations)
    candidates = links.candidates
    for k, (entry, ex) in enumerate(pairs):
        key = page_key(entry)
        qtext = normalise_question(entry.question)
        page = mint_iri("page", key, base=base)
        question = mint_iri("question", key, qtext, base=base)
        answer_key = (key, qtext, entry.release or "")
        answer = mint_iri("answer", *answer_key, base=base)
        if answer in seen_answers:  # the same question twice on one page and release
            seen_answers[answer] += 1
            answer = mint_iri("answer", *answer_key, str(seen_answers[answer]), base=base)
        seen_answers.setdefault(answer, 1)
        out.answers.append(answer)
        out.questions.append(question)
        rank = (release_rank.get(entry.release or "", -1), entry.source, entry.n)
        if page not in pages or rank > pages[page][0]:
            pages[page] = (rank, entry)
        if question not in questions or rank > questions[question][0]:
            questions[question] = (rank, entry)

        a = ox.NamedNode(answer)
        lang = entry.lang
        add(a, RDF_TYPE, S["Answer"])
        add(a, S["text"], ox.Literal(entry.answer, language=lang))
        add(a, S["inLanguage"], ox.Literal(lang))
        add(a, K["answerMarkdown"], ox.Literal(entry.answer_markdown))
        add(a, K["question"], ox.NamedNode(question))
        add(ox.NamedNode(question), S["acceptedAnswer"], a)
        if entry.release:
            add(a, K["release"], ox.NamedNode(mint_iri("release", entry.release, base=base)))
        if entry.topic:
            add(a, K["topic"], ox.Literal(entry.topic, language=lang))
        add(a, K["component"], ox.NamedNode(mint_iri("product", entry.component, base=base)))
        add(a, DCT_SOURCE, ox.Literal(entry.source))
        add(a, K["position"], ox.Literal(entry.n))
        add(a, K["startLine"], ox.Literal(entry.line))
        add(a, K["endLine"], ox.Literal(entry.end_line))
        if entry.upstream:
            add(a, K["upstream"], _named(entry.upstream, entry))
        urls = list(dict.fromkeys(entry.urls))
        for url in urls:
            add(a, K["docUrl"], ox.Literal(url, datatype=XSD_ANYURI))
        add(a, K["docUrlCount"], ox.Literal(len(urls)))
        add(a, K["status"], ox.NamedNode(mint_iri("status", ex.status, base=base)))
        features = list(dict.fromkeys(ex.feature_iris))
        for key in candidates.keys[k]:
            iri = mint_iri("candidate", key, base=base)
            if iri not in features:
                features.append(iri)
        for f in features:
            add(a, K["aboutFeature"], ox.NamedNode(f))
        for p in dict.fromkeys(ex.products):
            add(a, K["aboutProduct"], ox.NamedNode(mint_iri("product", p, base=base)))
        _add_claims(add, a, entry, ex, base, subjects, candidates.keys[k])

    for page, (_, entry) in pages.items():
        p = ox.NamedNode(page)
        add(p, RDF_TYPE, S["FAQPage"])
        add(p, S["inLanguage"], ox.Literal(entry.lang))
        add(p, K["pagePath"], ox.Literal(page_key(entry)))
        add(p, K["component"], ox.NamedNode(mint_iri("product", entry.component, base=base)))
        title = (titles or {}).get(entry.source)
        if title:
            add(p, S["name"], ox.Literal(title, language=entry.lang))
    for question, (_, entry) in questions.items():
        qn = ox.NamedNode(question)
        add(qn, RDF_TYPE, S["Question"])
        add(qn, S["name"], ox.Literal(entry.question, language=entry.lang))
        add(qn, S["inLanguage"], ox.Literal(entry.lang))
        add(qn, S["isPartOf"], ox.NamedNode(mint_iri("page", page_key(entry), base=base)))
    _add_candidates(add, candidates.texts, base)
    _add_subjects(add, subjects, base)
    for i, j in out.translations:
        zh, en = ox.NamedNode(out.answers[i]), ox.NamedNode(out.answers[j])
        add(zh, K["translation"], en)
        add(en, K["translation"], zh)
    return out


def _add_claims(add, a: ox.NamedNode, entry: Entry, ex: Extraction, base: str | None,
                subjects: dict[str, dict], candidate_keys) -> None:
    """One kg:Claim (a kg:SupportStatement) per claim of the entry (kg.extract.claims): its subject
    (kg:feature: the vocabulary feature or product; the entry's candidate feature when the subject
    is that candidate; else a subject concept minted from the English label, shared by both
    languages), hardware, status, product, condition, release and evidence."""
    release = ox.NamedNode(mint_iri("release", entry.release, base=base)) if entry.release else None
    for c in ex.claims:
        key = candidate_key(c.subject) if not c.concept else None
        if c.concept:
            subject = c.concept
        elif key in candidate_keys or (c.asked and candidate_keys):
            subject = mint_iri("candidate", key if key in candidate_keys else candidate_keys[0], base=base)
        else:
            subject = mint_iri("subject", subject_key(c.subject), base=base)
        if subject.startswith(mint_iri("subject", "x", base=base)[:-1]):
            known = subjects.setdefault(subject, {})
            known.setdefault("en", c.subject)
            if c.label_zh:
                known.setdefault("zh", c.label_zh)
            if c.broader_iri:
                known.setdefault("broader", c.broader_iri)
        s = ox.NamedNode(mint_iri("statement", a.value, subject, c.hardware or "", c.status, base=base))
        add(s, RDF_TYPE, K["Claim"])
        add(s, K["subject"], ox.NamedNode(subject))
        if c.concept or not c.broader_iri:
            # about a feature (or product) as a whole: a support statement, what its summary is made of
            add(s, RDF_TYPE, K["SupportStatement"])
            add(s, K["feature"], ox.NamedNode(subject))
        else:
            # about something narrower: a limitation of its feature, never the feature's own status
            add(s, K["limitationOf"], ox.NamedNode(c.broader_iri))
        if c.hardware:
            add(s, K["hardware"], ox.NamedNode(mint_iri("hardware", c.hardware, base=base)))
        add(s, K["status"], ox.NamedNode(mint_iri("status", c.status, base=base)))
        if release is not None:
            add(s, K["release"], release)
        if c.product:
            add(s, K["product"], ox.NamedNode(mint_iri("product", c.product, base=base)))
        if c.condition:
            add(s, K["condition"], ox.Literal(c.condition, language="en"))
        add(s, PROV_DERIVED, a)
        ev = c.evidence
        if ev is not None and ev.text:
            add(s, K["evidence"], ox.Literal(ev.text, language=entry.lang))
            add(s, K["evidenceStart"], ox.Literal(ev.start))
            add(s, K["evidenceEnd"], ox.Literal(ev.end))
            if c.line:
                add(s, K["evidenceLine"], ox.Literal(c.line))


def subject_key(label: str) -> str:
    """The key a subject's IRI is minted from: its English label, lower case, words joined."""
    return "-".join(re.sub(r"[^\w.+]+", " ", label.lower()).split()) or "x"


def _add_subjects(add, subjects: Mapping[str, dict], base: str | None) -> None:
    """The subjects narrower than a vocabulary feature (or new to it) that claims are about: each a
    kg:Subject concept of the `subjects` scheme with its labels (the Chinese one, when the extraction
    knows none, curated in ontology/subjects.ttl) and skos:broader feature."""
    if not subjects:
        return
    scheme = ox.NamedNode(mint_iri("scheme", "subjects", base=base))
    add(scheme, RDF_TYPE, SKOS["ConceptScheme"])
    add(scheme, SKOS["prefLabel"], ox.Literal("Claim subjects", language="en"))
    add(scheme, SKOS["prefLabel"], ox.Literal("声明主题", language="zh"))
    curated = load_vocabulary(SUBJECTS_FILE, base).concepts
    for iri, known in subjects.items():
        c = ox.NamedNode(iri)
        add(c, RDF_TYPE, K["Subject"])
        add(c, RDF_TYPE, SKOS["Concept"])
        add(c, SKOS["inScheme"], scheme)
        labels = curated[iri] if iri in curated else None
        for lang in ("en", "zh"):
            label = known.get(lang) or (labels.pref.get(lang) if labels else None)
            if label:
                add(c, SKOS["prefLabel"], ox.Literal(label, language=lang))
            for alt in labels.alt.get(lang, []) if labels else []:
                add(c, SKOS["altLabel"], ox.Literal(alt, language=lang))
        if known.get("broader"):
            add(c, SKOS["broader"], ox.NamedNode(known["broader"]))


def _add_candidates(add, candidates: Mapping[str, Counter], base: str | None) -> None:
    """One kg:CandidateFeature per key (kg.extract.candidates): per language its most used text is the
    skos:prefLabel, the other texts skos:altLabel; with no Chinese text, the Chinese label curated for
    the subject of its English label (ontology/subjects.ttl)."""
    if not candidates:
        return
    scheme = ox.NamedNode(mint_iri("scheme", "candidates", base=base))
    curated = load_vocabulary(SUBJECTS_FILE, base).concepts
    add(scheme, RDF_TYPE, SKOS["ConceptScheme"])
    add(scheme, SKOS["prefLabel"], ox.Literal("Candidate features", language="en"))
    add(scheme, SKOS["prefLabel"], ox.Literal("候选特性", language="zh"))
    for key, texts in candidates.items():
        c = ox.NamedNode(mint_iri("candidate", key, base=base))
        add(c, RDF_TYPE, K["CandidateFeature"])
        add(c, RDF_TYPE, SKOS["Concept"])
        add(c, SKOS["inScheme"], scheme)
        labels = preferred_labels(texts)
        for text, lang, preferred in labels:
            add(c, SKOS["prefLabel" if preferred else "altLabel"], ox.Literal(text, language=lang))
        en = next((text for text, lang, preferred in labels if lang == "en" and preferred), None)
        zh = curated.get(mint_iri("subject", subject_key(en), base=base)) if en else None
        if zh is not None and "zh" in zh.pref and not any(lang == "zh" for _, lang, _ in labels):
            add(c, SKOS["prefLabel"], ox.Literal(zh.pref["zh"], language="zh"))     # the curated subject's
