"""platform/windows/wintrust.py: WinVerifyTrust on a file with an embedded Authenticode
signature (the python.exe the runner runs, signed by the Python Software Foundation), and
on a tampered copy. No UI, no network wait (cache-only URL retrieval)."""

from __future__ import annotations

import shutil
import sys
import time


def test_a_signed_file_verifies_and_a_tampered_copy_does_not(tmp_path):
    from pycert.platform.windows import wintrust

    good = wintrust.verify(sys.executable)
    assert good.valid and good.reason == "ok" and "Python Software Foundation" in good.subject
    tampered = tmp_path / "python.exe"
    shutil.copyfile(sys.executable, tampered)
    data = bytearray(tampered.read_bytes())
    data[0x400] ^= 0xFF  # a byte inside the signed image (after the headers)
    tampered.write_bytes(bytes(data))
    started = time.monotonic()
    bad = wintrust.verify(tampered)
    assert not bad.valid and bad.reason == "the file was changed after it was signed"
    assert time.monotonic() - started < 10
