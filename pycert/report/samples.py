"""Sample fleets for tests, the benchmark and the docs' screenshot.

Each device's output is what PyCert itself would print: CheckResults come from the real
expiry.detect over an in-memory list of certificates, lines from output.summary_line.
Only the certificate store is replaced (by MemoryStores), because no real terminal is here.
"""

from __future__ import annotations

import csv
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Iterator

from pycert.common.model import CertificateInfo, CheckResult, KeyPresence, StoreReading, StoreRef

OBN_ISSUER_DN = "CN=Online Billing NW Common Root CA - G1, O=\"Cybertrust Japan Co., Ltd.\", C=JP"
LIFETIME = timedelta(days=365 * 3 + 91)
MY = StoreRef("CurrentUser", "My")

# Column headers of a Remediations "Device status" export, by source:
# api     - the Intune Export API schema (DeviceRunStatesByProactiveRemediation), which the
#           admin center's export now uses as well;
# portal  - the older admin-center export with display names;
# ja      - Japanese display names (not verified against a real export; see docs/ja/report.md).
EXPORT_COLUMNS = {
    "api": ("DeviceId", "DeviceName", "UPN", "UserName", "DetectionStatus", "RemediationStatus",
            "PreRemediationDetectionScriptOutput", "PreRemediationDetectionScriptError",
            "PostRemediationDetectionScriptOutput", "PostRemediationDetectionScriptError", "ModifiedTime"),
    "portal": ("Device name", "UPN", "Detection status", "Remediation status", "Pre-remediation detection output",
               "Pre-remediation detection error", "Post-remediation detection output", "Last update time"),
    "ja": ("デバイス名", "UPN", "検出状態", "修復状態", "修復前の検出出力", "修復前の検出エラー", "修復後の検出出力",
           "最終更新時刻"),
}
TIME_FORMATS = {"api": "%Y-%m-%dT%H:%M:%S.0000000Z", "portal": "%m/%d/%Y %I:%M:%S %p", "ja": "%Y/%m/%d %H:%M:%S"}


class MemoryStores:
    """A store backend over a fixed list of certificates (same interface as DotNetStores.read_many)."""

    def __init__(self, certificates: Iterable[CertificateInfo], status: str = "ok"):
        self.certificates = tuple(certificates)
        self.status = status

    def read_many(self, stores):
        if self.status == "error":
            return [StoreReading(s, "error", (), "Access is denied.") for s in stores]
        return [StoreReading(s, "ok", tuple(c for c in self.certificates if c.store == s)) for s in stores]


def certificate(code: str, not_after: datetime, rng: random.Random) -> CertificateInfo:
    return CertificateInfo(
        store=MY,
        subject=f"CN={code}, OU=medical, OU=hokkaido, O=ReceiptOnline, C=JP",
        issuer=OBN_ISSUER_DN,
        thumbprint="".join(rng.choice("0123456789ABCDEF") for _ in range(40)),
        serial=format(rng.getrandbits(64), "X"),
        not_before=not_after - LIFETIME,
        not_after=not_after,
        has_private_key=KeyPresence.YES,
    )


def random_result(rng: random.Random, now: datetime, policy, optional_policy) -> CheckResult:
    """One terminal's expiry result: mostly healthy, some due/urgent/expired, a renewed pair,
    a few without a certificate or with an unreadable store."""
    from pycert.expiry import job as expiry

    roll = rng.random()
    if roll < 0.03:  # unreadable store; with an optional profile that is a FAILED line
        return expiry.detect(optional_policy if roll < 0.015 else policy, MemoryStores((), status="error"), now)
    if roll < 0.08:
        return expiry.detect(policy, MemoryStores(()), now)
    code = f"{rng.randrange(1, 48):02d}{rng.randrange(10**8):08d}"
    bucket = rng.random()
    if bucket < 0.08:
        days = rng.uniform(-60, 0)
    elif bucket < 0.18:
        days = rng.uniform(0, 14)
    elif bucket < 0.45:
        days = rng.uniform(14, 90)
    else:
        days = rng.uniform(90, 1180)
    certs = [certificate(code, now + timedelta(days=days), rng)]
    if rng.random() < 0.1:  # renewed, old one still in the store
        certs.append(certificate(code, now + timedelta(days=rng.uniform(900, 1180)), rng))
    return expiry.detect(policy, MemoryStores(certs), now)


@dataclass(frozen=True)
class SampleDevice:
    name: str
    user: str
    reported_at: datetime
    result: CheckResult


def fleet(devices: int, now: datetime, seed: int = 1, pool: int = 256) -> Iterator[SampleDevice]:
    """`devices` terminals; their results are drawn from a pool of `pool` distinct ones
    (lines carry no device name, so reusing them is what a real fleet looks like)."""
    from pycert.policy.models import BUILTIN_POLICY, Policy

    policy = Policy.model_validate(BUILTIN_POLICY)
    optional = Policy.model_validate({**BUILTIN_POLICY, "profiles": {"obn": {**BUILTIN_POLICY["profiles"]["obn"], "required": False}}})
    rng = random.Random(seed)
    results = [random_result(rng, now, policy, optional) for _ in range(min(pool, max(devices, 1)))]
    for index in range(devices):
        yield SampleDevice(
            name=f"CLINIC{index // 20:04d}-PC{index % 20:02d}",
            user=f"user{index:06d}@clinic.example.jp",
            reported_at=now - timedelta(minutes=rng.randrange(1, 7 * 24 * 60)),
            result=results[index % len(results)],
        )


