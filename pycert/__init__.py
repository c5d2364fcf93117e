"""PyCert: certificate lifecycle checks for Japanese medical-institution terminals.

Kept import-free so that `pycert --version` stays as fast as bare Python.
"""

__version__ = "0.1.0"
