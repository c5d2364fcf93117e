"""pfx.py against PFX files made by cryptography and by `openssl pkcs12`."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from pycert.pfx import reader as pfx
from pycert.pfx import structure as pfx_structure
from pycert.demo import samples
from pycert.policy.models import BUILTIN_POLICY, Policy
from pycert.policy.load import merge_with_builtin
from pycert.common.secret import Secret
from tests.pfxfiles import obn_pfx, write

NOW = samples.utc_now()
PW = Secret("1234", "test")


def policy(extra=None):
    return Policy.model_validate(merge_with_builtin(extra or {}))


def kind_of(path, password=PW):
    with pytest.raises(pfx.PfxError) as info:
        pfx.load(path, password)
    assert str(path) in info.value.message and "{path}" not in info.value.message
    assert "\n" not in info.value.message
    return info.value.kind


@pytest.mark.parametrize("aes", [False, True])
@pytest.mark.parametrize("iterations", [1, 2048, 100_000])
def test_reads_scheme_and_iterations(tmp_path, aes, iterations):
    path, leaf = obn_pfx(tmp_path, "a.pfx", 60, NOW, aes=aes, iterations=iterations)
    contents = pfx.load(path, PW)
    assert contents.leaf.thumbprint == leaf.thumbprint
    parts = {p.part: p for p in contents.structure.protections}
    assert set(parts) == {"certificates", "private key", "mac"}
    expected = "PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC)" if aes else "pbeWithSHAAnd3-KeyTripleDES-CBC"
    assert parts["private key"].scheme == expected and parts["certificates"].scheme == expected
    assert parts["private key"].iterations == iterations
    assert parts["mac"].scheme == ("HMAC-SHA256" if aes else "HMAC-SHA1")


def test_chain_roles_and_leaf_info(tmp_path):
    root, inter = samples.obn_chain(NOW)
    path, leaf = obn_pfx(tmp_path, "c.pfx", 60, NOW, chain=(inter, root))
    contents = pfx.load(path, PW)
    assert [(e.role, e.info.thumbprint) for e in contents.chain] == [("intermediate", inter.thumbprint), ("root", root.thumbprint)]
    assert contents.leaf.subject == "CN=0110119153, OU=medical, OU=hokkaido, O=ReceiptOnline, C=JP"
    assert contents.leaf.issuer == 'CN=Online Billing NW Common Root CA - G1, O="Cybertrust Japan Co., Ltd.", C=JP'
    assert contents.leaf.not_after == leaf.certificate.not_valid_after_utc
    assert contents.leaf_der == leaf.der


def test_wrong_and_missing_password(tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW)
    assert kind_of(path, Secret("9999", "test")) == "password"
    assert kind_of(path, None) == "password"
    with pytest.raises(pfx.PfxError, match="--password-env"):
        pfx.load(path, None)


def test_wrong_password_message_never_holds_the_password(tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW)
    with pytest.raises(pfx.PfxError) as info:
        pfx.load(path, Secret("guess-0420", "environment variable PW"))
    assert "guess-0420" not in info.value.message and "environment variable PW" in info.value.message


def test_password_less_pfx(tmp_path):
    path, leaf = obn_pfx(tmp_path, "n.pfx", 60, NOW, password=None)
    assert pfx.load(path, None).leaf.thumbprint == leaf.thumbprint


def test_every_truncation_is_a_clean_error(tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW)
    data = path.read_bytes()
    kinds = set()
    for cut in list(range(1, 64)) + list(range(64, len(data), 97)) + [len(data) - 1]:
        kinds.add(kind_of(write(tmp_path, "t.pfx", data[:cut])))
    assert kinds == {"truncated"}


def test_distinct_errors(tmp_path):
    path, leaf = obn_pfx(tmp_path, "a.pfx", 60, NOW)
    data = path.read_bytes()
    assert kind_of(write(tmp_path, "empty.pfx", b"")) == "empty"
    assert kind_of(write(tmp_path, "big.pfx", data + b"\0" * (1024 * 1024))) == "too-large"
    assert kind_of(write(tmp_path, "cert.pem", leaf.certificate.public_bytes(serialization.Encoding.PEM))) == "not-pkcs12"
    assert kind_of(write(tmp_path, "cert.der", leaf.der)) == "not-pkcs12"  # a certificate, not a PFX
    assert kind_of(write(tmp_path, "text.pfx", "証明書".encode())) == "not-pkcs12"
    assert kind_of(tmp_path / "absent.pfx") == "missing"
    assert kind_of(tmp_path) == "not-a-file"
    mismatched = samples.make_pfx(leaf, "1234", key=samples.rsa_key(5))
    assert kind_of(write(tmp_path, "mismatch.pfx", mismatched)) == "key-mismatch"
    encryption = serialization.BestAvailableEncryption(b"1234")
    no_key = pkcs12.serialize_key_and_certificates(b"x", None, leaf.certificate, None, encryption)
    assert kind_of(write(tmp_path, "nokey.pfx", no_key)) == "no-key"
    no_cert = pkcs12.serialize_key_and_certificates(b"x", leaf.key, None, None, encryption)
    assert kind_of(write(tmp_path, "nocert.pfx", no_cert)) == "no-certificate"


def test_broken_inner_structure_is_corrupt_not_password(tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW)
    data = bytearray(path.read_bytes())
    oid = bytes.fromhex("06092a864886f70d010706")  # the encryptedData OID inside the authSafe
    at = data.index(oid)
    data[at] = 0x05  # no longer an OID: the structure, not the password, is wrong
    assert kind_of(write(tmp_path, "bad.pfx", bytes(data))) == "corrupt"


def test_mac_iteration_count_is_read_from_the_file(tmp_path):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW, iterations=2048)
    data = bytearray(path.read_bytes())
    assert data[-4:] == bytes.fromhex("02020800")  # macData ends with iterations INTEGER 2048
    data[-2:] = b"\x7f\xff"
    structure = pfx_structure.read_structure(bytes(data))
    assert [p.iterations for p in structure.protections if p.part == "mac"] == [32767]


def test_absurd_iteration_count_is_refused_before_deriving(tmp_path, monkeypatch):
    path, _ = obn_pfx(tmp_path, "a.pfx", 60, NOW, iterations=2048)
    monkeypatch.setattr(pfx, "ABSURD_ITERATIONS", 1000)
    monkeypatch.setattr(pfx, "mac_matches", lambda *a: pytest.fail("derived a key despite the limit"))
    assert kind_of(path) == "iterations"


def test_inspect_warnings(tmp_path):
    pol = policy()
    path, _ = obn_pfx(tmp_path, "aes.pfx", 60, NOW, aes=True, iterations=600_001)
    inspection = pfx.inspect(pfx.load(path, PW), pol.enabled_profiles(), NOW)
    assert inspection.profile == "obn"
    text = " ".join(inspection.warnings)
    assert "Windows 10 before version 1709" in text and "600,001" in text
    assert inspection.lifetime_months == 39 and "months, not" not in text

    plain, _ = obn_pfx(tmp_path, "ok.pfx", 60, NOW, iterations=600_000)
    assert pfx.inspect(pfx.load(plain, PW), pol.enabled_profiles(), NOW).warnings == []


def test_inspect_lifetime_expiry_and_profile_warnings(tmp_path):
    pol = policy()
    short = samples.obn_certificate("0110119153", 10, NOW, lifetime=timedelta(days=365))
    path = write(tmp_path, "s.pfx", samples.make_pfx(short, "1234"))
    warnings = pfx.inspect(pfx.load(path, PW), pol.enabled_profiles(), NOW).warnings
    assert warnings == ["The certificate is valid for 12 months, not the 39 months expected for profile obn; check that it is the right certificate."]
    expired = pfx.inspect(pfx.load(path, PW), pol.enabled_profiles(), NOW + timedelta(days=11))
    assert any(w.startswith("The certificate expired on") for w in expired.warnings) and expired.days_left < 0
    early = pfx.inspect(pfx.load(path, PW), pol.enabled_profiles(), NOW - timedelta(days=400))
    assert any(w.startswith("The certificate is not valid yet") for w in early.warnings)
    other = samples.make_certificate("CN=x", "CN=Some Other CA", NOW - timedelta(days=1), NOW + timedelta(days=30))
    path = write(tmp_path, "o.pfx", samples.make_pfx(other, "1234"))
    inspection = pfx.inspect(pfx.load(path, PW), pol.enabled_profiles(), NOW)
    assert inspection.profile is None
    assert "The issuer 'CN=Some Other CA' matches no profile of the policy." in inspection.warnings


OPENSSL = shutil.which("openssl")


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
@pytest.mark.parametrize(
    "args, scheme",
    [
        ([], "PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC)"),  # OpenSSL 3's default
        (["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"], "pbeWithSHAAnd3-KeyTripleDES-CBC"),
        (["-iter", "700000"], "PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC)"),
        (["-nomac"], "PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC)"),
    ],
)
def test_openssl_made_pfx(tmp_path, args, scheme):
    leaf = samples.obn_certificate("0110119153", 60, NOW)
    cert = write(tmp_path, "c.pem", leaf.certificate.public_bytes(serialization.Encoding.PEM))
    key = write(tmp_path, "k.pem", leaf.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    out = tmp_path / "o.p12"
    subprocess.run([OPENSSL, "pkcs12", "-export", "-in", str(cert), "-inkey", str(key), "-out", str(out), "-passout", "pass:1234", *args], check=True, capture_output=True)
    contents = pfx.load(out, PW)
    assert contents.leaf.thumbprint == leaf.thumbprint
    assert {p.scheme for p in contents.structure.protections if p.part == "private key"} == {scheme}
    assert any(p.part == "mac" for p in contents.structure.protections) == ("-nomac" not in args)
    if "-iter" in args:
        assert contents.max_iterations == 700000
    assert kind_of(out, Secret("0000", "test")) in ("password", "corrupt")


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
def test_openssl_legacy_rc2_is_read_or_refused_cleanly(tmp_path):
    leaf = samples.obn_certificate("0110119153", 60, NOW)
    cert = write(tmp_path, "c.pem", leaf.certificate.public_bytes(serialization.Encoding.PEM))
    key = write(tmp_path, "k.pem", leaf.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    out = tmp_path / "legacy.p12"
    done = subprocess.run([OPENSSL, "pkcs12", "-export", "-legacy", "-in", str(cert), "-inkey", str(key), "-out", str(out), "-passout", "pass:1234"], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this openssl has no legacy provider: {done.stderr.decode()[:80]}")
    structure = pfx_structure.read_structure(out.read_bytes())
    assert {p.scheme for p in structure.protections if p.part == "certificates"} == {"pbewithSHAAnd40BitRC2-CBC"}
    try:
        assert pfx.load(out, PW).leaf.thumbprint == leaf.thumbprint
    except pfx.PfxError as exc:
        assert exc.kind == "unsupported" and "RC2" in exc.message


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_FUZZ_LEAF = samples.obn_certificate("0110119153", 60, NOW)
_FUZZ_PFX = samples.make_pfx(_FUZZ_LEAF, "1234", chain=samples.obn_chain(NOW))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, len(_FUZZ_PFX) - 1), st.integers(0, 255)), min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.integers(1, len(_FUZZ_PFX))))
def test_damaged_files_give_a_result_or_a_clean_error(tmp_path, edits, cut):
    data = bytearray(_FUZZ_PFX)
    for at, value in edits:
        data[at] = value
    path = write(tmp_path, "fuzz.pfx", bytes(data[:cut]))
    try:
        contents = pfx.load(path, PW)
    except pfx.PfxError as exc:
        assert exc.message.endswith(".") and "{path}" not in exc.message
        return
    assert contents.leaf.thumbprint  # an edit that changed nothing that matters (e.g. a salt byte of a part not MACed)


# Issue 16 item 8: the wrong-password hint comes from the profile (where its family's password comes from).
def test_wrong_password_hint_is_the_profiles(tmp_path):
    from pycert.pfx.rules import password_hint

    path, _ = obn_pfx(tmp_path, "a.p12", 60, NOW)
    wrong = Secret("9999", "the file a.txt")
    messages = {}
    for kinds in (["chosen-at-download"], ["issued-by-site"], [None, "issued-by-site"]):
        with pytest.raises(pfx.PfxError) as info:
            pfx.load(path, wrong, password_hint(kinds))
        messages[len(kinds), kinds[-1]] = info.value.message
    start = f"The password from the file a.txt is wrong for {path} (or the file was altered after export); check it: "
    assert messages[1, "chosen-at-download"] == start + "it is the number chosen when the certificate was downloaded."
    assert messages[1, "issued-by-site"] == start + (
        "it is the password the download site issued with the certificate (often saved in a text file next to it).")
    assert messages[2, "issued-by-site"] == start + (
        "it is the number chosen when the certificate was downloaded (Online Billing NW) or the password "
        "the download site issued with it (WebORCA and other cloud services).")


def test_pfx_password_defaults_per_family_and_is_validated():
    from pydantic import ValidationError

    orca = {"match": {"issuer_contains": ["ORCA"]}}
    pol = policy({"profiles": {"orca": {**orca, "notice": {"family": "weborca"}}, "kenshin": {
        **orca, "notice": {"family": "kenshin"}}, "misc": orca, "fixed": {**orca, "pfx_password": "chosen-at-download"}}})
    assert {name: p.password_origin for name, p in pol.profiles.items()} == {
        "obn": "chosen-at-download", "orca": "issued-by-site", "kenshin": "issued-by-site", "misc": None,
        "fixed": "chosen-at-download"}
    with pytest.raises(ValidationError):
        policy({"profiles": {"orca": {**orca, "pfx_password": "asked"}}})


def test_a_pfx_that_expired_earlier_today_is_refused(tmp_path):
    """Issue 16: refuse on `now >= notAfter`, not on days_left < 0 (0 on the expiry day)."""
    from pycert.common.dates import days_left
    from pycert.common.errors import UsageError
    from pycert.pfx.importer import refuse

    path, _ = obn_pfx(tmp_path, "a.pfx", 10, NOW)
    contents = pfx.load(path, PW)
    after = contents.leaf.not_after + timedelta(seconds=1)
    assert days_left(contents.leaf.not_after, after) == 0  # the same Japan-time date
    with pytest.raises(UsageError, match=r"expired on .*; fetch the renewed one \(or --force\)\.$"):
        refuse(pfx.inspect(contents, policy().enabled_profiles(), after), force=False)
    refuse(pfx.inspect(contents, policy().enabled_profiles(), after), force=True)
    refuse(pfx.inspect(contents, policy().enabled_profiles(), contents.leaf.not_after - timedelta(seconds=1)), force=False)
