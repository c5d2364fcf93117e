"""The trust boundary, tried as an attacker would (issue 13), with real CLI processes on a
sandboxed Mono store: only a certificate whose signature verifies under the CA key that
issued the current one (or a key the profile pins) counts as its renewal, and no root goes
into a Root store unless [rootca] pins it.

Each attack case failed on the commit before the issuer rule (e1718be): the look-alike was
imported and the genuine certificate removed, its root installed, the genuine certificate
reported superseded and cleaned up, and a pinned new CA generation was not recognised."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from pycert.common import lineformat, signatures
from pycert.demo import samples
from tests.integration.test_dry_run_plans import certificates, tree
from tests.pfxfiles import write

NOW = samples.utc_now()
CODE = "0110119153"
SECRET = "pw-trust-0042"
G01 = "CN=Online Billing NW Common Root CA - 01,O=Cybertrust Japan Co.\\, Ltd.,C=JP"


def staging_policy(cli_sandbox, staging: Path, extra: str = "") -> None:
    cli_sandbox.write_policy(f"[profiles.obn]\nstaging_folders = [{json.dumps(str(staging))}]\n{extra}")


def genuine_terminal(cli_sandbox, tmp_path, days_left=20):
    """A clinic terminal: the genuine certificate (signed by the sample OBN CA, whose
    certificate is in CurrentUser\\Root) with `days_left`; an empty Downloads folder."""
    genuine = samples.obn_certificate(CODE, days_left, NOW, key_seed=1)
    cli_sandbox.seed([genuine])
    staging = tmp_path / "Downloads"
    staging.mkdir()
    staging_policy(cli_sandbox, staging)
    return genuine, staging


def my_thumbprints(tmp_path) -> set[str]:
    return {tp for store, tp in certificates(tmp_path) if store == "CurrentUser\\My"}


def test_attack_1_a_look_alike_pfx_in_downloads_is_refused_and_left_alone(cli_sandbox, tmp_path):
    genuine, staging = genuine_terminal(cli_sandbox, tmp_path)
    fake = samples.look_alike(CODE, 1185, NOW)
    no_password = write(staging, "invoice.pfx", samples.make_pfx(fake, None))
    with_password = write(staging, "invoice2.pfx", samples.make_pfx(fake, SECRET))
    (staging / "invoice2.txt").write_text(SECRET + "\n", encoding="utf-8")
    files_before = {p.name: p.read_bytes() for p in staging.iterdir()}

    run = cli_sandbox.run("remediate", "expiry", env={"PYCERT_STATE_DIR": str(tmp_path / "state")})
    line = lineformat.parse(run.stdout.splitlines()[-1])
    assert (run.code, line.verdict) == (1, "NONCOMPLIANT"), run.stdout + run.stderr
    refused = {i.fields["file"]: i.fields["reason"] for i in line.items if i.fields.get("staged") == "refused"}
    assert refused == {"invoice.pfx": "no-password", "invoice2.pfx": "issuer-unverified"}
    assert my_thumbprints(tmp_path) == {genuine.thumbprint}  # nothing imported, nothing removed
    assert {p.name: p.read_bytes() for p in staging.iterdir()} == files_before  # not moved, not deleted
    assert no_password.exists() and with_password.exists()

    data = json.loads(cli_sandbox.run("remediate", "expiry", "--format", "json",
                                      env={"PYCERT_STATE_DIR": str(tmp_path / "state")}).stdout)
    reasons = {Path(n["file"]).name: n for n in data["staged"] if n.get("refused")}
    assert "not protected by a password" in reasons["invoice.pfx"]["reason"]
    assert "not signed by the CA key that issued the current certificate" in reasons["invoice2.pfx"]["reason"]


def test_attack_2_a_pfx_carrying_its_own_root_never_puts_it_in_root(cli_sandbox, tmp_path):
    attacker_root = samples.make_certificate("CN=Evil Root,O=Evil,C=JP", "CN=Evil Root,O=Evil,C=JP",
                                             NOW - timedelta(days=10), NOW + timedelta(days=3650), key_seed=77,
                                             issuer_key=samples.rsa_key(77), ca=True)
    leaf = samples.obn_certificate(CODE, 1185, NOW, key_seed=2)
    pfx = write(tmp_path, "renewed.pfx", samples.make_pfx(leaf, SECRET, chain=(attacker_root,)))
    run = cli_sandbox.run("import", str(pfx), "--password-env", "PW", env={"PW": SECRET})
    assert run.code == 0, run.stdout + run.stderr
    assert "root Evil Root (SHA-256" in run.stdout and "was not imported" in run.stdout
    assert ("CurrentUser\\Root", attacker_root.thumbprint) not in certificates(tmp_path)
    assert ("CurrentUser\\My", leaf.thumbprint) in certificates(tmp_path)  # the leaf still imports

    digest = hashlib.sha256(attacker_root.der).hexdigest().upper()
    cli_sandbox.write_policy(f'[[rootca.pins]]\nname = "Evil Root"\nsha256 = "{digest}"\nrequired = false\n')
    pinned = cli_sandbox.run("import", str(pfx), "--password-env", "PW", env={"PW": SECRET})
    assert pinned.code == 0 and ("CurrentUser\\Root", attacker_root.thumbprint) in certificates(tmp_path)


def test_attack_3_a_look_alike_in_my_neither_hides_the_alarm_nor_gets_the_genuine_one_removed(cli_sandbox, tmp_path):
    genuine, _ = genuine_terminal(cli_sandbox, tmp_path, days_left=10)
    fake = samples.look_alike(CODE, 1185, NOW)
    cli_sandbox.seed([fake], with_ca=False)

    detect = cli_sandbox.run("detect", "expiry")
    line = lineformat.parse(detect.stdout.splitlines()[-1])
    assert (detect.code, line.verdict, line.counters.get("superseded")) == (1, "NONCOMPLIANT", None)
    listed = json.loads(cli_sandbox.run("list", "--format", "json").stdout)["certificates"]
    status = {c["thumbprint"]: (c["state"], c["issuer_status"]) for c in listed}
    assert status == {genuine.thumbprint: ("urgent", "verified"), fake.thumbprint: ("ok", "unverified")}

    before = tree(tmp_path)
    cleanup = cli_sandbox.run("cleanup", "--yes")
    assert cleanup.code == 0 and "Nothing to remove." in cleanup.stdout
    assert "is not from the CA key that issued this one" in cleanup.stdout
    assert my_thumbprints(tmp_path) == {genuine.thumbprint, fake.thumbprint} and tree(tmp_path) == before


def test_attack_3b_an_attacker_ca_added_to_the_users_root_does_not_help(cli_sandbox, tmp_path):
    """The attacker's CA, named like the real one, in CurrentUser\\CA and CurrentUser\\Root:
    the look-alike's issuer then verifies, but under a key that issued nothing of the
    profile's and that no policy pins."""
    genuine, _ = genuine_terminal(cli_sandbox, tmp_path, days_left=10)
    evil_ca = samples.make_certificate(samples.OBN_CA, samples.OBN_CA, NOW - timedelta(days=5),
                                       NOW + timedelta(days=3650), key_seed=78, issuer_key=samples.rsa_key(78), ca=True)
    fake = samples.make_certificate(samples.OBN_LEAF.format(code=CODE), samples.OBN_CA, NOW - timedelta(days=1),
                                    NOW + timedelta(days=1185), key_seed=79, issuer_key=samples.rsa_key(78))
    cli_sandbox.seed([evil_ca], "CurrentUser\\CA", with_ca=False)
    cli_sandbox.seed([evil_ca], "CurrentUser\\Root", with_ca=False)
    cli_sandbox.seed([fake], with_ca=False)
    listed = json.loads(cli_sandbox.run("list", "--format", "json").stdout)["certificates"]
    assert {c["thumbprint"]: (c["state"], c["issuer_status"]) for c in listed} == {
        genuine.thumbprint: ("urgent", "verified"), fake.thumbprint: ("ok", "verified")}
    assert cli_sandbox.run("detect", "expiry").code == 1
    assert cli_sandbox.run("cleanup", "--yes").code == 0
    assert genuine.thumbprint in my_thumbprints(tmp_path)


