"""`pfx inspect` over every PKCS#12 file in PyPI's cryptography-vectors: a result or a
clean PfxError, never anything else (the package is a test dependency: pip install
cryptography-vectors)."""

from pathlib import Path

import pytest

from pycert.pfx import reader as pfx
from pycert.demo import samples
from pycert.policy.models import BUILTIN_POLICY, Policy
from pycert.common.secret import Secret

vectors = pytest.importorskip("cryptography_vectors", reason="pip install cryptography-vectors to run the vector sweep")
ROOT = Path(vectors.__file__).parent
FILES = sorted(p for p in ROOT.rglob("*") if p.suffix.lower() in (".p12", ".pfx"))
PROFILES = Policy.model_validate(BUILTIN_POLICY).enabled_profiles()


def test_there_are_vectors():
    assert len(FILES) > 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("password", [None, "cryptography", "password"])  # the vectors' and PKITS' passwords
def test_vector_gives_result_or_clean_error(path, password):
    secret = Secret(password, "test") if password else None
    try:
        contents = pfx.load(path, secret)
    except pfx.PfxError as exc:
        assert exc.kind in {"password", "corrupt", "no-key", "no-certificate", "empty-pfx", "key-mismatch", "unsupported", "not-pkcs12", "truncated"}
        assert exc.message.endswith(".") and "\n" not in exc.message and "{path}" not in exc.message
        return
    inspection = pfx.inspect(contents, PROFILES, samples.utc_now())
    assert inspection.contents.leaf.thumbprint and isinstance(inspection.warnings, list)
