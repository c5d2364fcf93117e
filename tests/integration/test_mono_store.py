"""The store path against the real Mono X509Store (no fake stands in)."""

from datetime import timedelta

from pycert.common.model import KeyPresence, StoreRef
from pycert.demo.samples import make_certificate, obn_certificate, utc_now


def test_reads_back_what_was_added_with_utc_times(mono_store):
    now = utc_now()
    sample = obn_certificate("0110119153", 45, now)
    mono_store.add(sample)
    reading = mono_store.backend.read(StoreRef("CurrentUser", "My"))
    assert reading.status == "ok"
    [cert] = reading.certificates
    assert cert.thumbprint == sample.thumbprint
    assert cert.subject == "CN=0110119153, OU=medical, OU=hokkaido, O=ReceiptOnline, C=JP"
    assert cert.issuer.startswith("CN=Online Billing NW Common Root CA - G1")
    assert cert.not_after == sample.certificate.not_valid_after_utc
    assert cert.not_before == sample.certificate.not_valid_before_utc
    assert cert.serial == format(sample.certificate.serial_number, "X").zfill(len(cert.serial))
    assert cert.ekus == ("1.3.6.1.5.5.7.3.2",)
    assert cert.key_usages == ("digitalSignature", "keyEncipherment")
    # Mono never keeps keys in its stores, so it cannot know: never a guessed "no".
    assert cert.has_private_key is KeyPresence.UNKNOWN


def test_missing_store_is_absent_not_fatal(mono_store):
    reading = mono_store.backend.read(StoreRef("CurrentUser", "TrustedPeople"))
    assert reading.status == "absent"
    assert reading.certificates == ()


def test_store_sees_removals_between_reads(mono_store):
    now = utc_now()
    a = obn_certificate("0110119153", 45, now)
    b = make_certificate("CN=other", "CN=Other CA", now - timedelta(days=1), now + timedelta(days=5), key_seed=1)
    mono_store.add(a)
    mono_store.add(b)
    my = StoreRef("CurrentUser", "My")
    assert {c.thumbprint for c in mono_store.backend.read(my).certificates} == {a.thumbprint, b.thumbprint}
    assert mono_store.backend.remove(my, a.thumbprint) is True
    assert mono_store.backend.remove(my, a.thumbprint) is False
    assert [c.thumbprint for c in mono_store.backend.read(my).certificates] == [b.thumbprint]
