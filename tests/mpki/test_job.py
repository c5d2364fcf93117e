"""detect/remediate mpki end to end: real MSIs, a real HTTPS portal on 127.0.0.1, and the
registry and msiexec replaced (they exist only on Windows)."""

import ntpath
from datetime import datetime, timedelta, timezone
from unittest.mock import MagicMock

import pytest

from pycert.platform.windows.kernel32 import KERNEL32
from tests.winfakes import fake_library
from pycert.common import lineformat
from pycert.common import output
from pycert.policy.load import load_policy
from pycert.mpki import job as mpki
from pycert.platform import authenticode
from pycert.platform.windows import msiexec, registry
from tests.mpki.fakes import HKLM, FakeWinreg, uninstall_entry
from tests.mpki.servers import Route

NAME = "Cybertrust Managed PKI Client"
OLD = "{11111111-2222-3333-4444-555555555555}"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def machine(mocker, monkeypatch, tmp_path):
    """A Windows terminal with client 1.0.0 in the 32-bit view. msiexec /x removes it from the
    registry, msiexec /i adds the MSI's product; one parent mock records the order of events."""
    monkeypatch.setenv("SystemRoot", r"C:\Windows")
    monkeypatch.setenv("PYCERT_LOG_DIR", str(tmp_path / "logs"))
    m = MagicMock()
    m.data = {(HKLM, "32"): {OLD: uninstall_entry(NAME, "1.0.0", OLD, r"C:\Program Files (x86)\Cybertrust\MPKI")}}
    m.install_codes = [0]
    mocker.patch.object(registry, "_winreg", side_effect=lambda: FakeWinreg(m.data))

    def spawn(argv):
        m.events.append(("spawn", argv[1] if argv[0].endswith("msiexec.exe") else ntpath.basename(argv[0]),
                         argv[2] if len(argv) > 2 else ""))
        assert ntpath.isabs(argv[0]), f"{argv[0]} is started by bare name (current-directory search)"
        if argv[1] == "/x":
            m.data[(HKLM, "32")].pop(argv[2], None)
            return 0
        if argv[1] == "/i":
            code = m.install_codes.pop(0) if m.install_codes else 0
            if code in (0, 3010, 1641):
                from pycert.mpki import msifile

                props = msifile.read_properties(__import__("pathlib").Path(argv[2]))
                m.data.setdefault((HKLM, "64"), {})[props["ProductCode"]] = uninstall_entry(
                    NAME, props["ProductVersion"], props["ProductCode"])
            return code
        return 0

    m.events = []
    mocker.patch.object(msiexec, "_spawn", side_effect=spawn)
    mocker.patch.object(msiexec, "_sleep")
    kernel32 = MagicMock()
    kernel32.OpenMutexW.return_value = 0

    def lock(path, access, share, security, disposition, flags, template):
        m.events.append(("lock", path, access, share, disposition))
        return 0x77

    kernel32.CreateFileW.side_effect = lock
    kernel32.CloseHandle.side_effect = lambda h: m.events.append(("close", h))
    m.kernel32 = kernel32
    fake_kernel32 = fake_library(KERNEL32, kernel32)
    fake_kernel32.last_errors["OpenMutexW"] = 2  # ERROR_FILE_NOT_FOUND: no installer transaction
    mocker.patch.object(msiexec, "_kernel32", return_value=fake_kernel32)
    mocker.patch.object(msiexec, "_processes", return_value=[(42, r"C:\Program Files (x86)\Cybertrust\MPKI\Tray.exe")])
    real_verify = authenticode.verify

    def verify(path):
        m.events.append(("verify", str(path)))
        return real_verify(path)

    mocker.patch.object(authenticode, "verify", side_effect=verify)
    return m


def make_policy(tmp_path, text):
    path = tmp_path / "policy.toml"
    path.write_text('checks = ["mpki"]\n[mpki]\n' + text, encoding="utf-8")
    return load_policy(str(path)).policy


def line(result):
    return lineformat.parse(output.summary_line(result))


# -- detect -------------------------------------------------------------------------

def test_detect_pinned_version_needs_no_network(machine, tmp_path):
    result = mpki.detect(make_policy(tmp_path, 'required_version = "2.1.0"\nurl = "https://127.0.0.1:9/p/s"\n'), NOW)
    assert result.verdict == "noncompliant" and result.exit_code == 1
    [p] = result.details["installed"]
    assert (p["version"], p["state"], p["registry"]) == ("1.0.0", "outdated", ["HKLM32"])
    parsed = line(result)
    assert parsed.verdict == "NONCOMPLIANT" and parsed.counters == {"required": "2.1.0", "installed": "1"}
    assert parsed.items[0].fields == {"version": "1.0.0", "state": "outdated", "code": OLD}
    assert mpki.detect(make_policy(tmp_path, 'required_version = "1.0.0"\n'), NOW).verdict == "compliant"


