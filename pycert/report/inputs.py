"""Turn report inputs into DeviceReports, streaming: Intune Remediations device-status CSV
exports, folders of `--result-file` JSON files, and JSON lines.

Nothing in an input is fatal: a row that cannot be read becomes a Rejected entry with
its file and line, and reading goes on. Only a path that does not exist is a usage error.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from pycert.common.errors import UsageError
from pycert.report.model import Fleet, Rejected
from pycert.report.parse import ParseError, from_json, loads, parse_output, parse_time

SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".txt")

# Column roles. Exact names (compared without case, spaces, '-', '_') come from the Intune
# Export API schema (DeviceRunStatesByProactiveRemediation), the older portal export
# ("Device name", "Pre-remediation detection output", ...) and Japanese portal labels;
# KEYWORDS catch the variants nobody has written down.
ALIASES = {
    "device": ("devicename", "device", "hostname", "computername", "デバイス名", "コンピューター名"),
    "user": ("upn", "userprincipalname", "primaryuserupn", "username", "primaryuser", "useremail", "user",
             "ユーザープリンシパル名", "ユーザー名", "プライマリユーザーupn", "upnユーザー"),
    "pre": ("preremediationdetectionscriptoutput", "preremediationdetectionoutput", "修復前の検出出力",
            "修復前の検出スクリプトの出力", "修復前検出出力", "修復前の検出の出力"),
    "post": ("postremediationdetectionscriptoutput", "postremediationdetectionoutput", "修復後の検出出力",
             "修復後の検出スクリプトの出力", "修復後検出出力", "修復後の検出の出力"),
    "time": ("modifiedtime", "lastupdatetime", "laststateupdatedatetime", "lastupdate", "lastmodified",
             "writtenat", "reportedat", "generatedat", "最終更新時刻", "最終更新日時", "最終更新", "更新日時"),
}
KEYWORDS = {
    "pre": (("pre", "output"), ("修復前", "出力")),
    "post": (("post", "output"), ("修復後", "出力")),
    "device": (("device", "name"), ("デバイス",)),
    "time": (("modified",), ("update",), ("更新",)),
}
_NOT_OUTPUT = ("error", "エラー")


def normalise(header: str) -> str:
    return re.sub(r"[\s\-_\u3000.:()（）]", "", header.lstrip("\ufeff")).lower()


def map_columns(headers: list[str]) -> dict[str, int]:
    names = [normalise(h) for h in headers]
    roles: dict[str, int] = {}
    for role, aliases in ALIASES.items():
        for index, name in enumerate(names):
            if name in aliases:
                roles[role] = index
                break
    for role, rules in KEYWORDS.items():
        if role in roles:
            continue
        for index, name in enumerate(names):
            if index in roles.values() or (role in ("pre", "post") and any(w in name for w in _NOT_OUTPUT)):
                continue
            if any(all(word in name for word in rule) for rule in rules):
                roles[role] = index
                break
    return roles


# -- files and encodings ------------------------------------------------------------

def detect_encoding(path: Path, chunk: int = 1 << 20) -> str:
    """utf-8-sig / utf-16 by BOM; else utf-8 if the whole file decodes as UTF-8 (one
    streaming pass), else cp932 (Shift_JIS as Windows writes it)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        sample = head + handle.read(4096)
        if sample[1::2].count(0) > len(sample) // 4:
            return "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4:
            return "utf-16-be"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(chunk):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp932"
    return "utf-8"


