"""The elevation check: shell32!IsUserAnAdmin on Windows (mocked: no Windows DLLs here), euid 0 elsewhere."""

import ctypes
import sys

import pytest

from pycert.platform import elevation


@pytest.mark.parametrize("answer, expected", [(1, True), (0, False)])
def test_windows_asks_shell32_once(mocker, answer, expected):
    mocker.patch.object(sys, "platform", "win32")
    windll = mocker.patch.object(ctypes, "windll", create=True)
    windll.shell32.IsUserAnAdmin.return_value = answer
    assert elevation.is_elevated() is expected
    windll.shell32.IsUserAnAdmin.assert_called_once_with()


def test_windows_without_shell32_is_not_elevated(mocker):
    mocker.patch.object(sys, "platform", "win32")
    windll = mocker.patch.object(ctypes, "windll", create=True)
    windll.shell32.IsUserAnAdmin.side_effect = OSError("shell32 not found")
    assert elevation.is_elevated() is False


@pytest.mark.parametrize("euid, expected", [(0, True), (1000, False)])
def test_elsewhere_root_is_elevated(mocker, euid, expected):
    mocker.patch.object(sys, "platform", "linux")
    geteuid = mocker.patch("os.geteuid", return_value=euid)
    assert elevation.is_elevated() is expected
    geteuid.assert_called_once_with()
