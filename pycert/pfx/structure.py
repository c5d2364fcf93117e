"""The outer layers of a PKCS#12 file (RFC 7292), read without decrypting anything.

Why a small DER walk of our own: `cryptography` decrypts a PKCS#12 but says nothing about
how it was protected, and it reports a wrong password and a damaged file with the same
error. The walk below reads only the outer PKCS#12 layers: the encryption algorithm and
PBKDF iteration count of each encrypted part, and the MAC. Checking the MAC with the
password (PKCS#12 key derivation, RFC 7292 appendix B) tells "wrong password" from
"damaged" before anything is decrypted. A file this walk cannot follow (BER indefinite
lengths, from some Java tools) is still handed to `cryptography`; only the protection
details are then reported as unknown.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from pycert.common import der
from pycert.common.errors import UsageError
from pycert.common.secret import Secret


OID_DATA = "1.2.840.113549.1.7.1"


OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"


OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"


OID_PBES2 = "1.2.840.113549.1.5.13"


OID_PBKDF2 = "1.2.840.113549.1.5.12"


PBES1 = {
    "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4",
    "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4",
    "1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC",
    "1.2.840.113549.1.12.1.4": "pbeWithSHAAnd2-KeyTripleDES-CBC",
    "1.2.840.113549.1.12.1.5": "pbeWithSHAAnd128BitRC2-CBC",
    "1.2.840.113549.1.12.1.6": "pbewithSHAAnd40BitRC2-CBC",
}


CIPHERS = {
    "2.16.840.1.101.3.4.1.2": "AES-128-CBC",
    "2.16.840.1.101.3.4.1.22": "AES-192-CBC",
    "2.16.840.1.101.3.4.1.42": "AES-256-CBC",
    "1.2.840.113549.3.7": "DES-EDE3-CBC",
}


PRFS = {
    "1.2.840.113549.2.7": "hmacWithSHA1",
    "1.2.840.113549.2.9": "hmacWithSHA256",
    "1.2.840.113549.2.10": "hmacWithSHA384",
    "1.2.840.113549.2.11": "hmacWithSHA512",
}


DIGESTS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}


LEGACY = ("RC2", "RC4", "2-Key")


class PfxError(UsageError):
    """A PFX that cannot be used; `kind` names which check failed (for tests and JSON)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Protection:
    part: str  # "certificates" | "private key" | "mac"
    scheme: str  # e.g. "PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC)" or "pbeWithSHAAnd3-KeyTripleDES-CBC"
    iterations: int | None

    @property
    def aes(self) -> bool:
        return "AES" in self.scheme

    @property
    def legacy(self) -> bool:
        return any(word in self.scheme for word in LEGACY)


@dataclass
class Structure:
    protections: list[Protection] = field(default_factory=list)
    mac: "_Mac | None" = None
    readable: bool = True  # False when the walk could not follow the encoding (BER)


@dataclass(frozen=True)
class _Mac:
    digest: str
    salt: bytes
    iterations: int
    content: bytes  # the authSafe octets the MAC covers
    value: bytes


# DER walking lives in common/der.py; the short names keep this module readable.
_Truncated, _Malformed, _Ber = der.Truncated, der.Malformed, der.Ber
_tlv, _children = der.tlv, der.children


