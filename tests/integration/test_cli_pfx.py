"""`pycert pfx inspect`, `import`, `cleanup` and `remediate expiry` as real processes on a
sandboxed Mono store: exit codes, one-sentence errors, no tracebacks, no password leaks."""

import json

import pytest
from cryptography.hazmat.primitives import serialization

from pycert.demo import samples
from tests.pfxfiles import obn_pfx, write

NOW = samples.utc_now()
SECRET = "pw-7391-never-shown"


def assert_clean_error(run, code=2):
    assert run.code == code, run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr + run.stdout


def test_inspect_json_and_text(cli_sandbox, tmp_path):
    root, inter = samples.obn_chain(NOW)
    path, leaf = obn_pfx(tmp_path, "a.pfx", 100, NOW, password=SECRET, chain=(inter, root))
    run = cli_sandbox.run("pfx", "inspect", str(path), "--password-env", "PFX_PW", "--format", "json", env={"PFX_PW": SECRET})
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["leaf"]["thumbprint"] == leaf.thumbprint and data["profile"] == "obn" and data["key_matches_leaf"]
    assert [(c["role"], c["store"]) for c in data["chain"]] == [("intermediate", "CurrentUser\\CA"), ("root", "CurrentUser\\Root")]
    assert {p["iterations"] for p in data["protection"]} == {2048}
    text = cli_sandbox.run("pfx", "inspect", str(path), "--password-stdin", stdin=SECRET + "\n")
    assert text.code == 0 and "Profile:     obn" in text.stdout and SECRET not in text.stdout + text.stderr


