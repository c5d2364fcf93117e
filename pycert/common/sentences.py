"""Finding the sentences people read in PyCert's source, for the message catalogs.

Errors are raised as `...Error(f"... {value} ...")` (and a few other sentence builders),
not through `_()`: marking every raise site would touch every module. This extractor reads
the source instead (`ast`) and turns each such sentence into a catalog template: the text
between values stays, each `{value}` becomes `{0}`, `{1}`, ... in order (a literal
`{path}` or `{hint}` placeholder keeps its name). pycert/common/i18n.py matches a finished
English sentence against those templates and formats the translation with the same values.

Used by Babel (`babel.cfg`: `[pycert.common.sentences:extract: **.py]`) and by the
catalog tests; never imported by a command.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator

# Calls whose string arguments are sentences for people: every PyCertError type, doctor's
# Check, and N_() (a sentence marked where it is built).
SENTENCE_CALLS = frozenset({
    "PyCertError", "UsageError", "ConfigError", "PlatformError", "LockBusy", "ProxyAuthError", "DownloadError",
    "PfxError", "NotAnMsi", "UserCancelled", "Check", "N_",
})
NAMED = re.compile(r"\{\{(path|hint|reason)\}\}")  # literal placeholders a caller fills in later


def template(node: ast.expr) -> str | None:
    """The catalog template of a str or f-string node, or None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _literal(node.value)
    if isinstance(node, ast.JoinedStr):
        parts, n = [], 0
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(_literal(str(value.value)))
            else:
                parts.append(f"{{{n}}}")
                n += 1
        return "".join(parts)
    return None


def _literal(text: str) -> str:
    return NAMED.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}"))


def is_sentence(text: str) -> bool:
    """Words for people: a space and a word besides the values (not a code such as
    `empty-pfx`, nor a bare `{0}: {1}`, which would match any sentence)."""
    return " " in text and len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[a-z0-9]*\}", "", text))) >= 1


# The policy's validators raise ValueError; pydantic hands their sentences to `config
# validate` and every policy error (policy/load.py). Elsewhere a ValueError is internal.
VALIDATOR_FOLDER = "policy"


def sentences(source: str, validators: bool = False) -> Iterator[tuple[int, str]]:
    """(line, template) for every sentence argument of an error constructor, a doctor Check
    or an N_() around an f-string in `source` (and of ValueError, for `validators`)."""
    for node, text in _sentence_nodes(source, validators):
        yield node.lineno, text


def _sentence_nodes(source: str, validators: bool = False) -> Iterator[tuple[ast.Call, str]]:
    calls = SENTENCE_CALLS | {"ValueError"} if validators else SENTENCE_CALLS
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in calls:
            continue
        for arg in node.args:
            if name == "N_" and not isinstance(arg, ast.JoinedStr):
                continue  # a constant N_("...") is Babel's own python extractor's
            text = template(arg)
            if text is not None and is_sentence(text):
                yield node, text


def extract(fileobj, keywords, comment_tags, options):
    """A Babel extraction method: the sentences above, then what `_()` and `N_()` mark with
    a plain string (Babel's python extractor; the constant pieces of an f-string it would
    also return are left out: the template above is their entry)."""
    import io

    from babel.messages.extract import extract_python

    data = fileobj.read()
    source = data.decode("utf-8") if isinstance(data, bytes) else data
    validators = VALIDATOR_FOLDER in Path(getattr(fileobj, "name", "")).parts
    spans = set()
    for node, text in _sentence_nodes(source, validators):
        if isinstance(node.func, ast.Name) and node.func.id == "N_":
            spans.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        yield node.lineno, None, text, ["placeholders {0}, {1}, ... are values, in order"]
    for line, funcname, message, comments in extract_python(io.BytesIO(source.encode("utf-8")),
                                                            {"_": None, "N_": None}, comment_tags, options):
        if not (funcname == "N_" and line in spans):
            yield line, funcname, message, comments
