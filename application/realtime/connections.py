"""Who may stay connected: the per-user connection cap and the re-checks of the credentials.

Every heartbeat, each connection's credential is checked again, cheaply: a session token is
re-verified (signature and expiry: no I/O), and whether its user still exists is asked once per
process for all connected users together (``RecheckUsers``: one query per 1,000 users), not once
per connection — at 10,000 connections a per-connection principal lookup was 500 Redis or
database reads a second.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from application.identity.resolve_principal import ResolvePrincipal
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.identity import TokenVerifier
from application.ports.unit_of_work import UnitOfWorkFactory
from application.realtime.tickets import RedeemTicket
from domain.errors import AuthenticationFailed, Unavailable
from domain.realtime.events import TooManyConnections

#: Open connections per user on one API instance (API.md: REALTIME_MAX_CONNECTIONS_PER_USER).
MAX_CONNECTIONS_PER_USER = 10
#: Users asked about in one query by ``RecheckUsers``.
RECHECK_BATCH = 1000

log = logging.getLogger(__name__)


class ConnectionSlots:
    """This process's open connections per user (the cap is per instance), and the users whose
    connections must close (deleted since they connected)."""

    def __init__(self, per_user: int = MAX_CONNECTIONS_PER_USER) -> None:
        self._per_user = per_user
        self._open: collections.Counter[str] = collections.Counter()
        self._revoked: set[str] = set()

    @contextmanager
    def hold(self, user_id: str) -> Iterator[None]:
        if self._open[user_id] >= self._per_user:
            raise TooManyConnections(
                f"At most {self._per_user} realtime connections per user",
            )
        self._open[user_id] += 1
        try:
            yield
        finally:
            self._open[user_id] -= 1
            if self._open[user_id] <= 0:
                del self._open[user_id]
                self._revoked.discard(user_id)  # gone; a restored account may come back

    def total(self) -> int:
        return sum(self._open.values())

    def users(self) -> list[str]:
        return list(self._open)

    def revoke(self, user_ids: Collection[str]) -> None:
        self._revoked.update(u for u in user_ids if u in self._open)

    def is_revoked(self, user_id: str) -> bool:
        return user_id in self._revoked


@dataclass(frozen=True, eq=False)
class UserStillActive:
    """Whether users still exist (not deleted): one user at connect time, all of a process's
    connected users at each heartbeat."""

    uow: UnitOfWorkFactory[IdentityUnitOfWork]

    async def __call__(self, user_id: str) -> bool:
        return not await self.inactive_among([user_id])

    async def inactive_among(self, user_ids: Collection[str]) -> set[str]:
        async with self.uow() as uow:
            return await uow.users.inactive_among(user_ids)


@dataclass(frozen=True, eq=False)
class RecheckUsers:
    """Every heartbeat, asks which connected users were deleted and revokes them (their
    connections close at their next heartbeat). An outage skips a round: asked again next time."""

    slots: ConnectionSlots
    active: UserStillActive

    async def once(self) -> None:
        users = self.slots.users()
        for start in range(0, len(users), RECHECK_BATCH):
            batch = users[start : start + RECHECK_BATCH]
            try:
                self.slots.revoke(await self.active.inactive_among(batch))
            except Unavailable as exc:
                log.warning("realtime user re-check skipped: %s", exc.code)
                return

    async def run(self, every: float) -> None:
        """Until no connection is left (the next connection starts it again)."""
        while self.slots.total():
            await asyncio.sleep(every)
            await self.once()


@dataclass(frozen=True, eq=False)
class SignedInUser:
    """The user a session token stands for (raises ``AuthenticationFailed`` when it stands for
    none: forged, expired, deleted user)."""

    verifier: TokenVerifier
    resolve: ResolvePrincipal

    async def __call__(self, token: str) -> str:
        principal = await self.resolve(await self.verifier.verify(token))
        return principal.user_id

    async def still_valid(self, token: str) -> bool:
        """The token still verifies (signature, expiry): no lookup, the user's existence is
        ``RecheckUsers``'s job."""
        try:
            await self.verifier.verify(token)
        except AuthenticationFailed:
            return False
        return True


#: Whether a connection may stay open, asked every heartbeat.
Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, eq=False)
class ConnectionGate:
    """Who opens a connection — by session token or single-use ticket — and the check each
    heartbeat asks of it: the token still verifies, the user was not deleted since (``recheck``
    asks that of all of this process's connected users together)."""

    signed_in: SignedInUser
    redeem: RedeemTicket
    active: UserStillActive
    slots: ConnectionSlots
    recheck: RecheckUsers

    async def by_token(self, token: str) -> tuple[str, Check]:
        user_id = await self.signed_in(token)

        async def still_valid() -> bool:
            return not self.slots.is_revoked(user_id) and await self.signed_in.still_valid(token)

        return user_id, still_valid

    async def by_ticket(self, ticket: str) -> tuple[str, Check]:
        user_id = await self.redeem(ticket)
        if user_id is None:
            raise AuthenticationFailed("The ticket is unknown, used or expired")
        if not await self.active(user_id):
            raise AuthenticationFailed("This account has been deleted")

        async def still_valid() -> bool:
            return not self.slots.is_revoked(user_id)

        return user_id, still_valid
