"""Web layer: the Flask app factory, its blueprints (SPARQL endpoint, named queries, REST API,
pages, exports), templates and static files.
"""
