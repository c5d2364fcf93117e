"""pythonnet: load the .NET runtime once, then read and change X509Stores.

.NET Framework on Windows, Mono elsewhere. Mono keeps its CurrentUser stores under
$XDG_CONFIG_HOME/.mono/certs and reads that variable once, at first store access.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import warnings
from datetime import datetime, timedelta, timezone

from pycert.common.certparse import der_details
from pycert.common.errors import PlatformError
from pycert.common.model import CertificateInfo, KeyPresence, Placement, StoreReading, StoreRef, UnreadableCertificate

_lock = threading.Lock()
_runtime = None  # the loaded namespace objects, once

_EPOCH_TICKS = datetime(1, 1, 1, tzinfo=timezone.utc)
# X509Store.Add on CurrentUser\Root when the user answers "No" to Windows' root warning (or
# no one can see it): the HRESULT, or the bare Win32 code .NET Framework sometimes passes on.
ERROR_CANCELLED = (0x800704C7, 0x4C7)
ALLOW_MONO_MACHINE_STORE = "PYCERT_ALLOW_MONO_MACHINE_STORE"
_KU_NAMES = (
    # X509KeyUsageFlags bit -> name, in RFC 5280 order
    (0x80, "digitalSignature"),
    (0x40, "nonRepudiation"),
    (0x20, "keyEncipherment"),
    (0x10, "dataEncipherment"),
    (0x08, "keyAgreement"),
    (0x04, "keyCertSign"),
    (0x02, "cRLSign"),
    (0x01, "encipherOnly"),
    (0x8000, "decipherOnly"),
)


def runtime_name() -> str:
    return "netfx" if sys.platform == "win32" else "mono"


def load_runtime():
    """Load the CLR once per process and return the X509 namespace we use."""
    global _runtime
    with _lock:
        if _runtime is not None:
            return _runtime
        try:
            with warnings.catch_warnings():
                # clr_loader warns that Debian's Mono 6.8 is older than 6.12; it works.
                warnings.simplefilter("ignore")
                import pythonnet

                pythonnet.load(runtime_name())
                import clr  # noqa: F401  (registers the CLR import hook)
            from System import Array, Byte, IntPtr  # type: ignore[import-not-found]
            from System.Security.Cryptography.X509Certificates import (  # type: ignore[import-not-found]
                OpenFlags,
                StoreLocation,
                X509Certificate2,
                X509KeyStorageFlags,
                X509Store,
            )
        except Exception as exc:  # the runtime's own errors are many and untyped
            hint = (
                "install .NET Framework 4.8"
                if sys.platform == "win32"
                else "install Mono (apt-get install mono-devel)"
            )
            raise PlatformError(f"The .NET runtime could not be loaded ({_clr_message(exc)}); {hint}.") from None
        _runtime = {
            "Array": Array,
            "Byte": Byte,
            "IntPtr": IntPtr,
            "OpenFlags": OpenFlags,
            "StoreLocation": StoreLocation,
            "X509Certificate2": X509Certificate2,
            "X509KeyStorageFlags": X509KeyStorageFlags,
            "X509Store": X509Store,
        }
        return _runtime


def user_store_root() -> str:
    """The folder Mono keeps CurrentUser stores under (its ApplicationData folder)."""
    load_runtime()
    from System import Environment  # type: ignore[import-not-found]

    return str(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData))


def runtime_loaded() -> bool:
    return _runtime is not None


class UserCancelled(PlatformError):
    """Windows' confirmation dialog for a CurrentUser\\Root add was answered No (or could not be shown)."""


