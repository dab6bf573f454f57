"""Turn a verified token into a Principal, provisioning the user on first sight."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from application.identity.principal import Principal
from application.identity.provisioning import provision_user
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.identity import DirectoryUser, IdentityDirectory, VerifiedToken
from application.ports.unit_of_work import UnitOfWorkFactory
from application.versioned_cache import VersionedCache
from domain.identity.user import AccountDeleted, User, split_name

CACHE_TTL_SECONDS = 300
#: Decoded cache entries kept per process: a signed-in caller's entry is decoded once, not on
#: every request (the bytes are the key, so a changed entry is decoded afresh).
DECODED_ENTRIES = 4096


def principal_cache_key(subject: str) -> str:
    return f"principal:{subject}"


@dataclass(frozen=True, slots=True)
class _CachedUser:
    """A principal cache entry, decoded."""

    id: str
    email: str | None
    name: str | None
    deleted: bool
    deleted_at: datetime | None


@lru_cache(maxsize=DECODED_ENTRIES)
def _decoded(value: bytes) -> _CachedUser:
    data = json.loads(value)
    deleted_at = data.get("deletedAt")
    return _CachedUser(
        data["id"],
        data["email"],
        data["name"],
        bool(data["deleted"]),
        datetime.fromisoformat(deleted_at) if deleted_at else None,
    )


class ResolvePrincipal:
    """The one place that maps a token subject to a platform user (cached by subject).

    Any change to a user (webhook update, deletion) must invalidate ``principal_cache_key``
    through ``VersionedCache`` after its commit; entries are generation-checked, so a request
    that read the user before the change cannot write the old principal back.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        cache: Cache,
        clock: Clock,
        admin_subjects: Collection[str],
        directory: IdentityDirectory | None = None,
    ):
        self._uow = uow
        self._cache = VersionedCache(cache)
        self._clock = clock
        self._admins = frozenset(admin_subjects)
        self._directory = directory

    async def __call__(self, token: VerifiedToken) -> Principal:
        is_admin = token.is_admin or token.subject in self._admins
        key = principal_cache_key(token.subject)
        cached = await self._cache.read(key)  # before the database read: see VersionedCache
        if cached.value is not None:
            entry = _decoded(cached.value)
            if entry.deleted:
                raise AccountDeleted.since(entry.deleted_at, self._clock.now())
            return Principal(entry.id, token.subject, entry.email, entry.name, is_admin)
        user = await self._load_or_provision(token)
        await self._cache.fill(
            key,
            cached,
            json.dumps(
                {
                    "id": user.id,
                    "email": user.email,
                    "name": user.display_name,
                    "deleted": user.is_deleted,
                    "deletedAt": user.deleted_at.isoformat() if user.deleted_at else None,
                }
            ).encode(),
            CACHE_TTL_SECONDS,
        )
        user.ensure_active(self._clock.now())
        return Principal(user.id, user.subject, user.email, user.display_name, is_admin)

    async def _load_or_provision(self, token: VerifiedToken) -> User:
        async with self._uow() as uow:
            existing = await uow.users.get_by_subject(token.subject)
        if existing is not None:
            return existing
        email, first, last, image, username = token.email, *split_name(token.name), None, None
        if email is None and self._directory is not None:
            found = await self._directory.lookup(token.subject)  # asked once, outside the tx
            if found is not None:
                email, image, username = found.email, found.image_url, found.username
                first, last = found.first_name or first, found.last_name or last
        async with self._uow() as uow:
            details = DirectoryUser(token.subject, email, first, last, image, username)
            user = await provision_user(uow, details, now=self._clock.now())
            if user is not None:
                await uow.commit()
                return user
        async with self._uow() as uow:  # a concurrent first request won the insert
            winner = await uow.users.get_by_subject(token.subject)
        if winner is None:
            raise RuntimeError("user vanished right after a conflicting insert")
        return winner
