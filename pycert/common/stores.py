"""What the jobs need from a certificate-store backend, declared once.

`platform.store_backend()` decides which backend runs (platform/dotnet.py: .NET on
Windows, Mono elsewhere); every job receives it typed as one of these Protocols and uses
nothing else. Tests stand in for it with fakes that satisfy the same Protocols
(tests/test_store_protocol.py compares members and signatures).

Two levels, because reading is all a detect may do:
- `StoreReader`: what `detect`, `list` and `doctor` use;
- `StoreBackend`: what the changing jobs (`remediate`, `import`, `cleanup`) use as well.

No I/O here: this module only declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence

if TYPE_CHECKING:
    from pycert.common.model import Placement, StoreReading, StoreRef
    from pycert.common.secret import Secret


class StoreReader(Protocol):
    """Reads stores; changes nothing."""

    def read_many(self, stores: Sequence[StoreRef]) -> list[StoreReading]:
        """One StoreReading per store, in the order given. A store that does not exist
        is `absent`; one that cannot be opened is `error` with a reason: reading never
        raises for a single store, so one unreadable store cannot hide the others."""
        ...


class StoreBackend(StoreReader, Protocol):
    """Reads and changes certificate stores: everything a remediation needs.

    Every change is verified by the job through `read` afterwards; a backend reports
    what it did, it does not decide anything.
    """

    @property
    def keys_known(self) -> bool:
        """Whether `has_private_key` = NO means "this certificate has no key".

        True on Windows. False on Mono, whose stores never keep keys: there every
        certificate reads as UNKNOWN, and cleanup may not treat that as a missing key
        (expiry.rules.successor_key_trusted)."""
        ...

    @property
    def reads_aes_pfx(self) -> bool:
        """Whether `import_pfx` can decrypt a PBES2/AES-256 PFX (Windows 10 1709+: yes;
        Mono: no). Jobs skip or refuse such a file before planning its import."""
        ...

    def read(self, store: StoreRef) -> StoreReading:
        """One store as it is now (same contract as `read_many`); jobs re-read with it to
        verify a change."""
        ...

    def add_der(self, store: StoreRef, *ders: bytes) -> None:
        """Add certificates (DER, no keys) to a store in one open; one already there is not
        added twice. Raises PlatformError; `platform.dotnet.UserCancelled` (a PlatformError)
        when the user declines Windows' confirmation dialog for CurrentUser\\Root. The
        caller checks what it adds (a root's pin) before calling."""
        ...

    def remove_with_key(self, store: StoreRef, thumbprint: str, delete_key: bool) -> tuple[bool, str]:
        """Remove the certificate with this SHA-1 thumbprint, then (Windows, `delete_key`) its
        key container unless another certificate in the store shares the key. Returns
        (removed: False when it was not there, what happened to the key, for the log).
        Raises PlatformError when the store refuses."""
        ...

    def import_pfx(
        self, data: bytes, password: Secret | None, placements: list[Placement], *, machine: bool, exportable: bool
    ) -> list[Placement]:
        """Put each certificate of a PFX in the store its Placement names, in the order
        given (leaf first), with the import wizard's options; sets each Placement's status
        (`added`, `present`, `failed`, `cancelled`) and goes on after a failed one. Raises
        PlatformError when the PFX cannot be opened at all (then nothing was imported)."""
        ...

    def unhonoured_options(self) -> list[str]:
        """Import-wizard options this platform cannot apply, as sentences for the output
        (empty on Windows)."""
        ...

    def is_elevated(self) -> bool:
        """Whether this process may write LocalMachine stores without a dialog (an
        administrator token on Windows; always False elsewhere)."""
        ...
