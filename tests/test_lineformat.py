"""The v1 summary line: ASCII, at most 2048 characters, and parseable back."""

from hypothesis import given, strategies as st

from pycert.common import lineformat
from pycert.common.lineformat import Item, Line


def test_render_and_parse_simple():
    line = Line("NONCOMPLIANT", "expiry", {"certs": 2, "due": 1},
                [Item("obn", {"cn": "0110119153", "state": "due", "days": 45, "expires": "2027-01-05", "tp": "1CD490FC"})])
    text = lineformat.render(line)
    assert text == ("NONCOMPLIANT expiry v1 certs=2 due=1 | obn cn=0110119153 state=due days=45 "
                    "expires=2027-01-05 tp=1CD490FC")
    back = lineformat.parse(text)
    assert back.verdict == "NONCOMPLIANT" and back.check == "expiry" and back.counters == {"certs": "2", "due": "1"}
    assert back.items[0].fields["days"] == "45"


def test_values_with_spaces_bars_and_japanese_are_quoted_ascii():
    line = Line("COMPLIANT", "expiry", {}, [Item("orca", {"cn": "日医 クライアント | x=1"})])
    text = lineformat.render(line)
    assert text.isascii()
    assert lineformat.parse(text).items[0].fields["cn"] == "日医 クライアント | x=1"


def test_truncates_to_the_limit_and_counts_what_was_left_out():
    items = [Item("obn", {"cn": f"{i:010d}", "state": "due", "days": i}) for i in range(500)]
    text = lineformat.render(Line("NONCOMPLIANT", "expiry", {"certs": 500}, items))
    assert len(text) <= 2048
    parsed = lineformat.parse(text)
    assert len(parsed.items) + parsed.more == 500
    assert text.endswith(f"| +{parsed.more} more")


names = st.text(min_size=1, max_size=40)
values = st.one_of(st.text(max_size=120), st.integers(-100000, 100000))
items = st.builds(Item, names, st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), values, max_size=5))


@given(
    verdict=st.sampled_from(lineformat.VERDICTS),
    check=st.sampled_from(["expiry", "rootca", "mpki", "all"]),
    counters=st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.integers(0, 10**6), max_size=4),
    found=st.lists(items, max_size=40),
)
def test_round_trip(verdict, check, counters, found):
    text = lineformat.render(Line(verdict, check, counters, found))
    assert len(text) <= lineformat.MAX_LINE and text.isascii() and "\n" not in text
    back = lineformat.parse(text)
    assert (back.verdict, back.check) == (verdict, check)
    assert back.counters == {k: str(v) for k, v in counters.items()}
    assert len(back.items) + back.more == len(found)
    for original, parsed in zip(found, back.items):
        assert parsed.word == lineformat.quote(original.word).strip('"') or parsed.word == original.word[:lineformat.MAX_VALUE - 3] + "..." or parsed.word == original.word
        for key, value in original.fields.items():
            expected = str(value)
            if len(expected) > lineformat.MAX_VALUE:
                expected = expected[: lineformat.MAX_VALUE - 3] + "..."
            assert parsed.fields[key] == expected


# Lines without a quote take a fast path (str.split); it must find the grammar's tokens.
UNQUOTED = st.text(alphabet=st.sampled_from(list("ab=|+1 \t\n\x0b\x0c\r\x1c\x85\xa0\u2028\u3000é")), max_size=60)


@given(UNQUOTED)
def test_unquoted_lines_split_into_the_grammars_tokens(text):
    expected = [m.group(1) for m in lineformat._TOKEN.finditer(text.strip())]  # the grammar, token by token
    assert lineformat._tokens(text.strip()) == expected


def test_a_line_without_quotes_parses_like_one_with_them():
    plain = lineformat.parse("NONCOMPLIANT expiry v1 certs=2 due=1 | obn cn=0110119153 state=due days=45 | +1 more")
    quoted = lineformat.parse('NONCOMPLIANT expiry v1 certs=2 due=1 | obn cn="0110119153" state=due days=45 | +1 more')
    assert plain == quoted
    assert plain.items == [Item("obn", {"cn": "0110119153", "state": "due", "days": "45"})] and plain.more == 1
