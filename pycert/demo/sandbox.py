"""`pycert demo`: a throw-away Mono store with realistic certificates, then list and detect.

It sets XDG_CONFIG_HOME to a new temporary folder *before* the .NET runtime loads, so
Mono's CurrentUser stores are the sandbox's, and it checks that they are before it
writes a single certificate.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from pycert.common.errors import PlatformError, UsageError

DEMO_POLICY = """\
# PyCert demo policy: the built-in OBN profile plus a WebORCA-style profile.
[profiles.obn]
renewal_window_days = 90

[profiles.orca]
description = "WebORCA cloud client certificate (example)"
match = { issuer_contains = ["ORCA Demo CA"] }
stores = ["CurrentUser\\\\My"]
renewal_window_days = 90
expected_lifetime_months = 36
required = false
notice = { family = "weborca" }  # its notices name WebORCA, not the OBN services
"""


def prepare_sandbox(base: str | None = None) -> Path:
    """Create the sandbox folder and point Mono at it. Must run before the runtime loads."""
    from pycert.platform import dotnet, is_windows

    if is_windows():
        raise UsageError(
            "pycert demo runs only on Linux or macOS with Mono; on Windows it would touch real "
            "certificate stores, so use `pycert list` instead."
        )
    if dotnet.runtime_loaded():
        raise PlatformError("The .NET runtime is already loaded, so the demo cannot isolate its store.")
    root = Path(base or tempfile.mkdtemp(prefix="pycert-demo-"))
    os.environ["XDG_CONFIG_HOME"] = str(root)
    (root / "pycert").mkdir(parents=True, exist_ok=True)
    (root / "pycert" / "pycert.toml").write_text(DEMO_POLICY, encoding="utf-8")
    return root


def seed(root: Path, backend, now: datetime) -> list[str]:
    """Put the demo certificates into the sandbox's CurrentUser\\My, and the sample CAs that
    issued them into its CurrentUser\\Root (so their issuers verify); return what was added."""
    from pycert.common.model import StoreRef
    from pycert.demo.samples import OBN_CA, make_certificate, obn_certificate, obn_renewal, sample_ca
    from pycert.platform.dotnet import user_store_root

    if Path(user_store_root()).resolve() != root.resolve():
        raise PlatformError(
            f"Mono's user stores are at {user_store_root()}, not in the sandbox {root}; "
            "the demo stops so that no real store is touched."
        )

    my = StoreRef("CurrentUser", "My")
    orca_ca = "CN=ORCA Demo CA,O=ORCA Demo,C=JP"
    older = obn_certificate("0110119153", 10, now, key_seed=1)
    # renewed 20 days ago, inside the old one's last 90 days: valid 3 years 3 months from then
    current = obn_renewal(older, now - timedelta(days=20))
    orca = make_certificate(
        "CN=orca-client-0042,O=Demo Clinic,C=JP",
        orca_ca,
        now - timedelta(days=1100),
        now - timedelta(days=5),
    )
    unrelated = make_certificate(
        "CN=printer.clinic.example,O=Demo Clinic,C=JP",
        "CN=Example Corp Issuing CA,O=Example Corp,C=US",
        now - timedelta(days=30),
        now + timedelta(days=700),
    )
    samples = [
        ("OBN 0110119153, renewed 20 days ago (3 years 3 months)", current),
        ("OBN 0110119153, 10 days left (the older one it replaces)", older),
        ("WebORCA-style certificate, expired 5 days ago", orca),
        ("unrelated certificate (matches no profile)", unrelated),
    ]
    backend.add_der(StoreRef("CurrentUser", "Root"), sample_ca(OBN_CA).der, sample_ca(orca_ca).der)
    backend.add_der(my, *(sample.der for _, sample in samples))
    stored = list((root / ".mono" / "certs" / "My").glob("*.cer"))
    if len(stored) != len(samples):
        raise PlatformError(
            f"The demo certificates did not land in the sandbox {root}; stopping so that no real store is touched."
        )
    return [label for label, _ in samples] + ["sample CAs of OBN and ORCA, in CurrentUser\\Root"]
