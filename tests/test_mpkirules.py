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


# -- sentences and fields stated by hand (mutation testing, docs/reliability.md 4d)

@pytest.mark.parametrize("text, message", [
    (5, "version 5 is not text"),
    ("1.2.3.4.5", "'1.2.3.4.5' is not an MSI version; write major.minor.build with numbers only, e.g. 2.1.0"),
    ("x" * 40, "'" + "x" * 40 + "' is not an MSI version; write major.minor.build with numbers only, e.g. 2.1.0"),
    ("x" * 41, "'" + "x" * 37 + "...' is not an MSI version; write major.minor.build with numbers only, e.g. 2.1.0"),
    ("256.0.0", "'256.0.0' is not an MSI version: the major may be at most 255"),
    ("1.256.0", "'1.256.0' is not an MSI version: the minor may be at most 255"),
    ("1.0.65536", "'1.0.65536' is not an MSI version: the build may be at most 65535"),
    ("1.0.0.65536", "'1.0.0.65536' is not an MSI version: the fourth field may be at most 65535"),
])
def test_version_errors_name_the_value_and_the_field(text, message):
    with pytest.raises(VersionError) as err:
        parse_version(text)
    assert str(err.value) == message


def test_a_version_prints_as_written_or_as_its_fields():
    assert str(r.MsiVersion(2, 1, 0)) == "2.1.0"
    assert str(parse_version("2.1")) == "2.1"


def test_assess_gives_reasons_and_orders_not_msi_unreadable_outdated_current():
    req = parse_version("2.1.0")
    # the state orders first, the product code second: CODE_A sorts before CODE_B
    a = r.assess([product("2.2.0", CODE_B), product("1.0.0", CODE_A), product("garbage", "{C}"),
                  product("1.0.0", "MPKIClient"), product("2.1.0", "{0}"), product("x", CODE_B)], req, False)
    assert a.required is req
    assert [(p.state, p.product.product_code) for p in a.products] == [
        ("not-msi", "MPKIClient"), ("not-msi", "{C}"), ("unreadable", CODE_B), ("outdated", CODE_A),
        ("current", "{0}"), ("current", CODE_B)]
    reasons = {(p.state, p.product.product_code): p.reason for p in a.products}
    assert reasons[("outdated", CODE_A)] == "1.0.0 is older than 2.1.0"
    assert reasons[("unreadable", CODE_B)] == (
        "'x' is not an MSI version; write major.minor.build with numbers only, e.g. 2.1.0")


def test_msi_problem_sentences():
    pins = Pins("Cybertrust Managed PKI Client", parse_version("2.1.0"), None, "ab" * 20, "cd:" * 31 + "cd")
    problems = r.msi_problems(facts(product_code="MPKIClient"), pins)
    assert problems == [
        "its ProductCode 'MPKIClient' is not a GUID",
        f"it is signed by thumbprint {'9A' * 20}, not the pinned {'AB' * 20}",
        f"its SHA-256 {'AB' * 32} differs from the pinned {'CD' * 32}",
    ]


def test_each_step_in_words_and_json():
    assert r.Step("wait-mutex").describe() == "wait for Global\\_MSIExecute (no other installation running)"
    assert r.Step("close-tray", r"C:\MPKI").describe() == r"close the client's tray process(es) running from C:\MPKI"
    assert r.Step("confirm", "2.1.0").describe() == "re-read the Uninstall keys and confirm version 2.1.0 or newer"
    assert r.Step("wait-mutex").as_json() == {
        "action": "wait-mutex", "target": "", "log": None,
        "command": "wait for Global\\_MSIExecute (no other installation running)"}
    assert r.Step("uninstall", CODE_A, "u.log").as_json() == {
        "action": "uninstall", "target": CODE_A, "log": "u.log", "command": f"msiexec /x {CODE_A} /qn /norestart /L*v u.log"}


def test_the_plan_closes_the_tray_where_the_old_client_is_and_confirms_the_required_version():
    a = r.assess([product("1.0.0", CODE_A, r"C:\Program Files\Cybertrust\MPKI")], parse_version("2.1.0"), False)
    plan = r.upgrade_plan(a, "new.msi", lambda k, t: "l")
    assert (plan[1].action, plan[1].target) == ("close-tray", r"C:\Program Files\Cybertrust\MPKI")
    assert (plan[-1].action, plan[-1].target) == ("confirm", "2.1.0")
