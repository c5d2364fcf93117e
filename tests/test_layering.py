"""The package's import graph: no cycles (imports point one way), rules modules do no I/O,
and only platform/ touches the OS. Read statically with `ast`, function-level imports
included, so a lazy import cannot hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "pycert"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(name: str) -> set[str]:
    """Every pycert module that `name` imports, at any depth of its code."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imported(name) for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_in_pycert():
    assert find_cycle(GRAPH) is None


def test_the_graph_sees_function_level_imports():
    # expiry.job imports the renewal job inside remediate(), to keep it off the detect path
    assert "pycert.expiry.renewal" in GRAPH["pycert.expiry.job"]


def test_rules_modules_import_no_io():
    io_modules = {"pycert.platform", "pycert.common.files", "pycert.common.net", "pycert.common.logs",
                  "pycert.common.resultfile"}
    for name in [n for n in MODULES if n.endswith(".rules")]:
        source = MODULES[name].read_text(encoding="utf-8")
        reached = {t for t in GRAPH[name] if any(t == m or t.startswith(m + ".") for m in io_modules)}
        assert reached == set(), name
        for word in ("open(", "datetime.now(", "time.time(", "os.environ", "subprocess"):
            assert word not in source, f"{name} uses {word}"


def test_only_platform_touches_the_os():
    for name, path in MODULES.items():
        if name.startswith("pycert.platform"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not names & {"clr", "ctypes", "winreg", "pythonnet"}, name
