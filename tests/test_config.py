"""The policy file: defaults, overrides, and one-sentence errors that name file, line and field."""

from pathlib import Path

import pytest

from pycert.policy import load, models
from pycert.common.errors import ConfigError
from pycert.common.model import CertificateInfo, KeyPresence, StoreRef
from datetime import datetime, timezone

ORCA = """
[profiles.orca]
description = "WebORCA cloud client certificate"
match = { issuer_contains = ["ORCA"], subject_regex = "^CN=orca-", eku = ["clientAuth"] }
stores = ["CurrentUser\\\\My", "LocalMachine\\\\My"]
renewal_window_days = 90
urgent_days = 7
expected_lifetime_months = 36
required = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pycert.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load.load_policy_file(write(tmp_path, text))
    return info.value.problems


def test_builtin_obn_profile_when_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    loaded = load.load_policy()
    assert loaded.source == "built-in defaults"
    obn = loaded.policy.profiles["obn"]
    assert obn.match.issuer_contains == ["Online Billing NW Common Root CA"]
    assert obn.stores == ["CurrentUser\\My"]
    assert (obn.renewal_window_days, obn.urgent_days, obn.expected_lifetime_months) == (90, 14, 39)


def test_file_overrides_one_setting_and_keeps_the_rest(tmp_path):
    policy = load.load_policy_file(write(tmp_path, "[profiles.obn]\nrenewal_window_days = 60\n")).policy
    assert policy.profiles["obn"].renewal_window_days == 60
    assert policy.profiles["obn"].match.issuer_contains == ["Online Billing NW Common Root CA"]


def test_orca_profile_is_expressible_without_code(tmp_path):
    policy = load.load_policy_file(write(tmp_path, ORCA)).policy
    assert set(policy.enabled_profiles()) == {"obn", "orca"}
    orca = policy.profiles["orca"]
    cert = CertificateInfo(
        StoreRef("CurrentUser", "My"), "CN=orca-client-1, O=Clinic", "CN=ORCA Cloud CA, O=ORCA",
        "AB" * 20, "01", datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2028, 1, 1, tzinfo=timezone.utc),
        KeyPresence.YES, ekus=("1.3.6.1.5.5.7.3.2",),
    )
    assert orca.match.matches(cert)
    assert not orca.match.matches(cert.__class__(**{**cert.__dict__, "ekus": ()}))
    assert not orca.match.matches(cert.__class__(**{**cert.__dict__, "subject": "CN=other"}))


def test_a_builtin_profile_can_be_disabled(tmp_path):
    policy = load.load_policy_file(write(tmp_path, ORCA + "\n[profiles.obn]\nenabled = false\n")).policy
    assert list(policy.enabled_profiles()) == ["orca"]


def test_explicit_path_and_env_override(tmp_path, monkeypatch):
    path = write(tmp_path, "[profiles.obn]\nurgent_days = 3\n")
    monkeypatch.setenv("PYCERT_CONFIG", str(path))
    assert load.load_policy().policy.profiles["obn"].urgent_days == 3
    other = tmp_path / "other.toml"
    other.write_text("[profiles.obn]\nurgent_days = 5\n", encoding="utf-8")
    assert load.load_policy(str(other)).policy.profiles["obn"].urgent_days == 5


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match=r"does not exist; create it or pass a correct --config path"):
        load.load_policy(str(tmp_path / "nope.toml"))


def test_unknown_key_names_line_and_path(tmp_path):
    [message] = problems(tmp_path, "[profiles.obn]\nrenewal_window_days = 60\nrenewal_windw = 3\n")
    assert message.endswith("line 3: profiles.obn.renewal_windw: unknown key; remove it or correct its spelling.")


def test_wrong_type_names_line_and_value(tmp_path):
    [message] = problems(tmp_path, "\n[profiles.obn]\nrenewal_window_days = \"ninety\"\n")
    assert "line 3: profiles.obn.renewal_window_days:" in message
    assert "valid integer" in message and "'ninety'" in message


def test_every_error_is_reported_once_each(tmp_path):
    text = (
        "[profiles.orca]\n"
        "match = { issuer_regex = \"(unclosed\" }\n"
        "stores = [\"CurrentUser\\\\Mine\"]\n"
        "urgent_days = -1\n"
        "colour = \"red\"\n"
    )
    found = problems(tmp_path, text)
    assert len(found) == 4, found
    joined = "\n".join(found)
    assert "line 2: profiles.orca.match.issuer_regex: not a valid regular expression" in joined
    assert "line 3: profiles.orca.stores: 'CurrentUser\\Mine' is not a store" in joined
    assert "line 4: profiles.orca.urgent_days: Input should be greater than or equal to 0" in joined
    assert "line 5: profiles.orca.colour: unknown key" in joined
    assert all(p.count(". ") == 0 and p.endswith(".") for p in found), "one sentence each"


def test_profile_without_any_match_condition(tmp_path):
    [message] = problems(tmp_path, "[profiles.x]\nmatch = {}\n")
    assert "line 2: profiles.x.match: give issuer_contains, issuer_regex or subject_regex." in message


def test_urgent_larger_than_window(tmp_path):
    [message] = problems(tmp_path, "[profiles.obn]\nurgent_days = 100\n")
    assert "urgent_days must not be larger than renewal_window_days" in message


def test_toml_syntax_error_names_the_position(tmp_path):
    [message] = problems(tmp_path, "[profiles.obn\nx = 1\n")
    assert "is not valid TOML" in message and "line 1" in message


def test_bad_profile_name(tmp_path):
    [message] = problems(tmp_path, '[profiles."Bad Name"]\nmatch = { issuer_contains = ["x"] }\n')
    assert "profile name 'Bad Name'" in message


def test_empty_issuer_substring_is_refused(tmp_path):
    [message] = problems(tmp_path, '[profiles.x]\nmatch = { issuer_contains = [""] }\n')
    assert "would match every issuer" in message


def test_unknown_profile_selection():
    policy = models.Policy.model_validate(models.BUILTIN_POLICY)
    with pytest.raises(ConfigError, match=r"There is no profile 'nope' in the policy; known profiles: obn\."):
        policy.select("nope")


def test_non_utf8_and_folder(tmp_path):
    path = tmp_path / "p.toml"
    path.write_bytes("[profiles.obn]\ndescription = 'é'\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load.load_policy_file(path)
    with pytest.raises(ConfigError, match="is a folder"):
        load.load_policy_file(tmp_path)


def test_numbers_written_as_strings_are_refused(tmp_path):
    # strict types: "90" in quotes is a typo an admin should hear about, not a silent coercion
    [message] = problems(tmp_path, '[profiles.obn]\nrenewal_window_days = "90"\n')
    assert "line 2: profiles.obn.renewal_window_days: Input should be a valid integer (got '90')." in message


def test_catastrophic_pattern_is_stopped_by_a_timeout(tmp_path):
    policy = load.load_policy_file(write(tmp_path, '[profiles.x]\nmatch = { subject_regex = "^(a|aa)+$" }\n')).policy
    cert = CertificateInfo(
        StoreRef("CurrentUser", "My"), "a" * 5000 + "!", "CN=x", "AB" * 20, "01",
        datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2028, 1, 1, tzinfo=timezone.utc), KeyPresence.YES,
    )
    with pytest.raises(ConfigError, match=r"match.subject_regex = '\^\(a\|aa\)\+\$' took too long"):
        policy.profiles["x"].match.matches(cert)


def test_the_builtin_policy_without_a_file_equals_the_validated_defaults():
    """load_policy builds the built-in policy without the validators (start-up time); it must
    be exactly what validating BUILTIN_POLICY gives, field by field and as the same types."""
    constructed = models.builtin_policy()
    validated = models.Policy.model_validate(models.BUILTIN_POLICY)
    assert constructed == validated
    assert constructed.model_dump() == validated.model_dump()

    def types(value):
        if isinstance(value, models.BaseModel):
            return (type(value).__name__, {k: types(getattr(value, k)) for k in type(value).model_fields})
        if isinstance(value, dict):
            return {k: types(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [types(v) for v in value]
        return type(value).__name__

    assert types(constructed) == types(validated)


# -- the match rule and the policy's sentences, by hand (mutation testing, docs/reliability.md 4d)

def _cert(issuer="CN=Online Billing NW Common Root CA - G1", subject="CN=0110119153", ekus=()):
    return CertificateInfo(
        StoreRef("CurrentUser", "My"), subject, issuer, "AB" * 20, "01",
        datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2028, 1, 1, tzinfo=timezone.utc), KeyPresence.YES,
        ekus=ekus,
    )


@pytest.mark.parametrize("rule, cert, matches", [
    ({"issuer_contains": ["online billing"]}, _cert(), True),  # case-insensitive
    ({"issuer_contains": ["Other CA"]}, _cert(), False),
    ({"issuer_regex": "Common Root CA - G[0-9]"}, _cert(), True),
    ({"issuer_regex": "^Common"}, _cert(), False),
    ({"subject_regex": "^CN=[0-9]{10}$"}, _cert(subject="CN=Someone"), False),
    ({"issuer_contains": ["Online"], "eku": ["clientAuth"]}, _cert(ekus=("1.3.6.1.5.5.7.3.2",)), True),
    ({"issuer_contains": ["Online"], "eku": ["clientAuth"]}, _cert(ekus=("1.3.6.1.5.5.7.3.1",)), False),
    ({"issuer_contains": ["Online"], "eku": ["1.2.392.1"]}, _cert(ekus=("1.2.392.1",)), True),  # an OID as itself
])
def test_a_match_rule_by_hand(rule, cert, matches):
    assert models.MatchRule(**rule).matches(cert) is matches


def test_a_pattern_that_takes_too_long_is_named_both_cut_to_fit():
    pattern = "^(a|aa)+$|" + "x" * 80  # its repr is 92 characters: cut to 80, the text's to 60
    rule = models.MatchRule(subject_regex=pattern)
    with pytest.raises(ConfigError) as err:
        rule.matches(_cert(subject="a" * 5000 + "!"))
    assert err.value.message == (
        "The pattern match.subject_regex = '^(a|aa)+$|" + "x" * 27 + "..." + "x" * 37 + "' took too long on '"
        + "a" * 27 + "..." + "a" * 26 + "!'; simplify it (avoid nested repeats such as (a+)+)."
    )


def test_an_unknown_profile_is_named_with_the_known_ones():
    policy = models.builtin_policy()
    with pytest.raises(ConfigError) as err:
        policy.select("orca")
    assert err.value.message == "There is no profile 'orca' in the policy; known profiles: obn."
    with pytest.raises(ConfigError) as err:
        policy.select("p" * 61)
    assert err.value.message == f"There is no profile '{'p' * 28}...{'p' * 28}' in the policy; known profiles: obn."
    empty = models.Policy.model_validate({"profiles": {}})
    with pytest.raises(ConfigError) as err:
        empty.select("obn")
    assert err.value.message == "There is no profile 'obn' in the policy; known profiles: none."
    two = models.Policy.model_validate({"profiles": {"b": {"match": {"issuer_contains": ["B"]}},
                                                     "a": {"match": {"issuer_contains": ["A"]}}}})
    with pytest.raises(ConfigError) as err:
        two.select("c")
    assert err.value.message == "There is no profile 'c' in the policy; known profiles: a, b."


def test_a_slow_issuer_pattern_is_named_as_the_issuer_pattern():
    with pytest.raises(ConfigError, match=r"^The pattern match\.issuer_regex = '\^\(a\|aa\)\+\$' took too long"):
        models.MatchRule(issuer_regex="^(a|aa)+$").matches(_cert(issuer="a" * 5000 + "!"))
