"""The pure decisions behind import, cleanup and reminders."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from pycert.expiry import rules
from pycert.pfx import rules as pfx_rules
from pycert.common.model import CertificateInfo, KeyPresence, StoreRef
from tests.issuers import trust_of

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)
MY = StoreRef("CurrentUser", "My")
SUBJECT = "CN=0110119153, OU=medical, OU=hokkaido, O=ReceiptOnline, C=JP"
ISSUER = "CN=Online Billing NW Common Root CA - G1, O=Cybertrust, C=JP"


def cert(tp, days_left, *, issuer=ISSUER, key=KeyPresence.YES, store=MY, lifetime=1186, subject=SUBJECT):
    not_after = NOW + timedelta(days=days_left)
    return CertificateInfo(store, subject, issuer, tp, "01", not_after - timedelta(days=lifetime), not_after, key)


@pytest.mark.parametrize(
    "role, machine, elevated, expected",
    [
        ("leaf", False, False, "CurrentUser\\My"),
        ("leaf", False, True, "CurrentUser\\My"),
        ("leaf", True, False, "LocalMachine\\My"),
        ("intermediate", False, True, "CurrentUser\\CA"),
        ("intermediate", True, False, "LocalMachine\\CA"),
        ("root", False, False, "CurrentUser\\Root"),
        ("root", False, True, "LocalMachine\\Root"),
        ("root", True, False, "LocalMachine\\Root"),
        ("other", False, False, "CurrentUser\\AddressBook"),
    ],
)
def test_import_destination(role, machine, elevated, expected):
    assert str(pfx_rules.import_destination(role, machine, elevated)) == expected


def test_chain_role():
    root = cert("R", 3000, subject="CN=Root", issuer="CN=Root")
    assert pfx_rules.chain_role(root, is_ca=True) == "root"
    assert pfx_rules.chain_role(root, is_ca=False) == "root"
    inter = cert("I", 3000, subject="CN=Inter", issuer="CN=Root")
    assert pfx_rules.chain_role(inter, is_ca=True) == "intermediate"
    assert pfx_rules.chain_role(inter, is_ca=False) == "other"


@pytest.mark.parametrize("days, months", [(1186, 39), (1187, 39), (1096, 36), (365, 12), (30, 1), (1200, 39), (1203, 40)])
def test_lifetime_months(days, months):
    assert pfx_rules.lifetime_months(NOW, NOW + timedelta(days=days)) == months


@pytest.mark.parametrize(
    "key, keys_known, trusted",
    [
        (KeyPresence.YES, True, True),
        (KeyPresence.YES, False, True),
        (KeyPresence.UNKNOWN, False, True),  # Mono: all it can ever say
        (KeyPresence.UNKNOWN, True, False),  # Windows: not good enough to delete the old one
        (KeyPresence.NO, True, False),
        (KeyPresence.NO, False, False),
    ],
)
def test_successor_key_trusted(key, keys_known, trusted):
    assert rules.successor_key_trusted(cert("N", 1000, key=key), keys_known) is trusted


def _plan(certs, keys_known=True):
    return {s.certificate.thumbprint: (s.remove, s.reason, s.successor) for s in rules.cleanup_plan(certs, NOW, keys_known, trust_of(certs))}


def test_cleanup_removes_superseded_only():
    old, new = cert("OLD", 20), cert("NEW", 1180)
    assert _plan([old, new]) == {
        "OLD": (True, "superseded", "NEW"),
        "NEW": (False, "newest valid certificate", None),
    }


def test_cleanup_keeps_a_lone_certificate_even_if_expired():
    assert _plan([cert("OLD", -3)]) == {"OLD": (False, "no renewed successor in the same store", None)}
    assert _plan([cert("OLD", 20)]) == {"OLD": (False, "newest valid certificate", None)}


def test_cleanup_another_issuer_does_not_supersede():
    old, new = cert("OLD", 20), cert("NEW", 1180, issuer="CN=Online Billing NW Common Root CA - 01, C=JP")
    assert _plan([old, new])["OLD"][0] is False


def test_cleanup_successor_must_be_in_the_same_store():
    old, new = cert("OLD", 20), cert("NEW", 1180, store=StoreRef("CurrentUser", "CA"))
    assert _plan([old, new])["OLD"][0] is False


def test_cleanup_successor_key_rules():
    old = cert("OLD", 20)
    unknown = cert("NEW", 1180, key=KeyPresence.UNKNOWN)
    assert _plan([old, unknown], keys_known=True)["OLD"] == (False, "the successor's private key is not confirmed", "NEW")
    assert _plan([old, unknown], keys_known=False)["OLD"] == (True, "superseded", "NEW")
    assert _plan([old, cert("NEW", 1180, key=KeyPresence.NO)], keys_known=True)["OLD"][0] is False


def test_cleanup_successor_not_yet_valid_does_not_supersede():
    old = cert("OLD", 20)
    future = replace(cert("NEW", 1180), not_before=NOW + timedelta(days=1))
    assert _plan([old, future])["OLD"][0] is False


def test_cleanup_three_generations():
    plan = _plan([cert("G1", -400), cert("G2", 20), cert("G3", 1180)])
    assert plan["G1"][:1] == (True,) and plan["G2"][:1] == (True,) and plan["G3"][0] is False
    assert plan["G1"][2] == "G3"


@pytest.mark.parametrize(
    "days, milestone",
    [(400, None), (91, None), (90, "day-90"), (61, "day-90"), (60, "day-60"), (31, "day-60"), (30, "day-30"),
     (16, "day-30"), (15, "day-15"), (8, "day-15"), (7, "day-7"), (3, "day-3"), (0, "day-0"), (-1, "expired"), (-300, "expired")],
)
def test_reminder_milestone(days, milestone):
    assert rules.reminder_milestone(days) == milestone


def test_pick_renewal():
    old = cert("OLD", 20)
    staged = [cert("SAME", 20), cert("OTHER", 1180, issuer="CN=Other"), cert("A", 1000), cert("B", 1180), cert("STALE", 10)]
    trust = trust_of([old, *staged])
    assert rules.pick_renewal(old, staged, NOW, trust).thumbprint == "B"
    assert rules.pick_renewal(old, staged[:2], NOW, trust) is None
    assert rules.pick_renewal(old, staged, NOW) is None  # nothing verified: nothing renews
