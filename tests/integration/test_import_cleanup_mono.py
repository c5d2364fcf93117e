"""Import, cleanup and `remediate expiry` against the real Mono X509Store (3DES PFX),
including a failure injected at each step: the old certificate must survive every one."""

from datetime import timedelta

import pytest

from pycert.demo import samples
from pycert.policy.models import Policy
from pycert.policy.load import merge_with_builtin
from pycert.common.errors import PlatformError, UsageError
from pycert.expiry import cleanup
from pycert.expiry import job as expiry
from pycert.pfx import importer as pfx_import
from pycert.common.model import StoreRef
from pycert.common.secret import Secret
from tests.pfxfiles import obn_pfx, write

NOW = samples.utc_now()
MY = StoreRef("CurrentUser", "My")
PW = Secret("1234", "test")


def make_policy(staging=None, pin=None, backup=None, **obn):
    """The built-in policy, with `obn` profile keys, a staging folder, `backup` ([backup]
    keys), and `pin` (a sample root) pinned in [rootca] so that an import may write it to a
    Root store."""
    if staging is not None:
        obn["staging_folders"] = [str(staging)]
    data: dict = {"profiles": {"obn": obn}} if obn else {}
    if backup is not None:
        data["backup"] = backup
    if pin is not None:
        data["rootca"] = {"pins": [{"name": "Sample Root CA", "sha256": root_sha256(pin), "required": False}]}
    return Policy.model_validate(merge_with_builtin(data))


def root_sha256(sample) -> str:
    import hashlib

    return hashlib.sha256(sample.der).hexdigest().upper()


def thumbprints(store, name="My"):
    return sorted(c.thumbprint for c in store.backend.read(StoreRef("CurrentUser", name)).certificates)


@pytest.fixture
def old(mono_store):
    """The expiring certificate already installed (20 days left)."""
    sample = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    mono_store.add(sample)
    return sample


@pytest.fixture
def renewed(tmp_path):
    """A renewed 3DES PFX with its chain, staged with a sidecar password file (ORCA style)."""
    staging = tmp_path / "Downloads"
    staging.mkdir()
    root, inter = samples.obn_chain(NOW)
    path, leaf = obn_pfx(staging, "0110119153_renewed.pfx", 1185, NOW, chain=(inter, root))
    (staging / "0110119153_renewed.txt").write_text("1234\n", encoding="utf-8")
    return path, leaf, inter, root


def test_import_routes_chain_and_twice_is_one_copy(mono_store, renewed):
    path, leaf, inter, root = renewed
    for expected in ("added", "present"):
        report = pfx_import.run(make_policy(pin=root), mono_store.backend, NOW, path, PW)
        assert [(p.role, str(p.store), p.status) for p in report.placements] == [
            ("leaf", "CurrentUser\\My", expected),
            ("intermediate", "CurrentUser\\CA", expected),
            ("root", "CurrentUser\\Root", expected),
        ]
        assert report.verified and report.exit_code == 0
    assert [len(mono_store.files(n)) for n in ("My", "CA", "Trust")] == [1, 1, 1]
    assert thumbprints(mono_store) == [leaf.thumbprint]
    assert thumbprints(mono_store, "CA") == [inter.thumbprint] and thumbprints(mono_store, "Root") == [root.thumbprint]
    assert any("extended properties" in u for u in report.unhonoured)


def test_an_unpinned_root_from_a_pfx_is_left_out_and_said_so(mono_store, renewed):
    path, leaf, inter, root = renewed
    report = pfx_import.run(make_policy(), mono_store.backend, NOW, path, PW)
    assert [(p.role, p.status) for p in report.placements] == [("leaf", "added"), ("intermediate", "added")]
    assert [(r.thumbprint, r.status) for r in report.roots_left] == [(root.thumbprint, "skipped")]
    message = report.roots_left[0].describe()
    assert f'sha256 = "{root_sha256(root)}"' in message and "[[rootca.pins]]" in message
    assert mono_store.files("Trust") == [] and report.verified and report.exit_code == 0
    # once the root is in a Root store (put there by an administrator), it counts as present
    mono_store.add(root, "CurrentUser\\Root", with_ca=False)
    again = pfx_import.run(make_policy(), mono_store.backend, NOW, path, PW)
    assert [(r.status, [str(s) for s in r.present_in]) for r in again.roots_left] == [("present", ["CurrentUser\\Root"])]


