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
    # a misspelt command would make the test hollow: click's usage error instead of the input's path
    assert "No such command" not in err and "No such option" not in err, (argv[:4], err[-400:])
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


LINEISH = st.one_of(
    TEXTISH,
    # near-valid summary lines and JSON results: the parsers' deeper paths, not only their first check
    st.lists(st.sampled_from(["COMPLIANT", "FAILED", "expiry", "v1", "certs=1", "|", "obn", "state=due", "days=-3",
                              'cn="\\u65e5"', "+2", "more", '"', "=", "expires=2027-01-05", "tp=1CD4"]),
             max_size=14).map(lambda words: " ".join(words).encode()),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                 max_leaves=12).map(lambda v: __import__("json").dumps({"device": "PC-1", "result": v}).encode()),
)


@BOUNDED
@given(content=LINEISH, suffix=st.sampled_from([".json", ".csv", ".txt", ".log"]), fmt=st.sampled_from(["table", "json"]))
def test_any_report_result_file(tmp_path, capsys, content, suffix, fmt):
    folder = tmp_path / "results"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / f"PC-1{suffix}").write_bytes(content)
    # the same bytes as the detection output of an Intune export row: the line/JSON parsers
    cell = content.decode("utf-8", "replace").replace('"', '""')
    (folder / "export.csv").write_text(f'Device name,Post-remediation detection script output\nPC-2,"{cell}"\n',
                                       encoding="utf-8", errors="surrogatepass")
    _run(capsys, ["report", str(folder), "--format", fmt])
    _run(capsys, ["report", str(folder / f"PC-1{suffix}"), "--csv", str(tmp_path / "out.csv")])


@BOUNDED
@given(msi=st.one_of(st.binary(max_size=3000), st.just(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1").flatmap(
           lambda magic: st.binary(max_size=3000).map(lambda rest: magic + rest))),  # an OLE header, then garbage
       cache=TEXTISH)
def test_any_msi_file_and_mpki_cache(tmp_path, capsys, monkeypatch, msi, cache):
    path = tmp_path / "client.msi"
    path.write_bytes(msi)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(exist_ok=True)
    (cache_dir / "latest.json").write_bytes(cache)
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(tmp_path / "pycert.lock"))
    _run(capsys, ["mpki", "inspect-msi", str(path)])
    _run(capsys, ["remediate", "mpki", "--msi", str(path), "--dry-run", "--cache-dir", str(cache_dir)])
    _run(capsys, ["mpki", "status", "--offline", "--cache-dir", str(cache_dir), "--format", "json"])


KEYS = st.sampled_from(["checks", "profiles.obn.renewal_window_days", "profiles.obn.urgent_days",
                        "profiles.obn.match.issuer_regex", "profiles.x.stores", "rootca.pins", "mpki.required_version",
                        "network.proxy", "", "a..b", "profiles", "profiles.obn"])


@BOUNDED
@given(assignments=st.lists(st.one_of(
    st.tuples(KEYS, st.text(max_size=40)).map(lambda kv: f"{kv[0]}={kv[1]}"),
    st.text(max_size=60),
), min_size=1, max_size=3))
def test_any_config_set_assignments(tmp_path, capsys, monkeypatch, assignments):
    path = tmp_path / "pycert.toml"
    path.write_text('# kept\n[profiles.obn]\nrenewal_window_days = 90\n', encoding="utf-8")
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(tmp_path / "pycert.lock"))
    before = path.read_bytes()
    code, _ = _run(capsys, ["--config", str(path), "config", "set", *[a.replace("\0", "") for a in assignments]])
    if code != 0:
        assert path.read_bytes() == before  # nothing written unless the result is a valid policy
