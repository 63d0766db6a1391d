"""kg: a knowledge graph of the MindSpore FAQ (features, support status, hardware, releases, doc URLs).

Importing this package is cheap: nothing heavy (Flask, spaCy, rdflib) is imported here.
"""

__version__ = "0.1.0"
