"""Japanese or English for people: error sentences, tables, doctor, inspections.

Which language: `pycert --lang ja|en`; without it the Windows UI language
(GetUserDefaultUILanguage, through the platform layer), elsewhere LC_ALL, LC_MESSAGES or
LANG. Only what people read changes: the Intune summary line, JSON, CSV, the run log and
every other machine contract stay English and ASCII.

The catalog is pycert/locale/ja/LC_MESSAGES/pycert.po, kept in the repository, compiled by
Babel into pycert.mo beside it (committed, so an installed or frozen PyCert needs no build
step; tests/test_i18n.py fails when the .mo no longer matches the .po). stdlib gettext reads
it on first use, so runs that print nothing for people never open it.

Two kinds of entries:
- `_("STATE")`: a word or phrase marked where it is printed (tables, headings).
- Sentence templates: errors are raised as `...Error(f"... {value} ...")` in every module;
  rather than rewrite each raise site, pycert/common/sentences.py extracts each such f-string
  as a template (`{0}`, `{1}` for the values), and `sentence()` matches a finished English
  sentence against the templates and fills the Japanese one with the same values (values
  that are themselves sentences or marked phrases are translated too).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

LANGUAGES = ("ja", "en")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "pycert"
_chosen: str | None = None


def N_(message: str) -> str:
    """Marks a sentence or phrase for the catalog where it is built, not where it is printed
    (it stays English there: the summary line and JSON use it too)."""
    return message


def resolve(explicit: str | None, environ: Mapping[str, str], windows_ui: Callable[[], str | None] | None) -> str:
    """The language: `explicit` (--lang); else the Windows UI language (`windows_ui`, on
    Windows); else the first of LC_ALL, LC_MESSAGES, LANG that is set. Japanese when that
    names Japanese (ja, ja_JP.UTF-8, Japanese_Japan.932), English otherwise."""
    if explicit:
        return explicit
    if windows_ui is not None:
        found = windows_ui()
        if found:
            return found
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith(("ja", "japanese")) else "en"
    return "en"


def set_language(explicit: str | None) -> str:
    """Decide the language for this run (the root command calls it with --lang)."""
    global _chosen
    from pycert import platform

    _chosen = resolve(explicit, os.environ, platform.ui_language if platform.is_windows() else None)
    return _chosen


def language() -> str:
    return _chosen or set_language(None)


@lru_cache(maxsize=2)
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr of `lang` (empty for English: the msgids are English)."""
    if lang == "en":
        return {}
    import gettext

    translations = gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)
    return {k: v for k, v in getattr(translations, "_catalog", {}).items() if isinstance(k, str) and k and v}


def _(message: str) -> str:
    """A marked word or phrase in the run's language."""
    return catalog(language()).get(message, message)


# certmgr's names of the stores (証明書の管理), as Windows shows them in each language
STORE_WORDS = {
    "My": N_("Personal"),
    "CA": N_("Intermediate Certification Authorities"),
    "Root": N_("Trusted Root Certification Authorities"),
    "AuthRoot": N_("Third-Party Root Certification Authorities"),
    "TrustedPeople": N_("Trusted People"),
    "TrustedPublisher": N_("Trusted Publishers"),
    "Disallowed": N_("Untrusted Certificates"),
    "AddressBook": N_("Other People"),
}


def store_label(store: str) -> str:
    """`CurrentUser\\My` for English; `CurrentUser\\My（個人）` in Japanese, the name 証明書の
    管理 shows, so a clinic technician finds it there."""
    if language() == "en":
        return store
    name = STORE_WORDS.get(store.rpartition("\\")[2])
    return f"{store}（{_(name)}）" if name else store


# -- sentences built with values ---------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\d+|path|hint|reason)\}")
# A policy problem (policy/load.py): "FILE, line N: FIELD: WHAT." with WHAT a validator's
# sentence or pydantic's own (the latter stays English).
_PROBLEM = re.compile(r"(.+?, line \d+): ([^\s:]+): (.+)\.", re.DOTALL)
# ... and its WHAT when pydantic's message carries the value written: "MESSAGE (got VALUE)"
_GOT = re.compile(r"(.+) \(got (.*)\)", re.DOTALL)


def _pattern(template: str) -> re.Pattern[str] | None:
    """A regular expression that matches what `template` renders to; None for a template
    that is only values and punctuation (it would match anything)."""
    parts, pos = [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[pos:m.start()].replace("{{", "{").replace("}}", "}")))
        parts.append("(.*?)")
        pos = m.end()
    parts.append(re.escape(template[pos:].replace("{{", "{").replace("}}", "}")))
    if not re.search(r"[A-Za-z]{2,}", _PLACEHOLDER.sub("", template)):
        return None
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=2)
def _templates(lang: str) -> list[tuple[re.Pattern[str], list[str], str]]:
    """(pattern, placeholder names in order, translation), longest literal text first so the
    most specific template wins."""
    found = []
    for msgid, msgstr in catalog(lang).items():
        if not _PLACEHOLDER.search(msgid):
            continue
        pattern = _pattern(msgid)
        if pattern is not None:
            names = [m.group(1) for m in _PLACEHOLDER.finditer(msgid)]
            found.append((len(_PLACEHOLDER.sub("", msgid)), pattern, names, msgstr))
    found.sort(key=lambda t: -t[0])
    return [(p, n, s) for _, p, n, s in found]


def sentence(text: str, lang: str | None = None, depth: int = 0) -> str:
    """A finished English sentence (or phrase) in `lang`: its catalog entry, or the template
    it was made from filled with its values (each value translated in turn). Unknown text
    comes back unchanged."""
    lang = lang or language()
    table = catalog(lang)
    if not table or depth > 3:
        return text
    if text in table:
        return table[text]
    problem = _PROBLEM.fullmatch(text) if depth == 0 else None
    if problem:
        where, field, what = problem.groups()
        got = _GOT.fullmatch(what)  # pydantic's message + the value written (policy/load._describe)
        head_ja = sentence(got.group(1), lang, 1) if got else None
        if got and head_ja != got.group(1):
            what_ja = table.get("{0} (got {1})", "{0} (got {1})").format(head_ja, got.group(2))
        else:
            what_ja = sentence(what, lang, 1)
        return f"{sentence(where, lang, 1)}: {field}: {what_ja}" + ("。" if what_ja != what else ".")
    for pattern, names, translation in _templates(lang):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        # A value that is a phrase (a route, a reason) is translated in turn; a single word
        # (a profile or file name such as "ok") never is.
        values = [sentence(v, lang, depth + 1) if " " in v else v for v in m.groups()]
        positional = [v for n, v in zip(names, values) if n.isdigit()]
        named = {n: v for n, v in zip(names, values) if not n.isdigit()}
        try:
            return translation.format(*positional, **named)
        except (IndexError, KeyError):  # a translation naming a value its template lacks: keep English
            return text
    return text
