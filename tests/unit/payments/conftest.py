from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from adapters.razorpay.sandbox import SandboxGateway
from application.identity.principal import Principal
from domain.identity.user import User
from domain.request_context import RequestContext
from entrypoints.containers import Container
from tests.fixtures.clock import FakeClock
from tests.unit.payments.fakes import FakeLedger

WEBHOOK_SECRET = "unit-webhook-secret"


@dataclass
class PaymentsWorld:
    container: Container
    clock: FakeClock
    ledger: FakeLedger
    gateway: SandboxGateway
    meta: RequestContext = field(
        default_factory=lambda: RequestContext(ip="198.51.100.4", user_agent="pytest")
    )

    def uc(self, name: str) -> Any:
        return getattr(self.container.payments, name)()

    async def user(self, name: str, *, admin: bool = False) -> Principal:
        now = self.clock.now()
        async with self.container.infrastructure.uow()() as uow:
            await uow.users.add(
                User(
                    id=f"u-{name}",
                    subject=f"dev|{name}",
                    email=f"{name}@example.com",
                    first_name=name,
                    last_name=None,
                    image_url=None,
                    username=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            await uow.commit()
        return Principal(
            user_id=f"u-{name}",
            subject=f"dev|{name}",
            email=f"{name}@example.com",
            name=name,
            is_admin=admin,
        )

    def outbox(self) -> list[dict[str, Any]]:
        return list(self.container.infrastructure.uow().store.state.outbox.values())


@pytest.fixture
def world(test_settings: Any) -> PaymentsWorld:
    from entrypoints.containers import MemoryInfrastructure

    container = Container(config=test_settings(razorpay_webhook_secret=WEBHOOK_SECRET))
    clock = FakeClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    container.core.clock.override(providers.Object(clock))
    container.infrastructure.override(MemoryInfrastructure(core=container.core))
    ledger = FakeLedger()
    container.credits.credits_ledger.override(providers.Object(ledger))
    return PaymentsWorld(container, clock, ledger, container.infrastructure.payment_gateway())
