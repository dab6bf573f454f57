from __future__ import annotations

import pytest
from dependency_injector import providers

from entrypoints.containers import Container
from tests.unit.jobs.fakes import SteppingClock


@pytest.fixture
def clock(memory_container: Container) -> SteppingClock:
    fake = SteppingClock()
    memory_container.core.clock.override(providers.Object(fake))
    return fake
