"""The `--clinics` mapping file: which clinic (医療機関) and maintainer each device belongs to.

A CSV with a header row. Columns (by name, any order; English names also accepted):

    医療機関コード, 端末名, 医療機関名, 担当者

Each row names a clinic (医療機関名, required) and its maintainer (担当者, optional) and
says which devices are that clinic's by a 医療機関コード (10 digits: the CN of the
device's Online Billing NW certificate), a device name pattern (端末名: `*` any
characters, `?` one, `[...]` one of; case is ignored), or both. A device belongs to:
1. the clinic of a 医療機関コード that one of its expiry certificates carries as its CN;
2. else the clinic of a pattern without wildcards equal to its name;
3. else the clinic of the first pattern (in file order) that matches its name;
4. else to no clinic (the report's 未割り当て group).

Reading is strict, because a wrong mapping silently mis-groups a fleet: any bad row stops
the report before anything is written, with one sentence naming the file and line
(UsageError, exit 2).
"""

from __future__ import annotations

import bisect
import csv
import fnmatch
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pycert.common.errors import UsageError

MAX_BYTES = 5 * 2**20
MAX_TEXT = 100  # characters in a clinic name, maintainer or pattern
MAX_PATTERNS = 2000  # patterns with wildcards
MAX_OPEN_PATTERNS = 50  # patterns starting with a wildcard: each is tried against every device
CODE = re.compile(r"^[0-9]{10}$", re.ASCII)

COLUMNS = {
    "code": ("医療機関コード", "機関コード", "code", "institutioncode", "clinic_code"),
    "pattern": ("端末名", "端末名パターン", "device", "devicename", "pattern", "devicepattern"),
    "name": ("医療機関名", "医療機関", "clinic", "clinicname", "name"),
    "maintainer": ("担当者", "保守担当", "maintainer"),
}


@dataclass(frozen=True, slots=True)
class Clinic:
    name: str
    maintainer: str = ""


@dataclass
class ClinicMap:
    codes: dict[str, Clinic] = field(default_factory=dict)
    names: dict[str, Clinic] = field(default_factory=dict)  # exact device names, upper case
    patterns: list[tuple[re.Pattern, Clinic]] = field(default_factory=list)  # in file order
    # Patterns by the literal text before their first wildcard, so that a device is tried
    # only against patterns whose start it shares (300 clinics x 100k devices stays fast).
    by_prefix: dict[str, list[int]] = field(default_factory=dict)
    prefix_lengths: list[int] = field(default_factory=list)

    def add_pattern(self, pattern: str, clinic: Clinic) -> None:
        prefix = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
        self.by_prefix.setdefault(prefix, []).append(len(self.patterns))
        self.patterns.append((re.compile(fnmatch.translate(pattern)), clinic))
        if len(prefix) not in self.prefix_lengths:
            bisect.insort(self.prefix_lengths, len(prefix))

    def clinic_of(self, device: str, codes: Iterable[str] = ()) -> Clinic | None:
        for code in codes:
            if code in self.codes:
                return self.codes[code]
        key = device.strip().upper()
        if key in self.names:
            return self.names[key]
        best = None
        for length in self.prefix_lengths:
            if length > len(key):
                break
            for index in self.by_prefix.get(key[:length], ()):
                if best is not None and index > best:
                    break  # an earlier row already matched
                if self.patterns[index][0].match(key):
                    best = index
                    break
        return None if best is None else self.patterns[best][1]


def _key(header: str) -> str:
    return re.sub(r"[\s\-_\u3000]", "", header.lstrip("\ufeff")).lower()


def _fail(path: Path, line: int | None, problem: str) -> UsageError:
    where = f"--clinics {path}" + (f" line {line}" if line else "")
    return UsageError(f"{where}: {problem}.")


