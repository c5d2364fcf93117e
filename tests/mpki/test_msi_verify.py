"""Real MSIs (wixl) signed by a test CA (osslsigncode): what the verifier sees and rejects."""

import json
import subprocess

import pytest

from pycert.mpki import msifile
from pycert.policy.load import load_policy
from pycert.mpki import job as mpki
from pycert.platform import authenticode

FIELDS = ("ProductName", "Manufacturer", "ProductVersion", "ProductCode", "UpgradeCode")


def msiinfo_properties(path):
    out = subprocess.run(["msiinfo", "export", str(path), "Property"], check=True, capture_output=True, text=True).stdout
    rows = [line.split("\t", 1) for line in out.splitlines()[3:] if "\t" in line]
    return {k: v for k, v in rows}


@pytest.mark.parametrize("which", ["v1", "v2", "v2_tampered", "other_name"])
def test_pymsi_reads_the_same_properties_as_msiinfo(msis, which):
    path = getattr(msis, which)
    ours = msifile.read_properties(path)
    theirs = msiinfo_properties(path)
    assert {k: ours[k] for k in FIELDS} == {k: theirs[k] for k in FIELDS}


def test_versions_and_names_of_the_built_msis(msis):
    assert msifile.read_properties(msis.v1)["ProductVersion"] == "1.0.0"
    assert msifile.read_properties(msis.v2)["ProductVersion"] == "2.1.0"
    assert msifile.read_properties(msis.v2_tampered)["ProductVersion"] == "2.1.9"
    assert msifile.read_properties(msis.other_name)["ProductName"] == "Cybertrust Device Manager"


def test_signed_msi_is_valid_with_the_signer_identified(msis, pki):
    sig = authenticode.verify(msis.v2)
    assert sig.valid and sig.reason == "ok"
    assert sig.signer_thumbprint == pki.signer.thumbprint
    assert sig.signer_subject == "CN=Cybertrust Japan Co., Ltd., O=Cybertrust Japan Co., Ltd., C=JP"


@pytest.mark.parametrize("which,reason", [
    ("v2_unsigned", "the file is not signed"),
    ("v2_tampered", "the file was changed after it was signed"),
])
def test_bad_signatures(msis, which, reason):
    sig = authenticode.verify(getattr(msis, which))
    assert not sig.valid and sig.reason == reason


def test_untrusted_root_is_rejected(msis, tmp_path, monkeypatch):
    from tests.mpki.pki import TestPki

    stranger = TestPki(tmp_path / "other", "Some Other Root")
    monkeypatch.setenv("SSL_CERT_FILE", str(stranger.ca.cert_path))
    sig = authenticode.verify(msis.v2)
    assert not sig.valid and sig.reason == "the signer's certificate does not chain to a trusted root"


def test_html_and_garbage_are_not_msis(tmp_path):
    page = tmp_path / "login.msi"
    page.write_bytes(b"<!DOCTYPE html><html><body>Proxy login</body></html>")
    with pytest.raises(msifile.NotAnMsi, match="is an HTML page"):
        msifile.read_properties(page)
    damaged = tmp_path / "damaged.msi"
    damaged.write_bytes(msifile.OLE_MAGIC + b"\0" * 600)
    with pytest.raises(msifile.NotAnMsi, match="damaged"):
        msifile.read_properties(damaged)


def policy_file(tmp_path, extra=""):
    path = tmp_path / "pycert.toml"
    path.write_text("checks = [\"mpki\"]\n[mpki]\n" + extra, encoding="utf-8")
    return load_policy(str(path)).policy


def test_inspect_report_ok_and_pins(msis, pki, tmp_path):
    policy = policy_file(tmp_path, f'required_version = "2.1.0"\nsigner_thumbprint = "{pki.signer.thumbprint}"\n'
                                    f'signer_subject = "O=Cybertrust Japan Co., Ltd."\nsha256 = "{msifile.sha256(msis.v2)}"\n')
    data, code = mpki.inspect_report(policy, msis.v2)
    assert code == 0 and data["ok"] and data["problems"] == []
    assert data["product_version"] == "2.1.0" and data["signature_valid"] is True


@pytest.mark.parametrize("which,fragment", [
    ("v1", "older than the required 2.1.0"),
    ("other_name", "ProductName is 'Cybertrust Device Manager'"),
    ("v2_unsigned", "the file is not signed"),
    ("v2_tampered", "changed after it was signed"),
    ("v2_other_signer", "not the pinned"),
])
def test_inspect_report_problems(msis, pki, tmp_path, which, fragment):
    policy = policy_file(tmp_path, f'required_version = "2.1.0"\nsigner_thumbprint = "{pki.signer.thumbprint}"\n')
    data, code = mpki.inspect_report(policy, getattr(msis, which))
    assert code == 1 and not data["ok"]
    assert any(fragment in p for p in data["problems"]), data["problems"]


def test_sha256_pin_mismatch(msis, tmp_path):
    policy = policy_file(tmp_path, f'sha256 = "{"0" * 64}"\n')
    data, code = mpki.inspect_report(policy, msis.v2)
    assert code == 1 and any("SHA-256" in p for p in data["problems"])


def test_inspect_msi_cli_prints_json(msis, pki, tmp_path):
    from tests.conftest import run_cli

    res = run_cli(["mpki", "inspect-msi", str(msis.v2)], xdg=tmp_path, env={"SSL_CERT_FILE": str(pki.bundle)})
    assert res.code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["product_name"] == "Cybertrust Managed PKI Client" and data["signer_thumbprint"] == pki.signer.thumbprint
    bad = run_cli(["mpki", "inspect-msi", str(msis.v2_tampered)], xdg=tmp_path, env={"SSL_CERT_FILE": str(pki.bundle)})
    assert bad.code == 1 and json.loads(bad.stdout)["ok"] is False and bad.stderr == ""
    missing = run_cli(["mpki", "inspect-msi", str(tmp_path / "nope.msi")], xdg=tmp_path)
    assert missing.code == 2 and missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr


def test_inspect_report_of_an_html_file(tmp_path):
    page = tmp_path / "x.msi"
    page.write_bytes(b"<html><body>login</body></html>")
    data, code = mpki.inspect_report(policy_file(tmp_path), page)
    assert code == 1 and data["problems"] == ["it is an HTML page; check the download URL or the proxy's login page"]
    assert data["signature_valid"] is False and data["sha256"] == msifile.sha256(page)
