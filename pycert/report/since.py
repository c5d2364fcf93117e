"""`--since FILE`: what changed since a previous report (its JSON: `--json FILE` or
`--format json`). Devices whose verdict got better or worse, devices new in this report,
and devices gone from it. A previous file that cannot be used stops the report before
anything is written (UsageError, exit 2), naming the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pycert.common.errors import UsageError
from pycert.report.devices import DeviceRow
from pycert.report.model import VERDICT_ORDER

MAX_BYTES = 512 * 2**20
MAX_VERDICT = 20  # verdict words are short (noncompliant); a long one is not a report's
_RANK = {v: i for i, v in enumerate(VERDICT_ORDER)}


@dataclass
class Previous:
    generated_at: str
    devices: dict[str, dict]  # device key (upper case) -> {"device", "verdict", "clinic"}


@dataclass
class Changes:
    since: str  # the previous report's generated_at
    better: list[dict] = field(default_factory=list)
    worse: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    gone: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"since": self.since, "better": self.better, "worse": self.worse, "new": self.new, "gone": self.gone}


def _fail(path: Path, problem: str) -> UsageError:
    return UsageError(f"--since {path}: {problem}.")


def load(raw: str) -> Previous:
    from pycert.report.parse import ParseError, loads, parse_time

    path = Path(raw)
    if not path.is_file():
        raise _fail(path, "the file does not exist; give the JSON of a previous report (pycert report ... --json FILE)")
    if path.stat().st_size > MAX_BYTES:
        raise _fail(path, f"the file is larger than {MAX_BYTES // 2**20} MiB; it is not a report's JSON")
    try:
        data = loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise _fail(path, "the file is not UTF-8 text; give the JSON a previous pycert report wrote") from None
    except ParseError as exc:
        raise _fail(path, f"the file is not readable JSON ({exc}); give the JSON a previous pycert report wrote") from None
    except OSError as exc:
        raise _fail(path, f"the file cannot be read ({exc.strerror or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("generated_at"), str) or "devices_by_verdict" not in data:
        raise _fail(path, "the JSON is not a pycert report (no generated_at/devices_by_verdict); give the file --json wrote")
    if len(data["generated_at"]) > 40 or parse_time(data["generated_at"]) is None:
        raise _fail(path, "its generated_at is not a time; give the file --json wrote, unedited")
    listed = data.get("device_list")
    if not isinstance(listed, list):
        raise _fail(path, "the report has no device_list (made by an older PyCert?); make the previous report again "
                          "with this version's --json")
    devices: dict[str, dict] = {}
    for index, entry in enumerate(listed, start=1):
        if not (isinstance(entry, dict) and isinstance(entry.get("device"), str) and entry["device"].strip()
                and isinstance(entry.get("verdict"), str) and 0 < len(entry["verdict"]) <= MAX_VERDICT
                and isinstance(entry.get("clinic", ""), str)):
            raise _fail(path, f"entry {index} of device_list is not a device with a name and a verdict; "
                              "give the file --json wrote, unedited")
        try:
            entry["device"].encode("utf-8")
        except UnicodeEncodeError:
            raise _fail(path, f"entry {index} of device_list holds text that is not valid Unicode") from None
        devices[entry["device"].strip().upper()] = {"device": entry["device"], "verdict": entry["verdict"],
                                                   "clinic": entry.get("clinic", "")}
    return Previous(data["generated_at"], devices)


def compare(previous: Previous, rows: list[DeviceRow]) -> Changes:
    """Verdicts ranked failed < noncompliant < remediated < compliant; a change of rank is
    better or worse (an unknown verdict ranks below compliant). Lists keep the current
    report's order (worst first); gone devices keep the previous report's order."""
    changes = Changes(previous.generated_at)
    seen = set()
    for row in rows:
        key = row.device.strip().upper()
        seen.add(key)
        before = previous.devices.get(key)
        if before is None:
            changes.new.append({"device": row.device, "clinic": row.clinic, "after": row.verdict})
            continue
        was, now = _RANK.get(before["verdict"], len(_RANK)), _RANK.get(row.verdict, len(_RANK))
        if was != now:
            entry = {"device": row.device, "clinic": row.clinic, "before": before["verdict"], "after": row.verdict}
            (changes.better if now > was else changes.worse).append(entry)
    changes.gone = [{"device": d["device"], "clinic": d["clinic"], "before": d["verdict"]}
                    for key, d in previous.devices.items() if key not in seen]
    return changes


def device_list(rows: list[DeviceRow]) -> list[dict]:
    """What a report's JSON keeps per device, so that a later report can compare."""
    return [{"device": r.device, "clinic": r.clinic, "maintainer": r.maintainer, "code": r.code, "verdict": r.verdict,
             "state": r.state, "days_left": r.days_left, "actions": [a.code for a in r.actions], "reason": r.reason}
            for r in rows]
