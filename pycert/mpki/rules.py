"""Pure decisions for the MPKI client upgrade: MSI versions, what is installed against what
is required, and the order of the upgrade. No I/O, no clock reads.

Windows Installer compares ProductVersion as major.minor.build (255.255.65535) and ignores
a fourth field; so do we, but we keep the fourth field to report it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_VERSION = re.compile(r"^\s*([0-9]{1,5})\.([0-9]{1,5})(?:\.([0-9]{1,5}))?(?:\.([0-9]{1,5}))?\s*$", re.ASCII)
_LIMITS = (255, 255, 65535, 65535)
_GUID = re.compile(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")


class VersionError(ValueError):
    """A version string that is not an MSI ProductVersion."""


@dataclass(frozen=True, order=False)
class MsiVersion:
    major: int
    minor: int
    build: int
    revision: int | None = None
    text: str = ""

    @property
    def key(self) -> tuple[int, int, int]:
        """What Windows Installer compares: the fourth field is ignored."""
        return (self.major, self.minor, self.build)

    def __str__(self) -> str:
        return self.text or ".".join(str(p) for p in self.key)


def parse_version(text: str) -> MsiVersion:
    """`1.2`, `1.2.3` or `1.2.3.4` with fields in MSI's ranges; anything else is VersionError."""
    if not isinstance(text, str):
        raise VersionError(f"version {text!r:.40} is not text")
    match = _VERSION.match(text)
    shown = text if len(text) <= 40 else text[:37] + "..."  # registry and MSI values are not ours
    if not match:
        raise VersionError(
            f"'{shown}' is not an MSI version; write major.minor.build with numbers only, e.g. 2.1.0"
        )
    parts = [int(g) if g is not None else None for g in match.groups()]
    for name, value, limit in zip(("major", "minor", "build", "fourth field"), parts, _LIMITS):
        if value is not None and value > limit:
            raise VersionError(f"'{shown}' is not an MSI version: the {name} may be at most {limit}")
    _, _, build, revision = parts
    return MsiVersion(int(match.group(1)), int(match.group(2)), build or 0, revision, text.strip())


def compare(a: MsiVersion, b: MsiVersion) -> int:
    """-1, 0 or 1 as Windows Installer would order the two versions."""
    return (a.key > b.key) - (a.key < b.key)


def at_least(version: MsiVersion, required: MsiVersion) -> bool:
    return compare(version, required) >= 0


def is_product_code(text: str) -> bool:
    return bool(_GUID.match(text or ""))


@dataclass(frozen=True)
class Installed:
    """One Uninstall-key entry whose DisplayName matched."""

    display_name: str
    display_version: str
    product_code: str  # the key name; a GUID for MSI products
    publisher: str = ""
    install_location: str = ""
    uninstall_string: str = ""
    sources: tuple[str, ...] = ()  # HKLM64, HKLM32, HKCU


@dataclass(frozen=True)
class ProductState:
    product: Installed
    state: str  # current | outdated | unreadable | not-msi
    reason: str = ""


@dataclass
class Assessment:
    """Installed products judged against the required version."""

    required: MsiVersion
    products: list[ProductState] = field(default_factory=list)
    missing: bool = False  # nothing installed and the policy wants it installed

    @property
    def to_remove(self) -> list[ProductState]:
        return [p for p in self.products if p.state in ("outdated", "unreadable")]

    @property
    def blocked(self) -> list[ProductState]:
        """Old products msiexec cannot remove (no product code): a person must look."""
        return [p for p in self.products if p.state == "not-msi"]

    @property
    def has_current(self) -> bool:
        return any(p.state == "current" for p in self.products)

    @property
    def needs_install(self) -> bool:
        return not self.has_current and (self.missing or bool(self.to_remove))

    @property
    def compliant(self) -> bool:
        return not self.missing and not self.to_remove and not self.blocked


def assess(products: list[Installed], required: MsiVersion, install_if_missing: bool) -> Assessment:
    states = []
    for product in products:
        try:
            version = parse_version(product.display_version)
        except VersionError as exc:
            state, reason = "unreadable", str(exc)
        else:
            state, reason = "outdated", f"{version} is older than {required}"
            if at_least(version, required):
                states.append(ProductState(product, "current"))
                continue
        if not is_product_code(product.product_code):
            state, reason = "not-msi", f"key '{product.product_code}' is not an MSI product code ({reason})"
        states.append(ProductState(product, state, reason))
    states.sort(key=lambda s: ({"not-msi": 0, "unreadable": 1, "outdated": 2, "current": 3}[s.state], s.product.product_code))
    return Assessment(required, states, missing=install_if_missing and not products)


# -- the MSI a remediation would install ------------------------------------------------

