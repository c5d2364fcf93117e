"""Hostile files and links: PFX, password files, root sources, caches and result files.
One clear sentence, the documented exit code, nothing changed, and never a hang."""

import os
from datetime import timedelta

import pytest

from pycert.demo import samples
from pycert.cli import run
from tests.pfxfiles import obn_pfx

NOW = samples.utc_now()


def _run(capsys, argv, stdin=None):
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _sentence(err):
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err[:400]
    return lines[0]


def test_H_PFX_1_a_pfx_with_10000_chain_certificates_is_refused_by_size(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PW", "1234")
    leaf = samples.obn_certificate("0110119153", 400, NOW)
    extra = samples.make_certificate("CN=filler", "CN=filler", NOW - timedelta(days=1), NOW + timedelta(days=9), ca=True)
    data = samples.make_pfx(leaf, "1234", chain=(extra,) * 10_000)
    path = tmp_path / "huge-chain.pfx"
    path.write_bytes(data)
    code, _, err = _run(capsys, ["pfx", "inspect", str(path), "--password-env", "PW"])
    assert code == 2 and "larger than 1 MiB" in _sentence(err)


def test_H_PFX_2_a_pfx_with_1000_chain_certificates_is_read_in_one_pass(tmp_path, capsys, monkeypatch):
    leaf = samples.obn_certificate("0110119153", 400, NOW)
    extra = samples.make_certificate("CN=filler", "CN=filler", NOW - timedelta(days=1), NOW + timedelta(days=9), ca=True)
    path = tmp_path / "long-chain.pfx"
    path.write_bytes(samples.make_pfx(leaf, "1234", chain=(extra,) * 1000))
    monkeypatch.setenv("PW", "1234")
    code, out, err = _run(capsys, ["pfx", "inspect", str(path), "--password-env", "PW", "--format", "json"])
    assert (code, err) == (0, "")
    assert '"thumbprint": "' + leaf.thumbprint in out


def test_H_PFX_3_a_2_gb_pfx_is_refused_without_reading_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PW", "1234")
    path = tmp_path / "2gb.pfx"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)
    code, _, err = _run(capsys, ["pfx", "inspect", str(path), "--password-env", "PW"])
    assert code == 2 and "larger than 1 MiB" in _sentence(err)


def test_H_PFX_4_a_pfx_path_that_is_a_link_to_a_device(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PW", "1234")
    link = tmp_path / "renewed.pfx"
    link.symlink_to("/dev/zero")
    code, _, err = _run(capsys, ["pfx", "inspect", str(link), "--password-env", "PW"])
    assert code == 2 and "not a regular file" in _sentence(err)


def test_H_PFX_5_a_password_file_that_is_a_device_or_huge(tmp_path, capsys, monkeypatch):
    pfx_path, _ = obn_pfx(tmp_path, "a.pfx", 400, NOW)
    code, _, err = _run(capsys, ["pfx", "inspect", str(pfx_path), "--password-file", "/dev/zero"])
    assert code == 2 and "not a regular file" in _sentence(err)
    huge = tmp_path / "pw.txt"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, err = _run(capsys, ["pfx", "inspect", str(pfx_path), "--password-file", str(huge)])
    assert code == 2 and _sentence(err)


def test_H_PFX_6_an_unset_password_variable(tmp_path, capsys, monkeypatch):
    pfx_path, _ = obn_pfx(tmp_path, "a.pfx", 400, NOW)
    monkeypatch.delenv("NOPE_PW", raising=False)
    code, _, err = _run(capsys, ["pfx", "inspect", str(pfx_path), "--password-env", "NOPE_PW"])
    assert code == 2 and "NOPE_PW" in _sentence(err)


def test_H_ROOT_1_a_root_source_that_is_a_device(capsys, tmp_path, mono_store):
    from tests.faults.test_rootca_faults import POLICY

    policy = tmp_path / "p.toml"
    policy.write_text(POLICY, encoding="utf-8")  # the root counts only in CurrentUser\Root: it must be installed
    code, out, err = _run(capsys, ["--config", str(policy), "remediate", "rootca", "--scope", "user", "--source", "/dev/zero"])
    assert code == 2 and "not a regular file" in _sentence(err)
    assert out.splitlines()[-1].startswith("FAILED rootca v1 exit=2")


def test_H_CACHE_1_a_link_planted_where_the_cache_writes_its_state(tmp_path):
    from pycert.mpki import source as mpkisource

    folder = tmp_path / "cache"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (folder / (mpkisource.STATE_NAME + ".tmp")).symlink_to(victim)
    (folder / mpkisource.STATE_NAME).symlink_to(victim)
    state = mpkisource.CacheState(**_state_fields(mpkisource))
    mpkisource._write_state(folder, state)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (folder / mpkisource.STATE_NAME).is_symlink()
    assert mpkisource.read_state(folder) is None  # no MSI beside it: the state alone is not trusted


def _state_fields(mpkisource):
    import dataclasses

    return {f.name: ("" if f.type in ("str", str) else None) for f in dataclasses.fields(mpkisource.CacheState)}


def test_H_RES_1_device_names_with_traversal_stay_in_the_result_folder(tmp_path, monkeypatch):
    from pycert.common import resultfile

    folder = tmp_path / "share"
    folder.mkdir()
    for name in ("..\\..\\Windows\\System32\\evil", "../../etc/passwd", "CON", "\u202eexe.txt", "a" * 5000):
        monkeypatch.setenv("COMPUTERNAME", name)
        target = resultfile.target_path(str(folder) + os.sep, name)
        assert target.parent == folder and "/" not in target.name and "\\" not in target.name
        assert len(target.name) <= 70 and not target.name.startswith(".")


def test_H_RES_2_a_link_planted_at_the_result_file(tmp_path, monkeypatch):
    from pycert.common import resultfile

    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    target = tmp_path / "host.json"
    target.symlink_to(victim)
    resultfile.write(str(target), {"check": "expiry", "verdict": "compliant"})
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not target.is_symlink() and '"verdict": "compliant"' in target.read_text(encoding="utf-8")


def test_H_CSV_1_a_report_input_with_nul_bytes_and_a_10_mb_cell(tmp_path, capsys):
    path = tmp_path / "export.csv"
    rows = ["DeviceName,UPN,PreRemediationDetectionScriptOutput",
            "pc1,u@x,COMPLIANT expiry v1 certs=1 ok=1",
            "pc2\x00,u@x,NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=1 state=due days=5 expires=2026-12-01 tp=ABCDEF01",
            "pc3,u@x," + "X" * 10_000_000]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, ["report", str(path), "--format", "json"])
    assert code == 0 and "Traceback" not in err
    import json

    data = json.loads(out)
    assert data["devices"] == 2 and data["devices_by_verdict"] == {"noncompliant": 1, "compliant": 1}
    assert "field larger than field limit" in out  # the 10 MB row is listed as unreadable


