"""Issue #18 class 1 (every input read is bounded in bytes, time and depth) and class 5
(an error about a password never quotes it), through the choke points
pycert/common/files.py (read_line_capped, env, read_state_object) and
pycert/policy/patterns.py (the regex cost bound)."""

import contextlib
import io
import os
import signal
import subprocess
import sys

import pytest

from pycert.cli import run
from pycert.common import files
from pycert.common.errors import UsageError
from pycert.demo import samples
from pycert.policy import patterns, tomlpos
from tests.pfxfiles import obn_pfx

NOW = samples.utc_now()


def _sentence(err):
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err[:400]
    return lines[0]


def test_password_stdin_from_dev_zero_stops_at_4_kib_with_exit_2(tmp_path):
    """The issue's case: 1.2 GB read in 4 s, then `unexpected MemoryError`. A real process,
    a real /dev/zero on stdin, under a memory limit so a regression fails instead of swapping."""
    pfx = tmp_path / "x.pfx"
    pfx.write_bytes(b"not read before the password")
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31));"
        "from pycert.cli import run; sys.exit(run(sys.argv[1:]))"
    )
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-c", code, "pfx", "inspect", str(pfx), "--password-stdin"],
                              stdin=zero, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-400:]
    assert "longer than 4 KiB" in _sentence(done.stderr)


def test_read_line_capped_reads_at_most_one_byte_past_the_cap():
    stream = io.BytesIO(b"a" * 10_000)
    assert files.read_line_capped(stream, 4096) is None
    assert stream.tell() == 4097
    assert files.read_line_capped(io.BytesIO(b"secret\r\nsecond line"), 4096) == b"secret"
    assert files.read_line_capped(io.BytesIO(b"x" * 4096 + b"\n"), 4096) == b"x" * 4096  # exactly at the cap


def test_a_non_utf8_password_byte_is_never_echoed(tmp_path, capsys, monkeypatch):
    """Class 5: the error about an undecodable password names its source, not its bytes
    or their position."""
    path = obn_pfx(tmp_path, "1234", 400, NOW)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"pa\xff\xfess\xf0\n"), encoding="utf-8", errors="surrogateescape"))
    code = run(["pfx", "inspect", str(path), "--password-stdin"])
    _, err = capsys.readouterr()
    line = _sentence(err)
    assert code == 2 and "stdin" in line
    for leaked in ("\\xff", "\\udcff", "0xff", "position", "pa", "ss"):
        assert leaked not in line.replace("password", "").replace("pass", ""), line


def test_an_environment_variable_longer_than_its_cap_is_named_not_quoted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PYCERT_CONFIG", "/tmp/" + "Z" * 20_000)
    code = run(["config", "show"])
    _, err = capsys.readouterr()
    line = _sentence(err)
    assert code == 2 and "PYCERT_CONFIG" in line and "20,005 characters" in line and "ZZZZ" not in line


def test_a_password_variable_over_4_kib_is_refused(tmp_path, capsys, monkeypatch):
    path = obn_pfx(tmp_path, "1234", 400, NOW)
    monkeypatch.setenv("PW", "p" * 5000)
    assert run(["pfx", "inspect", str(path), "--password-env", "PW"]) == 2
    line = _sentence(capsys.readouterr().err)
    assert "PW" in line and "ppp" not in line


@pytest.mark.parametrize("content", [
    b"\x00" * 2048,
    b"[" * 100_000 + b"]" * 100_000,
    b'["a list", "not an object"]',
    b'{"shown": "a string, not a table"}',
    b"\xff\xfe not utf-8",
])
def test_state_files_that_cannot_be_trusted_are_state_that_is_not_there(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_bytes(content)
    data = files.read_state_object(path)
    assert data is None or data == {"shown": "a string, not a table"}


def test_a_state_file_larger_than_its_cap_is_not_read(tmp_path):
    path = tmp_path / "state.json"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)
    assert files.read_state_object(path) is None
    os.mkfifo(tmp_path / "fifo.json")
    assert files.read_state_object(tmp_path / "fifo.json") is None  # a FIFO would block: not opened


# -- regular expressions in the policy: the cost of compiling is bounded before compiling --

@pytest.mark.parametrize("pattern, atoms", [
    ("abc", 3),
    ("a{5}", 5),
    ("(?:ab){3}", 6),
    ("(?:a{10}){10}", 100),
    ("a{2,7}", 7),
    ("a{4,}", 5),  # four copies and a loop
    ("[a-z]{3}", 3),  # a class is one atom
    (r"\d{4}-\d{2}", 7),
    (r"\p{Han}{2}", 2),
    ("(?#comment{999})x", 1),
])
def test_expanded_size_counts_atoms_with_repeats_multiplied_out(pattern, atoms):
    assert patterns.expanded_size(pattern) == atoms


def test_the_issues_40_character_pattern_is_refused_before_compiling(tmp_path, capsys, monkeypatch):
    """`regex.compile` of this pattern grows without bound; it must never be reached."""
    import regex

    real_compile = regex.compile

    def compile_guard(pattern, *args, **kwargs):
        assert "{999}" not in str(pattern), "the costly pattern reached regex.compile"
        return real_compile(pattern, *args, **kwargs)

    monkeypatch.setattr(regex, "compile", compile_guard)
    policy = tmp_path / "pycert.toml"
    policy.write_text('[profiles.obn]\nmatch = { issuer_regex = "(?:(?:(?:(?:a{999}){999}){999}){999})" }\n', encoding="utf-8")
    code = run(["config", "validate", str(policy)])
    _, err = capsys.readouterr()
    assert code == 2 and "issuer_regex" in err and "expand to 996,005,996,001 elements" in err, err


def test_a_realistic_pattern_is_far_below_the_bound():
    assert patterns.too_costly(r"^CN=(?:Online Billing NW|オンライン請求ネットワーク)[^,]{0,64},O=.*$") is None
    assert patterns.too_costly("(?:a{101}){100}") is not None  # 10,100 > 10,000
    assert patterns.too_costly("(?:a{100}){100}") is None  # 10,000: at the bound


# -- tomlpos: the header scan is linear --

@pytest.mark.parametrize("line, name", [
    ("[profiles.obn]", "profiles.obn"),
    ("  [[ rootca.extra ]]  # comment", "rootca.extra"),
    ("[profiles.obn] x", None),
    ("[]", None),
    ("key = [1, 2]", None),
    ("[a", None),
])
def test_table_header(line, name):
    assert tomlpos.table_header(line) == name


def test_a_policy_with_a_long_nested_array_line_and_an_unknown_key_is_judged_at_once(tmp_path, capsys):
    """The issue's case: 3 KB took 19 s, 10 KB over 90 s (cubic backtracking). 100 KB now."""
    policy = tmp_path / "pycert.toml"
    policy.write_text("x = [[" + " " * 100_000 + "1]]\n[profiles.obn]\nunknown_key = 1\n", encoding="utf-8")
    with _hang_guard():
        code = run(["config", "validate", str(policy)])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown_key" in err


@contextlib.contextmanager
def _hang_guard(seconds=60):
    """Not a speed check: the old cubic scan of this line would run for hours; fail instead."""
    def hung(signum, frame):
        raise AssertionError(f"still running after {seconds} s: the header scan is not linear")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
