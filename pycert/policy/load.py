"""Finding and loading the policy file: `--config`, PYCERT_CONFIG, the standard path, or
the built-in defaults; every problem as one sentence with its line number."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pycert.common import files
from pycert.common.errors import ConfigError
from pycert.common.i18n import N_
from pycert.common.shown import shown
from pycert.policy.models import BUILTIN_POLICY, Policy, builtin_policy

MAX_POLICY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    source: str  # a file path, or "built-in defaults"


def default_policy_path() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "PyCert" / "pycert.toml"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pycert" / "pycert.toml"


def load_policy(explicit: str | None = None) -> LoadedPolicy:
    """`--config` wins, then PYCERT_CONFIG, then the default path; absent default = built-ins.

    A file named explicitly (option or variable) must exist.
    """
    named = explicit or files.env("PYCERT_CONFIG")
    if named:
        return load_policy_file(Path(named))
    default = default_policy_path()
    if default.exists():
        return load_policy_file(default)
    return LoadedPolicy(builtin_policy(), N_("built-in defaults"))


def toml():
    """The TOML reader, imported only when a policy file is read (not on the built-in path)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def load_policy_file(path: Path) -> LoadedPolicy:
    tomllib = toml()
    text = _read_policy_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{shown(path)}: the file is not valid TOML ({exc}); fix the syntax at that position."
        ) from None
    except RecursionError:
        raise ConfigError(f"{shown(path)}: the file nests tables or arrays too deeply; flatten it.") from None
    merged = merge_with_builtin(data)
    try:
        policy = Policy.model_validate(merged)
    except ValidationError as exc:
        problems = [_describe(path, text, err) for err in exc.errors()]
        raise ConfigError(problems[0], problems) from None
    return LoadedPolicy(policy, str(path))


def merge_with_builtin(data: dict[str, Any]) -> dict[str, Any]:
    """Lay the file over the built-in policy, so `[profiles.obn] renewal_window_days = 60`
    changes one setting and keeps the rest. Lists replace; tables merge."""
    return _deep_merge(BUILTIN_POLICY, data)


def policy_as_dict(policy: Policy) -> dict[str, Any]:
    return policy.model_dump(mode="json", exclude_none=True)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_policy_text(path: Path) -> str:
    name = shown(path)
    sentences = {
        files.FOLDER: N_(f"{name} is a folder; give the path of the policy file (pycert.toml)."),
        files.DEVICE: N_(f"{name} is not a regular file; give the path of the policy file (pycert.toml)."),
        files.TOO_LARGE: N_(f"{name} is larger than 1 MiB; a policy file is a few kilobytes, check the path."),
        files.MISSING: N_(f"The policy file {name} does not exist; create it or pass a correct --config path."),
        files.DENIED: N_(f"The policy file {name} cannot be read (permission denied); check its access rights."),
        files.UNREADABLE: N_(f"The policy file {name} cannot be read ({{reason}}); check the path."),
    }
    raw = files.read_checked(
        path, MAX_POLICY_BYTES, lambda kind, reason: ConfigError(sentences[kind].replace("{reason}", reason))
    )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name} is not UTF-8 text; save the policy file as UTF-8.") from None


# pydantic's own messages (strict mode) as they read once formatted, for the catalog: with
# --lang ja, i18n.sentence matches a problem's text against these and fills in the Japanese.
PYDANTIC_SENTENCES = (
    N_("{0} (got {1})"),
    N_("Input should be a valid boolean"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid number"),
    N_("Input should be a valid string"),
    N_("Input should be a valid list"),
    N_("Input should be a valid dictionary"),
    N_("Input should be greater than {0}"),
    N_("Input should be greater than or equal to {0}"),
    N_("Input should be less than {0}"),
    N_("Input should be less than or equal to {0}"),
    N_("Input should be {0}"),
    N_("String should have at least {0} characters"),
    N_("String should have at least {0} character"),
    N_("String should have at most {0} characters"),
    N_("String should match pattern '{0}'"),
    N_("List should have at least {0} item after validation, not {1}"),
    N_("List should have at least {0} items after validation, not {1}"),
    N_("List should have at most {0} items after validation, not {1}"),
    N_("Dictionary should have at most {0} items after validation, not {1}"),
)


def _describe(path: Path, text: str, err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    field = shown(".".join(str(p) for p in loc) or "(top level)", 80)
    from pycert.policy.tomlpos import locate_line

    line = locate_line(text, loc)
    where = N_(f"{shown(path)}, line {line}") if line else shown(path)
    kind = err["type"]
    if kind == "extra_forbidden":
        what = N_("unknown key; remove it or correct its spelling")
    elif kind == "missing":
        what = N_("this required key is missing; add it")
    else:
        what = err["msg"].removeprefix("Value error, ")
        if kind not in ("value_error", "assertion_error") and "input" in err:
            what += f" (got {err['input']!r:.60})"
    return f"{where}: {field}: {what}."  # i18n.sentence knows this shape (a policy problem)
