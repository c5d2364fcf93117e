"""Static contract of the PowerShell module: it parses, exports exactly its public
cmdlets, uses approved verbs, asks before changing anything, never takes a plaintext
password, and only passes sub-commands and options that the click tree really has."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import pycert
from tests.powershell import pwsh

# `Get-Verb` of Windows PowerShell 5.1 / PowerShell 7 (the approved list).
APPROVED_VERBS = {
    "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock",
    "Move", "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize",
    "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
    "Connect", "Disconnect", "Read", "Receive", "Send", "Write", "Backup", "Checkpoint", "Compare",
    "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group",
    "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync",
    "Unpublish", "Update", "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy",
    "Disable", "Enable", "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start",
    "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait", "Debug", "Measure", "Ping", "Repair",
    "Resolve", "Test", "Trace", "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect", "Use",
}
# Verbs that change the machine: their cmdlets must support -WhatIf/-Confirm.
STATE_CHANGING_VERBS = {
    "Add", "Clear", "Import", "Install", "New", "Register", "Remove", "Repair", "Reset", "Restore",
    "Set", "Uninstall", "Unregister", "Update",
}
# pycert sub-commands that change the machine (first word of the command path).
STATE_CHANGING_COMMANDS = {"remediate", "import", "cleanup"}

# Command paths the module calls that other branches add. The lead empties this list after
# merging them; a path listed here that exists already fails the test (so it gets removed),
# and a path missing from the click tree that is NOT listed here fails too.
EXPECTED_MISSING = {
}
RUNNER = "Invoke-PyCertExe"
# The runner, and the wrapper public cmdlets use to end with the runner's error.
RUNNER_CALLS = (RUNNER, "Invoke-PyCertCommand")
ROOT_OPTIONS = {"--config", "--debug"}

SOURCE = pwsh.merged()  # the PyCert.psm1 the build ships, merged from Private/ and Public/
FUNCTIONS = pwsh.functions(SOURCE)
PUBLIC = sorted(name for name, f in FUNCTIONS.items() if f.public)
MANIFEST = pwsh.hashtable(pwsh.load(pwsh.PSD1))


def click_tree() -> dict[tuple[str, ...], set[str]]:
    from pycert.cli import cli

    tree = {}

    def visit(command, path):
        tree[path] = {o for p in command.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}
        for name, sub in getattr(command, "commands", {}).items():
            visit(sub, path + (name,))

    visit(cli, ())
    return tree


def command_paths(function: pwsh.Function) -> list[tuple[str, ...]]:
    """Every command path a function can pass to the runner's -Command: string literals as
    they are; a parameter with a ValidateSet expands to each value, and to nothing when
    the parameter is optional (pycert runs every enabled check then)."""
    paths: list[tuple[str, ...]] = []
    calls = [c for name in RUNNER_CALLS for c in pwsh.commands(SOURCE, function.node, name)]
    for call in calls:
        argument = pwsh.named_argument(SOURCE, call, "Command")
        assert argument is not None, f"{function.name}: {SOURCE.text(call)[:40]} without -Command"
        elements = [c for c in argument.children if c.type == "unary_expression"] or [argument]
        combos: list[tuple[str, ...]] = [()]
        for element in elements:
            value = pwsh.strings(SOURCE, element)
            if value:
                combos = [c + (value[0],) for c in combos]
                continue
            variable = next(n for n in pwsh.walk(element) if n.type == "variable")
            parameter = function.parameters[SOURCE.text(variable)[1:]]
            choices = pwsh.validate_set(parameter)
            assert choices, f"{function.name}: -Command uses ${parameter.name}, which has no ValidateSet"
            options = [(c,) for c in choices] + ([] if parameter.mandatory else [()])
            combos = [c + o for c in combos for o in options]
        paths += combos
    return sorted(set(paths))


def options_passed(function: pwsh.Function) -> set[str]:
    return {s for s in pwsh.strings(SOURCE, function.node) if s.startswith("--")}


# -- parsing -------------------------------------------------------------------------

def test_the_tree_holds_the_module_and_the_deployment_scripts():
    names = {p.relative_to(pwsh.ROOT).as_posix() for p in pwsh.powershell_files()}
    assert {"powershell/PyCert/PyCert.psm1", "powershell/PyCert/PyCert.psd1"} <= names
    for folder in (pwsh.PUBLIC_DIR, pwsh.PRIVATE_DIR):
        files = pwsh.module_files(folder)
        assert files and {p.relative_to(pwsh.ROOT).as_posix() for p in files} <= names, folder.name
    for folder in ("packaging/intune/", "packaging/gpo/", "packaging/sccm/", "powershell/tests/"):
        assert any(n.startswith(folder) for n in names), folder


@pytest.mark.parametrize("path", pwsh.powershell_files(), ids=lambda p: p.relative_to(pwsh.ROOT).as_posix())
def test_every_powershell_file_parses(path):
    source = pwsh.load(path)
    assert pwsh.error_nodes(source) == []
    assert not source.tree.root_node.has_error


def test_the_merged_module_parses_and_holds_every_function_once():
    assert pwsh.error_nodes(SOURCE) == []
    assert not SOURCE.tree.root_node.has_error
    SOURCE.data.decode("ascii")
    assert b"source loader" not in SOURCE.data  # the loader region was replaced
    defined = [name for name, _ in pwsh.function_statements(SOURCE)]
    expected = [p.stem for p in pwsh.module_files(pwsh.PRIVATE_DIR) + pwsh.module_files(pwsh.PUBLIC_DIR)]
    assert defined == expected  # each once, in the build's order: Private then Public, by name


def test_the_merged_module_keeps_the_line_endings_of_the_source():
    crlf = b"\r\n" in pwsh.PSM1.read_bytes()
    lines = SOURCE.data.count(b"\n")
    assert SOURCE.data.count(b"\r\n") == (lines if crlf else 0)
    assert SOURCE.data.count(b"\r") == SOURCE.data.count(b"\r\n")


def test_the_parse_check_can_fail():
    broken = pwsh.Source(pwsh.PSM1, b"function X { if ($a { }", pwsh.parser().parse(b"function X { if ($a { }"))
    assert pwsh.error_nodes(broken)


# -- manifest --------------------------------------------------------------------------

def test_manifest_exports_exactly_the_public_functions():
    assert sorted(MANIFEST["FunctionsToExport"]) == PUBLIC
    assert sorted(MANIFEST["FunctionsToExport"]) == sorted(p.stem for p in pwsh.module_files(pwsh.PUBLIC_DIR))
    assert len(PUBLIC) >= 12
    assert MANIFEST["CmdletsToExport"] == [] and MANIFEST["AliasesToExport"] == [] and MANIFEST["VariablesToExport"] == []


@pytest.mark.parametrize(
    "path", pwsh.module_files(pwsh.PUBLIC_DIR) + pwsh.module_files(pwsh.PRIVATE_DIR),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_each_module_file_defines_the_one_function_it_is_named_after(path):
    source = pwsh.load(path)
    assert [name for name, _ in pwsh.function_statements(source)] == [path.stem]
    # Nothing else either: module-level code belongs in PyCert.psm1, which runs it before any file.
    [statements] = [c for c in source.tree.root_node.children if c.type != "comment"]
    assert [c.type for c in statements.children if c.type != "comment"] == ["function_statement"]
    assert FUNCTIONS[path.stem].origin == f"{path.parent.name}/{path.name}"  # and the merge kept it there
    assert FUNCTIONS[path.stem].public == (path.parent == pwsh.PUBLIC_DIR)
    if path.parent == pwsh.PRIVATE_DIR:
        assert path.stem not in MANIFEST["FunctionsToExport"]


def test_manifest_targets_both_editions_and_names_its_files():
    assert MANIFEST["CompatiblePSEditions"] == ["Desktop", "Core"]
    assert MANIFEST["PowerShellVersion"] == "5.1"
    assert MANIFEST["RootModule"] == "PyCert.psm1"
    for name in MANIFEST["FormatsToProcess"]:
        assert (pwsh.MODULE_DIR / name).is_file()


def test_module_version_is_the_package_version():
    assert MANIFEST["ModuleVersion"] == pycert.__version__


def test_help_topics_exist_in_english_and_japanese():
    for culture in ("en-US", "ja-JP"):
        text = (pwsh.MODULE_DIR / culture / "about_PyCert.help.txt").read_text(encoding="utf-8-sig")
        for name in PUBLIC:
            assert name in text, f"{culture} help does not mention {name}"


# -- cmdlet shape ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_verbs_are_approved(name):
    verb, _, noun = name.partition("-")
    assert verb in APPROVED_VERBS and noun.startswith("PyCert")


@pytest.mark.parametrize("name", PUBLIC)
def test_state_changing_cmdlets_support_should_process(name):
    function = FUNCTIONS[name]
    changes = name.split("-")[0] in STATE_CHANGING_VERBS or any(
        p[0] in STATE_CHANGING_COMMANDS for p in command_paths(function) if p
    )
    declares = function.binding.get("SupportsShouldProcess") == "true"
    assert declares == changes, f"{name}: SupportsShouldProcess={declares}, changes state={changes}"
    if changes:
        assert "--dry-run" in options_passed(function), f"{name}: -WhatIf must become --dry-run"
        assert "Resolve-PyCertAction" in SOURCE.text(function.node)
        expected = "High" if name.startswith(("Remove-", "Update-")) else "Medium"
        assert function.binding.get("ConfirmImpact") == expected


@pytest.mark.parametrize("name", PUBLIC)
def test_every_cmdlet_has_help_with_an_example(name):
    body = SOURCE.text(FUNCTIONS[name].node)
    assert ".SYNOPSIS" in body and ".EXAMPLE" in body and ".OUTPUTS" in body
    for parameter in FUNCTIONS[name].parameters:
        assert f".PARAMETER {parameter}" in body, f"{name}: no help for -{parameter}"


def test_only_the_runner_starts_processes():
    starters = re.compile(r"Process\]::Start|Start-Process|&\s*\$exe|Invoke-Expression", re.IGNORECASE)
    for name, function in FUNCTIONS.items():
        if name != RUNNER:  # the wrapper only calls the runner
            assert not starters.search(SOURCE.text(function.node)), name
    runner = SOURCE.text(FUNCTIONS[RUNNER].node)
    assert "'--format', 'json'" in runner and "StandardInput.BaseStream.Write" in runner


def test_functions_find_the_module_folder_through_module_root():
    """Inside a function $PSScriptRoot is the folder of the file that defines it, which is not
    the module folder once the function lives in a file of its own."""
    for name, function in FUNCTIONS.items():
        assert "$psscriptroot" not in SOURCE.text(function.node).lower(), name
    assert "$script:ModuleRoot = $PSScriptRoot" in SOURCE.data.decode("ascii")


def test_secure_strings_go_to_stdin_only():
    for name in PUBLIC:
        function = FUNCTIONS[name]
        secrets = [p for p in function.parameters.values() if p.type == "securestring"]
        if not secrets:
            continue
        calls = list(pwsh.commands(SOURCE, function.node, RUNNER))
        assert calls and all(pwsh.named_argument(SOURCE, c, "StdinSecret") is not None for c in calls), name
        assert "--password-stdin" in options_passed(function)
    assert not any(s.startswith("--password") and s != "--password-stdin" for s in pwsh.strings(SOURCE, SOURCE.tree.root_node))


PASSWORD_NAME = re.compile(r"pass(word)?|pwd|secret|pin$", re.IGNORECASE)


@pytest.mark.parametrize("path", pwsh.powershell_files(), ids=lambda p: p.relative_to(pwsh.ROOT).as_posix())
def test_no_plaintext_password_parameters(path):
    source = pwsh.load(path)
    blocks = [pwsh.param_block(source, source.tree.root_node)] + [
        pwsh.param_block(source, f.node) for f in pwsh.functions(source).values()
    ]
    for block in blocks:
        for parameter in pwsh.parameters(source, block).values():
            if PASSWORD_NAME.search(parameter.name):
                assert parameter.type in ("securestring", "pscredential"), f"{path.name}: ${parameter.name} is {parameter.type or 'untyped'}"


def test_format_views_match_the_type_names_the_module_emits():
    tree = ET.parse(pwsh.MODULE_DIR / "PyCert.format.ps1xml")
    viewed = {e.text for e in tree.iter("TypeName")}
    emitted = {s for s in pwsh.strings(SOURCE, SOURCE.tree.root_node) if s.startswith("PyCert.") and "." not in s[7:]}
    assert {"PyCert.Certificate", "PyCert.ComplianceResult", "PyCert.DoctorCheck"} <= viewed
    assert viewed <= emitted


# -- the CLI contract ----------------------------------------------------------------------

def test_the_runner_and_path_reader_see_every_cmdlets_exe_call():
    for name in PUBLIC:
        assert command_paths(FUNCTIONS[name]), f"{name} never calls {RUNNER}"
    assert command_paths(FUNCTIONS["Test-PyCertCompliance"]) == [
        ("detect",), ("detect", "expiry"), ("detect", "mpki"), ("detect", "rootca")
    ]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_cli_path_and_option_the_module_passes_exists(name):
    tree = click_tree()
    function = FUNCTIONS[name]
    paths = command_paths(function)
    missing = [p for p in paths if p not in tree]
    unexpected = [p for p in missing if p not in EXPECTED_MISSING]
    assert not unexpected, f"{name} calls pycert {unexpected}, which the click tree does not have"
    stale = [p for p in paths if p in tree and p in EXPECTED_MISSING]
    assert not stale, f"pycert {stale} exists now: remove it from EXPECTED_MISSING"
    present = [p for p in paths if p in tree]
    for path in present:
        assert "--format" in tree[path], f"the runner always passes --format, which pycert {' '.join(path)} lacks"
    unknown = {o for o in options_passed(function) - ROOT_OPTIONS if not any(o in tree[p] for p in present)}
    if missing:
        pytest.xfail(f"{name} waits for {', '.join(' '.join(p) for p in missing)}: {EXPECTED_MISSING[missing[0]]}")
    assert not unknown, f"{name} passes {sorted(unknown)}, which no command it calls accepts"


def test_root_options_are_real():
    assert ROOT_OPTIONS <= click_tree()[()]
