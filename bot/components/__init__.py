"""Custom Rasa graph components (referenced by module path from config.yml).

Kept import-light: each module imports Rasa and spaCy itself.
"""
