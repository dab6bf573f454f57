"""The profiles context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.account.ports import ActivityUnitOfWork
from application.identity.ports import UserRepository
from application.profiles.ports import ProfileRepository


class ProfilesUnitOfWork(ActivityUnitOfWork, Protocol):
    profiles: ProfileRepository
    users: UserRepository
