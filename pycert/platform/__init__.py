"""Every OS call lives below this package. `store_backend()` is the one place that decides
which backend runs; everything else receives the backend it is given."""

from __future__ import annotations

import sys
from functools import lru_cache


def is_windows() -> bool:
    return sys.platform == "win32"


@lru_cache(maxsize=1)
def store_backend():
    """The certificate-store backend for this machine (loads the .NET runtime on first use)."""
    from pycert.platform.dotnet import DotNetStores

    return DotNetStores.for_this_machine()
