"""Read PowerShell source with tree-sitter-pwsh: functions, their attributes and
parameters, exe calls and string literals. Only what the contract tests need.

The module is read as it ships: `merged()` is the PyCert.psm1 the build makes from the source
one and Private/*.ps1 and Public/*.ps1 (packaging/buildlib/module.py's merge_module)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tree_sitter
import tree_sitter_pwsh

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "packaging") not in sys.path:
    sys.path.insert(0, str(ROOT / "packaging"))

from buildlib import module  # noqa: E402

MODULE_DIR = ROOT / "powershell" / "PyCert"
PSM1 = MODULE_DIR / module.ROOT_MODULE
PSD1 = MODULE_DIR / "PyCert.psd1"
PUBLIC_DIR = MODULE_DIR / "Public"
PRIVATE_DIR = MODULE_DIR / "Private"
SCRIPT_SUFFIXES = (".ps1", ".psm1", ".psd1")
# The line above each file's text in the merged module: `# --- Public/Get-PyCertCertificate.ps1`.
_MARKER = re.compile(rb"^" + re.escape(module.MARKER.encode("ascii")) + rb"(\S+)\r?$", re.MULTILINE)


@lru_cache(maxsize=1)
def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_pwsh.language()))


def powershell_files() -> list[Path]:
    found = []
    for top in ("powershell", "packaging"):
        found += [p for p in (ROOT / top).rglob("*") if p.suffix.lower() in SCRIPT_SUFFIXES]
    return sorted(found)


@dataclass
class Source:
    path: Path
    data: bytes
    tree: tree_sitter.Tree

    def text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")


def load(path: Path) -> Source:
    data = path.read_bytes()
    return Source(path, data, parser().parse(data))


@lru_cache(maxsize=1)
def merged() -> Source:
    """The PyCert.psm1 that ships, merged from the source tree the way the build does it."""
    data = module.merge_module(MODULE_DIR).encode("ascii")
    return Source(PSM1, data, parser().parse(data))


def module_files(folder: Path) -> list[Path]:
    """The .ps1 files of Public/ or Private/, in the order the build merges them."""
    return [p for p in module.module_sources(MODULE_DIR) if p.parent == folder]


def origin(source: Source, node) -> str:
    """The module file a node comes from, as 'Public/X.ps1': in the merged module, the marker
    above it; in a file of Public/ or Private/ itself, that file; else ''."""
    markers = [m for m in _MARKER.finditer(source.data) if m.start() < node.start_byte]
    if markers:
        return markers[-1].group(1).decode("ascii")
    if source.path.parent in (PUBLIC_DIR, PRIVATE_DIR):
        return f"{source.path.parent.name}/{source.path.name}"
    return ""


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def error_nodes(source: Source) -> list[str]:
    return [
        f"{source.path.name}:{n.start_point[0] + 1}:{n.start_point[1] + 1} {n.type}{' (missing)' if n.is_missing else ''}"
        for n in walk(source.tree.root_node)
        if n.type == "ERROR" or n.is_missing
    ]


def literal(source: Source, node) -> str | None:
    """The value of a quoted string without interpolation, else None."""
    if node.type != "string_literal":
        return None
    inner = node.children[0] if node.children else None
    if inner is not None and inner.type == "expandable_string_literal" and any(
        c.type in ("variable", "sub_expression") for c in walk(inner)
    ):
        return None
    return source.text(node)[1:-1]


def strings(source: Source, node) -> list[str]:
    return [v for n in walk(node) if (v := literal(source, n)) is not None]


@dataclass
class Parameter:
    name: str
    type: str
    attributes: dict[str, list[str]]  # attribute name -> its argument texts

    @property
    def mandatory(self) -> bool:
        return "Mandatory" in self.attributes.get("Parameter", [])


@dataclass
class Function:
    name: str
    node: object
    public: bool  # defined in Public/ (so exported)
    origin: str  # the module file that defines it, 'Public/X.ps1' ('' outside the module)
    binding: dict[str, str] = field(default_factory=dict)  # CmdletBinding arguments
    parameters: dict[str, Parameter] = field(default_factory=dict)


def _attributes(source: Source, attribute_list) -> tuple[dict[str, list[str]], str]:
    attributes, type_name = {}, ""
    for attribute in attribute_list.children:
        if attribute.type != "attribute":
            continue
        type_literal = next((c for c in attribute.children if c.type == "type_literal"), None)
        if type_literal is not None:
            type_name = source.text(type_literal).strip("[]").lower()
            continue
        name_node = next(c for c in attribute.children if c.type == "attribute_name")
        arguments = next((c for c in attribute.children if c.type == "attribute_arguments"), None)
        texts = [source.text(a) for a in arguments.children if a.type == "attribute_argument"] if arguments else []
        attributes[source.text(name_node)] = texts
    return attributes, type_name


def param_block(source: Source, node):
    """The param block of a function (or of the script when node is the program)."""
    for child in walk(node):
        if child.type == "param_block":
            return child
        if child is not node and child.type == "function_statement":
            return None
    return None


def parameters(source: Source, block) -> dict[str, Parameter]:
    found = {}
    if block is None:
        return found
    for p in (n for n in walk(block) if n.type == "script_parameter"):
        attribute_list = next((c for c in p.children if c.type == "attribute_list"), None)
        attributes, type_name = _attributes(source, attribute_list) if attribute_list else ({}, "")
        variable = next(c for c in p.children if c.type == "variable")
        name = source.text(variable)[1:]
        found[name] = Parameter(name, type_name, attributes)
        found.update(_swallowed(source, p))
    return found


def _swallowed(source: Source, script_parameter) -> dict[str, Parameter]:
    """tree-sitter-pwsh reads `$a = 'x', [string]$b` as one parameter whose default is an
    array; PowerShell reads two parameters. Recover the ones after the first element."""
    default = next((c for c in script_parameter.children if c.type == "script_parameter_default"), None)
    value = default.children[-1] if default is not None else None
    if value is None or value.type != "array_literal_expression":
        return {}
    found = {}
    elements = [c for c in value.children if c.type == "unary_expression"]
    for element in elements[1:]:
        variables = [n for n in walk(element) if n.type == "variable"]
        types = [source.text(n).strip("[]").lower() for n in walk(element) if n.type == "type_literal"]
        if variables:
            name = source.text(variables[-1])[1:]
            found[name] = Parameter(name, types[0] if types else "", {})
    return found


def validate_set(parameter: Parameter) -> list[str]:
    import re

    return re.findall(r"'([^']*)'", " ".join(parameter.attributes.get("ValidateSet", [])))


def function_statements(source: Source) -> list[tuple[str, object]]:
    """(name, node) of every function definition, in source order, duplicates included."""
    return [
        (source.text(next(c for c in node.children if c.type == "function_name")), node)
        for node in walk(source.tree.root_node)
        if node.type == "function_statement"
    ]


def functions(source: Source) -> dict[str, Function]:
    found = {}
    for name, node in function_statements(source):
        block = param_block(source, node)
        binding = {}
        if block is not None:
            attribute_list = next((c for c in block.children if c.type == "attribute_list"), None)
            if attribute_list is not None:
                attributes, _ = _attributes(source, attribute_list)
                for argument in attributes.get("CmdletBinding", []):
                    key, _, value = argument.partition("=")
                    binding[key.strip()] = value.strip().strip("'\"") or "true"
        where = origin(source, node)
        found[name] = Function(name, node, where.startswith("Public/"), where, binding, parameters(source, block))
    return found


def commands(source: Source, node, name: str):
    """Every invocation of command `name` below node."""
    for n in walk(node):
        if n.type == "command":
            command_name = next((c for c in n.children if c.type == "command_name"), None)
            if command_name is not None and source.text(command_name).lower() == name.lower():
                yield n


def named_argument(source: Source, command, parameter: str):
    """The node given after -parameter in a command invocation, or None."""
    elements = next((c for c in command.children if c.type == "command_elements"), None)
    if elements is None:
        return None
    items = [c for c in elements.children if c.type != "command_argument_sep"]
    for i, item in enumerate(items):
        if item.type == "command_parameter" and source.text(item).lower() == f"-{parameter.lower()}":
            return items[i + 1] if i + 1 < len(items) else None
    return None


def hashtable(source: Source) -> dict[str, object]:
    """Top-level keys of a .psd1: strings as str, arrays of strings as list."""
    table = next(n for n in walk(source.tree.root_node) if n.type == "hash_literal_expression")
    body = next(c for c in table.children if c.type == "hash_literal_body")
    result = {}
    for entry in (c for c in body.children if c.type == "hash_entry"):
        key = source.text(next(c for c in entry.children if c.type == "key_expression"))
        value = entry.children[-1]
        values = strings(source, value)
        is_array = any(n.type in ("array_expression", "array_literal_expression") for n in walk(value))
        result[key] = values if is_array else (values[0] if values else source.text(value))
    return result
