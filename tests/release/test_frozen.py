"""The frozen onedir pycert (Linux build here) against the unfrozen command: same output,
same exit codes, on an isolated Mono store."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess

import pytest
from buildlib.msitables import export_table

from pycert.demo.samples import make_certificate, obn_certificate, utc_now

pytestmark = pytest.mark.packaging


def run_frozen(build, *args: str, xdg, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYCERT_CONFIG", "PYTHONPATH")}
    env.update({"XDG_CONFIG_HOME": str(xdg), **(extra_env or {})})
    return subprocess.run([str(build.exe), *args], capture_output=True, text=True, env=env, timeout=120, cwd=str(xdg))


def test_version_matches_the_unfrozen_command(release_build, cli_sandbox):
    frozen = run_frozen(release_build, "--version", xdg=cli_sandbox.base)
    plain = cli_sandbox.run("--version")
    assert (frozen.returncode, frozen.stdout, frozen.stderr) == (0, f"pycert {release_build.version}\n", "")
    assert (plain.code, plain.stdout, plain.stderr) == (frozen.returncode, frozen.stdout, frozen.stderr)


def test_the_windowless_twin_is_the_same_program_and_is_in_the_msi(release_build, cli_sandbox):
    """pycertw (console=False on Windows: scheduled tasks and reminders at logon) shares the
    onedir's libraries; here it must answer exactly as pycert does, and the MSI carries it."""
    twin = release_build.onedir / "pycertw"
    assert twin.is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("PYCERT_CONFIG", "PYTHONPATH")}
    env["XDG_CONFIG_HOME"] = str(cli_sandbox.base)
    done = subprocess.run([str(twin), "detect", "expiry"], capture_output=True, text=True, env=env, timeout=120)
    frozen = run_frozen(release_build, "detect", "expiry", xdg=cli_sandbox.base)
    assert (done.returncode, done.stdout) == (frozen.returncode, frozen.stdout)
    files = {row["FileName"].split("|")[-1] for row in export_table(release_build.msi, "File")}
    assert {"pycert", "pycertw"} <= files


def test_version_does_not_load_the_dotnet_runtime_but_detect_does(release_build, cli_sandbox):
    # the dynamic loader reports every shared object it maps; libmono only comes with .NET
    traced = {"LD_DEBUG": "files"}
    version = run_frozen(release_build, "--version", xdg=cli_sandbox.base, extra_env=traced)
    detect = run_frozen(release_build, "detect", xdg=cli_sandbox.base, extra_env=traced)
    assert version.returncode == 0 and "libmono" not in version.stderr
    assert "libmono" in detect.stderr  # the same probe sees it when .NET is loaded


def test_detect_json_is_identical_on_an_isolated_store(release_build, cli_sandbox):
    now = utc_now()
    cli_sandbox.seed([
        obn_certificate("0110119153", 40, now),
        obn_certificate("0110119153", 400, now, key_seed=1),
        make_certificate("CN=other,O=Clinic,C=JP", "CN=Other CA,C=JP", now, now.replace(year=now.year + 1)),
    ])
    as_of = now.isoformat()  # both runs judge at the same moment
    frozen = run_frozen(release_build, "detect", "--format", "json", "--as-of", as_of, xdg=cli_sandbox.base)
    plain = cli_sandbox.run("detect", "--format", "json", "--as-of", as_of)
    assert frozen.returncode == plain.code
    assert frozen.stderr == plain.stderr == ""
    frozen_json, plain_json = json.loads(frozen.stdout), json.loads(plain.stdout)
    # both OBN certificates were read from the seeded store (the unrelated one matches no profile)
    assert sorted(c["days_left"] > 100 for c in frozen_json["certificates"]) == [False, True]
    for data in (frozen_json, plain_json):
        data.pop("generated_at", None)
    assert frozen_json == plain_json


