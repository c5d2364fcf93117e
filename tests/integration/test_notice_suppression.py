"""`remediate expiry` on the real Mono store where the MPKI client is installed (the
registry replaced by tests/mpki/fakes.FakeWinreg): no OBN notice, said in the result."""

from pycert.demo import samples
from pycert.expiry import job as expiry
from pycert.platform.windows import registry
from pycert.policy.load import merge_with_builtin
from pycert.policy.models import Policy
from tests.integration.test_import_cleanup_mono import NOW, Notifier
from tests.mpki.fakes import HKLM, FakeWinreg, uninstall_entry

CLIENT = "{11111111-2222-3333-4444-555555555555}"


def run(mono_store, tmp_path, notify=None):
    staging = tmp_path / "Downloads"
    staging.mkdir(exist_ok=True)
    data = {"profiles": {"obn": {"staging_folders": [str(staging)]}}}
    if notify:
        data["notify"] = notify
    notifier = Notifier()
    result = expiry.remediate(Policy.model_validate(merge_with_builtin(data)), mono_store.backend, NOW,
                              notify=notifier, state_dir=tmp_path / "state")
    return result, notifier


def test_the_mpki_client_speaks_for_the_obn_certificate(mono_store, tmp_path, mocker):
    mono_store.add(samples.obn_certificate("0110119153", 20, NOW, key_seed=1))
    data = {(HKLM, "32"): {CLIENT: uninstall_entry("Cybertrust Managed PKI Client", "2.1.0", CLIENT)}}
    mocker.patch.object(registry, "_winreg", side_effect=lambda: FakeWinreg(data))

    result, notifier = run(mono_store, tmp_path)
    assert (result.verdict, result.exit_code) == ("noncompliant", 1)
    assert notifier.shown == [] and result.details["notified"] == 0
    [notice] = result.details["notices"]
    assert notice["channel"] == "suppressed" and notice["reason"].startswith("the MPKI client is installed")

    turned_on, notifier = run(mono_store, tmp_path, {"alongside_mpki_client": True})
    assert turned_on.details["notified"] == 1 and len(notifier.shown) == 1
    assert notifier.shown[0].startswith("オンライン資格確認とレセプトオンライン請求で使う電子証明書（0110119153）")
