"""An IssuerTrust for tests that build CertificateInfo by hand (no DER to verify)."""

from pycert.expiry.trust import IssuerTrust


def trust_of(certs, pins=()):
    """What the signature checks would find if each issuer name's CA had its own key:
    every certificate verified, signed by the key of the CA its issuer names."""
    return IssuerTrust({c.thumbprint: key_of(c.issuer) for c in certs}, frozenset(pins))


def key_of(issuer: str) -> str:
    return f"KEY OF {issuer}"


def with_der(cert, ca: str | None = None, ca_key_seed: int | None = None):
    """`cert` (built by hand) with a real DER signed by a sample CA key, so the issuer
    lookup verifies it for real: by default the sample OBN CA (samples.sample_ca())."""
    from dataclasses import replace

    from pycert.demo import samples

    seed = samples.CA_KEY_SEED if ca_key_seed is None else ca_key_seed
    sample = samples.make_certificate(
        "CN=" + (cert.thumbprint or "x"), ca or samples.OBN_CA, cert.not_before, cert.not_after,
        issuer_key=samples.rsa_key(seed),
    )
    return replace(cert, der=sample.der)


def sample_ca_info(store="CurrentUser\\Root", issuer: str | None = None):
    """The sample CA certificate as a store backend would report it, in `store`."""
    from pycert.common.model import StoreRef
    from pycert.demo import samples
    from pycert.pfx.reader import certificate_info

    return certificate_info(samples.sample_ca(issuer or samples.OBN_CA).certificate, StoreRef.parse(store))