class DotNetStores:
    """Read and change X509Stores through .NET. Key presence is only trusted on Windows."""

    def __init__(self, name: str, keys_known: bool, crypt32=None):
        self.name = name
        self.keys_known = keys_known
        self.crypt32 = crypt32  # platform.windows.crypt32.Crypt32; injectable for tests

    @property
    def windows(self) -> bool:
        return self.name == "netfx"

    @property
    def reads_aes_pfx(self) -> bool:
        """Mono's PFX loader cannot decrypt PBES2/AES-256; Windows 10 1709+ can."""
        return self.windows

    @classmethod
    def for_this_machine(cls) -> "DotNetStores":
        on_windows = sys.platform == "win32"
        return cls(name="netfx" if on_windows else "mono", keys_known=on_windows)

    # -- reading -------------------------------------------------------------
    def read(self, store: StoreRef) -> StoreReading:
        rt = load_runtime()
        flags = rt["OpenFlags"]
        try:
            handle = self._open(store, flags.ReadOnly | flags.OpenExistingOnly)
        except Exception as exc:
            if self._absent(exc):
                return StoreReading(store, "absent")
            return StoreReading(store, "error", error=_clr_message(exc))
        try:
            certificates, unreadable = self._decode_all(store, handle.Certificates)
        except Exception as exc:  # the collection itself: the store cannot be listed
            return StoreReading(store, "error", error=_clr_message(exc))
        finally:
            handle.Close()
        return StoreReading(store, "ok", tuple(certificates), unreadable=tuple(unreadable))

    def _decode_all(self, store: StoreRef, collection) -> tuple[list[CertificateInfo], list[UnreadableCertificate]]:
        """The one loop over a store's certificates: one that cannot be decoded is skipped
        and reported with its thumbprint, the others are judged."""
        certificates, unreadable = [], []
        for cert in collection:
            try:
                certificates.append(self._info(store, cert))
            except Exception as exc:
                unreadable.append(UnreadableCertificate(_raw_thumbprint(cert), _clr_message(exc)))
        return certificates, unreadable

    def read_many(self, stores) -> list[StoreReading]:
        return [self.read(s) for s in stores]

    # -- changing ------------------------------------------------------------
    def add_der(self, store: StoreRef, *ders: bytes) -> None:
        """Add certificates (no keys) to a store in one open; one already there changes nothing."""
        self._refuse_mono_machine_write(store)
        rt = load_runtime()
        certs = [rt["X509Certificate2"](rt["Array"][rt["Byte"]](der)) for der in ders]
        handle = self._open(store, rt["OpenFlags"].ReadWrite)
        try:
            for cert in certs:
                handle.Add(cert)
        except Exception as exc:
            if ((getattr(exc, "HResult", 0) or 0) & 0xFFFFFFFF) in ERROR_CANCELLED:
                raise UserCancelled(f"Adding the certificate to {store} was cancelled in the Windows confirmation dialog.") from None
            raise PlatformError(f"Could not add a certificate to {store} ({_clr_message(exc)}).") from None
        finally:
            handle.Close()

    def remove(self, store: StoreRef, thumbprint: str) -> bool:
        """Remove the certificate with this thumbprint; False when it was not there."""
        self._refuse_mono_machine_write(store)
        rt = load_runtime()
        handle = self._open(store, rt["OpenFlags"].ReadWrite)
        try:
            for cert in handle.Certificates:
                if cert.Thumbprint.upper() == thumbprint.upper():
                    handle.Remove(cert)
                    return True
            return False
        except Exception as exc:
            raise PlatformError(f"Could not remove {thumbprint} from {store} ({_clr_message(exc)}).") from None
        finally:
            handle.Close()

    def remove_with_key(self, store: StoreRef, thumbprint: str, delete_key: bool) -> tuple[bool, str]:
        """Remove a certificate, then (Windows, `delete_key`) its key container.

        The certificate leaves the store first: a failed key deletion then leaves an
        orphaned key (what the manuals' procedure leaves anyway), never a certificate
        without its key. A key shared with a certificate that stays is kept.
        Returns (removed, what happened to the key).
        """
        rt = load_runtime()
        handle = self._open(store, rt["OpenFlags"].ReadWrite)
        target, other_keys = None, set()
        try:
            for cert in handle.Certificates:
                if cert.Thumbprint.upper() == thumbprint.upper():
                    target = cert
                else:
                    other_keys.add(str(cert.GetPublicKeyString()))
            if target is None:
                return False, "not found"
            handle.Remove(target)
        except Exception as exc:
            raise PlatformError(f"Could not remove {thumbprint} from {store} ({_clr_message(exc)}).") from None
        finally:
            handle.Close()
        if not self.windows:
            return True, "not applicable (Mono keeps no keys in its stores)"
        if not delete_key:
            return True, "kept (--keep-keys)"
        if str(target.GetPublicKeyString()) in other_keys:
            return True, "kept (another certificate in the store uses the same key)"
        try:
            return True, self._crypt32().delete_key_container(int(target.Handle.ToInt64()))
        except PlatformError as exc:
            return True, f"left behind ({exc.message})"

    # -- PFX import ------------------------------------------------------------
    def unhonoured_options(self) -> list[str]:
        """Import-wizard options this platform cannot apply (said plainly in the output)."""
        if self.windows:
            return []
        return [
            "include all extended properties (Mono's PFX loader has no PKCS12_INCLUDE_EXTENDED_PROPERTIES)",
            "key persistence and the non-exportable key setting (Mono's stores keep no private keys)",
        ]

    def is_elevated(self) -> bool:
        """Windows: an administrator token. Elsewhere False, so an import writes the shared
        LocalMachine stores only when --machine asks for it."""
        if not self.windows:
            return False
        from pycert.platform.elevation import is_elevated

        return is_elevated()

    def import_pfx(self, data: bytes, password, placements: list[Placement], *, machine: bool, exportable: bool) -> list[Placement]:
        """Put each planned certificate of a PFX in its store, in the order given (leaf first):
        exactly the certificates the plan names (by thumbprint), nothing else the file holds.

        Windows: PFXImportCertStore with the wizard's flags, each planned context added
        through .NET. Mono: the leaf as the .NET loader returns it when that is the validated
        leaf, else from the validated DER (Mono's loader takes the file's first certificate,
        which may be a CA or a foreign one, and Mono's stores keep no keys anyway); chain
        certificates from the DER pfx.py parsed. Each store is read once and opened once, so
        the cost is linear in the chain. A certificate that fails is marked failed (or
        cancelled, for a declined root dialog) and the rest go on.
        """
        rt = load_runtime()
        if self.windows:
            from pycert.platform.windows.crypt32 import import_flags

            with self._crypt32().pfx_contexts(data, password, import_flags(machine, exportable)) as contexts:
                by_thumbprint = {}
                for context in contexts:
                    cert = rt["X509Certificate2"](rt["IntPtr"](context))
                    by_thumbprint[str(cert.Thumbprint).upper()] = cert
                self._place_all([(p, by_thumbprint.get(p.thumbprint)) for p in placements])
            return placements
        flags = rt["X509KeyStorageFlags"]
        storage = flags.PersistKeySet | (flags.MachineKeySet if machine else flags.UserKeySet)
        if exportable:
            storage |= flags.Exportable
        pairs = []
        for placement in placements:
            cert = None
            if placement.role == "leaf":
                try:
                    loaded = rt["X509Certificate2"](rt["Array"][rt["Byte"]](data), password.reveal() if password else "", storage)
                except Exception as exc:
                    raise PlatformError(f"Mono could not open the PFX ({_clr_message(exc)}); nothing was imported.") from None
                if str(loaded.Thumbprint).upper() == placement.thumbprint:
                    cert = loaded
            if cert is None:
                cert = rt["X509Certificate2"](rt["Array"][rt["Byte"]](placement.der))
            pairs.append((placement, cert))
        self._place_all(pairs)
        return placements

    def _place_all(self, pairs: list[tuple[Placement, object]]) -> None:
        """Add each (placement, certificate) to its store: every store read once before and
        opened once for writing, in the order the placements come."""
        rt = load_runtime()
        by_store: dict[StoreRef, list[tuple[Placement, object]]] = {}
        for placement, cert in pairs:
            if cert is None:
                placement.status, placement.detail = "failed", "the platform's PFX import did not return this certificate"
                continue
            by_store.setdefault(placement.store, []).append((placement, cert))
        for store, items in by_store.items():
            before = {c.thumbprint: c for c in self.read(store).certificates}
            to_add = []
            for placement, cert in items:
                existing = before.get(placement.thumbprint)
                if existing is not None and self.windows and (
                        placement.role != "leaf" or existing.has_private_key is KeyPresence.YES):
                    # Add of a certificate already in the store re-points its key link to the
                    # container PFXImportCertStore just made, and the old one is orphaned for
                    # good. Keep the working copy; drop the new container. (A copy whose key
                    # is gone is re-added: its new link is the repair.)
                    placement.status = "present"
                    if placement.role == "leaf":
                        placement.detail = self._drop_new_key(cert)
                    continue
                to_add.append((placement, cert))
            if not to_add:
                continue
            try:
                handle = self._open(store, rt["OpenFlags"].ReadWrite)
            except Exception as exc:
                for placement, _ in to_add:
                    placement.status, placement.detail = "failed", _clr_message(exc)
                continue
            try:
                for placement, cert in to_add:
                    self._place(handle, placement, cert, placement.thumbprint in before)
            finally:
                handle.Close()

    @staticmethod
    def _place(handle, placement: Placement, cert, present: bool) -> None:
        try:
            handle.Add(cert)
        except Exception as exc:
            message = _clr_message(exc)
            if _cancelled(exc, message):
                placement.status, placement.detail = "cancelled", "the user declined Windows' root certificate warning"
            else:
                placement.status, placement.detail = "failed", message
            return
        placement.status = "present" if present else "added"

    def _drop_new_key(self, cert) -> str:
        try:
            result = self._crypt32().delete_key_container(int(cert.Handle.ToInt64()))
        except PlatformError as exc:
            return f"already installed; the import's new key container was left behind ({exc.message})"
        return f"already installed with its key; the import's new key container: {result}"

    def _crypt32(self):
        if self.crypt32 is None:
            from pycert.platform.windows.crypt32 import Crypt32

            self.crypt32 = Crypt32()
        return self.crypt32

    # -- helpers -------------------------------------------------------------
    def _refuse_mono_machine_write(self, store: StoreRef) -> None:
        """Mono's LocalMachine stores (/usr/share/.mono/certs) are shared by every user and
        test run on the machine; PyCert only writes there when told to explicitly."""
        if self.name == "mono" and store.location == "LocalMachine" and os.environ.get(ALLOW_MONO_MACHINE_STORE) != "1":
            raise PlatformError(
                f"Refusing to change Mono's machine-wide store {store} (shared by every user of this machine); "
                f"use the CurrentUser store, or set {ALLOW_MONO_MACHINE_STORE}=1 if you mean it."
            )

    def _absent(self, exc: Exception) -> bool:
        """Decided on the HResult, never on the message (.NET Framework localises it: a
        Japanese Windows says 指定されたファイルが見つかりません。). Windows: 0x80070002 from
        CertOpenStore. Mono raises a plain CryptographicException (0x80131430) for a store
        folder that does not exist; it has no other cause on OpenExistingOnly."""
        code = _hresult(exc)
        if code == HRESULT_FILE_NOT_FOUND:
            return True
        return self.name == "mono" and code == CORSEC_E_CRYPTO and type(exc).__name__ == "CryptographicException"

    def _open(self, store: StoreRef, flags):
        rt = load_runtime()
        location = getattr(rt["StoreLocation"], store.location)
        handle = rt["X509Store"](store.name, location)
        handle.Open(flags)
        return handle

    def _info(self, store: StoreRef, cert) -> CertificateInfo:
        if cert.HasPrivateKey and self.windows:
            # HasPrivateKey is only the key link; the container behind it may be gone.
            # Opened silently (no UI) through CryptAcquireCertificatePrivateKey.
            key = self._crypt32().key_state(int(cert.Handle.ToInt64()))
        elif cert.HasPrivateKey:
            key = KeyPresence.YES
        else:
            key = KeyPresence.NO if self.keys_known else KeyPresence.UNKNOWN
        # Names, thumbprint and serial as Windows shows them; dates and extensions parsed
        # from the DER by `cryptography`, which is 4x faster than walking .NET's
        # Extensions collection through pythonnet (benchmarks/expiry_bench.py).
        der = bytes(cert.RawData)
        details = der_details(der) or _dotnet_details(cert)
        return CertificateInfo(
            store=store,
            subject=cert.Subject,
            issuer=cert.Issuer,
            thumbprint=hashlib.sha1(der).hexdigest().upper(),  # what .NET's Thumbprint is, without a round trip
            serial=cert.SerialNumber.upper(),
            has_private_key=key,
            friendly_name=cert.FriendlyName or "",
            sha256=hashlib.sha256(der).hexdigest().upper(),
            der=der,
            **details,
        )


