"""rules.py: table-driven edges and properties. Pure: every test passes `now`."""

import hashlib

from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import assume, given, strategies as st

from pycert.common import dates
from pycert.expiry import rules
from tests.issuers import key_of, trust_of
from pycert.common.model import CertificateInfo, KeyPresence, State, StoreReading, StoreRef

UTC = timezone.utc
JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
MY = StoreRef("CurrentUser", "My")
OBN = "CN=Online Billing NW Common Root CA - G1, O=Cybertrust, C=JP"
SUBJECT = "CN=0110119153, OU=medical, O=ReceiptOnline, C=JP"


def cert(not_after, *, not_before=None, subject=SUBJECT, issuer=OBN, key=KeyPresence.YES, tp=None, store=MY):
    not_before = not_before or not_after - timedelta(days=1186)
    return CertificateInfo(
        store=store, subject=subject, issuer=issuer,
        # Deterministic (Python's hash() of a str changes per process): the SHA-1 of the
        # fields, 40 hex digits like a real thumbprint.
        thumbprint=tp or hashlib.sha1(f"{subject}|{issuer}|{not_after.isoformat()}|{store}".encode()).hexdigest().upper(),
        serial="01", not_before=not_before, not_after=not_after, has_private_key=key,
    )


def state_of(c, peers=(), now=NOW, window=90, urgent=14):
    return rules.classify(c, [c, *peers], now, window, urgent, trust=trust_of([c, *peers])).state


# NOW is 21:00 in Japan: days left count Japan-time calendar days (pycert/common/dates.py),
# so the edges are at Japan's midnight, 3 hours after NOW, not at multiples of 24 hours.
@pytest.mark.parametrize(
    "remaining, expected_days, expected_state",
    [
        (timedelta(days=91), 91, State.OK),
        (timedelta(days=90), 90, State.OK),  # 2027-02-19 in Japan: exactly 90 days, not yet "fewer than 90"
        (timedelta(days=90) - timedelta(seconds=1), 90, State.OK),  # still 2027-02-19 21:00 JST - 1 s
        (timedelta(days=89, hours=3), 90, State.OK),  # 2027-02-19 00:00 JST
        (timedelta(days=89, hours=3) - timedelta(seconds=1), 89, State.DUE),  # 2027-02-18 23:59:59 JST
        (timedelta(days=14), 14, State.DUE),
        (timedelta(days=13, hours=3), 14, State.DUE),  # 2026-12-05 00:00 JST
        (timedelta(days=13, hours=3) - timedelta(seconds=1), 13, State.URGENT),
        (timedelta(hours=1), 0, State.URGENT),  # expires later today, still valid
        (timedelta(0), 0, State.EXPIRED),  # not_after is exclusive; the expiry day counts 0
        (-timedelta(seconds=1), 0, State.EXPIRED),
        (-timedelta(hours=21), 0, State.EXPIRED),  # 2026-11-21 00:00 JST: still today
        (-timedelta(hours=21, seconds=1), -1, State.EXPIRED),  # 2026-11-20 23:59:59 JST: yesterday
        (-timedelta(days=1), -1, State.EXPIRED),
        (-timedelta(days=1, hours=21, seconds=1), -2, State.EXPIRED),
    ],
)
def test_window_edges(remaining, expected_days, expected_state):
    c = cert(NOW + remaining)
    assert rules.days_left(c.not_after, NOW) == expected_days
    assert state_of(c) is expected_state


def test_not_yet_valid():
    c = cert(NOW + timedelta(days=400), not_before=NOW + timedelta(hours=1))
    assert state_of(c) is State.NOT_YET_VALID


def test_days_are_counted_in_japan_time_whatever_the_viewer_zone():
    # Expires 15:00 UTC = 00:00 JST on 2027-03-11; seen at 09:00 JST (00:00 UTC) on 2027-02-28.
    # certmgr on a Japanese terminal shows 2027/03/11, and 11 calendar days remain.
    not_after = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
    seen_jst = datetime(2027, 2, 28, 9, 0, tzinfo=JST)
    assert rules.days_left(not_after, seen_jst) == rules.days_left(not_after, seen_jst.astimezone(UTC)) == 11
    assert dates.expiry_text(not_after) == "2027-03-11"


