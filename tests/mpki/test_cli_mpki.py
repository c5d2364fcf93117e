"""The mpki commands through the real CLI (in-process where the registry must be replaced)."""

import json

import pytest

from pycert import cli
from pycert.common import lineformat
from tests.conftest import run_cli
from tests.mpki.test_job import OLD, machine  # noqa: F401  (fixture)


@pytest.fixture
def policy(tmp_path, monkeypatch):
    def write(text):
        path = tmp_path / "pycert.toml"
        path.write_text('checks = ["mpki"]\n[mpki]\n' + text, encoding="utf-8")
        monkeypatch.setenv("PYCERT_CONFIG", str(path))
        return path
    return write


def test_remediate_dry_run_prints_the_exact_plan_then_the_summary(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    code = cli.run(["remediate", "mpki", "--dry-run", "--msi", str(msis.v2), "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1 and err == ""
    kept = tmp_path / "c" / "mpki" / "given-CybertrustManagedPKIClient.msi"
    assert lines[0] == "plan: wait for Global\\_MSIExecute (no other installation running)"
    assert lines[1] == "plan: close the client's tray process(es) running from C:\\Program Files (x86)\\Cybertrust\\MPKI"
    assert lines[2].startswith(f"plan: msiexec /x {OLD} /qn /norestart /L*v ") and lines[2].endswith(".log")
    assert lines[3].startswith(f"plan: msiexec /i {kept} /qn /norestart /L*v ")
    assert lines[4] == "plan: re-read the Uninstall keys and confirm version 2.1.0 or newer"
    summary = lineformat.parse(lines[-1])
    assert summary.verdict == "NONCOMPLIANT" and summary.counters["dry_run"] == "yes"
    assert [e for e in machine.events if e[0] == "spawn"] == []


def test_group_level_dry_run_flag_also_works(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    code = cli.run(["remediate", "--dry-run", "mpki", "--msi", str(msis.v2), "--cache-dir", str(tmp_path / "c")])
    assert code == 1 and "plan: msiexec /x" in capsys.readouterr().out
    assert [e for e in machine.events if e[0] == "spawn"] == []


def test_remediate_prints_runs_and_remediated_line(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    code = cli.run(["remediate", "mpki", "--msi", str(msis.v2), "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert f"ran: msiexec /x {OLD} -> exit 0 (ok)" in out
    assert lineformat.parse(out.splitlines()[-1]).verdict == "REMEDIATED"


def test_rejected_msi_fails_with_one_error_line(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    code = cli.run(["remediate", "mpki", "--msi", str(msis.v2_unsigned), "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("error: Nothing was changed:") and err.count("\n") == 1
    assert lineformat.parse(out.splitlines()[-1]).verdict == "FAILED"


def test_msi_and_url_together_is_a_usage_error(machine, policy, tmp_path, capsys):
    policy("")
    code = cli.run(["remediate", "mpki", "--msi", "a.msi", "--url", "https://x/y.msi"])
    out, err = capsys.readouterr()
    assert code == 2 and "cannot be used together" in err and out.splitlines()[-1].startswith("FAILED mpki v1 exit=2")


def test_status_table_and_json(machine, policy, capsys):
    policy('required_version = "2.1.0"\n')
    assert cli.run(["mpki", "status"]) == 1
    out = capsys.readouterr().out
    assert "Installed   : 1.0.0  " + OLD + "  [HKLM32]  outdated" in out and "Required    : 2.1.0 (policy)" in out
    assert cli.run(["mpki", "status", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["installed"][0]["registry"] == ["HKLM32"] and data["required_version"] == "2.1.0"


def test_status_offline_without_cache_says_what_to_do(machine, policy, tmp_path, capsys):
    policy("")
    assert cli.run(["mpki", "status", "--offline", "--cache-dir", str(tmp_path / "empty")]) == 3
    assert "No cached answer" in capsys.readouterr().err


@pytest.mark.parametrize("text,fragment", [
    ('required_version = "2.x"\n', "line 4: mpki.required_version: '2.x' is not an MSI version"),
    ('signer_thumbprint = "abc"\n', "mpki.signer_thumbprint: a thumbprint is 40 hexadecimal digits"),
    ('url = "ftp://x"\n', "mpki.url: 'ftp://x' is not an http(s) URL"),
    ('colour = "red"\n', "mpki.colour: unknown key"),
])
def test_policy_errors_name_the_line(tmp_path, text, fragment):
    path = tmp_path / "p.toml"
    path.write_text('checks = ["mpki"]\n\n[mpki]\n' + text, encoding="utf-8")
    res = run_cli(["config", "validate", str(path)], xdg=tmp_path)
    assert res.code == 2 and fragment in res.stderr, res.stderr


def test_proxy_user_without_password_variable(machine, policy, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PYCERT_PROXY_PASSWORD", raising=False)
    policy('proxy = "http://127.0.0.1:9"\nproxy_user = "clinic"\n')
    assert cli.run(["detect", "mpki", "--cache-dir", str(tmp_path / "c")]) == 2
    assert "PYCERT_PROXY_PASSWORD" in capsys.readouterr().err


def test_on_linux_detect_says_it_needs_windows(tmp_path):
    res = run_cli(["detect", "mpki"], xdg=tmp_path)
    assert res.code == 3
    assert res.last_line.startswith("FAILED mpki v1 exit=3")
    assert res.stderr == "error: Reading installed programs needs the Windows registry; run this command on the Windows terminal.\n"


def test_detect_all_runs_mpki_with_expiry(machine, mono_store, tmp_path, monkeypatch, capsys):
    path = tmp_path / "all.toml"
    path.write_text('checks = ["expiry", "mpki"]\n[mpki]\nrequired_version = "2.1.0"\n', encoding="utf-8")
    monkeypatch.setenv("PYCERT_CONFIG", str(path))
    assert cli.run(["detect"]) == 1
    summary = lineformat.parse(capsys.readouterr().out.splitlines()[-1])
    assert summary.check == "all" and summary.counters == {"expiry": "noncompliant", "mpki": "noncompliant"}
    assert any(i.fields.get("check") == "mpki" and i.fields.get("state") == "outdated" for i in summary.items)


@pytest.mark.parametrize("args", [["detect", "--format", "json", "mpki"], ["detect", "mpki", "--format", "json"]])
def test_json_format_from_the_group_or_the_command(machine, policy, capsys, args):
    policy('required_version = "2.1.0"\n')
    assert cli.run(args) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["check"] == "mpki" and data["verdict"] == "noncompliant" and data["summary"].startswith("NONCOMPLIANT mpki v1")


def test_remediate_json_carries_plan_and_runs(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    assert cli.run(["remediate", "--format", "json", "mpki", "--msi", str(msis.v2), "--cache-dir", str(tmp_path / "c")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "remediated" and [r["action"] for r in data["runs"]] == ["uninstall", "install"]
    assert [s["action"] for s in data["plan"]][-1] == "confirm" and data["before"][0]["version"] == "1.0.0"


def test_the_real_run_executes_exactly_the_dry_runs_plan(machine, msis, policy, tmp_path, capsys):
    policy('required_version = "2.1.0"\n')
    args = ["remediate", "mpki", "--format", "json", "--msi", str(msis.v2), "--cache-dir", str(tmp_path / "c")]
    assert cli.run([*args, "--dry-run"]) == 1
    planned = json.loads(capsys.readouterr().out)["plan"]
    assert [e for e in machine.events if e[0] == "spawn"] == []  # the dry run ran no msiexec
    assert cli.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    strip = [{k: v for k, v in s.items() if k not in ("log", "command")} for s in planned]
    assert [{k: v for k, v in s.items() if k not in ("log", "command")} for s in data["plan"]] == strip
    msiexec_steps = [(s["action"], s["target"]) for s in planned if s["action"] in ("uninstall", "install")]
    assert [(r["action"], r["target"]) for r in data["runs"]] == msiexec_steps
    assert [(e[1], e[2]) for e in machine.events if e[0] == "spawn" and e[1] in ("/x", "/i")] == [
        ("/x" if action == "uninstall" else "/i", target) for action, target in msiexec_steps
    ]


def test_docs_show_what_mpki_status_really_prints_off_windows(tmp_path):
    """Issue 16 item 9: docs/ja/mpki.md shows the Linux output as it is (exit 3, one sentence),
    and labels the status table as a run with the registry replaced."""
    import sys
    from pathlib import Path

    if sys.platform == "win32":
        pytest.skip("the registry exists here")
    run = run_cli(["mpki", "status"], xdg=tmp_path, env={"PYCERT_LOG_DIR": str(tmp_path / "logs")})
    assert (run.code, run.stdout) == (3, "")
    doc = (Path(__file__).parents[2] / "docs" / "ja" / "mpki.md").read_text(encoding="utf-8")
    assert f"$ pycert mpki status\n{run.stderr}$ echo $?\n3\n" in doc
    assert "**Windows で実行したものではなく**" in doc and "FakeWinreg" in doc


@pytest.mark.parametrize("where", ["sub-command", "group"])
def test_detect_and_remediate_mpki_take_result_file_on_either_level(machine, msis, policy, tmp_path, capsys, where):
    """docs/output.md: every check's sub-command takes --result-file, as on the group;
    `pycert detect mpki --result-file F` was "No such option"."""
    policy('required_version = "2.1.0"\n')
    for verb, extra in (("detect", ["--offline"]), ("remediate", ["--dry-run", "--msi", str(msis.v2)])):
        out_file = tmp_path / f"{verb}-{where}.json"
        args = (["--result-file", str(out_file), "mpki"] if where == "group" else ["mpki", "--result-file", str(out_file)])
        code = cli.run([verb, *args, *extra, "--cache-dir", str(tmp_path / "c")])
        line = capsys.readouterr().out.splitlines()[-1]
        data = json.loads(out_file.read_text(encoding="utf-8"))
        assert code == 1 and line.startswith("NONCOMPLIANT mpki v1 ")
        assert (data["check"], data["verdict"]) == ("mpki", "noncompliant")
