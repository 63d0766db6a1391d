"""Graph stage: entries + facts -> quads, the build pipeline behind `kg build`, SHACL validation.
"""
