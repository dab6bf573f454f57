from __future__ import annotations

from adapters.realtime.memory import InMemoryTicketStore
from application.identity.principal import Principal
from application.realtime.tickets import IssueTicket, RedeemTicket


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_ticket_is_redeemed_once_and_only_before_it_expires() -> None:
    clock = Clock()
    store = InMemoryTicketStore(clock)
    issue, redeem = IssueTicket(store), RedeemTicket(store)
    ticket = await issue(Principal("u1", "s1", None, None))
    assert ticket.expires_in == 60
    assert await redeem(ticket.value) == "u1"
    assert await redeem(ticket.value) is None  # single use
    late = await issue(Principal("u2", "s2", None, None))
    clock.now += 61
    assert await redeem(late.value) is None
    assert await redeem("made-up") is None
