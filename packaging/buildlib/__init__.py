"""Pieces of the release build (`packaging/build.py`), one job per module, importable by tests."""