def test_refusals_change_nothing(mono_store, tmp_path):
    aes, _ = obn_pfx(tmp_path, "aes.pfx", 1185, NOW, aes=True)
    with pytest.raises(UsageError, match="Mono cannot import"):
        pfx_import.run(make_policy(), mono_store.backend, NOW, aes, PW)
    other = samples.make_certificate("CN=x", "CN=Unknown CA", NOW - timedelta(days=1), NOW + timedelta(days=300))
    foreign = write(tmp_path, "foreign.pfx", samples.make_pfx(other, "1234"))
    with pytest.raises(UsageError, match="matches no profile"):
        pfx_import.run(make_policy(), mono_store.backend, NOW, foreign, PW)
    assert mono_store.files() == []
    assert pfx_import.run(make_policy(), mono_store.backend, NOW, foreign, PW, force=True).verified


def test_dry_run_imports_nothing(mono_store, renewed):
    report = pfx_import.run(make_policy(), mono_store.backend, NOW, renewed[0], PW, dry_run=True)
    assert {p.status for p in report.placements} == {"planned"} and mono_store.files() == []


def test_cleanup_with_and_without_successor(mono_store, old, renewed):
    policy = make_policy()
    alone = cleanup.plan(policy, mono_store.backend, NOW)
    assert alone.to_remove == []
    pfx_import.run(policy, mono_store.backend, NOW, renewed[0], PW)
    plan = cleanup.plan(policy, mono_store.backend, NOW)
    assert [r.step.certificate.thumbprint for r in plan.to_remove] == [old.thumbprint]
    assert thumbprints(mono_store) == sorted([old.thumbprint, renewed[1].thumbprint])  # a plan changes nothing
    cleanup.apply(plan, mono_store.backend)
    assert plan.exit_code == 0 and [r.status for r in plan.to_remove] == ["removed"]
    assert thumbprints(mono_store) == [renewed[1].thumbprint]


def test_successor_from_another_issuer_does_not_supersede(mono_store, old):
    g01 = "CN=Online Billing NW Common Root CA - 01,O=Cybertrust Japan Co.\\, Ltd.,C=JP"
    other = samples.obn_certificate("0110119153", 1185, NOW, issuer=g01, key_seed=2)
    mono_store.add(other)
    assert cleanup.plan(make_policy(), mono_store.backend, NOW).to_remove == []


def test_cleanup_never_touches_certificates_outside_the_profile(mono_store, old):
    a = samples.make_certificate("CN=vpn", "CN=Corp CA", NOW - timedelta(days=700), NOW + timedelta(days=5), key_seed=3)
    b = samples.make_certificate("CN=vpn", "CN=Corp CA", NOW - timedelta(days=1), NOW + timedelta(days=700), key_seed=4)
    mono_store.add(a)
    mono_store.add(b)
    plan = cleanup.plan(make_policy(), mono_store.backend, NOW)
    assert {r.step.certificate.thumbprint for r in plan.removals} == {old.thumbprint}
    cleanup.apply(plan, mono_store.backend)
    assert a.thumbprint in thumbprints(mono_store)


# -- remediate expiry ---------------------------------------------------------------

class Notifier:
    def __init__(self):
        self.shown = []

    def __call__(self, title, body):
        self.shown.append(body)
        return "toast"


def remediate(mono_store, staging, tmp_path, notifier=None, backup=None, **kw):
    backup = {"folder": str(tmp_path / "backup")} if backup is None else backup
    return expiry.remediate(
        make_policy(staging, backup=backup), mono_store.backend, NOW, notify=notifier or Notifier(),
        state_dir=tmp_path / "state", **kw
    )


def test_remediate_imports_verifies_cleans_up_then_is_idempotent(mono_store, old, renewed, tmp_path):
    staging = renewed[0].parent
    notifier = Notifier()
    result = remediate(mono_store, staging, tmp_path, notifier)
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert thumbprints(mono_store) == [renewed[1].thumbprint]
    # the PFX's sample root is not pinned: left out and said so, the leaf still renews
    assert [(a["action"], a["status"]) for a in result.details["actions"]] == [
        ("import", "imported"), ("root", "skipped"), ("backup", "moved"), ("remove", "removed")]
    assert renewed[3].thumbprint not in thumbprints(mono_store, "Root")
    assert result.details["imported"] == 1 and result.details["removed"] == 1 and len(notifier.shown) == 1
    again = remediate(mono_store, staging, tmp_path, notifier)
    assert (again.verdict, again.exit_code, again.details["actions"]) == ("compliant", 0, [])
    assert len(notifier.shown) == 1  # the backup notice, once


