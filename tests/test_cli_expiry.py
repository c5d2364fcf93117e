"""`pycert detect expiry` and `pycert list` end to end: real processes on a real Mono store."""

import json
from datetime import timedelta

import pytest

from pycert.common import lineformat
from pycert.cli import run
from pycert.demo.samples import make_certificate, obn_certificate, utc_now

NOW = utc_now()


def obn(code="0110119153", days=400.0, **kw):
    return obn_certificate(code, days, NOW, **kw)


@pytest.mark.parametrize(
    "samples, code, verdict, worst_state",
    [
        (lambda: [obn(days=400)], 0, "COMPLIANT", "ok"),
        (lambda: [obn(days=45.5)], 1, "NONCOMPLIANT", "due"),
        (lambda: [obn(days=5.5)], 1, "NONCOMPLIANT", "urgent"),
        (lambda: [obn(days=-3)], 1, "NONCOMPLIANT", "expired"),
        # the old one is due but renewed: compliant, and the line names the renewed one
        (lambda: [obn(days=20, key_seed=1), obn(days=1180)], 0, "COMPLIANT", "ok"),
    ],
    ids=["ok", "due", "urgent", "expired", "renewed"],
)
def test_detect_each_state(cli_sandbox, samples, code, verdict, worst_state):
    cli_sandbox.seed(samples())
    result = cli_sandbox.run("detect", "expiry")
    assert result.code == code, result
    assert result.stderr == ""
    line = lineformat.parse(result.last_line)
    assert line.verdict == verdict and line.check == "expiry"
    assert line.items[0].word == "obn"
    assert line.items[0].fields["state"] == worst_state
    assert line.items[0].fields["cn"] == "0110119153"


def test_detect_missing_required_certificate(cli_sandbox):
    unrelated = make_certificate("CN=printer", "CN=Example CA", NOW - timedelta(days=1), NOW + timedelta(days=9))
    cli_sandbox.seed([unrelated])
    result = cli_sandbox.run("detect", "expiry")
    assert (result.code, result.last_line) == (1, "NONCOMPLIANT expiry v1 certs=0 | obn state=missing")


def test_not_yet_valid_only_is_reported_but_not_an_alarm(cli_sandbox):
    future = make_certificate(
        "CN=0110119153,O=ReceiptOnline,C=JP", "CN=Online Billing NW Common Root CA - G1,C=JP",
        NOW + timedelta(days=2), NOW + timedelta(days=1188),
    )
    cli_sandbox.seed([future])
    result = cli_sandbox.run("detect", "expiry", "--format", "json")
    data = json.loads(result.stdout)
    assert result.code == 0 and data["verdict"] == "compliant"
    assert [c["state"] for c in data["certificates"]] == ["not-yet-valid"]


def test_json_carries_every_certificate_and_contract_fields(cli_sandbox):
    old, new = obn(days=20, key_seed=1), obn(days=1180)
    cli_sandbox.seed([old, new])
    result = cli_sandbox.run("detect", "expiry", "--format", "json")
    data = json.loads(result.stdout)
    assert data["check"] == "expiry" and data["exit_code"] == 0
    by_tp = {c["thumbprint"]: c for c in data["certificates"]}
    assert by_tp[old.thumbprint]["state"] == "superseded"
    assert by_tp[old.thumbprint]["superseded_by"] == new.thumbprint
    for field in ("profile", "store", "subject", "issuer", "thumbprint", "not_before", "not_after",
                  "days_left", "has_private_key", "state"):
        assert field in by_tp[new.thumbprint]
    assert by_tp[new.thumbprint]["has_private_key"] is None  # Mono cannot know: shown, not guessed
    assert by_tp[new.thumbprint]["not_after"].endswith("Z")
    assert data["summary"] == lineformat.render(lineformat.parse(data["summary"]))


def test_500_certificates_keep_the_line_under_2048(cli_sandbox):
    samples = [obn(code=f"{i:010d}", days=10 + i % 60) for i in range(500)]
    cli_sandbox.seed(samples)
    result = cli_sandbox.run("detect", "expiry")
    assert result.code == 1 and result.stderr == ""
    assert len(result.last_line) <= 2048
    parsed = lineformat.parse(result.last_line)
    assert parsed.counters["certs"] == "500"
    assert len(parsed.items) + parsed.more == 500
    # worst first: the fewest days left come first
    days = [int(i.fields["days"]) for i in parsed.items]
    assert days == sorted(days)


def test_list_table_json_csv(cli_sandbox):
    # Whole days from NOW and --as-of NOW: days left count Japan-time calendar days, so a
    # fraction of a day would make the answer depend on the hour the test runs.
    unrelated = make_certificate("CN=printer", "CN=Example CA", NOW - timedelta(days=1), NOW + timedelta(days=9))
    cli_sandbox.seed([obn(days=45), unrelated])
    as_of = ("--as-of", NOW.isoformat())
    table = cli_sandbox.run("list", *as_of)
    assert table.code == 0 and "0110119153" in table.stdout and "printer" not in table.stdout
    every = cli_sandbox.run("list", "--all", "--format", "json", *as_of)
    states = [(c["common_name"], c["profile"], c["days_left"]) for c in json.loads(every.stdout)["certificates"]]
    assert states == [("printer", "", 9), ("0110119153", "obn", 45)]  # sorted by days left
    csv_out = cli_sandbox.run("list", "--format", "csv", *as_of).stdout.splitlines()
    assert csv_out[0].startswith("profile,state,days_left,expires,not_after")
    assert csv_out[1].startswith("obn,due,45,")


def test_as_of_judges_a_future_date(cli_sandbox):
    cli_sandbox.seed([obn(days=200)])
    later = (NOW + timedelta(days=150)).date().isoformat()
    assert cli_sandbox.run("detect", "expiry").code == 0
    assert cli_sandbox.run("detect", "expiry", "--as-of", later).code == 1


