"""`pycert demo` shows the job working and never touches the caller's stores."""

import json
import re

from conftest import needs_mono, run_cli
from pycert.common import lineformat


@needs_mono
def test_demo_runs_list_and_detect_in_its_own_sandbox(tmp_path):
    real = tmp_path / "real-config"
    real.mkdir()
    (real / "marker").write_text("x")
    result = run_cli(["demo"], xdg=real)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    # the caller's XDG_CONFIG_HOME is untouched: no Mono store appeared there
    assert sorted(p.name for p in real.rglob("*")) == ["marker"]
    sandbox = re.search(r"Sandbox store: (\S+)/\.mono/certs", result.stdout).group(1)
    assert not (tmp_path / sandbox).exists()  # removed afterwards
    table = result.stdout.split("$ pycert list --all")[1].split("$ pycert detect")[0]
    rows = [line.split()[:6] for line in table.strip().splitlines()[1:]]
    # STATE DAYS EXPIRES PROFILE CN ISSUER: the old OBN certificate is superseded by its real
    # renewal (issued 20 days ago by the same sample CA, whose certificate is in the sandbox's Root)
    assert [(r[0], r[3], r[5]) for r in rows] == [
        ("expired", "orca", "verified"), ("superseded", "obn", "verified"),
        ("ok", "-", "unverified"), ("ok", "obn", "verified"),
    ]
    assert rows[1][1] == "10" and int(rows[3][1]) == 1186 - 20
    summary = lineformat.parse(result.stdout.split("$ pycert detect expiry\n")[1].splitlines()[0])
    assert summary.verdict == "NONCOMPLIANT"
    assert [(i.word, i.fields["state"]) for i in summary.items] == [("orca", "expired")]


@needs_mono
def test_demo_keep_leaves_the_sandbox_for_inspection(tmp_path):
    result = run_cli(["demo", "--keep"], xdg=tmp_path)
    kept = re.search(r"Sandbox kept at (\S+)", result.stdout).group(1)
    from pathlib import Path

    try:
        assert len(list((Path(kept) / ".mono" / "certs" / "My").glob("*.cer"))) == 4
        # Issue 16, item 1: the output says how to go on using the sandbox, and that works.
        assert f"To keep using it, set XDG_CONFIG_HOME to it: XDG_CONFIG_HOME={kept} pycert list --all" in result.stdout
        listed = run_cli(["list", "--all", "--format", "json"], xdg=Path(kept))
        assert listed.code == 0 and len(json.loads(listed.stdout)["certificates"]) == 4
    finally:
        import shutil

        shutil.rmtree(kept, ignore_errors=True)


def test_demo_refuses_when_the_runtime_is_already_bound(mocker):
    from pycert.demo import sandbox as demo
    from pycert.common.errors import PlatformError
    import pytest

    mocker.patch("pycert.platform.dotnet.runtime_loaded", return_value=True)
    with pytest.raises(PlatformError, match="cannot isolate its store"):
        demo.prepare_sandbox()


def test_the_demos_weborca_profile_speaks_of_weborca(tmp_path):
    """Its notices and wrong-password hint come from the WebORCA family, not the OBN one
    (only WebORCA stops when that certificate lapses; its password is issued by the site)."""
    from pycert.demo.sandbox import DEMO_POLICY
    from pycert.policy.load import load_policy_file

    path = tmp_path / "pycert.toml"
    path.write_text(DEMO_POLICY, encoding="utf-8")
    orca = load_policy_file(path).policy.profiles["orca"]
    assert (orca.notice.family, orca.password_origin) == ("weborca", "issued-by-site")
