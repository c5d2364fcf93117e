"""Reminders through the policy: the family's texts, the `[notify]` contact, and no
duplicate of the MPKI client's own notices (its presence read from the Uninstall entries,
the registry replaced by tests/mpki/fakes.FakeWinreg: it exists only on Windows)."""

import json
import sys
from datetime import datetime, timezone

import pytest

from pycert.common.model import Finding, State
from pycert.expiry import reminders
from pycert.demo import samples
from pycert.pfx.reader import certificate_info
from pycert.platform.windows import registry
from pycert.policy.models import BUILTIN_POLICY, Policy
from tests.mpki.fakes import HKLM, FakeWinreg, uninstall_entry

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
CLIENT = "{11111111-2222-3333-4444-555555555555}"


def policy(**extra) -> Policy:
    data = json.loads(json.dumps(BUILTIN_POLICY))
    data["profiles"]["orca"] = {"match": {"issuer_contains": ["ORCA"]}, "notice": {"family": "weborca"}}
    for key, value in extra.items():
        data[key] = value
    return Policy.model_validate(data)


def finding(profile: str, days: int, state: State = State.DUE) -> Finding:
    info = certificate_info(samples.obn_certificate("0110119153", days, NOW).certificate)
    return Finding(profile, info, state, days)


class Shown:
    def __init__(self):
        self.calls = []

    def __call__(self, title, body):
        self.calls.append((title, body))
        return "toast"


def no_client(_policy):
    return False


def test_the_contact_from_the_policy_ends_every_notice(tmp_path):
    shown = Shown()
    with_contact = policy(notify={"contact_name": "ABCメディカル", "contact_phone": "03-1234-5678"})
    reminders.remind([finding("obn", 44), finding("orca", 3)], tmp_path, shown, with_contact, no_client)
    assert [body.splitlines()[-1] for _, body in shown.calls] == [
        "わからないときの連絡先: ABCメディカル（電話 03-1234-5678）",
        "更新できないときは、すぐに連絡してください: ABCメディカル（電話 03-1234-5678）",
    ]


def test_each_profile_speaks_for_its_family(tmp_path):
    shown = Shown()
    notices = reminders.remind([finding("orca", 20)], tmp_path, shown, policy(), no_client)
    [(title, body)] = shown.calls
    assert title == "【要対応】電子証明書を更新してください" and notices[0].tier == "action"
    assert body.startswith("WebORCAで使う電子証明書（0110119153）")
    assert "レセプトオンライン請求" not in body and "MPKI" not in body


def test_the_expired_milestone_comes_on_the_expiry_day_once_the_moment_has_passed(tmp_path):
    shown = Shown()
    [notice] = reminders.remind([finding("obn", 0, State.EXPIRED)], tmp_path, shown, policy(), no_client)
    assert (notice.milestone, notice.tier, notice.title) == ("expired", "expired", "【期限切れ】電子証明書の有効期限が切れました")


@pytest.fixture
def mpki_installed(mocker):
    data = {(HKLM, "64"): {CLIENT: uninstall_entry("Cybertrust Managed PKI Client", "2.1.0", CLIENT)}}
    return mocker.patch.object(registry, "_winreg", side_effect=lambda: FakeWinreg(data))


def test_obn_notices_are_left_to_the_installed_mpki_client(tmp_path, mpki_installed):
    shown = Shown()
    notices = reminders.remind([finding("obn", 30), finding("orca", 30)], tmp_path, shown, policy())
    assert [(n.channel, n.reason) for n in notices] == [("suppressed", reminders.MPKI_REASON), ("toast", "")]
    assert len(shown.calls) == 1 and shown.calls[0][1].startswith("WebORCA")  # WebORCA is not the client's
    state = json.loads((tmp_path / reminders.STATE_FILE).read_text(encoding="utf-8"))["shown"]
    assert list(state.values()) == [["day-30"]]  # only the WebORCA one counts as shown


def test_the_policy_can_turn_obn_notices_on_beside_the_mpki_client(tmp_path, mpki_installed):
    shown = Shown()
    notices = reminders.remind([finding("obn", 30)], tmp_path, shown, policy(notify={"alongside_mpki_client": True}))
    assert [n.channel for n in notices] == ["toast"] and len(shown.calls) == 1
    assert mpki_installed.call_count == 0  # nothing to decide: the registry is not read


def test_without_the_client_obn_notices_are_shown(tmp_path, mocker):
    other = {(HKLM, "64"): {"{X}": uninstall_entry("Some Other App", "1.0", "{X}")}}
    mocker.patch.object(registry, "_winreg", side_effect=lambda: FakeWinreg(other))
    assert [n.channel for n in reminders.remind([finding("obn", 30)], tmp_path, Shown(), policy())] == ["toast"]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has a registry to read")
def test_where_the_registry_cannot_say_obn_notices_are_shown(tmp_path):
    """Off Windows (this machine): no registry, so no known client, so PyCert speaks."""
    assert reminders.mpki_client_installed(policy()) is None
    assert [n.channel for n in reminders.remind([finding("obn", 30)], tmp_path, Shown(), policy())] == ["toast"]
