"""The PowerShell an admin copies from docs/ja/result-folder.md (creating the result share)
parses, and sets exactly the rights the page's table names (by SID, so a Japanese Windows
Server's group names do not matter). No PowerShell runs here: Windows acceptance W-RES-1."""

from __future__ import annotations

import re

from tests.powershell import pwsh

PAGE = pwsh.ROOT / "docs" / "ja" / "result-folder.md"


def blocks() -> list[str]:
    return re.findall(r"```powershell\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_share_commands_parse():
    (script,) = blocks()
    assert not pwsh.parser().parse(script.encode("utf-8")).root_node.has_error


def test_the_share_commands_grant_what_the_table_says():
    (script,) = blocks()
    grants = re.findall(r"^icacls \$path (.*?)(?:\s+#.*)?$", script, re.M)
    assert grants == [
        "/inheritance:r",
        "/grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F'",  # Administrators, SYSTEM: full, inherited
        '/grant:r "*$($domainSid)-515:(WD)" "*$($domainSid)-513:(WD)"',  # computers, users: create files, this folder only
        "/grant:r '*S-1-3-0:(OI)(IO)M'",  # CREATOR OWNER: modify, files only
    ]
    assert "-FullAccess (Get-AccountName 'S-1-5-32-544')" in script
    assert '-ChangeAccess (Get-AccountName "$($domainSid)-515"), (Get-AccountName "$($domainSid)-513")' in script
    assert "Everyone" not in script and "-ReadAccess" not in script
