"""Class 3 and 7 of issue #18: every stop of detect/remediate ends stdout with the contract
line (and writes the result file), and the lock is the lock.

The choke points: `cli.failures.with_failure_line` (every detect/remediate body, the
machine lock taken inside it), `cli.main.stop_signals_as_interrupt` (SIGTERM/SIGBREAK
handled like Ctrl+C) and `platform.lock.open_lock_file`.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from pycert.cli import run
from pycert.common import lineformat

HOLDER = """
import sys, time
from pycert.platform.lock import machine_lock
with machine_lock(5):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def hold_lock(path, seconds=30.0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(seconds)], stdout=subprocess.PIPE, text=True, cwd=str(ROOT),
        env={**os.environ, "PYCERT_LOCK_FILE": str(path), "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def failed_line(out: str, check: str, code: int) -> lineformat.Line:
    last = out.rstrip("\n").splitlines()[-1]
    line = lineformat.parse(last)
    assert (line.verdict, line.check, line.counters) == ("FAILED", check, {"exit": str(code)}), last
    return line


@pytest.mark.parametrize(
    "argv,check",
    [(["remediate", "expiry"], "expiry"), (["remediate"], "all"), (["remediate", "rootca"], "rootca"),
     (["remediate", "mpki", "--msi", "x.msi"], "mpki")],
    ids=["expiry", "all", "rootca", "mpki"],
)
def test_lock_busy_still_ends_stdout_with_the_failed_line_and_writes_the_result(tmp_path, monkeypatch, capsys, argv, check):
    lock_path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(lock_path))
    holder = hold_lock(lock_path)
    try:
        code = run(["--lock-timeout", "0.2", *argv[:1], "--result-file", str(tmp_path / "r.json"), *argv[1:]])
    finally:
        holder.kill()
        holder.wait()
    out, err = capsys.readouterr()
    assert code == 3
    failed_line(out, check, 3)
    assert err.strip() == f"error: Another PyCert run is in progress (it holds {lock_path}); wait for it to finish and run PyCert again."
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (saved["verdict"], saved["exit_code"], saved["check"]) == ("failed", 3, check)


def test_lock_busy_in_json_format_is_one_json_object(tmp_path, monkeypatch, capsys):
    lock_path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(lock_path))
    holder = hold_lock(lock_path)
    try:
        code = run(["--lock-timeout", "0", "remediate", "rootca", "--format", "json"])
    finally:
        holder.kill()
        holder.wait()
    out, _ = capsys.readouterr()
    assert code == 3 and json.loads(out)["exit_code"] == 3


def _lock_error(tmp_path, monkeypatch, capsys, lock_path):
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(lock_path))
    code = run(["remediate", "expiry"])
    out, err = capsys.readouterr()
    assert code == 3
    failed_line(out, "expiry", 3)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(lock_path) in lines[0] and "Traceback" not in err
    return lines[0]


def test_a_fifo_at_the_lock_path_is_named_and_refused_without_hanging(tmp_path, monkeypatch, capsys):
    fifo = tmp_path / "pycert.lock"
    os.mkfifo(fifo)
    sentence = _lock_error(tmp_path, monkeypatch, capsys, fifo)
    assert "is not a regular file" in sentence


def test_a_lock_path_whose_folder_is_a_file_is_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "plain").write_text("a file, not a folder")
    sentence = _lock_error(tmp_path, monkeypatch, capsys, tmp_path / "plain" / "pycert.lock")
    assert f"check that {tmp_path / 'plain'} is a folder" in sentence


def test_a_hard_link_at_the_lock_path_leaves_its_target_untouched(tmp_path, monkeypatch, capsys):
    victim = tmp_path / "victim.conf"
    victim.write_text("precious settings\n")
    os.link(victim, tmp_path / "pycert.lock")
    sentence = _lock_error(tmp_path, monkeypatch, capsys, tmp_path / "pycert.lock")
    assert "2 hard links" in sentence
    assert victim.read_text() == "precious settings\n"


def test_a_symlink_at_the_lock_path_is_refused_and_its_target_untouched(tmp_path, monkeypatch, capsys):
    victim = tmp_path / "victim.conf"
    victim.write_text("precious settings\n")
    (tmp_path / "pycert.lock").symlink_to(victim)
    sentence = _lock_error(tmp_path, monkeypatch, capsys, tmp_path / "pycert.lock")
    assert "symbolic link" in sentence
    assert victim.read_text() == "precious settings\n"


def test_the_lock_file_is_opened_without_truncating_before_the_lock_is_ours(tmp_path, monkeypatch):
    """A run that only waits must not wipe the holder's pid (nor anything else) from the file."""
    from pycert.common.errors import LockBusy
    from pycert.platform import lock

    path = tmp_path / "pycert.lock"
    holder = hold_lock(path)
    try:
        assert path.read_text() == f"{holder.pid}\n"
        monkeypatch.setenv("PYCERT_LOCK_FILE", str(path))
        with pytest.raises(LockBusy):
            with lock.machine_lock(0):
                pytest.fail("the lock was taken twice")
        assert path.read_text() == f"{holder.pid}\n"
    finally:
        holder.kill()
        holder.wait()


def test_config_set_takes_the_machine_lock(tmp_path, monkeypatch, capsys):
    policy = tmp_path / "pycert.toml"
    policy.write_text('checks = ["expiry"]\n', encoding="utf-8")
    lock_path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(lock_path))
    holder = hold_lock(lock_path)
    try:
        code = run(["--config", str(policy), "--lock-timeout", "0.2", "config", "set", "checks=[\"rootca\"]"])
    finally:
        holder.kill()
        holder.wait()
    _, err = capsys.readouterr()
    assert code == 3 and "Another PyCert run is in progress" in err
    assert policy.read_text(encoding="utf-8") == 'checks = ["expiry"]\n'


def _start(args, tmp_path, lock_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYCERT_LOCK_FILE": str(lock_path), "XDG_CONFIG_HOME": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "pycert", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=str(ROOT), env=env)


@pytest.mark.parametrize("argv,check", [
    (["remediate", "expiry"], "expiry"),
    (["import", "{pfx}", "--password-env", "PW"], None),
], ids=["remediate-expiry", "import"])
def test_sigterm_stops_a_run_like_ctrl_c(tmp_path, argv, check):
    """A deployment tool's kill (SIGTERM) while the run waits for the lock: exit 3, the
    FAILED line last on stdout for detect/remediate, one sentence on stderr, result file."""
    from pycert.demo import samples
    from tests.pfxfiles import obn_pfx

    pfx_path, _ = obn_pfx(tmp_path, "renewed.pfx", 1185, samples.utc_now())
    lock_path = tmp_path / "pycert.lock"
    holder = hold_lock(lock_path)
    try:
        args = ["--lock-timeout", "60", *[a.format(pfx=pfx_path) for a in argv]]
        if check:
            args += ["--result-file", str(tmp_path / "r.json")]
        os.environ["PW"] = "1234"
        proc = _start(args, tmp_path, lock_path)
        time.sleep(1.5)  # it is now polling for the lock
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        os.environ.pop("PW", None)
        holder.kill()
        holder.wait()
    assert proc.returncode == 3, (out, err)
    assert "error: The run was interrupted part-way" in err and "Traceback" not in err
    if check:
        failed_line(out, check, 3)
        assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["exit_code"] == 3
