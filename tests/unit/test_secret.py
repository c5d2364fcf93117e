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