def test_leap_day_counts_as_a_day():
    now = datetime(2028, 2, 28, 0, 0, tzinfo=UTC)
    assert rules.days_left(datetime(2028, 3, 1, 0, 0, tzinfo=UTC), now) == 2
    assert rules.days_left(datetime(2027, 3, 1, 0, 0, tzinfo=UTC), datetime(2027, 2, 28, tzinfo=UTC)) == 1


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        rules.days_left(datetime(2027, 1, 1), NOW)


def test_renewed_certificate_supersedes_the_old_one():
    old = cert(NOW + timedelta(days=10), tp="A" * 40)
    new = cert(NOW + timedelta(days=1186), not_before=NOW - timedelta(days=1), tp="B" * 40)
    found = rules.classify(old, [old, new], NOW, 90, 14, trust=trust_of([old, new]))
    assert found.state is State.SUPERSEDED and found.superseded_by == "B" * 40
    assert state_of(new, [old]) is State.OK


def test_several_renewals_in_a_row_point_at_the_newest():
    first = cert(NOW - timedelta(days=800), tp="1" * 40)
    second = cert(NOW + timedelta(days=20), not_before=NOW - timedelta(days=1100), tp="2" * 40)
    third = cert(NOW + timedelta(days=1180), not_before=NOW - timedelta(days=6), tp="3" * 40)
    peers = [first, second, third]
    results = {c.thumbprint[0]: rules.classify(c, peers, NOW, 90, 14, trust=trust_of(peers)) for c in peers}
    assert results["1"].state is State.SUPERSEDED and results["1"].superseded_by == "3" * 40
    assert results["2"].state is State.SUPERSEDED and results["2"].superseded_by == "3" * 40
    assert results["3"].state is State.OK


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "CN=Online Billing NW Common Root CA - G2, O=Cybertrust, C=JP"},  # another issuer
        {"subject": "CN=0110119999, OU=medical, O=ReceiptOnline, C=JP"},  # another institution
        {"key": KeyPresence.NO},  # renewed but its key is known to be missing
        {"store": StoreRef("LocalMachine", "My")},  # not where the user's one lives
    ],
)
def test_what_does_not_supersede(change):
    old = cert(NOW + timedelta(days=10), tp="A" * 40)
    new = cert(NOW + timedelta(days=1186), not_before=NOW - timedelta(days=1), tp="B" * 40, **change)
    assert state_of(old, [new]) is State.URGENT


def test_unknown_key_still_supersedes_for_detection():
    old = cert(NOW + timedelta(days=10), tp="A" * 40)
    new = cert(NOW + timedelta(days=1186), not_before=NOW - timedelta(days=1), key=KeyPresence.UNKNOWN, tp="B" * 40)
    assert state_of(old, [new]) is State.SUPERSEDED


def test_an_expired_or_future_certificate_does_not_supersede():
    old = cert(NOW + timedelta(days=10), tp="A" * 40)
    future = cert(NOW + timedelta(days=1500), not_before=NOW + timedelta(days=5), tp="B" * 40)
    assert state_of(old, [future]) is State.URGENT


def _profile(certs, required=True):
    return rules.evaluate_profile("obn", certs, [], NOW, 90, 14, required, trust=trust_of(certs))


def test_profile_compliance():
    ok = cert(NOW + timedelta(days=300), tp="A" * 40)
    due = cert(NOW + timedelta(days=30), subject="CN=2", tp="B" * 40)
    assert _profile([ok]).compliant
    assert not _profile([ok, due]).compliant
    assert not _profile([]).compliant and _profile([]).missing
    assert _profile([], required=False).compliant
    # a due certificate that has been renewed does not make the profile non-compliant
    renewed = cert(NOW + timedelta(days=1180), not_before=NOW - timedelta(days=2), subject="CN=2", tp="C" * 40)
    assert _profile([ok, due, renewed]).compliant


