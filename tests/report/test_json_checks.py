"""rootca and mpki results read from JSON (result files) count like their lines (Intune
exports): the pins and the client are items of their check, whichever form arrives."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pycert.common import output
from pycert.common.model import CheckResult
from pycert.report.parse import from_json, parse_output

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)

ROOTCA = CheckResult("rootca", "noncompliant", 1, NOW, details={"roots": [
    {"name": "Security Communication RootCA2", "sha256": "51" * 32, "required": True, "state": "installed",
     "installed_in": ["LocalMachine\\Root"], "subject": "OU=Security Communication RootCA2", "thumbprint": "5F3B" * 10,
     "not_after": "2029-05-29T05:00:39Z", "expires": "2029-05-29", "days_left": 1284, "store_errors": []},
    {"name": "Example Root G2", "sha256": "AB" * 32, "required": True, "state": "missing", "installed_in": [],
     "subject": "", "thumbprint": "", "not_after": "", "expires": "", "days_left": None, "store_errors": []},
]})
MPKI = CheckResult("mpki", "noncompliant", 1, NOW, details={
    "display_name": "Cybertrust Managed PKI Client", "required_version": "6.1.0", "required_source": "policy",
    "missing": False, "installed": [
        {"display_name": "Cybertrust Managed PKI Client", "version": "5.9.2", "product_code": "{" + "A" * 36 + "}",
         "publisher": "Cybertrust", "install_location": "", "uninstall_string": "", "registry": [], "state": "outdated",
         "reason": None}]})
MPKI_MISSING = CheckResult("mpki", "noncompliant", 1, NOW, details={
    "display_name": "Cybertrust Managed PKI Client", "required_version": "6.1.0", "required_source": "policy",
    "missing": True, "installed": [], "terminal_without_client": True})


@pytest.mark.parametrize("result, items, counts", [
    (ROOTCA, [("Security Communication RootCA2", "installed", 1284, "2029-05-29"), ("Example Root G2", "missing", None, "")],
     {"rootca": {"installed": 1, "missing": 1}}),
    (MPKI, [("client", "outdated", None, "")], {"mpki": {"outdated": 1}}),
    (MPKI_MISSING, [("client", "not-installed", None, ""), ("client", "missing", None, "")],
     {"mpki": {"missing": 1, "not-installed": 1}}),
], ids=["rootca", "mpki", "mpki-missing"])
def test_json_and_line_of_one_result_give_the_same_items(result, items, counts):
    data = output.result_json(result)
    for report in (from_json(data), parse_output(data["summary"])):
        assert sorted((c.profile, c.state, c.days, c.expires) for c in report.certs) == sorted(items)
        assert {c.check for c in report.certs} == {result.check}
        assert report.check_states == counts and report.state_counts == {}


def test_a_combined_result_counts_each_checks_items():
    data = output.combined_json([ROOTCA, MPKI], "noncompliant", 1, NOW)
    report = from_json(data)
    assert report.check_states == {"rootca": {"installed": 1, "missing": 1}, "mpki": {"outdated": 1}}


def test_expiry_results_gain_no_client_or_pin_items():
    data = {"check": "expiry", "verdict": "compliant", "missing": True, "installed": [{"state": "x"}],
            "roots": [{"name": "r", "state": "installed"}], "certificates": []}
    assert from_json(data).certs == [] and from_json(data).check_states == {}
