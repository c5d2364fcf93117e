"""`[notify]` and `[profiles.<name>.notice]`: validated, bounded, one sentence per problem."""

import pytest

from pycert.policy import load, models
from tests.test_config import problems, write


def test_defaults_no_contact_and_silent_beside_the_mpki_client():
    policy = models.Policy.model_validate(models.BUILTIN_POLICY)
    assert (policy.notify.contact_name, policy.notify.contact_phone, policy.notify.contact_url) == (None, None, None)
    assert policy.notify.alongside_mpki_client is False
    assert policy.profiles["obn"].notice.family == "obn"
    assert models.builtin_policy().profiles["obn"].notice.family == "obn"


def test_a_contact_and_a_weborca_profile(tmp_path):
    policy = load.load_policy_file(write(tmp_path, """
[notify]
contact_name = "ABCメディカルシステム 山田"
contact_phone = "03-1234-5678"
contact_url = "https://support.example.jp/pycert"
alongside_mpki_client = true

[profiles.orca]
match = { issuer_contains = ["ORCA"] }
notice = { family = "weborca", after_expiry = "ORCA管理機構に再発行を依頼します。" }
""")).policy
    assert policy.notify.contact_phone == "03-1234-5678" and policy.notify.alongside_mpki_client is True
    notice = policy.profiles["orca"].notice
    assert (notice.family, notice.service, notice.after_expiry) == ("weborca", None, "ORCA管理機構に再発行を依頼します。")
    assert policy.profiles["obn"].notice.family == "obn"  # the built-in profile keeps its family


def test_bad_notify_values_each_get_one_sentence_with_its_line(tmp_path):
    found = problems(tmp_path, """[notify]
contact_name = "山田\\n太郎"
contact_phone = "call me"
contact_url = "javascript:alert(1)"
colour = "red"

[profiles.obn.notice]
family = "orca"
service = ""
renew = "%s"
""" % ("あ" * 201))
    assert len(found) == 7, found
    text = "\n".join(found)
    assert "line 2: notify.contact_name: write one line of text, without line breaks" in text
    assert "line 3: notify.contact_phone: 'call me' is not a phone number" in text
    assert "line 4: notify.contact_url: 'javascript:alert(1)' is not an http(s) URL" in text
    assert "line 5: notify.colour: unknown key" in text
    assert "line 8: profiles.obn.notice.family: Input should be 'obn', 'weborca', 'kenshin' or 'other'" in text
    assert "line 9: profiles.obn.notice.service: is empty; write the text, or remove the key" in text
    assert "line 10: profiles.obn.notice.renew: String should have at most 200 characters" in text


@pytest.mark.parametrize("phone", ["03-1234-5678", "0120 000 000", "+81-3-1234-5678", "(03)1234-5678"])
def test_phone_numbers_as_written_in_japan(phone):
    assert models.NotifyPolicy.model_validate({"contact_phone": phone}).contact_phone == phone


def test_a_long_contact_name_is_refused():
    with pytest.raises(ValueError, match="at most 40 characters"):
        models.NotifyPolicy.model_validate({"contact_name": "x" * 41})
