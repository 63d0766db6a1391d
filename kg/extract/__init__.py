"""Extract stage: cue lexicon, clauses, the extractor (entry -> facts with evidence), candidate
features, zh/en pairing, evaluation against gold, suggestions for curators, and the parse +
extract pipeline of `kg extract`.
"""
