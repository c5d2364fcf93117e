"""The policy's pydantic models and the built-in defaults (validation rules live on the models)."""

from __future__ import annotations

import os
import re
from typing import Any, Literal

# PyCert uses no pydantic plugins; without this, importing pydantic scans every installed
# distribution's entry points for them (about 20 ms of each run's start-up).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from pycert.common.errors import ConfigError
from pycert.common.model import CertificateInfo
from pycert.common.shown import shown

STORE_LOCATIONS = ("CurrentUser", "LocalMachine")
STORE_NAMES = (
    "My",
    "CA",
    "Root",
    "AuthRoot",
    "TrustedPeople",
    "TrustedPublisher",
    "Disallowed",
    "AddressBook",
)
# Friendly names admins know from certmgr, mapped to OIDs.
EKU_NAMES = {
    "clientAuth": "1.3.6.1.5.5.7.3.2",
    "serverAuth": "1.3.6.1.5.5.7.3.1",
    "codeSigning": "1.3.6.1.5.5.7.3.3",
    "emailProtection": "1.3.6.1.5.5.7.3.4",
}
MAX_PATTERN_LENGTH = 512
# A pattern that backtracks catastrophically (e.g. "(a|aa)+$") must not hang a detection
# run: matching uses the `regex` module, whose search takes a timeout.
REGEX_TIMEOUT_SECONDS = 0.25
PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
OID = re.compile(r"^[0-2](\.[0-9]+)+$")

OBN_ISSUER = "Online Billing NW Common Root CA"

# Security Communication RootCA2 (SECOM): the root the OBN sites chain to; shipped in pycert/data.
ROOTCA2_SHA256 = "513B2CECB810D4CDE5DD85391ADFC6C2DD60D87BB736D2B521484AA47A0EBEF6"
ROOT_STORES = ("LocalMachine\\Root", "CurrentUser\\Root", "LocalMachine\\AuthRoot")
SHA256_HEX = re.compile(r"^[0-9A-F]{64}$")

BUILTIN_POLICY: dict[str, Any] = {
    "checks": ["expiry"],
    "profiles": {
        "obn": {
            "description": "オンライン請求ネットワーク関連システム共通認証局 client certificate",
            "match": {"issuer_contains": [OBN_ISSUER]},
            "stores": ["CurrentUser\\My"],
            "renewal_window_days": 90,
            "urgent_days": 14,
            "expected_lifetime_months": 39,
            "required": True,
            "notice": {"family": "obn"},
        }
    },
}