def export_row(device: SampleDevice, style: str, output: str) -> list[str]:
    when = device.reported_at.strftime(TIME_FORMATS[style])
    status = "Without issues" if device.result.exit_code == 0 else "With issues"
    if style == "api":
        return [str(uuid.uuid5(uuid.NAMESPACE_DNS, device.name)), device.name, device.user, device.user.split("@")[0],
                status, "Not run", output, "", "", "", when]
    return [device.name, device.user, status, "Not run", output, "", "", when]


def write_export(path: Path, devices: Iterable[SampleDevice], style: str = "api", encoding: str = "utf-8-sig",
                 delimiter: str = ",", extra_rows: Iterable[list[str]] = ()) -> None:
    """An Intune Remediations device-status export of `devices` (plus raw `extra_rows`)."""
    from pycert.common.output import summary_line

    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS[style])
        for device in devices:
            writer.writerow(export_row(device, style, summary_line(device.result)))
        for row in extra_rows:
            writer.writerow(row)


# Devices the docs' per-clinic example adds to a sample fleet: one line for each kind of
# 対処 the random fleet does not show (real v1 formats, docs/output.md).
DEMO_CODE = "1310000002"
DEMO_LINES = {
    "HIKARI-UKETSUKE": ("NONCOMPLIANT all v1 expiry=noncompliant mpki=compliant | obn check=expiry "
                        f"cn={DEMO_CODE} state=due days=40 expires=2026-12-31 tp=5A0C11E2 | client check=mpki "
                        "version=2.1.0 state=current code={6A1B2C3D-0000-4000-8000-000000000001}"),
    "HIKARI-SHINSATSU": ("NONCOMPLIANT all v1 expiry=noncompliant mpki=noncompliant | obn check=expiry "
                         f"cn={DEMO_CODE} state=urgent days=6 expires=2026-11-27 tp=0B7E93A4 | client check=mpki "
                         "version=1.9.0 state=outdated code={6A1B2C3D-0000-4000-8000-000000000001}"),
    "HIKARI-KENSA": 'NONCOMPLIANT rootca v1 pins=1 missing=1 | "Security Communication RootCA2" state=missing store=-',
    "AOBA-PC01": ('FAILED expiry v1 exit=2 | error message="The policy file C:\\\\ProgramData\\\\PyCert\\\\policy.toml '
                  'is not TOML (line 3: expected \'=\'); fix the file or run pycert policy check."'),
}
DEMO_CLINICS = ("医療機関コード,端末名,医療機関名,担当者\n"
                ",CLINIC0000-*,さくら内科クリニック,山田\n"
                ",CLINIC0001-*,みなと歯科医院,佐藤\n"
                f"{DEMO_CODE},,ひかり眼科,鈴木\n"
                ",HIKARI-*,ひかり眼科,鈴木\n")


def _raw_row(name: str, line: str, when: datetime) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), name, f"{name.lower()}@clinic.example.jp", name.lower(),
            "With issues", "Not run", line, "", "", "", when.strftime(TIME_FORMATS["api"])]


def clinic_demo(folder: Path, now: datetime) -> None:
    """The per-clinic example of docs/ja/report.md: `export.csv` (60 sample devices and
    DEMO_LINES), `previous.csv` (the same fleet a week earlier, where one device was still
    fine, one needed action, HIKARI-KENSA was not yet there and OLD-PC99 still was) and
    `clinics.csv` (DEMO_CLINICS; CLINIC0002-* and AOBA-PC01 stay unmapped)."""
    from dataclasses import replace

    folder.mkdir(parents=True, exist_ok=True)
    devices = list(fleet(60, now, seed=21, pool=60))
    extra = [_raw_row(name, line, now - timedelta(hours=3)) for name, line in DEMO_LINES.items()]
    write_export(folder / "export.csv", devices, extra_rows=extra)
    ok = next(d.result for d in devices if d.result.verdict == "compliant")
    due = next(d.result for d in devices if d.result.verdict == "noncompliant")
    worse = next(i for i, d in enumerate(devices) if d.result.verdict == "noncompliant")
    better = next(i for i, d in enumerate(devices) if d.result.verdict == "compliant")
    week = timedelta(days=7)
    before = [replace(d, reported_at=d.reported_at - week, result=ok if i == worse else due if i == better else d.result)
              for i, d in enumerate(devices)]
    ok_line = "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=2710000003 state=ok days=700 expires=2028-10-21 tp=7C1D22E0"
    earlier = {**DEMO_LINES, "AOBA-PC01": ok_line, "OLD-PC99": ok_line}
    del earlier["HIKARI-KENSA"]
    write_export(folder / "previous.csv", before,
                 extra_rows=[_raw_row(name, line, now - week - timedelta(hours=3)) for name, line in earlier.items()])
    (folder / "clinics.csv").write_text(DEMO_CLINICS, encoding="utf-8")


def docs_example(folder: Path, now: datetime) -> None:
    """The first example of docs/ja/report.md: `intune-export.csv` (120 sample devices, api
    columns, UTF-8 with BOM, one unreadable row) and `intune-export-ja-sjis.csv` (30 of
    them reported a week earlier, Japanese columns, Shift_JIS)."""
    from dataclasses import replace

    folder.mkdir(parents=True, exist_ok=True)
    devices = list(fleet(120, now, seed=42))
    broken = ["", "CLINIC0009-PC03", "", "", "With issues", "Not run", "garbage", "", "", "", ""]
    write_export(folder / "intune-export.csv", devices, extra_rows=[broken])
    older = [replace(d, reported_at=d.reported_at - timedelta(days=7)) for d in devices[60:90]]
    write_export(folder / "intune-export-ja-sjis.csv", older, style="ja", encoding="cp932")
