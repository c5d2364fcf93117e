"""The issuer rule: which certificate may count as another's renewal. Trust by key, never
by name. Pure: the signature checks have already been made (expiry/issuers.py); their
results come in as `IssuerTrust.signers`.

A certificate's *signer* is the SHA-256 of the public key (SubjectPublicKeyInfo) of the CA
certificate whose key verifies its signature. It is known ("issuer verified") only when
such a CA certificate was found: in the terminal's Root/CA stores, or in the PFX being
imported when that CA certificate is itself trusted by this rule.

The rule: certificate S may replace certificate O (supersede it, be imported as its
renewal, be the reason it is removed) only if S's signer is known and is either
- O's signer: the same CA key that issued the certificate it replaces, or
- pinned by the profile (`trusted_issuers`): an administrator's word for a new CA
  generation.
A certificate whose signer is unknown is still judged for expiry, but replaces nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Mapping

from pycert.common.model import CertificateInfo


@dataclass(frozen=True)
class IssuerTrust:
    """What the signature checks established for one profile's certificates."""

    signers: Mapping[str, str] = field(default_factory=dict)  # thumbprint -> signer key SHA-256
    pins: Collection[str] = frozenset()  # the profile's trusted_issuers (upper-case hex)

    def signer(self, cert: CertificateInfo) -> str | None:
        return self.signers.get(cert.thumbprint)

    def verified(self, cert: CertificateInfo) -> bool:
        return self.signer(cert) is not None

    def pinned(self, cert: CertificateInfo) -> bool:
        return self.signer(cert) in self.pins

    def may_replace(self, successor: CertificateInfo, old: CertificateInfo) -> bool:
        """The issuer rule (module docstring): same CA key as `old`'s, or a pinned one."""
        key = self.signer(successor)
        return key is not None and (key in self.pins or key == self.signer(old))


NOTHING_VERIFIED = IssuerTrust()
