"""`--dry-run` shows the plan a real run executes: every step with its target store, and
nothing changed; then the real run does exactly those steps. Real CLI processes on a
sandboxed Mono store (cli_sandbox)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pycert.common import lineformat
from pycert.demo import samples
from pycert.policy.models import ROOTCA2_SHA256
from tests.pfxfiles import obn_pfx
from tests.rootca_samples import ROOTCA2_SHA1

NOW = samples.utc_now()
SECRET = "pw-dry-run-0042"
MONO_NAMES = {"Trust": "Root"}  # Mono's folder for CurrentUser\Root
USER_PIN = f'''
checks = ["rootca"]
[[rootca.pins]]
name = "Security Communication RootCA2"
sha256 = "{ROOTCA2_SHA256}"
stores = ["CurrentUser\\\\Root"]
scope = "user"
'''


def certificates(base: Path) -> set[tuple[str, str]]:
    """(store, thumbprint) of every certificate in the sandbox's CurrentUser stores, read
    from Mono's files (not through PyCert)."""
    found = set()
    for folder in (base / ".mono" / "certs").glob("*"):
        for cer in folder.glob("*.cer"):
            store = "CurrentUser\\" + MONO_NAMES.get(folder.name, folder.name)
            found.add((store, hashlib.sha1(cer.read_bytes()).hexdigest().upper()))
    return found


def tree(base: Path) -> dict[str, tuple[int, str]]:
    """Every file under the sandbox (stores, staged PFX and password files, policy, state)."""
    return {
        str(p.relative_to(base)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(base.rglob("*")) if p.is_file()
    }


def targets(plan: list[dict], action: str) -> set[tuple[str, str]]:
    return {(step["store"], step["thumbprint"]) for step in plan if step["action"] == action}


def pin_toml(root) -> str:
    """[rootca] pinning the PFX's sample root: only a pinned root is written to a Root store."""
    digest = hashlib.sha256(root.der).hexdigest().upper()
    return f'\n[[rootca.pins]]\nname = "Sample Root CA"\nsha256 = "{digest}"\nrequired = false\n'


def renewal_terminal(cli_sandbox, tmp_path):
    """20 days left on the installed certificate; its renewal, with chain, staged in Downloads."""
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    cli_sandbox.seed([old])
    staging = tmp_path / "Downloads"
    staging.mkdir()
    root, inter = samples.obn_chain(NOW)
    pfx, leaf = obn_pfx(staging, "0110119153_renewed.pfx", 1185, NOW, password=SECRET, chain=(inter, root))
    (staging / "0110119153_renewed.txt").write_text(SECRET + "\n", encoding="utf-8")
    cli_sandbox.write_policy(f"[profiles.obn]\nstaging_folders = [{json.dumps(str(staging))}]\n" + pin_toml(root))
    return old, pfx, leaf, inter, root


def test_remediate_expiry_dry_run_shows_each_store_then_the_real_run_does_exactly_that(cli_sandbox, tmp_path):
    old, pfx, leaf, inter, root = renewal_terminal(cli_sandbox, tmp_path)
    backup = tmp_path / "share" / "pycert" / "backup"
    env = {"PYCERT_STATE_DIR": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "share")}
    untouched, before = tree(tmp_path), certificates(tmp_path)

    dry = cli_sandbox.run("remediate", "expiry", "--dry-run", env=env)
    assert (dry.code, dry.stderr) == (1, "")
    *plan_lines, summary = dry.stdout.splitlines()
    assert plan_lines == [
        f"plan: import leaf {leaf.thumbprint} (0110119153) with its private key from {pfx} into CurrentUser\\My",
        f"plan: import intermediate {inter.thumbprint} (Online Billing NW Common Root CA - G1) from {pfx} into CurrentUser\\CA",
        f"plan: import root {root.thumbprint} (Sample Root CA) from {pfx} into CurrentUser\\Root",
        f"plan: move {pfx} and {pfx.with_suffix('.txt')} into {backup} once the import is verified "
        "(readable only by this user and administrators)",
        f"plan: remove {old.thumbprint} (0110119153, expires {old.certificate.not_valid_after_utc:%Y-%m-%d}) from CurrentUser\\My: "
        f"superseded by {leaf.thumbprint}",
    ]
    line = lineformat.parse(summary)
    assert (line.verdict, line.counters["planned"]) == ("NONCOMPLIANT", "1")
    # Issue 16 item 3: the summary line alone (all Intune shows) names what would be imported and removed.
    assert [(i.word, i.fields) for i in line.items if "plan" in i.fields] == [
        ("obn", {"plan": "import", "file": "0110119153_renewed.pfx", "tp": leaf.thumbprint[:8], "replaces": old.thumbprint[:8]}),
        ("obn", {"plan": "remove", "tp": old.thumbprint[:8], "store": "CurrentUser\\My"}),
    ]
    assert summary.endswith(f"| obn plan=import file=0110119153_renewed.pfx tp={leaf.thumbprint[:8]} replaces={old.thumbprint[:8]}"
                            f" | obn plan=remove tp={old.thumbprint[:8]} store=CurrentUser\\My")
    from pycert.report.parse import from_line  # the fleet report still reads one certificate from it

    assert [(c.state, c.thumbprint) for c in from_line(summary).certs] == [("due", old.thumbprint[:8])]

    as_json = cli_sandbox.run("remediate", "expiry", "--dry-run", "--format", "json", env=env)
    planned = json.loads(as_json.stdout)
    assert [(s["action"], s.get("role"), s.get("store")) for s in planned["plan"]] == [
        ("import", "leaf", "CurrentUser\\My"), ("import", "intermediate", "CurrentUser\\CA"),
        ("import", "root", "CurrentUser\\Root"), ("backup", None, None), ("remove", None, "CurrentUser\\My"),
    ]
    assert {s["file"] for s in planned["plan"] if s["action"] == "import"} == {str(pfx)}
    assert tree(tmp_path) == untouched  # no store, staged file or reminder state changed

    done = cli_sandbox.run("remediate", "expiry", "--format", "json", env=env)
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == "remediated" and data["plan"] == planned["plan"]
    after = certificates(tmp_path)
    assert after - before == targets(planned["plan"], "import")
    assert before - after == targets(planned["plan"], "remove") == {("CurrentUser\\My", old.thumbprint)}
    assert [(a["action"], a["status"]) for a in data["actions"]] == [
        ("import", "imported"), ("backup", "moved"), ("remove", "removed")]
    assert sorted(p.name for p in backup.iterdir()) == [pfx.name, pfx.with_suffix(".txt").name] and not pfx.exists()