def test_findings_are_worst_first():
    certs = [
        cert(NOW + timedelta(days=300), subject="CN=ok", tp="1" * 40),
        cert(NOW - timedelta(days=3), subject="CN=expired", tp="2" * 40),
        cert(NOW + timedelta(days=50), subject="CN=due", tp="3" * 40),
        cert(NOW + timedelta(days=5), subject="CN=urgent", tp="4" * 40),
    ]
    assert [f.state for f in _profile(certs).findings] == [State.EXPIRED, State.URGENT, State.DUE, State.OK]


aware = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.sampled_from([UTC, JST])
)


@given(not_after=aware, now=aware, window=st.integers(1, 400), urgent=st.integers(0, 400))
def test_state_agrees_with_days_left(not_after, now, window, urgent):
    urgent = min(urgent, window)
    c = cert(not_after, not_before=not_after - timedelta(days=1186))
    finding = rules.classify(c, [c], now, window, urgent)
    left = finding.days_left
    assert left == rules.days_left(not_after, now)
    if finding.state is not State.NOT_YET_VALID:
        assert (finding.state is State.EXPIRED) == (now >= not_after)
    if left < 0:
        assert finding.state in (State.EXPIRED, State.NOT_YET_VALID)
    if finding.state is State.EXPIRED:
        assert left <= 0  # 0 on the expiry day itself, after the moment has passed
    if finding.state is State.OK:
        assert left >= window
    if finding.state is State.DUE:
        assert urgent <= left < window
    if finding.state is State.URGENT:
        assert 0 <= left < urgent


def _expiring_in(now: datetime, days: int) -> CertificateInfo:
    """A certificate whose expiry date in Japan is `days` calendar days after today's (in
    Japan): it expires at 23:59:59.999999 JST that day, so days_left is `days` by definition."""
    day = now.astimezone(JST).date() + timedelta(days=days)
    return cert(datetime.combine(day, time(23, 59, 59, 999999), JST))


windows = st.integers(1, 400).flatmap(lambda w: st.tuples(st.just(w), st.integers(0, w)))


# docs/policy.md: `due` when fewer than renewal_window_days are left, `urgent` when fewer than
# urgent_days; so exactly `window` days left is ok, exactly `urgent` days left is due
# (or ok when urgent == window). Each boundary has its own property: `<` versus `<=`.
@given(now=aware, limits=windows)
def test_exactly_the_window_is_ok_and_one_day_less_is_due(now, limits):
    window, urgent = limits
    at = _expiring_in(now, window)
    assume(now < at.not_after)
    assert rules.classify(at, [at], now, window, urgent).state is State.OK
    inside = _expiring_in(now, window - 1)
    assume(now < inside.not_after)
    expected = State.DUE if window - 1 >= urgent else State.URGENT
    assert rules.classify(inside, [inside], now, window, urgent).state is expected


@given(now=aware, limits=windows)
def test_exactly_urgent_days_is_not_urgent_and_one_day_less_is(now, limits):
    window, urgent = limits
    at = _expiring_in(now, urgent)
    assume(now < at.not_after)
    expected = State.DUE if urgent < window else State.OK
    assert rules.classify(at, [at], now, window, urgent).state is expected
    if urgent >= 1:
        inside = _expiring_in(now, urgent - 1)
        assume(now < inside.not_after)
        assert rules.classify(inside, [inside], now, window, urgent).state is State.URGENT


@given(a=aware, delta=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)), now=aware)
def test_days_left_is_monotonic(a, delta, now):
    assert rules.days_left(a + delta, now) >= rules.days_left(a, now)


