"""Checked by mypy, never run (tests/test_typing.py): the real store backend and the fakes
that stand in for it satisfy the Protocols in pycert/common/stores.py. Each function is
an assignment mypy must accept; a missing member or a different signature fails it."""

from __future__ import annotations

from pycert.common.stores import StoreBackend, StoreReader
from pycert.platform.dotnet import DotNetStores
from pycert.report.samples import MemoryStores
from tests.rootca_samples import UserOnlyMachine


def dotnet_is_a_backend(stores: DotNetStores) -> StoreBackend:
    return stores


def memory_is_a_reader(stores: MemoryStores) -> StoreReader:
    return stores


def user_only_machine_is_a_backend(stores: UserOnlyMachine) -> StoreBackend:
    return stores