def test_import_dry_run_plan_is_what_the_import_does(cli_sandbox, tmp_path):
    root, inter = samples.obn_chain(NOW)
    pfx, leaf = obn_pfx(tmp_path, "new.pfx", 1185, NOW, password=SECRET, chain=(inter, root))
    cli_sandbox.write_policy(pin_toml(root))
    env = {"PFX_PW": SECRET}
    untouched, before = tree(tmp_path), certificates(tmp_path)

    dry = cli_sandbox.run("import", str(pfx), "--password-env", "PFX_PW", "--dry-run", "--format", "json", env=env)
    assert dry.code == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert [(s["role"], s["store"], s["thumbprint"], s["file"]) for s in planned["plan"]] == [
        ("leaf", "CurrentUser\\My", leaf.thumbprint, str(pfx)),
        ("intermediate", "CurrentUser\\CA", inter.thumbprint, str(pfx)),
        ("root", "CurrentUser\\Root", root.thumbprint, str(pfx)),
    ]
    assert {p["status"] for p in planned["placements"]} == {"planned"}
    text = cli_sandbox.run("import", str(pfx), "--password-env", "PFX_PW", "--dry-run", env=env)
    assert text.stdout.splitlines()[0] == "Plan (dry run, nothing changed):"
    assert f"leaf         CurrentUser\\My" in text.stdout
    assert tree(tmp_path) == untouched

    done = cli_sandbox.run("import", str(pfx), "--password-env", "PFX_PW", "--format", "json", env=env)
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["plan"] == planned["plan"]
    assert [(p["store"], p["thumbprint"], p["status"]) for p in data["placements"]] == [
        (s["store"], s["thumbprint"], "added") for s in planned["plan"]
    ]
    assert certificates(tmp_path) - before == targets(planned["plan"], "import")


