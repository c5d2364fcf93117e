import io
import logging
import pickle

import pytest

from pycert.common.errors import UsageError
from pycert.common.secret import MASK, Secret, password_from_file, read_password


def test_secret_never_shows_its_value():
    s = Secret("0420", "test")
    assert "0420" not in repr(s)
    assert str(s) == MASK
    assert f"{s}" == MASK and f"{s!s}" == MASK
    assert "0420" not in f"{s!r}"
    assert s.reveal() == "0420"


def test_secret_is_masked_in_log_records(caplog):
    caplog.set_level(logging.DEBUG)
    s = Secret("secret-0420", "test")
    logging.getLogger("secret-test").debug("password is %s / %r", s, s)
    assert caplog.records and all("secret-0420" not in r.getMessage() for r in caplog.records)


def test_secret_cannot_be_pickled_and_wipes():
    s = Secret("0420")
    with pytest.raises(TypeError):
        pickle.dumps(s)
    s.wipe()
    assert s.is_empty and s.reveal() == ""


def test_only_one_source(monkeypatch):
    monkeypatch.setenv("PW", "1")
    with pytest.raises(UsageError, match="--password-env and --password-stdin"):
        read_password(env="PW", stdin=True)


def test_env_source_and_missing_variable(monkeypatch):
    monkeypatch.setenv("PFX_PW", "4321")
    assert read_password(env="PFX_PW").reveal() == "4321"
    monkeypatch.delenv("PFX_PW")
    with pytest.raises(UsageError, match="PFX_PW .* is not set"):
        read_password(env="PFX_PW")


def test_stdin_first_line(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("5678\nignored\n"))
    assert read_password(stdin=True).reveal() == "5678"


def test_no_source_and_no_terminal_means_none():
    assert read_password(interactive=False) is None


def test_prompt_when_interactive(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "9999")
    s = read_password(interactive=True)
    assert s.reveal() == "9999" and s.source == "prompt"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"1234\r\n", "1234"),
        (b"\xef\xbb\xbf1234\nsecond line", "1234"),  # Notepad's UTF-8 with BOM
        ("パスワード１\n".encode("cp932"), "パスワード１"),  # old Notepad's ANSI on Japanese Windows
        (b"", ""),
    ],
)
def test_password_file_first_line(tmp_path, raw, expected):
    path = tmp_path / "pw.txt"
    path.write_bytes(raw)
    assert password_from_file(path).reveal() == expected


