"""Rules of policy values that mutation testing found unstated (docs/reliability.md 4d):
each expected value written by hand from the rule in docs/policy.md."""

from __future__ import annotations

import os

import pytest

from pycert.expiry.rules import leaves_notice_to_mpki_client
from pycert.policy.models import _one_line, result_folder_problem

NEITHER = "is neither a UNC path (\\\\server\\share\\folder) nor a local folder (C:\\folder)"
DOTS = "has a `.` or `..` part or a part ending in a space or a dot; write the folder's full plain path"


@pytest.mark.parametrize("value, problem", [
    ("", None),                                   # empty: no result files
    ("\\\\fs01\\PyCertResults$", None),
    ("\\\\fs01.\\share", None),                   # the server part is not a folder name
    ("C:\\PyCert\\results", None),
    ("C:\\" + "a" * 177, None),                   # 180 characters: the limit itself
    ("C:\\" + "a" * 178, "is 181 characters long; at most 180 are allowed"),
    ('C:\\a"b', 'holds a control character or one of " * ? < > |, which no Windows path holds'),
    ("results\\pycert", NEITHER),                 # relative
    ("C:\\a/b", NEITHER),                         # a forward slash inside a Windows path
    ("C:\\a:b", NEITHER),                         # a second colon (an NTFS stream name)
    ("\\\\fs01\\share.", DOTS),                   # a part ending in a dot
    ("C:\\results ", DOTS),                       # ... or in a space
    ("C:\\a\\..\\b", DOTS),
])
def test_result_folder_values(value, problem):
    assert result_folder_problem(value) == problem


@pytest.mark.skipif(os.name == "nt", reason="absolute POSIX folders are accepted off Windows only (tests)")
def test_posix_folders_have_every_part_checked():
    assert result_folder_problem("/srv/pycert-results") is None
    assert result_folder_problem("/srv./results") == DOTS  # no server part to skip in a POSIX path
    assert result_folder_problem("//srv/results") == NEITHER


def test_one_line_texts_are_trimmed_and_none_stays_none():
    assert _one_line("  ABCメディカル サポート  ") == "ABCメディカル サポート"
    assert _one_line(None) is None
    with pytest.raises(ValueError, match="^is empty; write the text, or remove the key to keep the built-in one$"):
        _one_line("   ")
    with pytest.raises(ValueError, match="^write one line of text, without line breaks or control characters$"):
        _one_line("a\nb")


@pytest.mark.parametrize("family, alongside, installed, quiet", [
    ("obn", False, True, True),        # the client notifies on the same schedule
    ("obn", True, True, False),        # the policy asks for both
    ("obn", False, False, False),      # no client: PyCert speaks
    ("obn", False, None, False),       # unknown (no registry): PyCert speaks
    ("weborca", False, True, False),   # the client knows nothing of other families
    ("kenshin", False, True, False),
])
def test_pycert_leaves_only_obn_notices_to_an_installed_mpki_client(family, alongside, installed, quiet):
    assert leaves_notice_to_mpki_client(family, alongside, installed) is quiet
