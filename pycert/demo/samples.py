"""Realistic sample certificates, made with `cryptography`, for `pycert demo` and the tests.

Nothing here is trusted by anything outside a sandbox: the CA keys are generated on the
spot and thrown away. Every sample is signed by the key of the sample CA its issuer names
(ca_key_seed) unless told otherwise, so `sample_ca(issuer)` — a self-signed CA certificate
with that name and key — verifies it, as the real CA certificate verifies a real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

OBN_CA = "CN=Online Billing NW Common Root CA - G1,O=Cybertrust Japan Co.\\, Ltd.,C=JP"
OBN_LEAF = "CN={code},OU=medical,OU=hokkaido,O=ReceiptOnline,C=JP"
OBN_LIFETIME = timedelta(days=365 * 3 + 91)  # 3 years 3 months, near enough for samples
CA_KEY_SEED = 99  # the sample OBN CA's key


def ca_key_seed(issuer: str) -> int:
    """The key seed of the sample CA named `issuer`: each CA name has its own key, as each
    real CA (and each CA generation, `- G1` vs `- 01`) has."""
    import zlib

    if x509.Name.from_rfc4514_string(issuer) == x509.Name.from_rfc4514_string(OBN_CA):
        return CA_KEY_SEED
    return 200 + zlib.crc32(x509.Name.from_rfc4514_string(issuer).public_bytes()) % 1000


@lru_cache(maxsize=None)  # never evicted: a CA key must stay the one its certificates were signed with
def rsa_key(seed: int = 0, bits: int = 2048) -> rsa.RSAPrivateKey:
    """A key per seed, generated once per process (key generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@dataclass(frozen=True)
class Sample:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def thumbprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA1()).hex().upper()


def make_certificate(
    subject: "str | x509.Name",
    issuer: str,
    not_before: datetime,
    not_after: datetime,
    *,
    serial: int | None = None,
    key_seed: int = 0,
    issuer_key: rsa.RSAPrivateKey | None = None,
    client_auth: bool = True,
    ca: bool = False,
) -> Sample:
    key = rsa_key(key_seed)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject if isinstance(subject, x509.Name) else x509.Name.from_rfc4514_string(subject))
        .issuer_name(x509.Name.from_rfc4514_string(issuer))
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if client_auth and not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        ).add_extension(
            x509.KeyUsage(True, False, True, False, False, False, False, False, False),
            critical=True,
        )
    certificate = builder.sign(issuer_key or rsa_key(ca_key_seed(issuer)), hashes.SHA256())
    return Sample(certificate, key)


def obn_certificate(code: str, days_left: float, now: datetime, *, lifetime: timedelta = OBN_LIFETIME,
                    issuer: str = OBN_CA, key_seed: int = 0) -> Sample:
    """An OBN client certificate for medical-institution `code` with `days_left` to run."""
    not_after = now + timedelta(days=days_left)
    return make_certificate(
        OBN_LEAF.format(code=code), issuer, not_after - lifetime, not_after, key_seed=key_seed
    )


def obn_renewal(old: Sample, issued: datetime, *, key_seed: int = 5) -> Sample:
    """The certificate the CA issues when `old` is renewed at `issued` (in its last 90 days):
    same subject and issuer, a new key, valid 3 years 3 months from then."""
    subject = old.certificate.subject
    return make_certificate(subject, old.certificate.issuer.rfc4514_string(), issued, issued + OBN_LIFETIME,
                            key_seed=key_seed)


@lru_cache(maxsize=16)
def sample_ca(issuer: str = OBN_CA) -> Sample:
    """The self-signed CA certificate that verifies every sample issued under `issuer`'s name
    with the sample CA key: what a sandbox puts in its Root store. Cached, so one process
    always hands out the same certificate."""
    start = datetime(2015, 1, 1, tzinfo=timezone.utc)
    seed = ca_key_seed(issuer)
    return make_certificate(issuer, issuer, start, start + timedelta(days=365 * 30), key_seed=seed,
                            issuer_key=rsa_key(seed), ca=True)


def look_alike(code: str, days_left: float, now: datetime, *, key_seed: int = 66) -> Sample:
    """An attacker's copy of an OBN certificate: the same subject and issuer *names*, signed
    by the attacker's own key (self-signed in all but name)."""
    not_after = now + timedelta(days=days_left)
    return make_certificate(OBN_LEAF.format(code=code), OBN_CA, not_after - OBN_LIFETIME, not_after,
                            key_seed=key_seed, issuer_key=rsa_key(key_seed))


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)



def make_pfx(
    leaf: Sample,
    password: str | None,
    *,
    aes: bool = False,
    iterations: int = 2048,
    chain: tuple[Sample, ...] = (),
    key=None,
) -> bytes:
    """A PFX the way Windows exports one: 3DES-SHA1 (the default, and all Mono can read)
    or AES-256-SHA256 with `aes`; `key` pairs the leaf with a foreign key (for mismatch tests)."""
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    if password is None:
        encryption = serialization.NoEncryption()
    else:
        scheme = pkcs12.PBES.PBESv2SHA256AndAES256CBC if aes else pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC
        encryption = (
            PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(iterations)
            .key_cert_algorithm(scheme)
            .hmac_hash(hashes.SHA256() if aes else hashes.SHA1())
            .build(password.encode())
        )
    if key is not None:  # cryptography refuses a mismatched pair, so carry the leaf as a CA cert
        return pkcs12.serialize_key_and_certificates(
            b"pycert-sample", key, None, [leaf.certificate, *(c.certificate for c in chain)], encryption
        )
    return pkcs12.serialize_key_and_certificates(
        b"pycert-sample", leaf.key, leaf.certificate, [c.certificate for c in chain] or None, encryption
    )


def obn_chain(now: datetime) -> tuple[Sample, Sample]:
    """A self-signed root and an intermediate that issues OBN certificates (key seeds 90/91)."""
    root_name = "CN=Sample Root CA,O=PyCert Samples,C=JP"
    root = make_certificate(root_name, root_name, now - timedelta(days=3650), now + timedelta(days=3650),
                            key_seed=90, issuer_key=rsa_key(90), ca=True)
    inter = make_certificate(OBN_CA, root_name, now - timedelta(days=1000), now + timedelta(days=3000),
                             key_seed=99, issuer_key=rsa_key(90), ca=True)
    return root, inter
