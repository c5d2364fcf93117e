"""Tell the signed-in user something: a Windows toast, else msg.exe.

Who is speaking: the toast carries PyCert's own AppUserModelID, which the MSI registers
through its Start-menu shortcut 「PyCert 電子証明書チェック」 (System.AppUserModel.ID);
Windows shows that name and icon on the toast and lists PyCert under Settings >
Notifications. Without the shortcut (PyCert not installed by the MSI) Windows has no such
app, so no toast is tried and msg.exe speaks instead.

Both run as child processes with fixed paths; the text is not secret (days left and how
to renew), but it goes to PowerShell inside -EncodedCommand so no quoting can break it.
`run` is injectable so tests can assert the exact argv.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

# PyCert's AppUserModelID and the Start-menu shortcut that registers it (packaging/wix/PyCert.wxs
# authors both; tests/release/test_msi.py checks the MSI carries exactly these).
APP_ID = "PyCert.CertificateCheck"
SHORTCUT_NAME = "PyCert 電子証明書チェック"
TIMEOUT_SECONDS = 60
# powershell.exe and msg.exe are console programs: started from the windowless pycertw.exe
# (scheduled task at logon) they would open a console window of their own.
CREATE_NO_WINDOW = 0x08000000

TOAST_SCRIPT = """
$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] | Out-Null
$t = ConvertFrom-Json @'
{payload}
'@
$xml = New-Object Windows.Data.Xml.Dom.XmlDocument
$xml.LoadXml('<toast scenario="reminder"><visual><binding template="ToastGeneric"><text/><text/><text/><text placement="attribution"/></binding></visual><actions><action content="OK" arguments="dismiss" activationType="system"/></actions></toast>')
$nodes = $xml.GetElementsByTagName('text')
# The title, then the body's lines: what is happening, what to do, and who to call in the
# attribution line at the bottom (a third body line would be cut off).
$lines = @($t.body -split "`n", 3)
$nodes.Item(0).AppendChild($xml.CreateTextNode($t.title)) | Out-Null
for ($i = 0; $i -lt $lines.Count; $i++) { $nodes.Item($i + 1).AppendChild($xml.CreateTextNode($lines[$i])) | Out-Null }
$notifier = [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($t.app)
# Show() raises nothing when toasts are off (for the app, the user, by policy or manifest):
# only Setting says whether anyone will see it. Not shown = exit 3, so msg.exe is tried.
if ($notifier.Setting -ne [Windows.UI.Notifications.NotificationSetting]::Enabled) {
    [Console]::Error.WriteLine("toasts are off: $($notifier.Setting)")
    exit 3
}
$notifier.Show([Windows.UI.Notifications.ToastNotification]::new($xml))
"""


def system_tool(name: str) -> str:
    """A System32 tool's path; through Sysnative when a 32-bit process runs on 64-bit Windows
    (Intune's default), since msg.exe has no 32-bit copy in SysWOW64."""
    root = Path(os.environ.get("SystemRoot", r"C:\Windows"))
    sysnative = root / "Sysnative" / name
    return str(sysnative if sysnative.exists() else root / "System32" / name)


def shortcut_path() -> Path:
    """Where the per-machine MSI puts the shortcut: the all-users Start menu (ProgramMenuFolder)."""
    root = Path(os.environ.get("ProgramData") or r"C:\ProgramData")
    return root / "Microsoft" / "Windows" / "Start Menu" / "Programs" / f"{SHORTCUT_NAME}.lnk"


def app_registered() -> bool:
    return shortcut_path().is_file()


def toast_argv(title: str, body: str) -> list[str]:
    payload = json.dumps({"title": title, "body": body, "app": APP_ID}, ensure_ascii=True)
    script = TOAST_SCRIPT.replace("{payload}", payload)
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return [
        system_tool(r"WindowsPowerShell\v1.0\powershell.exe"),
        "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encoded,
    ]


def msg_argv(title: str, body: str) -> list[str]:
    session = os.environ.get("USERNAME") or "*"
    return [system_tool("msg.exe"), session, "/TIME:3600", f"{title}\n{body}"]


def notify(title: str, body: str, run=subprocess.run, registered=app_registered) -> str:
    """Show the notice; returns "toast", "msg", or "failed" (never raises: a reminder must
    not turn a remediation into an error). The toast is tried only when PyCert's app id is
    registered; the script exits 3 when Windows would not show it (ToastNotifier.Setting)."""
    tries = [("toast", toast_argv(title, body))] if registered() else []
    for channel, argv in (*tries, ("msg", msg_argv(title, body))):
        try:
            done = run(argv, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, creationflags=CREATE_NO_WINDOW)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return channel
    return "failed"
