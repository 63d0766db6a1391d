"""Parse stage: find FAQ Markdown files, say what their paths mean (release, language, page
identity) and turn them into entries with line provenance. Knows nothing of RDF or NLP.
"""
