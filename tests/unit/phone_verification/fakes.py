"""Fakes for the phone-verification use cases: a settable clock, a recording SMS sender and a
ledger that grants INITIAL_ALLOCATION once (kept in the memory store, so rollbacks undo it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapters.memory.store import MemoryStore
from application.ports.messaging import MessageDeliveryFailed
from application.ports.unit_of_work import UnitOfWork
from domain.ids import new_id
from domain.phone_verification.errors import FreeCreditsAlreadyClaimed


@dataclass
class FakeClock:
    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class Sent:
    channel: str
    to: str
    body: str


@dataclass
class RecordingSmsSender:
    sent: list[Sent] = field(default_factory=list)
    fail: bool = False

    async def send_sms(self, to: str, body: str) -> str:
        return self._record("sms", to, body)

    async def place_voice_call(self, to: str, message: str) -> str:
        return self._record("voice", to, message)

    def _record(self, channel: str, to: str, body: str) -> str:
        if self.fail:
            raise MessageDeliveryFailed("provider down")
        self.sent.append(Sent(channel, to, body))
        return f"{channel}-{len(self.sent)}"

    def last_code(self) -> str:
        body = self.sent[-1].body
        if self.sent[-1].channel == "voice":
            return "".join(ch for ch in body if ch.isdigit())
        return body[:6]


@dataclass(frozen=True)
class FakeEntry:
    transaction_id: str
    balance_after: int


class FakeLedger:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def entries(self) -> dict[str, FakeEntry]:
        value = self._store.state.extra.setdefault("fake_ledger", {})
        assert isinstance(value, dict)
        return value

    async def grant_initial_allocation(
        self, uow: UnitOfWork, *, user_id: str, amount: int, description: str
    ) -> FakeEntry:
        if user_id in self.entries():
            raise FreeCreditsAlreadyClaimed("an initial allocation exists")
        entry = FakeEntry(new_id(), amount)
        self.entries()[user_id] = entry
        return entry
