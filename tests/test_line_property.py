"""Issue #19: the summary line's most important rule, as a property. Every rendered line
is at most 2048 characters (docs/output.md) and parses back with the right count: the
items shown plus the `| +N more` tail equal the items given plus `more`. Line shapes:
many items, long items, items near the cap, large `more`."""

from hypothesis import HealthCheck, given, settings, strategies as st

from pycert.common import lineformat

WORDS = st.sampled_from(["obn", "store", "RootCA2", "オンライン", "a b", 'q"uote', "x|y", "k=v"])
VALUES = st.one_of(
    st.integers(-10**6, 10**9),
    st.text(max_size=200),
    st.text(alphabet="abcdef0123456789", min_size=90, max_size=140),  # near and over the 96 cut
)
ITEMS = st.lists(
    st.builds(lineformat.Item, WORDS, st.dictionaries(st.sampled_from(["cn", "state", "days", "tp", "store"]), VALUES, max_size=5)),
    max_size=80,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=ITEMS,
    more=st.one_of(st.just(0), st.integers(1, 10**12)),
    counters=st.dictionaries(st.sampled_from(["certs", "ok", "due", "urgent", "expired"]), st.integers(0, 10**6), max_size=5),
)
def test_every_line_fits_and_parses_back_with_its_count(items, more, counters):
    line = lineformat.Line("NONCOMPLIANT", "expiry", counters=counters, items=items, more=more)
    text = lineformat.render(line)
    assert len(text) <= 2048
    back = lineformat.parse(text)
    assert len(back.items) + back.more == len(items) + more, text[-80:]
    assert back.counters == {k: str(v) for k, v in counters.items()}


def test_a_cut_line_ends_with_its_tail_not_a_dangling_separator():
    """The issue's example: a line ending `…days=43 | ` when no room was left for the tail."""
    items = [lineformat.Item("obn", {"cn": "c" * 90, "days": 43}) for _ in range(40)]
    text = lineformat.render(lineformat.Line("NONCOMPLIANT", "expiry", items=items))
    assert len(text) <= 2048 and text.rsplit(" | ", 1)[1].endswith(" more")
    back = lineformat.parse(text)
    assert len(back.items) + back.more == 40
