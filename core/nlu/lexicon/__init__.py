"""Vocabulary and intent rules as data, one module per language plus the shared places.

Nothing here runs at import beyond defining literals; the parser compiles the
patterns once, at first use (see ``core.nlu.rules``).
"""