@given(now=aware, days=st.lists(st.integers(-500, 2000), min_size=1, max_size=6))
def test_exactly_one_unsuperseded_certificate_per_subject_when_all_have_keys(now, days):
    certs = [
        cert(now + timedelta(days=d), not_before=now - timedelta(days=1), tp=f"{i:040X}")
        for i, d in enumerate(days)
    ]
    result = rules.evaluate_profile("obn", certs, [], now, 90, 14, True, trust=trust_of(certs))
    leaders = [f for f in result.findings if f.state is not State.SUPERSEDED]
    valid = [c for c in certs if rules.is_valid_at(c, now)]
    if valid:
        # the longest-lasting valid certificate supersedes every shorter one
        assert len(leaders) == len([c for c in certs if c.not_after == max(v.not_after for v in valid)])
    else:
        assert len(leaders) == len(certs)


def test_an_expiry_in_year_9999_has_a_date_and_a_day_count():
    # 9999-12-31 23:59Z is already year 10000 in Japan; the last date Python has stands in.
    not_after = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert dates.expiry_text(not_after) == "9999-12-31"
    assert rules.days_left(not_after, datetime(9999, 12, 30, 0, 0, tzinfo=UTC)) == 1


# -- rules stated by hand that mutation testing found unstated (docs/reliability.md 4d)

def test_a_certificate_is_valid_from_its_not_before_up_to_not_after_exclusive():
    starts_now = cert(NOW + timedelta(days=100), not_before=NOW)
    assert rules.is_valid_at(starts_now, NOW)
    assert rules.classify(starts_now, [], NOW, 90, 14).state is State.OK  # not "not yet valid" at not_before
    assert not rules.is_valid_at(cert(NOW), NOW)


def test_classify_keeps_the_successor_it_is_given_and_the_profile():
    old, new = cert(NOW + timedelta(days=10)), cert(NOW + timedelta(days=1000))
    finding = rules.classify(old, [old, new], NOW, 90, 14, successor=new)  # nothing verified: only the caller knows
    assert (finding.state, finding.superseded_by, finding.profile) == (State.SUPERSEDED, new.thumbprint, "")
    assert rules.classify(old, [], NOW, 90, 14, profile="obn").profile == "obn"


def test_evaluate_profile_carries_its_inputs_and_passes_the_successor():
    old, new = cert(NOW + timedelta(days=10)), cert(NOW + timedelta(days=1000))
    stores = [StoreReading(MY, "ok", (old, new))]
    result = rules.evaluate_profile("obn", [old, new], stores, NOW, 90, 14, True, trust_of([old, new]))
    assert (result.profile, result.required, result.stores, result.missing) == ("obn", True, stores, False)
    assert [(f.profile, f.certificate, f.state, f.superseded_by) for f in result.findings] == [
        ("obn", new, State.OK, None), ("obn", old, State.SUPERSEDED, new.thumbprint)]


def test_worst_findings_lists_only_what_needs_action_worst_first():
    expired, urgent, due, ok = (cert(NOW + timedelta(days=d), subject=f"CN={d}") for d in (-5, 5, 50, 500))
    results = [rules.evaluate_profile("a", [due, ok], [], NOW, 90, 14, True),
               rules.evaluate_profile("b", [urgent, expired], [], NOW, 90, 14, True)]
    assert [f.certificate for f in rules.worst_findings(results)] == [expired, urgent, due]


def test_a_remove_step_in_words_and_in_json():
    c = cert(datetime(2027, 1, 5, 3, 0, tzinfo=UTC), tp="OLDTP")
    step = rules.RemoveStep("obn", c, "superseded", "NEWTP")
    assert step.describe() == (
        f"remove OLDTP (0110119153, expires {dates.expiry_text(c.not_after)}) from CurrentUser\\My: superseded by NEWTP")
    assert rules.RemoveStep("obn", c, "superseded", None).describe().endswith("from CurrentUser\\My: superseded")
    assert step.as_json() == {"action": "remove", "profile": "obn", "store": "CurrentUser\\My", "thumbprint": "OLDTP",
                              "subject": SUBJECT, "reason": "superseded", "successor": "NEWTP"}


