"""pythonnet: load the .NET runtime once, then read and change X509Stores.

.NET Framework on Windows, Mono elsewhere. Mono keeps its CurrentUser stores under
$XDG_CONFIG_HOME/.mono/certs and reads that variable once, at first store access.
"""

from __future__ import annotations

import sys
import threading
import warnings
from datetime import datetime, timedelta, timezone

from pycert.errors import PlatformError
from pycert.model import CertificateInfo, KeyPresence, StoreReading, StoreRef

_lock = threading.Lock()
_runtime = None  # the loaded namespace objects, once

_EPOCH_TICKS = datetime(1, 1, 1, tzinfo=timezone.utc)
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
_KU_CAMEL = {
    "digital_signature": "digitalSignature",
    "content_commitment": "nonRepudiation",
    "key_encipherment": "keyEncipherment",
    "data_encipherment": "dataEncipherment",
    "key_agreement": "keyAgreement",
    "key_cert_sign": "keyCertSign",
    "crl_sign": "cRLSign",
    "encipher_only": "encipherOnly",
    "decipher_only": "decipherOnly",
}
_KU_ATTRIBUTES = tuple(_KU_CAMEL)


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
            from System import Array, Byte  # type: ignore[import-not-found]
            from System.Security.Cryptography.X509Certificates import (  # type: ignore[import-not-found]
                OpenFlags,
                StoreLocation,
                X509Certificate2,
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
            "OpenFlags": OpenFlags,
            "StoreLocation": StoreLocation,
            "X509Certificate2": X509Certificate2,
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


class DotNetStores:
    """Read and change X509Stores through .NET. Key presence is only trusted on Windows."""

    def __init__(self, name: str, keys_known: bool):
        self.name = name
        self.keys_known = keys_known

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
            message = _clr_message(exc)
            if _means_absent(message):
                return StoreReading(store, "absent")
            return StoreReading(store, "error", error=message)
        try:
            certificates = tuple(self._info(store, c) for c in handle.Certificates)
        except Exception as exc:
            return StoreReading(store, "error", error=_clr_message(exc))
        finally:
            handle.Close()
        return StoreReading(store, "ok", certificates)

    def read_many(self, stores) -> list[StoreReading]:
        return [self.read(s) for s in stores]

    # -- changing ------------------------------------------------------------
    def add_der(self, store: StoreRef, *ders: bytes) -> None:
        """Add certificates (no keys) to a store in one open; one already there changes nothing."""
        rt = load_runtime()
        certs = [rt["X509Certificate2"](rt["Array"][rt["Byte"]](der)) for der in ders]
        handle = self._open(store, rt["OpenFlags"].ReadWrite)
        try:
            for cert in certs:
                handle.Add(cert)
        except Exception as exc:
            raise PlatformError(f"Could not add a certificate to {store} ({_clr_message(exc)}).") from None
        finally:
            handle.Close()

    def remove(self, store: StoreRef, thumbprint: str) -> bool:
        """Remove the certificate with this thumbprint; False when it was not there."""
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

    # -- helpers -------------------------------------------------------------
    def _open(self, store: StoreRef, flags):
        rt = load_runtime()
        location = getattr(rt["StoreLocation"], store.location)
        handle = rt["X509Store"](store.name, location)
        handle.Open(flags)
        return handle

    def _info(self, store: StoreRef, cert) -> CertificateInfo:
        if cert.HasPrivateKey:
            key = KeyPresence.YES
        else:
            key = KeyPresence.NO if self.keys_known else KeyPresence.UNKNOWN
        # Names, thumbprint and serial as Windows shows them; dates and extensions parsed
        # from the DER by `cryptography`, which is 4x faster than walking .NET's
        # Extensions collection through pythonnet (benchmarks/expiry_bench.py).
        details = _der_details(bytes(cert.RawData)) or _dotnet_details(cert)
        return CertificateInfo(
            store=store,
            subject=cert.Subject,
            issuer=cert.Issuer,
            thumbprint=cert.Thumbprint.upper(),
            serial=cert.SerialNumber.upper(),
            has_private_key=key,
            friendly_name=cert.FriendlyName or "",
            **details,
        )


def _der_details(der: bytes) -> dict | None:
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    try:
        with warnings.catch_warnings():
            # e.g. a negative serial: cryptography warns, Windows accepts; we report, not warn
            warnings.simplefilter("ignore")
            parsed = x509.load_der_x509_certificate(der)
        extensions = parsed.extensions
        ekus: tuple[str, ...] = ()
        key_usages: tuple[str, ...] = ()
        for ext in extensions:
            if ext.oid == ExtensionOID.EXTENDED_KEY_USAGE:
                ekus = tuple(oid.dotted_string for oid in ext.value)
            elif ext.oid == ExtensionOID.KEY_USAGE:
                key_usages = _key_usage_names(ext.value)
        return {
            "not_before": parsed.not_valid_before_utc,
            "not_after": parsed.not_valid_after_utc,
            "ekus": ekus,
            "key_usages": key_usages,
        }
    except ValueError:  # malformed or unsupported extension: let .NET read what it can
        return None


def _key_usage_names(usage) -> tuple[str, ...]:
    names = []
    for name in _KU_ATTRIBUTES:
        try:
            if getattr(usage, name):
                names.append(_KU_CAMEL[name])
        except ValueError:  # encipher_only/decipher_only are undefined without key_agreement
            pass
    return tuple(names)


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


def _means_absent(message: str) -> bool:
    """Mono: "Store X doesn't exists"; Windows: "The system cannot find the file specified"."""
    lower = message.lower()
    return "exist" in lower or "cannot find" in lower


def _clr_message(exc: Exception) -> str:
    """One line from a .NET or Python exception: the first line, whitespace folded."""
    message = str(getattr(exc, "Message", None) or exc).strip()
    first = message.splitlines()[0] if "\n  at " in message else message
    return " ".join(first.split()).rstrip(".")