def _text(path: Path, line: int, what: str, value: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise _fail(path, line, f"the {what} is longer than {MAX_TEXT} characters; shorten it")
    if not all(c.isprintable() for c in value):
        raise _fail(path, line, f"the {what} holds a control character; remove it")
    return value


def load(raw: str) -> ClinicMap:
    """Read and check the whole mapping file, or raise UsageError naming file and line."""
    from pycert.report.inputs import detect_encoding

    path = Path(raw)
    if not path.is_file():
        raise _fail(path, None, "the file does not exist; give a CSV with the columns 医療機関コード, 端末名, 医療機関名, 担当者")
    if path.stat().st_size > MAX_BYTES:
        raise _fail(path, None, f"the file is larger than {MAX_BYTES // 2**20} MiB; a clinic list is far smaller, check the file")
    encoding = detect_encoding(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError:
        raise _fail(path, None, "the file is neither UTF-8 nor Shift_JIS text; save it as CSV (UTF-8)") from None
    except OSError as exc:
        raise _fail(path, None, f"the file cannot be read ({exc.strerror or exc})") from None
    if not text.strip():
        raise _fail(path, None, "the file is empty; write a header row 医療機関コード,端末名,医療機関名,担当者 and one row per clinic")
    header = text.split("\n", 1)[0]
    # Lines are what csv counts (\n, \r\n, \r), not str.splitlines: a U+2028 in a name is a
    # character to refuse on its own line, not a line break that shifts every line number.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=header.count), strict=True)
    numbered, last = [], 0  # (the line a row starts on, the row)
    try:
        for row in reader:
            numbered.append((last + 1, row))
            last = reader.line_num
    except csv.Error as exc:
        raise _fail(path, last + 1, f"the CSV is broken ({exc}); check the quotes on that line") from None
    roles = _roles(path, numbered[0][1])
    mapping = ClinicMap()
    origin: dict[str, int] = {}
    for line, row in numbered[1:]:
        _add_row(path, line, row, roles, mapping, origin)
    if not (mapping.codes or mapping.names or mapping.patterns):
        raise _fail(path, None, "the file has a header but no clinic rows; add one row per clinic")
    return mapping


def _roles(path: Path, header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        for role, names in COLUMNS.items():
            if _key(cell) in names:
                if role in roles:
                    raise _fail(path, 1, f"two columns mean {COLUMNS[role][0]}; keep one")
                roles[role] = index
    if "name" not in roles or not ({"code", "pattern"} & set(roles)):
        raise _fail(path, 1, "the header needs a 医療機関名 column and a 医療機関コード or 端末名 column "
                             "(e.g. 医療機関コード,端末名,医療機関名,担当者)")
    return roles


def _add_row(path: Path, line: int, row: list[str], roles: dict[str, int], mapping: ClinicMap,
             origin: dict[str, int]) -> None:
    if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
        return  # blank lines and comments
    if any("\n" in cell or "\r" in cell for cell in row):
        raise _fail(path, line, "a quoted cell runs over several lines (an unbalanced quote?); fix the quotes")
    cells = {role: _text(path, line, role_name(role), row[i] if i < len(row) else "") for role, i in roles.items()}
    name = cells.get("name", "")
    if not name:
        raise _fail(path, line, "the 医療機関名 is empty; every row needs the clinic's name")
    clinic = Clinic(name, cells.get("maintainer", ""))
    code, pattern = cells.get("code", ""), cells.get("pattern", "")
    if not code and not pattern:
        raise _fail(path, line, "the row has neither a 医療機関コード nor a 端末名; give one of them")
    if code:
        if not CODE.match(code):
            hint = " (Excel drops a leading 0: format the column as text)" if re.fullmatch(r"[0-9]{9}", code) else ""
            raise _fail(path, line, f"the 医療機関コード '{code}' is not 10 digits{hint}")
        _claim(path, line, f"code:{code}", origin, f"the 医療機関コード {code}")
        mapping.codes[code] = clinic
    if pattern:
        key = pattern.upper()
        _claim(path, line, f"pattern:{key}", origin, f"the 端末名 {pattern}")
        if any(c in key for c in "*?["):
            if len(mapping.patterns) >= MAX_PATTERNS:
                raise _fail(path, line, f"more than {MAX_PATTERNS} 端末名 patterns with wildcards; use fewer, broader patterns")
            if key[0] in "*?[" and len(mapping.by_prefix.get("", ())) >= MAX_OPEN_PATTERNS:
                raise _fail(path, line, f"more than {MAX_OPEN_PATTERNS} 端末名 patterns start with a wildcard (each is tried "
                                        "against every device); start patterns with the fixed part of the name")
            mapping.add_pattern(key, clinic)
        else:
            mapping.names[key] = clinic


def _claim(path: Path, line: int, key: str, origin: dict[str, int], what: str) -> None:
    if key in origin:
        raise _fail(path, line, f"{what} is already on line {origin[key]}; keep one row for it")
    origin[key] = line


def role_name(role: str) -> str:
    return COLUMNS[role][0]
