"""The store backend contract (pycert/common/stores.py), checked member by member.

`runtime_checkable` isinstance only asks whether names exist; here every member the
Protocols declare is looked up on the real backend and on every fake the tests hand to a
job, and its parameters (names, kinds, defaults) are compared with the declaration. Fakes
are found by scanning the source for classes with `read_many`, so a new fake is checked
without being listed. tests/test_typing.py checks the same with mypy.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from pycert.common.stores import StoreBackend, StoreReader

ROOT = Path(__file__).resolve().parents[1]
P = inspect.Parameter
WRITES = {"add_der", "remove_with_key", "import_pfx"}  # a class with one of these stands in for a StoreBackend


def protocol_members(protocol) -> dict[str, object]:
    """name -> "property" or the method's Signature without `self`."""
    members: dict[str, object] = {}
    for cls in reversed(protocol.__mro__):
        if cls is object or cls.__module__ == "typing":
            continue
        for name, value in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(value, property):
                members[name] = "property"
            elif inspect.isfunction(value):
                signature = inspect.signature(value)
                members[name] = signature.replace(parameters=list(signature.parameters.values())[1:])
    return members


def signature_problems(name: str, want: inspect.Signature, have: inspect.Signature) -> list[str]:
    """Can every call the Protocol allows be made to `have`? Same names and kinds in order,
    defaults where the Protocol has them; extra parameters only with defaults."""
    wanted, got = list(want.parameters.values()), list(have.parameters.values())
    if any(p.kind is P.VAR_POSITIONAL for p in got) and any(p.kind is P.VAR_KEYWORD for p in got):
        return []  # (*args, **kwargs) takes anything
    problems = []
    positional = [p for p in got if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    by_name = {p.name: p for p in got}
    index = 0
    for p in wanted:
        if p.kind is P.POSITIONAL_OR_KEYWORD:
            other = positional[index] if index < len(positional) else None
            index += 1
            if other is None or other.name != p.name or other.kind is not P.POSITIONAL_OR_KEYWORD:
                problems.append(f"{name}: parameter {p.name} ({p.kind.description}) not matched by {other}")
        elif p.kind is P.VAR_POSITIONAL:
            if not any(g.kind is P.VAR_POSITIONAL for g in got):
                problems.append(f"{name}: takes no *{p.name}")
        elif p.kind is P.KEYWORD_ONLY:
            other = by_name.get(p.name)
            if other is None or other.kind not in (P.KEYWORD_ONLY, P.POSITIONAL_OR_KEYWORD):
                problems.append(f"{name}: no keyword parameter {p.name}")
                continue
        if p.default is not P.empty and by_name.get(p.name) is not None and by_name[p.name].default is P.empty:
            problems.append(f"{name}: parameter {p.name} needs a default")
    names = {p.name for p in wanted}
    for g in got:
        if g.name not in names and g.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD) and g.default is P.empty:
            problems.append(f"{name}: extra parameter {g.name} without a default")
    return problems


def conformance_problems(instance, protocol) -> list[str]:
    """Everything that keeps `instance` from satisfying `protocol`; empty means it does."""
    problems = []
    for name, want in protocol_members(protocol).items():
        static = inspect.getattr_static(instance, name, None)
        if static is None:
            problems.append(f"{name}: missing")
        elif want == "property":
            value = getattr(instance, name)
            if callable(value) or not isinstance(value, bool):
                problems.append(f"{name}: should be a bool attribute or property, is {value!r}")
        elif not callable(getattr(instance, name)):
            problems.append(f"{name}: should be a method")
        else:
            problems += signature_problems(name, want, inspect.signature(getattr(instance, name)))
    return problems


# -- the real backend and the importable fakes ------------------------------------------

def dotnet():
    from pycert.platform.dotnet import DotNetStores

    return DotNetStores("mono", keys_known=False)  # loads no runtime until a store is read


def memory():
    from pycert.report.samples import MemoryStores

    return MemoryStores(())


def user_only_machine():
    from tests.rootca_samples import UserOnlyMachine

    return UserOnlyMachine(dotnet())


@pytest.mark.parametrize("make,protocol", [
    (dotnet, StoreBackend), (memory, StoreReader), (user_only_machine, StoreBackend),
], ids=["DotNetStores", "MemoryStores", "UserOnlyMachine"])
def test_backend_satisfies_its_protocol(make, protocol):
    assert conformance_problems(make(), protocol) == []


def test_the_windows_backend_too():
    from pycert.platform.dotnet import DotNetStores

    assert conformance_problems(DotNetStores("netfx", keys_known=True), StoreBackend) == []


