"""Walking DER: tag, length and content of one element. Pure; no decoding of values.

Used where `cryptography` gives no access to the raw bytes (the PKCS#12 layers in
pfx/structure.py, a certificate's issuer and subject Name encodings in signatures.py).
"""

from __future__ import annotations


class Truncated(Exception):
    """The element claims more bytes than there are."""


class Malformed(Exception):
    """Not DER: a multi-byte tag, or a length of more than four bytes."""


class Ber(Exception):
    """An indefinite length (BER, not DER)."""


def tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the element at `pos`."""
    if pos + 2 > end:
        raise Truncated
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if tag & 0x1F == 0x1F:
        raise Malformed
    if length == 0x80:
        raise Ber
    if length & 0x80:
        count = length & 0x7F
        if count > 4:
            raise Malformed
        if pos + count > end:
            raise Truncated
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise Truncated
    return tag, pos, pos + length


def children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """The elements inside a constructed element's content."""
    out, pos = [], start
    while pos < end:
        tag, s, e = tlv(data, pos, end)
        out.append((tag, s, e))
        pos = e
    return out
