from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dependency_injector import providers

from entrypoints.containers import Container
from tests.fixtures.clock import FakeClock


@pytest.fixture
def clock(memory_container: Container) -> FakeClock:
    fake = FakeClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    memory_container.core.clock.override(providers.Object(fake))
    return fake
