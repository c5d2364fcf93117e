"""rootrules: pin states, verdicts, where installs go, and what a source may install."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import pytest

from pycert.rootca import rules as rootrules
from pycert.common.model import CertificateInfo, KeyPresence, StoreReading, StoreRef

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
LM, CU, AUTH = StoreRef("LocalMachine", "Root"), StoreRef("CurrentUser", "Root"), StoreRef("LocalMachine", "AuthRoot")
ALL = ["LocalMachine\\Root", "CurrentUser\\Root", "LocalMachine\\AuthRoot"]


@dataclass
class Pin:
    name: str
    sha256: str
    required: bool = True
    stores: tuple = tuple(ALL)


@dataclass
class Offered:
    sha256: str
    subject: str = "CN=x"


def cert(store: StoreRef, sha: str, days: float) -> CertificateInfo:
    return CertificateInfo(
        store, "OU=R", "OU=R", "AB" * 20, "00", NOW - timedelta(days=3000), NOW + timedelta(days=days),
        KeyPresence.UNKNOWN, sha256=sha,
    )


def readings(*certs: CertificateInfo, errors: dict | None = None) -> dict:
    out = {s: StoreReading(s, "ok", tuple(c for c in certs if c.store == s)) for s in (LM, CU, AUTH)}
    for store, message in (errors or {}).items():
        out[store] = StoreReading(store, "error", error=message)
    return out


def test_installed_where_found_and_every_store_named():
    [s] = rootrules.evaluate([Pin("A", "AA")], readings(cert(CU, "AA", 900), cert(LM, "AA", 900)), NOW, 365)
    assert (s.state, s.found_in, s.days_left) == ("installed", (LM, CU), 900)
    assert rootrules.detect_verdict([s]) == ("compliant", 0)


def test_only_the_pins_own_stores_count():
    pin = Pin("A", "AA", stores=("CurrentUser\\Root",))
    [s] = rootrules.evaluate([pin], readings(cert(LM, "AA", 900)), NOW, 365)
    assert s.state == "missing"


@pytest.mark.parametrize(
    "days, state, verdict",
    [(365, "installed", "compliant"), (364, "expiring", "compliant"), (0.5, "expiring", "compliant"),
     (-0.5, "expired", "noncompliant")],
)
def test_expiry_horizon(days, state, verdict):
    [s] = rootrules.evaluate([Pin("A", "AA")], readings(cert(LM, "AA", days)), NOW, 365)
    assert s.state == state
    assert rootrules.detect_verdict([s])[0] == verdict


def test_same_subject_other_hash_is_not_installed():
    [s] = rootrules.evaluate([Pin("A", "AA")], readings(cert(LM, "BB", 900)), NOW, 365)
    assert s.state == "missing" and s.certificate is None
    assert rootrules.detect_verdict([s]) == ("noncompliant", 1)


def test_missing_optional_pin_is_compliant():
    statuses = rootrules.evaluate([Pin("A", "AA"), Pin("B", "BB", required=False)], readings(cert(LM, "AA", 900)), NOW, 365)
    assert [(s.name, s.state) for s in statuses] == [("B", "missing"), ("A", "installed")]
    assert rootrules.detect_verdict(statuses) == ("compliant", 0)


def test_unreadable_store_is_an_error_only_when_the_root_is_not_found_elsewhere():
    errors = {LM: "Access denied"}
    [found] = rootrules.evaluate([Pin("A", "AA")], readings(cert(CU, "AA", 900), errors=errors), NOW, 365)
    assert found.state == "installed" and found.store_errors == ("LocalMachine\\Root: Access denied",)
    [lost] = rootrules.evaluate([Pin("A", "AA")], readings(errors=errors), NOW, 365)
    assert lost.state == "unknown"
    assert rootrules.detect_verdict([lost]) == ("error", 3)
    assert rootrules.detect_verdict([lost, replace(lost, name="B", state="missing")]) == ("noncompliant", 1)


def test_worst_first():
    pins = [Pin("ok", "11"), Pin("soon", "22"), Pin("gone", "33"), Pin("old", "44")]
    r = readings(cert(LM, "11", 900), cert(LM, "22", 10), cert(LM, "44", -1))
    assert [s.name for s in rootrules.evaluate(pins, r, NOW, 365)] == ["old", "gone", "soon", "ok"]


def test_pin_stores_lists_each_store_once_in_order():
    pins = [Pin("A", "AA", stores=("CurrentUser\\Root",)), Pin("B", "BB")]
    assert rootrules.pin_stores(pins) == [CU, LM, AUTH]


@pytest.mark.parametrize(
    "scope, elevated, store, allowed",
    [("user", False, CU, True), ("user", True, CU, True), ("machine", True, LM, True),
     ("machine", False, LM, False), ("auto", True, LM, True), ("auto", False, LM, False)],
)
def test_scope_and_elevation(scope, elevated, store, allowed):
    assert rootrules.scope_store(scope) == store
    assert rootrules.may_write(store, elevated) is allowed


def test_select_goes_by_hash_alone():
    pins = [Pin("A", "AA"), Pin("B", "BB")]
    offered = [Offered("AA", "OU=Root"), Offered("CC", "OU=Root"), Offered("BB")]
    selection = rootrules.select(pins, offered)
    assert sorted(selection.pinned) == ["AA", "BB"]
    assert [c.sha256 for c in selection.refused] == ["CC"]


# Issue #19: a pin is the whole SHA-256. A hash that differs only in its last hex digit
# (or only after the first 16) is another certificate: never "installed", never selected.
PINNED = "8B4A5CE5D5E72D1F9F0D1A3C2B7E6A4F" "0C1D2E3F405162738495A6B7C8D9EAFB"
NEAR_MISSES = [
    PINNED[:-1] + "C",  # the last digit
    PINNED[:16] + "0" * 48,  # the first 16 digits only
    PINNED[:32] + "F" * 32,  # the first half only
    "0" + PINNED[1:],  # the first digit
]


@pytest.mark.parametrize("near", NEAR_MISSES)
def test_a_near_miss_hash_in_the_store_is_not_the_pinned_root(near):
    [status] = rootrules.evaluate([Pin("RootCA2", PINNED)], readings(cert(LM, near, 900)), NOW, 180)
    assert status.state == rootrules.MISSING


@pytest.mark.parametrize("near", NEAR_MISSES)
def test_a_near_miss_hash_in_a_source_is_refused(near):
    selection = rootrules.select([Pin("RootCA2", PINNED)], [Offered(near), Offered(PINNED)])
    assert list(selection.pinned) == [PINNED]
    assert [c.sha256 for c in selection.refused] == [near]


# -- what each status and step carries, by hand (mutation testing, docs/reliability.md 4d)

def test_a_status_carries_the_pin_the_certificate_and_the_store_errors():
    installed = cert(CU, "AA", 900)
    errors = {LM: "Access denied"}
    [found] = rootrules.evaluate([Pin("A", "AA")], readings(installed, errors=errors), NOW, 365)
    assert found == rootrules.RootStatus(
        "A", "AA", True, "installed", (CU,), installed, 900, ("LocalMachine\\Root: Access denied",)
    )
    [lost] = rootrules.evaluate([Pin("A", "AA", required=False)], readings(errors=errors), NOW, 365)
    assert lost == rootrules.RootStatus("A", "AA", False, "unknown", store_errors=("LocalMachine\\Root: Access denied",))


def test_a_root_is_expired_from_the_exact_moment_of_its_not_after():
    at_the_moment = cert(LM, "AA", 0)  # not_after == NOW
    [s] = rootrules.evaluate([Pin("A", "AA")], readings(at_the_moment), NOW, 365)
    assert (s.state, s.days_left) == ("expired", 0)


def test_an_install_step_in_json():
    step = rootrules.InstallRootStep("Security Communication RootCA2", "51" * 32, LM, "bundled", b"\x30")
    assert step.as_json() == {
        "action": "install-root", "pin": "Security Communication RootCA2", "sha256": "51" * 32,
        "store": "LocalMachine\\Root", "source": "bundled",
    }


def test_select_keeps_the_offered_certificate_itself():
    offered = Offered("AA", "OU=Root")
    assert rootrules.select([Pin("A", "AA")], [offered]).pinned == {"AA": offered}
