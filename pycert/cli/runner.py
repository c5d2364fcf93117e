"""Running checks for `detect`/`remediate` and printing them in the Intune contract's
shape: JSON, or the summary line last (a dry run's plan lines and notices before it); the
result file; the run log."""

from __future__ import annotations

from datetime import datetime

import click

from pycert.cli.context import Context, result_file, save_result
from pycert.common.errors import PyCertError
from pycert.common.i18n import N_, sentence


def run_checks(ctx: Context, names: list[str], fmt: str, now: datetime, action: str = "detect", **options) -> int:
    """Run detect (or remediate) for each named check and print in the Intune contract's shape.

    Every job module exposes `detect(policy, [stores,] now, **options)` and, where it can
    act, `remediate(policy, [stores,] now, **options)`, both returning a CheckResult; the
    checks registry says which of them take the store backend.
    """
    from pycert import checks
    from pycert.common import output

    ctx.start_log(f"{action} {' '.join(names)}")

    def one(name: str):
        if len(names) == 1:
            return checks.run(name, action, ctx.policy, lambda: ctx.backend, now, **options)
        try:
            return checks.run(name, action, ctx.policy, lambda: ctx.backend, now, **options)
        except PyCertError as exc:
            # One check failing (say, the MPKI portal unreachable) must not hide the others.
            from pycert.common.model import CheckResult

            return CheckResult(name, "error", exc.exit_code, now, messages=[exc.message])

    results = [one(n) for n in names]
    for r in results:
        log_result(action, r)
    if len(results) == 1:
        return render_result(results[0], fmt)
    codes = [r.exit_code for r in results]
    exit_code = 1 if 1 in codes else max(codes)
    if action == "remediate":
        verdict = {0: "remediated", 1: "noncompliant"}.get(exit_code, "failed")
    else:
        verdict = {0: "compliant", 1: "noncompliant"}.get(exit_code, "error")
    data = output.combined_json(results, verdict, exit_code, now) if fmt == "json" or result_file() else None
    if data is not None:
        save_result(data)
    echo_plans(results, fmt)
    echo_notices(results, fmt)
    click.echo(output.dumps(data) if data is not None and fmt == "json" else output.combined_line(results, verdict))
    return exit_code


def echo_plans(results, fmt: str) -> None:
    """A dry run's steps, one `plan: ...` line each, before the summary line (which must
    stay last). JSON carries them in `plan` instead."""
    if fmt == "json":
        return
    from pycert.common.plan import plan_lines

    for result in results:
        if result.details.get("dry_run") and result.plan:
            for line in plan_lines(result.plan):
                click.echo(line)


def echo_notices(results, fmt: str) -> None:
    """Reminders the platform left to us (no toast off Windows): one line each, before the
    summary line, which must stay last. JSON carries them in `notices` instead."""
    if fmt == "json":
        return
    for result in results:
        for note in result.details.get("staged", []):
            if not note.get("usable", True):  # a PFX that was found but not used: say why
                click.echo(f"not used: {note['file']}: {sentence(note['reason'])}")
        for action in result.details.get("actions", []):  # the imported PFX: where it went, or why not
            if action.get("action") == "backup" and action.get("error"):
                click.echo(f"warning: {sentence(action['error'])}")
        backups = [a["notice"] for a in result.details.get("actions", []) if a.get("notice")]
        for notice in backups + result.details.get("notices", []):
            if notice.get("channel") == "stdout":
                click.echo(f"{notice['title']}: {notice['body']}".replace("\n", " "))
            elif notice.get("channel") == "suppressed":  # say why nobody was told
                reason = notice["reason"]
                click.echo(sentence(N_(f"notice not shown: {reason}")))


def log_result(action: str, result) -> None:
    from pycert.common import logs, output

    logs.event(action, result.verdict, check=result.check, exit=result.exit_code, summary=output.summary_line(result))


def render_result(result, fmt: str) -> int:
    """One check's result: JSON, or the summary line last; failures as `error:` on stderr."""
    from pycert.common import output

    data = output.result_json(result) if fmt == "json" or result_file() else None  # every certificate: not for nothing
    if data is not None:
        save_result(data)
    echo_plans([result], fmt)
    echo_notices([result], fmt)
    click.echo(output.dumps(data) if data is not None and fmt == "json" else output.summary_line(result))
    for message in result.messages:
        click.echo(f"error: {sentence(message)}", err=True)
    return result.exit_code
