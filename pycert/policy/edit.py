"""`pycert config set`: change single keys of a policy file in place, keeping the admin's
comments and layout, and write it only when the whole result is a valid policy.

The MSI uses this to write install-time properties (e.g. RENEWALWINDOWDAYS) into
%ProgramData%\\PyCert\\pycert.toml. Values are typed by the policy model, so
`renewal_window_days=60` is written as an integer and `required_version=6.1` as a string.
The right-hand side may be a TOML value (`issuer_contains='["ORCA"]'`, `description='"x"'`);
a bare word or a comma-separated list is still taken as the MSI writes it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pycert.common.errors import ConfigError, UsageError

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def parse_assignment(text: str) -> tuple[list[str], str]:
    key, sep, value = text.partition("=")
    parts = key.strip().split(".")
    if not sep or not all(_KEY.match(p) for p in parts):
        raise UsageError(f"'{text}' is not KEY=VALUE with a dotted key such as profiles.obn.renewal_window_days=60.")
    return parts, value.strip()


def _field_type(path: list[str]) -> Any:
    """The annotation the policy model declares at this dotted path."""
    from pycert.policy.models import Policy

    current: Any = Policy
    walked: list[str] = []
    for part in path:
        current = _without_none(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part not in current.model_fields:
                where = ".".join(walked) or "the top level"
                known = ", ".join(current.model_fields)
                raise UsageError(f"The policy has no key '{part}' in {where}; known keys there: {known}.")
            current = current.model_fields[part].annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            raise UsageError(f"'{'.'.join(walked)}' is a single value; '{'.'.join(path)}' goes below it.")
        walked.append(part)
    return _without_none(current)


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _as_toml(raw: str) -> tuple[bool, Any]:
    """The right-hand side read as a TOML value (`["a", "b"]`, `"text"`, `60`, `true`)."""
    from pycert.policy.load import toml

    tomllib = toml()
    try:
        return True, tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return False, None


def typed_value(path: list[str], raw: str) -> Any:
    """The value for `path`: a TOML value when the text is one, else the plain forms the MSI
    passes (a bare word, a whole number, `true`/`false`, a comma-separated list)."""
    annotation = _field_type(path)
    name = ".".join(path)
    is_toml, value = _as_toml(raw)
    if annotation is bool:
        if is_toml and isinstance(value, bool):
            return value
        if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"{name} takes true or false, not '{raw}'.")
        return raw.lower() in ("true", "1", "yes")
    if annotation is int:
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"{name} takes a whole number, not '{raw}'.") from None
    if annotation is float:
        try:
            return float(raw)
        except ValueError:
            raise UsageError(f"{name} takes a number, not '{raw}'.") from None
    if typing.get_origin(annotation) is list:
        if is_toml and isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise UsageError(f"{name} takes a list of quoted strings, e.g. {name}='[\"ORCA\"]', not {raw}.")
            return value
        if raw.lstrip().startswith("["):
            raise UsageError(f"{name}: {raw} is not a TOML array; write it as {name}='[\"first\", \"second\"]'.")
        return [item.strip() for item in raw.split(",") if item.strip()]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) or typing.get_origin(annotation) is dict:
        raise UsageError(f"{name} is a table; set one of the keys inside it.")
    if is_toml and isinstance(value, str):
        return value  # a quoted TOML string: the text inside the quotes
    return raw


def _toml_value(value: Any) -> str:
    """One-line TOML for a scalar or a flat list."""
    import tomli_w

    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def set_in_text(text: str, path: list[str], value: Any) -> str:
    """Put `key = value` under [table] (replacing the key's line if it is there)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    table, key = ".".join(path[:-1]), path[-1]
    assignment = f"{key} = {_toml_value(value)}{newline}"
    headers = [(i, m.group(1).strip()) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    if table:
        starts = [i + 1 for i, name in headers if name == table]
        if not starts:
            return "".join(lines) + f"{newline if lines else ''}[{table}]{newline}{assignment}"
        start = starts[0]
    else:
        start = 0
    end = next((i for i, _ in headers if i >= start), len(lines))
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, end):
        if pattern.match(lines[i]):
            lines[i] = assignment
            return "".join(lines)
    insert_at = end
    while insert_at > start and not lines[insert_at - 1].strip():
        insert_at -= 1
    if insert_at == end < len(lines):  # right above the next table header: keep a blank line between
        assignment += newline
    lines.insert(insert_at, assignment)
    return "".join(lines)


def _value_at(data: dict[str, Any], path: list[str]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def set_values(path: Path, assignments: list[str]) -> list[str]:
    """Apply KEY=VALUE assignments to the policy file (created if absent); returns what was set.

    Nothing is written unless the edited file parses, holds each value where it was meant to
    go, and validates as a policy."""
    from pycert.policy.load import _read_policy_text, load_policy_file, toml

    tomllib = toml()

    if not assignments:
        raise UsageError("Give at least one KEY=VALUE, e.g. profiles.obn.renewal_window_days=60.")
    parsed = [(keys, typed_value(keys, raw)) for keys, raw in map(parse_assignment, assignments)]
    text = _read_policy_text(path) if path.exists() else ""
    for keys, value in parsed:
        text = set_in_text(text, keys, value)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = {}
    for keys, value in parsed:
        if _value_at(data, keys) != value:
            raise ConfigError(
                f"{path}: {'.'.join(keys)} is written in a form `config set` does not edit (an inline table "
                "or dotted key); change it in the file by hand."
            )
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".pycert-", suffix=".toml", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        load_policy_file(Path(temp))
        if path.exists():
            shutil.copymode(path, temp)
        os.replace(temp, path)
    except ConfigError as exc:
        os.unlink(temp)
        raise ConfigError(exc.message.replace(temp, str(path)), [p.replace(temp, str(path)) for p in exc.problems]) from None
    except BaseException:
        os.unlink(temp)
        raise
    return [f"{'.'.join(keys)} = {_toml_value(value)}" for keys, value in parsed]
