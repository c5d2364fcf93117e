"""`pycert config set`: in-place, comment-keeping, validated edits of the policy file (the MSI
writes its public properties with it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycert.policy.load import load_policy_file
from pycert.common.errors import ConfigError, UsageError
from pycert.policy.edit import set_in_text, set_values
ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "packaging" / "policy" / "pycert.toml"


def test_shipped_default_policy_is_valid_and_means_the_builtin_defaults():
    from pycert.policy.models import BUILTIN_POLICY, Policy

    loaded = load_policy_file(TEMPLATE)
    assert loaded.policy == Policy.model_validate(BUILTIN_POLICY)


def test_sets_a_key_under_a_new_table_and_keeps_every_comment(tmp_path):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    assert set_values(policy, ["profiles.obn.renewal_window_days=60"]) == ["profiles.obn.renewal_window_days = 60"]
    text = policy.read_text(encoding="utf-8")
    assert text.startswith(TEMPLATE.read_text(encoding="utf-8"))
    assert text.endswith("\n[profiles.obn]\nrenewal_window_days = 60\n")
    assert load_policy_file(policy).policy.profiles["obn"].renewal_window_days == 60


def test_replaces_an_existing_key_in_place_and_leaves_other_tables_alone():
    text = (
        "# top\n[profiles.obn]\n# the window\nrenewal_window_days = 90  # default\nurgent_days = 14\n\n"
        "[profiles.orca]\nrenewal_window_days = 30\n"
    )
    out = set_in_text(text, ["profiles", "obn", "renewal_window_days"], 45)
    assert out == text.replace("renewal_window_days = 90  # default", "renewal_window_days = 45")


def test_adds_a_missing_key_at_the_end_of_its_table_before_blank_lines():
    text = "[profiles.obn]\nurgent_days = 7\n\n[profiles.orca]\nrequired = false\n"
    out = set_in_text(text, ["profiles", "obn", "renewal_window_days"], 60)
    assert out == "[profiles.obn]\nurgent_days = 7\nrenewal_window_days = 60\n\n[profiles.orca]\nrequired = false\n"


def test_top_level_keys_go_before_the_first_table_and_lists_stay_on_one_line():
    text = "# c\n[profiles.obn]\nurgent_days = 7\n"
    assert set_in_text(text, ["checks"], ["expiry"]) == '# c\nchecks = ["expiry"]\n\n[profiles.obn]\nurgent_days = 7\n'


def test_crlf_files_stay_crlf(tmp_path):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(b"# windows\r\n[profiles.obn]\r\nurgent_days = 7\r\n")
    set_values(policy, ["profiles.obn.renewal_window_days=60"])
    assert policy.read_bytes() == b"# windows\r\n[profiles.obn]\r\nurgent_days = 7\r\nrenewal_window_days = 60\r\n"


def test_values_take_the_type_the_policy_declares(tmp_path):
    policy = tmp_path / "pycert.toml"
    set_values(policy, ["mpki.display_name=2024", "mpki.connect_timeout=2.5", "mpki.install_if_missing=yes",
                        "mpki.tray_processes=a.exe, b.exe"])
    assert policy.read_text(encoding="utf-8") == (
        '[mpki]\ndisplay_name = "2024"\nconnect_timeout = 2.5\ninstall_if_missing = true\n'
        'tray_processes = ["a.exe", "b.exe"]\n'
    )


def test_a_missing_file_is_created(tmp_path):
    policy = tmp_path / "new" / "pycert.toml"
    set_values(policy, ["profiles.obn.urgent_days=7"])
    assert load_policy_file(policy).policy.profiles["obn"].urgent_days == 7


@pytest.mark.parametrize(
    ("assignment", "error", "message"),
    [
        ("profiles.obn.renewal_window_days=abc", UsageError, "takes a whole number, not 'abc'"),
        ("profiles.obn.required=maybe", UsageError, "takes true or false"),
        ("mpkx.required_version=1.0", UsageError, "no key 'mpkx' in the top level"),
        ("profiles.obn.match=x", UsageError, "is a table"),
        ("renewal_window_days", UsageError, "is not KEY=VALUE"),
        # valid on its own, but the profile's urgent_days (14) must stay inside the window
        ("profiles.obn.renewal_window_days=10", ConfigError, "urgent_days must not be larger than renewal_window_days"),
    ],
)
def test_bad_values_change_nothing(tmp_path, assignment, error, message):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    with pytest.raises(error, match=message) as caught:
        set_values(policy, [assignment])
    assert policy.read_bytes() == TEMPLATE.read_bytes()
    assert ".pycert-" not in caught.value.message  # the temp file's name never leaks
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pycert.toml"]


def test_a_key_written_as_an_inline_table_is_refused_not_duplicated(tmp_path):
    policy = tmp_path / "pycert.toml"
    original = "profiles.obn = { renewal_window_days = 90, match = { issuer_contains = ['X'] } }\n"
    policy.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError, match="form `config set` does not edit"):
        set_values(policy, ["profiles.obn.renewal_window_days=60"])
    assert policy.read_text(encoding="utf-8") == original


def test_cli_uses_config_option_and_reports_each_key(tmp_path, run_pycert):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    logs = tmp_path / "logs"
    run = run_pycert("--config", str(policy), "config", "set", "profiles.obn.renewal_window_days=45",
                     "profiles.obn.urgent_days=5", env={"PYCERT_LOG_DIR": str(logs)})
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        f"{policy}: profiles.obn.renewal_window_days = 45",
        f"{policy}: profiles.obn.urgent_days = 5",
    ]
    logged = (logs / "pycert.log").read_text(encoding="utf-8")
    assert f'action=config set result=changed file="{policy}" value="profiles.obn.urgent_days = 5"' in logged


def test_cli_bad_value_is_one_sentence_exit_2(tmp_path, run_pycert):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    run = run_pycert("--config", str(policy), "config", "set", "profiles.obn.renewal_window_days=sixty")
    assert run.code == 2
    assert run.stderr == "error: profiles.obn.renewal_window_days takes a whole number, not 'sixty'.\n"
    assert policy.read_bytes() == TEMPLATE.read_bytes()


def test_cli_default_target_is_the_standard_policy_path(tmp_path, run_pycert):
    run = run_pycert("config", "set", "profiles.obn.urgent_days=3")
    assert run.code == 0, run.stderr
    assert load_policy_file(Path(tmp_path) / "pycert" / "pycert.toml").policy.profiles["obn"].urgent_days == 3


def test_trusted_issuers_are_normalised_and_checked(run_pycert, tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text('checks = ["expiry"]\n', encoding="utf-8")
    digest = "ab:" * 31 + "ab"
    ok = run_pycert("--config", str(policy), "config", "set", f"profiles.obn.trusted_issuers={digest}")
    assert ok.code == 0, ok.stderr
    from pycert.policy.load import load_policy_file

    assert load_policy_file(policy).policy.profiles["obn"].trusted_issuers == ["AB" * 32]
    bad = run_pycert("--config", str(policy), "config", "set", "profiles.obn.trusted_issuers=not-a-digest")
    assert bad.code == 2 and "is not a SHA-256 of a CA's public key" in bad.stderr
    assert load_policy_file(policy).policy.profiles["obn"].trusted_issuers == ["AB" * 32]  # unchanged


# Issue 16, item 6: the right-hand side is read as a TOML value, as `--help` and docs/ja/install.md say.
def test_cli_takes_a_toml_array_for_a_list_key(tmp_path, run_pycert):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    run = run_pycert("--config", str(policy), "config", "set",
                     'profiles.orca.match.issuer_contains=["ORCA", "WebORCA CA"]', 'checks=["expiry","rootca"]')
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        f'{policy}: profiles.orca.match.issuer_contains = ["ORCA", "WebORCA CA"]',
        f'{policy}: checks = ["expiry", "rootca"]',
    ]
    loaded = load_policy_file(policy).policy
    assert loaded.profiles["orca"].match.issuer_contains == ["ORCA", "WebORCA CA"]
    assert loaded.checks == ["expiry", "rootca"]


def test_toml_string_number_and_bool_values_and_the_msi_plain_forms(tmp_path):
    policy = tmp_path / "pycert.toml"
    set_values(policy, ['profiles.obn.description="OBN # clinic"', "profiles.obn.required=true",
                        "profiles.obn.renewal_window_days=60", "mpki.required_version=6.1",
                        "profiles.obn.stores=CurrentUser\\My, LocalMachine\\My"])
    obn = load_policy_file(policy).policy.profiles["obn"]
    assert obn.description == "OBN # clinic"  # the quotes are TOML's, not part of the text
    assert (obn.required, obn.renewal_window_days) == (True, 60)
    assert obn.stores == ["CurrentUser\\My", "LocalMachine\\My"]
    assert load_policy_file(policy).policy.mpki.required_version == "6.1"  # a version, not the float 6.1


@pytest.mark.parametrize("value, sentence", [
    ('["ORCA"', 'error: profiles.obn.match.issuer_contains: ["ORCA" is not a TOML array; '
                'write it as profiles.obn.match.issuer_contains=\'["first", "second"]\'.\n'),
    ("[1, 2]", 'error: profiles.obn.match.issuer_contains takes a list of quoted strings, '
               'e.g. profiles.obn.match.issuer_contains=\'["ORCA"]\', not [1, 2].\n'),
])
def test_cli_a_broken_array_is_one_sentence_exit_2_and_nothing_written(tmp_path, run_pycert, value, sentence):
    policy = tmp_path / "pycert.toml"
    policy.write_bytes(TEMPLATE.read_bytes())
    run = run_pycert("--config", str(policy), "config", "set", f"profiles.obn.match.issuer_contains={value}")
    assert (run.code, run.stderr) == (2, sentence)
    assert policy.read_bytes() == TEMPLATE.read_bytes()


# Issue 16, item 2: `config show` prints the effective staging folders, as docs/ja/renewal.md says.
def test_config_show_prints_the_effective_staging_folders(tmp_path, run_pycert):
    import json

    home = tmp_path / "home"
    policy = tmp_path / "pycert.toml"
    policy.write_text('[profiles.orca]\nstaging_folders = ["$PFXDIR/orca"]\n[profiles.orca.match]\nissuer_contains = ["ORCA"]\n',
                      encoding="utf-8")
    env = {"HOME": str(home), "PFXDIR": str(tmp_path / "pfx")}
    run = run_pycert("--config", str(policy), "config", "show", env=env)
    assert run.code == 0, run.stderr
    import tomllib

    shown_toml = tomllib.loads(run.stdout)["profiles"]
    assert shown_toml["obn"]["staging_folders"] == [f"{home}/Downloads"]  # empty in the policy = Downloads
    assert shown_toml["orca"]["staging_folders"] == [f"{tmp_path}/pfx/orca"]
    shown = json.loads(run_pycert("--config", str(policy), "config", "show", "--format", "json", env=env).stdout)
    assert shown["policy"]["profiles"]["obn"]["staging_folders"] == [f"{home}/Downloads"]


# Issue 16, item 7: `config validate` reports the cross-field rule together with the other problems.
def test_config_validate_reports_urgent_days_above_the_window_and_every_other_problem(tmp_path, run_pycert):
    policy = tmp_path / "p.toml"
    policy.write_text('[profiles.obn]\nurgent_days = 200\nrenewal_window_days = 120\nstores = ["Bad"]\n', encoding="utf-8")
    run = run_pycert("config", "validate", str(policy))
    assert run.code == 2
    assert f"{policy}, line 2: profiles.obn.urgent_days: urgent_days must not be larger than renewal_window_days." in run.stderr
    assert f"{policy}, line 4: profiles.obn.stores: 'Bad' is not a store" in run.stderr
