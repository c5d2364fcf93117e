"""rootca against the real Mono X509Store of this process (CurrentUser\\Root = Mono's Trust
folder in the test sandbox). Mono's LocalMachine store is shared by the whole machine, so
these policies count CurrentUser\\Root only, or the machine store is stood in for."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pycert.policy.models import ROOTCA2_SHA256
from pycert.common.errors import PlatformError, UsageError
from pycert.rootca import job as rootca
from pycert.common.model import StoreRef
from pycert.platform.dotnet import ALLOW_MONO_MACHINE_STORE
from tests.rootca_samples import (
    ROOTCA2_SHA1, USER_ONLY, UserOnlyMachine, extra_pem, impostor_der, one_byte_changed_der, policy, rootca2_der, rootca2_pem, sha256,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
USER_ROOT = StoreRef("CurrentUser", "Root")
USER_POLICY = policy(pin=USER_ONLY)


@pytest.fixture(autouse=True)
def never_elevated(mocker):
    """This test process runs as root here; nothing may decide to write the machine store."""
    return mocker.patch("pycert.platform.elevation.is_elevated", return_value=False)


def trust_files(mono_store):
    return {p.name: p.read_bytes() for p in mono_store.files("Trust")}


def write(tmp_path, name, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_empty_detect_remediate_detect_remediate_again(mono_store, never_elevated):
    backend = mono_store.backend
    first = rootca.detect(USER_POLICY, backend, NOW)
    assert (first.verdict, first.exit_code) == ("noncompliant", 1)
    assert first.details["roots"][0]["state"] == "missing"

    done = rootca.remediate(USER_POLICY, backend, NOW)
    assert (done.verdict, done.exit_code, done.messages) == ("remediated", 0, [])
    assert done.details["actions"] == [{
        "pin": "Security Communication RootCA2", "sha256": ROOTCA2_SHA256, "source": "bundled",
        "store": "CurrentUser\\Root", "action": "installed",
    }]
    [installed] = backend.read(USER_ROOT).certificates
    assert (installed.thumbprint, installed.sha256) == (ROOTCA2_SHA1, ROOTCA2_SHA256)
    assert [f.read_bytes() for f in mono_store.files("Trust")] == [rootca2_der()]

    second = rootca.detect(USER_POLICY, backend, NOW)
    assert (second.verdict, second.exit_code) == ("compliant", 0)
    assert second.details["roots"][0]["installed_in"] == ["CurrentUser\\Root"]
    # 2026-11-21 (21:00 JST) to 2029-05-29 (14:00 JST): 920 calendar days in Japan time.
    assert second.details["roots"][0]["days_left"] == 920

    files = {p: p.stat().st_mtime_ns for p in mono_store.files("Trust")}
    again = rootca.remediate(USER_POLICY, backend, NOW)
    assert (again.verdict, again.exit_code, again.details["changed"], again.details["actions"]) == ("compliant", 0, 0, [])
    assert {p: p.stat().st_mtime_ns for p in mono_store.files("Trust")} == files
    never_elevated.assert_not_called()  # scope user never needs to ask


def test_dry_run_plans_and_changes_nothing(mono_store):
    result = rootca.remediate(USER_POLICY, mono_store.backend, NOW, dry_run=True)
    assert (result.verdict, result.exit_code) == ("noncompliant", 1)
    assert result.details["actions"][0]["action"] == "would-install"
    assert mono_store.files("Trust") == []


def test_warns_a_year_ahead_but_stays_compliant(mono_store):
    mono_store.add(type("S", (), {"der": rootca2_der()}), "CurrentUser\\Root")
    late = datetime(2028, 6, 1, tzinfo=timezone.utc)
    result = rootca.detect(USER_POLICY, mono_store.backend, late)
    assert (result.verdict, result.exit_code) == ("compliant", 0)
    assert result.details["roots"][0]["state"] == "expiring"
    assert result.details["warnings"] == [
        "Security Communication RootCA2 expires on 2029-05-29 (in 362 days); plan its successor root and add its pin to the policy."
    ]
    expired = rootca.detect(USER_POLICY, mono_store.backend, datetime(2029, 6, 1, tzinfo=timezone.utc))
    assert (expired.verdict, expired.details["roots"][0]["state"]) == ("noncompliant", "expired")


@pytest.mark.parametrize(
    "data, name",
    [(impostor_der(), "same subject, another key"), (one_byte_changed_der(), "one byte changed")],
    ids=["impostor", "one-byte"],
)
def test_look_alikes_are_refused_before_any_store_is_opened(mono_store, mocker, tmp_path, data, name):
    add = mocker.spy(mono_store.backend, "add_der")
    result = rootca.remediate(USER_POLICY, mono_store.backend, NOW, source=write(tmp_path, "root.cer", data))
    assert (result.verdict, result.exit_code) == ("failed", 1)
    assert result.details["actions"][0]["action"] == "not-in-source"
    [refused] = result.details["refused"]
    assert refused["sha256"] == sha256(data) != ROOTCA2_SHA256
    assert "Security Communication RootCA2" in refused["subject"]
    assert any("refused because their SHA-256 is not pinned" in m for m in result.messages)
    add.assert_not_called()
    assert mono_store.files("Trust") == []


def test_bundle_installs_only_the_pinned_root_and_reports_the_rest(mono_store, tmp_path):
    bundle = extra_pem("Extra One") + rootca2_pem() + extra_pem("Extra One")
    result = rootca.remediate(USER_POLICY, mono_store.backend, NOW, source=write(tmp_path, "bundle.pem", bundle))
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert [r["subject"] for r in result.details["refused"]] == ["CN=Extra One"]
    assert result.messages == []  # extras beside the root are reported, not errors (stderr fails Intune scripts)
    assert [c.sha256 for c in mono_store.backend.read(USER_ROOT).certificates] == [ROOTCA2_SHA256]


@pytest.mark.parametrize(
    "data, reason",
    [(b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "it is an HTML page"),
     (b"", "it is empty")],
)
def test_a_file_without_a_certificate_is_a_usage_error(mono_store, tmp_path, data, reason):
    path = write(tmp_path, "cert", data)
    with pytest.raises(UsageError, match=reason) as caught:
        rootca.remediate(USER_POLICY, mono_store.backend, NOW, source=path)
    assert caught.value.message.startswith(f"--source {path} holds no certificate")
    assert mono_store.files("Trust") == []


def test_missing_source_file_is_a_usage_error(mono_store, tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        rootca.remediate(USER_POLICY, mono_store.backend, NOW, source=str(tmp_path / "nope.cer"))


def test_auto_scope_without_elevation_installs_nothing(mono_store, never_elevated):
    result = rootca.remediate(policy(pin={"stores": ["LocalMachine\\Root", "CurrentUser\\Root"]}),
                              UserOnlyMachine(mono_store.backend), NOW)
    assert (result.verdict, result.exit_code) == ("failed", 1)
    assert result.details["actions"][0]["action"] == "needs-elevation"
    assert "pass --scope user" in result.messages[0]
    never_elevated.assert_called_once_with()
    assert mono_store.files("Trust") == []


def test_scope_outside_the_pins_stores_is_a_usage_error(mono_store):
    with pytest.raises(UsageError, match="which its pin does not count"):
        rootca.remediate(USER_POLICY, mono_store.backend, NOW, scope="machine")


def test_elevated_auto_installs_into_the_machine_store(mono_store, never_elevated):
    never_elevated.return_value = True
    backend = UserOnlyMachine(mono_store.backend)
    result = rootca.remediate(policy(), backend, NOW)
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert backend.machine_adds == [(StoreRef("LocalMachine", "Root"), rootca2_der())]
    assert result.details["roots"][0]["installed_in"] == ["LocalMachine\\Root"]
    assert mono_store.files("Trust") == []


def test_monos_machine_store_is_never_written_by_accident(mono_store, never_elevated, monkeypatch, tmp_path):
    """Even elevated (this process is root), the real backend refuses Mono's shared machine store."""
    monkeypatch.delenv(ALLOW_MONO_MACHINE_STORE, raising=False)
    never_elevated.return_value = True
    test_root = extra_pem("PyCert Test Root")
    pinned = policy(pin=None, rootca={"pins": [{"name": "test", "sha256": sha256(_der(test_root))}]})
    machine = StoreRef("LocalMachine", "Root")
    before = [c.sha256 for c in mono_store.backend.read(machine).certificates]
    with pytest.raises(PlatformError, match="Refusing to change Mono's machine-wide store LocalMachine"):
        rootca.remediate(pinned, mono_store.backend, NOW, source=write(tmp_path, "t.pem", test_root))
    assert [c.sha256 for c in mono_store.backend.read(machine).certificates] == before


def _der(pem: bytes) -> bytes:
    from pycert.common.certparse import parse_certificates

    return parse_certificates(pem)[0].der


def test_a_hostile_source_name_is_shortened_to_one_line(mono_store, tmp_path):
    path = str(tmp_path / ("x" * 200 + "\n\x1b[31m" + "y" * 200))
    with pytest.raises(UsageError) as caught:
        rootca.remediate(USER_POLICY, mono_store.backend, NOW, source=path)
    message = caught.value.message
    assert "\n" not in message and "\x1b" not in message
    assert "..." in message and len(message) < 250
