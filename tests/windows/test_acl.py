"""platform/windows/acl.py on a real Windows: the backup folder's DACL is exactly the user,
SYSTEM and Administrators (protected, nothing inherited), for a new folder and for one that
existed with inherited rights; a file written inside inherits it (issue 16)."""

from __future__ import annotations

import subprocess


def sddl(path) -> str:
    out = subprocess.run(["powershell", "-NoProfile", "-Command", f"(Get-Acl -LiteralPath '{path}').Sddl"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def dacl(path) -> str:
    text = sddl(path)
    return text[text.index("D:"):]


def test_new_and_existing_folders_get_the_protected_dacl(tmp_path):
    from pycert.platform.windows import acl
    from pycert.platform.windows.environment import token_info

    sid = token_info().sid
    expected = f"D:PAI(A;OICI;FA;;;{sid})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
    new = tmp_path / "new"
    acl.private_folder(str(new), sid)
    assert dacl(new) in (expected, expected.replace("D:PAI", "D:P"))
    existing = tmp_path / "existing"
    existing.mkdir()
    assert "D:P" not in dacl(existing)  # inherits from the temp folder before
    acl.private_folder(str(existing), sid)
    assert dacl(existing) in (expected, expected.replace("D:PAI", "D:P"))
    from pycert.platform.private import write_private

    write_private(new / "x.pfx", b"pfx")
    file_dacl = dacl(new / "x.pfx")
    assert f"(A;ID;FA;;;{sid})" in file_dacl and "(A;ID;FA;;;SY)" in file_dacl and "(A;ID;FA;;;BA)" in file_dacl
    assert file_dacl.count("(A;") == 3