def test_a_broken_fake_is_caught():
    class Broken:
        keys_known = "no"

        def read_many(self, stores):
            return []

        def add_der(self, store, der):  # one certificate only: the Protocol takes *ders
            pass

        def remove_with_key(self, store, thumbprint):  # no delete_key
            return True, ""

        def import_pfx(self, data, password, placements, machine=False, exportable=False, strict=True):
            return placements  # keyword-only in the Protocol may be positional here: callers use keywords

        def unhonoured_options(self, platform):  # a parameter without a default
            return []

        is_elevated = False

    problems = conformance_problems(Broken(), StoreBackend)
    assert sorted(problems) == sorted([
        "keys_known: should be a bool attribute or property, is 'no'",
        "reads_aes_pfx: missing",
        "read: missing",
        "add_der: takes no *ders",
        "add_der: extra parameter der without a default",
        "remove_with_key: parameter delete_key (positional or keyword) not matched by None",
        "unhonoured_options: extra parameter platform without a default",
        "is_elevated: should be a method",
    ])


# -- every class in the source that stands in for a backend ------------------------------

def _ast_signature(function: ast.FunctionDef) -> inspect.Signature:
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [P.empty] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [P(a.arg, P.POSITIONAL_OR_KEYWORD, default=d) for a, d in zip(positional, defaults)][1:]
    if args.vararg:
        params.append(P(args.vararg.arg, P.VAR_POSITIONAL))
    params += [P(a.arg, P.KEYWORD_ONLY, default=P.empty if d is None else d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        params.append(P(args.kwarg.arg, P.VAR_KEYWORD))
    return inspect.Signature(params)


def source_fakes() -> list[tuple[str, ast.ClassDef]]:
    """Every class under pycert/ and tests/ that defines read_many (but the broken ones here)."""
    found = []
    for path in sorted([*ROOT.glob("pycert/**/*.py"), *ROOT.glob("tests/**/*.py")]):
        if path == Path(__file__).resolve():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.FunctionDef) and b.name == "read_many" for b in node.body
            ):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node))
    return found


def ast_problems(node: ast.ClassDef, protocol) -> list[str]:
    methods = {b.name: b for b in node.body if isinstance(b, ast.FunctionDef)}
    attributes = {t.id for b in node.body if isinstance(b, (ast.Assign, ast.AnnAssign))
                  for t in (b.targets if isinstance(b, ast.Assign) else [b.target]) if isinstance(t, ast.Name)}
    attributes |= {t.attr for f in methods.values() for n in ast.walk(f) if isinstance(n, ast.Assign)
                   for t in n.targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
    problems = []
    for name, want in protocol_members(protocol).items():
        method = methods.get(name)
        if want == "property":
            is_property = method is not None and any(
                isinstance(d, ast.Name) and d.id == "property" for d in method.decorator_list
            )
            if not is_property and name not in attributes:
                problems.append(f"{name}: missing")
        elif method is None:
            problems.append(f"{name}: missing")
        else:
            problems += signature_problems(name, want, _ast_signature(method))
    return problems


def test_every_fake_in_the_source_satisfies_the_protocol_it_stands_in_for():
    fakes = source_fakes()
    names = " ".join(where for where, _ in fakes)
    for expected in ("DotNetStores", "MemoryStores", "UserOnlyMachine", "test_doctor_cli.py"):
        assert expected in names, f"the scan should find {expected}: {names}"
    for where, node in fakes:
        writes = WRITES & {b.name for b in node.body if isinstance(b, ast.FunctionDef)}
        protocol = StoreBackend if writes else StoreReader
        assert ast_problems(node, protocol) == [], where


def test_the_source_scan_catches_a_partial_fake():
    node = ast.parse("class Half:\n    def read_many(self, stores): ...\n    def add_der(self, store, der): ...\n").body[0]
    assert isinstance(node, ast.ClassDef)
    assert "read: missing" in ast_problems(node, StoreBackend)
    assert "add_der: takes no *ders" in ast_problems(node, StoreBackend)


# -- the Protocol is what the jobs use, no more ------------------------------------------

def used_store_members(folder: str) -> set[str]:
    """Attributes read off a variable named `stores` in a capability's modules."""
    used = set()
    for path in (ROOT / "pycert" / folder).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "stores":
                used.add(node.attr)
    return used


def test_the_protocol_declares_exactly_what_the_jobs_use():
    used = set().union(*(used_store_members(f) for f in ("expiry", "pfx", "rootca", "mpki")))
    assert used == set(protocol_members(StoreBackend))
    assert set(protocol_members(StoreReader)) == {"read_many"}
    assert used_store_members("mpki") == set()


def test_no_job_takes_an_untyped_backend():
    """Every job function that receives the stores names them `stores` and types them."""
    import importlib

    from pycert.checks import CHECKS

    for name, check in CHECKS.items():
        module = importlib.import_module(check.job)
        for action in ("detect", "remediate"):
            parameters = list(inspect.signature(getattr(module, action)).parameters.values())
            if check.uses_stores:
                assert parameters[1].name == "stores", (name, action)
                assert parameters[1].annotation == ("StoreReader" if action == "detect" else "StoreBackend"), (name, action)
            else:
                assert [p.name for p in parameters[:2]] == ["policy", "now"], (name, action)
                assert all("Store" not in str(p.annotation) for p in parameters), (name, action)
