"""`pycert detect|remediate rootca` and `pycert rootca list` as real processes on a sandbox store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycert.common import lineformat
from pycert.common.certparse import parse_certificates
from pycert.policy.models import ROOTCA2_SHA256
from tests.rootca_samples import extra_pem, sha256

USER_PIN = f'''
checks = ["expiry", "rootca"]
[[rootca.pins]]
name = "Security Communication RootCA2"
sha256 = "{ROOTCA2_SHA256}"
stores = ["CurrentUser\\\\Root"]
scope = "user"
'''
# The shipped RootCA2 expires 2029-05-29 and is "expiring" from 365 days before: the tests
# that install it judge the stores as on this date, so they do not depend on today's
# (docs/reliability.md 4d, run under faketime at 2030).
AS_OF = "2027-06-01"
MONO_MACHINE_TRUST = Path("/usr/share/.mono/certs/Trust")
DEBIAN_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def trust(cli_sandbox) -> list[Path]:
    return sorted((cli_sandbox.base / ".mono" / "certs" / "Trust").glob("*.cer"))


def test_detect_remediate_detect_remediate_again(cli_sandbox):
    cli_sandbox.write_policy(USER_PIN)
    first = cli_sandbox.run("detect", "rootca", "--as-of", AS_OF)
    assert (first.code, first.stderr) == (1, "")
    assert first.last_line == 'NONCOMPLIANT rootca v1 pins=1 missing=1 | "Security Communication RootCA2" state=missing store=-'

    plan = cli_sandbox.run("remediate", "--dry-run", "rootca", "--as-of", AS_OF)  # the group's flag reaches the sub-command
    assert plan.code == 1 and "action=would-install" in plan.last_line and trust(cli_sandbox) == []

    log_dir = cli_sandbox.base / "logs"
    done = cli_sandbox.run("remediate", "rootca", "--as-of", AS_OF, env={"PYCERT_LOG_DIR": str(log_dir)})
    assert (done.code, done.stderr) == (0, "")
    [log] = log_dir.glob("*.log")
    assert (
        f'action=rootca result=installed pin="Security Communication RootCA2" sha256="{ROOTCA2_SHA256}" '
        'store="CurrentUser\\Root" source="bundled" dry_run="False"'
    ) in log.read_text(encoding="utf-8")
    line = lineformat.parse(done.last_line)
    assert (line.verdict, line.counters["changed"]) == ("REMEDIATED", "1")
    assert line.items[0].fields == {"action": "installed", "store": "CurrentUser\\Root"}
    [installed] = trust(cli_sandbox)

    result_file = cli_sandbox.base / "results" / "terminal.json"
    result_file.parent.mkdir()
    second = cli_sandbox.run("detect", "rootca", "--as-of", AS_OF, "--format", "json", "--result-file", str(result_file))
    data = json.loads(second.stdout)
    assert json.loads(result_file.read_text(encoding="utf-8"))["roots"] == data["roots"]
    assert (second.code, data["verdict"], data["roots"][0]["installed_in"]) == (0, "compliant", ["CurrentUser\\Root"])

    again = cli_sandbox.run("remediate", "rootca", "--as-of", AS_OF)
    assert again.code == 0 and again.last_line.startswith("COMPLIANT rootca v1 pins=1 installed=1 changed=0")
    assert trust(cli_sandbox) == [installed]

    listing = cli_sandbox.run("rootca", "list", "--as-of", AS_OF)
    assert listing.code == 0
    assert listing.stdout.splitlines()[1].split() == [
        "installed", "yes", "2029-05-29", "Security", "Communication", "RootCA2", "CurrentUser\\Root", ROOTCA2_SHA256,
    ]

    both = cli_sandbox.run("detect", "--as-of", AS_OF)
    assert "rootca=compliant" in both.last_line


def test_html_source_is_one_sentence_exit_2_and_a_failed_line(cli_sandbox):
    cli_sandbox.write_policy(USER_PIN)
    page = cli_sandbox.base / "cert"
    page.write_text("<html><body>Service unavailable</body></html>")
    run = cli_sandbox.run("remediate", "rootca", "--source", str(page))
    assert run.code == 2
    assert run.last_line.startswith("FAILED rootca v1 exit=2 | error message=")
    assert run.stderr == (
        f"error: --source {page} holds no certificate: it is an HTML page (often a proxy login or an error page); "
        "give a DER, PEM or PKCS#7 file.\n"
    )
    assert trust(cli_sandbox) == []


def test_refusal_exits_1_with_the_refused_certificate_on_the_line(cli_sandbox):
    cli_sandbox.write_policy(USER_PIN)
    other = cli_sandbox.base / "other.pem"
    other.write_bytes(extra_pem("Not The Root"))
    run = cli_sandbox.run("remediate", "rootca", "--source", str(other), "--scope", "user")
    assert run.code == 1
    line = lineformat.parse(run.last_line)
    assert line.verdict == "FAILED"
    assert [i.word for i in line.items] == ["Security Communication RootCA2", "Security Communication RootCA2", "refused"]
    assert line.items[0].fields["action"] == "not-in-source"
    assert line.items[2].fields == {"subject": "CN=Not The Root", "sha256": sha256(_der(other))[:16]}
    assert "refused because their SHA-256 is not pinned" in run.stderr
    assert trust(cli_sandbox) == []


@pytest.mark.skipif(not DEBIAN_BUNDLE.exists(), reason=f"{DEBIAN_BUNDLE} is not installed (Debian package ca-certificates)")
def test_a_whole_ca_bundle_installs_only_the_pin_and_the_line_stays_short(cli_sandbox):
    cli_sandbox.write_policy(USER_PIN)
    run = cli_sandbox.run("remediate", "rootca", "--source", str(DEBIAN_BUNDLE), "--as-of", AS_OF)
    assert (run.code, run.stderr) == (0, "")
    assert len(run.last_line) <= lineformat.MAX_LINE
    line = lineformat.parse(run.last_line)
    assert line.verdict == "REMEDIATED"
    assert [i.word for i in line.items[:2]] == ["Security Communication RootCA2"] * 2
    assert line.items[1].fields["state"] == "installed"
    others = len(parse_certificates(DEBIAN_BUNDLE.read_bytes())) - 1
    assert line.counters["refused"] == str(others)
    assert 0 < line.more < others  # the refused list is cut at the end, never the pin's items
    [installed] = trust(cli_sandbox)
    assert sha256(installed.read_bytes()) == ROOTCA2_SHA256


def test_bad_pin_in_the_policy_names_the_line(cli_sandbox):
    path = cli_sandbox.write_policy('[[rootca.pins]]\nname = "x"\nsha256 = "nope"\n')
    run = cli_sandbox.run("config", "validate", str(path))
    assert run.code == 2
    assert run.stderr == (
        f"{path}, line 3: rootca.pins.0.sha256: a SHA-256 fingerprint is 64 hexadecimal digits "
        "(colons and spaces are allowed).\n"
    )


def test_elevated_on_linux_still_never_writes_monos_machine_store(cli_sandbox):
    """This machine runs the tests as root: `auto` means LocalMachine\\Root, which on Mono is the
    machine-wide folder; the backend refuses it unless explicitly allowed."""
    test_root = cli_sandbox.base / "test-root.pem"
    test_root.write_bytes(extra_pem("PyCert Test Root"))
    cli_sandbox.write_policy(f'[[rootca.pins]]\nname = "test"\nsha256 = "{sha256(_der(test_root))}"\n')
    before = sorted(p.name for p in MONO_MACHINE_TRUST.glob("*")) if MONO_MACHINE_TRUST.exists() else []
    run = cli_sandbox.run("remediate", "rootca", "--source", str(test_root), env={"PYCERT_ALLOW_MONO_MACHINE_STORE": ""})
    after = sorted(p.name for p in MONO_MACHINE_TRUST.glob("*")) if MONO_MACHINE_TRUST.exists() else []
    assert after == before
    if run.code == 1:  # not root: the job itself declined
        assert "action=needs-elevation" in run.last_line
    else:
        assert run.code == 3
        assert "Refusing to change Mono's machine-wide store LocalMachine\\Root" in run.stderr
    assert "Traceback" not in run.stderr


def _der(path: Path) -> bytes:
    return parse_certificates(path.read_bytes())[0].der
