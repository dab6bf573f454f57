"""Who may stay connected: the per-user connection cap and the re-check of the user."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from contextlib import contextmanager

from application.identity.resolve_principal import ResolvePrincipal
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.identity import TokenVerifier
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.realtime.events import TooManyConnections

#: Open connections per user on one API instance (API.md: REALTIME_MAX_CONNECTIONS_PER_USER).
MAX_CONNECTIONS_PER_USER = 10


class ConnectionSlots:
    """Counts this process's open connections per user; the cap is per instance."""

    def __init__(self, per_user: int = MAX_CONNECTIONS_PER_USER) -> None:
        self._per_user = per_user
        self._open: collections.Counter[str] = collections.Counter()

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

    def total(self) -> int:
        return sum(self._open.values())


class UserStillActive:
    """A connection opened by ticket is re-checked every heartbeat: a deleted user is cut off."""

    def __init__(self, uow: UnitOfWorkFactory[IdentityUnitOfWork]) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> bool:
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
        return user is not None and not user.is_deleted


class SignedInUser:
    """The user a session token stands for (raises ``AuthenticationFailed`` when it stands for
    none: forged, expired, deleted user); connections opened with a token re-run it each heartbeat.
    """

    def __init__(self, verifier: TokenVerifier, resolve: ResolvePrincipal) -> None:
        self._verifier = verifier
        self._resolve = resolve

    async def __call__(self, token: str) -> str:
        principal = await self._resolve(await self._verifier.verify(token))
        return principal.user_id
