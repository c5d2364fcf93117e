"""Read and validate a PFX/P12 file with `cryptography`, without touching any store: one
leaf with its matching private key plus its chain, as CertificateInfo; and what
`pfx inspect` judges about it. How the file is protected comes from structure.py."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pycert.common.dates import days_left
from pycert.pfx import rules
from pycert.common.files import read_bounded
from pycert.common.model import CertificateInfo, KeyPresence, StoreRef
from pycert.common.secret import Secret
from pycert.pfx.structure import PfxError, Structure, mac_matches, password_variants, read_structure

MAX_PFX_BYTES = 1024 * 1024
WINDOWS_MAX_ITERATIONS = 600_000
ABSURD_ITERATIONS = 10_000_000  # refuse: deriving the key would take minutes


# -- protection: what the file says about its own encryption ---------------------------


# -- the password check -----------------------------------------------------------


# -- the contents -------------------------------------------------------------------

@dataclass
class ChainEntry:
    info: CertificateInfo
    role: str  # "intermediate" | "root" | "other"
    der: bytes


@dataclass
class PfxContents:
    path: str
    size: int
    leaf: CertificateInfo
    leaf_der: bytes
    chain: list[ChainEntry]
    structure: Structure
    data: bytes  # the file, for the platform import
    password_protected: bool = False  # opened with a password it needs (see _needs_password)

    @property
    def max_iterations(self) -> int | None:
        counts = [p.iterations for p in self.structure.protections if p.iterations is not None]
        return max(counts) if counts else None


def read_file(path: Path) -> bytes:
    data = read_bounded(
        path, MAX_PFX_BYTES, "The PFX file",
        "larger than 1 MiB, far more than any client-certificate PFX; check that this is the right file", PfxError,
    )
    if not data:
        raise PfxError("empty", f"{path} is empty (0 bytes); the download or copy did not finish, so fetch the PFX again.")
    return data


def load(path: Path, password: Secret | None, hint: str = rules.ANY_PASSWORD_HINT) -> PfxContents:
    """Open and validate a PFX: one leaf with its matching private key, plus its chain.
    `hint` ends a wrong-password sentence: where this family's password comes from
    (rules.password_hint of the profiles it may belong to)."""
    data = read_file(path)
    try:
        with warnings.catch_warnings():
            # cryptography's "parsed as BER" / "negative serial" notes are not the admin's business
            warnings.simplefilter("ignore")
            return _load(path, data, password)
    except PfxError as exc:
        exc.message = exc.message.replace("{path}", str(path)).replace("{hint}", hint)
        exc.args = (exc.message,)
        raise


def _load(path: Path, data: bytes, password: Secret | None) -> PfxContents:
    from cryptography.hazmat.primitives.serialization import pkcs12

    structure = read_structure(data)
    for p in structure.protections:
        if p.iterations is not None and p.iterations > ABSURD_ITERATIONS:
            raise PfxError("iterations", f"{{path}} asks for {p.iterations:,} key-derivation iterations for its {p.part}, which no Windows accepts; export it again with the default settings.")
    variants = password_variants(password)
    mac_ok = None
    if structure.mac is not None:
        good = [v for v in variants if mac_matches(structure.mac, v)]
        if not good:
            raise _wrong_password(password)
        variants, mac_ok = good, True
    loaded, failure, used = None, None, None
    for variant in variants:
        try:
            loaded, used = pkcs12.load_pkcs12(data, variant), variant
            break
        except Exception as exc:  # cryptography raises ValueError or UnsupportedAlgorithm
            failure = exc
    if loaded is None:
        legacy = [p.scheme for p in structure.protections if p.legacy]
        if legacy:
            raise PfxError("unsupported", f"{{path}} is encrypted with {legacy[0]}, which is obsolete and cannot be read; export it again with AES-256 or 3DES.")
        if mac_ok:
            raise PfxError("corrupt", "{path} is damaged or holds a key type PyCert cannot read: the password is right but the contents cannot be decoded; export it again.")
        if "password" in str(failure).lower() and structure.readable:
            raise _wrong_password(password)
        raise PfxError("corrupt", "{path} could not be read as PKCS#12 (wrong password or a damaged file); check the password, then fetch the file again.")
    contents = _contents(path, data, structure, loaded)
    contents.password_protected = _needs_password(data, structure, used)
    return contents


def _needs_password(data: bytes, structure: Structure, used: bytes | None) -> bool:
    """Whether the file is protected by a (non-empty) password: opened with one, and its
    MAC or encryption actually depends on it. A file with neither would open with any
    password a sidecar file names, so the password that opened it proves nothing."""
    if not used:
        return False
    if not structure.readable:  # a BER file: ask cryptography whether it opens without
        from cryptography.hazmat.primitives.serialization import pkcs12

        try:
            pkcs12.load_pkcs12(data, None)
        except Exception:  # ValueError / UnsupportedAlgorithm: it needs the password
            return True
        return False
    return structure.mac is not None or any(p.part != "mac" for p in structure.protections)


def _contents(path: Path, data: bytes, structure: Structure, loaded) -> PfxContents:
    from cryptography.hazmat.primitives import serialization

    key = loaded.key
    certs = ([loaded.cert.certificate] if loaded.cert else []) + [c.certificate for c in loaded.additional_certs]
    if key is None and not certs:
        raise PfxError("empty-pfx", "{path} holds neither a certificate nor a private key; it is not a client-certificate PFX.")
    if key is None:
        raise PfxError("no-key", "{path} holds certificates but no private key, so it cannot be used to log in; export the certificate again with its private key.")
    if not certs:
        raise PfxError("no-certificate", "{path} holds a private key but no certificate; export the certificate together with its key.")
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def key_of(cert) -> bytes:
        return cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    leaves = [c for c in certs if key_of(c) == public]
    if not leaves:
        raise PfxError("key-mismatch", "{path}'s private key does not belong to its certificate; the file was assembled wrongly, so export it again from the original.")
    leaf = leaves[0]
    chain = []
    seen = {leaf.fingerprint(_sha1())}
    for cert in certs:
        if cert.fingerprint(_sha1()) in seen:
            continue
        seen.add(cert.fingerprint(_sha1()))
        info = certificate_info(cert)
        chain.append(ChainEntry(info, rules.chain_role(info, _is_ca(cert)), cert.public_bytes(serialization.Encoding.DER)))
    return PfxContents(
        str(path), len(data), certificate_info(leaf, key=KeyPresence.YES),
        leaf.public_bytes(serialization.Encoding.DER), chain, structure, data,
    )


def _sha1():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA1()


def _is_ca(cert) -> bool:
    from cryptography import x509

    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return cert.subject == cert.issuer
    except ValueError:  # an undecodable extension: judge by the names only
        return cert.subject == cert.issuer


def _wrong_password(password: Secret | None) -> PfxError:
    if password is None or password.is_empty:
        return PfxError("password", "{path} is protected by a password; give it with --password-env, --password-stdin or --password-file.")
    return PfxError("password", f"The password from {password.source} is wrong for {{path}} (or the file was altered after export); check it: {{hint}}.")


# -- certificates as the rest of PyCert sees them -----------------------------------------

_SHORT_NAMES = {
    "2.5.4.3": "CN", "2.5.4.11": "OU", "2.5.4.10": "O", "2.5.4.6": "C", "2.5.4.7": "L",
    "2.5.4.8": "S", "2.5.4.9": "STREET", "2.5.4.5": "SERIALNUMBER", "2.5.4.12": "T",
    "2.5.4.42": "G", "2.5.4.4": "SN", "2.5.4.43": "I", "0.9.2342.19200300.100.1.25": "DC",
    "1.2.840.113549.1.9.1": "E",
}
_NEEDS_QUOTES = set(',+="\n<>#;')


def dotnet_name(name) -> str:
    """A DN the way .NET's X509Certificate2.Subject shows it: most specific RDN first, ", "."""
    parts = []
    for rdn in reversed(list(name.rdns)):
        values = []
        for attribute in rdn:
            oid = attribute.oid.dotted_string
            label = _SHORT_NAMES.get(oid, f"OID.{oid}")
            value = attribute.value if isinstance(attribute.value, str) else attribute.value.hex()
            if value != value.strip() or any(ch in _NEEDS_QUOTES for ch in value):
                value = '"' + value.replace('"', '""') + '"'
            values.append(f"{label}={value}")
        parts.append(" + ".join(values))
    return ", ".join(parts)