def test_inspect_errors_are_one_sentence_exit_2(cli_sandbox, tmp_path):
    path, leaf = obn_pfx(tmp_path, "a.pfx", 100, NOW, password=SECRET)
    data = path.read_bytes()
    pwfile = write(tmp_path, "pw.txt", (SECRET + "\n").encode())
    cases = {
        "wrong password": (path, "wrong"),
        "truncated": (write(tmp_path, "t.pfx", data[: len(data) // 3]), "truncated"),
        "not pkcs12": (write(tmp_path, "c.cer", leaf.der), "not a PKCS#12"),
        "empty": (write(tmp_path, "e.pfx", b""), "empty"),
        "too large": (write(tmp_path, "l.pfx", b"0" * (1024 * 1024 + 1)), "larger than 1 MiB"),
        "mismatch": (write(tmp_path, "m.pfx", samples.make_pfx(leaf, SECRET, key=samples.rsa_key(5))), "does not belong"),
    }
    for name, (file, phrase) in cases.items():
        args = ["pfx", "inspect", str(file)]
        args += ["--password-stdin"] if name == "wrong password" else ["--password-file", str(pwfile)]
        run = cli_sandbox.run(*args, stdin="0000\n")
        assert_clean_error(run)
        assert phrase in run.stderr, (name, run.stderr)
        assert SECRET not in run.stderr


def test_there_is_no_password_option(cli_sandbox, tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 100, NOW, password=SECRET)
    run = cli_sandbox.run("pfx", "inspect", str(path), "--password", SECRET)
    assert run.code == 2 and "No such option" in run.stderr


def test_import_then_cleanup_via_cli(cli_sandbox, tmp_path):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    cli_sandbox.seed([old])
    path, new = obn_pfx(tmp_path, "new.pfx", 1185, NOW, password=SECRET)
    env = {"PFX_PW": SECRET, "PYCERT_LOG_DIR": str(tmp_path / "logs")}
    run = cli_sandbox.run("import", str(path), "--password-env", "PFX_PW", "--format", "json", env=env)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["outcome"] == "imported" and data["verified"] and data["not_honoured_here"]
    plan = cli_sandbox.run("cleanup")
    assert plan.code == 0 and "REMOVE" in plan.stdout and "--yes" in plan.stdout
    listed = cli_sandbox.run("list", "--format", "json")
    assert len(json.loads(listed.stdout)["certificates"]) == 2  # the plan removed nothing
    done = cli_sandbox.run("cleanup", "--yes", "--format", "json", env=env)
    assert done.code == 0, done.stderr
    removed = [c for c in json.loads(done.stdout)["certificates"] if c["action"] == "remove"]
    assert [(c["thumbprint"], c["status"]) for c in removed] == [(old.thumbprint, "removed")]
    after = json.loads(cli_sandbox.run("list", "--format", "json").stdout)["certificates"]
    assert [c["thumbprint"] for c in after] == [new.thumbprint]
    log = (tmp_path / "logs" / "pycert.log").read_text(encoding="utf-8")
    assert "action=import result=added" in log and f'thumbprint="{old.thumbprint}"' in log
    assert SECRET not in log


def test_import_refuses_foreign_pfx_without_force(cli_sandbox, tmp_path):
    from datetime import timedelta

    other = samples.make_certificate("CN=x", "CN=Unknown CA", NOW - timedelta(days=1), NOW + timedelta(days=300))
    path = write(tmp_path, "f.pfx", samples.make_pfx(other, SECRET))
    run = cli_sandbox.run("import", str(path), "--password-env", "PFX_PW", env={"PFX_PW": SECRET})
    assert_clean_error(run)
    assert "matches no profile" in run.stderr and "--force" in run.stderr


def test_remediate_expiry_reminds_on_stdout_and_ends_with_the_summary(cli_sandbox, tmp_path):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    cli_sandbox.seed([old])
    staging = tmp_path / "staging"
    staging.mkdir()
    cli_sandbox.write_policy(f"[profiles.obn]\nstaging_folders = [{json.dumps(str(staging))}]\n")
    env = {"PYCERT_STATE_DIR": str(tmp_path / "state")}
    run = cli_sandbox.run("remediate", "expiry", env=env)
    assert run.code == 1 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[0].startswith("【要対応】電子証明書を更新してください: ") and "（あと20日）" in lines[0]
    assert lines[0].endswith("。 わからないときは、システム管理者に連絡してください。")  # one line: the contact after a space
    assert run.last_line.startswith("NONCOMPLIANT expiry v1") and "notified=1" in run.last_line
    again = cli_sandbox.run("remediate", "expiry", env=env)
    assert again.code == 1 and len(again.stdout.splitlines()) == 1  # once per milestone

    obn_pfx(staging, "renewed.pfx", 1185, NOW, password=SECRET)
    (staging / "renewed.txt").write_text(SECRET, encoding="utf-8")
    fixed = cli_sandbox.run("remediate", "expiry", "--format", "json", env=env)
    assert fixed.code == 0, fixed.stderr
    data = json.loads(fixed.stdout)
    assert data["verdict"] == "remediated" and data["imported"] == 1 and data["removed"] == 1
    assert SECRET not in fixed.stdout


def test_remediate_without_subcommand_shows_the_reminder_too(cli_sandbox, tmp_path):
    now = samples.utc_now()  # whole days from a fresh `now`: the count is in calendar days
    cli_sandbox.seed([samples.obn_certificate("0110119153", 5, now, key_seed=1)])
    cli_sandbox.write_policy(f"[profiles.obn]\nstaging_folders = [{json.dumps(str(tmp_path))}]\n")
    run = cli_sandbox.run("remediate", env={"PYCERT_STATE_DIR": str(tmp_path / "state")})
    assert run.code == 1, run.stderr
    first, last = run.stdout.splitlines()[0], run.last_line
    assert first.startswith("【至急】電子証明書の有効期限まであと5日です: ") and "（あと5日）" in first
    assert last.startswith("NONCOMPLIANT expiry v1") and "state=urgent" in last


def _run_on_a_terminal(cli_sandbox, answer: str, *args: str) -> tuple[int, str]:
    """Run pycert with stdin/stdout on a pseudo-terminal (the prompt only appears at a terminal)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PYCERT_CONFIG"}
    env.update({"XDG_CONFIG_HOME": str(cli_sandbox.base), "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"})
    proc = subprocess.Popen([sys.executable, "-m", "pycert", *args], stdin=terminal, stdout=terminal,
                            stderr=terminal, env=env, cwd=str(ROOT))
    os.close(terminal)
    os.write(controller, answer.encode() + b"\n")
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# Issue 16, item 5: `cleanup --apply` at a terminal asks once and never tells the user to add --apply.
def test_cleanup_apply_at_a_terminal_asks_and_a_no_removes_nothing(cli_sandbox):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    new = samples.obn_certificate("0110119153", 1185, NOW, key_seed=2)
    cli_sandbox.seed([old, new])
    code, screen = _run_on_a_terminal(cli_sandbox, "n", "cleanup", "--apply")
    assert code == 0, screen
    assert "run again with" not in screen
    assert screen.count("REMOVE") == 1 and "Remove 1 certificate(s)? [y/N]" in screen
    assert screen.rstrip("\n").endswith("Nothing was removed (not confirmed).")
    listed = json.loads(cli_sandbox.run("list", "--format", "json").stdout)["certificates"]
    assert sorted(c["thumbprint"] for c in listed) == sorted([old.thumbprint, new.thumbprint])
    code, screen = _run_on_a_terminal(cli_sandbox, "y", "cleanup", "--apply")
    assert code == 0, screen
    assert "run again with" not in screen and "-> removed" in screen
    listed = json.loads(cli_sandbox.run("list", "--format", "json").stdout)["certificates"]
    assert [c["thumbprint"] for c in listed] == [new.thumbprint]


# Issue 16, item 4: a staged PFX without its password is named in the text output, with where to put it.
def test_remediate_expiry_says_where_a_staged_pfx_password_goes(cli_sandbox, tmp_path):
    cli_sandbox.seed([samples.obn_certificate("0110119153", 20, NOW, key_seed=1)])
    staging = tmp_path / "staging"
    staging.mkdir()
    cli_sandbox.write_policy(f"[profiles.obn]\nstaging_folders = [{json.dumps(str(staging))}]\n")
    path, _ = obn_pfx(staging, "renewed.pfx", 1185, NOW, password=SECRET)
    run = cli_sandbox.run("remediate", "expiry", env={"PYCERT_STATE_DIR": str(tmp_path / "state")})
    assert run.code == 1 and run.stderr == ""
    assert run.stdout.splitlines()[0] == (
        f"not used: {path}: renewed.pfx needs its password: put it on one line in renewed.txt next to it, "
        "or name an environment variable in the profile's password_env and set it for the job."
    )
    assert "--password-env" not in run.stdout and run.last_line.startswith("NONCOMPLIANT expiry v1")
