"""platform/windows/notify.py: the toast script parses in Windows PowerShell 5.1 (the
notifier is not shown on a runner: it has no interactive session), and msg.exe is where
the fallback looks for it, and where the MSI's shortcut (the toasts' app id) is looked for."""

from __future__ import annotations

import base64
import os
import subprocess


def test_the_toast_script_parses_in_windows_powershell():
    from pycert.platform.windows import notify

    argv = notify.toast_argv("電子証明書の更新のお知らせ", "あと30日です")
    script = base64.b64decode(argv[-1]).decode("utf-16-le")
    check = ("$errors = $null; [System.Management.Automation.Language.Parser]::ParseInput("
             "[Console]::In.ReadToEnd(), [ref]$null, [ref]$errors) | Out-Null; $errors.Count")
    done = subprocess.run([argv[0], "-NoProfile", "-NonInteractive", "-Command", check],
                          input=script, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "0"), done.stderr


def test_msg_exe_is_found_for_the_fallback():
    from pycert.platform.windows import notify

    assert os.path.isfile(notify.msg_argv("t", "b")[0])


def test_the_shortcut_is_looked_for_in_the_all_users_start_menu():
    """The MSI's ProgramMenuFolder in a per-machine install is Windows' CommonPrograms folder;
    notify.app_registered looks for the shortcut there."""
    from pycert.platform.windows import notify

    done = subprocess.run(["powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
                           "[Environment]::GetFolderPath('CommonPrograms')"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert os.path.normcase(str(notify.shortcut_path().parent)) == os.path.normcase(done.stdout.strip())
