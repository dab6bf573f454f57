"""The profiles context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.identity.ports import UserRepository
from application.ports.unit_of_work import UnitOfWork
from application.profiles.ports import ProfileRepository


class ProfilesUnitOfWork(UnitOfWork, Protocol):
    profiles: ProfileRepository
    users: UserRepository