def _oid(data: bytes, element: tuple[int, int, int]) -> str:
    tag, s, e = element
    if tag != 0x06 or e == s:
        raise _Malformed
    raw = data[s:e]
    first = raw[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _int(data: bytes, element: tuple[int, int, int]) -> int:
    tag, s, e = element
    if tag != 0x02 or e == s:
        raise _Malformed
    return int.from_bytes(data[s:e], "big", signed=True)


def _expect(element: tuple[int, int, int], tag: int) -> tuple[int, int, int]:
    if element[0] != tag:
        raise _Malformed
    return element


def _algorithm(data: bytes, element, part: str) -> Protection:
    """An AlgorithmIdentifier of a password-based encryption scheme."""
    alg = _children(data, element[1], element[2])
    oid = _oid(data, alg[0])
    if oid in PBES1:
        params = _children(data, alg[1][1], alg[1][2])
        return Protection(part, PBES1[oid], _int(data, params[1]))
    if oid == OID_PBES2:
        kdf, cipher = _children(data, alg[1][1], alg[1][2])[:2]
        kdf_parts = _children(data, kdf[1], kdf[2])
        if _oid(data, kdf_parts[0]) != OID_PBKDF2:
            return Protection(part, f"PBES2 (KDF {_oid(data, kdf_parts[0])})", None)
        pbkdf2 = _children(data, kdf_parts[1][1], kdf_parts[1][2])
        iterations = _int(data, pbkdf2[1])
        prf = "hmacWithSHA1"
        for item in pbkdf2[2:]:
            if item[0] == 0x30:
                prf_oid = _oid(data, _children(data, item[1], item[2])[0])
                prf = PRFS.get(prf_oid, prf_oid)
        cipher_oid = _oid(data, _children(data, cipher[1], cipher[2])[0])
        return Protection(part, f"PBES2 (PBKDF2 {prf}, {CIPHERS.get(cipher_oid, cipher_oid)})", iterations)
    return Protection(part, f"unknown ({oid})", None)


def read_structure(data: bytes) -> Structure:
    """Walk PFX -> authSafe -> ContentInfos -> bags. Raises PfxError for not-PKCS#12 / truncated."""
    if not data.startswith(b"\x30"):
        raise _not_pkcs12(data)
    try:
        _, s, e = _tlv(data, 0, len(data))
    except _Truncated:
        raise _truncated() from None
    except _Ber:
        return Structure(readable=False)
    except _Malformed:
        raise _not_pkcs12(data) from None
    try:
        top = _children(data, s, e)
        if len(top) < 2 or _int(data, top[0]) != 3 or top[1][0] != 0x30:
            raise _Malformed
    except (_Malformed, _Truncated):
        raise _not_pkcs12(data) from None
    except _Ber:
        return Structure(readable=False)
    try:
        return _walk(data, top)
    except _Ber:
        return Structure(readable=False)
    except (_Malformed, _Truncated, IndexError, ValueError):
        raise PfxError("corrupt", "{path} is damaged: its PKCS#12 structure is broken; download or export it again.") from None


def _walk(data: bytes, top) -> Structure:
    structure = Structure()
    auth_safe = _children(data, top[1][1], top[1][2])
    if _oid(data, auth_safe[0]) != OID_DATA:
        structure.protections.append(Protection("certificates", "public-key integrity (not password based)", None))
        return structure
    explicit = _expect(auth_safe[1], 0xA0)
    octets = _expect(_tlv(data, explicit[1], explicit[2]), 0x04)
    content = data[octets[1] : octets[2]]
    seq = _expect(_tlv(data, octets[1], octets[2]), 0x30)
    for info in _children(data, seq[1], seq[2]):
        parts = _children(data, info[1], info[2])
        kind = _oid(data, parts[0])
        body = _tlv(data, parts[1][1], parts[1][2])
        if kind == OID_ENCRYPTED_DATA:
            encrypted = _children(data, body[1], body[2])  # version, EncryptedContentInfo
            eci = _children(data, encrypted[1][1], encrypted[1][2])
            structure.protections.append(_algorithm(data, eci[1], "certificates"))
        elif kind == OID_DATA:
            bags = _expect(_tlv(data, body[1], body[2]), 0x30)
            for bag in _children(data, bags[1], bags[2]):
                bag_parts = _children(data, bag[1], bag[2])
                if _oid(data, bag_parts[0]) == OID_SHROUDED_KEY_BAG:
                    epki = _tlv(data, bag_parts[1][1], bag_parts[1][2])
                    alg = _children(data, epki[1], epki[2])[0]
                    structure.protections.append(_algorithm(data, alg, "private key"))
    if len(top) > 2:
        mac_data = _children(data, top[2][1], top[2][2])
        digest_info = _children(data, mac_data[0][1], mac_data[0][2])
        digest_oid = _oid(data, _children(data, digest_info[0][1], digest_info[0][2])[0])
        value = data[digest_info[1][1] : digest_info[1][2]]
        salt = data[mac_data[1][1] : mac_data[1][2]]
        iterations = _int(data, mac_data[2]) if len(mac_data) > 2 else 1
        digest = DIGESTS.get(digest_oid, digest_oid)
        structure.protections.append(Protection("mac", f"HMAC-{digest.upper()}", iterations))
        if digest in DIGESTS.values():
            structure.mac = _Mac(digest, salt, iterations, content, value)
    return structure


def _pkcs12_kdf(digest: str, password: bytes, salt: bytes, purpose: int, iterations: int, size: int) -> bytes:
    """RFC 7292 appendix B.2 key derivation (the MAC key is purpose 3)."""
    h = hashlib.new(digest)
    u, v = h.digest_size, h.block_size
    d = bytes([purpose]) * v

    def fill(b: bytes) -> bytes:  # repeat to a whole number of v-byte blocks
        if not b:
            return b""
        n = v * ((len(b) + v - 1) // v)
        return (b * (n // len(b) + 1))[:n]

    i = bytearray(fill(salt) + fill(password))
    out = b""
    while len(out) < size:
        a = hashlib.new(digest, d + bytes(i)).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(digest, a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], "big")
        for j in range(0, len(i), v):
            block = (int.from_bytes(i[j : j + v], "big") + b + 1) % (1 << (8 * v))
            i[j : j + v] = block.to_bytes(v, "big")
    return out[:size]


def password_variants(password: Secret | None) -> list[bytes | None]:
    """What to try: the password; for none/empty both encodings producers use for 'no password'."""
    if password is None or password.is_empty:
        return [None, b""]
    return [password.as_bytes()]


def mac_matches(mac: _Mac, password: bytes | None) -> bool:
    bmp = b"" if password is None else password.decode("utf-8").encode("utf-16-be") + b"\x00\x00"
    key = _pkcs12_kdf(mac.digest, bmp, mac.salt, 3, mac.iterations, hashlib.new(mac.digest).digest_size)
    return hmac.compare_digest(hmac.new(key, mac.content, mac.digest).digest(), mac.value)


def _truncated() -> PfxError:
    return PfxError("truncated", "{path} is truncated (the file ends before its PKCS#12 data does); download or copy it again.")


def _not_pkcs12(data: bytes) -> PfxError:
    if data.lstrip().startswith(b"-----BEGIN"):
        return PfxError("not-pkcs12", "{path} is PEM text, not a PKCS#12 (.pfx/.p12) file; give the PFX that holds both the certificate and its key.")
    return PfxError("not-pkcs12", "{path} is not a PKCS#12 (.pfx/.p12) file; give the PFX that holds the certificate and its key.")