def test_cleanup_dry_run_plan_is_what_cleanup_removes(cli_sandbox, tmp_path):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    new = samples.obn_certificate("0110119153", 1185, NOW, key_seed=2)
    other = samples.obn_certificate("0110119999", 300, NOW, key_seed=3)
    cli_sandbox.seed([old, new, other])
    untouched, before = tree(tmp_path), certificates(tmp_path)

    dry = cli_sandbox.run("cleanup", "--dry-run", "--format", "json")
    assert dry.code == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["plan"] == [{
        "action": "remove", "profile": "obn", "store": "CurrentUser\\My", "thumbprint": old.thumbprint,
        "subject": planned["plan"][0]["subject"], "reason": "superseded", "successor": new.thumbprint,
    }]
    text = cli_sandbox.run("cleanup", "--dry-run")
    [remove] = [row for row in text.stdout.splitlines() if "REMOVE" in row]
    assert f"CurrentUser\\My  {old.thumbprint}" in remove
    assert tree(tmp_path) == untouched

    done = cli_sandbox.run("cleanup", "--yes", "--format", "json")
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["plan"] == planned["plan"]
    assert before - certificates(tmp_path) == targets(planned["plan"], "remove")
    assert certificates(tmp_path) - before == set()


def test_remediate_rootca_dry_run_names_pin_and_store_then_installs_exactly_that(cli_sandbox, tmp_path):
    cli_sandbox.write_policy(USER_PIN)
    untouched, before = tree(tmp_path), certificates(tmp_path)

    dry = cli_sandbox.run("remediate", "rootca", "--dry-run")
    assert (dry.code, dry.stderr) == (1, "")
    *plan_lines, summary = dry.stdout.splitlines()
    assert plan_lines == [
        f'plan: install root "Security Communication RootCA2" (SHA-256 {ROOTCA2_SHA256}) from bundled into CurrentUser\\Root'
    ]
    assert "action=would-install" in summary
    planned = json.loads(cli_sandbox.run("remediate", "rootca", "--dry-run", "--format", "json").stdout)
    assert planned["plan"] == [{"action": "install-root", "pin": "Security Communication RootCA2",
                                "sha256": ROOTCA2_SHA256, "store": "CurrentUser\\Root", "source": "bundled"}]
    assert tree(tmp_path) == untouched

    done = cli_sandbox.run("remediate", "rootca", "--format", "json")
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["plan"] == planned["plan"] and data["actions"][0]["action"] == "installed"
    assert certificates(tmp_path) - before == {("CurrentUser\\Root", ROOTCA2_SHA1)}


def test_remediate_all_dry_run_prints_every_checks_plan_before_the_summary(cli_sandbox, tmp_path):
    old, pfx, leaf, inter, root = renewal_terminal(cli_sandbox, tmp_path)
    policy = cli_sandbox.base / "pycert" / "pycert.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("[profiles.obn]", 'checks = ["expiry", "rootca"]\n[profiles.obn]')
                      + USER_PIN.replace('checks = ["rootca"]\n', ""), encoding="utf-8")
    untouched = tree(tmp_path)
    run = cli_sandbox.run("remediate", "--dry-run", env={"PYCERT_STATE_DIR": str(tmp_path / "state")})
    assert (run.code, run.stderr) == (1, "")
    *plan_lines, summary = run.stdout.splitlines()
    assert [p.split(" ")[1] for p in plan_lines] == ["import", "import", "import", "move", "remove", "install"]
    assert plan_lines[-1].endswith("into CurrentUser\\Root") and "RootCA2" in plan_lines[-1]
    assert lineformat.parse(summary).counters == {"expiry": "noncompliant", "rootca": "noncompliant"}
    assert tree(tmp_path) == untouched
