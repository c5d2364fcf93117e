"""The v1 summary line: ASCII, at most 2048 characters, and parseable back."""

import pytest
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
    assert len(text) <= 2048 and text.isascii() and "\n" not in text  # docs/output.md
    back = lineformat.parse(text)
    assert (back.verdict, back.check) == (verdict, check)
    assert back.counters == {k: str(v) for k, v in counters.items()}
    assert len(back.items) + back.more == len(found)
    for original, parsed in zip(found, back.items):
        assert parsed.word == _cut(original.word)
        for key, value in original.fields.items():
            assert parsed.fields[key] == _cut(str(value))


def _cut(text: str) -> str:
    """docs/output.md: a value longer than 96 characters keeps its first 93 and "..."."""
    return text if len(text) <= 96 else text[:93] + "..."


def test_quote_writes_bare_only_printable_ascii_without_space_bar_equals_or_quote():
    assert lineformat.quote("0110119153") == "0110119153"
    assert lineformat.quote(45) == "45"
    assert lineformat.quote("") == '""'
    assert lineformat.quote("a b") == '"a b"'
    assert lineformat.quote("a|b") == '"a|b"'
    assert lineformat.quote("a=b") == '"a=b"'
    assert lineformat.quote('a"b') == '"a\\"b"'
    assert lineformat.quote("x\n") == '"x\\n"'
    # outside ASCII: JSON \u escapes, so any console code page carries it
    assert lineformat.quote("日医") == '"\\u65e5\\u533b"'


def test_quote_cuts_a_value_at_96_characters():
    assert lineformat.quote("a" * 96) == "a" * 96
    assert lineformat.quote("a" * 97) == "a" * 93 + "..."
    assert lineformat.quote("b" * 4000) == "b" * 93 + "..."


def test_room_for_the_tail_is_kept_only_while_items_are_left():
    # "COMPLIANT c v1 | a" is 18 characters: with nothing left over it fits a limit of 18
    assert lineformat.render(Line("COMPLIANT", "c", {}, [Item("a")]), limit=18) == "COMPLIANT c v1 | a"


def test_the_tail_counts_the_items_after_this_one_plus_more():
    # 5 items and 5 more: after "a" 9 are left, after "b" 8; " | +8 more" is 10 characters,
    # so "b" fits a limit of 32 exactly, "c" does not
    line = Line("COMPLIANT", "c", {}, [Item(w) for w in "abcde"], more=5)
    assert lineformat.render(line, limit=32) == "COMPLIANT c v1 | a | b | +8 more"
    # with "b" in, "a" fits a limit of 28 with its 10-character tail " | +9 more"
    line = Line("COMPLIANT", "c", {}, [Item(w) for w in "abc"], more=6)
    assert lineformat.render(line, limit=28) == "COMPLIANT c v1 | a | +8 more"


def test_parse_reads_the_word_and_the_version_it_is_given():
    line = lineformat.parse("COMPLIANT expiry v2 certs=1 | obn state=ok")
    assert (line.verdict, line.check, line.version, line.counters) == ("COMPLIANT", "expiry", "v2", {"certs": "1"})
    assert (line.items[0].word, line.items[0].fields) == ("obn", {"state": "ok"})


@pytest.mark.parametrize("text, message", [
    # an unterminated quote: nothing can be read after "v1", which ends at character 19
    ('COMPLIANT expiry v1 "abc', "cannot read the line at character 19"),
    ("COMPLIANT expiry", "the line does not start with VERDICT CHECK VERSION"),
    ("BOGUS expiry v1", "the line does not start with VERDICT CHECK VERSION"),
    ("COMPLIANT expiry 1", "the line does not start with VERDICT CHECK VERSION"),
    ("COMPLIANT expiry v1 | | obn", "empty section"),
    ("COMPLIANT expiry v1 certs", "expected key=value, found 'certs'"),
    ("COMPLIANT expiry v1 " + "c" * 50, "expected key=value, found '" + "c" * 40 + "'"),  # cut at 40
    ('COMPLIANT expiry v1 | "' + "a" * 45 + '\\q"', "bad quoted value '\"" + "a" * 39 + "'"),  # \q: no JSON escape
])
def test_parse_names_what_is_wrong(text, message):
    with pytest.raises(lineformat.LineFormatError) as err:
        lineformat.parse(text)
    assert str(err.value) == message


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
