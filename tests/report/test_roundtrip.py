"""Round trip: whatever `line` or JSON PyCert prints for a CheckResult, the report parser
reads back to the same verdict, states and days (property-based)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycert.policy.models import Policy
from pycert.expiry import job as expiry
from pycert.common.output import combined_json, combined_line, result_json, summary_line
from pycert.expiry.view import line_parts as expiry_line_parts
from pycert.report.parse import from_json, from_line, parse_output
from pycert.report.samples import MemoryStores, certificate

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
FLEET_VERDICT = {"compliant": "compliant", "noncompliant": "noncompliant", "error": "failed"}
POLICY = Policy.model_validate({
    "profiles": {
        "obn": {"match": {"issuer_contains": ["Online Billing NW Common Root CA"]}, "required": True},
        "orca": {"match": {"subject_regex": "ORCA"}, "required": False, "renewal_window_days": 60, "urgent_days": 7},
    }
})
CN_TEXT = st.text(alphabet=st.sampled_from(list("0123456789ABCxyz |=\"-受付端末札幌")), min_size=1, max_size=40).filter(
    lambda s: s.strip() and s.strip() == s and '"' not in s)


@st.composite
def check_results(draw):
    rng = random.Random(draw(st.integers(0, 2**32)))
    certs = []
    for _ in range(draw(st.integers(0, 40))):
        days = draw(st.floats(-400, 1300, allow_nan=False))
        base = certificate(draw(CN_TEXT), NOW + timedelta(days=days), rng)
        if draw(st.booleans()):
            base = type(base)(**{**base.__dict__, "subject": f"CN={base.common_name} ORCA, O=WebORCA, C=JP",
                                 "issuer": "CN=ORCA Demo CA, C=JP"})
        else:
            base = type(base)(**{**base.__dict__, "subject": f"CN={draw(CN_TEXT)}, O=ReceiptOnline, C=JP"})
        certs.append(base)
    status = draw(st.sampled_from(["ok", "ok", "ok", "error"]))
    return expiry.detect(POLICY, MemoryStores(certs, status=status), NOW)


def findings(result):
    return [f for p in result.profiles for f in p.findings]


def expected_counts(result) -> Counter:
    counts = Counter(f.state.value for f in findings(result))
    for p in result.profiles:
        counts["missing"] += p.missing
        counts["error"] += len(p.store_errors)
    return +counts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(check_results())
def test_line_round_trip(result):
    line = summary_line(result)
    assert len(line) <= 2048
    parsed = from_line(line)
    assert parsed.verdict == FLEET_VERDICT[result.verdict]
    assert parsed.check == "expiry" and not parsed.truncated
    rendered = [i for i in expiry_line_parts(result)[1] if "state" in i.fields]
    assert len(parsed.certs) + parsed.more == len(rendered)
    for cert, item in zip(parsed.certs, rendered):
        assert (cert.profile, cert.state, cert.days, cert.cn) == (
            item.word, item.fields["state"], item.fields.get("days"), item.fields.get("cn", ""))
    by_tp = {f.certificate.thumbprint[:8]: f for f in findings(result)}
    for cert in parsed.certs:
        if cert.thumbprint:
            finding = by_tp[cert.thumbprint]
            assert (cert.state, cert.days) == (finding.state.value, finding.days_left)
    assert Counter(parsed.state_counts) == expected_counts(result)
    assert parse_output(f"some earlier output\n{line}\n") == parsed  # only the last line counts


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(check_results())
def test_json_round_trip(result):
    parsed = from_json(result_json(result))
    assert parsed.verdict == FLEET_VERDICT[result.verdict]
    got = Counter((c.state, c.days) for c in parsed.certs if c.days is not None)
    assert got == Counter((f.state.value, f.days_left) for f in findings(result))
    assert Counter(parsed.state_counts) == expected_counts(result)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(check_results(), check_results())
def test_combined_outputs_round_trip(first, second):
    # `pycert detect` with several checks: the items carry check=...; both parts are expiry here,
    # which is enough to show the parser takes states and days from every part.
    codes = [first.exit_code, second.exit_code]
    code = 1 if 1 in codes else max(codes)
    verdict = {0: "compliant", 1: "noncompliant"}.get(code, "error")
    line = from_line(combined_line([first, second], verdict))
    assert line.check == "all" and line.verdict == FLEET_VERDICT[verdict]
    assert all(c.check == "expiry" for c in line.certs)
    data = from_json(combined_json([first, second], verdict, code, NOW))
    assert Counter((c.state, c.days) for c in data.certs if c.days is not None) == Counter(
        (f.state.value, f.days_left) for r in (first, second) for f in findings(r))