def _dotnet_details(cert) -> dict:
    key_usages: tuple[str, ...] = ()
    ekus: tuple[str, ...] = ()
    for ext in cert.Extensions:
        oid = ext.Oid.Value
        if oid == "2.5.29.37":
            ekus = tuple(o.Value for o in ext.EnhancedKeyUsages)
        elif oid == "2.5.29.15":
            flags = int(ext.KeyUsages)
            key_usages = tuple(name for bit, name in _KU_NAMES if flags & bit)
    return {
        "not_before": _utc(cert.NotBefore),
        "not_after": _utc(cert.NotAfter),
        "ekus": ekus,
        "key_usages": key_usages,
    }


def _utc(value) -> datetime:
    """System.DateTime (Kind=Local on Mono and .NET) to an aware UTC datetime."""
    ticks = value.ToUniversalTime().Ticks
    return _EPOCH_TICKS + timedelta(microseconds=ticks // 10)


HRESULT_FILE_NOT_FOUND = 0x80070002  # HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
CORSEC_E_CRYPTO = 0x80131430  # Mono's CryptographicException for a store that does not exist


def _hresult(exc: Exception) -> int:
    value = getattr(exc, "HResult", None)
    return value & 0xFFFFFFFF if isinstance(value, int) else 0


def _raw_thumbprint(cert) -> str:
    try:
        return hashlib.sha1(bytes(cert.RawData)).hexdigest().upper()
    except Exception:  # not even the bytes: the certificate is still counted
        return ""


def _clr_message(exc: Exception) -> str:
    """One line from a .NET or Python exception: the first line, whitespace folded."""
    message = str(getattr(exc, "Message", None) or exc).strip()
    first = message.splitlines()[0] if "\n  at " in message else message
    return " ".join(first.split()).rstrip(".")


ERROR_CANCELLED_HRESULT = 0x800704C7


def _cancelled(exc: Exception, message: str = "") -> bool:
    """The CurrentUser\\Root "Security Warning" was answered No (or could not be shown)."""
    # .NET carries ERROR_CANCELLED either as its HRESULT or as the bare Win32 code
    return _hresult(exc) in (ERROR_CANCELLED_HRESULT, ERROR_CANCELLED_HRESULT & 0xFFFF)
