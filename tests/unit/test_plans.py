"""The typed plans: what each step says about its target, the order of an import, the
re-check before a renewal's removals, the cleanup projection, and which checks get stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pycert.common.model import CertificateInfo, KeyPresence, StoreReading, StoreRef
from pycert.common.plan import plan_lines
from pycert.expiry import cleanup, rules
from pycert.expiry.renewal import confirmed
from pycert.pfx import rules as pfx_rules
from pycert.policy.models import BUILTIN_POLICY, Policy
from pycert.rootca.rules import InstallRootStep
from tests.issuers import sample_ca_info, with_der

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)
MY = StoreRef("CurrentUser", "My")
SUBJECT = "CN=0110119153, OU=medical, OU=hokkaido, O=ReceiptOnline, C=JP"
ISSUER = 'CN=Online Billing NW Common Root CA - G1, O="Cybertrust Japan Co., Ltd.", C=JP'
POLICY = Policy.model_validate(BUILTIN_POLICY)


def cert(tp, days_left, *, key=KeyPresence.UNKNOWN, store=MY, subject=SUBJECT, issuer=ISSUER):
    not_after = NOW + timedelta(days=days_left)
    # signed by the sample CA that Stores keeps in CurrentUser\Root: the issuer verifies
    return with_der(CertificateInfo(store, subject, issuer, tp, "01", not_after - timedelta(days=1186), not_after, key))


class Stores:
    """Mono-like stores in memory: keys unknown, nothing written; the sample CA in CurrentUser\\Root."""

    keys_known = False

    def __init__(self, *certs):
        self.certs = [*certs, sample_ca_info()]

    def read_many(self, stores):
        return [StoreReading(s, "ok", tuple(c for c in self.certs if c.store == s)) for s in stores]


def test_each_step_names_its_target_in_line_and_json():
    root = StoreRef("CurrentUser", "Root")
    steps = [
        pfx_rules.ImportStep("C:\\Users\\a\\Downloads\\x.pfx", "leaf", SUBJECT, "AA11", MY, b"der"),
        rules.RemoveStep("obn", cert("BB22", 20), "superseded", "AA11"),
        InstallRootStep("RootCA2", "5D" * 32, root, "bundled", b"der"),
    ]
    assert plan_lines(steps) == [
        "plan: import leaf AA11 (0110119153) with its private key from C:\\Users\\a\\Downloads\\x.pfx into CurrentUser\\My",
        f"plan: remove BB22 (0110119153, expires {NOW + timedelta(days=20):%Y-%m-%d}) from CurrentUser\\My: superseded by AA11",
        f'plan: install root "RootCA2" (SHA-256 {"5D" * 32}) from bundled into CurrentUser\\Root',
    ]
    assert [s.as_json()["action"] for s in steps] == ["import", "remove", "install-root"]
    assert steps[0].as_json()["store"] == steps[1].as_json()["store"] == "CurrentUser\\My"
    assert steps[2].as_json() == {"action": "install-root", "pin": "RootCA2", "sha256": "5D" * 32,
                                  "store": "CurrentUser\\Root", "source": "bundled"}
    assert "der" not in repr(steps[0]) + repr(steps[2])  # bytes stay out of logs


def test_import_steps_put_the_leaf_first_and_roots_last():
    info = {role: cert(role.upper(), 900) for role in ("leaf", "root", "intermediate", "other")}
    steps = pfx_rules.import_steps("x.pfx", [(info[r], r, b"") for r in ("leaf", "root", "intermediate", "other")],
                                   machine=False, elevated=True)
    assert [(s.role, str(s.store)) for s in steps] == [
        ("leaf", "CurrentUser\\My"), ("intermediate", "CurrentUser\\CA"),
        ("other", "CurrentUser\\AddressBook"), ("root", "LocalMachine\\Root"),
    ]
    assert steps[0].placement().status == "planned" and steps[0].placement().store == MY


def test_cleanup_plan_judges_planned_imports_as_if_they_were_in():
    old = cert("OLD", 20)
    alone = cleanup.plan(POLICY, Stores(old), NOW)
    assert alone.steps == []
    renewed = cert("NEW", 1180, key=KeyPresence.YES)
    elsewhere = cert("ELSEWHERE", 1180, key=KeyPresence.YES, store=StoreRef("CurrentUser", "CA"))
    projected = cleanup.plan(POLICY, Stores(old), NOW, adding=[renewed, renewed, elsewhere])
    assert [(s.thumbprint, s.successor) for s in projected.steps] == [("OLD", "NEW")]
    assert {r.step.certificate.thumbprint for r in projected.removals} == {"OLD", "NEW"}  # once each, not CA


def _report(*certs):
    return cleanup.plan(POLICY, Stores(*certs), NOW)


def test_a_printed_removal_runs_only_if_the_stores_still_allow_it():
    old, other_old = cert("OLD", 20), cert("OLD2", 10, subject=SUBJECT.replace("0110119153", "0110119999"))
    new, other_new = cert("NEW", 1180), cert("NEW2", 1180, subject=other_old.subject)
    printed = _report(old, new, other_old, other_new)
    assert [s.thumbprint for s in printed.steps] == ["OLD", "OLD2"]
    # Re-read before removing: OLD2 has gone meanwhile; OLD's successor lost its key.
    reread = _report(old, cert("NEW", 1180, key=KeyPresence.NO), other_new)
    go = confirmed(printed, reread)
    assert go.to_remove == []
    assert [(r.step.certificate.thumbprint, r.status) for r in printed.to_remove] == [("OLD", "kept"), ("OLD2", "gone")]
    assert "no renewed successor" in printed.to_remove[0].detail
    again = confirmed(_report(old, new), _report(old, new))
    assert [r.step.certificate.thumbprint for r in again.to_remove] == ["OLD"]


def test_checks_that_use_no_store_are_never_handed_one(monkeypatch):
    from pycert import checks

    seen = []
    monkeypatch.setattr("pycert.mpki.job.detect", lambda policy, now, **kw: seen.append(("mpki", policy, now, kw)))
    monkeypatch.setattr("pycert.expiry.job.detect", lambda policy, stores, now, **kw: seen.append(("expiry", stores)))

    def no_stores():
        raise AssertionError("mpki asked for the store backend")

    checks.run("mpki", "detect", "P", no_stores, NOW, offline=True)
    checks.run("expiry", "detect", "P", lambda: "the stores", NOW)
    assert seen == [("mpki", "P", NOW, {"offline": True}), ("expiry", "the stores")]
    assert [name for name, c in checks.CHECKS.items() if not c.uses_stores] == ["mpki"]


@pytest.mark.parametrize("name", ["expiry", "rootca", "mpki"])
def test_every_check_has_its_modules(name):
    from pycert import checks

    assert callable(checks.job(name).detect) and callable(checks.job(name).remediate)
    assert callable(checks.view(name).line_parts)