def test_remediate_dry_run_changes_nothing_and_notifies_nobody(mono_store, old, renewed, tmp_path):
    notifier = Notifier()
    result = remediate(mono_store, renewed[0].parent, tmp_path, notifier, dry_run=True)
    assert result.exit_code == 1 and result.details["actions"][0]["status"] == "planned"
    assert result.details["planned"] == 1
    assert thumbprints(mono_store) == [old.thumbprint] and notifier.shown == []
    assert not (tmp_path / "state").exists()


def test_remediate_without_staged_pfx_reminds_once(mono_store, old, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    notifier = Notifier()
    first = remediate(mono_store, empty, tmp_path, notifier)
    assert (first.verdict, first.exit_code) == ("noncompliant", 1)
    assert len(notifier.shown) == 1 and "あと20日" in notifier.shown[0]
    second = remediate(mono_store, empty, tmp_path, notifier)
    assert second.exit_code == 1 and len(notifier.shown) == 1
    assert second.details["notices"][0]["channel"] == "already-shown"


def test_staged_pfx_with_wrong_sidecar_is_reported_not_fatal(mono_store, old, renewed, tmp_path):
    (renewed[0].parent / "0110119153_renewed.txt").write_text("0000\n", encoding="utf-8")
    result = remediate(mono_store, renewed[0].parent, tmp_path)
    assert result.exit_code == 1 and thumbprints(mono_store) == [old.thumbprint]
    [note] = result.details["staged"]
    assert note["usable"] is False and "wrong" in note["reason"]
    assert note["reason"].endswith("check it: it is the number chosen when the certificate was downloaded.")


def test_staged_p12_of_a_family_whose_site_issues_the_password_gets_that_hint(mono_store, old, renewed, tmp_path):
    """Issue 16 item 8: a WebORCA-style profile (`pfx_password = "issued-by-site"`) says so."""
    (renewed[0].parent / "0110119153_renewed.txt").write_text("0000\n", encoding="utf-8")
    result = expiry.remediate(make_policy(renewed[0].parent, pfx_password="issued-by-site"), mono_store.backend, NOW,
                              notify=Notifier(), state_dir=tmp_path / "state")
    [note] = result.details["staged"]
    assert note["reason"].endswith("check it: it is the password the download site issued with the certificate "
                                   "(often saved in a text file next to it).")


def test_staged_pfx_password_from_policy_env(mono_store, old, renewed, tmp_path, monkeypatch):
    (renewed[0].parent / "0110119153_renewed.txt").unlink()
    monkeypatch.setenv("OBN_PFX_PASSWORD", "1234")
    result = expiry.remediate(
        make_policy(renewed[0].parent, password_env="OBN_PFX_PASSWORD"), mono_store.backend, NOW,
        notify=Notifier(), state_dir=tmp_path / "s",
    )
    assert result.verdict == "remediated"


# -- fault injection: each step fails, the old certificate stays ------------------------

def test_fault_import_raises(mono_store, old, renewed, tmp_path, monkeypatch):
    def boom(*a, **k):
        raise PlatformError("simulated: the store is locked")

    monkeypatch.setattr(mono_store.backend, "import_pfx", boom)
    with pytest.raises(PlatformError, match="no certificate was removed") as info:
        pfx_import.run(make_policy(), mono_store.backend, NOW, renewed[0], PW)
    assert info.value.exit_code == 3
    result = remediate(mono_store, renewed[0].parent, tmp_path)
    assert (result.verdict, result.exit_code) == ("failed", 3)
    assert "simulated" in result.messages[0]
    assert thumbprints(mono_store) == [old.thumbprint]


def test_fault_verify_finds_nothing(mono_store, old, renewed, tmp_path, monkeypatch):
    real_read = mono_store.backend.read
    hidden = renewed[1].thumbprint

    def read(store):
        reading = real_read(store)
        return type(reading)(reading.store, reading.status, tuple(c for c in reading.certificates if c.thumbprint != hidden))

    monkeypatch.setattr(mono_store.backend, "read", read)
    report = pfx_import.run(make_policy(), mono_store.backend, NOW, renewed[0], PW)
    assert (report.outcome, report.exit_code, report.verified) == ("failed", 3, False)
    assert "not found" in report.messages[0]
    result = remediate(mono_store, renewed[0].parent, tmp_path)
    assert (result.verdict, result.exit_code) == ("failed", 3)
    assert old.thumbprint in thumbprints(mono_store)


def test_fault_store_add_fails_half_way(mono_store, old, renewed, monkeypatch):
    real_open = mono_store.backend._open

    def open_(store, flags):
        if store.name == "CA":
            raise RuntimeError("simulated: access denied to CA")
        return real_open(store, flags)

    monkeypatch.setattr(mono_store.backend, "_open", open_)
    report = pfx_import.run(make_policy(pin=renewed[3]), mono_store.backend, NOW, renewed[0], PW)
    assert {p.role: p.status for p in report.placements} == {"leaf": "added", "intermediate": "failed", "root": "added"}
    assert (report.outcome, report.exit_code) == ("incomplete", 1)
    assert "access denied to CA" in report.messages[0]
    assert old.thumbprint in thumbprints(mono_store)


def test_fault_cleanup_fails(mono_store, old, renewed, tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise PlatformError(f"Could not remove {old.thumbprint} from CurrentUser\\My (simulated).")

    monkeypatch.setattr(mono_store.backend, "remove_with_key", refuse)
    result = remediate(mono_store, renewed[0].parent, tmp_path)
    assert (result.verdict, result.exit_code) == ("failed", 1)
    assert thumbprints(mono_store) == sorted([old.thumbprint, renewed[1].thumbprint])
    # The platform's sentence is the message, once: not "Could not remove X: Could not remove X (...)".
    assert result.messages == [f"Could not remove {old.thumbprint} from CurrentUser\\My (simulated)."]


def test_aes_staged_pfx_is_skipped_on_mono(mono_store, old, tmp_path):
    staging = tmp_path / "aes"
    staging.mkdir()
    obn_pfx(staging, "renewed.pfx", 1185, NOW, aes=True)
    (staging / "renewed.txt").write_text("1234", encoding="utf-8")
    result = remediate(mono_store, staging, tmp_path)
    assert result.verdict == "noncompliant" and result.messages == []
    assert result.details["staged"][0]["reason"] == "AES-256 encrypted, which this platform cannot import"


def test_pfx_certificate_info_matches_what_mono_reads(mono_store, renewed):
    """Profile matching of a PFX uses pfx.certificate_info; it must see what the store will show."""
    from pycert.pfx import reader as pfx

    path, leaf, inter, root = renewed
    contents = pfx.load(path, PW)
    pfx_import.run(make_policy(pin=root), mono_store.backend, NOW, path, PW)
    for name, info in (("My", contents.leaf), ("CA", contents.chain[0].info), ("Root", contents.chain[1].info)):
        [stored] = mono_store.backend.read(StoreRef("CurrentUser", name)).certificates
        for attribute in ("subject", "issuer", "thumbprint", "serial", "not_before", "not_after", "ekus", "sha256", "der"):
            assert getattr(stored, attribute) == getattr(info, attribute), (name, attribute)


# Issue 16, item 4: `remediate expiry` has no --password-env; the note says where the password goes.
def test_staged_pfx_without_password_says_what_to_put_where(mono_store, old, renewed, tmp_path):
    (renewed[0].parent / "0110119153_renewed.txt").unlink()
    result = remediate(mono_store, renewed[0].parent, tmp_path)
    assert result.exit_code == 1 and thumbprints(mono_store) == [old.thumbprint]
    [note] = result.details["staged"]
    assert note == {
        "file": str(renewed[0]), "usable": False,
        "reason": "0110119153_renewed.pfx needs its password: put it on one line in 0110119153_renewed.txt next to it, "
                  "or name an environment variable in the profile's password_env and set it for the job.",
    }


# -- the PFX and its password after the import (issue 16) --------------------------------

def staged_files(renewed):
    pfx = renewed[0]
    return pfx, pfx.with_suffix(".txt"), pfx.read_bytes(), pfx.with_suffix(".txt").read_bytes()


def test_verified_import_moves_pfx_and_password_into_a_private_backup_folder(mono_store, old, renewed, tmp_path):
    pfx, txt, pfx_bytes, txt_bytes = staged_files(renewed)
    notifier = Notifier()
    result = remediate(mono_store, pfx.parent, tmp_path, notifier)
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert sorted(p.name for p in pfx.parent.iterdir()) == []  # nothing left in Downloads
    folder = tmp_path / "backup"
    assert (folder / pfx.name).read_bytes() == pfx_bytes and (folder / txt.name).read_bytes() == txt_bytes
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o600"}
    [moved] = [a for a in result.details["actions"] if a["action"] == "backup"]
    assert (moved["status"], moved["mode"], moved["files"], moved["folder"], moved["error"]) == (
        "moved", "move", [str(pfx), str(txt)], str(folder), None)
    assert moved["moved_to"] == [str(folder / pfx.name), str(folder / txt.name)]
    [shown] = notifier.shown
    assert shown == (
        f"更新した電子証明書をインポートしました。電子証明書のファイル（0110119153_renewed.pfx）とパスワードのファイルを"
        f"「{pfx.parent}」から「{folder}」に移しました（このユーザーと管理者だけが開けます）。端末の故障や交換に備えて、"
        "電子証明書とパスワードをUSBメモリなどの外部記録媒体にもバックアップし、厳重に保管してください。")
    # the plan said so before anything happened
    [step] = [s.as_json() for s in result.plan if s.action == "backup"]
    assert step == {"action": "backup", "profile": "obn", "mode": "move", "files": [str(pfx), str(txt)],
                    "folder": str(folder)}


def test_an_earlier_backup_of_the_same_name_is_kept(mono_store, old, renewed, tmp_path):
    pfx, txt, pfx_bytes, _ = staged_files(renewed)
    folder = tmp_path / "backup"
    folder.mkdir(mode=0o755)
    (folder / pfx.name).write_bytes(b"an older certificate")
    remediate(mono_store, pfx.parent, tmp_path)
    assert (folder / pfx.name).read_bytes() == b"an older certificate"
    assert (folder / "0110119153_renewed-2.pfx").read_bytes() == pfx_bytes
    assert oct(folder.stat().st_mode & 0o777) == "0o700"  # an existing folder is closed too


def test_policy_delete_removes_both_files(mono_store, old, renewed, tmp_path):
    pfx, txt, _, _ = staged_files(renewed)
    notifier = Notifier()
    result = remediate(mono_store, pfx.parent, tmp_path, notifier,
                       backup={"after_import": "delete", "folder": str(tmp_path / "backup")})
    assert result.verdict == "remediated" and list(pfx.parent.iterdir()) == []
    assert not (tmp_path / "backup").exists()
    [done] = [a for a in result.details["actions"] if a["action"] == "backup"]
    assert (done["status"], done["mode"], done["folder"]) == ("deleted", "delete", None)
    assert notifier.shown == [f"更新した電子証明書をインポートしました。電子証明書のファイル（0110119153_renewed.pfx）と"
                              f"パスワードのファイルは「{pfx.parent}」から削除しました。電子証明書のバックアップは、"
                              "システム管理者の指示に従ってください。"]


def test_a_failed_move_does_not_undo_or_fail_the_import(mono_store, old, renewed, tmp_path):
    from pycert.common import output

    pfx, txt, pfx_bytes, txt_bytes = staged_files(renewed)
    blocker = tmp_path / "backup"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    notifier = Notifier()
    result = remediate(mono_store, pfx.parent, tmp_path, notifier)
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert thumbprints(mono_store) == [renewed[1].thumbprint]  # the renewal is in, the old one removed
    assert pfx.read_bytes() == pfx_bytes and txt.read_bytes() == txt_bytes  # left whole where they were
    [failed] = [a for a in result.details["actions"] if a["action"] == "backup"]
    assert failed["status"] == "failed" and failed["error"].startswith(
        f"The certificate was imported and verified, but {pfx} and {txt} could not be moved into {blocker} (")
    assert failed["error"].endswith("); move them to a safe place by hand.")
    assert result.messages == [] and notifier.shown == []  # nothing on stderr; no "moved" notice
    assert output.summary_line(result).endswith(" | obn pfx=not-moved file=0110119153_renewed.pfx")


def test_a_backup_folder_inside_the_staging_folder_is_refused(mono_store, old, renewed, tmp_path):
    pfx, txt, pfx_bytes, _ = staged_files(renewed)
    result = remediate(mono_store, pfx.parent, tmp_path, backup={"folder": str(pfx.parent / "kept")})
    [failed] = [a for a in result.details["actions"] if a["action"] == "backup"]
    assert "is inside the staging folder" in failed["error"] and pfx.read_bytes() == pfx_bytes
    assert not (pfx.parent / "kept").exists()


def test_files_stay_when_the_import_fails_or_is_a_dry_run(mono_store, old, renewed, tmp_path, monkeypatch):
    pfx, txt, _, _ = staged_files(renewed)
    dry = remediate(mono_store, pfx.parent, tmp_path, dry_run=True)
    assert [s.action for s in dry.plan].count("backup") == 1 and not [a for a in dry.details["actions"]
                                                                      if a["action"] == "backup"]
    monkeypatch.setattr(mono_store.backend, "import_pfx", lambda *a, **k: (_ for _ in ()).throw(PlatformError("boom")))
    failed = remediate(mono_store, pfx.parent, tmp_path)
    assert failed.verdict == "failed" and pfx.exists() and txt.exists() and not (tmp_path / "backup").exists()
