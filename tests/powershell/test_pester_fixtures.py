"""The JSON the Pester tests feed their mocked runner must have the shape pycert prints
today: same keys, recursively. A renamed field fails here before it fails on Windows."""

import json
from pathlib import Path

from pycert.demo.samples import obn_certificate, utc_now

FIXTURES = Path(__file__).resolve().parents[2] / "powershell" / "tests" / "fixtures"


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k != "profiles" or not isinstance(v, dict)}
    if isinstance(value, list):
        return [shape(value[0])] if value and isinstance(value[0], (dict, list)) else []
    return None


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_fixtures_match_what_pycert_prints(cli_sandbox):
    now = utc_now()
    cli_sandbox.seed([obn_certificate("0110119153", 45, now), obn_certificate("0110119153", 10, now, key_seed=1)])
    for args, name in (
        (["list", "--format", "json"], "list.json"),
        (["detect", "expiry", "--format", "json"], "detect-expiry.json"),
        (["config", "show", "--format", "json"], "config-show.json"),
    ):
        run = cli_sandbox.run(*args)
        assert shape(json.loads(run.stdout)) == shape(fixture(name)), name


def test_doctor_fixture_matches_the_checks_doctor_runs(cli_sandbox):
    env = {"PYCERT_DOCTOR_OBN_URL": "https://127.0.0.1:9", "PYCERT_DOCTOR_CRL_URL": "http://127.0.0.1:9/"}
    run = cli_sandbox.run("doctor", "--format", "json", env=env)
    live, saved = json.loads(run.stdout), fixture("doctor.json")
    assert [c["name"] for c in live["checks"]] == [c["name"] for c in saved["checks"]]
    assert set(live) == set(saved) and set(live["checks"][0]) == set(saved["checks"][0])