def test_detect_latest_downloads_once_then_asks_conditionally_then_works_offline(machine, msis, routes, tmp_path):
    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    policy = make_policy(tmp_path, f'url = "{routes.url("/p/s")}"\nread_timeout = 0.5\nretries = 0\n')
    cache = str(tmp_path / "cache")
    first = mpki.detect(policy, NOW, cache)
    assert first.details["latest"]["source"] == "downloaded" and first.details["required_version"] == "2.1.0"
    assert first.verdict == "noncompliant"
    second = mpki.detect(policy, NOW + timedelta(hours=1), cache)
    assert second.details["latest"]["source"] == "not-modified"
    assert "If-None-Match" in routes.seen[-1].headers and "If-Modified-Since" in routes.seen[-1].headers
    routes.routes["/p/s"] = Route(msis.v2.read_bytes(), stall=3, etag=False)  # the portal stops answering
    third = mpki.detect(policy, NOW + timedelta(hours=6), cache)
    latest = third.details["latest"]
    assert latest["source"] == "cache-offline" and latest["age_seconds"] == 5 * 3600
    assert "did not answer in time" in latest["offline_reason"]
    assert line(third).counters["age_h"] == "5" and third.verdict == "noncompliant"


def test_detect_latest_html_page_is_an_error_and_keeps_the_cache(machine, msis, routes, tmp_path):
    from pycert.common.errors import PlatformError

    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    policy = make_policy(tmp_path, f'url = "{routes.url("/p/s")}"\n')
    cache = str(tmp_path / "cache")
    mpki.detect(policy, NOW, cache)
    routes.routes["/p/s"] = Route(b"<html><body>Please log in to the proxy</body></html>", content_type="text/html")
    with pytest.raises(PlatformError, match="did not send an MSI \\(Content-Type text/html\\)"):
        mpki.detect(policy, NOW, cache)
    # The good answer is still there for the next offline run.
    assert mpki.detect(policy, NOW, cache, offline=True).details["latest"]["version"] == "2.1.0"


# -- remediate ----------------------------------------------------------------------

def pinned(tmp_path, extra=""):
    return make_policy(tmp_path, 'required_version = "2.1.0"\n' + extra)


