"""Property: no set of look-alike certificates added to the stores changes the verdict for
the genuine certificate or lets cleanup remove it. Look-alikes have the genuine subject and
issuer *names*: self-signed, signed by an attacker CA of the same name (sometimes itself
added to CurrentUser\\CA and CurrentUser\\Root, unpinned), any dates and key presence.
Signatures are real (cryptography); the stores are in memory, as the backends report them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pycert.common.model import KeyPresence, State, StoreReading, StoreRef
from pycert.demo import samples
from pycert.expiry import cleanup, scan
from pycert.expiry.trust import IssuerTrust
from pycert.pfx.reader import certificate_info
from pycert.policy.models import BUILTIN_POLICY, Policy

NOW = samples.utc_now()
MY, CA, ROOT = (StoreRef("CurrentUser", n) for n in ("My", "CA", "Root"))
POLICY = Policy.model_validate(BUILTIN_POLICY)
CODE = "0110119153"


def info(sample, store, key=KeyPresence.YES):
    return certificate_info(sample.certificate, store, key)


GENUINE = samples.obn_certificate(CODE, 30, NOW, key_seed=1)
GENUINE_CA = info(samples.sample_ca(), ROOT, KeyPresence.NO)
EVIL_CA = samples.make_certificate(samples.OBN_CA, samples.OBN_CA, NOW - timedelta(days=9), NOW + timedelta(days=3650),
                                   key_seed=78, issuer_key=samples.rsa_key(78), ca=True)
# Look-alikes: the DER decides the signature; dates and key presence are then varied on
# the CertificateInfo (what the rules read), which a forger controls anyway.
LOOK_ALIKES = [
    samples.look_alike(CODE, 1185, NOW, key_seed=66),  # self-signed in all but name
    samples.make_certificate(samples.OBN_LEAF.format(code=CODE), samples.OBN_CA, NOW - timedelta(days=1),
                             NOW + timedelta(days=1185), key_seed=67, issuer_key=samples.rsa_key(78)),  # by EVIL_CA
]


class Stores:
    def __init__(self, certs, keys_known):
        self.certs, self.keys_known = certs, keys_known

    def read_many(self, stores):
        return [StoreReading(s, "ok", tuple(c for c in self.certs if c.store == s)) for s in stores]


look_alike = st.builds(
    lambda which, days, not_before_days, key, store: replace(
        info(LOOK_ALIKES[which], store, key),
        not_after=NOW + timedelta(days=days), not_before=NOW - timedelta(days=not_before_days),
    ),
    st.integers(0, len(LOOK_ALIKES) - 1), st.integers(-100, 4000), st.integers(0, 1500),
    st.sampled_from(list(KeyPresence)), st.sampled_from([MY, MY, MY, CA]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fakes=st.lists(look_alike, max_size=6), evil_ca_in=st.sampled_from([(), (CA,), (ROOT,), (CA, ROOT)]),
       keys_known=st.booleans())
def test_look_alikes_change_nothing_for_the_genuine_certificate(fakes, evil_ca_in, keys_known):
    genuine = info(GENUINE, MY)
    base = [genuine, GENUINE_CA]
    planted = [info(EVIL_CA, where, KeyPresence.NO) for where in evil_ca_in] + fakes

    def verdict(certs):
        [result] = scan.scan(POLICY.select("obn"), Stores(certs, keys_known), NOW)
        [finding] = [f for f in result.findings if f.certificate.thumbprint == genuine.thumbprint]
        return finding.state, finding.superseded_by, finding.issuer_verified

    alone = verdict(base)
    assert alone == (State.DUE, None, True)
    assert verdict(base + planted) == alone
    plan = cleanup.plan(POLICY, Stores(base + planted, keys_known), NOW)
    assert genuine.thumbprint not in {r.step.certificate.thumbprint for r in plan.to_remove}


@settings(max_examples=40, deadline=None)
@given(days=st.integers(-30, 80), keys_known=st.booleans())
def test_the_genuine_renewal_still_supersedes_among_look_alikes(days, keys_known):
    """The control: the rule is not simply "nothing supersedes"."""
    old = replace(info(GENUINE, MY), not_after=NOW + timedelta(days=days))
    renewed = info(samples.obn_renewal(GENUINE, NOW - timedelta(days=2)), MY)
    fakes = [info(s, MY) for s in LOOK_ALIKES]
    [result] = scan.scan(POLICY.select("obn"), Stores([old, renewed, GENUINE_CA, *fakes], keys_known), NOW)
    states = {f.certificate.thumbprint: (f.state, f.superseded_by) for f in result.findings}
    assert states[old.thumbprint] == (State.SUPERSEDED, renewed.thumbprint)
    plan = cleanup.plan(POLICY, Stores([old, renewed, GENUINE_CA, *fakes], keys_known), NOW)
    assert [r.step.certificate.thumbprint for r in plan.to_remove] == [old.thumbprint]


# -- the issuer rule as a table, by hand (pycert/expiry/trust.py's docstring; mutation testing)

@pytest.mark.parametrize("signers, pins, may", [
    ({}, frozenset(), False),  # neither signer known: replaces nothing (None is no key)
    ({"NEW": "K1"}, frozenset(), False),  # the old certificate's signer unknown, nothing pinned
    ({"NEW": "K1", "OLD": "K1"}, frozenset(), True),  # the same CA key
    ({"NEW": "K2", "OLD": "K1"}, frozenset(), False),  # another CA key
    ({"NEW": "K2", "OLD": "K1"}, frozenset({"K2"}), True),  # another key, pinned by the profile
    ({"NEW": "K2", "OLD": "K1"}, frozenset({"K1"}), False),  # the pin is of the old key, not the new
    ({"OLD": "K1"}, frozenset({"K1"}), False),  # the successor's signer unknown
])
def test_may_replace_by_hand(signers, pins, may):
    new, old = SimpleNamespace(thumbprint="NEW"), SimpleNamespace(thumbprint="OLD")
    rule = IssuerTrust(signers, pins)
    assert rule.may_replace(new, old) is may
    assert rule.verified(new) is ("NEW" in signers)
    assert rule.pinned(new) is (signers.get("NEW") in pins)
