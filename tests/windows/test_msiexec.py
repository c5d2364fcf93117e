"""platform/windows/msiexec.py on a real Windows: the installer mutex when no installation
runs, the System32 paths it starts, and the process list it closes tray programs from."""

from __future__ import annotations

import os
import sys


def test_the_installer_mutex_is_free_on_an_idle_runner():
    from pycert.platform.windows import msiexec

    assert msiexec.wait_for_mutex(30) is True


def test_programs_are_started_from_system32():
    from pycert.platform.windows import msiexec

    for program in ("msiexec.exe", "taskkill.exe"):
        assert os.path.isfile(msiexec.system32(program)), program


def test_the_process_list_has_this_process_and_closes_nothing_unrelated():
    from pycert.platform.windows import msiexec

    processes = dict(msiexec._processes())
    assert os.getpid() in processes and processes[os.getpid()].lower().endswith(os.path.basename(sys.executable).lower())
    assert msiexec.close_processes(r"C:\Program Files\PyCert CI No Such Folder", []) == []
