"""Hostile and broken input for the policy file and the command line: one clear sentence,
the documented exit code, no traceback, nothing changed. Each case is listed in
docs/reliability.md under the same id."""

import os

import pytest
from hypothesis import given, settings, strategies as st

from pycert.policy import load, models
from pycert.cli import run
from pycert.common.errors import ConfigError


def _run(capsys, argv):
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _one_sentence(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err[:500]
    assert lines[0].startswith("error: ") and "Traceback" not in err
    assert len(lines[0]) < 600, "user-supplied names are shortened"
    return lines[0]


CASES = {
    "H-POL-1 policy with a 10 MB string": lambda p: p.write_text('[profiles.obn]\ndescription = "' + "x" * 10_000_000 + '"\n'),
    "H-POL-2 policy path is a 2 GB (sparse) file": lambda p: os.truncate(p, 2 * 1024**3) if p.touch() is None else None,
    "H-POL-3 policy with NUL bytes": lambda p: p.write_bytes(b"[profiles.obn]\x00\nurgent_days = 1\n"),
    "H-POL-4 policy nested 100,000 arrays deep": lambda p: p.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "H-POL-5 policy in UTF-16": lambda p: p.write_bytes("[profiles.obn]\nurgent_days = 1\n".encode("utf-16")),
    "H-POL-6 profile name with path traversal": lambda p: p.write_text('[profiles."../../etc"]\nmatch = { issuer_contains = ["x"] }\n'),
    "H-POL-7 store name with a traversal": lambda p: p.write_text('[profiles.obn]\nstores = ["CurrentUser\\\\My\\\\..\\\\Root"]\n'),
    "H-POL-8 pattern longer than 512 characters": lambda p: p.write_text('[profiles.obn]\nmatch = { subject_regex = "' + "a" * 600 + '" }\n'),
    "H-POL-9 window of a million days": lambda p: p.write_text("[profiles.obn]\nrenewal_window_days = 1000000\n"),
    "H-POL-10 checks names an unknown check": lambda p: p.write_text('checks = ["expiry", "coffee"]\n'),
}

EXPECTED = {
    "H-POL-1": "is larger than 1 MiB",
    "H-POL-2": "is larger than 1 MiB",
    "H-POL-3": "is not valid TOML",
    "H-POL-4": "nests tables or arrays too deeply",
    "H-POL-5": "is not UTF-8 text",
    "H-POL-6": "profile name '../../etc' must be",
    "H-POL-7": "is not a store",
    "H-POL-8": "longer than 512 characters",
    "H-POL-9": "less than or equal to 3650",
    "H-POL-10": "checks.1: Input should be 'expiry'",
}


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda c: c.split(" ")[0])
def test_hostile_policy_files(tmp_path, capsys, case):
    path = tmp_path / "pycert.toml"
    CASES[case](path)
    before = path.stat().st_size
    code, out, err = _run(capsys, ["--config", str(path), "detect", "expiry"])
    assert code == 2
    assert EXPECTED[case.split(" ")[0]] in _one_sentence(err)
    assert out.splitlines()[-1].startswith("FAILED expiry v1 exit=2")
    assert path.stat().st_size == before  # nothing changed


def test_H_CLI_1_config_path_with_a_nul_byte(capsys):
    code, _, err = _run(capsys, ["--config", "bad\x00name.toml", "config", "show"])
    assert code == 2 and "cannot be read" in _one_sentence(err) and "\\x00" in err


def test_H_CLI_2_config_path_of_100000_characters(capsys):
    code, _, err = _run(capsys, ["--config", "/" + "a" * 100_000, "config", "show"])
    assert code == 2 and "..." in _one_sentence(err)


def test_H_CLI_3_policy_path_is_a_device(capsys):
    code, _, err = _run(capsys, ["--config", "/dev/zero", "config", "show"])
    assert code == 2 and "is not a regular file" in _one_sentence(err)


def test_H_CLI_4_profile_name_of_10000_characters(capsys, mono_store):
    code, _, err = _run(capsys, ["detect", "expiry", "--profile", "p" * 10_000])
    assert code == 2 and "There is no profile 'ppp" in _one_sentence(err)


def test_H_CLI_5_as_of_year_9999_and_garbage(capsys, mono_store):
    code, out, err = _run(capsys, ["detect", "expiry", "--as-of", "9999-12-31T23:59:59+00:00"])
    assert code == 1 and err == "" and out.startswith("NONCOMPLIANT expiry v1")  # required obn missing
    code, _, err = _run(capsys, ["detect", "expiry", "--as-of", "99999-01-01"])
    assert code == 2 and "is not a date" in _one_sentence(err)


def test_H_CLI_6_unknown_command_and_option(capsys):
    code, _, err = _run(capsys, ["detect", "nonsense"])
    assert code == 2 and "No such command 'nonsense'" in err and "Traceback" not in err
    code, _, err = _run(capsys, ["list", "--colour"])
    assert code == 2 and "No such option '--colour'" in err


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_H_FUZZ_1_policy_loader_only_raises_config_errors(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "p.toml"
    path.write_bytes(blob)
    try:
        load.load_policy_file(path)
    except ConfigError as exc:
        assert exc.message and "\n" not in exc.message


toml_ish = st.recursive(
    st.one_of(st.integers(-2**70, 2**70), st.text(max_size=30), st.booleans(), st.floats(allow_nan=False)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["checks", "profiles", "x"]), toml_ish, max_size=3))
def test_H_FUZZ_2_any_toml_structure_gives_a_policy_or_config_errors(tmp_path_factory, data):
    import tomli_w

    path = tmp_path_factory.mktemp("fuzz") / "p.toml"
    try:
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
    except (TypeError, ValueError):
        return  # not representable as TOML
    try:
        load.load_policy_file(path)
    except ConfigError as exc:
        assert all(p.endswith(".") for p in exc.problems)