def test_detect_line_and_exit_code_are_identical(release_build, cli_sandbox):
    cli_sandbox.seed([obn_certificate("0110119153", 30, utc_now())])
    frozen = run_frozen(release_build, "detect", "expiry", xdg=cli_sandbox.base)
    plain = cli_sandbox.run("detect", "expiry")
    assert frozen.stdout.startswith("NONCOMPLIANT expiry v1")
    assert (frozen.returncode, frozen.stdout, frozen.stderr) == (plain.code, plain.stdout, plain.stderr) == (1, frozen.stdout, "")


def test_bad_config_fails_the_same_way(release_build, cli_sandbox):
    missing = str(cli_sandbox.base / "nope.toml")
    frozen = run_frozen(release_build, "--config", missing, "detect", "expiry", xdg=cli_sandbox.base)
    plain = cli_sandbox.run("--config", missing, "detect", "expiry")
    assert frozen.returncode == 2 and frozen.stderr.startswith("error: The policy file")
    assert (frozen.returncode, frozen.stdout, frozen.stderr) == (plain.code, plain.stdout, plain.stderr)
    assert "Traceback" not in frozen.stderr


def _normalise_demo(text: str) -> str:
    text = re.sub(r"/\S*pycert-demo-\w+", "<sandbox>", text)
    text = re.sub(r"\b[0-9A-F]{8,40}\b", "<hex>", text)  # thumbprints: fresh certificates each run
    return re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", text)


def test_demo_output_matches_the_unfrozen_command(release_build, cli_sandbox):
    frozen = run_frozen(release_build, "demo", xdg=cli_sandbox.base)
    plain = cli_sandbox.run("demo")
    assert frozen.returncode == plain.code == 0, frozen.stderr
    assert "Sandbox store:" in frozen.stdout and "NONCOMPLIANT expiry v1" in frozen.stdout
    assert _normalise_demo(frozen.stdout) == _normalise_demo(plain.stdout)
    assert frozen.stderr == plain.stderr == ""


def _custom_action_argv(build, action: str, policy_dir, value: str) -> list[str]:
    [row] = [r for r in export_table(build.msi, "CustomAction") if r["Action"] == action]
    target = row["Target"].replace("[POLICYDIR]", f"{policy_dir}/")
    return shlex.split(re.sub(r"\[[A-Z]+\]", value, target))


def test_msi_renewal_property_action_updates_the_installed_policy(release_build, tmp_path):
    """What msiexec runs for RENEWALWINDOWDAYS=60, run with the frozen exe on the installed template."""
    from buildlib.versions import ROOT

    policy = tmp_path / "pycert.toml"
    policy.write_bytes((ROOT / "packaging" / "policy" / "pycert.toml").read_bytes())
    argv = _custom_action_argv(release_build, "SetRenewalWindowDays", tmp_path, "60")
    done = run_frozen(release_build, *argv, xdg=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = run_frozen(release_build, "--config", str(policy), "config", "show", "--format", "json", xdg=tmp_path)
    assert json.loads(shown.stdout)["policy"]["profiles"]["obn"]["renewal_window_days"] == 60
    refused = run_frozen(release_build, *_custom_action_argv(release_build, "SetRenewalWindowDays", tmp_path, "abc"),
                         xdg=tmp_path)
    assert refused.returncode == 2  # msiexec sees a failed action and rolls the install back


def test_msi_mpki_property_action_writes_the_required_version(release_build, tmp_path):
    from buildlib.versions import ROOT

    policy = tmp_path / "pycert.toml"
    policy.write_bytes((ROOT / "packaging" / "policy" / "pycert.toml").read_bytes())
    done = run_frozen(release_build, *_custom_action_argv(release_build, "SetMpkiRequiredVersion", tmp_path, "6.1.2"),
                      xdg=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = run_frozen(release_build, "--config", str(policy), "config", "show", "--format", "json", xdg=tmp_path)
    assert json.loads(shown.stdout)["policy"]["mpki"]["required_version"] == "6.1.2"
