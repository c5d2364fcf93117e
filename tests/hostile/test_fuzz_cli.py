"""Issue #18 class 8: the catch-all "error: unexpected ..." in cli/main.py is a safety net,
never an answer. Random inputs through the real CLI (policy, PFX bytes, password sources,
options, environment variables, state files); any "unexpected" exit fails the test.
Bounded: a fixed number of examples per test, no per-example deadline."""

import io
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from pycert.cli import run

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXTISH = st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))


def _run(capsys, argv) -> tuple[int, str]:
    code = run(argv)
    out, err = capsys.readouterr()
    assert "unexpected" not in err and "Traceback" not in err, (argv[:4], err[-400:])
    assert code in (0, 1, 2, 3), code
    return code, err


@BOUNDED
@given(policy=TEXTISH)
def test_any_policy_bytes(tmp_path, capsys, policy):
    path = tmp_path / "pycert.toml"
    path.write_bytes(policy)
    _run(capsys, ["config", "validate", str(path)])
    _run(capsys, ["--config", str(path), "detect", "expiry"])


@BOUNDED
@given(pfx=st.binary(max_size=2000), password=TEXTISH, source=st.sampled_from(["env", "stdin", "file"]))
def test_any_pfx_and_password(tmp_path, capsys, monkeypatch, pfx, password, source):
    path = tmp_path / "x.pfx"
    path.write_bytes(pfx)
    argv = ["pfx", "inspect", str(path)]
    if source == "env":
        monkeypatch.setenv("PW", password.decode("utf-8", "replace").replace("\0", ""))
        argv += ["--password-env", "PW"]
    elif source == "stdin":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(password), encoding="utf-8", errors="surrogateescape"))
        argv += ["--password-stdin"]
    else:
        (tmp_path / "pw.txt").write_bytes(password)
        argv += ["--password-file", str(tmp_path / "pw.txt")]
    _run(capsys, argv)
    _run(capsys, ["import", *argv[2:], "--dry-run"])


@BOUNDED
@given(
    as_of=st.text(max_size=40),
    profile=st.text(max_size=40),
    state=TEXTISH,
    lock=st.sampled_from(["", "dir", "missing-parent"]),
)
def test_any_options_state_and_env(tmp_path, capsys, monkeypatch, as_of, profile, state, lock):
    state_dir = tmp_path / "state"
    state_dir.mkdir(exist_ok=True)
    for name in ("reminders.json", "import-pending.json"):
        (state_dir / name).write_bytes(state)
    monkeypatch.setenv("PYCERT_STATE_DIR", str(state_dir))
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(tmp_path / "pycert.lock"))  # never the machine's own lock
    if lock == "dir":
        monkeypatch.setenv("PYCERT_LOCK_FILE", str(tmp_path))
    elif lock == "missing-parent":
        monkeypatch.setenv("PYCERT_LOCK_FILE", str(tmp_path / "state" / "reminders.json" / "lock"))
    for argv in (
        ["detect", "expiry", "--as-of", as_of.replace("\0", "")],
        ["list", "--profile", profile.replace("\0", "") or "x"],
        ["remediate", "expiry", "--dry-run"],
    ):
        _run(capsys, argv)
