"""platform/windows/environment.py and elevation.py on a real Windows: the build, .NET, the
token, the proxy settings as Windows stores them."""

from __future__ import annotations


def test_os_build_dotnet_and_token_are_read():
    from pycert.platform.windows import environment

    build = environment.os_build()
    assert build.build >= 17763  # Windows Server 2019 / Windows 10 1809 and later on runners
    assert (environment.dotnet_release() or 0) >= 528040  # .NET Framework 4.8
    token = environment.token_info()
    assert token.sid.startswith("S-1-5-21-") or token.sid == "S-1-5-18"


def test_proxy_settings_are_read_without_error():
    from pycert.platform.windows import environment

    user, machine = environment.internet_settings(), environment.winhttp_proxy()
    assert isinstance(user.proxy_enable, bool) and isinstance(machine.proxy_server, str)


def test_the_runner_is_elevated_as_both_checks_say():
    from pycert.platform import elevation
    from pycert.platform.windows import elevation as windows_elevation

    assert windows_elevation.is_admin() is True
    assert elevation.is_elevated() is True


def test_the_display_language_is_the_one_windows_reports():
    """GetUserDefaultUILanguage through the kernel32 table equals .NET's CurrentUICulture
    (the default of `pycert --lang`, issue 16)."""
    import subprocess

    from pycert.platform.windows import environment

    name = subprocess.run(
        ["powershell", "-NoProfile", "-Command", "[System.Globalization.CultureInfo]::CurrentUICulture.TwoLetterISOLanguageName"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert environment.ui_language() == ("ja" if name == "ja" else "en")
