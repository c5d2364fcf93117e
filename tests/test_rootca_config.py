"""The [rootca] policy section: defaults, successor pins, and one-sentence errors with lines."""

import pytest

from pycert.policy.models import ROOTCA2_SHA256

from pycert.policy.load import load_policy_file
from pycert.common.errors import ConfigError
from tests.rootca_samples import policy

SUCCESSOR = "AB" * 32


def write(tmp_path, text):
    path = tmp_path / "pycert.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_pin_rootca2_everywhere_and_warn_a_year_ahead():
    rootca = policy().rootca
    [pin] = rootca.pins
    assert (pin.name, pin.sha256, pin.required, pin.scope, pin.source) == (
        "Security Communication RootCA2", ROOTCA2_SHA256, True, "auto", "bundled")
    assert pin.stores == ["LocalMachine\\Root", "CurrentUser\\Root", "LocalMachine\\AuthRoot"]
    assert rootca.expiry_warning_days == 365
    assert policy().checks == ["expiry"]  # rootca is enabled by the admin, not by default


def test_successor_root_added_in_the_file(tmp_path):
    path = write(tmp_path, f'''
checks = ["expiry", "rootca"]
[rootca]
expiry_warning_days = 730

[[rootca.pins]]
name = "Security Communication RootCA2"
sha256 = "{ROOTCA2_SHA256}"

[[rootca.pins]]
name = "SECOM TLS RSA Root CA 2024"
sha256 = "{":".join(SUCCESSOR[i:i + 2].lower() for i in range(0, 64, 2))}"
required = false
source = 'C:\\ProgramData\\PyCert\\roots\\secom-2024.cer'
''')
    loaded = load_policy_file(path).policy
    assert loaded.checks == ["expiry", "rootca"]
    assert [p.sha256 for p in loaded.rootca.pins] == [ROOTCA2_SHA256, SUCCESSOR]
    assert loaded.rootca.pins[1].source == "C:\\ProgramData\\PyCert\\roots\\secom-2024.cer"
    assert loaded.rootca.expiry_warning_days == 730


def test_setting_only_the_horizon_keeps_the_default_pin(tmp_path):
    loaded = load_policy_file(write(tmp_path, "[rootca]\nexpiry_warning_days = 30\n")).policy
    assert [p.sha256 for p in loaded.rootca.pins] == [ROOTCA2_SHA256]


@pytest.mark.parametrize(
    "body, expected",
    [
        ('[[rootca.pins]]\nname = "x"\nsha256 = "513B2C"\n',
         "line 3: rootca.pins.0.sha256: a SHA-256 fingerprint is 64 hexadecimal digits"),
        (f'[[rootca.pins]]\nname = "x"\nsha256 = "{SUCCESSOR}"\nstores = ["CurrentUser\\\\My"]\n',
         "line 4: rootca.pins.0.stores: 'CurrentUser\\My' is not a root store"),
        (f'[[rootca.pins]]\nname = "x"\nsha256 = "{SUCCESSOR}"\nstores = ["CurrentUser\\\\Root"]\n',
         "rootca.pins.0: scope 'auto' installs into LocalMachine\\Root, which is not in this pin's stores"),
        (f'[[rootca.pins]]\nname = "a"\nsha256 = "{SUCCESSOR}"\n[[rootca.pins]]\nname = "b"\nsha256 = "{SUCCESSOR.lower()}"\n',
         f"rootca.pins: two pins have the same sha256 ({SUCCESSOR})"),
        ('[rootca]\nexpiry_warning_day = 30\n', "line 2: rootca.expiry_warning_day: unknown key"),
        ('[rootca]\ndownload_timeout_seconds = 0\n', "line 2: rootca.download_timeout_seconds:"),
        ('checks = ["rootcaa"]\n', "line 1: checks.0:"),
    ],
)
def test_bad_pins_are_one_sentence_with_the_line(tmp_path, body, expected):
    with pytest.raises(ConfigError) as caught:
        load_policy_file(write(tmp_path, body))
    assert expected in caught.value.message
    assert caught.value.message.endswith(".") and "\n" not in caught.value.message