def certificate_info(cert, store: StoreRef | None = None, key: KeyPresence = KeyPresence.NO) -> CertificateInfo:
    """A CertificateInfo from a cryptography certificate, shaped like the store backends' ones."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    serial = cert.serial_number
    length = max(1, (serial.bit_length() + 8) // 8)  # DER INTEGER: room for the sign bit
    ekus: tuple[str, ...] = ()
    try:
        ekus = tuple(o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except (x509.ExtensionNotFound, ValueError):
        pass
    return CertificateInfo(
        store=store or StoreRef("", ""),
        subject=dotnet_name(cert.subject),
        issuer=dotnet_name(cert.issuer),
        thumbprint=cert.fingerprint(_sha1()).hex().upper(),
        serial=serial.to_bytes(length, "big", signed=serial < 0).hex().upper(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        has_private_key=key,
        ekus=ekus,
        sha256=hashlib.sha256(der).hexdigest().upper(),
        der=der,
    )


# -- inspect --------------------------------------------------------------------------

@dataclass
class Inspection:
    contents: PfxContents
    profile: str | None
    days_left: int
    lifetime_months: int
    warnings: list[str]
    expired: bool = False  # now >= notAfter: also on the expiry day itself, when days_left is still 0


def inspect(contents: PfxContents, profiles: dict, now: datetime, profile: str | None = None) -> Inspection:
    """Which profile the leaf belongs to, and what a Windows admin should be warned about.

    `profiles` maps names to config.Profile; with `profile`, only that one is considered.
    """
    leaf = contents.leaf
    candidates = {profile: profiles[profile]} if profile else profiles
    matched = next((name for name, p in candidates.items() if p.match.matches(leaf)), None)
    lifetime = rules.lifetime_months(leaf.not_before, leaf.not_after)
    warnings = rules.pfx_warnings(
        leaf,
        now,
        aes=any(p.aes for p in contents.structure.protections),
        max_iterations=contents.max_iterations,
        windows_max_iterations=WINDOWS_MAX_ITERATIONS,
        profile=matched,
        expected_lifetime_months=profiles[matched].expected_lifetime_months if matched else None,
        asked_profile=profile,
    )
    if not contents.structure.readable:
        warnings.append("The file uses BER encoding; its encryption scheme and iteration count could not be read.")
    return Inspection(contents, matched, days_left(leaf.not_after, now), lifetime, warnings, now >= leaf.not_after)