class _Strict(BaseModel):
    # defer_build: the validators are compiled on first validation (a policy file), not at
    # import, so a run on the built-in policy never pays for them (see builtin_policy).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class MatchRule(_Strict):
    """How a certificate is recognised. Every condition given must hold."""

    issuer_contains: list[str] = Field(default_factory=list)
    issuer_regex: str | None = None
    subject_regex: str | None = None
    eku: list[str] = Field(default_factory=list)

    @field_validator("issuer_contains")
    @classmethod
    def _non_empty_strings(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("an empty string would match every issuer; remove it")
        return value

    @field_validator("issuer_regex", "subject_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if len(value) > MAX_PATTERN_LENGTH:
            raise ValueError(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
        from pycert.policy.patterns import too_costly

        reason = too_costly(value)
        if reason:
            raise ValueError(reason)
        import regex

        try:
            regex.compile(value)
        except regex.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        return value

    @field_validator("eku")
    @classmethod
    def _known_eku(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in EKU_NAMES and not OID.match(item):
                names = ", ".join(EKU_NAMES)
                raise ValueError(f"'{item}' is neither a dotted OID nor one of {names}")
        return value

    @model_validator(mode="after")
    def _has_a_condition(self) -> "MatchRule":
        if not (self.issuer_contains or self.issuer_regex or self.subject_regex):
            raise ValueError("give issuer_contains, issuer_regex or subject_regex")
        return self

    def matches(self, cert: CertificateInfo) -> bool:
        issuer = cert.issuer.casefold()
        if self.issuer_contains and not any(s.casefold() in issuer for s in self.issuer_contains):
            return False
        if self.issuer_regex and not _search("issuer_regex", self.issuer_regex, cert.issuer):
            return False
        if self.subject_regex and not _search("subject_regex", self.subject_regex, cert.subject):
            return False
        wanted = {EKU_NAMES.get(e, e) for e in self.eku}
        return wanted.issubset(cert.ekus)


def _search(field: str, pattern: str, text: str) -> bool:
    import regex

    try:
        return regex.search(pattern, text, timeout=REGEX_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        raise ConfigError(
            f"The pattern match.{field} = {shown(repr(pattern), 80)} took too long on {shown(repr(text), 60)}; "
            "simplify it (avoid nested repeats such as (a+)+)."
        ) from None


NOTICE_FAMILIES = ("obn", "weborca", "kenshin", "other")
# Notice texts go into a toast and a msg.exe box: one line each, no control characters.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-]{2,23}$")


def _one_line(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("is empty; write the text, or remove the key to keep the built-in one")
    if value is not None and CONTROL.search(value):
        raise ValueError("write one line of text, without line breaks or control characters")
    return value.strip() if value is not None else value


FAMILY_PASSWORD_ORIGIN = {"obn": "chosen-at-download", "weborca": "issued-by-site", "kenshin": "issued-by-site"}


class ProfileNotice(_Strict):
    """`[profiles.<name>.notice]`: what a notice tells clinic staff about this family
    (expiry/notices.py has the built-in texts of each family; these keys replace them)."""

    family: Literal["obn", "weborca", "kenshin", "other"] = "other"
    service: str | None = Field(default=None, max_length=60)  # what stops working, e.g. "WebORCA"
    renew: str | None = Field(default=None, max_length=200)  # how renewal is done
    after_expiry: str | None = Field(default=None, max_length=200)  # what has to happen once it expired

    @field_validator("service", "renew", "after_expiry")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _one_line(value)


class Profile(_Strict):
    description: str = ""
    enabled: bool = True
    match: MatchRule
    stores: list[str] = Field(default_factory=lambda: ["CurrentUser\\My"], min_length=1)
    renewal_window_days: int = Field(90, ge=1, le=3650)
    urgent_days: int = Field(14, ge=0, le=3650)
    expected_lifetime_months: int | None = Field(None, ge=1, le=1200)
    required: bool = False
    # `remediate expiry`: where a renewed PFX may be staged (empty = the user's Downloads
    # folder) and the environment variable that holds its password when no sidecar file does.
    staging_folders: list[str] = Field(default_factory=list)
    password_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    # Where the family's PFX password comes from, for the wrong-password hint; unset: the
    # family's (password_origin).
    pfx_password: Literal["chosen-at-download", "issued-by-site"] | None = None
    # SHA-256 of the SubjectPublicKeyInfo of CA keys whose certificates count as this
    # profile's renewals even though another CA key issued the current one (expiry/trust.py).
    trusted_issuers: list[str] = Field(default_factory=list, max_length=64)
    notice: ProfileNotice = Field(default_factory=ProfileNotice)

    @property
    def password_origin(self) -> str | None:
        """`pfx_password`, else the family's: the OBN sites let the user choose a number when
        the PFX is downloaded; WebORCA and the 特定健診 cloud show a password their site
        issued; unknown (None: the hint names both) for any other family."""
        return self.pfx_password or FAMILY_PASSWORD_ORIGIN.get(self.notice.family)

    @field_validator("trusted_issuers")
    @classmethod
    def _key_digests(cls, value: list[str]) -> list[str]:
        digests = []
        for item in value:
            digest = re.sub(r"[\s:]", "", item).upper()
            if not SHA256_HEX.match(digest):
                raise ValueError(
                    f"'{shown(item, 80)}' is not a SHA-256 of a CA's public key: write 64 hexadecimal digits "
                    "(pycert list --format json shows it as issuer_key_sha256)"
                )
            if digest not in digests:
                digests.append(digest)
        return digests

    @field_validator("stores")
    @classmethod
    def _known_stores(cls, value: list[str]) -> list[str]:
        for store in value:
            location, sep, name = store.partition("\\")
            if not sep or location not in STORE_LOCATIONS or name not in STORE_NAMES:
                raise ValueError(
                    f"'{store}' is not a store; write Location\\Name with Location one of "
                    f"{', '.join(STORE_LOCATIONS)} and Name one of {', '.join(STORE_NAMES)}"
                )
        return value

    # A field validator, not an after-model one: pydantic skips those when any field of the
    # profile is invalid, and `config validate` promises every problem at once.
    @field_validator("urgent_days")
    @classmethod
    def _urgent_inside_window(cls, value: int, info: ValidationInfo) -> int:
        window = info.data.get("renewal_window_days")
        if window is not None and value > window:
            raise ValueError("urgent_days must not be larger than renewal_window_days")
        return value


MPKI_DISPLAY_NAME = "Cybertrust Managed PKI Client"
MPKI_URL = "https://cert.obn.managedpki.ne.jp/p/s"
PROXY_ADDRESS = re.compile(r"^(https?://)?[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}/?$")
HEX40 = re.compile(r"^[0-9A-Fa-f]{40}$")
HEX64 = re.compile(r"^[0-9A-Fa-f]{64}$")


class MpkiPolicy(_Strict):
    """`[mpki]`: which client version a terminal must have and how to get it."""

    display_name: str = Field(MPKI_DISPLAY_NAME, min_length=1, max_length=256)
    required_version: str = "latest"
    url: str = MPKI_URL
    install_if_missing: bool = False
    signer_subject: str | None = Field(None, min_length=1, max_length=1024)
    signer_thumbprint: str | None = None
    sha256: str | None = None
    cache_dir: str | None = None
    max_bytes: int = Field(100 * 1024 * 1024, ge=1024, le=2 * 1024 * 1024 * 1024)
    connect_timeout: float = Field(15.0, gt=0, le=600)
    read_timeout: float = Field(60.0, gt=0, le=3600)
    retries: int = Field(2, ge=0, le=10)
    proxy: str | None = None
    proxy_user: str | None = None
    mutex_wait_seconds: int = Field(600, ge=0, le=3600)
    busy_retries: int = Field(3, ge=0, le=20)
    tray_processes: list[str] = Field(default_factory=list, max_length=32)

    @field_validator("required_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if value == "latest":
            return value
        from pycert.mpki.rules import VersionError, parse_version

        try:
            parse_version(value)
        except VersionError as exc:
            raise ValueError(f"{exc}, or \"latest\"") from None
        return value

    @field_validator("url", "proxy")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError(f"'{shown(value, 80)}' is not an http(s) URL; write it as https://host/path")
        return value

    @field_validator("signer_thumbprint")
    @classmethod
    def _thumbprint(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.replace(" ", "").replace(":", "")
            if not HEX40.match(value):
                raise ValueError("a thumbprint is 40 hexadecimal digits (SHA-1), as certmgr shows it")
        return value.upper() if value else value

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, value: str | None) -> str | None:
        if value is not None and not HEX64.match(value.replace(" ", "")):
            raise ValueError("a SHA-256 is 64 hexadecimal digits (Get-FileHash prints it)")
        return value.replace(" ", "").upper() if value else value


class Network(_Strict):
    """`[network]`: how downloads (the MPKI client MSI, a root from a URL) reach the OBN hosts,
    for networks where detecting the proxy is not enough."""

    # "auto": policy > HTTPS_PROXY > PAC/WPAD > the user's Internet Options (user runs) or
    # the machine's WinHTTP proxy (SYSTEM); "direct": never a proxy; or http://host:port.
    proxy: str = "auto"
    proxy_auth: Literal["auto", "negotiate", "ntlm", "basic", "none"] = "auto"
    proxy_user: str | None = Field(None, min_length=1, max_length=256)  # DOMAIN\user; password: PYCERT_PROXY_PASSWORD
    pac_url: str | None = None  # a proxy script to use instead of the one Windows names
    wpad: bool = False  # ask WPAD (automatic detection) also when Windows' settings do not say so

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value: str) -> str:
        if value in ("auto", "direct") or PROXY_ADDRESS.match(value):
            return value
        raise ValueError(f"'{shown(value, 80)}' is not a proxy; write \"auto\", \"direct\" or http://host:port")

    @field_validator("pac_url")
    @classmethod
    def _pac(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError(f"'{shown(value, 80)}' is not an http(s) URL; write it as http://host/proxy.pac")
        return value


class NotifyPolicy(_Strict):
    """`[notify]`: who clinic staff should call, shown at the end of every notice (without
    it: the system administrator), and whether PyCert speaks where the MPKI client does."""

    contact_name: str | None = Field(default=None, max_length=40)
    contact_phone: str | None = None
    contact_url: str | None = Field(default=None, max_length=120)
    # The MPKI client notifies about the OBN certificate on the same schedule: PyCert's OBN
    # notices stay off where it is installed, unless this is true.
    alongside_mpki_client: bool = False

    @field_validator("contact_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _one_line(value)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not PHONE.match(value.strip()):
            raise ValueError(f"'{shown(value, 40)}' is not a phone number; write digits, '-', '(', ')' or spaces, "
                             "e.g. \"03-1234-5678\"")
        return value.strip() if value is not None else value

    @field_validator("contact_url")
    @classmethod
    def _contact_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s\x00-\x1f\x7f]+$", value):
            raise ValueError(f"'{shown(value, 80)}' is not an http(s) URL; write it as https://host/path")
        return value


MAX_RESULT_FOLDER = 180  # + a separator + a stem of up to 64 + `.rootca.json` = 257: under MAX_PATH (260)
_UNC = re.compile(r"^\\\\[A-Za-z0-9][A-Za-z0-9.-]*\\[^\\]+(\\[^\\]+)*\\?$")  # \\server\share[\dir...]
_DRIVE = re.compile(r"^[A-Za-z]:\\([^\\]+(\\[^\\]+)*\\?)?$")  # C:\dir[\dir...]
_NOT_IN_PATH = re.compile(r'[\x00-\x1f\x7f"*?<>|]')


def result_folder_problem(value: str) -> str | None:
    """Why `value` is not a folder for `[report] result_folder`, or None. Allowed: empty (no
    result files), a UNC path \\\\server\\share[\\folder...] or a local folder C:\\folder (and, off
    Windows, an absolute POSIX path). No relative paths, device paths (\\\\?\\, \\\\.\\), `..`,
    wildcards or quotes: the value goes into every terminal's runs."""
    if not value:
        return None
    if len(value) > MAX_RESULT_FOLDER:
        return f"is {len(value)} characters long; at most {MAX_RESULT_FOLDER} are allowed"
    if _NOT_IN_PATH.search(value):
        return "holds a control character or one of \" * ? < > |, which no Windows path holds"
    posix = os.name != "nt" and value.startswith("/") and not value.startswith("//")
    windows = bool(_UNC.match(value) or _DRIVE.match(value)) and "/" not in value and ":" not in value[2:]
    if not (posix or windows):
        return "is neither a UNC path (\\\\server\\share\\folder) nor a local folder (C:\\folder)"
    parts = [p for p in re.split(r"[\\/]", value) if p]
    if any(p in (".", "..") or p.endswith((" ", ".")) for p in parts[1 if windows else 0:]):
        return "has a `.` or `..` part or a part ending in a space or a dot; write the folder's full plain path"
    return None


class Report(_Strict):
    """`[report]`: where terminals leave their results for `pycert report` (docs/ja/report.md)."""

    # Empty: no result files unless a run is given --result-file. Set: every detect/remediate
    # run also writes <folder>\<device>.<check>.json there, best-effort (see cli.context).
    result_folder: str = ""

    @field_validator("result_folder")
    @classmethod
    def _folder(cls, value: str) -> str:
        problem = result_folder_problem(value)
        if problem:
            raise ValueError(f"'{shown(value, 80)}' {problem}")
        return value


class RootPin(_Strict):
    """A root certificate PyCert may install: only a certificate with exactly this SHA-256."""

    name: str = Field(min_length=1, max_length=64)
    sha256: str
    required: bool = True
    # Where the root counts as installed, and where remediation puts it (auto = machine,
    # only when elevated; user = CurrentUser\Root, Windows asks the user to confirm).
    stores: list[str] = Field(default_factory=lambda: list(ROOT_STORES), min_length=1)
    scope: Literal["auto", "machine", "user"] = "auto"
    source: str = "bundled"  # bundled | a file path | an https:// URL

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str) -> str:
        digest = re.sub(r"[\s:]", "", value).upper()
        if not SHA256_HEX.match(digest):
            raise ValueError("a SHA-256 fingerprint is 64 hexadecimal digits (colons and spaces are allowed)")
        return digest

    @field_validator("stores")
    @classmethod
    def _root_stores(cls, value: list[str]) -> list[str]:
        for store in value:
            if store not in ROOT_STORES:
                raise ValueError(f"'{store}' is not a root store; use {', '.join(ROOT_STORES)}")
        return value

    @model_validator(mode="after")
    def _installs_where_it_counts(self) -> "RootPin":
        target = "CurrentUser\\Root" if self.scope == "user" else "LocalMachine\\Root"
        if target not in self.stores:
            raise ValueError(f"scope '{self.scope}' installs into {target}, which is not in this pin's stores")
        return self


class RootCA(_Strict):
    expiry_warning_days: int = Field(365, ge=0, le=3650)
    download_timeout_seconds: float = Field(30.0, gt=0, le=600)
    pins: list[RootPin] = Field(
        default_factory=lambda: [RootPin(name="Security Communication RootCA2", sha256=ROOTCA2_SHA256)]
    )

    @field_validator("pins")
    @classmethod
    def _unique(cls, value: list[RootPin]) -> list[RootPin]:
        for key in ("name", "sha256"):
            seen = [getattr(p, key) for p in value]
            twice = sorted({k for k in seen if seen.count(k) > 1})
            if twice:
                raise ValueError(f"two pins have the same {key} ({twice[0]}); each pin must be listed once")
        return value


class Backup(_Strict):
    """`[backup]`: what becomes of a staged PFX and its password file once `remediate expiry`
    has imported and verified it. Never left in the staging folder (Downloads): moved into a
    folder only this user, SYSTEM and Administrators can read, or deleted."""

    after_import: Literal["move", "delete"] = "move"
    # empty: %LOCALAPPDATA%\PyCert\backup on Windows, $XDG_DATA_HOME/pycert/backup elsewhere
    folder: str = Field("", max_length=1024)


class Policy(_Strict):
    checks: list[Literal["expiry", "rootca", "mpki"]] = Field(default_factory=lambda: ["expiry"])
    profiles: dict[str, Profile]
    rootca: RootCA = Field(default_factory=RootCA)
    mpki: MpkiPolicy = Field(default_factory=MpkiPolicy)
    network: Network = Field(default_factory=Network)
    backup: Backup = Field(default_factory=Backup)
    notify: NotifyPolicy = Field(default_factory=NotifyPolicy)
    report: Report = Field(default_factory=Report)

    @field_validator("profiles")
    @classmethod
    def _profile_names(cls, value: dict[str, Profile]) -> dict[str, Profile]:
        for name in value:
            if not PROFILE_NAME.match(name):
                raise ValueError(
                    f"profile name '{shown(name, 40)}' must be 1-32 lower-case letters, digits, '-' or '_'"
                )
        return value

    def enabled_profiles(self) -> dict[str, Profile]:
        return {name: p for name, p in self.profiles.items() if p.enabled}

    def select(self, name: str | None) -> dict[str, Profile]:
        """The profiles a command works on: one by name, or every enabled one."""
        if name is None:
            return self.enabled_profiles()
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(f"There is no profile '{shown(name, 60)}' in the policy; known profiles: {known}.")
        return {name: self.profiles[name]}


def builtin_policy() -> Policy:
    """BUILTIN_POLICY as a Policy, built without running the validators: most terminals have
    no policy file, and validating would compile every model's schema on each run. Must
    equal Policy.model_validate(BUILTIN_POLICY) (tests/test_config.py compares them)."""
    obn = BUILTIN_POLICY["profiles"]["obn"]
    profile = Profile.model_construct(**{**obn, "match": MatchRule.model_construct(**obn["match"]),
                                         "notice": ProfileNotice.model_construct(**obn["notice"])})
    pins = [RootPin.model_construct(name="Security Communication RootCA2", sha256=ROOTCA2_SHA256)]
    return Policy.model_construct(
        checks=list(BUILTIN_POLICY["checks"]),
        profiles={"obn": profile},
        rootca=RootCA.model_construct(pins=pins),
        mpki=MpkiPolicy.model_construct(),
        network=Network.model_construct(),
        backup=Backup.model_construct(),
        notify=NotifyPolicy.model_construct(),
        report=Report.model_construct(),
    )
