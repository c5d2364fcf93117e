"""`pycert doctor` for people (one line per check) and as JSON."""

from __future__ import annotations

from pycert import __version__
from pycert.common.i18n import N_, sentence
from pycert.common.output import iso


def doctor_text(report) -> str:
    """One line per check: status, name, what was found, and what to do (sentences in the
    run's language: common/i18n.py; status words and check names stay as in JSON)."""
    width = max((len(c.name) for c in report.checks), default=0)
    lines = []
    for c in report.checks:
        line = f"{c.status.upper():<4}  {c.name:<{width}}  {sentence(c.message)}"
        lines.append(f"{line} -> {sentence(c.action)}" if c.action else line)
    counts = {s: sum(1 for c in report.checks if c.status == s) for s in ("ok", "warn", "fail")}
    lines.append(sentence(N_(f"doctor: {counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail (exit {report.exit_code})")))
    return "\n".join(lines)


def doctor_json(report) -> dict:
    return {
        "generated_at": iso(report.generated_at),
        "pycert_version": __version__,
        "verdict": report.verdict,
        "exit_code": report.exit_code,
        "checks": [
            {"name": c.name, "status": c.status, "message": c.message, "action": c.action or None, "details": c.details}
            for c in report.checks
        ],
    }
