from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dependency_injector import providers

from entrypoints.containers import Container
from tests.fixtures.clock import FakeClock
from tests.unit.account.fakes import ClockedAttemptLimiter


@pytest.fixture
def clock(memory_container: Container) -> FakeClock:
    fake = FakeClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    memory_container.core.clock.override(providers.Object(fake))
    return fake


@pytest.fixture
def limiter(memory_container: Container, clock: FakeClock) -> ClockedAttemptLimiter:
    """The container's attempt limiter swapped for one that follows the fake clock."""
    fake = ClockedAttemptLimiter(clock)
    memory_container.infrastructure.attempt_limiter.override(providers.Object(fake))
    return fake