def test_remediate_verifies_before_uninstalling_then_installs_and_confirms(machine, msis, pki, tmp_path):
    policy = pinned(tmp_path, f'signer_thumbprint = "{pki.signer.thumbprint}"\n')
    result = mpki.remediate(policy, NOW, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "remediated" and result.exit_code == 0, result.messages
    kinds = [e[0] if e[0] != "spawn" else e[1] for e in machine.events]
    assert kinds == ["lock", "verify", "taskkill.exe", "/x", "/i", "close"]
    kept = str(tmp_path / "c" / "mpki" / "given-CybertrustManagedPKIClient.msi")
    assert machine.events[0] == ("lock", kept, 0x80000000, 0x1, 3)  # GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING
    assert machine.events[3] == ("spawn", "/x", OLD) and machine.events[5] == ("close", 0x77)
    assert [(p["version"], p["state"], p["registry"]) for p in result.details["installed"]] == [("2.1.0", "current", ["HKLM64"])]
    assert result.details["before"][0]["version"] == "1.0.0"
    assert line(result).items[0].fields["state"] == "current"
    assert result.details["closed_processes"] == ["tray.exe (pid 42)"]
    logs = [r["log"] for r in result.details["runs"]]
    assert logs[0].endswith(f"mpki-20261121T090000Z-uninstall-{OLD.strip('{}')}.log")
    assert logs[1].endswith("mpki-20261121T090000Z-install.log")
    assert logs[0].startswith(str(tmp_path / "logs"))


@pytest.mark.parametrize("which,reason", [
    ("v2_unsigned", "the file is not signed"),
    ("v2_tampered", "changed after it was signed"),
    ("v1", "older than the required 2.1.0"),
    ("other_name", "ProductName is 'Cybertrust Device Manager'"),
])
def test_a_bad_msi_changes_nothing(machine, msis, tmp_path, which, reason):
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(getattr(msis, which)), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "failed" and result.exit_code == 1
    assert result.messages[0].startswith("Nothing was changed:") and reason in result.messages[0]
    assert [e for e in machine.events if e[0] == "spawn"] == []
    assert OLD in machine.data[(HKLM, "32")]


def test_signer_pin_mismatch_changes_nothing(machine, msis, pki, tmp_path):
    policy = pinned(tmp_path, f'signer_thumbprint = "{pki.signer.thumbprint}"\n')
    result = mpki.remediate(policy, NOW, msi=str(msis.v2_other_signer), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "failed" and "not the pinned" in result.messages[0]
    assert [e for e in machine.events if e[0] == "spawn"] == []


def test_reboot_code_is_success_with_reboot_flag(machine, msis, tmp_path):
    machine.install_codes = [3010]
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "remediated" and result.details["reboot_required"] is True
    assert line(result).counters["reboot"] == "yes"


def test_install_failure_after_uninstall_retries_once_then_fails_loudly(machine, msis, tmp_path):
    machine.install_codes = [1603, 1603]
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "failed" and result.exit_code == 1
    assert [e[1] for e in machine.events if e[0] == "spawn"] == ["taskkill.exe", "/x", "/i", "/i"]
    message = result.messages[0]
    assert message.startswith("THE MPKI CLIENT IS NOW UNINSTALLED")
    for run in result.details["runs"]:
        assert run["log"] in message
    kept = tmp_path / "c" / "mpki" / "given-CybertrustManagedPKIClient.msi"
    assert kept.exists() and str(kept) in message
    parsed = line(result)
    assert parsed.verdict == "FAILED" and parsed.items[0].fields == {"state": "not-installed", "action": "install-by-hand"}
    assert result.details["installed"] == [] and parsed.counters["installed"] == "0"


def test_already_current_does_nothing(machine, msis, tmp_path):
    machine.data[(HKLM, "32")][OLD]["DisplayVersion"] = "2.1.0"
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "compliant" and [e for e in machine.events if e[0] == "spawn"] == []


def test_dry_run_prints_the_plan_and_changes_nothing(machine, msis, tmp_path):
    result = mpki.remediate(pinned(tmp_path), NOW, dry_run=True, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.exit_code == 1 and result.details["dry_run"] is True
    assert [s["action"] for s in result.details["plan"]] == ["wait-mutex", "close-tray", "uninstall", "install", "confirm"]
    assert result.details["plan"][2]["command"].startswith(f"msiexec /x {OLD} /qn /norestart /L*v ")
    assert [e for e in machine.events if e[0] == "spawn"] == []


def test_remediate_latest_from_the_portal_uses_the_cache(machine, msis, routes, tmp_path):
    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    policy = make_policy(tmp_path, f'url = "{routes.url("/p/s")}"\n')
    cache = str(tmp_path / "c")
    mpki.detect(policy, NOW, cache)
    result = mpki.remediate(policy, NOW, cache_dir=cache)
    assert result.verdict == "remediated", result.messages
    assert routes.seen[-1].headers.get("If-None-Match")  # the second request was conditional
    assert result.details["msi"]["path"].endswith("CybertrustManagedPKIClient.msi")


def test_remediate_download_of_html_changes_nothing(machine, routes, tmp_path):
    routes.routes["/p/s"] = Route(b"<!DOCTYPE html><html>login</html>", content_type="text/html")
    policy = make_policy(tmp_path, f'url = "{routes.url("/p/s")}"\n')
    from pycert.common.errors import PlatformError

    with pytest.raises(PlatformError, match="did not send an MSI"):
        mpki.remediate(policy, NOW, cache_dir=str(tmp_path / "c"))
    assert machine.events == []


def test_remediate_from_explicit_url(machine, msis, routes, tmp_path):
    routes.routes["/files/new.msi"] = Route(msis.v2.read_bytes())
    result = mpki.remediate(pinned(tmp_path), NOW, url=routes.url("/files/new.msi"), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "remediated"


def test_msi_swapped_after_verification_changes_nothing(machine, msis, tmp_path, mocker):
    """Where the lock cannot hold (it is mocked here), the re-hash before msiexec still
    catches a file replaced while the checks ran."""
    real_verify = authenticode.verify.side_effect

    def verify_then_swap(path):
        signature = real_verify(path)
        __import__("pathlib").Path(path).write_bytes(msis.v1.read_bytes())
        return signature

    mocker.patch.object(authenticode, "verify", side_effect=verify_then_swap)
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(msis.v2), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "failed" and "changed after it was verified" in result.messages[0]
    assert [e for e in machine.events if e[0] == "spawn"] == [] and machine.events[-1] == ("close", 0x77)


@pytest.mark.parametrize("content,reason", [
    (b"<!DOCTYPE html><html>proxy login</html>", "it is an HTML page"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 700, "the file is damaged"),
])
def test_a_file_that_is_not_an_msi_changes_nothing(machine, tmp_path, content, reason):
    bad = tmp_path / "download.msi"
    bad.write_bytes(content)
    result = mpki.remediate(pinned(tmp_path), NOW, msi=str(bad), cache_dir=str(tmp_path / "c"))
    assert result.verdict == "failed" and result.exit_code == 1
    assert result.messages[0].startswith("Nothing was changed:") and reason in result.messages[0]
    assert [e for e in machine.events if e[0] in ("spawn", "verify")] == []


def test_detect_latest_404_is_an_error_even_with_a_cache(machine, msis, routes, tmp_path):
    from pycert.common.net import DownloadError

    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    policy = make_policy(tmp_path, f'url = "{routes.url("/p/s")}"\nretries = 0\n')
    cache = str(tmp_path / "cache")
    mpki.detect(policy, NOW, cache)
    del routes.routes["/p/s"]  # the portal moved the file: a wrong URL must not hide behind the cache
    with pytest.raises(DownloadError, match="HTTP 404"):
        mpki.detect(policy, NOW, cache)


def test_detect_latest_offline_without_a_cache_is_an_error(machine, tmp_path):
    from pycert.common.net import DownloadError

    policy = make_policy(tmp_path, 'url = "https://127.0.0.1:9/p/s"\nretries = 0\nconnect_timeout = 2\n')
    with pytest.raises(DownloadError, match="could not be reached"):
        mpki.detect(policy, NOW, str(tmp_path / "cache"))