def test_case_4_a_renewal_by_a_new_ca_generation_counts_once_its_key_is_pinned(cli_sandbox, tmp_path):
    genuine, _ = genuine_terminal(cli_sandbox, tmp_path, days_left=10)
    new_ca = samples.sample_ca(G01)  # "- 01": another CA key than "- G1"'s
    renewed = samples.obn_certificate(CODE, 1185, NOW, issuer=G01, key_seed=3)
    cli_sandbox.seed([renewed])  # and G01's CA certificate into CurrentUser\Root
    assert cli_sandbox.run("detect", "expiry").code == 1  # a different CA key: not the renewal yet

    spki = signatures.spki_sha256(new_ca.der)
    cli_sandbox.write_policy(f'[profiles.obn]\ntrusted_issuers = ["{spki}"]\n')
    detect = cli_sandbox.run("detect", "expiry")
    line = lineformat.parse(detect.stdout.splitlines()[-1])
    assert (detect.code, line.verdict, line.counters["superseded"]) == (0, "COMPLIANT", "1")
    assert cli_sandbox.run("cleanup", "--yes").code == 0
    assert my_thumbprints(tmp_path) == {renewed.thumbprint}


def test_a_genuine_renewal_whose_ca_is_only_in_the_pfx_is_imported_and_replaces_the_old_one(cli_sandbox, tmp_path):
    """No CA certificate on the terminal at all; the PFX carries the CA that issued both the
    current certificate and its renewal (the sample root it also carries stays out: unpinned)."""
    genuine = samples.obn_certificate(CODE, 20, NOW, key_seed=1)
    cli_sandbox.seed([genuine], with_ca=False)
    staging = tmp_path / "Downloads"
    staging.mkdir()
    staging_policy(cli_sandbox, staging)
    root, inter = samples.obn_chain(NOW)  # inter: the OBN CA name and key
    renewed = samples.obn_renewal(genuine, NOW - timedelta(days=1))
    write(staging, "renewed.pfx", samples.make_pfx(renewed, SECRET, chain=(inter, root)))
    (staging / "renewed.txt").write_text(SECRET + "\n", encoding="utf-8")

    before = cli_sandbox.run("list", "--format", "json")
    assert [c["issuer_status"] for c in json.loads(before.stdout)["certificates"]] == ["unverified"]
    run = cli_sandbox.run("remediate", "expiry", "--format", "json", env={"PYCERT_STATE_DIR": str(tmp_path / "s")})
    data = json.loads(run.stdout)
    assert (run.code, data["verdict"]) == (0, "remediated"), run.stdout + run.stderr
    assert [(a["action"], a["status"]) for a in data["actions"]] == [
        ("import", "imported"), ("root", "skipped"), ("backup", "moved"), ("remove", "removed")]
    assert list(staging.iterdir()) == []  # the PFX and its password left Downloads after the verified import
    assert my_thumbprints(tmp_path) == {renewed.thumbprint}
    assert ("CurrentUser\\Root", root.thumbprint) not in certificates(tmp_path)
