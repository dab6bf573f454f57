"""Profiles cached by user id; every write to a profile invalidates its entry.

Entries are generation-checked (``VersionedCache``): a read that started before a profile write
cannot put the old profile back after the write's invalidation — which would have served, for an
hour, a profile its owner had just made private to the public view."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from application.ports.cache import Cache
from application.versioned_cache import CachedRead, VersionedCache
from domain.profiles.profile import (
    LIST_FIELDS,
    Gender,
    PrivacySettings,
    Profile,
    ProfileDetails,
)

TTL_SECONDS = 3600


def profile_cache_key(user_id: str) -> str:
    return f"profile:{user_id}"


class ProfileCache:
    def __init__(self, cache: Cache):
        self._cache = VersionedCache(cache)

    async def read(self, user_id: str) -> tuple[Profile | None, CachedRead]:
        """The cached profile (None: a miss) and the read to pass to ``fill``; call it before
        reading the database."""
        read = await self._cache.read(profile_cache_key(user_id))
        return (_decode(read.value) if read.value is not None else None), read

    async def fill(self, read: CachedRead, profile: Profile) -> None:
        key = profile_cache_key(profile.user_id)
        await self._cache.fill(key, read, _encode(profile), TTL_SECONDS)

    async def invalidate(self, user_id: str) -> None:
        await self._cache.invalidate(profile_cache_key(user_id))


def _encode(profile: Profile) -> bytes:
    def default(value: object) -> str:
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(asdict(profile), default=default).encode()


def _decode(raw: bytes) -> Profile:
    data: dict[str, Any] = json.loads(raw)
    details = dict(data["details"])
    for name in LIST_FIELDS:
        details[name] = tuple(details[name])
    if details["gender"] is not None:
        details["gender"] = Gender(details["gender"])
    if details["date_of_birth"] is not None:
        details["date_of_birth"] = date.fromisoformat(details["date_of_birth"])
    return Profile(
        user_id=data["user_id"],
        details=ProfileDetails(**details),
        privacy=PrivacySettings(**data["privacy"]),
        created_at=datetime.fromisoformat(data["created_at"]) if data["created_at"] else None,
        updated_at=datetime.fromisoformat(data["updated_at"]) if data["updated_at"] else None,
    )
