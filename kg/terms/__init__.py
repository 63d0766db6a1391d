"""Terms: the generated ontology namespace, the one IRI minter, and readers of the ontology and the
SKOS vocabulary.
"""
