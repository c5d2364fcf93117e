"""The PyCert icon (.ico with 16x16 and 32x32 images), drawn in code so the repository holds no
binary asset: a blue tile with a white certificate and a red seal."""

from __future__ import annotations

import struct

BLUE = (0x1F, 0x5F, 0xA8, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
GREY = (0x9A, 0xA5, 0xB1, 0xFF)
RED = (0xC8, 0x2A, 0x2A, 0xFF)


def _pixel(x: float, y: float) -> tuple[int, int, int, int]:
    """Colour at (x, y) in a unit square, y downwards."""
    if 0.62 <= x <= 0.9 and 0.58 <= y <= 0.86 and (x - 0.76) ** 2 + (y - 0.72) ** 2 <= 0.14**2:
        return RED
    if 0.14 <= x <= 0.86 and 0.2 <= y <= 0.8:
        if 0.24 <= x <= 0.62 and any(abs(y - line) < 0.03 for line in (0.34, 0.46, 0.58)):
            return GREY
        return WHITE
    return BLUE


def _image(size: int) -> bytes:
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for row in range(size - 1, -1, -1):  # bottom-up
        line = bytearray()
        for col in range(size):
            r, g, b, a = _pixel((col + 0.5) / size, (row + 0.5) / size)
            line += bytes((b, g, r, a))
        rows.append(bytes(line))
    mask_row = b"\0" * (((size + 31) // 32) * 4)
    return header + b"".join(rows) + mask_row * size


def icon_bytes(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    images = [_image(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in zip(sizes, images):
        out += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(images)
