"""Export: the networkx projection of the graph, the GEXF writer and the export files (GEXF,
GraphML, CSV, RDF), with their .rq files.
"""
