"""Query stage: named-query catalogue and parameter binding, the worker pool with deadlines, SPARQL
engines, the SSRF guard, the answer cache and the result serializers.
"""