@dataclass(frozen=True)
class MsiFacts:
    """What the verifier found out about an MSI file."""

    product_name: str
    product_version: str
    product_code: str
    upgrade_code: str
    manufacturer: str
    sha256: str
    signature_valid: bool
    signature_reason: str = ""
    signer_subject: str = ""
    signer_thumbprint: str = ""
    read_error: str = ""  # why the file could not be read as an MSI at all


@dataclass(frozen=True)
class Pins:
    product_name: str
    required: MsiVersion
    signer_subject: str | None = None
    signer_thumbprint: str | None = None
    sha256: str | None = None


def msi_problems(facts: MsiFacts, pins: Pins) -> list[str]:
    """Every reason not to install this MSI; empty means it may be installed."""
    if facts.read_error:
        return [facts.read_error]
    problems = []
    if facts.product_name.casefold() != pins.product_name.casefold():
        problems.append(f"its ProductName is '{facts.product_name}', not '{pins.product_name}'")
    try:
        version = parse_version(facts.product_version)
        if not at_least(version, pins.required):
            problems.append(f"its ProductVersion {version} is older than the required {pins.required}")
    except VersionError as exc:
        problems.append(f"its ProductVersion is unreadable ({exc})")
    if not is_product_code(facts.product_code):
        problems.append(f"its ProductCode '{facts.product_code}' is not a GUID")
    if not facts.signature_valid:
        problems.append(f"its Authenticode signature is not valid ({facts.signature_reason})")
    else:
        if pins.signer_thumbprint and _hex(facts.signer_thumbprint) != _hex(pins.signer_thumbprint):
            problems.append(
                f"it is signed by thumbprint {facts.signer_thumbprint}, not the pinned {_hex(pins.signer_thumbprint)}"
            )
        if pins.signer_subject and pins.signer_subject.casefold() not in facts.signer_subject.casefold():
            problems.append(f"its signer '{facts.signer_subject}' does not contain the pinned '{pins.signer_subject}'")
    if pins.sha256 and _hex(facts.sha256) != _hex(pins.sha256):
        problems.append(f"its SHA-256 {facts.sha256} differs from the pinned {_hex(pins.sha256)}")
    return problems


def _hex(text: str) -> str:
    return re.sub(r"[\s:]", "", text or "").upper()


# -- the plan --------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    action: str  # wait-mutex | close-tray | uninstall | install | confirm
    target: str = ""  # product code or MSI path
    log: str = ""

    def describe(self) -> str:
        return {
            "wait-mutex": "wait for Global\\_MSIExecute (no other installation running)",
            "close-tray": f"close the client's tray process(es) running from {self.target}",
            "uninstall": f"msiexec /x {self.target} /qn /norestart /L*v {self.log}",
            "install": f"msiexec /i {self.target} /qn /norestart /L*v {self.log}",
            "confirm": f"re-read the Uninstall keys and confirm version {self.target} or newer",
        }[self.action]

    def as_json(self) -> dict:
        return {"action": self.action, "target": self.target, "log": self.log or None, "command": self.describe()}


def upgrade_plan(assessment: Assessment, msi_path: str, log_name) -> list[Step]:
    """The order that cannot strand a terminal: the MSI is verified before this plan exists;
    uninstall old products only right before installing the new one.

    `log_name(kind, target)` returns the log path for one msiexec run.
    """
    if assessment.compliant:
        return []
    steps = [Step("wait-mutex")]
    locations = sorted({p.product.install_location for p in assessment.to_remove if p.product.install_location})
    steps += [Step("close-tray", loc) for loc in locations]
    steps += [Step("uninstall", p.product.product_code, log_name("uninstall", p.product.product_code))
              for p in assessment.to_remove]
    if assessment.needs_install:
        steps.append(Step("install", msi_path, log_name("install", "")))
    steps.append(Step("confirm", str(assessment.required)))
    return steps


# msiexec exit codes (Windows Installer)
SUCCESS = 0
SUCCESS_REBOOT_INITIATED = 1641
SUCCESS_REBOOT_REQUIRED = 3010
ALREADY_RUNNING = 1618
UNKNOWN_PRODUCT = 1605
NO_ACTION = 1707


def exit_meaning(code: int) -> str:
    """`ok`, `reboot`, `busy`, `absent` or `failed` for an msiexec exit code."""
    if code in (SUCCESS, NO_ACTION):
        return "ok"
    if code in (SUCCESS_REBOOT_REQUIRED, SUCCESS_REBOOT_INITIATED):
        return "reboot"
    if code == ALREADY_RUNNING:
        return "busy"
    if code == UNKNOWN_PRODUCT:
        return "absent"
    return "failed"
