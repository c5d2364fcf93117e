"""Property-based fuzzing of the parsers that read what others wrote: the summary line,
a device's detection output, and whole report input files. No exception escapes but the
tool's own typed errors (the PFX wrapper, the policy loader and version parsing have
theirs in tests/unit/test_pfx.py, tests/hostile/test_policy_and_cli.py and
tests/test_mpkirules.py)."""

from hypothesis import HealthCheck, given, settings, strategies as st

from pycert.common import lineformat
from pycert.report import inputs, parse
from pycert.report.model import Fleet

line_like = st.one_of(
    st.text(max_size=300),
    st.builds(lambda v, body: f"{v} expiry v1 {body}", st.sampled_from(lineformat.VERDICTS), st.text(max_size=200)),
    st.builds(lambda a, b: f"NONCOMPLIANT expiry v1 certs=1 | obn {a}=\"{b}", st.text(max_size=10), st.text(max_size=40)),
)


@settings(max_examples=500, deadline=None)
@given(line_like)
def test_H_FUZZ_3_summary_line_parser(text):
    try:
        parsed = lineformat.parse(text)
    except lineformat.LineFormatError:
        return
    assert parsed.verdict in lineformat.VERDICTS


@settings(max_examples=500, deadline=None)
@given(st.one_of(line_like, st.builds(lambda t: "{" + t, st.text(max_size=200))))
def test_H_FUZZ_4_device_output_parser(text):
    try:
        report = parse.parse_output(text)
    except (parse.ParseError, lineformat.LineFormatError):
        return
    # Whatever is accepted names a check and a verdict the report can count.
    assert isinstance(report.check, str) and report.check
    assert isinstance(report.verdict, str) and report.verdict


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000), st.sampled_from(["export.csv", "lines.jsonl", "r.json"]))
def test_H_FUZZ_5_report_input_files(tmp_path, blob, name):
    path = tmp_path / name
    path.write_bytes(blob)
    fleet = Fleet()
    inputs.read_file(fleet, path)  # never raises: bad rows are counted and listed
    # Every line is either a device or a counted rejection; nothing is silently dropped.
    assert len(fleet.devices) <= 2000
    if blob.strip() and not fleet.devices:
        assert fleet.rejected_count >= 1, blob[:80]
