"""Issue 17: any mapping file or previous-report file either loads or is refused with one
UsageError sentence; nothing else escapes (no traceback, no other exception)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycert.common.errors import UsageError
from pycert.report import clinics, since

CELLS = st.text(alphabet=st.sampled_from(list('0123456789*?[],;"\t\n\r #-ABCpc受付\u2028\x1b\x00\ufeff')), max_size=12)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8)
HEADERS = st.sampled_from(["医療機関コード,端末名,医療機関名,担当者", "code,device,clinic", "医療機関名;端末名", "x,y", ""])


def _one_sentence(exc: UsageError) -> None:
    assert exc.message and "\n" not in exc.message and exc.message.endswith(".")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]))
def test_any_mapping_loads_or_is_one_sentence(tmp_path, header, rows, encoding):
    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    path = tmp_path / "clinics.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    try:
        mapping = clinics.load(str(path))
    except UsageError as exc:
        _one_sentence(exc)
        return
    mapping.clinic_of("CLINIC-PC01", ["0110119153"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(st.binary(max_size=200), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(
        st.sampled_from(["generated_at", "devices_by_verdict", "device_list", "device", "verdict", "clinic"]), inner, max_size=4)),
    max_leaves=12).map(lambda v: json.dumps(v).encode())))
def test_any_previous_file_loads_or_is_one_sentence(tmp_path, payload):
    path = tmp_path / "previous.json"
    path.write_bytes(payload)
    try:
        since.load(str(path))
    except UsageError as exc:
        _one_sentence(exc)