def test_password_file_errors(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        password_from_file(tmp_path / "nope.txt")
    with pytest.raises(UsageError, match="is a folder"):
        password_from_file(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(UsageError, match="larger than 4 KiB"):
        password_from_file(big)


def test_wipe_zeroes_the_buffer_itself_not_just_drops_it():
    """Issue #19 mutant: wipe() dropping the buffer without zeroing it. Another reference to
    the same bytearray (a native copy's source, a frame not yet collected) must see NULs."""
    s = Secret("S3cret-パス")
    buffer = s._value  # the very buffer the secret held
    length = len(buffer)
    s.wipe()
    assert length == len("S3cret-パス".encode("utf-8")) and bytes(buffer) == b"\0" * length
    assert s.reveal() == "" and s.is_empty


# -- the rules of each password source, stated by hand (mutation testing, docs/reliability.md 4d)

def test_a_secret_holds_utf8_bytes_and_compares_by_identity_only():
    s = Secret("pässwörd")
    assert s.as_bytes() == b"p\xc3\xa4ssw\xc3\xb6rd" and s.source == "given"
    assert s == s and s != Secret("pässwörd")  # no value comparison (no timing oracle)
    with pytest.raises(TypeError) as err:
        pickle.dumps(s)
    assert str(err.value) == "a Secret cannot be pickled"


def test_undecodable_os_text_is_refused_without_quoting_it():
    with pytest.raises(UsageError) as err:
        Secret("ab\udcffcd", "environment variable PFX_PW")
    assert err.value.message == (
        "The password from environment variable PFX_PW is not valid text (it holds bytes that are not UTF-8); "
        "type it again or save it as UTF-8."
    )


def test_two_sources_are_refused_by_name():
    with pytest.raises(UsageError) as err:
        read_password(env="PFX_PW", file="pw.txt")
    assert err.value.message == "--password-env and --password-file cannot be used together; give the password one way."


def test_the_environment_variable_source(monkeypatch):
    monkeypatch.setenv("PFX_PW", "0420")
    s = read_password(env="PFX_PW")
    assert (s.reveal(), s.source) == ("0420", "environment variable PFX_PW")
    monkeypatch.setenv("PFX_PW", "")
    assert read_password(env="PFX_PW").reveal() == ""  # set but empty: an empty password
    monkeypatch.setenv("PFX_PW", "x" * 4096)
    assert read_password(env="PFX_PW").reveal() == "x" * 4096
    monkeypatch.setenv("PFX_PW", "x" * 4097)  # the password cap, 4 KiB, not the 8,192 of other variables
    with pytest.raises(UsageError) as err:
        read_password(env="PFX_PW")
    assert "PFX_PW is 4,097 characters long, more than the 4,096" in err.value.message


def test_the_prompt_asks_when_stdin_is_a_terminal(monkeypatch):
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "0420")
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": lambda self: True})())
    s = read_password()
    assert (s.reveal(), s.source, asked) == ("0420", "prompt", ["PFX password: "])
    assert read_password(interactive=False) is None


def test_stdin_is_read_as_bytes_first_line_only(monkeypatch):
    # Shift-JIS "あ" (82 A0) is not UTF-8: only the byte stream (sys.stdin.buffer) can carry it
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\x82\xa0\nsecond line\n"), encoding="utf-8"))
    s = read_password(stdin=True)
    assert (s.reveal(), s.source) == ("あ", "stdin")


def test_a_text_only_stdin_keeps_4096_characters_and_refuses_more(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a" * 4096 + "\n"))
    assert read_password(stdin=True).reveal() == "a" * 4096
    monkeypatch.setattr("sys.stdin", io.StringIO("a" * 4097 + "\n"))
    with pytest.raises(UsageError) as err:
        read_password(stdin=True)
    assert err.value.message == (
        "The first line of stdin is longer than 4 KiB; pipe only the password (one line) to --password-stdin."
    )


def test_stdin_bytes_that_are_neither_utf8_nor_shift_jis_are_named_not_quoted(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\udc82\n"))  # how Python hands over the byte 82 alone
    with pytest.raises(UsageError) as err:
        read_password(stdin=True)
    assert err.value.message == "The password from stdin is not text; save it as UTF-8."


def test_the_password_file_source(tmp_path):
    path = tmp_path / "pw.txt"
    path.write_bytes(b"0420\r\nignored\r\n")
    s = read_password(file=str(path))
    assert (s.reveal(), s.source) == ("0420", f"file {path}")
    path.write_bytes(b"\x82\n")
    with pytest.raises(UsageError) as err:
        read_password(file=str(path))
    assert err.value.message == f"The password from the password file {path} is not text; save it as UTF-8."
    path.write_bytes(b"x" * 4097)
    with pytest.raises(UsageError) as err:
        read_password(file=str(path))
    assert err.value.message == (
        f"The password file {path} is larger than 4 KiB; give the small text file that holds only the password."
    )


def test_a_text_only_stdin_without_end_is_read_bounded(monkeypatch):
    class Endless:  # /dev/zero as a text stream: a line that never ends
        def readline(self, size=-1):
            assert size is not None and 0 <= size <= 4097, f"unbounded read ({size!r})"
            return "a" * size

    monkeypatch.setattr("sys.stdin", Endless())
    with pytest.raises(UsageError):
        read_password(stdin=True)
