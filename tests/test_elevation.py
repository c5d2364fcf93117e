"""The elevation check: shell32!IsUserAnAdmin on Windows (a strict fake DLL: no Windows DLLs
here), euid 0 elsewhere."""

import sys
from unittest import mock

import pytest

from pycert.platform import elevation
from pycert.platform.windows import elevation as windows_elevation
from tests.winfakes import fake_library


@pytest.mark.parametrize("answer, expected", [(1, True), (0, False)])
def test_windows_asks_shell32_once(mocker, answer, expected):
    mocker.patch.object(sys, "platform", "win32")
    shell32 = mock.Mock(**{"IsUserAnAdmin.return_value": answer})
    mocker.patch.object(windows_elevation, "_shell32", return_value=fake_library(windows_elevation.SHELL32, shell32))
    assert elevation.is_elevated() is expected
    shell32.IsUserAnAdmin.assert_called_once_with()


def test_windows_without_shell32_is_not_elevated(mocker):
    mocker.patch.object(sys, "platform", "win32")
    mocker.patch.object(windows_elevation, "_shell32", side_effect=OSError("shell32 not found"))
    assert elevation.is_elevated() is False


@pytest.mark.parametrize("euid, expected", [(0, True), (1000, False)])
def test_elsewhere_root_is_elevated(mocker, euid, expected):
    mocker.patch.object(sys, "platform", "linux")
    geteuid = mocker.patch("os.geteuid", return_value=euid)
    assert elevation.is_elevated() is expected
    geteuid.assert_called_once_with()
