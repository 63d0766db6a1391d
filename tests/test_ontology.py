"""ontology/kg.ttl, shapes.ttl and the generated kg/namespaces.py agree with each other,
with ontology/MODEL.md and with every place that names a kg: term."""
from __future__ import annotations

import re
import sys

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from kg import config
from kg.terms.namespaces import KG
from kg.terms.prefixes import PREFIXES

KG_NS = PREFIXES["kg"]
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("http://schema.org/")
TERM = re.compile(r"\bkg:([A-Za-z][A-Za-z0-9]*)")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(config.ONTOLOGY_DIR / "kg.ttl", format="turtle")


def declared(ontology: Graph) -> set[str]:
    return {str(s)[len(KG_NS):] for s in ontology.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(KG_NS)}


def test_namespaces_module_has_exactly_the_ontology_terms(ontology):
    generated = set(KG.__annotations__)
    assert generated == declared(ontology), (
        f"only in kg.ttl: {declared(ontology) - generated}; only in namespaces.py: "
        f"{generated - declared(ontology)} (run python -m kg.terms.generate)")


def test_namespaces_file_is_what_the_generator_writes():
    from kg.terms import generate as namespaces_gen
    assert namespaces_gen.main(["--check"]) == 0


def test_an_unknown_term_raises_instead_of_minting_an_iri():
    with pytest.raises(AttributeError):
        KG.suportStatus  # noqa: B018  (a typo)
    assert str(KG.SupportStatement) == KG_NS + "SupportStatement"


@pytest.mark.parametrize("source", ["MODEL.md", "vocabulary.ttl", "shapes.ttl"])
def test_every_kg_term_used_in_the_ontology_folder_is_declared(ontology, source):
    text = (config.ONTOLOGY_DIR / source).read_text(encoding="utf-8")
    used = set(TERM.findall(text))
    assert used, f"{source} names no kg: term"
    assert used <= declared(ontology), f"{source} uses undeclared kg: terms {used - declared(ontology)}"


def test_every_kg_term_in_named_queries_is_declared(ontology):
    missing = {}
    for path in sorted(config.QUERIES_DIR.glob("*.rq")):
        unknown = set(TERM.findall(path.read_text(encoding="utf-8"))) - declared(ontology)
        if unknown:
            missing[path.name] = unknown
    assert not missing


def test_every_term_has_labels_and_comments_in_english_and_chinese(ontology):
    problems = []
    for name in sorted(declared(ontology)):
        term = URIRef(KG_NS + name)
        for prop in (RDFS.label, RDFS.comment):
            langs = {getattr(o, "language", None) for o in ontology.objects(term, prop)}
            if not {"en", "zh"} <= langs:
                problems.append(f"kg:{name} {prop.n3(ontology.namespace_manager)} has {langs}")
    assert not problems, "\n".join(problems)


def test_properties_have_a_domain_and_classes_are_owl_classes(ontology):
    for name in declared(ontology):
        term = URIRef(KG_NS + name)
        types = set(ontology.objects(term, RDF.type))
        if name[0].isupper():
            assert OWL.Class in types, name
        else:
            assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}, name
            domain = ontology.value(term, RDFS.domain) or ontology.value(term, SCHEMA.domainIncludes)
            assert domain is not None, f"kg:{name} has no rdfs:domain (or schema:domainIncludes)"


def test_shapes_are_valid_shacl():
    """The shapes graph against the SHACL-for-SHACL meta shapes (pySHACL's meta_shacl)."""
    from pyshacl import validate
    shapes = Graph().parse(config.ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    empty = Graph()
    conforms, _, text = validate(empty, shacl_graph=shapes, meta_shacl=True, inference="none")
    assert conforms, text


def test_shapes_target_every_class_the_build_types_its_nodes_with():
    shapes = Graph().parse(config.ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, SH.targetClass))
    schema = Namespace("http://schema.org/")
    for cls in (schema.FAQPage, schema.Question, schema.Answer, URIRef(KG.SupportStatement),
                URIRef(KG.CandidateFeature), URIRef(KG.Release)):
        assert cls in targets, cls


def test_ontology_quads_rebase_instances_but_not_the_ontology(monkeypatch):
    from kg.terms.ontology import ontology_quads
    monkeypatch.setenv("KG_BASE_IRI", "https://kg.invalid/ms/")
    iris = {t.value for q in ontology_quads() for t in (q.subject, q.object)
            if type(t).__name__ == "NamedNode"}
    assert "https://kg.invalid/ms/release/r1.2" in iris
    assert "https://kg.invalid/ms/hardware/Ascend910" in iris
    assert KG_NS + "SupportStatement" in iris   # the schema keeps its namespace
    assert not any(i.startswith("https://w3id.org/mindspore-kg/") and not i.startswith(KG_NS)
                   for i in iris)


def test_the_ontology_has_no_blank_nodes(ontology):
    """Blank nodes would get new labels on every load; two builds must be equal as sets."""
    from rdflib import BNode
    assert not [t for t in ontology if any(isinstance(x, BNode) for x in t)]


def test_release_order_matches_the_vocabulary():
    from kg.terms.ontology import release_orders
    orders = release_orders()
    assert orders["r0.2"] < orders["r1.2"] < orders["r2.0"] < orders["r2.6.0"] < orders["master"]
    assert len(set(orders.values())) == len(orders)


def test_import_kg_stays_light():
    import subprocess
    heavy = "('rdflib', 'pyoxigraph', 'pyshacl', 'spacy', 'flask')"
    code = f"import sys, kg; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
