"""Pure decisions for importing a PFX: each certificate's role and store (the wizard's
"automatically select the store"), the lifetime in months, and the warnings an admin
should read before importing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Collection, Iterable, Mapping, Sequence

from pycert.common.dates import DAY, expiry_text
from pycert.common.i18n import N_
from pycert.common.model import CertificateInfo, Placement, StoreRef, rdn_value
from pycert.common.shown import shown

ROLE_STORE = {"leaf": "My", "intermediate": "CA", "root": "Root", "other": "AddressBook"}
# Leaf first, roots last: a declined root dialog then cannot stop the leaf.
ROLE_ORDER = {"leaf": 0, "intermediate": 1, "other": 2, "root": 3}
MONTH_DAYS = 365.2425 / 12


# Where a family's PFX password comes from (the profile's `pfx_password`): the OBN sites let
# the user choose a number when the PFX is downloaded; WebORCA and the 特定健診 cloud show a
# password the site issued. The wrong-password sentence ends with the matching hint.
PASSWORD_HINTS = {
    "chosen-at-download": N_("it is the number chosen when the certificate was downloaded"),
    "issued-by-site": N_("it is the password the download site issued with the certificate (often saved in a text file next to it)"),
}
ANY_PASSWORD_HINT = N_("it is the number chosen when the certificate was downloaded (Online Billing NW) or the password "
                       "the download site issued with it (WebORCA and other cloud services)")


def password_hint(kinds: Iterable[str | None]) -> str:
    """The hint for the profiles a PFX may belong to (their Profile.password_origin): theirs
    when they agree, else (or when unknown: None) both."""
    found = set(kinds)
    only = found.pop() if len(found) == 1 else None
    return PASSWORD_HINTS[only] if only else ANY_PASSWORD_HINT


def chain_role(cert: CertificateInfo, is_ca: bool) -> str:
    """The wizard's "automatically select the store": self-signed -> root, CA -> intermediate,
    any other certificate without a key -> Other People."""
    if cert.subject == cert.issuer:
        return "root"
    return "intermediate" if is_ca else "other"


def import_destination(role: str, machine: bool, elevated: bool) -> StoreRef:
    """Where an imported certificate goes. A root goes to LocalMachine\\Root when the
    process is elevated (no dialog there), otherwise to CurrentUser\\Root (Windows asks)."""
    location = "LocalMachine" if machine or (role == "root" and elevated) else "CurrentUser"
    return StoreRef(location, ROLE_STORE[role])


@dataclass(frozen=True)
class ImportStep:
    """Put one certificate of a PFX file into one store (the leaf with its private key)."""

    file: str
    role: str  # leaf | intermediate | root | other
    subject: str
    thumbprint: str
    store: StoreRef
    der: bytes = field(default=b"", repr=False, compare=False)
    action: str = field(default="import", init=False)

    def describe(self) -> str:
        name = rdn_value(self.subject, "CN") or self.subject
        key = " with its private key" if self.role == "leaf" else ""
        return f"import {self.role} {self.thumbprint} ({name}){key} from {self.file} into {self.store}"

    def as_json(self) -> dict:
        return {"action": self.action, "role": self.role, "subject": self.subject, "thumbprint": self.thumbprint,
                "file": self.file, "store": str(self.store)}

    def placement(self) -> Placement:
        """The record the platform import fills in for this step (status, detail)."""
        return Placement(self.thumbprint, self.subject, self.role, self.store, der=self.der)


@dataclass(frozen=True)
class RootLeftOut:
    """A self-signed CA certificate of a PFX that the import does not write to a Root store.

    A root goes into a Root store only when [rootca] pins its SHA-256. Otherwise it is
    `present` (already in a Root store of the terminal: nothing to write) or `skipped`.
    The leaf and the intermediates are imported either way."""

    file: str
    subject: str
    thumbprint: str
    sha256: str
    status: str  # "skipped" | "present"
    present_in: tuple[StoreRef, ...] = ()

    def describe(self) -> str:
        name = shown(rdn_value(self.subject, "CN") or self.subject, 80)
        if self.status == "present":
            return N_(f"root {name} is already in {self.present_in[0]}; nothing written (only a root pinned in [rootca] is written).")
        pin_name = name[:64].replace('"', "'").strip() or self.thumbprint[:16]
        return N_(
            f"root {name} (SHA-256 {self.sha256}) was not imported: it is neither pinned in [rootca] nor in a Root "
            "store of this terminal. If you trust it, add it to the policy "
            f'([[rootca.pins]] name = "{pin_name}", sha256 = "{self.sha256}", required = false) and import again.'
        )

    def as_json(self) -> dict:
        return {"role": "root", "subject": self.subject, "thumbprint": self.thumbprint, "sha256": self.sha256,
                "status": self.status, "present_in": [str(s) for s in self.present_in], "message": self.describe()}


def roots_left_out(
    file: str, roots: Iterable[CertificateInfo], pins: Collection[str], present: Mapping[str, Sequence[StoreRef]]
) -> list[RootLeftOut]:
    """The PFX's roots that must not be written: every one whose SHA-256 (of the DER) is
    not pinned. `present`: SHA-256 -> the Root stores of the terminal that hold it."""
    return [
        RootLeftOut(file, r.subject, r.thumbprint, r.sha256, "present" if present.get(r.sha256) else "skipped",
                    tuple(present.get(r.sha256, ())))
        for r in roots if r.sha256 not in pins
    ]


def import_steps(
    file: str, certificates: Iterable[tuple[CertificateInfo, str, bytes]], machine: bool, elevated: bool
) -> list[ImportStep]:
    """Where each certificate of a PFX goes, leaf first and roots last.
    `certificates` are (certificate, role, DER) with the leaf first."""
    steps = [
        ImportStep(file, role, info.subject, info.thumbprint, import_destination(role, machine, elevated), der)
        for info, role, der in certificates
    ]
    return sorted(steps, key=lambda s: ROLE_ORDER[s.role])


def lifetime_months(not_before: datetime, not_after: datetime) -> int:
    """Validity period in whole months, rounded (3 years 3 months = 39)."""
    return round((not_after - not_before) / DAY / MONTH_DAYS)


def pfx_warnings(
    leaf: CertificateInfo,
    now: datetime,
    *,
    aes: bool,
    max_iterations: int | None,
    windows_max_iterations: int,
    profile: str | None,
    expected_lifetime_months: int | None,
    asked_profile: str | None = None,
) -> list[str]:
    """What a Windows admin should know before importing this PFX (nothing here is fatal)."""
    out = []
    if aes:
        out.append(N_("The PFX is encrypted with AES-256 (PBES2); Windows 10 before version 1709 cannot import it and reports a wrong password."))
    if max_iterations is not None and max_iterations > windows_max_iterations:
        out.append(
            N_(f"The PFX uses {max_iterations:,} PBKDF iterations; Windows and .NET reject more than "
               f"{windows_max_iterations:,}, so importing it there will fail.")
        )
    lifetime = lifetime_months(leaf.not_before, leaf.not_after)
    if expected_lifetime_months is not None and lifetime != expected_lifetime_months:
        out.append(
            N_(f"The certificate is valid for {lifetime} months, not the {expected_lifetime_months} months "
               f"expected for profile {profile}; check that it is the right certificate.")
        )
    if now >= leaf.not_after:
        out.append(N_(f"The certificate expired on {expiry_text(leaf.not_after)}."))
    elif now < leaf.not_before:
        out.append(N_(f"The certificate is not valid yet (from {leaf.not_before:%Y-%m-%d %H:%M} UTC)."))
    if profile is None:
        if asked_profile:
            out.append(N_(f"The issuer '{leaf.issuer}' does not match profile {asked_profile}."))
        else:
            out.append(N_(f"The issuer '{leaf.issuer}' matches no profile of the policy."))
    return out
