"""The 対処 (next action) of a device, decided from what its result says: pure, no I/O.

One device can need several things; they come worst first, each once:

| order | action code    | when (from the parsed result)                                              |
|-------|----------------|----------------------------------------------------------------------------|
| 1     | `failed`       | the run failed: its reason from the line's `error message=` or JSON        |
| 1     | `store-error`  | a certificate store could not be read (`state=error`)                      |
| 1     | `root-unknown` | a root pin is `unknown`: a store that could hold it could not be read      |
| 2     | `reissue`      | an expiry certificate is `expired` (renewal is no longer possible)         |
| 3     | `upgrade-mpki` | the MPKI client is `outdated`, `unreadable` or `not-msi`                   |
| 4     | `renew-mpki`   | a certificate is `due`/`urgent` and the MPKI client is installed           |
| 4     | `renew-site`   | a certificate is `due`/`urgent` and no MPKI client was reported            |
| 5     | `install-mpki` | the MPKI client is `missing` / `not-installed`                             |
| 6     | `install-root` | a pinned root is `missing` or `expired`                                    |
| 7     | `install-cert` | a required profile has no certificate (`missing`)                          |

"MPKI client installed" means the same result reports a client item in a state that
means installed (current, outdated, unreadable, not-msi); a result without the mpki
check says nothing about it, so renewal goes to the site, which needs only the current
certificate. Superseded certificates never ask for anything.
"""

from __future__ import annotations

from typing import NamedTuple

from pycert.report.model import DeviceReport

RENEWABLE = frozenset({"due", "urgent"})
MPKI_INSTALLED = frozenset({"current", "outdated", "unreadable", "not-msi"})
MPKI_UPGRADE = frozenset({"outdated", "unreadable", "not-msi"})
MPKI_INSTALL = frozenset({"missing", "not-installed"})
ROOT_INSTALL = frozenset({"missing", "expired"})
# States that ask for nothing, whatever the check (a device with only these has no action).
QUIET = frozenset({"ok", "superseded", "not-yet-valid", "current", "installed", "expiring"})
ORDER = ("failed", "reissue", "upgrade-mpki", "renew-mpki", "renew-site", "install-mpki", "install-root", "install-cert")


class Action(NamedTuple):
    code: str
    detail: str = ""  # the reason of a `failed` action


def next_actions(report: DeviceReport) -> tuple[Action, ...]:
    """What to do next on this device, worst first (empty: nothing to do)."""
    counted = {state for state, n in report.state_counts.items() if n}
    if not report.reason and report.verdict != "failed" and counted <= QUIET \
            and QUIET.issuperset([c.state for c in report.certs]):
        return ()  # most of a fleet: one pass and out
    states: dict[str, set[str]] = {"expiry": counted, "mpki": set(), "rootca": set()}
    for cert in report.certs:
        states.setdefault(cert.check, set()).add(cert.state)
    expiry, mpki, roots = states["expiry"], states["mpki"], states["rootca"]
    failures: list[Action] = []
    if report.reason or report.verdict == "failed" or "error" in expiry or "unknown" in roots:
        failures = _failures(report)
    found = []  # in ORDER
    if "expired" in expiry:
        found.append(_PLAIN["reissue"])
    if mpki & MPKI_UPGRADE:
        found.append(_PLAIN["upgrade-mpki"])
    if expiry & RENEWABLE:
        found.append(_PLAIN["renew-mpki" if mpki & MPKI_INSTALLED else "renew-site"])
    if mpki & MPKI_INSTALL:
        found.append(_PLAIN["install-mpki"])
    if roots & ROOT_INSTALL:
        found.append(_PLAIN["install-root"])
    if "missing" in expiry:
        found.append(_PLAIN["install-cert"])
    if failures:
        return (*failures, *found)
    shared = tuple(found)
    return _SHARED.setdefault(shared, shared)  # a fleet has few distinct lists: one tuple each


def _failures(report: DeviceReport) -> list[Action]:
    failures: list[Action] = []
    if report.reason:
        failures.append(Action("failed", report.reason))
    elif report.verdict == "failed" and not any(c.state in ("error", "unknown") for c in report.certs):
        failures.append(Action("failed"))  # a FAILED result that says no more
    for cert in report.certs:
        if cert.state == "error" and Action("store-error", cert.cn) not in failures \
                and not (cert.cn and cert.cn in report.reason):  # the reason already names that store
            failures.append(Action("store-error", cert.cn))
        elif cert.check == "rootca" and cert.state == "unknown" and Action("root-unknown") not in failures:
            failures.append(Action("root-unknown"))
    return failures


_PLAIN = {code: Action(code) for code in ORDER}
_SHARED: dict[tuple, tuple] = {}


WORDS = {
    "ja": {
        "failed": "失敗: {detail}",
        "store-error": "失敗: 証明書ストアを読めません ({detail})",
        "root-unknown": "失敗: ルート証明書のストアを読めません",
        "reissue": "期限切れ: 再発行申請",
        "upgrade-mpki": "MPKIクライアントを更新",
        "renew-mpki": "MPKIクライアントで更新",
        "renew-site": "更新サイトで更新 (/p/ru)",
        "install-mpki": "MPKIクライアントを導入 (/p/s)",
        "install-root": "ルート証明書を導入",
        "install-cert": "証明書を導入 (/p/rcd)",
        "no-detail": "理由の記録なし",
    },
    "en": {
        "failed": "Failed: {detail}",
        "store-error": "Failed: cannot read the certificate store ({detail})",
        "root-unknown": "Failed: cannot read the root certificate stores",
        "reissue": "Expired: apply for reissue",
        "upgrade-mpki": "Upgrade the MPKI client",
        "renew-mpki": "Renew with the MPKI client",
        "renew-site": "Renew on the renewal site (/p/ru)",
        "install-mpki": "Install the MPKI client (/p/s)",
        "install-root": "Install the root certificate",
        "install-cert": "Install the certificate (/p/rcd)",
        "no-detail": "no reason recorded",
    },
}


def describe(actions: tuple[Action, ...], lang: str = "ja") -> str:
    """The 対処 cell: the actions in people's words, joined with ' / '."""
    words = WORDS[lang]
    return " / ".join(words[a.code].format(detail=a.detail or words["no-detail"]) if a.detail or a.code == "failed"
                      else words[a.code].replace(" ({detail})", "") for a in actions)


def short(code: str, lang: str = "ja") -> str:
    """An action's name without its detail, for counts and filters (`失敗`)."""
    return WORDS[lang][code].replace(": {detail}", "").replace(" ({detail})", "")
