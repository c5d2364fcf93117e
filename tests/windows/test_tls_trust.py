"""TLS on Windows is verified by Windows' chain engine (truststore), the way the vendor's
client and Edge verify it: a public site verifies, a self-signed one does not."""

from __future__ import annotations

import pytest



def test_a_public_site_verifies_through_windows_trust_store():
    from pycert.common import net
    from pycert.common.proxy import DIRECT, Route

    reply = net.fetch("https://www.microsoft.com/robots.txt", max_bytes=1024 * 1024, route=Route(None, DIRECT),
                      retries=1, connect_timeout=15, read_timeout=15)
    assert reply.status == 200


def test_a_self_signed_site_is_refused_with_a_sentence():
    from pycert.common import net
    from pycert.common.proxy import DIRECT, Route

    with pytest.raises(net.DownloadError) as refused:
        net.fetch("https://self-signed.badssl.com/", max_bytes=1024 * 1024, route=Route(None, DIRECT),
                  retries=0, connect_timeout=15, read_timeout=15)
    assert "self-signed.badssl.com" in refused.value.message
