"""Hostile certificates in a real Mono store: detection still answers, the line stays ASCII
and within 2048 characters, and nothing in the store changes."""

import json

import pytest
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from pycert.common import lineformat
from pycert.cli import run
from pycert.common.model import StoreRef
from pycert.demo.samples import OBN_CA, make_certificate, rsa_key, utc_now

NOW = utc_now()
MY = StoreRef("CurrentUser", "My")


def _detect(capsys, *args):
    code = run(["detect", "expiry", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_H_CERT_1_unicode_and_rtl_subject(mono_store, capsys):
    rtl = "CN=\u202egnp.exe\u202c 医療法人テスト\u200f,O=\u0627\u0644\u0639\u064a\u0627\u062f\u0629,C=JP"
    mono_store.add(make_certificate(rtl, OBN_CA, NOW - timedelta(days=10), NOW + timedelta(days=30)))
    before = mono_store.files()
    code, out, err = _detect(capsys)
    assert (code, err) == (1, "")
    line = out.splitlines()[-1]
    assert line.isascii() and len(line) <= 2048
    item = lineformat.parse(line).items[0]
    assert item.fields["cn"] == "\u202egnp.exe\u202c 医療法人テスト\u200f"
    assert '\\u202e' in line  # the control character arrives escaped, not as a live RTL override
    assert mono_store.files() == before
    assert run(["list"]) == 0
    table = capsys.readouterr().out
    assert "医療法人テスト" in table


def test_H_CERT_2_year_9999_expiry(mono_store, capsys):
    forever = make_certificate(
        "CN=0110119153,O=ReceiptOnline,C=JP", OBN_CA, NOW - timedelta(days=1),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    )
    mono_store.add(forever)
    code, out, err = _detect(capsys, "--format", "json")
    data = json.loads(out)
    assert (code, err) == (0, "")
    [cert] = data["certificates"]
    assert cert["not_after"] == "9999-12-31T23:59:59Z" and cert["state"] == "ok"
    assert cert["days_left"] > 2_900_000


def _negative_serial_der() -> bytes:
    """A certificate whose serial INTEGER is -128 (02 01 80): invalid per RFC 5280, seen in the wild."""
    sample = make_certificate("CN=0110119153,O=ReceiptOnline,C=JP", OBN_CA, NOW - timedelta(days=1),
                              NOW + timedelta(days=40), serial=0x7F)  # same time of day: 40 Japan-time days
    der = bytearray(sample.der)
    marker = bytes([0xA0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x7F])  # [0] version v3, then serial 127
    at = der.index(marker)
    der[at + len(marker) - 1] = 0x80
    return bytes(der)


def test_H_CERT_3_negative_serial(mono_store, capsys):
    der = _negative_serial_der()
    mono_store.backend.add_der(MY, der)
    code, out, err = _detect(capsys, "--format", "json")
    data = json.loads(out)
    assert code == 1 and err == ""
    [cert] = data["certificates"]
    assert cert["serial"] == "80" and cert["state"] == "due" and cert["days_left"] == 40


def test_H_CERT_4_a_subject_of_4000_characters_and_500_siblings(mono_store, capsys):
    from cryptography.x509.oid import NameOID

    with pytest.warns(UserWarning, match="length must be"):  # cryptography warns; Windows stores such names
        long_cn = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "\u3042" * 4000, _validate=False)])
    mono_store.add(make_certificate(long_cn, OBN_CA, NOW - timedelta(days=1), NOW + timedelta(days=3)))
    code, out, err = _detect(capsys)
    line = out.splitlines()[-1]
    assert code == 1 and err == "" and len(line) <= 2048 and line.isascii()
    assert lineformat.parse(line).items[0].fields["cn"].endswith("...")