def test_cleanup_says_why_a_newer_certificate_is_no_successor():
    old = cert(NOW + timedelta(days=10), tp="OLD")
    newer = cert(NOW + timedelta(days=1000), tp="NEWER", issuer="CN=Look-alike CA")
    rule = trust_of([old, newer])  # each issuer name its own key: the newer one is from another key
    [keep_old, keep_new] = rules.cleanup_plan([old, newer], NOW, True, rule)
    assert keep_old == rules.CleanupStep(old, False, "the newer NEWER is not from the CA key that issued this one "
                                         "nor from a pinned issuer (trusted_issuers)")
    # a look-alike that is not newer, in another store or of another subject: no such sentence
    # (`old` is not yet valid here, so it is never "the newest valid certificate" itself)
    old = cert(NOW + timedelta(days=10), not_before=NOW + timedelta(days=1), tp="OLD")
    look = "CN=Look-alike CA"
    for other in (cert(old.not_after, tp="SAME", issuer=look),
                  cert(NOW + timedelta(days=5), tp="OLDER", issuer=look),
                  cert(NOW + timedelta(days=1000), tp="ELSEWHERE", issuer=look, store=StoreRef("LocalMachine", "My")),
                  cert(NOW + timedelta(days=1000), tp="OTHER", issuer=look, subject="CN=other")):
        steps = rules.cleanup_plan([old, other], NOW, True, trust_of([old, other]))
        assert [s.reason for s in steps if s.certificate is old] == ["no renewed successor in the same store"], other


def test_the_longest_lasting_allowed_successor_wins_own_key_or_pinned():
    old = cert(NOW + timedelta(days=10), tp="OLD")
    gone = cert(NOW - timedelta(days=1), tp="GONE")  # expired: can succeed nothing, and is skipped
    own = cert(NOW + timedelta(days=500), tp="OWN")
    pinned = cert(NOW + timedelta(days=1000), tp="PINNED", issuer="CN=Next CA generation")
    rule = trust_of([old, gone, own, pinned], pins=[key_of("CN=Next CA generation")])
    found = rules.successors([gone, old, own, pinned], NOW, rule)
    assert found[(MY, "OLD")] is pinned and found[(MY, "OWN")] is pinned
    not_pinned = trust_of([old, gone, own, pinned])
    assert rules.successors([gone, old, own, pinned], NOW, not_pinned)[(MY, "OLD")] is own
    # a subject with no possible successor at all does not end the search for the next one
    alone = cert(NOW - timedelta(days=1), tp="ALONE", subject="CN=alone")
    assert rules.successors([alone, old, own], NOW, trust_of([alone, old, own]))[(MY, "OLD")] is own


@pytest.mark.parametrize("has_password, leaf_issuer, needing_subject, refusal", [
    (False, OBN, SUBJECT, "no-password"),
    (True, OBN, SUBJECT, None),  # same CA key as the certificate it renews
    (True, "CN=Look-alike CA", SUBJECT, "issuer-unverified"),
    (True, "CN=Look-alike CA", "CN=someone else", None),  # renews nothing that needs it: not refused, not used
])
def test_staged_refusal_by_hand(has_password, leaf_issuer, needing_subject, refusal):
    leaf = cert(NOW + timedelta(days=1000), tp="LEAF", issuer=leaf_issuer)
    needing = cert(NOW + timedelta(days=10), tp="OLD", subject=needing_subject)
    assert rules.staged_refusal(leaf, [needing], trust_of([leaf, needing]), has_password) == refusal


def test_pick_renewal_judges_the_staged_certificate_in_the_expiring_ones_store():
    expiring = cert(NOW + timedelta(days=10), tp="OLD")
    # read from a PFX: in no store yet, and its key is in the file (whatever the reading says)
    staged = cert(NOW + timedelta(days=1000), tp="STAGED", store=StoreRef("CurrentUser", "Downloads"),
                  key=KeyPresence.NO)
    assert rules.pick_renewal(expiring, [staged], NOW, trust_of([expiring, staged])) is staged
