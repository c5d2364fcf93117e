"""Issue #18, classes 1, 3 and 4 for imports, on the real Mono store: what is checked is what
gets changed; the import's cost is linear in the chain; an interrupted renewal import is
finished by the next run, and REMEDIATED only comes when every planned certificate is in."""

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

from pycert.cli import run
from pycert.common.model import StoreRef
from pycert.demo import samples
from pycert.platform.dotnet import DotNetStores

NOW = samples.utc_now()
MY, CA = StoreRef("CurrentUser", "My"), StoreRef("CurrentUser", "CA")


def _pfx(key, certs, password=b"1234") -> bytes:
    """A PFX whose certificates come in the order given, with no certificate bag marked as
    the key's own (cryptography writes the key's certificate first otherwise)."""
    encryption = (
        PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(password)
    )
    return pkcs12.serialize_key_and_certificates(b"x", key, None, [c.certificate for c in certs], encryption)


def _thumbprints(store, ref):
    return {c.thumbprint for c in store.backend.read(ref).certificates}


@pytest.mark.parametrize("first", ["ca", "foreign-expired", "foreign-other-subject"])
def test_mono_import_installs_exactly_the_validated_leaf(mono_store, tmp_path, monkeypatch, capsys, first):
    leaf = samples.obn_certificate("0110119153", 1185, NOW)
    root, inter = samples.obn_chain(NOW)
    decoy = {
        "ca": inter,
        "foreign-expired": samples.obn_certificate("0110119153", -30, NOW, key_seed=5),
        "foreign-other-subject": samples.obn_certificate("0220229999", 400, NOW, key_seed=6),
    }[first]
    certs = [decoy, leaf] if first != "ca" else [inter, leaf]
    path = tmp_path / "renewed.pfx"
    path.write_bytes(_pfx(leaf.key, certs))
    monkeypatch.setenv("PW", "1234")

    assert run(["import", str(path), "--password-env", "PW", "--dry-run", "--format", "json"]) == 0
    planned = capsys.readouterr().out
    assert f'"thumbprint": "{leaf.thumbprint}"' in planned

    code = run(["import", str(path), "--password-env", "PW"])
    out, err = capsys.readouterr()
    assert code == 0, (out, err)
    assert _thumbprints(mono_store, MY) == {leaf.thumbprint}  # the validated leaf, and nothing else in My
    expected_ca = {inter.thumbprint} if first == "ca" else set()
    expected_other = {decoy.thumbprint} if first != "ca" else set()
    assert _thumbprints(mono_store, CA) == expected_ca
    assert _thumbprints(mono_store, StoreRef("CurrentUser", "AddressBook")) == expected_other


def _chain(count):
    return tuple(
        samples.make_certificate(f"CN=Chain filler {i},O=PyCert Samples", "CN=Sample Root CA,O=PyCert Samples,C=JP",
                                 NOW - timedelta(days=1), NOW + timedelta(days=900), ca=True, key_seed=7, serial=1000 + i)
        for i in range(count)
    )


def test_import_reads_and_opens_each_store_a_fixed_number_of_times_whatever_the_chain(mono_store, tmp_path, monkeypatch, capsys):
    """Linear, not quadratic: each store is read once before the import and once to verify
    (the issue's 1,000-certificate chain took 684 s when every certificate re-read its store)."""
    leaf = samples.obn_certificate("0110119153", 1185, NOW)
    path = tmp_path / "long.pfx"
    path.write_bytes(samples.make_pfx(leaf, "1234", chain=_chain(120)))
    monkeypatch.setenv("PW", "1234")
    reads, opens = [], []
    real_read, real_open = DotNetStores.read, DotNetStores._open
    monkeypatch.setattr(DotNetStores, "read", lambda self, store: reads.append(store) or real_read(self, store))
    monkeypatch.setattr(DotNetStores, "_open", lambda self, store, flags: opens.append(store) or real_open(self, store, flags))
    code = run(["import", str(path), "--password-env", "PW"])
    during = list(map(str, reads)), list(map(str, opens))
    assert code == 0, capsys.readouterr()
    assert len(_thumbprints(mono_store, CA)) == 120
    # My and CA: each read before the import and again to verify, and opened once to write
    # (a read opens its store too).
    assert sorted(during[0]) == ["CurrentUser\\CA"] * 2 + ["CurrentUser\\My"] * 2
    assert sorted(during[1]) == ["CurrentUser\\CA"] * 3 + ["CurrentUser\\My"] * 3


@pytest.fixture
def renewal_terminal(mono_store, tmp_path, monkeypatch):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    mono_store.add(old)
    staging = tmp_path / "Downloads"
    staging.mkdir()
    renewed = samples.obn_certificate("0110119153", 1185, NOW)
    chain = _chain(250)
    (staging / "renewed.pfx").write_bytes(samples.make_pfx(renewed, "1234", chain=chain))
    (staging / "renewed.txt").write_text("1234\n", encoding="utf-8")
    policy = tmp_path / "pycert.toml"
    policy.write_text(f'[profiles.obn]\nstaging_folders = ["{staging.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.setenv("PYCERT_STATE_DIR", str(tmp_path / "state"))
    return old, renewed, chain, policy


def _stop_after(monkeypatch, count, fault):
    """The store accepts `count` certificates, then the run stops (`fault`)."""
    real = DotNetStores._place
    seen = {"n": 0}

    def place(handle, placement, cert, present):
        seen["n"] += 1
        if seen["n"] > count:
            if fault == "killed":
                raise KeyboardInterrupt
            placement.status, placement.detail = "failed", "injected: the store refused it"
            return
        real(handle, placement, cert, present)

    monkeypatch.setattr(DotNetStores, "_place", staticmethod(place))


@pytest.mark.parametrize("fault", ["killed", "refused"])
def test_an_interrupted_renewal_import_is_finished_by_the_next_run(renewal_terminal, mono_store, monkeypatch, capsys, fault):
    old, renewed, chain, policy = renewal_terminal
    argv = ["--config", str(policy), "remediate", "expiry"]
    with monkeypatch.context() as m:
        _stop_after(m, 198, fault)  # the leaf and 197 of the 250 chain certificates
        code = run(argv)
    out, _ = capsys.readouterr()
    assert len(_thumbprints(mono_store, CA)) == 197
    last = out.strip().splitlines()[-1]
    assert not last.startswith("REMEDIATED"), last  # 53 certificates are missing
    assert code == (3 if fault == "killed" else 1) and last.startswith("FAILED expiry v1"), (code, last)

    assert run(argv) == 0, capsys.readouterr()
    out, _ = capsys.readouterr()
    assert out.strip().splitlines()[-1].startswith("REMEDIATED expiry v1")
    assert _thumbprints(mono_store, CA) == {c.thumbprint for c in chain}
    assert _thumbprints(mono_store, MY) == {renewed.thumbprint}
    # Finished: a further run changes nothing and has nothing pending.
    assert run(argv) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("COMPLIANT expiry v1")
