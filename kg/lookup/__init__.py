"""Lookups: Flask-free documents that the REST API and the pages show, with their own .rq files
(queries/).
"""
