"""MSI versions, installed-vs-required judgements, MSI checks and the upgrade plan (pure)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pycert.mpki import rules as r
from pycert.mpki.rules import Installed, MsiFacts, Pins, VersionError, parse_version

fields = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 65535))
CODE_A = "{11111111-2222-3333-4444-555555555555}"
CODE_B = "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"


@given(fields, fields)
def test_compare_orders_like_tuples_of_the_first_three_fields(a, b):
    va, vb = parse_version("%d.%d.%d" % a), parse_version("%d.%d.%d" % b)
    assert r.compare(va, vb) == (a > b) - (a < b)
    assert r.compare(vb, va) == -r.compare(va, vb)


@given(fields, st.integers(0, 65535), st.integers(0, 65535))
def test_fourth_field_is_reported_but_ignored(a, x, y):
    va, vb = parse_version("%d.%d.%d.%d" % (*a, x)), parse_version("%d.%d.%d.%d" % (*a, y))
    assert r.compare(va, vb) == 0
    assert va.revision == x and str(va).endswith(f".{x}")


def test_numeric_examples():
    assert r.compare(parse_version("2.10.0"), parse_version("2.9.0")) == 1
    assert r.compare(parse_version("2.1"), parse_version("2.1.0")) == 0
    assert parse_version(" 1.0.0 ").key == (1, 0, 0)


@pytest.mark.parametrize("text", ["", "latest", "1", "1.0.0.0.0", "1.a.0", "v1.0.0", "1..0", "256.0.0", "1.256.0",
                                  "1.0.65536", "-1.0.0", "1.0.0-beta", "１.０.０"])
def test_malformed_versions_are_a_clear_error(text):
    with pytest.raises(VersionError, match="not an MSI version"):
        parse_version(text)


@given(st.text(max_size=20))
def test_parse_never_fails_other_than_version_error(text):
    try:
        v = parse_version(text)
    except VersionError:
        return
    assert all(0 <= f for f in v.key)


def product(version, code=CODE_A, location=r"C:\Program Files\Cybertrust\MPKI"):
    return Installed("Cybertrust Managed PKI Client", version, code, "Cybertrust", location, f"MsiExec.exe /X{code}", ("HKLM64",))


def test_assess_current_outdated_unreadable_and_not_msi():
    req = parse_version("2.1.0")
    a = r.assess([product("2.1.0.5"), product("1.0.0", CODE_B), product("x", "{BAD}"), product("1.0", "MPKIClient")],
                 req, False)
    states = {p.product.display_version: p.state for p in a.products}
    assert states == {"2.1.0.5": "current", "1.0.0": "outdated", "x": "not-msi", "1.0": "not-msi"}
    assert not a.compliant and a.has_current and not a.needs_install
    assert [p.product.product_code for p in a.to_remove] == [CODE_B]


def test_assess_unreadable_msi_product_is_removed_and_replaced():
    a = r.assess([product("garbage")], parse_version("2.1.0"), False)
    assert a.products[0].state == "unreadable" and a.needs_install and not a.compliant


@pytest.mark.parametrize("install_if_missing,compliant", [(False, True), (True, False)])
def test_assess_nothing_installed(install_if_missing, compliant):
    a = r.assess([], parse_version("2.1.0"), install_if_missing)
    assert a.compliant is compliant and a.needs_install is (not compliant)


def facts(**over):
    base = dict(product_name="Cybertrust Managed PKI Client", product_version="2.1.0", product_code=CODE_A,
                upgrade_code=CODE_B, manufacturer="Cybertrust Japan Co., Ltd.", sha256="AB" * 32, signature_valid=True,
                signature_reason="ok", signer_subject="CN=Cybertrust Japan Co., Ltd., O=Cybertrust Japan Co., Ltd., C=JP",
                signer_thumbprint="9A" * 20)
    base.update(over)
    return MsiFacts(**base)


def test_msi_problems_each_reason():
    pins = Pins("Cybertrust Managed PKI Client", parse_version("2.1.0"))
    assert r.msi_problems(facts(), pins) == []
    assert "not 'Cybertrust Managed PKI Client'" in r.msi_problems(facts(product_name="Other"), pins)[0]
    assert "older than the required 2.1.0" in r.msi_problems(facts(product_version="2.0.9"), pins)[0]
    assert "unreadable" in r.msi_problems(facts(product_version="2.x"), pins)[0]
    assert "not valid (the file is not signed)" in r.msi_problems(facts(signature_valid=False, signature_reason="the file is not signed"), pins)[0]
    pinned = Pins(pins.product_name, pins.required, "O=Cybertrust Japan", "9a:" * 19 + "9a", "ab" * 32)
    assert r.msi_problems(facts(), pinned) == []
    wrong = Pins(pins.product_name, pins.required, "O=Someone Else", "00" * 20, "CD" * 32)
    problems = r.msi_problems(facts(), wrong)
    assert len(problems) == 3 and "thumbprint" in problems[0] and "signer" in problems[1] and "SHA-256" in problems[2]


def test_plan_order_and_logs():
    a = r.assess([product("1.0.0"), product("1.5.0", CODE_B, r"C:\Other")], parse_version("2.1.0"), False)
    plan = r.upgrade_plan(a, r"C:\cache\new.msi", lambda kind, target: f"{kind}-{target}.log")
    assert [s.action for s in plan] == ["wait-mutex", "close-tray", "close-tray", "uninstall", "uninstall", "install", "confirm"]
    assert plan[3].describe() == f"msiexec /x {CODE_A} /qn /norestart /L*v uninstall-{CODE_A}.log"
    assert plan[5].describe() == r"msiexec /i C:\cache\new.msi /qn /norestart /L*v install-.log"
    assert r.upgrade_plan(r.assess([product("2.1.0")], parse_version("2.1.0"), True), "x", str) == []


def test_plan_only_removes_when_a_current_product_exists():
    a = r.assess([product("2.1.0"), product("1.0.0", CODE_B)], parse_version("2.1.0"), False)
    plan = r.upgrade_plan(a, "new.msi", lambda k, t: "l")
    assert [s.action for s in plan] == ["wait-mutex", "close-tray", "uninstall", "confirm"]


@pytest.mark.parametrize("code,meaning", [(0, "ok"), (1707, "ok"), (3010, "reboot"), (1641, "reboot"),
                                          (1618, "busy"), (1605, "absent"), (1603, "failed"), (1619, "failed")])
def test_exit_meaning(code, meaning):
    assert r.exit_meaning(code) == meaning


versions = st.one_of(
    fields.map(lambda f: "%d.%d.%d" % f),
    st.sampled_from(["", "garbage", "1.0.0-beta", "300.0.0"]),
)
codes = st.one_of(st.uuids().map(lambda u: "{" + str(u).upper() + "}"), st.sampled_from(["MPKIClient", "KB1"]))


@given(st.lists(st.tuples(versions, codes), max_size=6), fields, st.booleans())
def test_plan_never_removes_a_current_product_and_never_installs_before_removing(entries, req, install_if_missing):
    required = parse_version("%d.%d.%d" % req)
    a = r.assess([product(v, c) for v, c in entries], required, install_if_missing)
    plan = r.upgrade_plan(a, "new.msi", lambda k, t: f"{k}{t}.log")
    removed = [s.target for s in plan if s.action == "uninstall"]
    # the expectation by hand, from the inputs (docs/ja/mpki.md), not from the assessment
    current = [c for v, c in entries if _current_by_hand(v, req)]
    old = [(v, c) for v, c in entries if not _current_by_hand(v, req)]
    removable = [c for _, c in old if c.startswith("{")]  # the strategy's GUIDs; others are no product codes
    assert sorted(removed) == sorted(removable)
    assert not set(removed) & set(current)
    actions = [s.action for s in plan]
    if plan:
        assert actions[0] == "wait-mutex" and actions[-1] == "confirm"
        if "install" in actions:
            assert all(i < actions.index("install") for i, x in enumerate(actions) if x == "uninstall")
    missing = install_if_missing and not entries
    assert bool(plan) == (missing or bool(old))
    assert ("install" in actions) == (not current and (missing or bool(removable)))


def _current_by_hand(version: str, req: tuple[int, int, int]) -> bool:
    """Current: major.minor.build within MSI's ranges (255.255.65535) and at least the
    required version; "", "garbage", "1.0.0-beta" and "300.0.0" are unreadable, so old."""
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if not m or int(m[1]) > 255 or int(m[2]) > 255 or int(m[3]) > 65535:
        return False
    return (int(m[1]), int(m[2]), int(m[3])) >= req