def test_policy_profile_from_file(cli_sandbox):
    orca = make_certificate("CN=orca-1", "CN=ORCA Cloud CA", NOW - timedelta(days=1000), NOW + timedelta(days=30))
    cli_sandbox.seed([obn(days=400), orca])
    cli_sandbox.write_policy('[profiles.orca]\nmatch = { issuer_contains = ["ORCA"] }\n')
    result = cli_sandbox.run("detect", "expiry")
    assert result.code == 1
    assert lineformat.parse(result.last_line).items[0].word == "orca"
    only_obn = cli_sandbox.run("detect", "expiry", "--profile", "obn")
    assert only_obn.code == 0


# -- errors: one sentence on stderr, documented exit code, no traceback -------------------

def _errors(capsys, argv):
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "policy, expected",
    [
        (None, "does not exist; create it or pass a correct --config path."),
        ('[profiles.obn]\nurgent_days = "soon"\n', "line 2: profiles.obn.urgent_days: Input should be a valid integer"),
        ("[profiles.obn]\nwindow = 3\n", "line 2: profiles.obn.window: unknown key"),
        ('[profiles.x]\nmatch = { subject_regex = "[" }\n', "profiles.x.match.subject_regex: not a valid regular expression"),
        ('[profiles.obn]\nstores = ["CurrentUser\\\\Personal"]\n', "'CurrentUser\\Personal' is not a store"),
    ],
    ids=["missing-file", "wrong-type", "unknown-key", "bad-regex", "unknown-store"],
)
def test_config_errors_exit_2_with_one_sentence(tmp_path, capsys, policy, expected):
    path = tmp_path / "pycert.toml"
    if policy is not None:
        path.write_text(policy, encoding="utf-8")
    code, out, err = _errors(capsys, ["--config", str(path), "detect", "expiry"])
    assert code == 2
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    # Intune shows the last stdout line: it still says what happened
    assert out.splitlines()[-1].startswith("FAILED expiry v1 exit=2 | error message=")


def test_unknown_profile_exit_2(capsys, mono_store):
    code, out, err = _errors(capsys, ["detect", "expiry", "--profile", "nope"])
    assert code == 2
    assert err == "error: There is no profile 'nope' in the policy; known profiles: obn.\n"


def test_usage_errors_exit_2(capsys):
    code, _, err = _errors(capsys, ["detect", "expiry", "--format", "xml"])
    assert code == 2 and "Invalid value for '--format'" in err
    code, _, err = _errors(capsys, ["detect", "expiry", "--as-of", "tomorrow"])
    assert code == 2 and "--as-of 'tomorrow' is not a date" in err


def test_store_that_cannot_be_read_is_reported_per_store(capsys, mono_store, mocker, tmp_path):
    """One store fails to open (as an access-denied store would on Windows); the other is still read."""
    mono_store.add(obn(days=400))
    policy = tmp_path / "p.toml"
    policy.write_text('[profiles.obn]\nstores = ["CurrentUser\\\\My", "LocalMachine\\\\My"]\n', encoding="utf-8")
    real_open = mono_store.backend._open

    def failing_open(store, flags):
        if store.location == "LocalMachine":
            raise PermissionError("Access is denied")
        return real_open(store, flags)

    mocker.patch.object(mono_store.backend, "_open", side_effect=failing_open)
    code, out, err = _errors(capsys, ["--config", str(policy), "detect", "expiry", "--format", "json"])
    data = json.loads(out)
    assert code == 3 and data["verdict"] == "error"
    stores = {s["store"]: s for s in data["profiles"][0]["stores"]}
    assert stores["CurrentUser\\My"]["status"] == "ok"
    assert stores["LocalMachine\\My"] == {"store": "LocalMachine\\My", "status": "error", "error": "Access is denied"}
    assert [c["state"] for c in data["certificates"]] == ["ok"]
    assert err == "error: LocalMachine\\My: Access is denied\n"


def test_runtime_that_cannot_load_exits_3(cli_sandbox):
    result = cli_sandbox.run("detect", "expiry", env={"PYTHONNET_MONO_LIBMONO": "/nonexistent/libmono.so"})
    assert result.code == 3
    assert result.last_line.startswith("FAILED expiry v1 exit=3")
    assert result.stderr.startswith("error: The .NET runtime could not be loaded")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_version_does_not_load_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys; from pycert.cli import run; run(['--version']);"
        "heavy = [m for m in ('clr', 'pythonnet', 'pydantic', 'cryptography') if m in sys.modules];"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pycert 0.1.0" in out
    assert out.strip().endswith("HEAVY []")


def test_one_failing_check_does_not_hide_the_others(cli_sandbox):
    """`pycert detect` with expiry and rootca enabled: the root source is broken, expiry still answers."""
    cli_sandbox.seed([obn(days=45.5)])
    cli_sandbox.write_policy('checks = ["expiry", "rootca"]\n[rootca]\n'
                             'pins = [{ name = "Broken", sha256 = "' + "A" * 64 + '", stores = ["CurrentUser\\\\Root"],'
                             ' scope = "user", source = "/nonexistent/root.cer" }]\n')
    result = cli_sandbox.run("remediate", "--dry-run")
    assert result.code == 1, result  # expiry still says: needs action
    line = lineformat.parse(result.last_line)
    assert line.verdict == "NONCOMPLIANT" and line.check == "all"
    assert line.counters == {"expiry": "noncompliant", "rootca": "error"}
    errors = [i for i in line.items if i.word == "error"]
    assert errors and errors[0].fields["check"] == "rootca" and "does not exist" in errors[0].fields["message"]
    assert any(i.fields.get("state") == "due" for i in line.items)