def iter_files(paths: Iterable[str], outside: list[Path] | None = None) -> Iterator[Path]:
    """The input files. In a folder, a link (or a junction) that leads out of the folder is
    not followed — anyone who can write to the share could point one at any file — and is
    listed in `outside` instead."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for candidate in sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES):
                if not candidate.resolve().is_relative_to(root):
                    if outside is not None:
                        outside.append(candidate)
                elif candidate.is_file():
                    yield candidate
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"report input '{raw}' does not exist; give Intune CSV exports, JSON lines files or result-file folders.")


def read_into(fleet: Fleet, paths: Iterable[str]) -> Fleet:
    outside: list[Path] = []
    for path in iter_files(paths, outside):
        fleet.sources.append(str(path))
        read_file(fleet, path)
    for link in outside:
        fleet.reject(Rejected(str(link), "a link to a file outside the input folder; not followed"))
    return fleet


def read_file(fleet: Fleet, path: Path) -> None:
    try:
        encoding = detect_encoding(path)
        with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
            first = _peek(handle)
            if first is None:
                fleet.reject(Rejected(f"{path}", "empty file"))
            elif first in "{[":
                _read_json(fleet, path, handle)
            else:
                _read_csv(fleet, path, handle)
    except OSError as exc:
        fleet.reject(Rejected(str(path), f"cannot read the file: {exc.strerror or exc}"))


def _peek(handle) -> str | None:
    """The first non-blank character, leaving the handle at the start of the file."""
    while block := handle.read(4096):
        stripped = block.lstrip()
        if stripped:
            handle.seek(0)
            return stripped[0]
    return None


# -- CSV ---------------------------------------------------------------------------

def _read_csv(fleet: Fleet, path: Path, handle) -> None:
    header_line = handle.readline()
    handle.seek(0)
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        headers = next(reader)
    except (csv.Error, StopIteration) as exc:
        fleet.reject(Rejected(f"{path}:1", f"unreadable CSV header ({exc})"))
        return
    roles = map_columns(headers)
    if "pre" not in roles and "post" not in roles:
        fleet.reject(Rejected(f"{path}:1", "no detection output column (expected e.g. PreRemediationDetectionScriptOutput)"))
        return
    if "device" not in roles:
        fleet.reject(Rejected(f"{path}:1", "no device name column (expected e.g. DeviceName)"))
        return
    name = str(path)
    while True:
        first = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            fleet.reject(Rejected(f"{path}:{reader.line_num}", f"broken CSV row ({exc})"))
            continue
        if not "".join(row).strip():  # a blank row
            continue
        if reader.line_num > first and _swallowed_rows(row, delimiter):
            _reject_swallowed(fleet, path, first, reader.line_num)
            continue
        cells = {role: (row[i] if i < len(row) else "") for role, i in roles.items()}
        _add_record(fleet, f"{name}:{reader.line_num}", cells)


def _swallowed_rows(row: list[str], delimiter: str) -> bool:
    """Whether a row that spans lines holds other rows: a detection output is one line (Intune
    keeps the last line), so a cell with a line break followed by delimited fields is an
    unbalanced quote that ran on into the rows after it."""
    return any(delimiter in line for cell in row for line in cell.split("\n")[1:])


def _reject_swallowed(fleet: Fleet, path: Path, first: int, last: int) -> None:
    """An unbalanced quote on line `first` made lines first..last one row: every one of those
    lines is counted as unreadable (none is trusted), and the reason says where to fix it."""
    fleet.reject(Rejected(f"{path}:{first}", f"an unbalanced quote (\") here runs on to line {last}; "
                          f"{last - first} more line(s) could not be read; fix the quote in the export and read it again"))
    for number in range(first + 1, last + 1):
        fleet.reject(Rejected(f"{path}:{number}", f"inside the unbalanced quote that starts on line {first}; not read"))


# What a malformed row can raise while it is read (`"profiles":[1]` -> AttributeError, ...).
# The one place a row turns into an "unreadable" entry instead of ending the report.
ROW_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError, OverflowError,
              UnicodeError)


def _guarded(fleet: Fleet, source: str, read, value) -> None:
    try:
        read(fleet, source, value)
    except ParseError as exc:
        fleet.reject(Rejected(source, str(exc)))
    except RecursionError:
        fleet.reject(Rejected(source, "nested too deeply to read"))
    except ROW_ERRORS as exc:
        fleet.reject(Rejected(source, f"not a readable PyCert result ({type(exc).__name__})"))


def _add_record(fleet: Fleet, source: str, cells: dict[str, str]) -> None:
    _guarded(fleet, source, _read_record, cells)


def _add_object(fleet: Fleet, source: str, obj) -> None:
    _guarded(fleet, source, _read_object, obj)


def _claim_mismatch(source: str, device: str, check: str) -> str:
    """A result file in a shared folder is named after its device (resultfile.safe_file_stem,
    or policy_file_name in the policy's result folder: `<stem>.<check>.json`); one whose name
    is another device's may be claiming a host it is not."""
    from pycert.common.resultfile import policy_file_name, safe_file_stem

    path = Path(source[:-2] if source.endswith(".json:1") else source)  # a one-line file reads as JSON lines
    if path.suffix.lower() != ".json" or not path.is_file():
        return ""  # a line of a JSON lines file, or an element of an array
    if path.name.upper() in (f"{safe_file_stem(device)}.json".upper(), policy_file_name(device, check).upper()):
        return ""
    return f"the file name does not match the host it claims ({device})"


def _require_text(report) -> None:
    """Reject text that cannot be written out (a lone surrogate from JSON's \\udXXX escapes)."""
    text = "\n".join((report.device, report.user, report.check,
                      *(v for c in report.certs for v in (c.check, c.profile, c.state, c.cn, c.expires, c.thumbprint))))
    if text.isascii():  # a surrogate is not ASCII: most rows need no encoding
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError("contains text that is not valid Unicode (a lone surrogate)") from None


def _read_record(fleet: Fleet, source: str, cells: dict[str, str]) -> None:
    """One export row (or JSON row object) with the roles device/user/pre/post/time."""
    device = (cells.get("device") or "").strip()
    output = (cells.get("post") or "").strip() or (cells.get("pre") or "").strip()
    if not device:
        fleet.reject(Rejected(source, "no device name"))
        return
    try:
        report = parse_output(output)
    except ParseError as exc:
        fleet.reject(Rejected(source, f"{device}: {exc}"))
        return
    report.device = device
    report.user = (cells.get("user") or "").strip()
    report.reported_at = parse_time(cells.get("time"))
    report.source = source
    _require_text(report)
    fleet.add(report)


# -- JSON and JSON lines ---------------------------------------------------------------

def _read_json(fleet: Fleet, path: Path, handle) -> None:
    """JSON lines (streamed) when the first line is a whole JSON value; otherwise one JSON
    document (a result file, or an array of objects)."""
    try:
        loads(handle.readline())
        streamed = True
    except ParseError:
        streamed = False
    handle.seek(0)
    if not streamed:
        try:
            whole = loads(handle.read())
        except ParseError as exc:
            fleet.reject(Rejected(f"{path}", f"neither a JSON document nor JSON lines: {exc}"))
            return
        objects = whole if isinstance(whole, list) else [whole]
        for index, obj in enumerate(objects, start=1):
            _add_object(fleet, f"{path}" if len(objects) == 1 else f"{path}[{index}]", obj)
        return
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except ParseError as exc:
            fleet.reject(Rejected(f"{path}:{number}", str(exc)))
            continue
        _add_object(fleet, f"{path}:{number}", obj)


def _read_object(fleet: Fleet, source: str, obj) -> None:
    if not isinstance(obj, dict):
        fleet.reject(Rejected(source, "JSON value is not an object"))
        return
    if "check" in obj and "verdict" in obj:
        device = str(obj.get("hostname") or obj.get("device") or "").strip()
        if not device:
            fleet.reject(Rejected(source, "PyCert result without a hostname (write it with --result-file)"))
            return
        try:
            report = from_json(obj)
        except ParseError as exc:
            fleet.reject(Rejected(source, f"{device}: {exc}"))
            return
        report.device = device
        report.user = str(obj.get("user") or "")
        report.reported_at = parse_time(obj.get("written_at") or obj.get("generated_at"))
        report.source = source
        report.suspect = _claim_mismatch(source, device, report.check)
        _require_text(report)
        fleet.add(report)
        return
    flat = dict(obj)
    nested = obj.get("managedDevice")
    if isinstance(nested, dict):  # Graph deviceRunStates with $expand=managedDevice
        flat.setdefault("deviceName", nested.get("deviceName"))
        flat.setdefault("userPrincipalName", nested.get("userPrincipalName"))
    keys = list(flat)
    roles = map_columns(keys)
    cells = {role: str(flat[keys[i]] or "") for role, i in roles.items()}
    if "pre" not in cells and "post" not in cells:
        fleet.reject(Rejected(source, "JSON object is neither a PyCert result nor an export row"))
        return
    _read_record(fleet, source, cells)


