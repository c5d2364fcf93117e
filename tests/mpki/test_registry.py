"""The Uninstall-key reader, against a winreg stand-in: both views, exact access flags."""

import pytest

from pycert.common.errors import PlatformError
from pycert.platform.windows import registry
from tests.mpki.fakes import HKCU, HKLM, KEY_READ, KEY_WOW64_32KEY, KEY_WOW64_64KEY, UNINSTALL, FakeWinreg, uninstall_entry

NAME = "Cybertrust Managed PKI Client"
A = "{11111111-2222-3333-4444-555555555555}"
B = "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"


@pytest.fixture
def reg(mocker):
    def install(data):
        fake = FakeWinreg(data)
        mocker.patch.object(registry, "_winreg", return_value=fake)
        return fake
    return install


def test_opens_both_views_of_both_hives_with_exact_flags(reg):
    fake = reg({})
    assert registry.find_installed(NAME) == []
    assert fake.opened == [
        (HKLM, UNINSTALL, KEY_READ | KEY_WOW64_64KEY),
        (HKLM, UNINSTALL, KEY_READ | KEY_WOW64_32KEY),
        (HKCU, UNINSTALL, KEY_READ | KEY_WOW64_64KEY),
        (HKCU, UNINSTALL, KEY_READ | KEY_WOW64_32KEY),
    ]


def test_finds_products_in_the_32_bit_view_that_a_redirected_read_would_miss(reg):
    fake = reg({
        (HKLM, "64"): {"{OTHER}": uninstall_entry("Microsoft Edge", "120.0", "{OTHER}")},
        (HKLM, "32"): {A: uninstall_entry(NAME, "1.0.0", A)},
    })
    [found] = registry.find_installed(NAME)
    assert (found.product_code, found.display_version, found.sources) == (A, "1.0.0", ("HKLM32",))
    assert found.publisher == "Cybertrust Japan Co., Ltd." and found.uninstall_string == f"MsiExec.exe /X{A}"
    assert found.install_location.startswith(r"C:\Program Files\Cybertrust")
    # Sub-keys are opened in the same view as their parent.
    assert (HKLM, A, KEY_READ | KEY_WOW64_32KEY) in fake.opened


def test_reports_every_match_and_merges_the_shared_hkcu_key(reg):
    reg({
        (HKLM, "64"): {A: uninstall_entry(NAME, "2.1.0", A)},
        (HKLM, "32"): {B: uninstall_entry(NAME.upper(), "1.0.0", B)},
        (HKCU, "64"): {"{C}": uninstall_entry(NAME, "0.9.0", "{C}")},
        (HKCU, "32"): {"{C}": uninstall_entry(NAME, "0.9.0", "{C}")},
    })
    found = registry.find_installed(" cybertrust managed pki client ")
    assert [(f.product_code, f.sources) for f in found] == [
        (A, ("HKLM64",)), (B, ("HKLM32",)), ("{C}", ("HKCU64", "HKCU32")),
    ]


def test_entries_without_values_do_not_break_the_scan(reg):
    reg({(HKLM, "64"): {"KB123": {}, A: {"DisplayName": NAME}}})
    [found] = registry.find_installed(NAME)
    assert found.display_version == "" and found.install_location == ""


def test_access_denied_is_one_sentence(reg, mocker):
    fake = reg({})
    mocker.patch.object(fake, "OpenKey", side_effect=PermissionError(5, "Access is denied"))
    with pytest.raises(PlatformError, match="administrator or SYSTEM"):
        registry.find_installed(NAME)


def test_without_windows_the_error_says_so():
    with pytest.raises(PlatformError, match="needs the Windows registry"):
        registry.find_installed(NAME)
