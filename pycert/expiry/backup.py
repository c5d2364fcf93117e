"""After a verified import, the staged PFX and its password file leave the staging folder
(Downloads by default): moved into a per-user folder that only that user, SYSTEM and
Administrators can read, or deleted, as `[backup] after_import` says. Never left where
anyone who opens Downloads finds them: the PFX and its password are all it takes to act as
the clinic (manual 001 §2.6, §3.2.3: 厳重に管理; 000 手順6: back them up on external media).

The user is told once, in Japanese, where they went and that they belong on external
media. A failure here never undoes or fails the import: it is reported (an action with
status `failed`, a `pfx=not-moved` item on the summary line) and the files stay where they
were, whole: every copy is written and read back before any original is deleted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pycert.common import logs
from pycert.common.errors import PyCertError
from pycert.common.i18n import N_

NOTICE_TITLE = "電子証明書のバックアップ"


@dataclass(frozen=True)
class PutAwayStep:
    """Move (or delete) one imported PFX and the password file it was opened with."""

    profile: str
    files: tuple[str, ...]  # the PFX first, then its password file when one was used
    mode: str  # "move" | "delete"
    folder: str  # where "move" puts them
    action: str = field(default="backup", init=False)

    def describe(self) -> str:
        names = " and ".join(self.files)
        if self.mode == "delete":
            return f"delete {names} once the import is verified ([backup] after_import = \"delete\")"
        return (f"move {names} into {self.folder} once the import is verified "
                "(readable only by this user and administrators)")

    def as_json(self) -> dict:
        return {"action": self.action, "profile": self.profile, "mode": self.mode, "files": list(self.files),
                "folder": self.folder if self.mode == "move" else None}


def backup_folder(folder: str) -> Path:
    """`[backup] folder` as this user's path: empty means the platform's default."""
    from pycert.platform.private import default_backup_folder

    return Path(os.path.expandvars(os.path.expanduser(folder))) if folder else default_backup_folder()


def plan_step(profile: str, pfx: Path, sidecar: Path | None, after_import: str, folder: str) -> PutAwayStep:
    """The step for one staged file."""
    files = (str(pfx),) + ((str(sidecar),) if sidecar else ())
    return PutAwayStep(profile, files, after_import, str(backup_folder(folder)))


def execute(step: PutAwayStep, notify: Callable[[str, str], str]) -> dict:
    """Do the step; return its `actions` record (status moved | deleted | failed). Never raises
    for a file problem: the import it follows stands either way."""
    record = step.as_json() | {"status": "failed", "error": None, "moved_to": []}
    try:
        if step.mode == "delete":
            for name in step.files:
                Path(name).unlink(missing_ok=True)
            record["status"] = "deleted"
        else:
            record["moved_to"] = _move(step)
            record["status"] = "moved"
    except (OSError, PyCertError) as exc:
        record["error"] = _sentence(step, exc)
    logs.event("backup", record["status"], profile=step.profile, file=step.files[0], to=step.folder,
               error=record["error"])
    if record["status"] != "failed":
        title, body = notice_text(step)
        record["notice"] = {"title": title, "body": body, "channel": _show(notify, title, body)}
    return record


def _show(notify: Callable[[str, str], str], title: str, body: str) -> str:
    try:
        return notify(title, body)
    except Exception:  # a notice that cannot be shown must not turn a finished import into a failure
        return "failed"


def _move(step: PutAwayStep) -> list[str]:
    from pycert.platform.private import make_private_folder, write_private

    folder = Path(step.folder)
    sources = [Path(f) for f in step.files]
    for source in sources:
        if folder.resolve() == source.parent.resolve() or source.parent.resolve() in folder.resolve().parents:
            raise PyCertError(f"the backup folder {folder} is inside the staging folder {source.parent}; "
                              "set [backup] folder to a folder outside it")
    make_private_folder(folder)
    placed = []
    for source in sources:
        data = source.read_bytes()
        target = _free_name(folder, source.name, data)
        if not target.exists():
            write_private(target, data)
        if target.read_bytes() != data:
            raise PyCertError(f"the copy {target} does not read back the same as {source}")
        placed.append(str(target))
    for source in sources:  # only once every copy is there and whole
        source.unlink()
    return placed


def _free_name(folder: Path, name: str, data: bytes) -> Path:
    """`name` in `folder`, or `stem-2.ext`, `stem-3.ext`...: an earlier backup of the same name
    is never overwritten; one with the same bytes is reused."""
    stem, suffix = os.path.splitext(name)
    for n in range(1, 1000):
        candidate = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not candidate.exists() or (candidate.is_file() and candidate.read_bytes() == data):
            return candidate
    raise PyCertError(f"{folder} already holds 999 files named like {name}")


def _sentence(step: PutAwayStep, exc: OSError | PyCertError) -> str:
    reason = exc.message if isinstance(exc, PyCertError) else (exc.strerror or str(exc))
    verb = N_("deleted")
    if step.mode != "delete":
        verb = N_(f"moved into {step.folder}")
    return N_(f"The certificate was imported and verified, but {' and '.join(step.files)} could not be {verb} "
              f"({reason.rstrip('.')}); move them to a safe place by hand.")


def notice_text(step: PutAwayStep) -> tuple[str, str]:
    """What the user reads once (Japanese, the manuals' words: 電子証明書, 外部記録媒体, 厳重に)."""
    pfx = Path(step.files[0])
    source = str(pfx.parent)
    what = f"電子証明書のファイル（{pfx.name}）" + ("とパスワードのファイル" if len(step.files) > 1 else "")
    if step.mode == "delete":
        return NOTICE_TITLE, (f"更新した電子証明書をインポートしました。{what}は「{source}」から削除しました。"
                              "電子証明書のバックアップは、システム管理者の指示に従ってください。")
    return NOTICE_TITLE, (
        f"更新した電子証明書をインポートしました。{what}を「{source}」から「{step.folder}」に移しました"
        "（このユーザーと管理者だけが開けます）。端末の故障や交換に備えて、電子証明書とパスワードを"
        "USBメモリなどの外部記録媒体にもバックアップし、厳重に保管してください。"
    )
