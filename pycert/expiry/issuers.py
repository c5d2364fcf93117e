"""The signature checks behind the issuer rule (expiry/trust.py): for each certificate, the
CA certificate whose public key verifies its signature, and that key's SHA-256.

Candidates are picked by name (the certificate's issuer = the CA certificate's subject, as
DER) and only a verified signature decides. They come from
- the terminal's Root and CA stores, read lazily: a store is read only while some
  certificate's signer is still unknown, and at most once per lookup, so a terminal whose
  CA certificate sits in CurrentUser\\Root never pays for reading LocalMachine\\Root;
- the PFX being imported: such a CA certificate counts only when the profile pins its key
  or when its key verifies a certificate already installed for the profile (it is then
  the CA that issued the certificate a renewal replaces). A PFX cannot bring its own trust.
"""

from __future__ import annotations

from typing import Collection, Iterable, Sequence

from pycert.common import signatures
from pycert.common.model import CertificateInfo, StoreReading, StoreRef
from pycert.common.stores import StoreReader
from pycert.expiry.trust import IssuerTrust

# Most likely first: the import wizard puts the CA into CurrentUser\Root.
ISSUER_STORES = tuple(
    StoreRef.parse(s) for s in ("CurrentUser\\Root", "CurrentUser\\CA", "LocalMachine\\Root", "LocalMachine\\CA")
)


class CandidateIndex:
    """CA certificates (DER) by their subject (DER Name)."""

    def __init__(self, ders: Iterable[bytes] = ()):
        self._by_subject: dict[bytes, list[bytes]] = {}
        self.add(ders)

    def add(self, ders: Iterable[bytes]) -> None:
        for der in ders:
            found = signatures.names(der) if der else None
            if found is not None and der not in self._by_subject.get(found[0], []):
                self._by_subject.setdefault(found[0], []).append(der)

    def signer(self, cert_der: bytes) -> str | None:
        """SHA-256 of the key of a candidate that verifies `cert_der`'s signature, or None."""
        found = signatures.names(cert_der)
        if found is None:
            return None
        for ca in self._by_subject.get(found[1], ()):
            if signatures.issued_by(cert_der, ca):
                return signatures.spki_sha256(ca)
        return None


class IssuerLookup:
    """The terminal's Root and CA stores as signature candidates, read as needed."""

    def __init__(self, stores: StoreReader, readings: Iterable[StoreReading] = ()):
        self._stores = stores
        self._index = CandidateIndex()
        self._pending = list(ISSUER_STORES)
        self.seen(readings)

    def seen(self, readings: Iterable[StoreReading]) -> None:
        """Stores the caller has read anyway (a profile may watch a CA store): not read again."""
        for reading in readings:
            self._take(reading)

    def _take(self, reading: StoreReading) -> None:
        if reading.store in self._pending:
            self._pending.remove(reading.store)
            self._index.add(c.der for c in reading.certificates)

    def signers(self, certificates: Iterable[CertificateInfo], extra: CandidateIndex | None = None) -> dict[str, str]:
        """thumbprint -> signer key SHA-256, for each certificate whose signature a
        candidate verifies (the stores' CA certificates, and `extra`)."""
        found: dict[str, str] = {}
        todo = [c for c in certificates if c.der]
        while todo:
            still = []
            for cert in todo:
                key = self._index.signer(cert.der) or (extra.signer(cert.der) if extra else None)
                if key is None:
                    still.append(cert)
                else:
                    found[cert.thumbprint] = key
            if not still or not self._pending:
                break
            self._take(self._stores.read_many([self._pending[0]])[0])
            todo = still
        return found


def profile_trust(
    lookup: IssuerLookup,
    pins: Collection[str],
    installed: Sequence[CertificateInfo],
    incoming: Sequence[CertificateInfo] = (),
    pfx_cas: Sequence[bytes] = (),
) -> IssuerTrust:
    """The IssuerTrust of one profile: the signers of its installed certificates (found in
    the stores, or else by a CA certificate from the PFX), then of the certificates an
    import brings (`incoming`), which may use only the PFX's CA certificates that count."""
    from_pfx = CandidateIndex(pfx_cas)
    signers = lookup.signers(installed)
    signers.update(lookup.signers([c for c in installed if c.thumbprint not in signers], from_pfx))
    trusted = set(signers.values()) | set(pins)
    counted = CandidateIndex(der for der in pfx_cas if signatures.spki_sha256(der) in trusted)
    signers.update(lookup.signers([c for c in incoming if c.thumbprint not in signers], counted))
    return IssuerTrust(signers, frozenset(pins))
