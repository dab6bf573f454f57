from __future__ import annotations

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from tests.fixtures.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow(clock: FakeClock) -> InMemoryUnitOfWorkFactory:
    return InMemoryUnitOfWorkFactory(MemoryStore(), clock)