def test_H_CSV_2_a_report_folder_with_a_symlink_loop(tmp_path, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "loop").symlink_to(folder)
    (folder / "pc1.json").write_text('{"check": "expiry", "verdict": "compliant", "hostname": "pc1"}', encoding="utf-8")
    code, out, err = _run(capsys, ["report", str(folder), "--format", "json"])
    assert code == 0 and "Traceback" not in err


def test_H_MSI_1_an_empty_or_device_msi(tmp_path, capsys):
    empty = tmp_path / "CybertrustManagedPKIClient.msi"
    empty.write_bytes(b"")
    code, out, err = _run(capsys, ["mpki", "inspect-msi", str(empty)])
    assert code in (1, 2) and "Traceback" not in err
    assert "not an MSI" in out + err or "empty" in (out + err).lower()
    code, out, err = _run(capsys, ["mpki", "inspect-msi", "/dev/zero"])
    assert code in (1, 2) and "Traceback" not in err and (out + err).strip()


def test_H_HTTP_1_a_root_source_url_that_refuses_connections(tmp_path, capsys, mono_store):
    from tests.faults.test_rootca_faults import POLICY

    policy = tmp_path / "p.toml"
    policy.write_text(POLICY, encoding="utf-8")
    code, out, err = _run(capsys, ["--config", str(policy), "remediate", "rootca", "--scope", "user",
                                   "--source", "https://127.0.0.1:1/p/cert"])
    assert code == 3 and "could not be reached" in _sentence(err)
    assert out.splitlines()[-1].startswith("FAILED rootca v1 exit=3")
    assert mono_store.files("Trust") == []


def test_H_CLI_7_password_stdin_that_is_empty(tmp_path, capsys, monkeypatch):
    import io

    pfx_path, _ = obn_pfx(tmp_path, "a.pfx", 400, NOW)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = _run(capsys, ["pfx", "inspect", str(pfx_path), "--password-stdin"])
    assert code == 2 and _sentence(err)


def test_H_CLI_8_import_of_a_pem_file_named_pfx(tmp_path, capsys, monkeypatch, mono_store):
    leaf = samples.obn_certificate("0110119153", 400, NOW)
    path = tmp_path / "renewed.pfx"
    from cryptography.hazmat.primitives import serialization

    path.write_bytes(leaf.certificate.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("PW", "1234")
    before = mono_store.files()
    code, _, err = _run(capsys, ["import", str(path), "--password-env", "PW"])
    assert code == 2 and "PEM" in _sentence(err)
    assert mono_store.files() == before
